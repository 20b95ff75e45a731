// Package components holds aigrid's reusable templ pieces: the page layout and small widgets.
package components

import (
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
)

// Globals are the page-wide values every page needs.
type Globals struct {
	Lang           i18n.Lang
	Nonce          string // CSP nonce of this response
	Path           string // current path, for the language switch to come back to
	RequestID      string
	ContentVersion string
}

// T translates an interface message.
func (g *Globals) T(key string, args ...any) string { return i18n.T(g.Lang, key, args...) }

// CL is the content language matching the interface language.
func (g *Globals) CL() questionnaire.Lang { return questionnaire.Lang(g.Lang) }

// Text renders a content string in the page's language.
func (g *Globals) Text(t questionnaire.Text) string { return t.In(g.CL()) }
