package server

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"
)

// Parallel wrong passwords cannot get more verifications than the threshold allows: each attempt
// is counted before its password is checked.
func TestParallelSignInAttemptsAreThrottled(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("target@example.org", "Target")
	a.mustOrg(u, "Org")
	const parallel = 40
	statuses := make(chan int, parallel)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range parallel {
		wg.Go(func() {
			<-start
			resp, _ := a.client().post("/login", url.Values{"email": {u.Email}, "password": {"wrong guess number " + string(rune('a'+i%26))}})
			statuses <- resp.StatusCode
		})
	}
	close(start)
	wg.Wait()
	close(statuses)
	count := map[int]int{}
	for s := range statuses {
		count[s]++
	}
	if count[http.StatusUnprocessableEntity] != accountThrottle.Threshold || count[http.StatusTooManyRequests] != parallel-accountThrottle.Threshold {
		t.Fatalf("statuses %v: want %d verified (422) and the rest refused (429)", count, accountThrottle.Threshold)
	}
	var failed int
	if err := a.st.Pool().QueryRow(context.Background(), `SELECT count(*) FROM audit_log WHERE action = 'login.failed'`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	if failed != accountThrottle.Threshold {
		t.Fatalf("%d passwords verified, want %d", failed, accountThrottle.Threshold)
	}
	// The account is blocked now, even for the right password.
	resp, body := a.client().post("/login", url.Values{"email": {u.Email}, "password": {testPassword}})
	wantStatus(t, resp, body, http.StatusTooManyRequests)
}

// A successful sign-in does not count against the address: a team behind one address signs in
// all day without being blocked, and a success clears the account's failures.
func TestSuccessfulSignInsDoNotCount(t *testing.T) {
	a := newApp(t)
	u := a.mustUser("busy@example.org", "Busy")
	a.mustOrg(u, "Org")
	for range ipThrottle.Threshold + 5 {
		a.client().login(u.Email, testPassword)
	}
	for range accountThrottle.Threshold - 1 {
		resp, body := a.client().post("/login", url.Values{"email": {u.Email}, "password": {"not the password at all"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	}
	a.client().login(u.Email, testPassword)
	// the failures were forgotten: as many again are allowed
	for range accountThrottle.Threshold - 1 {
		resp, body := a.client().post("/login", url.Values{"email": {u.Email}, "password": {"not the password at all"}})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	}
	a.client().login(u.Email, testPassword)
}
