// Package components holds aigrid's reusable templ pieces: the page layout and small widgets.
package components

import (
	"aigrid/internal/account"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
)

// Globals are the page-wide values every page needs.
type Globals struct {
	Lang           i18n.Lang
	Nonce          string // CSP nonce of this response
	Path           string // current path, for the language switch to come back to
	RequestID      string
	ContentVersion string              // the questionnaire version the page is about: its assessment's, else the latest
	LatestVersion  string              // the instance's latest questionnaire version
	User           *account.User       // nil when signed out
	Membership     *account.Membership // the organisation being worked in, if any
	Flash          string              // message key of a one-time notification
}

// Can reports whether the current member may do p in the current organisation.
func (g *Globals) Can(p account.Permission) bool {
	return g.Membership != nil && g.Membership.Role.Can(p)
}

// OrgPath is a path inside the current organisation.
func (g *Globals) OrgPath(rest string) string {
	if g.Membership == nil {
		return "/orgs"
	}
	return "/o/" + g.Membership.Organisation.ID + rest
}

// T translates an interface message.
func (g *Globals) T(key string, args ...any) string { return i18n.T(g.Lang, key, args...) }

// N translates an interface message for a count n, in the plural form n takes (i18n.N).
func (g *Globals) N(key string, n int, args ...any) string { return i18n.N(g.Lang, key, n, args...) }

// CL is the content language matching the interface language.
func (g *Globals) CL() questionnaire.Lang { return questionnaire.Lang(g.Lang) }

// Text renders a content string in the page's language.
func (g *Globals) Text(t questionnaire.Text) string { return t.In(g.CL()) }
