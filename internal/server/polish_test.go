package server

import (
	"net/url"
	"testing"
)

// A member of one organisation lands on it after signing in; a member of several, on the list.
func TestSignInLandsOnTheOnlyOrganisation(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("owner@example.org", "Owner")
	o := a.mustOrg(u, "Org")
	resp, _ := a.client().post("/login", url.Values{"email": {u.Email}, "password": {testPassword}, "next": {""}})
	wantRedirect(t, resp, "/o/"+o.ID+"/")
	a.mustOrg(u, "Second")
	resp, _ = a.client().post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	if loc := resp.Header.Get("Location"); loc != "/orgs" {
		t.Fatalf("with two organisations: → %q, want /orgs", loc)
	}
}
