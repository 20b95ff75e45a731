package server

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

// An assessment's revision counts the changes to its profile and answers (the store adds one in
// the transaction of each change), so a questionnaire version, an assessment ID and a revision
// name one state of its profile and answers. The newest state this instance knows of each
// assessment, and what the pages compute from it, is kept here: a step page then reads the assessment's row (its revision) and no
// answer; the results page likewise. Nothing is invalidated: a change makes a new revision, and
// an instance that did not see it reads the new state when a page shows it the new revision (two
// instances on one database stay correct). A save starts from the newest state this instance
// knows of an assessment, and writes only if the revision is still that one (saveFast).

// The states kept are bounded twice: one per assessment (the newest this instance knows), at most
// derivedCacheSize of them (about 60 KB each with 222 short answers and the scores), and at most
// derivedCacheBytes of answers' text in all (comments and justifications may be long: a state of
// 222 answers written in full would be megabytes).
//
// The HTML of the parts of pages that show nothing but one state (the results page's scores and
// recommendations: pages.ResultsView.Kept) is kept with it, at most derivedHTMLBytes for all the
// states kept, and released with the state: the first view of a revision renders them, the next
// views of the same revision write them.
const (
	derivedCacheSize  = 512
	derivedCacheBytes = 48 << 20
	derivedHTMLBytes  = 16 << 20
)

// stateCache holds the newest state known of each assessment, within its bounds (an arbitrary
// state evicted when full).
type stateCache struct {
	mu            sync.Mutex
	m             map[string]*derived
	bytes         int
	max, maxBytes int

	html htmlBudget // the HTML kept with the states
}

func (c *stateCache) get(id string) (*derived, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[id]
	return d, ok
}

// keep keeps d as its assessment's state, unless a newer one of the same version is kept already.
func (c *stateCache) keep(d *derived) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[string]*derived{}
	}
	if old, ok := c.m[d.id]; ok {
		if old == d || (old.qn == d.qn && old.rev > d.rev) {
			return
		}
		c.bytes -= old.size
		old.html.release()
		delete(c.m, d.id)
	}
	for id, old := range c.m { // map iteration starts at a random entry
		if len(c.m) < c.max && c.bytes+d.size <= c.maxBytes {
			break
		}
		c.bytes -= old.size
		old.html.release()
		delete(c.m, id)
	}
	if d.size > c.maxBytes {
		return // larger than the whole budget: not kept
	}
	c.m[d.id], c.bytes = d, c.bytes+d.size
	d.html.start(&c.html)
}

// htmlBudget counts the bytes of HTML kept with all the states of a cache.
type htmlBudget struct {
	mu         sync.Mutex
	bytes, max int
}

func (b *htmlBudget) take(n int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bytes+n > b.max {
		return false
	}
	b.bytes += n
	return true
}

func (b *htmlBudget) give(n int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.bytes -= n
}

// htmlMemo is the HTML kept with one state (a pages.Memoizer). It keeps only while its state is
// in the cache, within the cache's budget: a state that was never kept, or that left the cache
// while a page still renders it, keeps nothing.
type htmlMemo struct {
	mu     sync.Mutex
	m      map[any]string
	bytes  int
	budget *htmlBudget // nil: not kept (not in the cache)
}

func (h *htmlMemo) Memo(key any) (any, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	v, ok := h.m[key]
	return v, ok
}

func (h *htmlMemo) SetMemo(key, v any) {
	html, _ := v.(string)
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.m[key]; ok || h.budget == nil || !h.budget.take(len(html)) {
		return
	}
	if h.m == nil {
		h.m = map[any]string{}
	}
	h.m[key], h.bytes = html, h.bytes+len(html)
}

// start lets the memo keep, within b (its state entered the cache).
func (h *htmlMemo) start(b *htmlBudget) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.budget = b
}

// release forgets what the memo kept and gives its bytes back (its state left the cache).
func (h *htmlMemo) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.budget != nil {
		h.budget.give(h.bytes)
	}
	h.m, h.bytes, h.budget = nil, 0, nil
}

func (c *stateCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// derived is one state of an assessment's profile and answers, and what is computed from it.
// Everything in it is shared and read only.
type derived struct {
	qn      *questionnaire.Questionnaire
	id, org string // the assessment and its organisation
	rev     int64
	profile questionnaire.Profile
	answers answerSet             // every answer, hidden questions' included
	values  questionnaire.Answers // their values

	size int // bytes, roughly: what the answers hold

	ovOnce  sync.Once // which questions apply and the progress, computed when a page first asks
	ov      assessment.Overview
	visible map[string]bool // when known beforehand (after: a save that cannot change it)

	once   sync.Once // scores and recommendations, likewise
	report scoring.Report
	recs   []scoring.Recommendation

	mu        sync.Mutex // the screenings, as of screenDay
	screenDay time.Time
	screen    screening.Result

	html htmlMemo // the HTML of parts of pages that show only this state
}

// screened returns the screenings of d's state as of the day of now (they depend on the date:
// obligations apply from theirs), computed once a day.
func (d *derived) screened(now time.Time) screening.Result {
	day := dayOf(now)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.screenDay.Equal(day) {
		d.screen, d.screenDay = screenOn(d.qn, d.profile, d.values, day), day
	}
	return d.screen
}

func newDerived(qn *questionnaire.Questionnaire, id, org string, rev int64, profile questionnaire.Profile, answers map[string]assessment.Answer) *derived {
	set := answerSetOf(answers)
	return &derived{qn: qn, id: id, org: org, rev: rev, profile: profile, answers: set, values: internValues(qn, assessment.Values(answers)),
		size: sizeOf(set)}
}

// answerSet is the answers of one state by question ID, shared and read only: the state after a
// save shares with the state before every answer the save did not change (copying the map copies
// pointers, not answers).
type answerSet map[string]*assessment.Answer

func answerSetOf(answers map[string]assessment.Answer) answerSet {
	set := make(answerSet, len(answers))
	for id, a := range answers {
		set[id] = &a
	}
	return set
}

// get returns the answer to question id, if any.
func (s answerSet) get(id string) (assessment.Answer, bool) {
	if a := s[id]; a != nil {
		return *a, true
	}
	return assessment.Answer{}, false
}

// sizeOf is about how many bytes answers hold: their text, and a fixed cost per answer for the
// maps and what is computed from them.
func sizeOf(answers answerSet) int {
	n := 0
	for _, a := range answers {
		n += answerSize(*a)
	}
	return n
}

// answerSize is one answer's share of sizeOf.
func answerSize(a assessment.Answer) int {
	n := 256 + len(a.Comment) + len(a.Justification) + len(a.UpdatedByName)
	for _, v := range a.Values {
		n += len(v)
	}
	for _, e := range a.Evidence {
		n += len(e.Title) + len(e.Link)
	}
	return n
}

// overview returns which questions apply and how far each step and sheet is answered (shared:
// read only).
func (d *derived) overview() assessment.Overview {
	d.ovOnce.Do(func() {
		if d.visible == nil {
			d.visible = d.qn.Visibility(d.profile, d.values)
		}
		d.ov = assessment.SummariseValues(d.qn, d.visible, d.values)
	})
	return d.ov
}

// derive returns the state of a's profile and answers at a.Revision: from the cache, or read
// (the revision, profile and answers in one snapshot). When the assessment changed since a was
// read, the newer state is returned (its rev says so).
func (s *Server) derive(ctx context.Context, qn *questionnaire.Questionnaire, a assessment.Assessment) (*derived, error) {
	return s.deriveWith(qn, a, func() (int64, questionnaire.Profile, map[string]assessment.Answer, error) {
		return s.st.Inputs(ctx, a.OrganisationID, a.ID)
	})
}

// deriveWith is derive with the inputs read by inputs (inside a transaction: on its connection).
func (s *Server) deriveWith(qn *questionnaire.Questionnaire, a assessment.Assessment,
	inputs func() (int64, questionnaire.Profile, map[string]assessment.Answer, error)) (*derived, error) {
	if d, ok := s.scores.derived.get(a.ID); ok && d.qn == qn && d.rev == a.Revision && d.org == a.OrganisationID {
		return d, nil
	}
	rev, profile, answers, err := inputs()
	if err != nil {
		return nil, err
	}
	d := newDerived(qn, a.ID, a.OrganisationID, rev, profile, answers)
	s.keep(d)
	return d, nil
}

// keep caches d as its assessment's state, unless a newer one is kept already.
func (s *Server) keep(d *derived) { s.scores.derived.keep(d) }

// latest is the newest state this instance knows of an assessment of org (nil if none).
func (s *Server) latest(org, id string) *derived {
	d, ok := s.scores.derived.get(id)
	if !ok || d.org != org {
		return nil
	}
	return d
}

// after returns the state a save leads to: d's answers with the edits applied (as stored: with
// their new revisions, by the user, now), kept under the revision the save wrote when d was the
// state it changed (otherwise someone else's change came in between, and the next page reads the
// state from the database).
func (s *Server) after(d *derived, prior, rev int64, edits []assessment.Answer, revisions map[string]int, by string) *derived {
	if rev == prior && prior == d.rev {
		return d // nothing was written
	}
	answers, values := maps.Clone(d.answers), maps.Clone(d.values)
	size := d.size
	sameVisibility := true
	var changed []string
	now := time.Now()
	for _, a := range edits {
		if r, ok := revisions[a.QuestionID]; ok {
			a.Revision = r
		}
		cur, ok := answers.get(a.QuestionID)
		if ok && cur.Same(a) {
			continue // an unchanged answer was not rewritten
		}
		a.UpdatedByName, a.UpdatedAt = by, now
		if ok {
			size -= answerSize(cur)
		}
		size += answerSize(a)
		answers[a.QuestionID] = &a
		if len(a.Values) > 0 {
			values[a.QuestionID] = a.Values
		} else {
			delete(values, a.QuestionID)
		}
		sameVisibility = sameVisibility && !d.qn.InConditions(a.QuestionID)
		changed = append(changed, a.QuestionID)
	}
	next := &derived{qn: d.qn, id: d.id, org: d.org, rev: rev, profile: d.profile, answers: answers, values: values, size: size}
	if sameVisibility {
		// No condition reads what changed: the same questions apply, and the progress moves by
		// the questions answered or cleared.
		next.visible = d.overview().Visible
		next.ovOnce.Do(func() { next.ov = moved(d.qn, d.overview(), d.values, values, edits) })
	} else {
		// only the questions whose conditions read what changed are evaluated again
		next.visible = d.qn.VisibilityAfter(d.profile, values, d.overview().Visible, changed)
	}
	if prior == d.rev && rev != prior {
		s.keep(next)
	}
	return next
}

// moved is ov (the overview of before) with the progress of the questions in edits recounted
// under after, the questions that apply being the same.
func moved(qn *questionnaire.Questionnaire, ov assessment.Overview, before, after questionnaire.Answers, edits []assessment.Answer) assessment.Overview {
	ov.Sections, ov.Sheets = maps.Clone(ov.Sections), maps.Clone(ov.Sheets)
	seen := map[string]bool{}
	for _, a := range edits {
		q := qn.Question(a.QuestionID)
		if q == nil || !ov.Visible[q.ID] || seen[q.ID] {
			continue
		}
		seen[q.ID] = true
		delta := 0
		switch was, is := len(before[q.ID]) > 0, len(after[q.ID]) > 0; {
		case is && !was:
			delta = 1
		case was && !is:
			delta = -1
		default:
			continue
		}
		sec, sh := ov.Sections[q.Section.ID], ov.Sheets[q.Section.Sheet.ID]
		sec.Answered += delta
		sh.Answered += delta
		ov.Sections[q.Section.ID], ov.Sheets[q.Section.Sheet.ID] = sec, sh
		ov.Total.Answered += delta
	}
	return ov
}

// scored returns the report and recommendations of d's state (copies: callers may change them).
func (d *derived) scored() (scoring.Report, []scoring.Recommendation) {
	d.once.Do(func() {
		d.report = scoring.Score(d.qn, d.profile, d.values)
		d.recs = scoring.Recommend(d.qn, d.profile, d.values)
	})
	r := d.report
	r.Sheets = slices.Clone(r.Sheets)
	return r, slices.Clone(d.recs)
}

// internValues makes the values that are option IDs share the questionnaire's strings, so that
// a thousand cached states do not each hold their own copy of "in_place".
func internValues(qn *questionnaire.Questionnaire, values questionnaire.Answers) questionnaire.Answers {
	for id, vals := range values {
		q := qn.Question(id)
		if q == nil {
			continue
		}
		for i, v := range vals {
			for _, o := range q.Options {
				if o.ID == v {
					vals[i] = o.ID
					break
				}
			}
		}
	}
	return values
}

// stepQuestions lists the question IDs of each step in any version of c.
func stepQuestions(c *questionnaire.Catalog) map[string][]string {
	out := map[string][]string{}
	for _, qn := range c.Versions() {
		for _, sec := range qn.Sections() {
			for _, q := range sec.Questions {
				if !slices.Contains(out[sec.ID], q.ID) {
					out[sec.ID] = append(out[sec.ID], q.ID)
				}
			}
		}
	}
	return out
}
