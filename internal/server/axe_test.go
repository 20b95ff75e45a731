package server

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axeSource is axe-core, pinned in testdata/axe/package.json and installed there by `npm ci`
// (.ci/run does it).
var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile("testdata/axe/node_modules/axe-core/axe.min.js")
	return string(b), err
})

type axeResult struct {
	Violations []struct {
		ID     string `json:"id"`
		Impact string `json:"impact"`
		Help   string `json:"help"`
		Nodes  []struct {
			Target []any `json:"target"`
		} `json:"nodes"`
	} `json:"violations"`
}

// checkAxe runs axe-core on the page the browser shows and fails the test on any violation, of any
// impact, of the WCAG 2.0, 2.1 and 2.2 A and AA rules and axe's best practices.
func checkAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		t.Fatalf("axe-core is missing: run `npm ci` in internal/server/testdata/axe (.ci/run does it): %v", err)
	}
	var res axeResult
	run(t, ctx, chromedp.Evaluate(src, nil), chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"],
		runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})`, &res,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	for _, v := range res.Violations {
		var targets []string
		for i, n := range v.Nodes {
			if i == 5 {
				targets = append(targets, fmt.Sprintf("… %d more", len(v.Nodes)-5))
				break
			}
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		t.Errorf("%s: axe %s (%s): %s: %s", what, v.ID, v.Impact, v.Help, strings.Join(targets, ", "))
	}
}

// TestE2EAccessibilityTour visits every main page, signed out and as an owner who is also a site
// administrator, at 1280 and 390 px, in English and in French, and runs axe-core on each: zero
// violations.
func TestE2EAccessibilityTour(t *testing.T) {
	tm := newTeam(t)
	u, _, _ := tm.a.st.UserByEmail(context.Background(), "owner@example.org")
	if err := tm.a.st.SetSiteAdmin(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_applicable"}, "j.q1.1.3": {"Never reused."}, "a.q1.1.4": {"dont_know"}}, "save")
	tm.step(tm.editor, id, "1.2", url.Values{"a.q1.2.1": {"not_in_place"}}, "save")
	resp, _ := tm.editor.post(tm.path("/a/"+id+"/duplicate"), nil)
	v2 := assessmentPathRe.FindStringSubmatch(resp.Header.Get("Location"))[1]
	a := "/a/" + id
	signedIn := []string{"/orgs", tm.path("/"), tm.path("/members"), tm.path("/settings"), tm.path("/assessments/new"),
		tm.path(a + "/"), tm.path(a + "/profile"), tm.path(a + "/s/1.1"), tm.path(a + "/review"), tm.path(a + "/history"),
		tm.path(a + "/results?adopt=q1.2.1"), tm.path(a + "/actions"), tm.path("/a/" + v2 + "/compare?with=" + id),
		tm.path(a + "/delete"), "/account", "/admin"}
	signedOut := []string{"/", "/login", "/signup", "/about", "/scoring"}
	for _, who := range []struct {
		c     *client
		paths []string
	}{{tm.owner, signedIn}, {tm.a.client(), signedOut}} {
		host := strings.TrimPrefix(tm.a.ts.URL, "http://")
		host = host[:strings.LastIndex(host, ":")]
		for _, lang := range []string{"en", "fr"} {
			for _, w := range []int64{1280, 390} {
				ctx := browser(t, who.c) // one browser each: a tour of the pages fits in its time limit
				run(t, ctx, network.SetCookie("aigrid_lang", lang).WithDomain(host).WithPath("/"), chromedp.EmulateViewport(w, 900))
				for _, p := range who.paths {
					run(t, ctx, chromedp.Navigate(tm.a.ts.URL+p), chromedp.WaitVisible("h1"))
					checkAxe(t, ctx, fmt.Sprintf("%s (%s, %d px)", p, lang, w))
				}
			}
		}
	}
}
