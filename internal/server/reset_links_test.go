package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"aigrid/internal/postgres"
)

// Only the newest reset link of an account works: issuing a new one, using one or changing the
// password ends every other outstanding link.
func TestOldResetLinksStopWorking(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	u := a.mustUser("reset@example.org", "Reset")
	a.mustOrg(u, "Org")
	issue := func() string {
		t.Helper()
		token := newToken()
		if err := a.st.CreatePasswordReset(ctx, u.ID, postgres.TokenHash(token), time.Hour); err != nil {
			t.Fatal(err)
		}
		return token
	}
	valid := func(token string, want bool) {
		t.Helper()
		resp, body := a.client().get("/password/reset/" + token)
		if got := resp.StatusCode == http.StatusOK; got != want {
			t.Fatalf("reset link valid = %v (%d), want %v\n%.300s", got, resp.StatusCode, want, body)
		}
	}

	// A later link replaces an earlier one.
	first := issue()
	second := issue()
	valid(first, false)
	valid(second, true)
	resp, body := a.client().post("/password/reset/"+first, url.Values{"password": {"the first link must be dead"}})
	wantStatus(t, resp, body, http.StatusNotFound)

	// Using a link ends the others, even one stored without going through CreatePasswordReset
	// (an older row, written before links replaced each other).
	other := newToken()
	if _, err := a.st.Pool().Exec(ctx, `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, now() + interval '1 hour')`,
		postgres.TokenHash(other), u.ID); err != nil {
		t.Fatal(err)
	}
	valid(other, true)
	resp, _ = a.client().post("/password/reset/"+second, url.Values{"password": {"the second link sets this one"}})
	wantRedirect(t, resp, "/login")
	valid(second, false)
	valid(other, false)
	a.client().login(u.Email, "the second link sets this one")

	// Changing the password ends an outstanding link.
	third := issue()
	valid(third, true)
	c := a.client()
	c.login(u.Email, "the second link sets this one")
	resp, body = c.post("/account/password", url.Values{"current": {"the second link sets this one"}, "password": {"a third sentence for the account"}})
	wantStatus(t, resp, body, http.StatusSeeOther)
	valid(third, false)
	resp, body = a.client().post("/password/reset/"+third, url.Values{"password": {"the third link must be dead"}})
	wantStatus(t, resp, body, http.StatusNotFound)
	a.client().login(u.Email, "a third sentence for the account")
}
