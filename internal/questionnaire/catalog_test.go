package questionnaire_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"aigrid/internal/questionnaire"
)

// twoVersions puts the fixture in 2026.1/ and a copy in 2026.2/ that follows it, with edit applied
// to each of the copy's files.
func twoVersions(t *testing.T, edit func(name, data string) string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	for name, f := range fixture(t) {
		out["2026.1/"+name] = f
		data := string(f.Data)
		if name == questionnaire.MainFile {
			data = strings.Replace(data, `version: "2026.1"`, `version: "2026.2"`+"\nprevious: \"2026.1\"", 1)
			data = strings.Replace(data, "changelog:\n", "changelog:\n  - version: \"2026.2\"\n    date: \"2026-02-01\"\n    changes: {en: Second., fr: Deuxième.}\n", 1)
		}
		out["2026.2/"+name] = &fstest.MapFile{Data: []byte(edit(name, data))}
	}
	return out
}

func catalogErr(t *testing.T, fsys fstest.MapFS) string {
	t.Helper()
	_, err := questionnaire.LoadCatalog(fsys)
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestCatalogVersions(t *testing.T) {
	c, err := questionnaire.LoadCatalog(twoVersions(t, func(_, d string) string { return d }))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Versions()) != 2 || c.Latest().Version != "2026.2" || c.Versions()[0].Version != "2026.1" {
		t.Fatalf("versions %v, latest %s", len(c.Versions()), c.Latest().Version)
	}
	if qn, err := c.Get("2026.1"); err != nil || qn.Version != "2026.1" {
		t.Fatalf("Get(2026.1) = %v, %v", qn, err)
	}
	// A version not loaded is an error, never another version.
	if qn, err := c.Get("2025.9"); qn != nil || !errors.Is(err, questionnaire.ErrUnknownVersion) {
		t.Fatalf("Get(2025.9) = %v, %v", qn, err)
	}
	if p := c.Path("2026.1", "2026.2"); len(p) != 1 || !p[0].Unchanged() {
		t.Fatalf("Path = %+v", p)
	}
}

// Every difference between two consecutive versions must be declared, and every declaration true.
func TestCatalogRefusesUndeclaredDifferences(t *testing.T) {
	reword := func(name, d string) string {
		if name == "sheet-1.yaml" {
			return strings.Replace(d, "Are robots.txt files honoured?", "Are robots.txt files and other opt-outs honoured?", 1)
		}
		return d
	}
	newOption := func(name, d string) string {
		if name == "sheet-1.yaml" {
			return strings.Replace(d, "- {id: never, label: {en: Never, fr: Jamais}, score: 0}",
				"- {id: sometimes, label: {en: Sometimes, fr: Parfois}, score: 0.5}\n          - {id: never, label: {en: Never, fr: Jamais}, score: 0}", 1)
		}
		return d
	}
	declare := func(edit func(string, string) string, decl string) func(string, string) string {
		return func(name, d string) string {
			d = edit(name, d)
			if name == questionnaire.MainFile {
				d = strings.Replace(d, "previous: \"2026.1\"\n", "previous: \"2026.1\"\n"+decl, 1)
			}
			return d
		}
	}
	renamed := func(name, d string) string { // q1.1.4 becomes q1.1.5
		if name == "sheet-1.yaml" {
			return strings.Replace(d, "- id: q1.1.4\n", "- id: q1.1.5\n", 1)
		}
		return d
	}
	for _, tc := range []struct {
		name string
		edit func(string, string) string
		want string // "" when the catalog must load
	}{
		{"reworded, undeclared", reword, "2026.2/questionnaire.yaml:changes.reworded: q1.1.3 has a changed text or help since 2026.1 but is not declared here"},
		{"reworded, declared", declare(reword, "changes: {reworded: [q1.1.3]}\n"), ""},
		{"declared but untrue", declare(func(_, d string) string { return d }, "changes: {reworded: [q1.1.3]}\n"), "changes.reworded: q1.1.3 is declared, but the content shows no such difference since 2026.1"},
		{"options, undeclared", newOption, "changes.options: q1.1.3 has changed options"},
		{"options, declared", declare(newOption, "changes: {options: [q1.1.3]}\n"), ""},
		{"removed, undeclared", renamed, "retired: q1.1.4 is no longer asked"},
		{"removed and added, declared", declare(renamed, "retired: [q1.1.4]\nchanges: {added: [q1.1.5]}\n"), ""},
		{"replaced", func(name, d string) string {
			d = renamed(name, d)
			if name == "sheet-1.yaml" {
				d = strings.Replace(d, "- id: q1.1.5\n", "- id: q1.1.5\n        replaces: q1.1.4\n", 1)
			}
			return d
		}, ""},
		{"replaced by another kind", func(name, d string) string {
			d = renamed(name, d)
			if name == "sheet-1.yaml" {
				d = strings.Replace(d, "- id: q1.1.5\n", "- id: q1.1.5\n        replaces: q1.1.4\n", 1)
				d = strings.Replace(d, "kind: number", "kind: text", 1)
				d = strings.Replace(d, "        min: 0\n", "", 1)
			}
			return d
		}, "q1.1.4 is a number question and q1.1.5 a text one, so answers cannot be carried over"},
		{"replaces a question still asked", func(name, d string) string {
			if name == "sheet-1.yaml" {
				d = strings.Replace(d, "- id: q1.1.4\n", "- id: q1.1.4\n        replaces: q1.1.3\n", 1)
			}
			return d
		}, "q1.1.3 is still asked"},
		{"retired but still asked", declare(func(_, d string) string { return d }, "retired: [q1.1.1]\n"), "q1.1.1 is retired but still asked"},
		{"wrong previous", func(name, d string) string {
			return strings.Replace(d, "previous: \"2026.1\"", "previous: \"2025.4\"", 1)
		}, `previous is "2025.4", want "2026.1"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := catalogErr(t, twoVersions(t, tc.edit))
			if tc.want == "" && got != "" {
				t.Fatalf("want the catalog to load, got:\n%s", got)
			}
			if !strings.Contains(got, tc.want) {
				t.Fatalf("want an error containing %q, got:\n%s", tc.want, got)
			}
		})
	}
}

// A model 1 version cannot hold content only scoring model 2 scores.
func TestModel1RefusesModel2Content(t *testing.T) {
	fsys := fixture(t)
	fsys[questionnaire.MainFile] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys[questionnaire.MainFile].Data), "scoring_model: 2", "scoring_model: 1", 1))}
	if _, err := questionnaire.Load(fsys); err != nil {
		t.Fatalf("the fixture without model 2 content is a valid model 1 version: %v", err)
	}
	// a neutral option makes q1.1.3 a fact question
	fsys["sheet-1.yaml"] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys["sheet-1.yaml"].Data),
		"- {id: never, label: {en: Never, fr: Jamais}, score: 0}",
		"- {id: never, label: {en: Never, fr: Jamais}, score: 0}\n          - {id: no_site, label: {en: No site, fr: Aucun site}, neutral: true}", 1))}
	_, err := questionnaire.Load(fsys)
	if err == nil || !strings.Contains(err.Error(), "needs scoring_model 2") {
		t.Fatalf("want a model 2 feature refused, got %v", err)
	}
	fsys[questionnaire.MainFile] = &fstest.MapFile{Data: []byte(strings.Replace(string(fsys[questionnaire.MainFile].Data), "scoring_model: 1", "scoring_model: 3", 1))}
	if _, err := questionnaire.Load(fsys); err == nil || !strings.Contains(err.Error(), "scoring_model 3") {
		t.Fatalf("want model 3 refused, got %v", err)
	}
}

func TestCarryOver(t *testing.T) {
	qn := mustLoad(t, fixture(t))
	scale, multi := qn.Question("q1.1.1"), qn.Question("q1.1.2")
	if ok, why := questionnaire.CarryOver(scale, scale, []string{"partly"}); !ok || why != "" {
		t.Errorf("same question: %v %q", ok, why)
	}
	if ok, why := questionnaire.CarryOver(scale, multi, []string{"partly"}); ok || why != questionnaire.CarryKind {
		t.Errorf("other kind: %v %q", ok, why)
	}
	if ok, why := questionnaire.CarryOver(multi, multi, []string{"scraping", "gone"}); ok || why != questionnaire.CarryOption {
		t.Errorf("missing option: %v %q", ok, why)
	}
	if ok, why := questionnaire.CarryOver(scale, nil, []string{"partly"}); ok || why != questionnaire.CarryRetired {
		t.Errorf("retired: %v %q", ok, why)
	}
}
