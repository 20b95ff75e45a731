package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aigrid/internal/account"
)

// An invited colleague without an account signs up from the invitation link: the account joins the
// inviting organisation (no organisation of its own), is signed in and lands on it, even while
// public sign-up is closed. Bad input keeps what was typed; an address with an account is sent to
// sign in, the invitation still valid.
func TestSignupFromInvitation(t *testing.T) {
	a := newApp(t)
	owner := a.mustUser("owner@example.org", "Olivia Owner")
	o := a.mustOrg(owner, "Acme")
	oc := a.signedIn(owner)
	if err := a.st.SetSignupOpen(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	_, body := oc.post("/o/"+o.ID+"/invitations", url.Values{"email": {"nina@example.org"}, "role": {"editor"}})
	token := inviteLinkRe.FindStringSubmatch(body)[1]

	nina := a.client()
	resp, body := nina.get("/invite/" + token)
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, `data-testid="invite-signup"`) || !strings.Contains(body, "/login?next=/invite/"+token) {
		t.Fatal("the invitation page offers neither sign-up nor sign-in")
	}
	if strings.Contains(body, `name="organisation"`) {
		t.Fatal("the invitation's sign-up asks for an organisation")
	}
	// bad input: the form comes back with the typed name
	resp, body = nina.post("/invite/"+token+"/signup", url.Values{"name": {"Nina Newcomer"}, "email": {"nina@example.org"}, "password": {"short"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	if !strings.Contains(body, `value="Nina Newcomer"`) || !strings.Contains(body, `href="#f-password"`) {
		t.Fatalf("the failed form lost the input or its error summary:\n%.1500s", body)
	}
	resp, _ = nina.post("/invite/"+token+"/signup", url.Values{"name": {"Nina Newcomer"}, "email": {"Nina@example.org"}, "password": {testPassword}})
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	resp, body = nina.get("/o/" + o.ID + "/")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.Contains(body, "you are now a member") {
		t.Error("no welcome on the organisation's page")
	}
	u, _, err := a.st.UserByEmail(context.Background(), "nina@example.org")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := a.st.Memberships(context.Background(), u.ID)
	if err != nil || len(ms) != 1 || ms[0].Organisation.ID != o.ID || ms[0].Role != account.Editor {
		t.Fatalf("memberships after sign-up from an invitation: %+v %v", ms, err)
	}
	// single use
	resp, body = a.client().post("/invite/"+token+"/signup", url.Values{"name": {"Eve"}, "email": {"eve@example.org"}, "password": {testPassword}})
	wantStatus(t, resp, body, http.StatusNotFound)
	if _, _, err := a.st.UserByEmail(context.Background(), "eve@example.org"); err == nil {
		t.Fatal("a used invitation made an account")
	}

	// an address that has an account: sign in to accept; nothing written, the invitation kept
	_, body = oc.post("/o/"+o.ID+"/invitations", url.Values{"role": {"viewer"}})
	second := inviteLinkRe.FindStringSubmatch(body)[1]
	resp, _ = a.client().post("/invite/"+second+"/signup", url.Values{"name": {"Olivia"}, "email": {"owner@example.org"}, "password": {testPassword}})
	wantRedirect(t, resp, "/login?next=/invite/"+second)
	if invs, _ := a.st.Invitations(context.Background(), o.ID); len(invs) != 1 {
		t.Fatalf("%d pending invitations after a refused sign-up, want 1", len(invs))
	}
}
