package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// TestAdminResultsExports downloads the results of every assessment as CSV and JSON Lines, for the
// instance and for one organisation, as a site administrator.
func TestAdminResultsExports(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	id := tm.create(tm.editor, "CV screening", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}}, "save")
	otherOwner := tm.a.mustUser("other@example.org", "Oscar")
	other := tm.a.mustOrg(otherOwner, `Hôpital "Nord", <b>`)
	oa, err := tm.a.st.CreateAssessment(ctx, other.ID, otherOwner.ID, assessment.Assessment{SystemName: "Tri « urgences »",
		ContentVersion: tm.a.s.qn.Version, Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := tm.a.st.CreateUser(ctx, "root@example.org", "Root", passwordHashOnce(), true)
	if err != nil {
		t.Fatal(err)
	}
	ac := tm.a.signedIn(admin)

	// The admin page links to both formats, for the instance and for each organisation.
	_, body := ac.get("/admin")
	for _, href := range []string{"/admin/export.csv", "/admin/export.jsonl", "/admin/export.xlsx", "/admin/export.jsonl?organisation=" + other.ID, "/admin/export.xlsx?organisation=" + other.ID} {
		if !strings.Contains(body, `href="`+strings.ReplaceAll(href, "&", "&amp;")+`"`) {
			t.Errorf("admin page: no link to %s", href)
		}
	}

	lines := func(query string) map[string]map[string]any {
		t.Helper()
		resp, body := ac.get("/admin/export.jsonl" + query)
		wantStatus(t, resp, body, 200)
		if ct := resp.Header.Get("Content-Type"); ct != "application/jsonl; charset=utf-8" || !strings.Contains(resp.Header.Get("Content-Disposition"), ".jsonl") {
			t.Errorf("jsonl%s: %s, %s", query, ct, resp.Header.Get("Content-Disposition"))
		}
		byID := map[string]map[string]any{}
		sc := bufio.NewScanner(strings.NewReader(body))
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				t.Fatalf("jsonl%s: line %q: %v", query, sc.Text(), err)
			}
			byID[fmt.Sprint(line["assessment_id"])] = line
		}
		if !strings.HasSuffix(body, "\n") {
			t.Errorf("jsonl%s: last line not ended", query)
		}
		return byID
	}
	all := lines("")
	if len(all) != 2 || all[id] == nil || all[oa.ID] == nil {
		t.Fatalf("instance export: %v", all)
	}
	mine := all[id]
	if mine["organisation"] != "Clinique du Parc" || mine["system_name"] != "CV screening" || mine["version"] != 1.0 ||
		mine["status"] != "draft" || mine["content_version"] != tm.a.s.qn.Version || mine["updated_at"] == "" {
		t.Errorf("line: %v", mine)
	}
	overall, _ := mine["overall"].(map[string]any)
	if overall == nil || overall["score"] == nil || overall["completion"].(float64) <= 0 {
		t.Errorf("overall: %v", mine["overall"])
	}
	sheets, _ := mine["sheets"].([]any)
	if len(sheets) != len(tm.a.s.qn.Sheets) {
		t.Errorf("%d sheets, want %d", len(sheets), len(tm.a.s.qn.Sheets))
	}
	if o := all[oa.ID]; o["organisation"] != `Hôpital "Nord", <b>` || o["system_name"] != "Tri « urgences »" || o["overall"].(map[string]any)["score"] != nil {
		t.Errorf("other organisation's line (nothing answered): %v", o)
	}

	// ?organisation= keeps one organisation's assessments, in both formats.
	if only := lines("?organisation=" + other.ID); len(only) != 1 || only[oa.ID] == nil {
		t.Errorf("filtered jsonl: %v", only)
	}
	resp, body := ac.get("/admin/export.csv?organisation=" + tm.org.ID)
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, id) || strings.Contains(body, oa.ID) || strings.Count(body, "\n") != 2 {
		t.Errorf("filtered csv:\n%s", body)
	}
	if !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="aigrid-results-Clinique-du-Parc.csv"`) {
		t.Errorf("filtered csv: %s", resp.Header.Get("Content-Disposition"))
	}
	// XLSX: the workbook read back has the header and one row per assessment.
	for q, want := range map[string]int{"": 3, "?organisation=" + other.ID: 2} {
		resp, body := ac.get("/admin/export.xlsx" + q)
		wantStatus(t, resp, body, 200)
		book, err := excelize.OpenReader(strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rows, err := book.GetRows("results")
		book.Close()
		if err != nil || len(rows) != want || rows[0][0] != "organisation" || rows[len(rows)-1][3] != "1" {
			t.Errorf("xlsx%s: %v %q", q, err, rows)
		}
	}
	for _, q := range []string{"?organisation=00000000-0000-0000-0000-000000000000", "?organisation=nope", "?organisation="} {
		if resp, _ := ac.get("/admin/export.jsonl" + q); resp.StatusCode != 404 {
			t.Errorf("%s: %d, want 404", q, resp.StatusCode)
		}
	}
	// Only site administrators: an organisation owner gets 404.
	if resp, _ := tm.owner.get("/admin/export.jsonl?organisation=" + tm.org.ID); resp.StatusCode != 404 {
		t.Errorf("owner: %d, want 404", resp.StatusCode)
	}

	// Every download is audited with its format and organisation; a filtered one also in that
	// organisation's log.
	log, err := tm.a.st.AuditLog(ctx, other.ID, 50)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range log {
		if e.Action == "admin.export" && e.Details["format"] == "jsonl" && e.Details["organisation"] == other.ID && e.Details["assessments"] == 1.0 && e.Details["complete"] == true {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d audited filtered exports in the organisation's log, want 1: %v", n, log)
	}
}

// A few bulk exports stream at once per instance (each holds a connection and tens of megabytes);
// one more is refused with 429, Retry-After and a page saying to come back, in the user's
// language, and starts once one has ended.
func TestBulkExportsLimitedPerInstance(t *testing.T) {
	tm := newTeam(t)
	admin, err := tm.a.st.CreateUser(context.Background(), "root@example.org", "Root", passwordHashOnce(), true)
	if err != nil {
		t.Fatal(err)
	}
	ac := tm.a.signedIn(admin)
	for range maxBulkExports { // as if that many were streaming
		tm.a.s.bulkExports <- struct{}{}
	}
	resp, body := ac.get("/admin/export.csv")
	wantStatus(t, resp, body, 429)
	if resp.Header.Get("Retry-After") != "60" || !strings.Contains(body, "Other exports are running") || strings.Contains(body, "assessment_id") {
		t.Fatalf("export refused: Retry-After %q\n%.1500s", resp.Header.Get("Retry-After"), body)
	}
	ac.post("/language", url.Values{"lang": {"fr"}, "next": {"/admin"}})
	if _, body := ac.get("/admin/export.jsonl"); !strings.Contains(body, "D’autres exports sont en cours") {
		t.Fatalf("export refused, in French:\n%.1500s", body)
	}
	<-tm.a.s.bulkExports // one ended
	resp, body = ac.get("/admin/export.csv")
	wantStatus(t, resp, body, 200)
	if len(tm.a.s.bulkExports) != maxBulkExports-1 {
		t.Fatalf("%d exports counted after the export ended, want %d", len(tm.a.s.bulkExports), maxBulkExports-1)
	}
}
