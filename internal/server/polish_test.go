package server

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"aigrid/internal/assessment"
)

// A member of one organisation lands on it after signing in; a member of several, on the list.
func TestSignInLandsOnTheOnlyOrganisation(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("owner@example.org", "Owner")
	o := a.mustOrg(u, "Org")
	resp, _ := a.client().post("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {""}})
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	a.mustOrg(u, "Second")
	resp, _ = a.client().post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if loc := resp.Header.Get("Location"); loc != "/orgs" {
		t.Fatalf("with two organisations: → %q, want /orgs", loc)
	}
}

// The admin audit log names events in the reader's language; the delete confirmation names the
// version; the list shows a readable overall score.
func TestReadableAuditDeleteAndList(t *testing.T) {
	tm := newTeam(t)
	u, _, _ := tm.a.st.UserByEmail(context.Background(), "owner@example.org")
	if err := tm.a.st.SetSiteAdmin(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	// a change that names a person by id: the log names them, and the role, in the reader's language
	victor, _, _ := tm.a.st.UserByEmail(context.Background(), "victor@example.org")
	resp, _ := tm.owner.post(tm.path("/members/"+victor.ID+"/role"), url.Values{"role": {"reviewer"}})
	wantRedirect(t, resp, tm.path("/members"))
	c := tm.a.client()
	c.login("owner@example.org", testPassword)
	_, body := c.get("/admin")
	audit := regexp.MustCompile(`(?s)data-testid="audit".*?</table>`).FindString(body)
	if !strings.Contains(audit, ">Signed in</td>") || strings.Contains(audit, "<code>") ||
		!strings.Contains(audit, "Person: Victor Viewer<br><small class=\"muted\">"+victor.ID+"</small>") ||
		!strings.Contains(audit, "Role: Reviewer") || !strings.Contains(audit, "Organisation: "+tm.org.Name) {
		t.Errorf("audit log: %.3000s", audit)
	}
	c.post("/language", url.Values{"lang": {"fr"}, "next": {"/admin"}})
	_, body = c.get("/admin")
	audit = regexp.MustCompile(`(?s)data-testid="audit".*?</table>`).FindString(body)
	if !strings.Contains(audit, "Personne\u00a0: Victor Viewer") || !strings.Contains(audit, "Rôle\u00a0: Relecteur") {
		t.Errorf("audit log in French: %.3000s", audit)
	}
	c.post("/language", url.Values{"lang": {"en"}, "next": {"/admin"}}) // the owner's preference, which tm.owner reads too
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	_, body = tm.owner.get(tm.path("/a/" + id + "/delete"))
	if !strings.Contains(body, "Delete “Chatbot”, version 1?") {
		t.Error("the delete confirmation does not name the version")
	}
	_, body = tm.viewer.get(tm.path("/"))
	if !strings.Contains(body, "<strong>100</strong>/100 · 5 · Optimised") {
		t.Errorf("list score: %.3000s", regexp.MustCompile(`(?s)data-testid="assessment-list".*?</table>`).FindString(body))
	}
}

// "Save and continue" skips the steps where no question applies; "Save and leave" always leaves.
func TestStepFlowSkipsEmptyStepsAndLeaves(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	a, _ := tm.a.st.Assessment(context.Background(), tm.org.ID, id)
	ov := assessment.Summarise(tm.a.s.qn, a.Profile, nil)
	secs := tm.a.s.qn.Sections()
	var from, want string
	for i := 1; i+1 < len(secs) && from == ""; i++ {
		if ov.Sections[secs[i].ID].Applicable == 0 && ov.Sections[secs[i-1].ID].Applicable > 0 {
			from = secs[i-1].ID
			for _, sec := range secs[i+1:] {
				if ov.Sections[sec.ID].Applicable > 0 {
					want = sec.ID
					break
				}
			}
		}
	}
	if from == "" || want == "" {
		t.Fatal("the full profile leaves no step empty: pick another profile for this test")
	}
	resp, _ := tm.step(tm.editor, id, from, url.Values{}, "next")
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/"+want))
	resp, _ = tm.step(tm.editor, id, "1.1", url.Values{}, "leave")
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
}

// The history shows each question's text and is paged, 50 changes a page.
func TestHistoryPagedWithQuestionText(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", richProfile)
	tm.complete(tm.editor, id)
	changes, _ := tm.a.st.History(context.Background(), tm.org.ID, id, "")
	pages := (len(changes) + 49) / 50
	if pages < 2 {
		t.Fatalf("only %d changes", len(changes))
	}
	rows := regexp.MustCompile(`<tr><td>`)
	_, body := tm.viewer.get(tm.path("/a/" + id + "/history"))
	if n := len(rows.FindAllString(body, -1)); n != 50 || !strings.Contains(body, `data-testid="pager"`) || !strings.Contains(body, `history?page=2"`) {
		t.Fatalf("first page: %d rows", n)
	}
	if !strings.Contains(body, `class="history-question">`) {
		t.Error("the history does not show the questions' text")
	}
	_, body = tm.viewer.get(tm.path("/a/" + id + "/history?page=" + strconv.Itoa(pages)))
	if n := len(rows.FindAllString(body, -1)); n != len(changes)-(pages-1)*50 || strings.Contains(body, `rel="next"`) {
		t.Fatalf("last page: %d rows", n)
	}
}
