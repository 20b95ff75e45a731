package pages

import (
	"context"
	"io"
	"strings"

	"github.com/a-h/templ"

	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/web/components"
)

// Parts of a page that depend only on the questionnaire and the language are rendered once and
// kept with the question they show (questionnaire.Question.Memo): a step page then escapes and
// writes only what depends on the assessment. Each is a template like any other; this only
// keeps its output.

type headKey struct{ lang i18n.Lang }

// questionHead is questionHeadHTML, rendered once per question and language.
func questionHead(g *components.Globals, q *questionnaire.Question) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		k := headKey{g.Lang}
		if html, ok := q.Memo(k); ok {
			_, err := io.WriteString(w, html.(string))
			return err
		}
		var b strings.Builder
		if err := questionHeadHTML(g, q).Render(ctx, &b); err != nil {
			return err
		}
		q.SetMemo(k, b.String())
		_, err := io.WriteString(w, b.String())
		return err
	})
}
