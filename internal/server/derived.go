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
// name one state of what progress and scores are computed from. What the pages compute from
// that state is kept here under that key: a step page then reads its own step's answers and the
// revision, not every answer; the results page reads no answer at all. Nothing is invalidated:
// a change makes a new revision, and an instance that did not see it reads the new state when a
// page shows it the new revision (two instances on one database stay correct).

const derivedCacheSize = 1024 // about 30 KB each with the scores: ~30 MB at most

type derivedKey struct {
	qn  *questionnaire.Questionnaire
	id  string
	rev int64
}

// derived is what is computed from one state of an assessment's profile and answers. Everything
// in it is shared and read only.
type derived struct {
	qn      *questionnaire.Questionnaire
	rev     int64
	profile questionnaire.Profile
	values  questionnaire.Answers

	ovOnce  sync.Once // which questions apply and the progress, computed when a page first asks
	ov      assessment.Overview
	visible map[string]bool // when known beforehand (after: a save that cannot change it)

	once   sync.Once // scores and recommendations, likewise
	report scoring.Report
	recs   []scoring.Recommendation

	mu        sync.Mutex // the screenings, as of screenDay
	screenDay time.Time
	screen    screening.Result
}

// screened returns the screenings of d's state as of the day of now (they depend on the date:
// obligations apply from theirs), computed once a day.
func (d *derived) screened(now time.Time) screening.Result {
	now = now.UTC()
	day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.screenDay.Equal(day) {
		d.screen, d.screenDay = screenOn(d.qn, d.profile, d.values, day), day
	}
	return d.screen
}

func newDerived(qn *questionnaire.Questionnaire, rev int64, profile questionnaire.Profile, values questionnaire.Answers) *derived {
	return &derived{qn: qn, rev: rev, profile: profile, values: values}
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

// derive returns what is computed from a's profile and answers at a.Revision: from the cache, or
// read (the revision, profile and values in one statement) and computed. When the assessment
// changed since a was read, the newer state is returned (its rev says so).
func (s *Server) derive(ctx context.Context, qn *questionnaire.Questionnaire, a assessment.Assessment) (*derived, error) {
	return s.deriveWith(qn, a, func() (int64, questionnaire.Profile, questionnaire.Answers, error) {
		return s.st.Inputs(ctx, a.OrganisationID, a.ID)
	})
}

// deriveWith is derive with the inputs read by inputs (inside a transaction: on its connection).
func (s *Server) deriveWith(qn *questionnaire.Questionnaire, a assessment.Assessment,
	inputs func() (int64, questionnaire.Profile, questionnaire.Answers, error)) (*derived, error) {
	if d, ok := s.scores.derived.get(derivedKey{qn, a.ID, a.Revision}); ok {
		return d, nil
	}
	rev, profile, values, err := inputs()
	if err != nil {
		return nil, err
	}
	d := newDerived(qn, rev, profile, internValues(qn, values))
	s.scores.derived.put(derivedKey{qn, a.ID, rev}, d)
	return d, nil
}

// after returns the state a save leads to: d's values with the edits applied, kept under the
// revision the save wrote when d was the state it changed (otherwise someone else's change came
// in between, and the next page reads the state from the database).
func (s *Server) after(id string, d *derived, prior, rev int64, edits []assessment.Answer) *derived {
	if rev == prior && prior == d.rev {
		return d // nothing was written
	}
	values := maps.Clone(d.values)
	sameVisibility := true
	for _, a := range edits {
		if len(a.Values) > 0 {
			values[a.QuestionID] = a.Values
		} else {
			delete(values, a.QuestionID)
		}
		sameVisibility = sameVisibility && !d.qn.InConditions(a.QuestionID)
	}
	next := newDerived(d.qn, rev, d.profile, values)
	if sameVisibility { // no condition reads what changed: the same questions apply
		next.visible = d.overview().Visible
	}
	if prior == d.rev && rev != prior {
		s.scores.derived.put(derivedKey{d.qn, id, rev}, next)
	}
	return next
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
