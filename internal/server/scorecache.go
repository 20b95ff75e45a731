package server

import (
	"hash/maphash"
	"slices"
	"sync"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Scores are computed from the answers (the store keeps answers, not scores), and the pages read
// far more often than anyone saves. The pages of one assessment key what they compute by its
// revision (derived.go) and read no answer they do not show. The lists that score many
// assessments from answers they read at once (the organisation's list, the API) use this cache:
// scoring.Score is a pure function of the questionnaire, the profile and the answers, so its
// results are kept in memory under a key made of exactly those inputs: the content version and a
// 128-bit hash of the profile and the answers as read in the same request. No invalidation is needed: a save changes the answers,
// so the next read has another key, and two instances on one database can never serve a stale
// score. The cache is bounded (scoreCacheSize entries each), an arbitrary entry evicted when full.

const scoreCacheSize = 2048

type scoreKey struct {
	qn      *questionnaire.Questionnaire
	version string
	h1, h2  uint64
}

// boundedCache is a map with at most max entries.
type boundedCache[K comparable, V any] struct {
	mu  sync.Mutex
	m   map[K]V
	max int
}

func (c *boundedCache[K, V]) get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *boundedCache[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[K]V)
	}
	if _, ok := c.m[k]; !ok && len(c.m) >= c.max {
		for old := range c.m { // map iteration starts at a random entry
			delete(c.m, old)
			break
		}
	}
	c.m[k] = v
}

func (c *boundedCache[K, V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// scoreCache holds reports by scoreKey, and what is derived from an assessment by revision.
type scoreCache struct {
	reports boundedCache[scoreKey, scoring.Report]
	derived *stateCache // by assessment ID: its newest state known (derived.go)
}

func newScoreCache() *scoreCache {
	return &scoreCache{reports: boundedCache[scoreKey, scoring.Report]{max: scoreCacheSize},
		derived: &stateCache{max: derivedCacheSize, maxBytes: derivedCacheBytes, html: htmlBudget{max: derivedHTMLBytes}}}
}

var scoreSeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}

// keyOf hashes the profile and the answers independently of map order: each entry is hashed on
// its own and the hashes are summed (with a different tag for the profile and the answers).
func keyOf(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) scoreKey {
	k := scoreKey{qn: qn, version: qn.Version}
	var h maphash.Hash
	add := func(tag byte, m questionnaire.Values) {
		for id, vals := range m {
			for i, seed := range scoreSeeds {
				h.SetSeed(seed)
				h.WriteByte(tag)
				h.WriteString(id)
				for _, v := range vals {
					h.WriteByte(0)
					h.WriteString(v)
				}
				if i == 0 {
					k.h1 += h.Sum64()
				} else {
					k.h2 += h.Sum64()
				}
			}
		}
	}
	add('p', profile)
	add('a', answers)
	k.h1 += uint64(len(profile))<<32 | uint64(len(answers))
	return k
}

// score is scoring.Score, from the cache when the same inputs were scored before. The report's
// slices are copied: callers may not change the cached one.
func (s *Server) score(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) scoring.Report {
	k := keyOf(qn, profile, answers)
	r, ok := s.scores.reports.get(k)
	if !ok {
		r = scoring.Score(qn, profile, answers)
		s.scores.reports.put(k, r)
	}
	r.Sheets = slices.Clone(r.Sheets)
	return r
}
