package server

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// cvProfile is a private employer deploying a CV-screening system.
var cvProfile = url.Values{"role": {"deployer"}, "personal_data": {"yes"}, "special_category": {"no"}, "vulnerable_people": {"yes"},
	"automated_decisions": {"yes"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"employment"}, "ai_act_narrow_task": {"no"},
	"ai_act_product": {"no"}, "gpai_model": {"no"}, "public_service": {"no"}}

// The screening page shows both screenings with their reasoning, in English and French; the
// results page links to it; an obligation is added to the action plan from it and then shows as
// being in the plan; a viewer sees no button.
func TestScreeningPage(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", cvProfile)
	tm.step(tm.editor, id, "5.2", url.Values{"a.q5.2.1": {"not_in_place"}}, "save")
	page := tm.path("/a/" + id + "/screening")

	resp, body := tm.editor.get(page)
	wantStatus(t, resp, body, 200)
	text := html.UnescapeString(body)
	for _, want := range []string{
		"This is guidance, not a verdict",
		`data-testid="dpia-outcome">A DPIA is required`,
		`data-testid="aiact-headline">High-risk system (Annex III)`,
		"Profiling people for human resources management",
		"deliberation no. 2018-327 of 11 October 2018",
		"WP248 rev.01",
		"Not required: your organisation is neither a public body",
		"from 2027-12-02",
		"date from the 2026 amendment, as reported",
		"q5.2.1</a>: Not in place",
		`href="` + tm.path("/a/"+id+"/pia.json") + `"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("screening page lacks %q", want)
		}
	}
	if strings.Contains(body, `data-testid="obligation-art27_fria"`) || strings.Contains(body, `data-testid="obligation-art9_risk"`) {
		t.Error("the page lists the FRIA or a provider duty for a private deployer")
	}

	_, results := tm.viewer.get(tm.path("/a/" + id + "/results"))
	if !strings.Contains(results, `data-testid="screening-summary"`) || !strings.Contains(results, `href="`+page+`"`) ||
		!strings.Contains(html.UnescapeString(results), "DPIA: A DPIA is required. AI Act: High-risk system (Annex III).") {
		t.Error("the results page has no screening summary with a link")
	}

	_, viewerPage := tm.viewer.get(page)
	if strings.Contains(viewerPage, `data-testid="add-screening:ai_act.art26_logs"`) {
		t.Error("a viewer is offered to add an action")
	}
	key := "screening:ai_act.art26_logs"
	if !strings.Contains(body, `data-testid="add-`+key+`"`) {
		t.Fatal("no button to add the Art. 26(6) gap to the action plan")
	}
	actionsPath := tm.path("/a/" + id + "/actions")
	resp, _ = tm.editor.post(actionsPath, url.Values{"question": {key}, "status": {"todo"}})
	wantRedirect(t, resp, actionsPath)
	actions, err := tm.a.st.Actions(context.Background(), tm.org.ID, id)
	if err != nil || len(actions) != 1 || actions[0].QuestionID != key || actions[0].Title != "Keep the logs the system generates for at least six months" {
		t.Fatalf("actions %+v, %v", actions, err)
	}
	_, plan := tm.viewer.get(actionsPath)
	if !strings.Contains(plan, `href="`+page+`"`) {
		t.Error("the action does not link back to the screening")
	}
	_, body = tm.editor.get(page)
	if !strings.Contains(body, `data-testid="in-plan-`+key+`"`) || strings.Contains(body, `data-testid="add-`+key+`"`) {
		t.Error("the added obligation is not shown as in the plan")
	}
	// an unknown or evidenced screening key is refused, and nothing is written
	for _, bad := range []string{"screening:ai_act.nope", "screening:ai_act.art9_risk"} {
		resp, _ = tm.editor.post(actionsPath, url.Values{"question": {bad}, "status": {"todo"}})
		wantStatus(t, resp, "", http.StatusUnprocessableEntity)
	}
	if actions, _ := tm.a.st.Actions(context.Background(), tm.org.ID, id); len(actions) != 1 {
		t.Errorf("%d actions after refused posts", len(actions))
	}

	// the pre-filled DPIA for the CNIL PIA tool (its structure is checked in internal/piatool)
	resp, raw := tm.viewer.get(tm.path("/a/" + id + "/pia.json"))
	wantStatus(t, resp, raw, 200)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="CV-screening-v1-pia.json"`) {
		t.Errorf("PIA file served as %q, %q", ct, resp.Header.Get("Content-Disposition"))
	}
	var pia struct {
		PIA     struct{ Name string }
		Answers []struct {
			ReferenceTo int `json:"reference_to"`
		}
		Measures []struct{ Title string }
	}
	if err := json.Unmarshal([]byte(raw), &pia); err != nil || pia.PIA.Name != "CV screening" || len(pia.Answers) == 0 || len(pia.Measures) == 0 {
		t.Errorf("PIA file: %+v, %v", pia, err)
	}

	// French
	tm.editor.post("/language", url.Values{"lang": {"fr"}, "next": {page}})
	_, body = tm.editor.get(page)
	text = html.UnescapeString(body)
	for _, want := range []string{
		"Il s’agit d’une aide, pas d’un verdict",
		"Une AIPD est obligatoire",
		"Système à haut risque (annexe III)",
		"Profilage de personnes à des fins de gestion des ressources humaines",
		"délibération n° 2018-327 du 11 octobre 2018",
		"à compter du 2027-12-02",
		"RIA art.\u00a026.6",
		"Fondement juridique\u00a0: RGPD art.\u00a035.1",
		"q5.2.1</a>\u00a0: Non mis en place",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("French screening page lacks %q", want)
		}
	}
}

// The about page cites the criteria and the CNIL list with their dates.
func TestAboutCitesScreeningCriteria(t *testing.T) {
	a := newApp(t)
	resp, body := a.client().get("/about")
	wantStatus(t, resp, body, 200)
	text := html.UnescapeString(body)
	for _, want := range []string{"WP248 rev.01", "4 October 2017", "25 May 2018", "2018-327 of 11 October 2018", "(2018-10-11)",
		"8 April 2024", "Regulation (EU) 2024/1689", "could not read the Official Journal text"} {
		if !strings.Contains(text, want) {
			t.Errorf("about page lacks %q", want)
		}
	}
}
