package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
)

// team is an organisation with an owner, an editor, a reviewer and a viewer, all signed in.
type team struct {
	a                               *app
	org                             account.Organisation
	owner, editor, reviewer, viewer *client
	editorUser                      account.User
}

func newTeam(t testing.TB) *team { return newTeamOn(newApp(t)) }

// newTeamOn is newTeam in a given app.
func newTeamOn(a *app) *team {
	owner := a.mustUser("owner@example.org", "Olivia Owner")
	o := a.mustOrg(owner, "Clinique du Parc")
	tm := &team{a: a, org: o, owner: a.signedIn(owner)}
	for _, x := range []struct {
		c    **client
		role account.Role
		name string
	}{{&tm.editor, account.Editor, "Eddie Editor"}, {&tm.reviewer, account.Reviewer, "Rita Reviewer"}, {&tm.viewer, account.Viewer, "Victor Viewer"}} {
		u := a.mustUser(strings.ToLower(strings.Fields(x.name)[0])+"@example.org", x.name)
		a.mustMember(o, u, x.role)
		*x.c = a.signedIn(u)
		if x.role == account.Editor {
			tm.editorUser = u
		}
	}
	return tm
}

func (tm *team) path(rest string) string { return "/o/" + tm.org.ID + rest }

var assessmentPathRe = regexp.MustCompile(`/a/([0-9a-f-]{36})/`)

// create makes an assessment through the form and returns its ID.
func (tm *team) create(c *client, name string, profile url.Values) string {
	tm.a.t.Helper()
	form := url.Values{"name": {name}, "description": {"Screens incoming CVs."}}
	for k, v := range profile {
		form["p."+k] = v
	}
	resp, body := c.post(tm.path("/assessments"), form)
	if resp.StatusCode != http.StatusSeeOther {
		tm.a.t.Fatalf("create assessment: %d\n%.1000s", resp.StatusCode, body)
	}
	m := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))
	if m == nil {
		tm.a.t.Fatalf("no assessment in %q", resp.Header.Get("Location"))
	}
	return m[1]
}

var fullProfile = url.Values{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"no"}}

// step posts a step's answers as the form would, with the revisions the page showed.
func (tm *team) step(c *client, id, section string, answers url.Values, action string) (*http.Response, string) {
	tm.a.t.Helper()
	_, page := c.get(tm.path("/a/" + id + "/s/" + section))
	form := url.Values{"action": {action}}
	// what the browser sends back untouched: revisions, checked options, textareas
	for _, m := range regexp.MustCompile(`name="r\.([^"]+)" value="(\d+)"`).FindAllStringSubmatch(page, -1) {
		form.Set("r."+m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`name="o\.([^"]+)" value="([0-9a-f]*)"`).FindAllStringSubmatch(page, -1) {
		form.Set("o."+m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`name="(a\.[^"]+)" value="([^"]+)" checked`).FindAllStringSubmatch(page, -1) {
		form.Add(m[1], m[2])
	}
	for _, m := range regexp.MustCompile(`name="([acj]\.[^"]+)" rows="\d+">([^<]*)</textarea>`).FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	for k, v := range answers {
		form[k] = v
	}
	return c.post(tm.path("/a/"+id+"/s/"+section), form)
}

func TestCreateAssessmentWithProfile(t *testing.T) {
	tm := newTeam(t)
	resp, body := tm.editor.get(tm.path("/assessments/new"))
	wantStatus(t, resp, body, 200)
	resp, body = tm.editor.post(tm.path("/assessments"), url.Values{"name": {""}, "description": {"kept text"}, "p.web_scraping": {"yes"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	for _, want := range []string{`href="#f-name"`, `href="#f-p.role"`, "kept text", `id="p-web_scraping-yes" name="p.web_scraping" value="yes" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("failed create page lacks %q", want)
		}
	}
	resp, body = tm.viewer.post(tm.path("/assessments"), url.Values{"name": {"X"}, "p.role": {"both"}})
	wantStatus(t, resp, body, http.StatusForbidden)

	id := tm.create(tm.editor, "CV screening", fullProfile)
	a, err := tm.a.st.Assessment(context.Background(), tm.org.ID, id)
	if err != nil || a.Profile["role"][0] != "both" || a.Status != assessment.Draft || a.ContentVersion == "" {
		t.Fatalf("stored assessment: %+v %v", a, err)
	}
	_, body = tm.viewer.get(tm.path("/"))
	if !strings.Contains(body, "CV screening") || !strings.Contains(body, "Eddie Editor") {
		t.Fatal("the list does not show the assessment and who changed it last")
	}
}

func TestStepSaveValidateAndResume(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", fullProfile)
	resp, body := tm.editor.get(tm.path("/a/" + id + "/s/1.1"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="question-q1.1.4"`) || strings.Contains(body, `data-testid="question-q1.1.5"`) {
		t.Fatal("q1.1.4 applies (personal data) and q1.1.5 does not yet")
	}

	// Not applicable without a reason: refused, nothing saved, typed values kept.
	resp, body = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_applicable"}, "c.q1.1.3": {"my comment"}, "a.q1.1.1": {"specific_use"}}, "next")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	for _, want := range []string{`data-testid="error-summary"`, `href="#f-q1.1.3"`, `id="f-q1.1.3"`, "Explain why this question does not apply.", "my comment", `value="not_applicable" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("re-rendered step lacks %q", want)
		}
	}
	if ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id); len(ans) != 0 {
		t.Fatalf("%d answers saved from an invalid step", len(ans))
	}

	// Valid: saved in one go; an answer switches a new question on in the same step, so we stay.
	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_applicable"}, "j.q1.1.3": {"no personal data in this phase"},
		"a.q1.1.4": {"in_place"}, "et.q1.1.4": {"Register entry", ""}, "el.q1.1.4": {"REG-12", ""}}, "next")
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	resp, body = tm.editor.get(tm.path("/a/" + id + "/s/1.1"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="question-q1.1.5"`) || !strings.Contains(body, "opened new questions") {
		t.Fatal("the question switched on by the answer is not shown with an explanation")
	}
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Justification == "" || ans["q1.1.4"].Values[0] != "in_place" || len(ans["q1.1.4"].Evidence) != 1 || ans["q1.1.4"].Evidence[0].Link != "REG-12" {
		t.Fatalf("saved answers: %+v", ans)
	}

	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.5": {"gdpr"}}, "next")
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.2"))

	// Resume: the overview's "continue" goes where the user left off.
	tm.editor.get(tm.path("/a/" + id + "/s/2.1"))
	_, body = tm.editor.get(tm.path("/a/" + id + "/"))
	if !strings.Contains(body, `href="`+tm.path("/a/"+id+"/s/2.1")+`" data-testid="continue"`) {
		t.Fatal("continue does not point at the last step visited")
	}
	if !strings.Contains(body, "3 of ") {
		t.Fatal("overall progress does not count the 3 answers")
	}

	// Viewers read, never write.
	resp, body = tm.viewer.get(tm.path("/a/" + id + "/s/1.1"))
	wantStatus(t, resp, body, 200)
	if strings.Contains(body, `name="a.q1.1.3"`) {
		t.Fatal("viewer gets answer controls")
	}
	resp, body = tm.step(tm.viewer, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantStatus(t, resp, body, http.StatusForbidden)
}

func TestAutosaveAnswersJSON(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	form := url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}}
	req, _ := http.NewRequest("POST", tm.a.ts.URL+tm.path("/a/"+id+"/s/1.1"), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, body := tm.editor.do(req)
	wantStatus(t, resp, body, 200)
	var res autosaveResult
	if err := json.Unmarshal([]byte(body), &res); err != nil || !res.Saved || res.Revisions["q1.1.3"] != 1 {
		t.Fatalf("autosave answer %s (%v)", body, err)
	}
}

func TestConcurrentEditsConflict(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	// Both load the step (revision 0); the owner saves first.
	_, editorPage := tm.editor.get(tm.path("/a/" + id + "/s/1.1"))
	if !strings.Contains(editorPage, `name="r.q1.1.3" value="0"`) {
		t.Fatal("no revision field")
	}
	resp, _ := tm.step(tm.owner, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))

	// The editor saves from the stale page: nothing is overwritten silently.
	stale := url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"not_in_place"}, "r.q1.1.1": {"0"}, "a.q1.1.1": {"specific_use"}}
	resp, body := tm.editor.post(tm.path("/a/"+id+"/s/1.1"), stale)
	wantStatus(t, resp, body, http.StatusConflict)
	for _, want := range []string{`data-testid="conflict-q1.1.3"`, "Olivia Owner changed this answer", "In place", `name="r.q1.1.3" value="1"`, `value="not_in_place" checked`} {
		if !strings.Contains(body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Values[0] != "in_place" || ans["q1.1.1"].Answered() {
		t.Fatal("a conflicting save wrote something")
	}

	// Take theirs for q1.1.3, keep the rest: the owner's answer stays, q1.1.1 is saved.
	resolved := url.Values{"action": {"save"}, "r.q1.1.3": {"1"}, "a.q1.1.3": {"not_in_place"}, "k.q1.1.3": {"theirs"}, "r.q1.1.1": {"0"}, "a.q1.1.1": {"specific_use"}}
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/s/1.1"), resolved)
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	ans, _ = tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Values[0] != "in_place" || ans["q1.1.1"].Values[0] != "specific_use" {
		t.Fatalf("after taking theirs: %+v", ans)
	}
	// Keep mine: resubmitting on top of the current revision wins.
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/s/1.1"), url.Values{"action": {"save"}, "r.q1.1.3": {"1"}, "a.q1.1.3": {"partly"}, "k.q1.1.3": {"mine"}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	ans, _ = tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Values[0] != "partly" || ans["q1.1.3"].Revision != 2 {
		t.Fatalf("after keeping mine: %+v", ans["q1.1.3"])
	}

	// Every change is in the history, with who and old → new.
	resp, body = tm.viewer.get(tm.path("/a/" + id + "/history?q=q1.1.3"))
	wantStatus(t, resp, body, 200)
	if strings.Count(body, "<tr>") != 3 || !strings.Contains(body, "Olivia Owner") || !strings.Contains(body, "Eddie Editor") || !strings.Contains(body, "Partly in place") {
		t.Fatalf("history of q1.1.3:\n%.3000s", body)
	}
}

func TestProfileChangeHidesAndKeepsAnswers(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.4": {"partly"}}, "save")

	noPersonal := url.Values{"name": {"Chatbot"}, "p.role": {"both"}, "p.personal_data": {"no"}, "p.web_scraping": {"no"}}
	resp, body := tm.editor.post(tm.path("/a/"+id+"/profile"), noPersonal)
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="hidden-warning"`) || !strings.Contains(body, "q1.1.4") || !strings.Contains(body, `name="confirm" value="1"`) {
		t.Fatal("the user is not told which answers the change hides")
	}
	noPersonal.Set("confirm", "1")
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/profile"), noPersonal)
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	_, body = tm.editor.get(tm.path("/a/" + id + "/s/1.1"))
	if strings.Contains(body, `data-testid="question-q1.1.4"`) {
		t.Fatal("q1.1.4 still shown without personal data")
	}
	// Switching back brings the kept answer back.
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/profile"), url.Values{"name": {"Chatbot"}, "p.role": {"both"}, "p.personal_data": {"yes"}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	_, body = tm.editor.get(tm.path("/a/" + id + "/s/1.1"))
	if !strings.Contains(body, `id="a-q1-1-4-partly" name="a.q1.1.4" value="partly" checked`) {
		t.Fatal("the hidden answer did not come back")
	}
}

func TestReviewWorkflow(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	status := func(c *client, tr, comment string) (*http.Response, string) {
		return c.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {tr}, "comment." + tr: {comment}})
	}
	resp, body := tm.editor.get(tm.path("/a/" + id + "/review"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="submit-review"`) {
		t.Fatal("check-your-answers page offers no submission")
	}
	resp, _ = status(tm.reviewer, "submit", "")
	wantStatus(t, resp, "", http.StatusForbidden)
	resp, _ = status(tm.editor, "approve", "")
	wantStatus(t, resp, "", http.StatusUnprocessableEntity) // not from draft
	resp, _ = status(tm.editor, "submit", "")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))

	// In review: read-only.
	resp, body = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantStatus(t, resp, body, http.StatusForbidden)
	resp, _ = status(tm.editor, "approve", "")
	wantStatus(t, resp, "", http.StatusForbidden)
	resp, body = status(tm.reviewer, "return", "")
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, "Say what needs to change") {
		t.Fatal("no message for a return without comment")
	}
	resp, _ = status(tm.reviewer, "return", "Please document the legal basis.")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1")) // returned: editable again
	status(tm.editor, "submit", "")
	resp, _ = status(tm.reviewer, "approve", "Good work.")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	wantStatus(t, resp, "", http.StatusForbidden) // approved: read-only
	resp, _ = status(tm.editor, "reopen", "")
	wantStatus(t, resp, "", http.StatusForbidden) // only owners reopen
	resp, _ = status(tm.owner, "reopen", "")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))

	events, err := tm.a.st.Events(context.Background(), tm.org.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for i := len(events) - 1; i >= 0; i-- {
		kinds = append(kinds, events[i].Kind+":"+string(events[i].To))
	}
	want := "created:draft submit:in_review return:returned submit:in_review approve:approved reopen:draft"
	if got := strings.Join(kinds, " "); got != want {
		t.Fatalf("events %q, want %q", got, want)
	}
	_, body = tm.viewer.get(tm.path("/a/" + id + "/"))
	if !strings.Contains(body, "Please document the legal basis.") || !strings.Contains(body, "Rita Reviewer") {
		t.Fatal("the overview does not show who returned it and why")
	}
}

func TestDuplicateArchiveDelete(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}, "c.q1.1.3": {"see policy"}}, "save")

	resp, _ := tm.editor.post(tm.path("/a/"+id+"/duplicate"), nil)
	m := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil || m[1] == id {
		t.Fatalf("duplicate: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	v2, _ := tm.a.st.Assessment(context.Background(), tm.org.ID, m[1])
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, m[1])
	if v2.Version != 2 || v2.PredecessorID != id || ans["q1.1.3"].Comment != "see policy" {
		t.Fatalf("new version %+v answers %+v", v2, ans)
	}

	resp, _ = tm.editor.post(tm.path("/a/"+id+"/archive"), nil)
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	_, body := tm.editor.get(tm.path("/"))
	if strings.Contains(body, "/a/"+id+"/") {
		t.Fatal("an archived assessment is still in the active list")
	}
	_, body = tm.editor.get(tm.path("/?archived=1"))
	if !strings.Contains(body, "/a/"+id+"/") {
		t.Fatal("the archived list does not show it")
	}
	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	wantStatus(t, resp, "", http.StatusForbidden)
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/restore"), nil)
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))

	_, body = tm.editor.get(tm.path("/?q=chat&status=draft"))
	if strings.Count(body, "Chatbot") < 2 {
		t.Fatal("search does not find both versions")
	}
	_, body = tm.editor.get(tm.path("/?q=nothing-like-this"))
	if !strings.Contains(body, `data-testid="no-assessments"`) {
		t.Fatal("search for nothing still lists assessments")
	}

	resp, _ = tm.editor.post(tm.path("/a/"+id+"/delete"), nil)
	wantStatus(t, resp, "", http.StatusForbidden)
	resp, body = tm.owner.get(tm.path("/a/" + id + "/delete"))
	wantStatus(t, resp, body, 200)
	resp, _ = tm.owner.post(tm.path("/a/"+id+"/delete"), nil)
	wantRedirect(t, resp, tm.path("/"))
	resp, _ = tm.owner.get(tm.path("/a/" + id + "/"))
	wantStatus(t, resp, "", http.StatusNotFound)
}

// Another organisation's assessment is invisible, even through an organisation one belongs to.
func TestAssessmentsAreIsolated(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Secret system", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	mallory := tm.a.mustUser("mallory@example.org", "Mallory")
	other := tm.a.mustOrg(mallory, "Other Org")
	mc := tm.a.signedIn(mallory)
	for _, p := range []string{"/", "/s/1.1", "/review", "/history", "/profile", "/delete"} {
		resp, body := mc.get("/o/" + other.ID + "/a/" + id + p)
		wantStatus(t, resp, body, http.StatusNotFound)
	}
	for _, p := range []string{"/s/1.1", "/status", "/duplicate", "/archive", "/delete", "/profile"} {
		resp, body := mc.post("/o/"+other.ID+"/a/"+id+p, url.Values{"transition": {"submit"}, "r.q1.1.3": {"1"}, "a.q1.1.3": {"not_in_place"}, "name": {"x"}, "p.role": {"both"}})
		wantStatus(t, resp, body, http.StatusNotFound)
	}
	_, body := mc.get("/o/" + other.ID + "/?q=Secret")
	if strings.Contains(body, "Secret system") {
		t.Fatal("another organisation's assessment is listed")
	}
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Values[0] != "in_place" {
		t.Fatal("the answer was changed from another organisation")
	}
}

// Answers submitted after the session expired are not lost: after signing in again they are back
// in the form, not yet saved.
func TestAnswersSurviveAnExpiredSession(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	c := tm.a.client()
	c.login("eddie@example.org", testPassword)
	step := tm.path("/a/" + id + "/s/1.1")
	c.get(step)
	if _, err := tm.a.st.Pool().Exec(context.Background(), `UPDATE sessions SET last_seen_at = now() - interval '9 hours'`); err != nil {
		t.Fatal(err)
	}
	resp, _ := c.post(step, url.Values{"action": {"next"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}, "c.q1.1.3": {"typed before expiry"}})
	wantRedirect(t, resp, "/login?next="+url.QueryEscape(step))
	resp, _ = c.post("/login", url.Values{"email": {"eddie@example.org"}, "password": {testPassword}, "next": {step}})
	wantRedirect(t, resp, step)
	resp, body := c.get(step)
	wantStatus(t, resp, body, 200)
	for _, want := range []string{`data-testid="restored"`, `value="partly" checked`, "typed before expiry"} {
		if !strings.Contains(body, want) {
			t.Errorf("restored step lacks %q", want)
		}
	}
	if ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id); len(ans) != 0 {
		t.Fatal("restored answers were saved without the user saving")
	}
	// Shown once only.
	_, body = c.get(step)
	if strings.Contains(body, `data-testid="restored"`) {
		t.Fatal("the restored answers are shown again")
	}
}
