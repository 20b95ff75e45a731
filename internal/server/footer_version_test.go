package server

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var footerVersionRe = regexp.MustCompile(`<p data-testid="footer-version">([^<]*)</p>`)

// footerVersion is the questionnaire version line of a page's footer ("" when there is none).
func footerVersion(body string) string {
	m := footerVersionRe.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// The footer of an assessment's pages names the questionnaire version the assessment is on, and the
// latest beside it when they differ; the other pages name the latest. (The footer used to say
// "Questionnaire version 2026.2" on every page of an assessment on 2026.1, whose header said 2026.1.)
func TestFooterNamesTheAssessmentsVersion(t *testing.T) {
	a, org, owner, viewer, old, _ := onOldVersion(t)
	c := a.signedIn(owner)
	base := "/o/" + org.ID + "/a/" + old.ID
	const older = "This assessment: questionnaire version 2026.1 (the latest is 2026.2)"
	for _, page := range []string{"/", "/s/1.2", "/results", "/review", "/history", "/actions", "/screening", "/compare", "/profile", "/move", "/export"} {
		resp, body := c.get(base + page)
		wantStatus(t, resp, body, 200)
		if got := footerVersion(body); got != older {
			t.Errorf("footer of %s of a 2026.1 assessment: %q, want %q", page, got, older)
		}
	}
	// a viewer's pages (no edit links) say the same
	if _, body := a.signedIn(viewer).get(base + "/results"); footerVersion(body) != older {
		t.Errorf("footer of the results for a viewer: %q", footerVersion(body))
	}
	// pages that are not about one assessment name the latest version
	for _, page := range []string{"/orgs", "/o/" + org.ID + "/", "/about"} {
		if _, body := c.get(page); footerVersion(body) != "Questionnaire version 2026.2" {
			t.Errorf("footer of %s: %q, want the latest version", page, footerVersion(body))
		}
	}
	// in French
	c.post("/language", url.Values{"lang": {"fr"}, "next": {base + "/"}})
	_, body := c.get(base + "/results")
	if got, want := footerVersion(body), "Cette évaluation\u00a0: version 2026.1 du questionnaire (la plus récente est la 2026.2)"; got != want {
		t.Errorf("French footer: %q, want %q", got, want)
	}

	// an assessment on the latest version: one version, as on the other pages
	moved := a.signedIn(owner)
	resp, body := moved.post(base+"/move", url.Values{"to": {"2026.2"}})
	if resp.StatusCode != 303 {
		t.Fatalf("move: %d\n%.2000s", resp.StatusCode, body)
	}
	next := resp.Header.Get("Location")
	if !strings.HasPrefix(next, "/o/"+org.ID+"/a/") || strings.Contains(next, old.ID) {
		t.Fatalf("move redirected to %q", next)
	}
	// (the owner chose French above, which their account keeps)
	if _, body := moved.get(next + "results"); footerVersion(body) != "Version du questionnaire\u00a0: 2026.2" {
		t.Errorf("footer of an assessment on the latest version: %q", footerVersion(body))
	}
}
