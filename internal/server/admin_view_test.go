package server

import (
	"context"
	"net/http"
	"net/url"
	"testing"
)

// A site administrator opens an organisation's assessments read-only; every page is recorded in
// that organisation's audit log; nothing can be changed; other people still get 404.
func TestSiteAdminReadsOrganisations(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	admin := tm.a.mustUser("admin@example.org", "Site Admin")
	if err := tm.a.st.SetSiteAdmin(context.Background(), admin.ID, true); err != nil {
		t.Fatal(err)
	}
	c := tm.a.signedIn(admin)
	for _, p := range []string{"/", "/a/" + id + "/", "/a/" + id + "/results", "/a/" + id + "/s/1.1"} {
		resp, body := c.get(tm.path(p))
		wantStatus(t, resp, body, http.StatusOK)
	}
	if n := len(tm.auditEntries("admin.view")); n != 4 {
		t.Fatalf("%d views audited in the organisation's log, want 4", n)
	}
	// read-only: a save, a new assessment and a settings change are refused (404, as before)
	resp, _ := c.post(tm.path("/a/"+id+"/s/1.1"), url.Values{"a.q1.1.3": {"in_place"}, "action": {"save"}})
	wantStatus(t, resp, "", http.StatusNotFound)
	resp, _ = c.post(tm.path("/assessments"), url.Values{"name": {"x"}})
	wantStatus(t, resp, "", http.StatusNotFound)
	resp, _ = c.get(tm.path("/settings"))
	wantStatus(t, resp, "", http.StatusNotFound)
	ans, _ := tm.a.st.Answers(context.Background(), tm.org.ID, id)
	if ans["q1.1.3"].Answered() {
		t.Fatal("a site administrator's save was written")
	}
	// someone who is neither a member nor a site administrator: 404
	other := tm.a.mustUser("other@example.org", "Other")
	tm.a.mustOrg(other, "Other org")
	resp, _ = tm.a.signedIn(other).get(tm.path("/a/" + id + "/results"))
	wantStatus(t, resp, "", http.StatusNotFound)
}
