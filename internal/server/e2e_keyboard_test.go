package server

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tabsTo presses Tab until the element matching js (an expression true of document.activeElement)
// has the focus and returns how many presses it took, or -1 after max.
func tabsTo(t *testing.T, ctx context.Context, js string, max int) int {
	t.Helper()
	for i := 1; i <= max; i++ {
		var ok bool
		run(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`(e => !!(`+js+`))(document.activeElement)`, &ok))
		if ok {
			return i
		}
	}
	return -1
}

// On a step of six questions, the save button is a few Tab stops away: each question is its help,
// its answer (a radio group is one stop) and its comment and evidence; a skip link leads to the
// step's buttons.
func TestE2EKeyboardStepTabStops(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	step := tm.a.ts.URL + tm.path("/a/"+id+"/s/1.5")
	for _, js := range []bool{true, false} {
		run(t, ctx, emulation.SetScriptExecutionDisabled(!js), chromedp.Navigate(step), chromedp.WaitVisible("h1"))
		n := tabsTo(t, ctx, `e.dataset.testid === "save-next"`, 120)
		// header (two skip links, brand, 3 menu links, sign out, language), organisation and
		// assessment links: 10; then 3 stops a question (4 without JavaScript: the "why not
		// applicable" field is not hidden), then Save. Before this test, Save was the 34th stop with
		// JavaScript and the 40th without (the history link was a stop of its own).
		limit := 10 + 6*3 + 1
		if !js {
			limit += 6
		}
		t.Logf("JavaScript %v: %d Tab stops from the top of a 6-question step to Save (at most %d)", js, n, limit)
		if n < 0 || n > limit {
			t.Errorf("JavaScript %v: %d Tab stops to Save, want at most %d", js, n, limit)
		}
		// the second skip link leads there in three: skip to content, skip to the buttons, Enter, Save
		run(t, ctx, chromedp.Navigate(step), chromedp.WaitVisible("h1"))
		if n := tabsTo(t, ctx, `e.dataset.testid === "skip-actions"`, 3); n != 2 {
			t.Fatalf("JavaScript %v: the skip link to the buttons is Tab stop %d, want 2", js, n)
		}
		run(t, ctx, chromedp.KeyEvent(kb.Enter))
		if n := tabsTo(t, ctx, `e.dataset.testid === "save-next"`, 3); n != 1 {
			t.Errorf("JavaScript %v: after the skip link, Save is %d Tab stops away, want 1", js, n)
		}
	}
	// and Save works from there, by keyboard
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitPath(t, ctx, "/s/2.1")
}

// At 390 px, each member's role controls (role, change, remove) are on screen without scrolling
// sideways (the accessibility tour runs axe on this page and the audit log at both widths). With
// $AIGRID_SCREENSHOTS, screenshots of both pages at 1280 and 390 px, in English and French.
func TestE2EMembersOnMobile(t *testing.T) {
	tm := newTeam(t)
	u, _, _ := tm.a.st.UserByEmail(context.Background(), "owner@example.org")
	if err := tm.a.st.SetSiteAdmin(context.Background(), u.ID, true); err != nil {
		t.Fatal(err)
	}
	ctx := browser(t, tm.owner)
	host := strings.TrimPrefix(tm.a.ts.URL, "http://")
	host = host[:strings.LastIndex(host, ":")]
	for _, lang := range []string{"en", "fr"} {
		run(t, ctx, network.SetCookie("aigrid_lang", lang).WithDomain(host).WithPath("/"), chromedp.EmulateViewport(390, 900),
			chromedp.Navigate(tm.a.ts.URL+tm.path("/members")), chromedp.WaitVisible("h1"))
		var controls int
		var off []string
		run(t, ctx, chromedp.Evaluate(`document.querySelectorAll('[data-testid="members"] select, [data-testid="members"] button').length`, &controls),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('[data-testid="members"] select, [data-testid="members"] button')).
				filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > document.documentElement.clientWidth }).
				map(e => e.id || e.textContent.trim())`, &off))
		if controls != 12 || len(off) > 0 { // 4 members: a role, "change" and "remove" each
			t.Errorf("members (%s, 390 px): %d role controls, off screen: %v", lang, controls, off)
		}
		if os.Getenv("AIGRID_SCREENSHOTS") != "" {
			for _, w := range []int64{1280, 390} {
				pageHeight(t, ctx, tm.a.ts.URL+tm.path("/members"), "members-"+lang, w)
				pageHeight(t, ctx, tm.a.ts.URL+"/admin", "admin-"+lang, w)
			}
		}
	}
}
