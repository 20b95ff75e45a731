package server

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"aigrid/internal/export"
	"aigrid/internal/postgres"
)

func TestExports(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "CV screening", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"partly"}, "c.q1.1.3": {"Vérifié : « cœur » de l’équipe"}}, "save")
	base := tm.path("/a/" + id)

	// The assessment page links to the export page, which offers every format of the table.
	_, body := tm.viewer.get(base + "/")
	if !strings.Contains(body, `href="`+base+`/export"`) {
		t.Fatal("no link to the export page")
	}
	resp, body := tm.viewer.get(base + "/export")
	wantStatus(t, resp, body, 200)
	for _, f := range export.Formats() {
		if !strings.Contains(body, `value="`+f.Name+`"`) || !strings.Contains(body, `href="`+base+`/export.`+f.Name+`"`) {
			t.Errorf("export page: no choice or direct link for %s", f.Name)
		}
	}

	// Submitted, the form downloads the file in the chosen format, language and separator.
	for _, c := range []struct {
		query, ext, ctype, prefix, contains string
	}{
		{"format=pdf&lang=fr&sep=semicolon", "pdf", "application/pdf", "%PDF-", ""},
		{"format=xlsx&lang=en&sep=semicolon", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "PK", ""},
		{"format=csv&lang=fr&sep=semicolon", "csv", "text/csv; charset=utf-8", "\ufeffFiche;Étape;", "Partiellement en place"},
		{"format=csv&lang=fr&sep=comma", "csv", "text/csv; charset=utf-8", "\ufeffFiche,Étape,", "Vérifié : « cœur » de l’équipe"},
		{"format=csv&lang=en", "csv", "text/csv; charset=utf-8", "\ufeffSheet,Step,", "Partly in place"},
		{"format=json&lang=en", "json", "application/json", "{", `"model_version"`},
	} {
		resp, body := tm.viewer.get(base + "/export?" + c.query)
		wantStatus(t, resp, body, 200)
		cd := resp.Header.Get("Content-Disposition")
		if resp.Header.Get("Content-Type") != c.ctype || cd != `attachment; filename="CV-screening-v1.`+c.ext+`"` ||
			!strings.HasPrefix(body, c.prefix) || !strings.Contains(body, c.contains) {
			t.Errorf("%s: %s, %q\n%.200q", c.query, resp.Header.Get("Content-Type"), cd, body)
		}
	}
	// The direct links: the page's language (English here) and its separator, unless chosen.
	resp, body = tm.viewer.get(base + "/export.csv")
	wantStatus(t, resp, body, 200)
	if !strings.HasPrefix(body, "\ufeffSheet,Step,") || !strings.Contains(body, "Partly in place") {
		t.Fatalf("CSV export:\n%.300s", body)
	}
	_, body = tm.viewer.get(base + "/export.csv?lang=fr")
	if !strings.HasPrefix(body, "\ufeffFiche;") {
		t.Fatalf("CSV export in French:\n%.300s", body)
	}
	resp, body = tm.viewer.get(base + "/export.json")
	wantStatus(t, resp, body, 200)
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(body, `"model_version"`) {
		t.Fatal("JSON export")
	}

	// Bad choices: the page again, with the errors and the choices kept, and no file.
	for _, q := range []string{"format=exe", "format=csv&sep=tab", "format=pdf&lang=de"} {
		resp, body := tm.viewer.get(base + "/export?" + q)
		wantStatus(t, resp, body, 422)
		if !strings.Contains(body, `data-testid="error-summary"`) || resp.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: no error summary, or a file", q)
		}
	}
	if resp, body := tm.viewer.get(base + "/export.pdf?lang=de"); resp.StatusCode != 400 {
		t.Errorf("direct link with a bad language: %d %.100s", resp.StatusCode, body)
	}
	// Another organisation's assessment is not found.
	other := tm.a.mustUser("other@example.org", "Other")
	tm.a.mustOrg(other, "Other org")
	if resp, _ := tm.a.signedIn(other).get(base + "/export.pdf"); resp.StatusCode != 404 {
		t.Errorf("outsider: %d", resp.StatusCode)
	}

	// Every download is in the audit log, with its format.
	log, err := tm.a.st.AuditLog(context.Background(), tm.org.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	formats := map[string]int{}
	for _, e := range log {
		if e.Action == "assessment.export" {
			formats[fmt.Sprint(e.Details["format"], "/", e.Details["lang"])]++
		}
	}
	if formats["pdf/fr"] != 1 || formats["xlsx/en"] != 1 || formats["csv/fr"] != 3 || formats["csv/en"] != 2 || formats["json/en"] != 2 {
		t.Errorf("audited exports %v", formats)
	}

	admin, err := tm.a.st.CreateUser(context.Background(), "root@example.org", "Root", passwordHashOnce(), true)
	if err != nil {
		t.Fatal(err)
	}
	resp, body = tm.a.signedIn(admin).get("/admin/export.csv")
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, "Clinique du Parc") || !strings.Contains(body, "CV screening") {
		t.Fatalf("instance export:\n%.500s", body)
	}
}

// upload posts a file as the import form does.
func upload(c *client, path string, data []byte) (*http.Response, string) {
	c.a.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if data != nil {
		fw, _ := mw.CreateFormFile("file", "export.json")
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.a.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.do(req)
}

func TestImportPage(t *testing.T) {
	tm := newTeam(t)
	ctx := context.Background()
	id := tm.create(tm.editor, "CV screening", fullProfile)
	tm.step(tm.editor, id, "1.1", url.Values{"a.q1.1.3": {"not_applicable"}, "j.q1.1.3": {"Aucune donnée : « rien »"},
		"c.q1.1.3": {"Vérifié par l’équipe"}, "a.q1.1.1": {"specific_use"}}, "save")
	_, exported := tm.viewer.get(tm.path("/a/" + id + "/export.json"))

	_, body := tm.editor.get(tm.path("/"))
	if !strings.Contains(body, `href="`+tm.path("/import")+`"`) {
		t.Fatal("no link to the import page")
	}
	resp, body := tm.editor.get(tm.path("/import"))
	wantStatus(t, resp, body, 200)
	if !strings.Contains(body, `type="file"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatal("no file upload form")
	}

	count := func() int {
		list, err := tm.a.st.Assessments(ctx, tm.org.ID, postgres.AssessmentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	// No file, a broken file, a file with problems: the page again, every problem listed, nothing created.
	resp, body = upload(tm.editor, tm.path("/import"), nil)
	wantStatus(t, resp, body, 422)
	if !strings.Contains(body, `data-testid="error-summary"`) {
		t.Error("no error without a file")
	}
	bad := strings.Replace(exported, `"question_id": "q1.1.1"`, `"question_id": "q9.9.9"`, 1)
	for _, c := range []struct{ data, want string }{
		{"{not json", "This is not an aigrid JSON export"},
		{bad, "$.answers[0].question_id"},
	} {
		resp, body := upload(tm.editor, tm.path("/import"), []byte(c.data))
		wantStatus(t, resp, body, 422)
		if !strings.Contains(body, `data-testid="import-problems"`) || !strings.Contains(body, c.want) {
			t.Errorf("%.20q: problems not listed:\n%.3000s", c.data, body)
		}
	}
	if n := count(); n != 1 {
		t.Fatalf("%d assessments after refused imports", n)
	}

	// A good file: a new draft with the same answers.
	resp, _ = upload(tm.editor, tm.path("/import"), []byte(exported))
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), tm.path("/a/")) {
		t.Fatalf("import: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	newID := strings.Split(strings.TrimPrefix(resp.Header.Get("Location"), tm.path("/a/")), "/")[0]
	before, _ := tm.a.st.Answers(ctx, tm.org.ID, id)
	after, err := tm.a.st.Answers(ctx, tm.org.ID, newID)
	if err != nil || len(after) != len(before) || len(before) != 2 {
		t.Fatalf("%v: %d answers imported of %d", err, len(after), len(before))
	}
	for qid, a := range before {
		if !a.Same(after[qid]) {
			t.Errorf("%s: %+v, imported %+v", qid, a, after[qid])
		}
	}
	log, _ := tm.a.st.AuditLog(ctx, tm.org.ID, 50)
	if len(log) == 0 || log[0].Action != "assessment.import" || log[0].Details["assessment"] != newID {
		t.Errorf("import not audited: %+v", log[:min(1, len(log))])
	}
	// Viewers cannot import.
	if resp, _ := upload(tm.viewer, tm.path("/import"), []byte(exported)); resp.StatusCode != 403 {
		t.Errorf("viewer import: %d", resp.StatusCode)
	}
}
