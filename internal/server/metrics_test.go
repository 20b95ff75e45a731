package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"aigrid/internal/config"
	"aigrid/internal/pgtest"
)

// With AIGRID_METRICS_ADDR, the metrics handler reports requests by route pattern and status, step
// saves by outcome, conflicts, the database pool and the Go runtime; the application's own router
// never serves them. Without it, there is no handler at all.
func TestMetrics(t *testing.T) {
	cfg, err := config.Load(func(k string) string {
		if k == "AIGRID_METRICS_ADDR" {
			return "127.0.0.1:9999"
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	o := testOptions(t, cfg, pgtest.NewPool(t))
	s := New(o)
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	tm := newTeamOn(&app{t: t, s: s, ts: ts, st: o.Store})
	mts := httptest.NewServer(s.MetricsHandler())
	t.Cleanup(mts.Close)

	id := tm.create(tm.editor, "Chatbot", fullProfile)
	step := tm.path("/a/" + id + "/s/1.1")
	tm.editor.get(step)
	resp, _ := tm.editor.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"partly"}})
	wantRedirect(t, resp, tm.path("/a/"+id+"/s/1.1"))
	// a colleague saves over the same revision: a conflict
	resp, body := tm.owner.post(step, url.Values{"action": {"save"}, "r.q1.1.3": {"0"}, "a.q1.1.3": {"in_place"}})
	wantStatus(t, resp, body, http.StatusConflict)
	resp, body = tm.editor.post(step, url.Values{"action": {"save"}, "r.q1.1.4": {"0"}, "a.q1.1.4": {"no such option"}})
	wantStatus(t, resp, body, http.StatusUnprocessableEntity)
	tm.editor.get("/o/" + tm.org.ID + "/a/00000000-0000-0000-0000-000000000000/results")
	tm.editor.get("/no/such/page/0123456789abcdefghijklmnop")

	mresp, err := http.Get(mts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(mresp.Body)
	mresp.Body.Close()
	text := string(b)
	for _, want := range []string{
		`aigrid_http_request_duration_seconds_count{method="GET",route="/o/{org}/a/{a}/s/{section}",status="200"} 1`,
		`aigrid_http_request_duration_seconds_count{method="POST",route="/o/{org}/a/{a}/s/{section}",status="303"} 1`,
		`aigrid_http_request_duration_seconds_count{method="POST",route="/o/{org}/a/{a}/s/{section}",status="409"} 1`,
		`aigrid_http_request_duration_seconds_count{method="GET",route="/o/{org}/a/{a}/results",status="404"} 1`,
		`aigrid_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 1`,
		`aigrid_step_saves_total{outcome="saved"} 1`,
		`aigrid_step_saves_total{outcome="conflict"} 1`,
		`aigrid_step_saves_total{outcome="invalid"} 1`,
		`aigrid_answer_conflicts_total 1`,
		`aigrid_db_pool_max_connections 4`,
		`aigrid_db_pool_connections{state="idle"}`,
		`aigrid_db_pool_acquires_total`,
		`go_goroutines`, `go_memstats_heap_alloc_bytes`, `process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// no IDs or tokens in labels: only route patterns
	if regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-`).MatchString(text) || strings.Contains(text, "0123456789abcdefghijklmnop") {
		t.Error("a path (with IDs) leaked into the metrics' labels")
	}
	if resp, _ := tm.editor.get("/metrics"); resp.StatusCode != 404 {
		t.Errorf("the application serves /metrics: %d", resp.StatusCode)
	}
	// the profiler: on the metrics listener only
	if presp, err := http.Get(mts.URL + "/debug/pprof/"); err != nil || presp.StatusCode != 200 {
		t.Errorf("profiler on the metrics listener: %v %v", presp, err)
	} else {
		presp.Body.Close()
	}
	if resp, _ := tm.editor.get("/debug/pprof/"); resp.StatusCode != 404 {
		t.Errorf("the application serves /debug/pprof/: %d", resp.StatusCode)
	}
	if h := newApp(t).s.MetricsHandler(); h != nil {
		t.Error("metrics handler without AIGRID_METRICS_ADDR")
	}
}
