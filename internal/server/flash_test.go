package server

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aigrid/internal/i18n"
)

// The notice after an action is shown once, from its cookie; a planted cookie shows nothing but a
// message of the catalogue.
func TestFlashCookie(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	saved := i18n.T(i18n.EN, "step.saved")
	resp, _ := tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	wantRedirect(t, resp, step)
	if c := tm.editor.cookie(flashCookie); c == nil || c.Value != "step.saved" {
		t.Fatalf("flash cookie after a save: %+v", c)
	}
	_, body := tm.editor.get(step)
	if !strings.Contains(body, saved) {
		t.Fatal("the saved notice is not shown")
	}
	if _, body = tm.editor.get(step); strings.Contains(body, saved) {
		t.Fatal("the notice is shown twice")
	}
	u, _ := url.Parse(tm.a.ts.URL)
	for _, v := range []string{"<script>alert(1)</script>", "no.such.key"} {
		tm.editor.c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: url.QueryEscape(v), Path: "/"}})
		_, body = tm.editor.get(step)
		if strings.Contains(body, "no.such.key") || strings.Contains(body, "alert(1)") || strings.Contains(body, "%3Cscript") {
			t.Fatalf("planted flash %q shown", v)
		}
	}
}
