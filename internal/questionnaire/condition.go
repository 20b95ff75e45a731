package questionnaire

import (
	"maps"
	"slices"
)

// Condition decides whether a question is shown. Exactly one form is set: a leaf on a profile
// answer (Profile + In), a leaf on an earlier answer (Question + In), or a combination.
type Condition struct {
	Profile  string       `yaml:"profile"`
	Question string       `yaml:"question"`
	In       []string     `yaml:"in"`
	All      []*Condition `yaml:"all"`
	Any      []*Condition `yaml:"any"`
	Not      *Condition   `yaml:"not"`
}

// Values is a set of chosen option ids (or, for text and number answers, the raw value).
type Values map[string][]string

// Profile holds an assessment's profile answers, by profile question id.
type Profile = Values

// Answers holds an assessment's chosen values, by question id.
type Answers = Values

// holds evaluates the condition; answered gives the values of a question only when it is shown.
func (c *Condition) holds(profile Profile, answered func(qid string) []string) bool {
	switch {
	case c.Profile != "":
		return intersects(profile[c.Profile], c.In)
	case c.Question != "":
		return intersects(answered(c.Question), c.In)
	case len(c.All) > 0:
		for _, s := range c.All {
			if !s.holds(profile, answered) {
				return false
			}
		}
		return true
	case len(c.Any) > 0:
		for _, s := range c.Any {
			if s.holds(profile, answered) {
				return true
			}
		}
		return false
	case c.Not != nil:
		return !c.Not.holds(profile, answered)
	}
	return true
}

// questionRefs lists the question ids the condition depends on.
func (c *Condition) questionRefs() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.Question != "" {
		out = append(out, c.Question)
	}
	for _, s := range c.All {
		out = append(out, s.questionRefs()...)
	}
	for _, s := range c.Any {
		out = append(out, s.questionRefs()...)
	}
	return append(out, c.Not.questionRefs()...)
}

func intersects(have, want []string) bool {
	for _, v := range have {
		if slices.Contains(want, v) {
			return true
		}
	}
	return false
}

// RoleMatches reports whether a question meant for appliesTo concerns an organisation whose profile
// gives role. An unknown role shows everything.
func RoleMatches(appliesTo, role string) bool {
	if appliesTo == RoleBoth || (role != RoleProvider && role != RoleDeployer) {
		return true
	}
	return appliesTo == role
}

// Visibility computes which questions apply to an assessment: the organisation's role matches the
// question's applies_to and its condition holds. A condition on a question that is itself hidden is
// false, so hiding cascades. Answers of hidden questions are kept by callers, never deleted here.
func (qn *Questionnaire) Visibility(profile Profile, answers Answers) map[string]bool {
	visible := make(map[string]bool, len(qn.order))
	qn.evaluate(profile, answers, visible, nil)
	return visible
}

// VisibilityAfter is Visibility(profile, answers) computed from before, the visibility of
// answers that differed only in the answers to changed: only the questions whose conditions read
// those answers, directly or through other questions, are evaluated again. before is not
// changed; it is returned as it is when no condition reads what changed.
func (qn *Questionnaire) VisibilityAfter(profile Profile, answers Answers, before map[string]bool, changed []string) map[string]bool {
	affected := map[string]bool{}
	var mark func(id string)
	mark = func(id string) {
		for _, q := range qn.readers[id] {
			if !affected[q.ID] {
				affected[q.ID] = true
				mark(q.ID)
			}
		}
	}
	for _, id := range changed {
		mark(id)
	}
	if len(affected) == 0 {
		return before
	}
	visible := maps.Clone(before)
	qn.evaluate(profile, answers, visible, affected)
	return visible
}

// evaluate computes into visible whether each question applies: every question, or only those in
// only (the others keep the value visible holds).
func (qn *Questionnaire) evaluate(profile Profile, answers Answers, visible, only map[string]bool) {
	var role string
	if v := profile[ProfileRole]; len(v) > 0 {
		role = v[0]
	}
	done := make(map[string]bool, len(qn.order))
	var visit func(q *Question) bool
	visit = func(q *Question) bool {
		if done[q.ID] || (only != nil && !only[q.ID]) {
			return visible[q.ID]
		}
		done[q.ID] = true // cycles are rejected by Validate; this guards against loops anyway
		ok := RoleMatches(q.AppliesTo, role)
		if ok && q.Condition != nil {
			ok = q.Condition.holds(profile, func(id string) []string {
				dep := qn.questions[id]
				if dep == nil || !visit(dep) {
					return nil
				}
				return answers[id]
			})
		}
		visible[q.ID] = ok
		return ok
	}
	for _, q := range qn.order {
		if only == nil || only[q.ID] {
			visit(q)
		}
	}
}
