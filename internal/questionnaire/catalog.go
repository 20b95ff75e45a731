package questionnaire

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
)

// ErrUnknownVersion is returned for a content version the catalog does not hold.
var ErrUnknownVersion = errors.New("questionnaire version not loaded")

// Catalog holds every questionnaire version loaded side by side, oldest first. An assessment is
// answered and scored with the version it names (assessments.content_version); new assessments
// start on the latest.
type Catalog struct {
	versions []*Questionnaire
	diffs    []Differences // diffs[i] goes from versions[i] to versions[i+1]
}

// LoadCatalog loads every version in fsys: each directory holding a MainFile is one version, named
// by its version number (content/2026.1/questionnaire.yaml…). Each version is validated on its own
// (Load), then the versions must form one chain (each names the one before as previous) and every
// difference between two consecutive versions must be declared, truthfully (Differences.Check).
// Every problem is reported.
func LoadCatalog(fsys fs.FS) (*Catalog, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	var qns []*Questionnaire
	var errs []error
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		if _, err := fs.Stat(fsys, e.Name()+"/"+MainFile); err != nil {
			continue
		}
		sub, err := fs.Sub(fsys, e.Name())
		if err != nil {
			return nil, fmt.Errorf("questionnaire: %w", err)
		}
		qn, err := Load(sub)
		if err != nil {
			errs = append(errs, prefixed(e.Name()+"/", err))
			continue
		}
		if qn.Version != e.Name() {
			errs = append(errs, fmt.Errorf("%s/%s:version: version %q does not match its directory %q", e.Name(), MainFile, qn.Version, e.Name()))
			continue
		}
		qns = append(qns, qn)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(qns) == 0 {
		return nil, fmt.Errorf("questionnaire: no version found (a directory per version, each with %s)", MainFile)
	}
	return NewCatalog(qns...)
}

// NewCatalog builds a catalog of loaded versions, checking the chain and the declared differences.
func NewCatalog(qns ...*Questionnaire) (*Catalog, error) {
	c := &Catalog{versions: slices.Clone(qns)}
	slices.SortFunc(c.versions, func(a, b *Questionnaire) int { return numCompare(a.Version, b.Version) })
	var errs []error
	for i, qn := range c.versions {
		at := qn.Version + "/" + MainFile
		switch {
		case i == 0 && qn.Previous != "":
			errs = append(errs, fmt.Errorf("%s:previous: %q is not loaded (the oldest version has no previous)", at, qn.Previous))
		case i > 0 && qn.Version == c.versions[i-1].Version:
			errs = append(errs, fmt.Errorf("%s:version: version %q is loaded twice", at, qn.Version))
		case i > 0 && qn.Previous != c.versions[i-1].Version:
			errs = append(errs, fmt.Errorf("%s:previous: previous is %q, want %q (the version before it)", at, qn.Previous, c.versions[i-1].Version))
		case i > 0:
			d := Diff(c.versions[i-1], qn)
			if err := d.Check(qn); err != nil {
				errs = append(errs, prefixed(qn.Version+"/", err))
			}
			c.diffs = append(c.diffs, d)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// LoadLatest loads the catalog in fsys and returns its latest version.
func LoadLatest(fsys fs.FS) (*Questionnaire, error) {
	c, err := LoadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	return c.Latest(), nil
}

// Versions returns every version, oldest first.
func (c *Catalog) Versions() []*Questionnaire { return c.versions }

// Latest returns the newest version: the one new assessments start on.
func (c *Catalog) Latest() *Questionnaire { return c.versions[len(c.versions)-1] }

// Get returns the version named, or an error wrapping ErrUnknownVersion: never another version.
func (c *Catalog) Get(version string) (*Questionnaire, error) {
	for _, qn := range c.versions {
		if qn.Version == version {
			return qn, nil
		}
	}
	return nil, &UnknownVersionError{Version: version}
}

// UnknownVersionError names the content version that is not loaded; it matches ErrUnknownVersion.
type UnknownVersionError struct{ Version string }

func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("content version %q: %v", e.Version, ErrUnknownVersion)
}

// Unwrap makes errors.Is(err, ErrUnknownVersion) true.
func (e *UnknownVersionError) Unwrap() error { return ErrUnknownVersion }

// Path returns the differences that lead from version from to version to (later), one per step,
// or nil when to does not follow from.
func (c *Catalog) Path(from, to string) []Differences {
	var out []Differences
	on := false
	for _, d := range c.diffs {
		if d.From == from {
			on = true
		}
		if on {
			out = append(out, d)
			if d.To == to {
				return out
			}
		}
	}
	return nil
}

// prefixed puts prefix before each "file:path: message" of a joined error.
func prefixed(prefix string, err error) error {
	var list interface{ Unwrap() []error }
	if errors.As(err, &list) {
		errs := list.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = fmt.Errorf("%s%w", prefix, e)
		}
		return errors.Join(out...)
	}
	return fmt.Errorf("%s%w", prefix, err)
}

// Successor follows the question id of version from to version to, step by step (same id, or the
// question that replaces it): the question of to that takes over its answers, nil when it was
// retired on the way or when to does not follow from.
func (c *Catalog) Successor(from, to, id string) *Question {
	path := c.Path(from, to)
	if path == nil {
		return nil
	}
	var q *Question
	for _, d := range path {
		if q = d.Successor(id); q == nil {
			return nil
		}
		id = q.ID
	}
	return q
}

// Next returns the version that follows version, or nil for the latest (or a version not loaded).
func (c *Catalog) Next(version string) *Questionnaire {
	for i, qn := range c.versions {
		if qn.Version == version && i+1 < len(c.versions) {
			return c.versions[i+1]
		}
	}
	return nil
}

// QuestionChange says how a question differs from the one it succeeds in an older version.
type QuestionChange struct {
	Replaced bool // another id: it replaces the old question
	Reworded bool // text or help
	Options  bool // options: ids, labels, scores, flags
	Rules    bool // kind, importance, weight, applies_to, condition, same_obligation_as, limits, section
}

// Any reports whether anything changed.
func (c QuestionChange) Any() bool { return c.Replaced || c.Reworded || c.Options || c.Rules }

// CompareQuestions tells how nq differs from oq, the question it succeeds.
func CompareQuestions(oq, nq *Question) QuestionChange {
	return QuestionChange{Replaced: oq.ID != nq.ID, Reworded: oq.Text != nq.Text || oq.Help != nq.Help,
		Options: !sameOptions(oq.Options, nq.Options), Rules: !sameRules(oq, nq)}
}
