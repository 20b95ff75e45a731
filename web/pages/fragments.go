package pages

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"

	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/components"
)

// Parts of a page that depend only on the questionnaire and the language are rendered once and
// kept with the question they show (questionnaire.Question.Memo): a step page then escapes and
// writes only what depends on the assessment. Each is a template like any other; this only
// keeps its output.

// Memoizer keeps values under keys; a questionnaire, a question, or the state of an assessment
// (ResultsView.Kept). SetMemo may decline to keep (a budget): Memo then finds nothing.
type Memoizer interface {
	Memo(key any) (any, bool)
	SetMemo(key, v any)
}

// kept renders c once and keeps its HTML in m under key: later renders write what was kept.
func kept(m Memoizer, key any, c templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		if html, ok := m.Memo(key); ok {
			_, err := io.WriteString(w, html.(string))
			return err
		}
		var b strings.Builder
		if err := c.Render(ctx, &b); err != nil {
			return err
		}
		m.SetMemo(key, b.String())
		_, err := io.WriteString(w, b.String())
		return err
	})
}

// hole stands for the one value of a part kept around it (keptAround): a character of Unicode's
// private use area, which escaping leaves as it is.
const hole = "\uE000"

// keptAround is c(value), kept in m under key as the HTML around value: c(hole) is rendered
// once and split at the hole, and later renders write the part before it, value escaped as the
// template escapes text, and the part after. For parts that show one text of the assessment (a
// comment): the rest of the part is written as it was kept.
func keptAround(m Memoizer, key any, c func(text string) templ.Component, value string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		kept, ok := m.Memo(key)
		if !ok {
			var b strings.Builder
			if err := c(hole).Render(ctx, &b); err != nil {
				return err
			}
			before, after, one := strings.Cut(b.String(), hole)
			if !one || strings.Contains(after, hole) {
				return c(value).Render(ctx, w) // not exactly one place for the value: not kept
			}
			kept = [2]string{before, after}
			m.SetMemo(key, kept)
		}
		around := kept.([2]string)
		if _, err := io.WriteString(w, around[0]); err != nil {
			return err
		}
		if _, err := io.WriteString(w, templ.EscapeString(value)); err != nil {
			return err
		}
		_, err := io.WriteString(w, around[1])
		return err
	})
}

// commentExtras is extras for an answer with a comment and no evidence, kept around the comment.
func commentExtras(g *components.Globals, q *questionnaire.Question, comment string) templ.Component {
	return keptAround(q, partKey{"extras+comment", g.Lang}, func(text string) templ.Component {
		return extras(g, q, assessment.Answer{Comment: text})
	}, comment)
}

// justificationOf is justification kept around the text.
func justificationOf(g *components.Globals, q *questionnaire.Question, text string) templ.Component {
	return keptAround(q, partKey{"justification+text", g.Lang}, func(text string) templ.Component {
		return justification(g, q, text)
	}, text)
}

type headKey struct{ lang i18n.Lang }

// questionHead is questionHeadHTML, rendered once per question and language.
func questionHead(g *components.Globals, q *questionnaire.Question) templ.Component {
	return kept(q, headKey{g.Lang}, questionHeadHTML(g, q))
}

type radarKey struct {
	lang   i18n.Lang
	sheets string
}

// radarFrame is radarFrameHTML, rendered once per questionnaire version, language and list of
// sheets charted.
func radarFrame(g *components.Globals, qn *questionnaire.Questionnaire, r scoring.Report) templ.Component {
	var ids strings.Builder
	for _, sr := range r.Sheets {
		ids.WriteString(sr.SheetID)
		ids.WriteByte(' ')
	}
	return kept(qn, radarKey{g.Lang, ids.String()}, radarFrameHTML(g, qn, r))
}

type resultsKey struct {
	name    string
	lang    i18n.Lang
	org     string // the organisation's path, in the links
	canEdit bool
}

// resultsKept is c, a part of the results page that shows only the state scored (its scores and
// recommendations, the assessment's ID and questionnaire), kept with that state under the
// language, the organisation's path and whether the member may edit: the first view of a
// revision renders it, the next ones write it. Not while recommendations are ticked: the
// projection shows in it.
func resultsKept(g *components.Globals, v ResultsView, name string, c templ.Component) templ.Component {
	if v.Kept == nil || v.Projected != nil || len(v.Adopted) > 0 {
		return c
	}
	return kept(v.Kept, resultsKey{name, g.Lang, g.OrgPath(""), v.CanEdit}, c)
}

type partKey struct {
	name string
	lang i18n.Lang
}

// keptFor is c kept with q under name and the page's language: for a part of a question's block
// that shows nothing of the assessment (an empty field).
func keptFor(q *questionnaire.Question, name string, g *components.Globals, c templ.Component) templ.Component {
	return kept(q, partKey{name, g.Lang}, c)
}

type controlKey struct {
	lang  i18n.Lang
	value string
}

// controlOf is control, kept per question, language and choice for the radio buttons of a
// question answered with one of its options, or not at all (a few variants per question; other
// answers are written each time).
func controlOf(g *components.Globals, qv QuestionView) templ.Component {
	if qv.Q.Kind.Control() != questionnaire.ControlRadio || len(qv.Answer.Values) > 1 {
		return control(g, qv)
	}
	value := ""
	if len(qv.Answer.Values) == 1 {
		if value = qv.Answer.Values[0]; qv.Q.Option(value) == nil {
			return control(g, qv)
		}
	}
	return kept(qv.Q, controlKey{g.Lang, value}, control(g, QuestionView{Q: qv.Q, Answer: assessment.Answer{Values: qv.Answer.Values}}))
}
