package pages

import (
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/components"
)

// A question's head is kept once rendered: what is written from the memo is what the template
// writes, in the language asked for, whichever language was asked for first.
func TestQuestionHeadKeptPerLanguage(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qn.Questions()[:20] {
		for _, lang := range []i18n.Lang{i18n.FR, i18n.EN, i18n.FR} {
			g := &components.Globals{Lang: lang}
			var direct, kept strings.Builder
			if err := questionHeadHTML(g, q).Render(context.Background(), &direct); err != nil {
				t.Fatal(err)
			}
			for range 2 { // the first renders and keeps, the second writes what was kept
				kept.Reset()
				if err := questionHead(g, q).Render(context.Background(), &kept); err != nil {
					t.Fatal(err)
				}
				if kept.String() != direct.String() {
					t.Fatalf("%s in %s: kept head differs from the template's:\n%s\n---\n%s", q.ID, lang, kept.String(), direct.String())
				}
			}
			if !strings.Contains(direct.String(), q.Text.In(questionnaire.Lang(lang))[:10]) {
				t.Fatalf("%s in %s: the head does not show the question's text", q.ID, lang)
			}
		}
	}
}

// The chart's frame likewise: kept per version and language, equal to the template's output.
func TestRadarFrameKeptPerLanguage(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	r := scoring.Score(qn, questionnaire.Profile{"role": {"both"}}, questionnaire.Answers{})
	for _, lang := range []i18n.Lang{i18n.EN, i18n.FR, i18n.EN} {
		g := &components.Globals{Lang: lang}
		var direct strings.Builder
		if err := radarFrameHTML(g, qn, r).Render(context.Background(), &direct); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			var kept strings.Builder
			if err := radarFrame(g, qn, r).Render(context.Background(), &kept); err != nil {
				t.Fatal(err)
			}
			if kept.String() != direct.String() {
				t.Fatalf("%s: kept frame differs:\n%s\n---\n%s", lang, kept.String(), direct.String())
			}
		}
		if title := qn.Sheets[0].Title.In(questionnaire.Lang(lang)); !strings.Contains(direct.String(), strings.Fields(title)[0]) {
			t.Fatalf("%s: the frame does not name the first sheet (%s)", lang, title)
		}
	}
}

// A part kept around a text (a comment, a justification) writes what the template writes, for
// any text: markup, quotes, line breaks, and the character that marks the text's place.
func TestPartsKeptAroundATextAreTheTemplates(t *testing.T) {
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"Seeded.", `<script>alert("x")</script> & 'quotes'`, "two\nlines\r\n", hole + " marks " + hole, "é ✓ 😀"}
	for _, q := range qn.Questions()[:30] {
		for _, lang := range []i18n.Lang{i18n.EN, i18n.FR} {
			g := &components.Globals{Lang: lang}
			for _, text := range texts {
				for _, c := range []struct {
					name         string
					direct, kept templ.Component
				}{
					{"extras", extras(g, q, assessment.Answer{Comment: text}), commentExtras(g, q, text)},
					{"justification", justification(g, q, text), justificationOf(g, q, text)},
				} {
					var direct strings.Builder
					if err := c.direct.Render(context.Background(), &direct); err != nil {
						t.Fatal(err)
					}
					for range 2 { // the first renders and keeps, the second writes around what was kept
						var kept strings.Builder
						if err := c.kept.Render(context.Background(), &kept); err != nil {
							t.Fatal(err)
						}
						if kept.String() != direct.String() {
							t.Fatalf("%s of %s in %s with %q: kept differs from the template's:\n%s\n---\n%s", c.name, q.ID, lang, text, kept.String(), direct.String())
						}
					}
				}
			}
		}
	}
}
