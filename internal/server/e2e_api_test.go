package server

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// shotNow checks the page the browser shows with axe-core and, with $AIGRID_SCREENSHOTS set,
// writes it there whole (name-width.png) to look at.
func shotNow(t *testing.T, ctx context.Context, name string, width int64) {
	t.Helper()
	checkAxe(t, ctx, name+" at "+strconv.FormatInt(width, 10)+" px")
	if os.Getenv("AIGRID_SCREENSHOTS") == "" {
		return
	}
	var b []byte
	run(t, ctx, chromedp.FullScreenshot(&b, 100))
	if err := os.WriteFile(filepath.Join(shotDir(t), name+"-"+strconv.FormatInt(width, 10)+".png"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestE2EAPITokensPage: an owner creates a token in the browser, without JavaScript's help, sees
// it once, and revokes another; the page passes axe-core at desktop and mobile widths, in English
// and French.
func TestE2EAPITokensPage(t *testing.T) {
	tm := newTeam(t)
	used := tm.createToken("Power BI dashboard", "never")
	tm.a.apiGet(used, "/api/v1/assessments") // a last-used date
	tm.createToken("Old GRC connector", "30")
	ctx := browser(t, tm.owner)
	tokens := tm.a.ts.URL + tm.path("/settings/tokens")
	host := strings.TrimPrefix(tm.a.ts.URL, "http://")
	for _, lang := range []string{"en", "fr"} {
		run(t, ctx, network.SetCookie("aigrid_lang", lang).WithDomain(host[:strings.LastIndex(host, ":")]).WithPath("/"))
		for _, w := range []int64{1280, 390} {
			pageHeight(t, ctx, tokens, "api-tokens-"+lang, w)
			// create one: the token is shown once, with an example
			run(t, ctx, chromedp.SendKeys("#f-name", "GRC register "+lang+strconv.FormatInt(w, 10), chromedp.ByQuery),
				chromedp.Click(`form[action$="/settings/tokens"] button[type=submit]`, chromedp.ByQuery),
				chromedp.WaitVisible(`[data-testid="new-token-value"]`, chromedp.ByQuery))
			var shown string
			run(t, ctx, chromedp.Text(`[data-testid="new-token-value"]`, &shown, chromedp.ByQuery))
			if !strings.HasPrefix(shown, "aig_") {
				t.Fatalf("token shown: %q", shown)
			}
			shotNow(t, ctx, "api-tokens-created-"+lang, w)
			// revoke the first listed that is active (the newest): it shows as revoked
			run(t, ctx, chromedp.Click(`table[data-testid="tokens"] tbody tr:first-child button`, chromedp.ByQuery),
				chromedp.WaitVisible(`[data-testid="banner"]`, chromedp.ByQuery))
		}
	}
	list, err := tm.a.st.APITokens(context.Background(), tm.org.ID)
	if err != nil || len(list) != 6 {
		t.Fatalf("%d tokens, want 6: %v", len(list), err)
	}
	for i, tok := range list[:4] {
		if tok.RevokedAt == nil {
			t.Errorf("token %d (%s) not revoked through the page", i, tok.Name)
		}
	}
}
