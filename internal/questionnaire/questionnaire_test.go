package questionnaire_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"aigrid/internal/questionnaire"
)

// fixture returns the valid test questionnaire as an in-memory file system.
func fixture(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("testdata/valid")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join("testdata/valid", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		fsys[e.Name()] = &fstest.MapFile{Data: data}
	}
	return fsys
}

func mustLoad(t *testing.T, fsys fstest.MapFS) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.Load(fsys)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return qn
}

func TestLoadValid(t *testing.T) {
	qn := mustLoad(t, fixture(t))
	if qn.Version != "2026.1" || len(qn.Sheets) != 2 || len(qn.Questions()) != 5 {
		t.Fatalf("version %q, %d sheets, %d questions", qn.Version, len(qn.Sheets), len(qn.Questions()))
	}
	q := qn.Question("q1.1.1")
	if q == nil || q.Section.ID != "1.1" || q.Section.Sheet.ID != "1" {
		t.Fatalf("q1.1.1 not linked to its section and sheet: %+v", q)
	}
	if !q.Scored() || len(q.Options) != 5 || q.Option("partly") == nil {
		t.Fatalf("a scale question gets the shared scale: %d options", len(q.Options))
	}
	// A scored single choice gets "don't know" and "not applicable" after its own options.
	q3 := qn.Question("q1.1.3")
	var ids []string
	for _, o := range q3.Options {
		ids = append(ids, o.ID)
	}
	if got := strings.Join(ids, ","); got != "always,never,dont_know,not_applicable" {
		t.Fatalf("q1.1.3 options = %s", got)
	}
	if qn.Question("q1.1.2").Scored() || qn.Question("q2.1.1").Scored() {
		t.Fatal("multiple-choice and text questions are not scored")
	}
	st := qn.Stats()
	if st.Sheets[0].Scored != 2 || st.Sheets[0].Conditional != 2 || st.Sheets[0].FR != 4 {
		t.Fatalf("stats %+v", st.Sheets[0])
	}
}

// Each broken copy of the fixture fails with a precise file:path: message.
func TestLoadReportsProblems(t *testing.T) {
	cases := []struct {
		name, file, old, new, want string
	}{
		{"unknown key", "sheet-1.yaml", "        weight: 2\n", "        weight: 2\n        colour: blue\n", "sheet-1.yaml:line 16: unknown key \"colour\""},
		{"duplicate id", "sheet-1.yaml", "id: q1.1.2", "id: q1.1.1", "sheet-1.yaml:sections[0].questions[q1.1.1].id: duplicate question id \"q1.1.1\""},
		{"missing French", "sheet-1.yaml", "fr: Pourquoi.}", "fr: \"\"}", "sheet-1.yaml:purpose.fr: missing French text"},
		{"missing English", "sheet-2.yaml", "{en: Describe it., ", "{", "sheet-2.yaml:sections[0].questions[q2.1.1].text.en: missing English text"},
		{"typography", "sheet-1.yaml", "Définissez-la.", "Définissez-la ; maintenant.", "recommendation.text.fr: use a non-breaking space (U+00A0) before ';'"},
		{"unknown profile", "sheet-1.yaml", "profile: web_scraping", "profile: web_scrapping", "condition.any[0].profile: unknown profile question \"web_scrapping\""},
		// found by FuzzLoad: an empty list entry decoded as a nil section and crashed the validator
		{"empty entry", "sheet-2.yaml", "sections:\n", "sections:\n  -\n", "sheet-2.yaml:sections[0]: empty entry"},
		{"unknown question", "sheet-1.yaml", "question: q1.1.2", "question: q9.9.9", "condition.any[1].question: unknown question \"q9.9.9\""},
		{"unknown option", "sheet-1.yaml", "in: [scraping]", "in: [scrapping]", "condition.any[1].in[0]: unknown option \"scrapping\""},
		{"score out of range", "sheet-1.yaml", "score: 1}", "score: 1.5}", "options[0].score: score 1.5 is out of range [0, 1]"},
		{"scored without recommendation", "sheet-1.yaml", "          priority: medium\n          text: {en: Honour them., fr: Respectez-les.}\n          steps:\n            - {en: Check the crawler., fr: Vérifiez le robot.}\n", "", "questions[q1.1.3].recommendation: a scored question needs a recommendation"},
		{"bad reference", "sheet-1.yaml", "[GDPR Art. 5(1)(b)]", "[RGPD 5]", "references[0]: reference \"RGPD 5\" must be"},
		{"bad kind", "sheet-2.yaml", "kind: text", "kind: essay", "kind \"essay\" must be scale"},
		{"bad applies_to", "sheet-2.yaml", "applies_to: both", "applies_to: user", "applies_to \"user\" must be provider, deployer or both"},
		{"section numbering", "sheet-2.yaml", "id: \"2.1\"", "id: \"2.3\"", "section id \"2.3\": want \"2.1\""},
		{"sheet id", "sheet-2.yaml", "id: \"2\"", "id: \"3\"", "sheet-2.yaml:id: sheet id \"3\" does not match the file name"},
		{"resource url", "questionnaire.yaml", "  body: {en: Read this., fr: Lisez ceci.}", "  body: {en: Read this., fr: Lisez ceci.}\n  resources:\n    - {title: {en: T, fr: T}, url: \"javascript:alert(1)\", description: {en: D, fr: D}}", "intro.resources[0].url: url \"javascript:alert(1)\" must be an https:// address"},
		{"yaml syntax", "sheet-2.yaml", "sections:", "sections: [", "sheet-2.yaml: "},
		{"version", "questionnaire.yaml", "version: \"2026.1\"\nscoring_model", "version: \"v1\"\nscoring_model", "questionnaire.yaml:version: version \"v1\""},
		{"text on number", "sheet-1.yaml", "kind: number", "kind: text", "min and max apply to number questions only"},
		{"condition on text", "sheet-2.yaml", "question: q1.1.1, in: [not_applicable]", "question: q1.1.4, in: [x]", "conditions can only test choice questions"},
		{"two forms", "sheet-2.yaml", "condition: {not: {question: q1.1.1, in: [not_applicable]}}", "condition: {profile: role, question: q1.1.1, in: [provider]}", "exactly one of profile, question, all, any or not"},
		{"self reference", "sheet-1.yaml", "condition: {question: q1.1.3, in: [always]}", "condition: {question: q1.1.4, in: [always]}", "a question cannot depend on itself"},
		{"weight on unscored", "sheet-2.yaml", "importance: recommended", "importance: recommended\n        weight: 2", "only scored questions take a weight"},
		{"exclusive on single", "sheet-1.yaml", "score: 0}", "score: 0, exclusive: true}", "exclusive applies to multiple-choice options only"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fixture(t)
			data := string(fsys[tc.file].Data)
			if !strings.Contains(data, tc.old) {
				t.Fatalf("fixture %s lacks %q", tc.file, tc.old)
			}
			fsys[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(data, tc.old, tc.new, 1))}
			_, err := questionnaire.Load(fsys)
			if err == nil {
				t.Fatal("Load accepted broken content")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not contain %q:\n%v", tc.want, err)
			}
		})
	}
}

func TestLoadReportsEveryProblemAtOnce(t *testing.T) {
	fsys := fixture(t)
	s1 := strings.Replace(string(fsys["sheet-1.yaml"].Data), "fr: Pourquoi.}", "fr: \"\"}", 1)
	s1 = strings.Replace(s1, "score: 1}", "score: 2}", 1)
	fsys["sheet-1.yaml"] = &fstest.MapFile{Data: []byte(s1)}
	fsys["sheet-2.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["sheet-2.yaml"].Data), "kind: text", "kind: essay", 1))}
	_, err := questionnaire.Load(fsys)
	if err == nil {
		t.Fatal("accepted")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%v", len(lines), err)
	}
}

func TestConditionCycle(t *testing.T) {
	fsys := fixture(t)
	s := strings.Replace(string(fsys["sheet-1.yaml"].Data), "        importance: legal_obligation\n", "        importance: legal_obligation\n        condition: {question: q1.1.3, in: [always]}\n", 1)
	fsys["sheet-1.yaml"] = &fstest.MapFile{Data: []byte(s)}
	s2 := strings.Replace(string(fsys["sheet-2.yaml"].Data), "{not: {question: q1.1.1, in: [not_applicable]}}", "{question: q1.1.2, in: [partners]}", 1)
	fsys["sheet-2.yaml"] = &fstest.MapFile{Data: []byte(s2)}
	// q1.1.1 → q1.1.3 → q1.1.2 has no cycle yet; close it: q1.1.2 → q1.1.1.
	s = strings.Replace(s, "        importance: recommended\n        text: {en: \"Which sources?\"", "        importance: recommended\n        condition: {question: q1.1.1, in: [in_place]}\n        text: {en: \"Which sources?\"", 1)
	fsys["sheet-1.yaml"] = &fstest.MapFile{Data: []byte(s)}
	_, err := questionnaire.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "conditions form a cycle: q1.1.1 → q1.1.3 → q1.1.2 → q1.1.1") {
		t.Fatalf("want a cycle error, got %v", err)
	}
}

func TestVisibility(t *testing.T) {
	qn := mustLoad(t, fixture(t))
	cases := []struct {
		name    string
		profile questionnaire.Profile
		answers questionnaire.Answers
		want    map[string]bool
	}{
		{"deployer sees no provider question", questionnaire.Profile{"role": {"deployer"}}, nil,
			map[string]bool{"q1.1.1": true, "q1.1.2": false, "q1.1.3": false, "q1.1.4": false, "q2.1.1": true}},
		{"profile switches a question on", questionnaire.Profile{"role": {"provider"}, "web_scraping": {"yes"}}, nil,
			map[string]bool{"q1.1.2": true, "q1.1.3": true, "q1.1.4": false}},
		{"an answer switches a question on", questionnaire.Profile{"role": {"both"}, "web_scraping": {"no"}}, questionnaire.Answers{"q1.1.2": {"partners", "scraping"}},
			map[string]bool{"q1.1.3": true}},
		{"no trigger", questionnaire.Profile{"role": {"provider"}, "web_scraping": {"no"}}, questionnaire.Answers{"q1.1.2": {"partners"}, "q1.1.3": {"always"}},
			map[string]bool{"q1.1.3": false, "q1.1.4": false}},
		// q1.1.4 is for deployers and depends on q1.1.3, a provider question: with role both, it shows
		// once q1.1.3 is answered "always".
		{"chain", questionnaire.Profile{"role": {"both"}, "web_scraping": {"yes"}}, questionnaire.Answers{"q1.1.3": {"always"}},
			map[string]bool{"q1.1.3": true, "q1.1.4": true}},
		// Hiding cascades: q1.1.3 hidden, so its answer no longer counts for q1.1.4.
		{"hidden answers do not count", questionnaire.Profile{"role": {"both"}, "web_scraping": {"no"}}, questionnaire.Answers{"q1.1.3": {"always"}},
			map[string]bool{"q1.1.3": false, "q1.1.4": false}},
		{"not", questionnaire.Profile{}, questionnaire.Answers{"q1.1.1": {"not_applicable"}},
			map[string]bool{"q2.1.1": false}},
		{"unknown role shows everything unconditional", questionnaire.Profile{}, nil,
			map[string]bool{"q1.1.1": true, "q1.1.2": true, "q2.1.1": true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := qn.Visibility(tc.profile, tc.answers)
			for id, want := range tc.want {
				if got[id] != want {
					t.Errorf("%s visible = %v, want %v", id, got[id], want)
				}
			}
		})
	}
}

func TestReferences(t *testing.T) {
	for in, want := range map[string][2]string{
		"GDPR Art. 5(1)(b)":  {"GDPR Art. 5(1)(b)", "RGPD art.\u00a05.1.b"},
		"GDPR Art. 15–21":    {"GDPR Art. 15–21", "RGPD art.\u00a015–21"},
		"GDPR Recital 75":    {"GDPR Recital 75", "RGPD considérant 75"},
		"AI Act Art. 50":     {"AI Act Art. 50", "RIA art.\u00a050"},
		"AI Act Annex III":   {"AI Act Annex III", "RIA annexe III"},
		"CJEU C-136/17":      {"CJEU C-136/17", "CJUE C-136/17"},
		"GDPR Art. 4(7), 24": {"GDPR Art. 4(7), 24", "RGPD art.\u00a04.7, 24"},
	} {
		r, err := questionnaire.ParseReference(in)
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if got := r.In(questionnaire.EN); got != want[0] {
			t.Errorf("%q in English = %q", in, got)
		}
		if got := r.In(questionnaire.FR); got != want[1] {
			t.Errorf("%q in French = %q, want %q", in, got, want[1])
		}
	}
	for _, bad := range []string{"", "GDPR 5", "GDPR Art. five", "AI Act Annex 3", "RGPD art. 5", "GDPR Recital 7a"} {
		if _, err := questionnaire.ParseReference(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzLoad feeds malformed sheets to the loader: it must never panic, and must either load or
// return an error that names the file.
func FuzzLoad(f *testing.F) {
	base := fixture(f)
	f.Add(base["sheet-1.yaml"].Data)
	f.Add(base["sheet-2.yaml"].Data)
	f.Add([]byte("id: \"1\"\nsections: [{id: \"1.1\", questions: [{id: q1.1.1, condition: {all: [{not: {}}]}}]}]"))
	f.Add([]byte("{{{{"))
	f.Add([]byte("id: &a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"questionnaire.yaml": base["questionnaire.yaml"],
			"sheet-2.yaml":       base["sheet-2.yaml"],
			"sheet-1.yaml":       &fstest.MapFile{Data: data},
		}
		qn, err := questionnaire.Load(fsys)
		if err != nil {
			if !strings.Contains(err.Error(), ".yaml") {
				t.Fatalf("error does not name a file: %v", err)
			}
			return
		}
		qn.Visibility(questionnaire.Profile{"role": {"both"}}, questionnaire.Answers{})
		qn.Stats()
	})
}

// The sources registry is checked strictly, and every question names a known source.
func TestSourcesRegistry(t *testing.T) {
	qn := mustLoad(t, fixture(t))
	q := qn.Question("q1.1.1")
	if q.Publication == nil || q.Publication.ID != "cnil-guide-2022" || q.SourceCertainty() != questionnaire.CertaintyCNILPage {
		t.Fatalf("q1.1.1 source %+v, certainty %q", q.Publication, q.SourceCertainty())
	}
	if got := len(qn.Cited("aigrid")); got != 3 {
		t.Fatalf("aigrid cited by %d questions, want 3", got)
	}

	cases := []struct {
		name, file, old, new, want string
	}{
		{"unknown source", "sheet-1.yaml", "source: cnil-guide-2022", "source: cnil-guide-2021",
			"sheet-1.yaml:sections[0].questions[q1.1.1].source: unknown source \"cnil-guide-2021\""},
		{"missing source", "sheet-1.yaml", "        source: cnil-guide-2022\n", "",
			"sheet-1.yaml:sections[0].questions[q1.1.1].source: missing source"},
		{"bad question certainty", "sheet-1.yaml", "source: cnil-guide-2022", "source: cnil-guide-2022\n        certainty: probable",
			"questions[q1.1.1].certainty: certainty \"probable\" must be cnil_page, third_party or derived"},
		{"redundant question certainty", "sheet-1.yaml", "source: cnil-guide-2022", "source: cnil-guide-2022\n        certainty: cnil_page",
			"questions[q1.1.1].certainty: certainty \"cnil_page\" is already the certainty of cnil-guide-2022"},
		{"duplicate id", "questionnaire.yaml", "  - id: cnil-guide-2022\n", "  - id: aigrid\n",
			"questionnaire.yaml:sources[aigrid].id: duplicate source id \"aigrid\""},
		{"id pattern", "questionnaire.yaml", "  - id: cnil-guide-2022\n", "  - id: CNIL_guide\n",
			"sources[CNIL_guide].id: source id \"CNIL_guide\" must be lower-case words joined by hyphens"},
		{"http url", "questionnaire.yaml", "url: https://www.cnil.fr/en/self-assessment", "url: http://www.cnil.fr/en/self-assessment",
			"sources[cnil-guide-2022].url: url \"http://www.cnil.fr/en/self-assessment-guide-artificial-intelligence-ai-systems\" must be an https:// address"},
		{"no url", "questionnaire.yaml", "    url: https://cnil.fr/en/ai-how-sheets\n", "",
			"sources[cnil-recommendation-2025].url: url \"\" must be an https:// address"},
		{"impossible date", "questionnaire.yaml", "published: \"2016-05-04\"", "published: \"2016-02-30\"",
			"sources[aigrid].published: published \"2016-02-30\" must be a date YYYY-MM-DD"},
		{"partial date", "questionnaire.yaml", "published: \"2016-05-04\"", "published: \"May 2016\"",
			"sources[aigrid].published: published \"May 2016\" must be a date YYYY-MM-DD"},
		{"checked missing", "questionnaire.yaml", "    checked: \"2026-12-05\"\n    certainty: third_party", "    certainty: third_party",
			"sources[cnil-recommendation-2025].checked: say when the source was last read"},
		{"checked before published", "questionnaire.yaml", "published: \"2016-05-04\"\n    checked: \"2026-12-05\"", "published: \"2016-05-04\"\n    checked: \"2015-01-01\"",
			"sources[aigrid].checked: checked 2015-01-01 is before published 2016-05-04"},
		{"bad certainty", "questionnaire.yaml", "certainty: third_party", "certainty: hearsay",
			"sources[cnil-recommendation-2025].certainty: certainty \"hearsay\" must be cnil_page, third_party or derived"},
		{"title in one language", "questionnaire.yaml", "fr: Page de guide de test}", "fr: \"\"}",
			"sources[cnil-guide-2022].title.fr: missing French text"},
		{"no publisher", "questionnaire.yaml", "    publisher: CNIL\n    url: https://cnil.fr", "    url: https://cnil.fr",
			"sources[cnil-recommendation-2025].publisher: name who published the page that was read"},
		{"unknown key", "questionnaire.yaml", "    certainty: derived\n", "    certainty: derived\n    author: me\n",
			"unknown key \"author\""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fixture(t)
			data := string(fsys[tc.file].Data)
			if !strings.Contains(data, tc.old) {
				t.Fatalf("fixture %s lacks %q", tc.file, tc.old)
			}
			fsys[tc.file] = &fstest.MapFile{Data: []byte(strings.Replace(data, tc.old, tc.new, 1))}
			_, err := questionnaire.Load(fsys)
			if err == nil {
				t.Fatal("Load accepted broken sources")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error does not mention %q:\n%v", tc.want, err)
			}
		})
	}
}
