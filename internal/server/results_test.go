package server

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestResultsExplanationAndWhatIf(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	// q1.1.3 in place; q1.2.1 (purpose defined: a legal obligation) not in place.
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	tm.step(tm.editor, id, "1.2", url.Values{"a.q1.2.1": {"not_in_place"}}, "save")

	resp, body := tm.viewer.get(tm.path("/a/" + id + "/results"))
	wantStatus(t, resp, body, 200)
	for _, want := range []string{`data-testid="overall"`, `data-testid="sheet-scores"`, `data-testid="radar"`, `role="img"`,
		`data-testid="blocking"`, "q1.2.1", "Level capped", "1 legal obligation not met", "q1.2.1 costs", `name="adopt" value="q1.2.1"`, "Provisional",
		// the radar's axes carry the sheets' names; the top gaps and the costs link to their questions
		`dy="0">1. Asking the</tspan>`, `data-testid="top-gaps"`, `/s/1.2#q-q1-2-1"`,
		// the slot for more sections about the assessment
		`data-testid="more"`, `data-testid="plan"`} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	// Sheet 1: weights decide the exact score; it is below 100 and above 0, and the level is capped.
	row := regexp.MustCompile(`(?s)<th scope="row"><a href="#sheet-1">1\. .*?</tr>`).FindString(body)
	if !strings.Contains(row, "capped") || strings.Contains(row, "<td>–") {
		t.Fatalf("sheet 1 row: %s", row)
	}

	// What-if: adopting the legal obligation lifts the projection; nothing is saved.
	resp, body = tm.viewer.get(tm.path("/a/" + id + "/results?adopt=q1.2.1"))
	wantStatus(t, resp, body, 200)
	proj := regexp.MustCompile(`data-testid="projected-1">([^<]*)<`).FindStringSubmatch(body)
	if proj == nil || !strings.HasPrefix(proj[1], "100 ") {
		t.Fatalf("projected sheet 1: %v", proj)
	}
	if !strings.Contains(body, `value="q1.2.1" checked`) {
		t.Fatal("the ticked recommendation is not kept")
	}
	// the overall projection is at the top, with a way back
	overall := regexp.MustCompile(`(?s)data-testid="projected-overall">.*?</div>`).FindString(body)
	if !strings.Contains(overall, "If the 1 ticked practice were in place") || !strings.Contains(overall, `/results"`) {
		t.Fatalf("projected overall: %s", overall)
	}
	if strings.Index(body, `data-testid="projected-overall"`) > strings.Index(body, `data-testid="sheet-scores"`) {
		t.Fatal("the overall projection is not at the top")
	}
	resp, body = tm.viewer.get(tm.path("/a/" + id + "/results"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="blocking"`) {
		t.Fatal("what-if changed the stored answers")
	}
}

func TestHowScoresWorkIsPublic(t *testing.T) {
	a := newApp(t)
	resp, body := a.client().get("/scoring")
	wantStatus(t, resp, body, http.StatusOK)
	for _, want := range []string{`data-testid="levels"`, "Optimised", "80 – 100", "Not applicable", "questionnaire 2026.1 use scoring model 1"} {
		if !strings.Contains(body, want) {
			t.Errorf("scoring page lacks %q", want)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_in_place"}}, "save")
	resp, _ := tm.editor.post(tm.path("/a/"+id+"/duplicate"), nil)
	v2 := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))[1]
	tm.step(tm.editor, v2, "1.1", url.Values{"a.q1.1.3": {"in_place"}}, "save")
	resp, _ = tm.editor.post(tm.path("/a/"+v2+"/duplicate"), nil)
	v3 := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))[1]

	// a second copy of v1 becomes v4, not a second v2
	resp, _ = tm.editor.post(tm.path("/a/"+id+"/duplicate"), nil)
	v4 := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))[1]
	if a4, _ := tm.a.st.Assessment(context.Background(), tm.org.ID, v4); a4.Version != 4 {
		t.Fatalf("second copy of v1 is version %d, want 4", a4.Version)
	}
	resp, body := tm.viewer.get(tm.path("/a/" + v2 + "/compare?with=" + id))
	wantStatus(t, resp, body, 200)
	if strings.Count(regexp.MustCompile(`(?s)data-testid="trend".*?</table>`).FindString(body), `<th scope="row">`) != 4 {
		t.Fatal("the trend does not list the four versions")
	}
	if d := regexp.MustCompile(`data-testid="delta-1">([^<]*)<`).FindStringSubmatch(body); d == nil || d[1] != "+100" {
		t.Fatalf("sheet 1 delta: %v", d)
	}
	if !strings.Contains(body, "1 answer differs") || !strings.Contains(body, "Not in place") || !strings.Contains(body, "In place") {
		t.Fatal("the changed answer is not listed")
	}
	// Another organisation's assessment cannot be compared with.
	_, body = tm.viewer.get(tm.path("/a/" + v3 + "/compare?with=00000000-0000-0000-0000-000000000000"))
	if strings.Contains(body, `data-testid="delta"`) {
		t.Fatal("compared with an unknown version")
	}
}

func TestResultsFlagDontKnowAndFreezeApproval(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"dont_know"}, "a.q1.1.4": {"in_place"}}, "save")
	_, body := tm.viewer.get(tm.path("/a/" + id + "/results"))
	if !strings.Contains(body, `data-testid="dont-know"`) || !strings.Contains(body, "q1.1.3") {
		t.Fatal("don't-know answers are not flagged")
	}
	if strings.Contains(body, `data-testid="approved-report"`) {
		t.Fatal("an approval report before any approval")
	}
	tm.editor.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {"submit"}})
	resp, _ := tm.reviewer.post(tm.path("/a/"+id+"/status"), url.Values{"transition": {"approve"}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/"))
	_, body = tm.viewer.get(tm.path("/a/" + id + "/results"))
	frozen := regexp.MustCompile(`data-testid="approved-report">Approved with an overall score of (\d+)`).FindStringSubmatch(body)
	live := regexp.MustCompile(`class="score-big">(\d+)<`).FindStringSubmatch(body)
	// q1.1.3 "don't know" (0) and q1.1.4 "in place" (1), weighted: the same figure, frozen and live
	if frozen == nil || live == nil || frozen[1] != live[1] || frozen[1] == "0" || frozen[1] == "100" {
		t.Fatalf("frozen %v, live %v", frozen, live)
	}
}
