package postgres_test

import (
	"context"
	"errors"
	"testing"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// TestTransitionSelfApproval checks separation of duties in the store itself, whatever the
// handler does: the last submitter cannot approve unless the organisation allows it, and a
// self-approval is recorded in the audit log in the same transaction.
func TestTransitionSelfApproval(t *testing.T) {
	ctx := context.Background()
	st := postgres.NewStore(pgtest.NewPool(t))
	olivia, err := st.CreateUser(ctx, "olivia@example.org", "Olivia", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	rita, err := st.CreateUser(ctx, "rita@example.org", "Rita", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrganisation(ctx, olivia.ID, "Solo")
	if err != nil {
		t.Fatal(err)
	}
	if o, err := st.Organisation(ctx, org.ID); err != nil || o.AllowSelfApproval {
		t.Fatalf("a new organisation allows self-approval: %+v, %v", o, err)
	}
	newSubmitted := func(by string) string {
		t.Helper()
		a, err := st.CreateAssessment(ctx, org.ID, by, assessment.Assessment{SystemName: "Chatbot", ContentVersion: "1", Profile: questionnaire.Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Transition(ctx, org.ID, a.ID, by, account.Owner, "", assessment.Submit, "", nil); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	selfApprovals := func() int {
		t.Helper()
		log, err := st.AuditLog(ctx, org.ID, 100)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range log {
			if e.Action == "assessment.self_approve" {
				n++
			}
		}
		return n
	}

	id := newSubmitted(olivia.ID)
	if sub, err := st.Submitter(ctx, org.ID, id); err != nil || sub != olivia.ID {
		t.Fatalf("Submitter = %q, %v; want Olivia", sub, err)
	}
	if _, err := st.Transition(ctx, org.ID, id, olivia.ID, account.Owner, "192.0.2.1", assessment.Approve, "", map[string]int{"score": 1}); !errors.Is(err, assessment.ErrSelfApproval) {
		t.Fatalf("self-approval: %v, want ErrSelfApproval", err)
	}
	if a, _ := st.Assessment(ctx, org.ID, id); a.Status != assessment.InReview {
		t.Fatalf("status after a refused self-approval: %s", a.Status)
	}
	var report map[string]int
	if ok, err := st.ApprovedReport(ctx, org.ID, id, &report); ok || err != nil {
		t.Fatalf("a refused self-approval stored a report: %v, %v", ok, err)
	}
	// Returning one's own submission is allowed: it approves nothing.
	if _, err := st.Transition(ctx, org.ID, id, olivia.ID, account.Owner, "", assessment.Return, "Forgot the DPIA.", nil); err != nil {
		t.Fatalf("the submitter returning it: %v", err)
	}
	// Another member approves.
	id = newSubmitted(olivia.ID)
	if _, err := st.Transition(ctx, org.ID, id, rita.ID, account.Reviewer, "", assessment.Approve, "", nil); err != nil {
		t.Fatalf("a reviewer approving: %v", err)
	}

	// With the setting on, the submitter approves and that is recorded.
	old, err := st.UpdateOrganisation(ctx, org.ID, postgres.OrganisationSettings{Name: "Solo", AllowSelfApproval: true})
	if err != nil || old.AllowSelfApproval || old.Name != "Solo" {
		t.Fatalf("UpdateOrganisation: old %+v, %v", old, err)
	}
	id = newSubmitted(olivia.ID)
	if _, err := st.Transition(ctx, org.ID, id, olivia.ID, account.Owner, "192.0.2.1", assessment.Approve, "", nil); err != nil {
		t.Fatalf("allowed self-approval: %v", err)
	}
	if n := selfApprovals(); n != 1 {
		t.Fatalf("%d self-approval audit entries, want 1", n)
	}
	log, _ := st.AuditLog(ctx, org.ID, 1)
	if e := log[0]; e.ActorID != olivia.ID || e.IP != "192.0.2.1" || e.Details["assessment"] != id {
		t.Errorf("self-approval audit entry: %+v", e)
	}
	// A failed approval records nothing: the audit entry belongs to the transaction.
	if _, err := st.Transition(ctx, org.ID, id, olivia.ID, account.Owner, "", assessment.Approve, "", nil); !errors.Is(err, assessment.ErrBadTransition) {
		t.Fatalf("approving twice: %v", err)
	}
	if n := selfApprovals(); n != 1 {
		t.Fatalf("%d self-approval audit entries, want 1", n)
	}
}
