package pages

import (
	"context"
	"io"
	"strconv"

	"github.com/a-h/templ"

	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/web/components"
)

// stepNavList is the list of every sheet and step beside a step page: each step a link, the
// current one marked, the finished ones ticked, each sheet with its progress. It is written
// here rather than in templ because it is the largest part of every step page (45 links): the
// names, escaped, are made once per version and language (navLabels), and each link is then a
// few writes.
func stepNavList(g *components.Globals, v StepView) templ.Component {
	return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		labels := navLabelsOf(g, v.Questionnaire)
		base := templ.EscapeString(v.base(g) + "/s/")
		b := stringWriter{w: w} // straight into the page's buffer
		b.WriteString("<ol>")
		for _, sh := range v.Questionnaire.Sheets {
			p := v.Overview.Sheets[sh.ID]
			b.WriteString(`<li><span class="step-nav__sheet">`)
			b.WriteString(labels.sheets[sh.ID])
			b.WriteString(`</span> <span class="muted">(`)
			b.WriteString(strconv.Itoa(p.Answered))
			b.WriteString("/")
			b.WriteString(strconv.Itoa(p.Applicable))
			b.WriteString(")</span><ol>")
			for _, sec := range sh.Sections {
				b.WriteString(`<li><a href="`)
				b.WriteString(base)
				b.WriteString(templ.EscapeString(sec.ID))
				b.WriteString(`"`)
				if sec == v.Section {
					b.WriteString(` aria-current="step"`)
				}
				b.WriteString(">")
				b.WriteString(labels.sections[sec.ID])
				b.WriteString("</a> ")
				if sp := v.Overview.Sections[sec.ID]; sp.Applicable > 0 && sp.Done() {
					b.WriteString(labels.done)
				}
				b.WriteString("</li>")
			}
			b.WriteString("</ol></li>")
		}
		b.WriteString("</ol>")
		return b.err
	})
}

// stringWriter writes strings to w, keeping the first error (later writes do nothing).
type stringWriter struct {
	w   io.Writer
	err error
}

func (s *stringWriter) WriteString(str string) {
	if s.err == nil {
		_, s.err = io.WriteString(s.w, str)
	}
}

// navLabels are the escaped names of a version's sheets and steps in one language.
type navLabels struct {
	sheets, sections map[string]string // "1. Title", "1.1 Title", escaped
	done             string            // the mark of a finished step
}

type navKey struct{ lang i18n.Lang }

func navLabelsOf(g *components.Globals, qn *questionnaire.Questionnaire) *navLabels {
	if l, ok := qn.Memo(navKey{g.Lang}); ok {
		return l.(*navLabels)
	}
	l := &navLabels{sheets: map[string]string{}, sections: map[string]string{},
		done: `<span class="visually-hidden">` + templ.EscapeString(g.T("task.completed")) + `</span><span aria-hidden="true">✓</span>`}
	for _, sh := range qn.Sheets {
		l.sheets[sh.ID] = templ.EscapeString(sh.ID) + ". " + templ.EscapeString(g.Text(sh.Title))
		for _, sec := range sh.Sections {
			l.sections[sec.ID] = templ.EscapeString(sec.ID) + " " + templ.EscapeString(g.Text(sec.Title))
		}
	}
	qn.SetMemo(navKey{g.Lang}, l)
	return l
}
