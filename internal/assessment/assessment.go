// Package assessment is the domain of an organisation's self-assessment of one AI system: its
// answers, its progress through the questionnaire and its review workflow. It is pure; storage
// lives in internal/postgres.
package assessment

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"aigrid/internal/account"
	"aigrid/internal/questionnaire"
)

// Status is where an assessment stands in the review workflow.
type Status string

// The statuses.
const (
	Draft    Status = "draft"     // being filled in
	InReview Status = "in_review" // submitted, waiting for a reviewer; read-only
	Approved Status = "approved"  // approved: read-only, changes start a new version
	Returned Status = "returned"  // sent back by a reviewer with a comment; editable
)

// Editable reports whether answers may change in this status.
func (s Status) Editable() bool { return s == Draft || s == Returned }

// Transition is a move in the workflow.
type Transition string

// The transitions.
const (
	Submit   Transition = "submit"   // draft/returned → in review
	Approve  Transition = "approve"  // in review → approved
	Return   Transition = "return"   // in review → returned (with a comment)
	Withdraw Transition = "withdraw" // in review → draft, by its authors
	Reopen   Transition = "reopen"   // approved → draft, by an owner
)

type rule struct {
	from []Status
	to   Status
	perm account.Permission
}

var workflow = map[Transition]rule{
	Submit:   {[]Status{Draft, Returned}, InReview, account.PermEdit},
	Approve:  {[]Status{InReview}, Approved, account.PermReview},
	Return:   {[]Status{InReview}, Returned, account.PermReview},
	Withdraw: {[]Status{InReview}, Draft, account.PermEdit},
	Reopen:   {[]Status{Approved}, Draft, account.PermManageOrg},
}

// Errors of the workflow.
var (
	ErrBadTransition  = errors.New("assessment: transition not allowed from this status")
	ErrNotPermitted   = errors.New("assessment: your role does not allow this transition")
	ErrCommentMissing = errors.New("assessment: a comment is required")
	ErrReadOnly       = errors.New("assessment: read-only in this status")
	ErrArchived       = errors.New("assessment: archived")
	ErrSelfApproval   = errors.New("assessment: the submitter cannot approve their own submission")
)

// SelfApproval tells whether approving would be a self-approval (the approver made the last
// submission), and checks it against the organisation's setting: separation of duties refuses it
// unless allowed, which is meant for one-person organisations. Only approval is concerned: the
// submitter may still return or withdraw their submission, which signs off nothing.
func SelfApproval(t Transition, actorID, submitterID string, allowed bool) (self bool, err error) {
	if t != Approve || actorID == "" || actorID != submitterID {
		return false, nil
	}
	if !allowed {
		return true, ErrSelfApproval
	}
	return true, nil
}

// Apply checks a transition and returns the new status. Returning an assessment needs a comment.
func Apply(from Status, t Transition, role account.Role, comment string) (Status, error) {
	r, ok := workflow[t]
	if !ok || !slices.Contains(r.from, from) {
		return from, ErrBadTransition
	}
	if !role.Can(r.perm) {
		return from, ErrNotPermitted
	}
	if t == Return && strings.TrimSpace(comment) == "" {
		return from, ErrCommentMissing
	}
	return r.to, nil
}

// Available lists the transitions a role may make from a status, in a stable order.
func Available(from Status, role account.Role) []Transition {
	var out []Transition
	for _, t := range []Transition{Submit, Approve, Return, Withdraw, Reopen} {
		r := workflow[t]
		if slices.Contains(r.from, from) && role.Can(r.perm) {
			out = append(out, t)
		}
	}
	return out
}

// Assessment is the self-assessment of one AI system.
type Assessment struct {
	ID             string
	OrganisationID string
	SystemName     string
	Description    string
	ContentVersion string
	Profile        questionnaire.Profile
	Status         Status
	Version        int
	PredecessorID  string
	ArchivedAt     *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	UpdatedByName  string
	// Revision counts the changes to the profile and the answers: (ID, Revision) names one state
	// of what progress and scores are computed from.
	Revision int64
}

// Evidence is a document or record supporting an answer.
type Evidence struct {
	Title string `json:"title"`
	Link  string `json:"link"` // a URL or an internal reference
}

// Answer is the current answer to one question.
type Answer struct {
	QuestionID    string     `json:"-"`
	Values        []string   `json:"values"` // option ids; the text or number for text and number questions
	Comment       string     `json:"comment,omitempty"`
	Justification string     `json:"justification,omitempty"`
	Evidence      []Evidence `json:"evidence,omitempty"`
	Revision      int        `json:"-"`
	UpdatedByName string     `json:"-"`
	UpdatedAt     time.Time  `json:"-"`
}

// Empty reports whether nothing was answered.
func (a Answer) Empty() bool {
	return len(a.Values) == 0 && a.Comment == "" && a.Justification == "" && len(a.Evidence) == 0
}

// Same reports whether two answers say the same thing.
func (a Answer) Same(b Answer) bool {
	return slices.Equal(a.Values, b.Values) && a.Comment == b.Comment && a.Justification == b.Justification &&
		slices.Equal(a.Evidence, b.Evidence)
}

// Digest identifies what an answer says (values, comment, justification, evidence; not who or
// when). A step page carries the digest of each answer as shown, so that saving can tell the
// questions this user changed from those they left as they found them.
func (a Answer) Digest() string {
	// what is hashed: "v<n>;" then "<len>:<value>;" for each value, the comment and the
	// justification, then "e<n>;" and each evidence's title and link likewise
	var buf [512]byte
	b := buf[:0]
	field := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
		b = append(b, ';')
	}
	b = append(b, 'v')
	b = strconv.AppendInt(b, int64(len(a.Values)), 10)
	b = append(b, ';')
	for _, v := range a.Values {
		field(v)
	}
	field(a.Comment)
	field(a.Justification)
	b = append(b, 'e')
	b = strconv.AppendInt(b, int64(len(a.Evidence)), 10)
	b = append(b, ';')
	for _, e := range a.Evidence {
		field(e.Title)
		field(e.Link)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:12])
}

// Answered reports whether the question has a value.
func (a Answer) Answered() bool { return len(a.Values) > 0 }

// Values returns the chosen values of every answer, as conditions and scoring use them.
func Values(answers map[string]Answer) questionnaire.Answers {
	out := make(questionnaire.Answers, len(answers))
	for id, a := range answers {
		if len(a.Values) > 0 {
			out[id] = a.Values
		}
	}
	return out
}

// Change is one entry of an answer's history.
type Change struct {
	QuestionID string
	Old        *Answer
	New        Answer
	By         string
	At         time.Time
}

// HistorySummary sums up an answer's history: how many changes, the first and the last.
type HistorySummary struct {
	Changes     int
	First, Last time.Time
}

// Event is one transition of the workflow (or another life event: created, duplicated, archived…).
type Event struct {
	Kind    string
	From    Status
	To      Status
	Comment string
	By      string
	At      time.Time
}

// Progress counts answered and applicable questions.
type Progress struct {
	Answered, Applicable int
}

// Percent is the share answered, 0–100.
func (p Progress) Percent() int {
	if p.Applicable == 0 {
		return 100
	}
	return p.Answered * 100 / p.Applicable
}

// Done reports whether every applicable question is answered.
func (p Progress) Done() bool { return p.Answered >= p.Applicable }

// Add sums two progresses.
func (p Progress) Add(q Progress) Progress {
	return Progress{p.Answered + q.Answered, p.Applicable + q.Applicable}
}

// Overview is an assessment's progress through the questionnaire.
type Overview struct {
	Visible  map[string]bool
	Sections map[string]Progress
	Sheets   map[string]Progress
	Total    Progress
}

// Summarise computes which questions apply and how far each section and sheet is answered.
func Summarise(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers map[string]Answer) Overview {
	values := Values(answers)
	return SummariseValues(qn, qn.Visibility(profile, values), values)
}

// SummariseValues is Summarise from the answers' values only (all it depends on: an answer
// counts as answered when it has a value), with the questions that apply already known: visible
// must be qn.Visibility(profile, values) (a caller may have kept it); it is not changed.
func SummariseValues(qn *questionnaire.Questionnaire, visible map[string]bool, values questionnaire.Answers) Overview {
	o := Overview{Visible: visible, Sections: map[string]Progress{}, Sheets: map[string]Progress{}}
	for _, sh := range qn.Sheets {
		var sp Progress
		for _, sec := range sh.Sections {
			var p Progress
			for _, q := range sec.Questions {
				if !o.Visible[q.ID] {
					continue
				}
				p.Applicable++
				if len(values[q.ID]) > 0 { // Answer.Answered
					p.Answered++
				}
			}
			o.Sections[sec.ID] = p
			sp = sp.Add(p)
		}
		o.Sheets[sh.ID] = sp
		o.Total = o.Total.Add(sp)
	}
	return o
}

// VisibleQuestions returns a section's questions that apply.
func (o Overview) VisibleQuestions(sec *questionnaire.Section) []*questionnaire.Question {
	var out []*questionnaire.Question
	for _, q := range sec.Questions {
		if o.Visible[q.ID] {
			out = append(out, q)
		}
	}
	return out
}

// HiddenAnswered lists the answered questions that apply under before but not under after: the
// answers a profile change would hide (they are kept, and come back if the questions apply again).
func HiddenAnswered(qn *questionnaire.Questionnaire, before, after questionnaire.Profile, answers map[string]Answer) []*questionnaire.Question {
	vb := qn.Visibility(before, Values(answers))
	va := qn.Visibility(after, Values(answers))
	var out []*questionnaire.Question
	for _, q := range qn.Questions() {
		if vb[q.ID] && !va[q.ID] && answers[q.ID].Answered() {
			out = append(out, q)
		}
	}
	return out
}
