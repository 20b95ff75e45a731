package server

import (
	"context"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts headless Chromium (Debian's chromium package; .ci/run installs it) with a session
// cookie for c, and returns a context to drive it.
func browser(t *testing.T, c *client) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatal("end-to-end tests need headless Chromium: apt-get install chromium (see README)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(path), chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// events newer than this chromedp's protocol tables are logged, not errors: keep them out
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithErrorf(func(string, ...any) {}))
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	u, _ := url.Parse(c.a.ts.URL)
	ck := c.cookie(sessionCookie)
	if ck == nil { // a visitor who is not signed in
		return ctx
	}
	if err := chromedp.Run(ctx, network.SetCookie(sessionCookie, ck.Value).WithDomain(u.Hostname()).WithPath("/").WithHTTPOnly(true)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// waitPath waits until the browser has navigated to a path ending in suffix (polling from the
// test, since page scripts may be disabled).
func waitPath(t *testing.T, ctx context.Context, suffix string) {
	t.Helper()
	var loc, state string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if err := chromedp.Run(ctx, chromedp.Location(&loc), chromedp.Evaluate(`document.readyState`, &state)); err != nil {
			continue // navigating: the page is being replaced
		}
		if strings.HasSuffix(strings.SplitN(loc, "?", 2)[0], suffix) && state == "complete" {
			return
		}
	}
	t.Fatalf("the browser did not reach …%s (at %s)", suffix, loc)
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// With JavaScript, answers save themselves after a pause, the page says so, and the revisions it
// gets back keep the next save free of false conflicts.
func TestE2EAutosave(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	waitSaved := func() {
		t.Helper()
		var status string
		run(t, ctx, chromedp.Poll(`document.querySelector("[data-save-status]").textContent === "All changes saved"`, nil,
			chromedp.WithPollingTimeout(20*time.Second)), chromedp.Text("[data-save-status]", &status))
	}
	run(t, ctx, chromedp.Navigate(tm.a.ts.URL+tm.path("/a/"+id+"/s/1.1")), chromedp.WaitVisible("#a-q1-1-3-partly"),
		chromedp.Click("#a-q1-1-3-partly"))
	waitSaved()
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if got := ans["q1.1.3"]; got.Revision != 1 || got.Values[0] != "partly" {
		t.Fatalf("after the first autosave: %+v", got)
	}
	run(t, ctx, chromedp.Click("#a-q1-1-3-in_place"))
	waitSaved()
	ans, _ = tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if got := ans["q1.1.3"]; got.Revision != 2 || got.Values[0] != "in_place" {
		t.Fatalf("after the second autosave: %+v", got)
	}
	// The normal submit still works after autosaves (no conflict with ourselves).
	run(t, ctx, chromedp.Click(`[data-testid="save-next"]`))
	waitPath(t, ctx, "/s/1.2")
}

// Without JavaScript and with the keyboard alone, a step is answered and saved.
func TestE2EKeyboardWithoutJavaScript(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	run(t, ctx, emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(tm.a.ts.URL+tm.path("/a/"+id+"/s/1.5")), chromedp.WaitVisible("h1"))
	// Tab to the first answer of the page, choose the second option with an arrow key.
	var focused string
	for i := 0; i < 40 && !strings.HasPrefix(focused, "a-q1-5-"); i++ {
		run(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.id`, &focused))
	}
	if !strings.HasPrefix(focused, "a-q1-5-1-") {
		t.Fatalf("keyboard focus never reached the first answer (at %q)", focused)
	}
	run(t, ctx, chromedp.KeyEvent(kb.ArrowDown))
	// Tab on to "Save and continue" and press Enter.
	var label string
	for i := 0; i < 80 && label != "Save and continue"; i++ {
		run(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.Evaluate(`document.activeElement.textContent.trim()`, &label))
	}
	if label != "Save and continue" {
		t.Fatal("keyboard focus never reached the save button")
	}
	run(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitPath(t, ctx, "/s/2.1")
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if got := ans["q1.5.1"]; len(got.Values) != 1 || got.Values[0] != "partly" {
		t.Fatalf("answer chosen by keyboard: %+v", got)
	}
}

// With JavaScript, the "why not applicable" field appears only when "not applicable" is chosen.
func TestE2ENotApplicableJustificationToggles(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	var hidden bool
	run(t, ctx, chromedp.Navigate(tm.a.ts.URL+tm.path("/a/"+id+"/s/1.1")), chromedp.WaitVisible("#a-q1-1-3-partly"),
		chromedp.Evaluate(`document.querySelector('[data-na-justification="q1.1.3"]').hidden`, &hidden))
	if !hidden {
		t.Fatal("the justification field is shown before choosing not applicable")
	}
	run(t, ctx, chromedp.Click("#a-q1-1-3-not_applicable"), chromedp.WaitVisible("#j-q1-1-3"))
	run(t, ctx, chromedp.Click("#a-q1-1-3-partly"), chromedp.WaitNotVisible("#j-q1-1-3"))
}

// One answer to fix does not hold back the others: the valid ones are saved, the invalid one is
// flagged beside its field and linked from the status line.
func TestE2EAutosaveKeepsWhatIsValid(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	run(t, ctx, chromedp.Navigate(tm.a.ts.URL+tm.path("/a/"+id+"/s/1.1")), chromedp.WaitVisible("#a-q1-1-3-partly"),
		chromedp.Click("#a-q1-1-3-not_applicable"), chromedp.Click("#a-q1-1-1-specific_use"))
	var msg, link, status string
	run(t, ctx, chromedp.Poll(`document.querySelector('[data-autosave-error="q1.1.3"]') !== null`, nil, chromedp.WithPollingTimeout(20*time.Second)),
		chromedp.Text(`[data-autosave-error="q1.1.3"]`, &msg),
		chromedp.Text("[data-save-status]", &status),
		chromedp.AttributeValue("[data-save-status] a", "href", &link, nil))
	if !strings.Contains(msg, "does not apply") || link != "#autosave-error-q1-1-3" || !strings.Contains(status, "Saved, except") {
		t.Fatalf("flag %q, status %q, link %q", msg, status, link)
	}
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if got := ans["q1.1.1"]; len(got.Values) != 1 || got.Values[0] != "specific_use" {
		t.Fatalf("the valid answer was not saved: %+v", ans)
	}
	if ans["q1.1.3"].Answered() {
		t.Fatal("the invalid answer was saved")
	}
	// fixing it clears the flag
	run(t, ctx, chromedp.SendKeys("#j-q1-1-3", "We do not use AI in this way."),
		chromedp.Poll(`document.querySelector('[data-autosave-error]') === null && document.querySelector("[data-save-status]").textContent === "All changes saved"`, nil, chromedp.WithPollingTimeout(20*time.Second)))
}

// Nothing moves the buttons under the pointer: with the page scrolled to its end, typing and the
// autosave that follows leave "Save and continue" where it was.
func TestE2ESaveButtonStaysPut(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	ctx := browser(t, tm.editor)
	top := func() float64 {
		var y float64
		run(t, ctx, chromedp.Evaluate(`document.querySelector('[data-testid="save-next"]').getBoundingClientRect().top`, &y))
		return y
	}
	for _, width := range []int64{390, 1280} {
		run(t, ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(tm.a.ts.URL+tm.path("/a/"+id+"/s/1.1")), chromedp.WaitVisible("#a-q1-1-3-partly"),
			chromedp.Evaluate(`window.scrollTo(0, document.body.scrollHeight)`, nil))
		run(t, ctx, chromedp.Evaluate(`(function(){var t=document.querySelector('#c-q1-1-3'); t.closest('details').open=true; window.scrollTo(0, document.body.scrollHeight); return 0})()`, nil))
		before := top()
		// typing as a user does, without the browser scrolling to the field
		run(t, ctx, chromedp.Evaluate(`(function(){var t=document.querySelector('#c-q1-1-3'); t.value += 'typed at the bottom'; t.dispatchEvent(new Event('input', {bubbles: true})); return 0})()`, nil))
		afterTyping := top()
		run(t, ctx, chromedp.Poll(`document.querySelector("[data-save-status]").textContent === "All changes saved"`, nil, chromedp.WithPollingTimeout(20*time.Second)))
		afterSave := top()
		// typing again after "All changes saved": the status changes once more
		run(t, ctx, chromedp.Evaluate(`(function(){var t=document.querySelector('#c-q1-1-3'); t.value += ' and more'; t.dispatchEvent(new Event('input', {bubbles: true})); return 0})()`, nil))
		afterMore := top()
		// saved before leaving (unsaved changes would make the browser ask before navigating)
		run(t, ctx, chromedp.Poll(`document.querySelector("[data-save-status]").textContent === "All changes saved"`, nil, chromedp.WithPollingTimeout(20*time.Second)))
		if afterTyping != before || afterSave != before || afterMore != before {
			t.Errorf("%d px: the button moved from %.0f to %.0f (typing), %.0f (saved), %.0f (typing again)", width, before, afterTyping, afterSave, afterMore)
		}
	}
}
