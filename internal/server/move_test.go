package server

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// rowOf returns the table row of body marked with data-testid=id.
func rowOf(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `data-testid="`+id+`"`)
	if i < 0 {
		t.Fatalf("no %s in the page", id)
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// An assessment started on 2026.1 moves to 2026.2 through the real router: the impact page shows,
// for this assessment, the questions added and changed, the answers carried over and the scores
// before and after, each with its version's scoring model; confirming creates a new version on
// 2026.2 carrying answers, comments, evidence and actions, and leaves the predecessor unchanged.
//
// Hand-computed: provider, personal data processed; sheet 1 answered with q1.1.3 in place (weight
// 3), q1.3.1 in place (weight 2) and q1.2.1, a legal obligation, partly (weight 3, 0.5): (3 + 2 +
// 1.5) / 8 = 81.25 in both versions (weights unchanged). Scoring model 1 (2026.1) caps only an
// obligation worth 0: Optimised (5). Model 2 (2026.2) caps a partly met obligation at Defined (3).
// Nothing else is answered, so the overall result is the same. Of the seven questions 2026.2 adds,
// only q2.4.7 applies to this profile (the others need web scraping, annotation or answers to
// q2.1.1 or q3.3.6, or a deployer).
// onOldVersion creates an organisation whose owner has a draft assessment on 2026.1, with the
// answers, comment, evidence and action of TestMoveAssessmentToNewVersion.
func onOldVersion(t *testing.T) (a *app, org account.Organisation, owner, viewer account.User, old assessment.Assessment, evidence []assessment.Evidence) {
	t.Helper()
	a = newApp(t)
	ctx := context.Background()
	owner = a.mustUser("owner@example.org", "Owner")
	org = a.mustOrg(owner, "Acme")
	viewer = a.mustUser("viewer@example.org", "Viewer")
	a.mustMember(org, viewer, account.Viewer)
	old, err := a.st.CreateAssessment(ctx, org.ID, owner.ID, assessment.Assessment{SystemName: "Triage", ContentVersion: "2026.1",
		Profile: questionnaire.Profile{"role": {"provider"}, "personal_data": {"yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	evidence = []assessment.Evidence{{Title: "Register", Link: "https://example.org/register"}}
	if _, err := a.st.SaveAnswers(ctx, org.ID, old.ID, owner.ID, []postgres.Edit{
		{Answer: assessment.Answer{QuestionID: "q1.1.3", Values: []string{"in_place"}, Comment: "Written down", Evidence: evidence}},
		{Answer: assessment.Answer{QuestionID: "q1.3.1", Values: []string{"in_place"}}},
		{Answer: assessment.Answer{QuestionID: "q1.2.1", Values: []string{"partly"}}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.CreateAction(ctx, org.ID, old.ID, owner.ID, postgres.ActionInput{QuestionID: "q1.2.1", Title: "Finish it", Status: assessment.ActionTodo}); err != nil {
		t.Fatal(err)
	}
	return a, org, owner, viewer, old, evidence
}

func TestMoveAssessmentToNewVersion(t *testing.T) {
	a, org, owner, viewer, old, evidence := onOldVersion(t)
	ctx := context.Background()
	c := a.signedIn(owner)
	base := "/o/" + org.ID + "/a/" + old.ID

	resp, body := c.get(base + "/")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="move-link"`) || !strings.Contains(body, "Version 2026.2 is available") {
		t.Fatalf("the overview offers no move:\n%.3000s", body)
	}
	// a viewer sees no offer and cannot move
	if _, vb := a.signedIn(viewer).get(base + "/"); strings.Contains(vb, `data-testid="move-link"`) {
		t.Error("a viewer is offered the move")
	}
	if resp, _ := a.signedIn(viewer).post(base+"/move", url.Values{"to": {"2026.2"}}); resp.StatusCode != 403 {
		t.Errorf("viewer moving: %d, want 403", resp.StatusCode)
	}

	// every page and export of an assessment on 2026.1 works on 2026.1
	for _, page := range []string{"/review", "/results", "/screening", "/actions", "/history", "/compare", "/s/1.2", "/profile",
		"/export.pdf", "/export.xlsx", "/export.csv", "/export.json", "/pia.json"} {
		if resp, body := c.get(base + page); resp.StatusCode != 200 {
			t.Errorf("%s of a 2026.1 assessment: %d %.500s", page, resp.StatusCode, body)
		}
	}
	if _, body := c.get(base + "/export.json"); !strings.Contains(body, `"content_version": "2026.1"`) || !strings.Contains(body, `"model_version": "1"`) {
		t.Errorf("the JSON export does not say 2026.1 and model 1")
	}

	resp, body = c.get(base + "/move")
	wantStatus(t, resp, body, 200)
	checkPage(t, "move page", body)
	sheet1 := rowOf(t, body, "move-sheet-1")
	if !strings.Contains(sheet1, "<td>81 · 5 · Optimised</td><td>81 · 3 · Defined</td><td>+0</td>") {
		t.Errorf("sheet 1 before/after: %s", sheet1)
	}
	overall := rowOf(t, body, "move-overall")
	if !strings.Contains(overall, "81 · 5 · Optimised") || !strings.Contains(overall, "81 · 3 · Defined") {
		t.Errorf("overall before/after: %s", overall)
	}
	for _, want := range []string{"1 new question applies", "q2.4.7", "3 answers are carried over", "0 answers cannot be carried over",
		"scoring model (1 before, 2 after)", `name="to" value="2026.2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the impact page lacks %q", want)
		}
	}
	added := body[strings.Index(body, `data-testid="move-added"`):]
	added = added[:strings.Index(added, "</ul>")]
	if strings.Count(added, "<li>") != 1 {
		t.Errorf("added questions: %s", added)
	}
	// q1.2.1 and q1.1.3 keep their text; the changes listed are the questions of this assessment
	// that 2026.2 reworded or re-scored (q1.5.1 reworded, q1.5.3 capped elsewhere…)
	changed := body[strings.Index(body, `data-testid="move-changed"`):]
	changed = changed[:strings.Index(changed, "</ul>")]
	if !strings.Contains(changed, "q1.5.1") || !strings.Contains(changed, "q1.5.3") || strings.Contains(changed, "q1.2.1 ") {
		t.Errorf("changed questions: %s", changed)
	}

	// a stale confirmation (another version named) moves nothing
	resp, body = c.post(base+"/move", url.Values{"to": {"2026.9"}})
	wantStatus(t, resp, body, 409)

	resp, body = c.post(base+"/move", url.Values{"to": {"2026.2"}})
	if resp.StatusCode != 303 {
		t.Fatalf("move: %d\n%.2000s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	newID := strings.TrimSuffix(strings.TrimPrefix(loc, "/o/"+org.ID+"/a/"), "/")
	if newID == old.ID || newID == "" {
		t.Fatalf("redirected to %q", loc)
	}
	moved, err := a.st.Assessment(ctx, org.ID, newID)
	if err != nil {
		t.Fatal(err)
	}
	if moved.ContentVersion != "2026.2" || moved.PredecessorID != old.ID || moved.Version != 2 || moved.Status != assessment.Draft ||
		moved.Profile["role"][0] != "provider" || moved.Profile["personal_data"][0] != "yes" {
		t.Errorf("moved assessment: %+v", moved)
	}
	answers, err := a.st.Answers(ctx, org.ID, newID)
	if err != nil {
		t.Fatal(err)
	}
	if len(answers) != 3 || answers["q1.1.3"].Values[0] != "in_place" || answers["q1.1.3"].Comment != "Written down" ||
		len(answers["q1.1.3"].Evidence) != 1 || answers["q1.1.3"].Evidence[0] != evidence[0] ||
		answers["q1.3.1"].Values[0] != "in_place" || answers["q1.2.1"].Values[0] != "partly" {
		t.Errorf("carried answers: %+v", answers)
	}
	if h, err := a.st.History(ctx, org.ID, newID, "q1.1.3"); err != nil || len(h) != 1 {
		t.Errorf("history of a carried answer: %v %+v", err, h)
	}
	actions, err := a.st.Actions(ctx, org.ID, newID)
	if err != nil {
		t.Fatal(err)
	}
	if len(actions) != 1 || actions[0].QuestionID != "q1.2.1" || actions[0].Title != "Finish it" {
		t.Errorf("carried actions: %+v", actions)
	}
	// the predecessor is unchanged
	before, err := a.st.Assessment(ctx, org.ID, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldAnswers, _ := a.st.Answers(ctx, org.ID, old.ID)
	oldActions, _ := a.st.Actions(ctx, org.ID, old.ID)
	if before.ContentVersion != "2026.1" || before.Status != assessment.Draft || before.Version != 1 ||
		len(oldAnswers) != 3 || oldAnswers["q1.2.1"].Values[0] != "partly" || len(oldActions) != 1 {
		t.Errorf("predecessor changed: %+v %+v", before, oldAnswers)
	}
	// the results pages score each on its own version and model
	if _, body = c.get("/o/" + org.ID + "/a/" + newID + "/results"); !strings.Contains(body, "Questionnaire 2026.2, scoring model 2") {
		t.Errorf("results of the moved assessment do not name 2026.2 and model 2")
	}
	if _, body = c.get(base + "/results"); !strings.Contains(body, "Questionnaire 2026.1, scoring model 1") {
		t.Errorf("results of the predecessor do not name 2026.1 and model 1")
	}
	// audited, and the event names the versions
	log, err := a.st.AuditLog(ctx, org.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range log {
		if e.Action == "assessment.move" && e.Details["assessment"] == old.ID && e.Details["new_assessment"] == newID && e.Details["to"] == "2026.2" {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry for the move: %+v", log)
	}
	events, _ := a.st.Events(ctx, org.ID, newID)
	if len(events) != 1 || events[0].Kind != "moved" || events[0].Comment != "2026.1 → 2026.2" {
		t.Errorf("events: %+v", events)
	}
	// an approved assessment keeps its version: the move is refused, explained
	if _, err := a.st.Transition(ctx, org.ID, old.ID, owner.ID, account.Owner, "", assessment.Submit, "", nil); err != nil {
		t.Fatal(err)
	}
	resp, body = c.get(base + "/move")
	wantStatus(t, resp, body, 409)
	if !strings.Contains(body, "Only a draft or a returned assessment can move") {
		t.Errorf("in review: %.1500s", body)
	}
	// the moved assessment is on the latest version: nothing more to move
	resp, body = c.get("/o/" + org.ID + "/a/" + newID + "/move")
	wantStatus(t, resp, body, 409)
	if !strings.Contains(body, "already on the latest questionnaire version") {
		t.Errorf("latest: %.1500s", body)
	}
}

// The overview's offer and the impact page, in a real browser, in English and French: no axe-core
// violation, and screenshots in AIGRID_SCREENSHOTS when it names a directory.
func TestE2EMovePage(t *testing.T) {
	a, org, owner, _, old, _ := onOldVersion(t)
	c := a.signedIn(owner)
	ctx := browser(t, c)
	u, _ := url.Parse(a.ts.URL)
	for _, lang := range []string{"en", "fr"} {
		run(t, ctx, network.SetCookie(i18n.CookieName, lang).WithDomain(u.Hostname()).WithPath("/"))
		for _, page := range []string{"/", "/move"} {
			run(t, ctx, chromedp.Navigate(a.ts.URL+"/o/"+org.ID+"/a/"+old.ID+page))
			waitPath(t, ctx, page)
			checkAxe(t, ctx, lang+" "+page)
			if dir := os.Getenv("AIGRID_SCREENSHOTS"); dir != "" {
				var png []byte
				run(t, ctx, chromedp.FullScreenshot(&png, 100))
				name := map[string]string{"/": "move-offer-", "/move": "move-impact-"}[page] + lang + ".png"
				if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		var text string
		run(t, ctx, chromedp.Text(`[data-testid="move-overall"]`, &text))
		if want := map[string]string{"en": "81 · 3 · Defined", "fr": "81 · 3 · Défini"}[lang]; !strings.Contains(text, want) {
			t.Errorf("%s: overall row %q lacks %q", lang, text, want)
		}
	}
}

// Site administrators see how many assessments are on each version, by status; an assessment on a
// version this server has not loaded says so on its pages (never shown on another version) and
// still appears, without a score, in its organisation's list.
func TestVersionsOnAdminPageAndUnknownVersion(t *testing.T) {
	a, org, owner, _, _, _ := onOldVersion(t)
	ctx := context.Background()
	root, err := a.st.CreateUser(ctx, "root@example.org", "Root", passwordHashOnce(), true)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := a.st.CreateAssessment(ctx, org.ID, owner.ID, assessment.Assessment{SystemName: "New", ContentVersion: "2026.2", Profile: questionnaire.Profile{"role": {"both"}}}); err != nil {
			t.Fatal(err)
		}
	}
	gone, err := a.st.CreateAssessment(ctx, org.ID, owner.ID, assessment.Assessment{SystemName: "Gone", ContentVersion: "2025.9", Profile: questionnaire.Profile{"role": {"both"}}})
	if err != nil {
		t.Fatal(err)
	}
	resp, body := a.signedIn(root).get("/admin")
	wantStatus(t, resp, body, 200)
	checkPage(t, "admin", body)
	for id, want := range map[string]string{
		"admin-version-2026.2": "<th scope=\"row\">2026.2</th><td>2</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td><strong>3</strong>",
		"admin-version-2026.1": "<th scope=\"row\">2026.1</th><td>1</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td><strong>1</strong>",
		"admin-version-2025.9": "2025.9 (not loaded)</th><td>–</td><td>1</td>",
	} {
		if row := rowOf(t, body, id); !strings.Contains(row, want) {
			t.Errorf("%s: %s", id, row)
		}
	}
	c := a.signedIn(owner)
	for _, page := range []string{"/", "/results", "/s/1.1", "/export.json", "/move"} {
		resp, body := c.get("/o/" + org.ID + "/a/" + gone.ID + page)
		if resp.StatusCode != 500 || !strings.Contains(body, "questionnaire version 2025.9, which this server has not loaded") {
			t.Errorf("%s of an assessment on 2025.9: %d %.800s", page, resp.StatusCode, body)
		}
	}
	resp, body = c.get("/o/" + org.ID + "/")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "Gone") {
		t.Error("the assessment on an unknown version is missing from the list")
	}
}
