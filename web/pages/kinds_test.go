package pages

import (
	"context"
	"strings"
	"testing"

	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/web/components"
)

// The step page draws an input for every kind: a kind whose control the templ control does not
// handle would render no field at all.
func TestControlForEveryKind(t *testing.T) {
	g := &components.Globals{Lang: i18n.EN}
	opts := []*questionnaire.Option{{ID: "a", Label: questionnaire.Text{EN: "A", FR: "A"}}, {ID: "b", Label: questionnaire.Text{EN: "B", FR: "B"}}}
	for _, k := range questionnaire.Kinds() {
		q := &questionnaire.Question{ID: "q1.1.1", Kind: k, Text: questionnaire.Text{EN: "Q", FR: "Q"}}
		if k.Choice() {
			q.Options = opts
		}
		var b strings.Builder
		if err := control(g, QuestionView{Q: q}).Render(context.Background(), &b); err != nil {
			t.Fatal(err)
		}
		html := b.String()
		if !strings.Contains(html, `name="a.q1.1.1"`) {
			t.Errorf("kind %s (control %s): no answer field in %q", k, k.Control(), html)
		}
		if want := map[questionnaire.Control]string{questionnaire.ControlRadio: `type="radio"`, questionnaire.ControlCheckbox: `type="checkbox"`,
			questionnaire.ControlTextarea: "<textarea", questionnaire.ControlNumber: `inputmode="numeric"`}[k.Control()]; want == "" || !strings.Contains(html, want) {
			t.Errorf("kind %s: control %s not drawn as %q: %q", k, k.Control(), want, html)
		}
	}
}
