package export_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/screening"
)

// flat collapses every run of white space, no-break spaces included, into one space: the PDF
// wraps lines and turns French spaces into no-break ones.
func flat(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\u00a0' || r == '\u202f'
	}), " ")
}

// pdfText extracts the text of a PDF with poppler's pdftotext, in the order it was drawn, one
// string per page.
func pdfText(t *testing.T, pdf []byte) []string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatal("pdftotext (Debian package poppler-utils) is needed by this test: .ci/run installs it")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-raw", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Split(strings.TrimSuffix(string(out), "\f"), "\f")
}

func renderPDF(t testing.TB, e export.Assessment) ([]byte, *export.Model) {
	t.Helper()
	f, ok := export.Lookup("pdf")
	if !ok {
		t.Fatal("no pdf format")
	}
	m := export.Build(e)
	var buf bytes.Buffer
	if err := f.Write(&buf, m, export.Options{}); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("AIGRID_EXPORT_DIR"); dir != "" { // to look at the pages
		if err := os.WriteFile(filepath.Join(dir, "report-"+string(e.Lang)+".pdf"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes(), m
}

func TestPDF(t *testing.T) {
	for _, lang := range []questionnaire.Lang{questionnaire.FR, questionnaire.EN} {
		t.Run(string(lang), func(t *testing.T) {
			e := full(t, lang, false)
			// A comment with every character the font must have.
			q0 := e.Questionnaire.Questions()[0].ID
			a := e.Answers[q0]
			a.Comment = "Typographie : « guillemets », cœur, l’été, Ça, 10\u202f% ; ÀÉÈÊËÎÏÔÙÛÜŸÆŒ àéèêëîïôùûüÿæœ ß ñ ł"
			e.Answers[q0] = a
			pdf, m := renderPDF(t, e)
			if len(pdf) > 1<<20 {
				t.Errorf("%d bytes: well under 1 MB expected", len(pdf))
			}
			pages := pdfText(t, pdf)
			all := flat(strings.Join(pages, " "))
			l := i18n.Lang(lang)

			// Every question that applies: its answer and its comment, accents intact.
			applicable := 0
			for _, q := range m.Questions {
				if !q.Applies {
					continue
				}
				applicable++
				for _, s := range []string{q.Answer, q.Comment, q.Justification} {
					if s != "" && !strings.Contains(all, flat(s)) {
						t.Errorf("%s: %q not found in the text", q.ID, s)
					}
				}
			}
			if applicable < 150 {
				t.Errorf("only %d questions apply", applicable)
			}
			// The screening: its title, the DPIA outcome and every obligation of the role.
			sc := e.Screening
			for _, s := range []string{i18n.T(l, "screening.title"), i18n.T(l, sc.DPIA.Outcome.Key()), i18n.T(l, screening.HeadlineKey(sc.AIAct.Headline))} {
				if !strings.Contains(all, flat(s)) {
					t.Errorf("screening: %q not found", s)
				}
			}
			if len(sc.AIAct.Obligations) == 0 {
				t.Error("the fixture's screening has no obligation: the test would prove nothing")
			}
			for _, o := range sc.AIAct.Obligations {
				if !strings.Contains(all, flat(o.Reference+" — "+o.Title.In(lang))) {
					t.Errorf("obligation %s not found", o.ID)
				}
			}
			for _, s := range []string{"« guillemets »", "cœur, l’été, Ça, 10 % ;", "ÀÉÈÊËÎÏÔÙÛÜŸÆŒ àéèêëîïôùûüÿæœ ß ñ ł", e.Organisation, e.Assessment.SystemName} {
				if !strings.Contains(all, flat(s)) {
					t.Errorf("%q not found in the text", s)
				}
			}
			for _, x := range m.Recommendations {
				if !strings.Contains(all, flat(x.Text)) {
					t.Errorf("recommendation %d (%s) not found", x.Rank, x.QuestionID)
				}
			}
			for _, x := range m.Actions {
				if !strings.Contains(all, flat(x.Title)) || !strings.Contains(all, x.DueOn.Format("2006-01-02")) {
					t.Errorf("action %q due %s not found", x.Title, x.DueOn)
				}
			}

			// The footer: page x / y and the digest of the JSON export of the same data.
			var js bytes.Buffer
			jf, _ := export.Lookup("json")
			if err := jf.Write(&js, m, export.Options{}); err != nil {
				t.Fatal(err)
			}
			sum := sha256.Sum256(js.Bytes())
			digest := hex.EncodeToString(sum[:])
			for i, p := range pages[1:] {
				n := i + 2
				if !strings.Contains(flat(p), flat(i18n.T(l, "export.pdf.page", n, fmt.Sprint(len(pages))))) || !strings.Contains(p, digest) {
					t.Fatalf("page %d of %d: no page number or digest %s in its footer:\n%s", n, len(pages), digest, p)
				}
			}

			// The contents give the page each part starts on.
			toc := flat(pages[1])
			titles := []string{i18n.T(l, "export.pdf.summary"), i18n.T(l, "export.pdf.recommendations"), i18n.T(l, "export.pdf.actions")}
			for _, s := range m.Sheets {
				titles = append(titles, s.ID+". "+s.Title)
			}
			found := 0
			for _, title := range titles {
				mm := regexp.MustCompile(regexp.QuoteMeta(flat(title)) + ` (\d+)`).FindStringSubmatch(toc)
				if mm == nil {
					continue // shortened to fit on its line
				}
				found++
				var n int
				fmt.Sscan(mm[1], &n)
				if n < 3 || n > len(pages) || !strings.Contains(flat(pages[n-1]), flat(title)) {
					t.Errorf("contents: %q on page %d, not there", title, n)
				}
			}
			if found < 8 {
				t.Errorf("contents: %d of %d parts listed with their page:\n%s", found, len(titles), toc)
			}

			// Evidence links are clickable.
			if !bytes.Contains(pdf, []byte("/URI (https://intranet.example.org/registre?q="+q0+")")) {
				t.Error("no link annotation for the evidence's URL")
			}
		})
	}
}

// BenchmarkPDF renders the report of a fully answered assessment (every question of the profile
// that makes almost all of them apply).
func BenchmarkPDF(b *testing.B) {
	e := full(b, questionnaire.FR, true)
	f, _ := export.Lookup("pdf")
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := f.Write(&buf, export.Build(e), export.Options{}); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "bytes/pdf")
	b.ReportMetric(float64(len(e.Answers)), "questions")
}
