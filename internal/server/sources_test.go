package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aigrid/internal/questionnaire"
)

// Each question of a step shows its source: the publication's title and link, its dates and how
// directly it was read; a question whose basis could not be read at a CNIL source says so.
func TestStepShowsSources(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", fullProfile)
	qn := tm.a.s.qn

	resp, body := tm.editor.get(tm.path("/a/" + id + "/s/1.4"))
	wantStatus(t, resp, body, 200)
	derived, read := qn.Question("q1.4.3"), qn.Question("q1.4.1")
	if derived.SourceCertainty() != questionnaire.CertaintyDerived || read.SourceCertainty() != questionnaire.CertaintyCNILPage {
		t.Fatalf("fixture changed: q1.4.3 %s, q1.4.1 %s", derived.SourceCertainty(), read.SourceCertainty())
	}
	for _, q := range []*questionnaire.Question{derived, read} {
		src := q.Publication
		for _, want := range []string{
			`data-testid="source-` + q.ID + `"`,
			`href="` + src.URL + `"`,
			html.EscapeString(src.Title.EN),
			"checked " + src.Checked,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("step 1.4: the source of %s lacks %q", q.ID, want)
			}
		}
	}
	if !strings.Contains(body, `data-testid="source-warning-q1.4.3"`) || !strings.Contains(body, "could not be read at a CNIL source") {
		t.Error("step 1.4: the derived question q1.4.3 does not say its basis could not be read")
	}
	if strings.Contains(body, `data-testid="source-warning-q1.4.1"`) {
		t.Error("step 1.4: q1.4.1, read on the CNIL page, shows a warning")
	}
	if !strings.Contains(body, "Read on the CNIL’s page") || !strings.Contains(body, "published 2022-04-05") {
		t.Error("step 1.4: the certainty or the publication date of fact sheet 1 is missing")
	}

	// A checkpoint of a guide sheet seen only in a third-party copy says so, in French too.
	u, _ := url.Parse(tm.a.ts.URL)
	tm.editor.c.Jar.SetCookies(u, []*http.Cookie{{Name: "aigrid_lang", Value: "fr", Path: "/"}})
	resp, body = tm.editor.get(tm.path("/a/" + id + "/s/1.5"))
	wantStatus(t, resp, body, 200)
	if qn.Question("q1.5.2").SourceCertainty() != questionnaire.CertaintyThirdParty {
		t.Fatal("fixture changed: q1.5.2 is no longer read in a third-party copy")
	}
	for _, want := range []string{`data-testid="source-warning-q1.5.2"`, "Lu dans une copie tierce", "copie ou une synthèse tierce", "vérifiée le 2026-12-05"} {
		if !strings.Contains(body, want) {
			t.Errorf("step 1.5 in French lacks %q", want)
		}
	}
}

// The about page lists every source with its dates, its certainty and how many questions cite it;
// a date that could not be verified is marked so.
func TestAboutListsSources(t *testing.T) {
	a := newApp(t)
	qn := a.s.qn
	resp, body := a.client().get("/about")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `data-testid="sources"`) {
		t.Fatal("the about page has no sources table")
	}
	unverified := 0
	for _, src := range qn.Sources {
		start := strings.Index(body, `data-testid="source-`+src.ID+`"`)
		if start < 0 {
			t.Errorf("source %s is not listed", src.ID)
			continue
		}
		row := body[start:]
		row = row[:strings.Index(row, "</tr>")]
		want := []string{`href="` + src.URL + `"`, src.Checked, fmt.Sprintf("<td>%d</td>", len(qn.Cited(src.ID)))}
		if src.Published != "" {
			want = append(want, src.Published)
		} else {
			want = append(want, "Not verified")
			unverified++
		}
		for _, w := range want {
			if !strings.Contains(row, w) {
				t.Errorf("source %s: row lacks %q:\n%s", src.ID, w, row)
			}
		}
	}
	if unverified == 0 {
		t.Error("no source has an unverified date: the test no longer checks that case")
	}
	if n := len(qn.Cited("gdpr")); n < 10 {
		t.Errorf("the GDPR is cited by %d questions only", n)
	}
}
