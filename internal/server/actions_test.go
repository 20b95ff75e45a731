package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"aigrid/internal/assessment"
)

func TestActionPlan(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}, "a.q1.1.4": {"not_in_place"}}, "save")
	base := tm.path("/a/" + id + "/actions")

	resp, body := tm.editor.get(base + "?q=q1.1.3")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `<option value="q1.1.3" selected>`) {
		t.Fatal("the recommendation to act on is not preselected")
	}
	// Won't do needs a reason; the typed values are kept.
	resp, body = tm.editor.post(base, url.Values{"question": {"q1.1.3"}, "status": {"wont_do"}, "due": {"2027-01-15"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Say why this action will not be done.") || !strings.Contains(body, `value="2027-01-15"`) {
		t.Fatal("no reason message or the due date was lost")
	}
	// An owner outside the organisation is refused.
	outsider := tm.a.mustUser("out@example.org", "Out")
	resp, _ = tm.editor.post(base, url.Values{"question": {"q1.1.3"}, "status": {"todo"}, "owner": {outsider.ID}})
	wantStatus(t, resp, "", http.StatusNotFound)

	resp, _ = tm.editor.post(base, url.Values{"question": {"q1.1.3"}, "status": {"todo"}, "owner": {tm.editorUser.ID}, "due": {"2020-01-01"}})
	wantRedirect(t, resp, base)
	resp, _ = tm.editor.post(base, url.Values{"question": {"q1.1.4"}, "title": {"Settle the legal regime"}, "status": {"in_progress"}})
	wantRedirect(t, resp, base)
	_, body = tm.viewer.get(base)
	if !strings.Contains(body, `data-testid="overdue"`) || !strings.Contains(body, "Eddie Editor") || !strings.Contains(body, "Settle the legal regime") {
		t.Fatal("the plan does not show owners, titles and the overdue action")
	}
	if !strings.Contains(body, "2 actions: 2 open, 0 done, 0 not to be done.") {
		t.Fatal("wrong plan summary")
	}

	actions, _ := tm.a.st.Actions(context.Background(), tm.org.ID, id)
	if len(actions) != 2 || !actions[0].Overdue(time.Now()) {
		t.Fatalf("actions %+v", actions)
	}
	first := actions[0]
	// Done, with confirmation: the linked answer becomes "in place".
	resp, _ = tm.editor.post(base+"/"+first.ID, url.Values{"status": {"done"}, "owner": {tm.editorUser.ID}, "apply": {"1"}})
	wantRedirect(t, resp, base)
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans[first.QuestionID].Values[0] != "in_place" {
		t.Fatalf("answer after done+apply: %+v", ans[first.QuestionID])
	}
	// Done without confirmation leaves the answer alone.
	second := actions[1]
	resp, _ = tm.editor.post(base+"/"+second.ID, url.Values{"status": {"done"}})
	wantRedirect(t, resp, base)
	ans, _ = tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans[second.QuestionID].Values[0] != "not_in_place" {
		t.Fatal("the answer changed without confirmation")
	}
	got, _ := tm.a.st.Actions(context.Background(), tm.org.ID, id)
	if assessment.Summary(got, time.Now()).Done != 2 {
		t.Fatal("actions not done")
	}
	// The results page summarises the plan; viewers cannot change it.
	_, body = tm.viewer.get(tm.path("/a/" + id + "/results"))
	if !strings.Contains(body, `data-testid="plan"`) || !strings.Contains(body, "2 actions: 0 open, 2 done") {
		t.Fatal("results page lacks the plan summary")
	}
	resp, _ = tm.viewer.post(base, url.Values{"question": {"q1.1.3"}, "status": {"todo"}})
	wantStatus(t, resp, "", http.StatusForbidden)
}
