package server

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The check-the-answers page shows everything a reviewer approves: the reason a question does not
// apply (and "Not applicable", not the form's "(justify)"), comments and evidence; unanswered and
// "don't know" questions come first.
func TestCheckAnswersShowsEverything(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{
		"a.q1.1.3": {"not_applicable"}, "j.q1.1.3": {"We never reuse this model elsewhere."},
		"a.q1.1.4": {"dont_know"}, "c.q1.1.4": {"Ask the CISO."},
		"et.q1.1.4": {"Security policy"}, "el.q1.1.4": {"https://intranet.example.org/policy"},
	}, "save")
	resp, body := tm.reviewer.get(tm.path("/a/" + id + "/review"))
	wantStatus(t, resp, body, 200)
	for _, want := range []string{"We never reuse this model elsewhere.", "Ask the CISO.",
		`<a href="https://intranet.example.org/policy" rel="noopener noreferrer">Security policy</a>`, "Why not applicable:"} {
		if !strings.Contains(body, want) {
			t.Errorf("check-the-answers lacks %q", want)
		}
	}
	if strings.Contains(body, "(justify)") {
		t.Error("the answer is shown as the form's label “Not applicable (justify)”")
	}
	first := regexp.MustCompile(`(?s)data-testid="look-first".*?</section>`).FindString(body)
	if !strings.Contains(first, "q1.1.4") || !strings.Contains(first, "q1.1.1") || strings.Contains(first, "q1.1.3 ") {
		t.Fatalf("look-first section: %.2000s", first)
	}
	// unanswered before "don't know"
	if strings.Index(first, "q1.1.1 ") > strings.Index(first, "q1.1.4 ") {
		t.Error("unanswered questions are not listed before “don't know” ones")
	}
	// French: the same in the other language
	req := tm.reviewer
	req.post("/language", url.Values{"lang": {"fr"}, "next": {tm.path("/a/" + id + "/review")}})
	_, body = req.get(tm.path("/a/" + id + "/review"))
	if !strings.Contains(body, "Pourquoi non applicable\u00a0:") || strings.Contains(body, "(justifier)") {
		t.Error("French check-the-answers page")
	}
}

// A returned assessment shows the reviewer's comment at the top of its overview, with a link to
// each step the comment names and to each step left open.
func TestReturnedCommentAtTop(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.4": {"dont_know"}}, "save")
	tm.editor.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {"submit"}})
	resp, _ := tm.reviewer.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {"return"},
		"comment.return": {"Document the purpose (q1.2.1) and check step 2.1."}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	_, body := tm.editor.get(tm.path("/a/" + id + "/"))
	banner := regexp.MustCompile(`(?s)data-testid="returned".*?</section>`).FindString(body)
	for _, want := range []string{"Returned by Rita Reviewer", "Document the purpose (q1.2.1) and check step 2.1.",
		`/a/` + id + `/s/1.2"`, `/a/` + id + `/s/2.1"`, `/a/` + id + `/s/1.1"`} {
		if !strings.Contains(banner, want) {
			t.Errorf("returned banner lacks %q:\n%s", want, banner)
		}
	}
	if strings.Index(body, `data-testid="returned"`) > strings.Index(body, `data-testid="task-list"`) {
		t.Error("the returned comment is not at the top of the overview")
	}
	// once submitted again, the banner goes
	tm.editor.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {"submit"}})
	if _, body = tm.editor.get(tm.path("/a/" + id + "/")); strings.Contains(body, `data-testid="returned"`) {
		t.Error("the returned banner stays after submitting again")
	}
}
