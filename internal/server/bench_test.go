package server

import (
	"net/url"
	"strconv"
	"testing"
)

// benchAssessment is an assessment with most of sheet 1 answered.
func benchAssessment(b testing.TB) (*team, string) {
	tm := newTeam(b)
	id := tm.create(tm.editor, "Bench", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}, "a.q1.1.4": {"in_place"}}, "save")
	tm.step(tm.editor, id, "1.2", url.Values{"a.q1.2.1": {"not_in_place"}}, "save")
	return tm, id
}

// BenchmarkResultsPage measures the results page through the real router and database: loading the
// answers, scoring, recommending and rendering. Target: well under 50 ms on the CI machine.
func BenchmarkResultsPage(b *testing.B) {
	tm, id := benchAssessment(b)
	path := tm.path("/a/" + id + "/results")
	b.ResetTimer()
	for b.Loop() {
		if resp, _ := tm.viewer.get(path); resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}

// BenchmarkSaveStep measures saving a step (one transaction, conflict check, history). Target:
// well under 50 ms on the CI machine.
func BenchmarkSaveStep(b *testing.B) {
	tm, id := benchAssessment(b)
	path := tm.path("/a/" + id + "/s/1.1")
	values := []string{"in_place", "partly"}
	rev := 1
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		resp, body := tm.editor.post(path, url.Values{"action": {"save"}, "r.q1.1.3": {strconv.Itoa(rev)}, "a.q1.1.3": {values[i%2]}})
		if resp.StatusCode != 303 {
			b.Fatalf("%s\n%.300s", resp.Status, body)
		}
		rev++
	}
}

// BenchmarkStepPage measures a step page through the real router and database.
func BenchmarkStepPage(b *testing.B) {
	tm, id := benchAssessment(b)
	path := tm.path("/a/" + id + "/s/1.1")
	b.ResetTimer()
	for b.Loop() {
		if resp, _ := tm.editor.get(path); resp.StatusCode != 200 {
			b.Fatal(resp.Status)
		}
	}
}
