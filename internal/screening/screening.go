// Package screening reads an assessment's profile and answers and works out, with its reasoning
// shown, two things a DPO asks next: whether a data protection impact assessment (DPIA) is needed
// (GDPR Art. 35), and how the AI Act classifies the system and what it asks of the organisation's
// role, by when.
//
// It is guidance, never a verdict: every result lists the criteria it looked at, the answers that
// met each one, the legal basis and the facts still missing, so that a person can check the
// reasoning and decide. The rules are data (dpia_rules.go, aiact_rules.go); the functions only
// evaluate them.
//
// The package is pure like scoring: no database, no network, no clock (dates are passed in), and
// the same inputs always give the same result.
package screening

import (
	"slices"
	"strings"
	"time"

	"aigrid/internal/questionnaire"
)

// Input is what a screening reads: the questionnaire (to know which questions apply), the
// assessment's profile and its answers.
type Input struct {
	Questionnaire *questionnaire.Questionnaire
	Profile       questionnaire.Profile
	Answers       questionnaire.Answers

	visible map[string]bool
}

// NewInput prepares an input; answers to questions hidden by the profile or by other answers are
// ignored, as scoring ignores them.
func NewInput(qn *questionnaire.Questionnaire, profile questionnaire.Profile, answers questionnaire.Answers) Input {
	return Input{Questionnaire: qn, Profile: profile, Answers: answers, visible: qn.Visibility(profile, answers)}
}

// ProfilePrefix marks a fact that is a profile answer ("profile:role"); other facts are question ids.
const ProfilePrefix = "profile:"

// values returns the chosen values of a fact: a profile answer or the answer to a question that
// applies.
func (in Input) values(ref string) []string {
	if id, ok := cutPrefix(ref, ProfilePrefix); ok {
		return in.Profile[id]
	}
	if in.visible != nil && !in.visible[ref] {
		return nil
	}
	return in.Answers[ref]
}

// applies reports whether a question is shown to this assessment (profile facts always are).
func (in Input) applies(ref string) bool {
	if _, ok := cutPrefix(ref, ProfilePrefix); ok {
		return true
	}
	return in.visible == nil || in.visible[ref]
}

func cutPrefix(s, prefix string) (string, bool) { return strings.CutPrefix(s, prefix) }

// unknownValues are answers that leave a fact open.
var unknownValues = []string{"dont_know", "not_assessed", "undetermined", "unsure", "not_determined", "undecided"}

// open reports whether a fact is unanswered or answered with "don't know" (or its like).
func (in Input) open(ref string) bool {
	v := in.values(ref)
	if len(v) == 0 {
		return true
	}
	for _, x := range v {
		if !slices.Contains(unknownValues, x) {
			return false
		}
	}
	return true
}

// Status is what a criterion or a fact came to.
type Status string

// The statuses of a criterion.
const (
	Met     Status = "met"     // an answer meets it
	NotMet  Status = "not_met" // the answers rule it out
	Unknown Status = "unknown" // a fact it needs is missing
)

// Trigger is an answer that met a criterion: the fact (a question id, or "profile:" and a profile
// question id) and the values that met it.
type Trigger struct {
	Ref    string   `json:"ref"`
	Values []string `json:"values"`
}

// Source is a published text a rule rests on, beside the legal references: its title, date and
// address, and whether aigrid could read it.
type Source struct {
	Title questionnaire.Text `json:"title"`
	Date  string             `json:"date"` // YYYY-MM-DD
	URL   string             `json:"url"`
	Note  questionnaire.Text `json:"note,omitzero"`
}

// Criterion is one rule checked against the answers, with its outcome and its reasons.
type Criterion struct {
	ID          string             `json:"id"`
	Title       questionnaire.Text `json:"title"`
	Explanation questionnaire.Text `json:"explanation"`
	References  []string           `json:"references,omitempty"` // legal references ("GDPR Art. 35(3)")
	Sources     []Source           `json:"sources,omitempty"`
	Status      Status             `json:"status"`
	Triggers    []Trigger          `json:"triggers,omitempty"`
	Missing     []string           `json:"missing,omitempty"` // facts that would settle it
}

// signal is one way a criterion is met: a fact whose answer holds one of the values. A decisive
// signal leaves the criterion unknown while its fact is open; the others only ever add evidence.
type signal struct {
	ref      string
	in       []string
	decisive bool
	min      int // for a multiple choice: how many of in must be chosen (0 means 1)
}

// rule is a criterion as data.
type rule struct {
	id          string
	title       questionnaire.Text
	explanation questionnaire.Text
	refs        []string
	sources     []Source
	any         []signal // met when any signal is met
}

// evaluate checks a rule against the input.
func (r rule) evaluate(in Input) Criterion {
	c := Criterion{ID: r.id, Title: r.title, Explanation: r.explanation, References: r.refs, Sources: r.sources, Status: NotMet}
	open := false
	for _, s := range r.any {
		var hit []string
		for _, v := range in.values(s.ref) {
			if slices.Contains(s.in, v) {
				hit = append(hit, v)
			}
		}
		if len(hit) > 0 && len(hit) >= s.min {
			c.Status = Met
			c.Triggers = append(c.Triggers, Trigger{Ref: s.ref, Values: hit})
			continue
		}
		if s.decisive && in.applies(s.ref) && in.open(s.ref) {
			open = true
			if !slices.Contains(c.Missing, s.ref) {
				c.Missing = append(c.Missing, s.ref)
			}
		}
	}
	if c.Status != Met && open {
		c.Status = Unknown
	}
	if c.Status == Met {
		c.Missing = nil
	}
	return c
}

// Refs lists every fact the rules read, so that a test can check that each exists in the content.
func Refs() []string {
	var out []string
	add := func(rs []rule) {
		for _, r := range rs {
			for _, s := range r.any {
				if !strings.HasPrefix(s.ref, "criterion:") && !slices.Contains(out, s.ref) {
					out = append(out, s.ref)
				}
			}
		}
	}
	add(wp248Rules)
	add(art35Rules)
	add(cnilListRules)
	add(aiactRules())
	for _, o := range obligations {
		for _, e := range o.evidence {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}

// mustDate parses a rule date; the dates are constants of this package.
func mustDate(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func t(en, fr string) questionnaire.Text { return questionnaire.Text{EN: en, FR: fr} }

// Values lists, per fact, the option values the rules compare it with, so that a test can check
// that each exists in the content.
func Values() map[string][]string {
	out := map[string][]string{}
	var rules []rule
	rules = append(rules, wp248Rules...)
	rules = append(rules, cnilListRules...)
	rules = append(rules, aiactRules()...)
	for _, r := range rules {
		for _, s := range r.any {
			if strings.HasPrefix(s.ref, "criterion:") {
				continue
			}
			for _, v := range s.in {
				if !slices.Contains(out[s.ref], v) {
					out[s.ref] = append(out[s.ref], v)
				}
			}
		}
	}
	return out
}

// EvidenceQuestions lists the questions the obligations take as evidence.
func EvidenceQuestions() []string {
	out := []string{"q7.2.3"}
	for _, o := range obligations {
		for _, e := range o.evidence {
			if !slices.Contains(out, e) {
				out = append(out, e)
			}
		}
	}
	return out
}
