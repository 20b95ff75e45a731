package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
)

// transitionAs posts a workflow transition as c.
func (tm *team) transitionAs(c *client, id, tr, comment string) (*http.Response, string) {
	tm.a.t.Helper()
	return c.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {tr}, "comment." + tr: {comment}})
}

func (tm *team) statusOf(id string) assessment.Status {
	tm.a.t.Helper()
	a, err := tm.a.st.Assessment(context.Background(), tm.org.ID, id)
	if err != nil {
		tm.a.t.Fatal(err)
	}
	return a.Status
}

func (tm *team) eventCount(id string) int {
	tm.a.t.Helper()
	events, err := tm.a.st.Events(context.Background(), tm.org.ID, id)
	if err != nil {
		tm.a.t.Fatal(err)
	}
	return len(events)
}

// auditEntries lists the organisation's audit entries with that action, oldest first.
func (tm *team) auditEntries(action string) []account.AuditEntry {
	tm.a.t.Helper()
	log, err := tm.a.st.AuditLog(context.Background(), tm.org.ID, 1000)
	if err != nil {
		tm.a.t.Fatal(err)
	}
	var out []account.AuditEntry
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Action == action {
			out = append(out, log[i])
		}
	}
	return out
}

func TestSelfApprovalRefusedByDefault(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.owner, "Chatbot", fullProfile)
	resp, _ := tm.transitionAs(tm.owner, id, "submit", "")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))

	// The submitter is not offered a dead "Approve" button, but told why.
	resp, body := tm.owner.get(tm.path("/a/" + id + "/"))
	wantStatus(t, resp, body, 200)
	if strings.Contains(body, `data-testid="transition-approve"`) {
		t.Error("the submitter is offered an Approve button")
	}
	if !strings.Contains(body, `data-testid="self-approval-blocked"`) || !strings.Contains(body, "another reviewer or owner must approve it") {
		t.Errorf("the submitter is not told another person must approve\n%.3000s", body)
	}
	// A reviewer still sees the button.
	if _, body = tm.reviewer.get(tm.path("/a/" + id + "/")); !strings.Contains(body, `data-testid="transition-approve"`) {
		t.Error("the reviewer is not offered Approve")
	}

	// Approving one's own submission is refused, with a message, and nothing changes.
	events := tm.eventCount(id)
	resp, body = tm.transitionAs(tm.owner, id, "approve", "Looks fine to me.")
	wantStatus(t, resp, body, http.StatusForbidden)
	if !strings.Contains(body, "You submitted this assessment for review") {
		t.Errorf("no message for a refused self-approval\n%.3000s", body)
	}
	if got := tm.statusOf(id); got != assessment.InReview {
		t.Errorf("status after refused self-approval = %s, want in_review", got)
	}
	if got := tm.eventCount(id); got != events {
		t.Errorf("events %d → %d after a refused self-approval", events, got)
	}
	var report map[string]any
	if ok, err := tm.a.st.ApprovedReport(context.Background(), tm.org.ID, id, &report); err != nil || ok {
		t.Errorf("approved report stored after a refused self-approval: %v, %v", ok, err)
	}

	// A reviewer approves fine.
	resp, _ = tm.transitionAs(tm.reviewer, id, "approve", "")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	if got := tm.statusOf(id); got != assessment.Approved {
		t.Fatalf("status = %s, want approved", got)
	}

	// Another owner approves fine too; what counts is the last submission, not who created it.
	other := tm.a.mustUser("oscar@example.org", "Oscar Owner")
	tm.a.mustMember(tm.org, other, account.Owner)
	oc := tm.a.signedIn(other)
	id2 := tm.create(tm.owner, "Scoring", fullProfile)
	resp, _ = tm.transitionAs(tm.owner, id2, "submit", "")
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))
	resp, _ = tm.transitionAs(oc, id2, "approve", "")
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))
	resp, _ = tm.transitionAs(tm.owner, id2, "reopen", "")
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))
	resp, _ = tm.transitionAs(oc, id2, "submit", "") // now Oscar is the submitter
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))
	resp, body = tm.transitionAs(oc, id2, "approve", "")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, _ = tm.transitionAs(tm.owner, id2, "approve", "")
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))

	// The submitter may still return (or withdraw) their own submission: it approves nothing.
	id3 := tm.create(tm.owner, "Triage", fullProfile)
	tm.transitionAs(tm.owner, id3, "submit", "")
	resp, _ = tm.transitionAs(tm.owner, id3, "return", "I forgot the DPIA.")
	wantRedirect(t, resp, tm.path("/a/"+id3+"/"))
	if got := tm.statusOf(id3); got != assessment.Returned {
		t.Errorf("status after the submitter returned it = %s, want returned", got)
	}
	if n := len(tm.auditEntries("assessment.self_approve")); n != 0 {
		t.Errorf("%d self-approval audit entries, want none", n)
	}
}

func TestSelfApprovalSetting(t *testing.T) {
	tm := newTeam(t)
	resp, body := tm.owner.get(tm.path("/settings"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `name="allow_self_approval"`) || strings.Contains(body, `name="allow_self_approval" value="1" checked`) {
		t.Fatalf("the settings page has no unticked self-approval checkbox\n%.3000s", body)
	}
	if !strings.Contains(body, "Allow the submitter to approve their own assessment") || !strings.Contains(body, "one-person organisations") {
		t.Errorf("the checkbox has no label or hint\n%.3000s", body)
	}

	resp, _ = tm.owner.post(tm.path("/settings"), url.Values{"name": {"Clinique du Parc"}, "allow_self_approval": {"1"}})
	wantRedirect(t, resp, tm.path("/"))
	if _, body = tm.owner.get(tm.path("/settings")); !strings.Contains(body, `name="allow_self_approval" value="1" checked`) {
		t.Errorf("the setting does not show as on\n%.3000s", body)
	}
	changes := tm.auditEntries("organisation.self_approval")
	if len(changes) != 1 || changes[0].Details["allowed"] != true {
		t.Fatalf("audit of the setting change: %+v", changes)
	}
	if n := len(tm.auditEntries("organisation.rename")); n != 0 {
		t.Errorf("saving the same name recorded %d renames", n)
	}
	// Saving again without a change records nothing more.
	tm.owner.post(tm.path("/settings"), url.Values{"name": {"Clinique du Parc"}, "allow_self_approval": {"1"}})
	if n := len(tm.auditEntries("organisation.self_approval")); n != 1 {
		t.Errorf("%d setting changes recorded, want 1", n)
	}

	// Only owners change it.
	resp, _ = tm.editor.post(tm.path("/settings"), url.Values{"name": {"Clinique du Parc"}})
	wantStatus(t, resp, "", http.StatusForbidden)

	// With the setting on, the submitter may approve, and that is recorded.
	id := tm.create(tm.owner, "Chatbot", fullProfile)
	tm.transitionAs(tm.owner, id, "submit", "")
	resp, body = tm.owner.get(tm.path("/a/" + id + "/"))
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, `data-testid="transition-approve"`) || !strings.Contains(body, "recorded in the audit log") {
		t.Errorf("the submitter is not offered Approve with the setting on\n%.3000s", body)
	}
	resp, _ = tm.transitionAs(tm.owner, id, "approve", "Single-person organisation.")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	if got := tm.statusOf(id); got != assessment.Approved {
		t.Fatalf("status = %s, want approved", got)
	}
	used := tm.auditEntries("assessment.self_approve")
	if len(used) != 1 || used[0].Details["assessment"] != id || used[0].ActorName != "Olivia Owner" {
		t.Fatalf("audit of the self-approval: %+v", used)
	}
	// A reviewer approving someone else's submission is not a self-approval.
	id2 := tm.create(tm.owner, "Scoring", fullProfile)
	tm.transitionAs(tm.owner, id2, "submit", "")
	resp, _ = tm.transitionAs(tm.reviewer, id2, "approve", "")
	wantRedirect(t, resp, tm.path("/a/"+id2+"/"))
	if n := len(tm.auditEntries("assessment.self_approve")); n != 1 {
		t.Errorf("%d self-approval entries, want 1", n)
	}

	// Turning it off is recorded and applies at once.
	resp, _ = tm.owner.post(tm.path("/settings"), url.Values{"name": {"Clinique du Parc"}})
	wantRedirect(t, resp, tm.path("/"))
	if changes := tm.auditEntries("organisation.self_approval"); len(changes) != 2 || changes[1].Details["allowed"] != false {
		t.Fatalf("audit of the setting change: %+v", changes)
	}
	id3 := tm.create(tm.owner, "Triage", fullProfile)
	tm.transitionAs(tm.owner, id3, "submit", "")
	resp, body = tm.transitionAs(tm.owner, id3, "approve", "")
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestSelfApprovalFrench(t *testing.T) {
	tm := newTeam(t)
	owner, _, err := tm.a.st.UserByEmail(context.Background(), "owner@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.a.st.UpdateProfile(context.Background(), owner.ID, owner.Name, "fr"); err != nil {
		t.Fatal(err)
	}
	_, body := tm.owner.get(tm.path("/settings"))
	if !strings.Contains(body, "Autoriser la personne qui soumet une évaluation à l’approuver") {
		t.Errorf("no French label on the settings page\n%.3000s", body)
	}
	id := tm.create(tm.owner, "Chatbot", fullProfile)
	tm.transitionAs(tm.owner, id, "submit", "")
	_, body = tm.owner.get(tm.path("/a/" + id + "/"))
	if !strings.Contains(body, "un autre relecteur ou propriétaire doit l’approuver") {
		t.Errorf("no French explanation on the overview\n%.3000s", body)
	}
	resp, body := tm.transitionAs(tm.owner, id, "approve", "")
	wantStatus(t, resp, body, http.StatusForbidden)
	if !strings.Contains(body, "Vous avez soumis cette évaluation") {
		t.Errorf("no French refusal message\n%.3000s", body)
	}
}

func TestTransitionCommentInvalidText(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.transitionAs(tm.editor, id, "submit", "")
	for _, tr := range []string{"approve", "return"} {
		for what, bad := range map[string]string{"NUL": "ok\x00then", "invalid UTF-8": "ok\xffthen", "control": "ok\x1bthen"} {
			events := tm.eventCount(id)
			resp, body := tm.transitionAs(tm.reviewer, id, tr, bad)
			wantStatus(t, resp, body, http.StatusUnprocessableEntity)
			if !strings.Contains(body, "cannot be saved") || !strings.Contains(body, `id="f-comment.`+tr+`-error"`) {
				t.Errorf("%s with %s: no field error\n%.3000s", tr, what, body)
			}
			if got := tm.statusOf(id); got != assessment.InReview {
				t.Errorf("%s with %s: status %s, want in_review", tr, what, got)
			}
			if got := tm.eventCount(id); got != events {
				t.Errorf("%s with %s: events %d → %d", tr, what, events, got)
			}
		}
	}
	resp, _ := tm.transitionAs(tm.reviewer, id, "approve", "Fine.")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
}
