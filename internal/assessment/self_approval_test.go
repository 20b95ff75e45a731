package assessment_test

import (
	"errors"
	"testing"

	"aigrid/internal/assessment"
)

func TestSelfApproval(t *testing.T) {
	for _, c := range []struct {
		name             string
		t                assessment.Transition
		actor, submitter string
		allowed          bool
		self             bool
		err              error
	}{
		{"someone else approves", assessment.Approve, "a", "b", false, false, nil},
		{"the submitter approves", assessment.Approve, "a", "a", false, true, assessment.ErrSelfApproval},
		{"the submitter approves, allowed", assessment.Approve, "a", "a", true, true, nil},
		{"the submitter returns", assessment.Return, "a", "a", false, false, nil},
		{"the submitter withdraws", assessment.Withdraw, "a", "a", false, false, nil},
		{"no known submitter", assessment.Approve, "a", "", false, false, nil},
		{"no actor", assessment.Approve, "", "", false, false, nil},
	} {
		self, err := assessment.SelfApproval(c.t, c.actor, c.submitter, c.allowed)
		if self != c.self || !errors.Is(err, c.err) || (c.err == nil && err != nil) {
			t.Errorf("%s: SelfApproval = %v, %v; want %v, %v", c.name, self, err, c.self, c.err)
		}
	}
}
