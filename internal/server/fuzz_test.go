package server

import (
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzCleanText: whatever comes in, what readInput hands to the handlers is valid UTF-8 without
// unwanted control characters, and cleaning it again changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "plain", "caf\xe9", "a\x00b", "x\xed\xa0\x80y", "tab\tand\r\nlines", "\u202e", "\xf4\x90\x80\x80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := cleanText(s)
		if !utf8.ValidString(c) || strings.ContainsFunc(c, unwantedControl) {
			t.Fatalf("cleanText(%q) = %q", s, c)
		}
		if cleanText(c) != c {
			t.Fatalf("cleanText is not idempotent on %q", s)
		}
		if utf8.ValidString(s) && !strings.ContainsFunc(s, unwantedControl) && c != s {
			t.Fatalf("valid text %q changed to %q", s, c)
		}
	})
}

// fuzzPost posts a raw form body, as a browser of the same origin would, reporting to t (a fuzz
// target must not report to the F its client was made with).
func fuzzPost(t *testing.T, c *client, path, body string) (*http.Response, string) {
	a := *c.a
	a.t = t
	c = &client{a: &a, c: c.c}
	req, _ := http.NewRequest("POST", c.a.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

// FuzzStepSave posts arbitrary bodies to a step: never a server error, and a refused save writes
// nothing.
func FuzzStepSave(f *testing.F) {
	for _, s := range []string{
		"action=save&r.q1.1.3=0&a.q1.1.3=partly",
		"action=next&r.q1.1.3=0&a.q1.1.3=not_applicable&j.q1.1.3=",
		"r.q1.1.3=0&a.q1.1.3=partly&a.q1.1.3=in_place",
		"r.q1.1.3=x&o.q1.1.3=zz&k.q1.1.3=mine&x.q1.1.3=1",
		"r.q1.1.3=0&c.q1.1.3=%00&et.q1.1.3=t&el.q1.1.3=javascript:alert(1)",
		"r.q1.1.1=0&a.q1.1.1=%FF&c.q1.1.1=%ED%A0%80",
		"r.q1.1.3=-1&a.q1.1.3=partly&et.q1.1.3=&el.q1.1.3=https://example.org",
		"%zz=1",
		url.Values{"r.q1.1.3": {"0"}, "c.q1.1.3": {strings.Repeat("é", 5001)}}.Encode(),
	} {
		f.Add(s)
	}
	tm := newTeam(f)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	tables := []string{"answers", "answer_history"}
	f.Fuzz(func(t *testing.T, body string) {
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = countRows(t, tm.a, tb)
		}
		resp, page := fuzzPost(t, tm.editor, step, body)
		switch resp.StatusCode {
		case http.StatusSeeOther:
			return
		case http.StatusBadRequest, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("body %q: %d\n%.800s", body, resp.StatusCode, page)
		}
		after := map[string]int{}
		for _, tb := range tables {
			after[tb] = countRows(t, tm.a, tb)
		}
		if !maps.Equal(before, after) {
			t.Fatalf("body %q: refused with %d but rows changed %v → %v", body, resp.StatusCode, before, after)
		}
	})
}

// FuzzForms posts arbitrary bodies to every other form decoder: never a server error, and a refused
// form writes nothing.
func FuzzForms(f *testing.F) {
	for i := range 8 {
		for _, s := range []string{"name=x", "name=%FF", "email=a%00b&password=x", "title=%ED%A0%80&question=q1.1.3&status=todo",
			"organisation=O&name=N&email=n%40example.org&password=a+long+and+quiet+river", "p.role=both&name=%01", ""} {
			f.Add(uint8(i), s)
		}
	}
	tm := newTeam(f)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	endpoints := []struct {
		c    *client
		path string
	}{
		{tm.a.client(), "/signup"},
		{tm.a.client(), "/login"},
		{tm.editor, tm.path("/assessments")},
		{tm.editor, tm.path("/a/" + id + "/profile")},
		{tm.owner, tm.path("/settings")},
		{tm.editor, "/account/profile"},
		{tm.editor, tm.path("/a/" + id + "/actions")},
		{tm.owner, tm.path("/invitations")},
	}
	tables := []string{"users", "organisations", "memberships", "assessments", "actions", "invitations"}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		e := endpoints[int(which)%len(endpoints)]
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = countRows(t, tm.a, tb)
		}
		resp, page := fuzzPost(t, e.c, e.path, body)
		if resp.StatusCode >= 500 {
			t.Fatalf("%s with %q: %d\n%.800s", e.path, body, resp.StatusCode, page)
		}
		if resp.StatusCode >= 400 {
			after := map[string]int{}
			for _, tb := range tables {
				after[tb] = countRows(t, tm.a, tb)
			}
			if !maps.Equal(before, after) {
				t.Fatalf("%s with %q: refused with %d but rows changed %v → %v", e.path, body, resp.StatusCode, before, after)
			}
		}
	})
}
