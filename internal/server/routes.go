package server

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"aigrid/internal/account"
	"aigrid/internal/export"
	"aigrid/web/static"
)

// routes lists every route of the application in one place, each with its authorisation rule.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(s.requestID, s.accessLog, s.compress, s.recoverPanic, s.securityHeaders, middleware.Timeout(30*time.Second))
	r.NotFound(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errMethodNotAllowed }))

	// Operations and assets: no session.
	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, static.URL("img/logo.svg"), http.StatusMovedPermanently)
	})
	r.Method("GET", static.Prefix+"*", static.Handler())
	r.Method("HEAD", static.Prefix+"*", static.Handler())

	// The read-only API: a bearer token, no session (api.go).
	r.Route(apiPrefix, s.apiRoutes)

	r.Group(func(r chi.Router) {
		r.Use(s.loadSession)

		s.route(r, "GET", "/", public, s.showHome)
		s.route(r, "GET", "/about", public, s.showAbout)
		s.route(r, "GET", "/scoring", public, s.showScoring)
		s.route(r, "POST", "/language", public, s.setLanguage)

		s.route(r, "GET", "/signup", public, s.showSignup)
		s.route(r, "POST", "/signup", public, s.signup)
		s.route(r, "GET", "/login", public, s.showLogin)
		s.route(r, "POST", "/login", public, s.login)
		s.route(r, "GET", "/login/sso", public, s.startSSO)
		s.route(r, "GET", "/login/sso/callback", public, s.ssoCallback)
		s.route(r, "GET", "/login/sso/link", public, s.showSSOLink)
		s.route(r, "POST", "/login/sso/link", public, s.linkSSO)
		s.route(r, "GET", "/login/code", public, s.showLoginCode)
		s.route(r, "POST", "/login/code", public, s.loginCode)
		s.route(r, "POST", "/logout", public, s.logout)
		s.route(r, "GET", "/password/forgot", public, s.showForgot)
		s.route(r, "GET", "/password/reset/{token}", public, s.showReset)
		s.route(r, "POST", "/password/reset/{token}", public, s.resetPassword)
		s.route(r, "GET", "/invite/{token}", public, s.showInvite)
		s.route(r, "POST", "/invite/{token}", signedIn, s.acceptInvite)
		s.route(r, "POST", "/invite/{token}/signup", public, s.signupInvited)

		s.route(r, "GET", "/account", signedIn, s.showAccount)
		s.route(r, "POST", "/account/profile", signedIn, s.updateProfile)
		s.route(r, "POST", "/account/password", signedIn, s.changePassword)
		s.route(r, "POST", "/account/sessions/{session}/revoke", signedIn, s.revokeSession)
		s.route(r, "GET", "/account/2fa", signedIn, s.showTwoFactor)
		s.route(r, "POST", "/account/2fa", signedIn, s.enableTwoFactor)
		s.route(r, "POST", "/account/2fa/recovery", signedIn, s.renewRecoveryCodes)
		s.route(r, "POST", "/account/2fa/disable", signedIn, s.disableTwoFactor)

		s.route(r, "GET", "/orgs", signedIn, s.listOrgs)
		s.route(r, "POST", "/orgs", signedIn, s.createOrg)
		s.route(r, "GET", "/o/{org}/", org(account.PermRead), s.listAssessments)
		s.route(r, "GET", "/o/{org}/settings", org(account.PermManageOrg), s.showOrgSettings)
		s.route(r, "POST", "/o/{org}/settings", org(account.PermManageOrg), s.updateOrgSettings)
		s.route(r, "GET", "/o/{org}/settings/tokens", org(account.PermManageOrg), s.showAPITokens)
		s.route(r, "POST", "/o/{org}/settings/tokens", org(account.PermManageOrg), s.createAPIToken)
		s.route(r, "POST", "/o/{org}/settings/tokens/{apitoken}/revoke", org(account.PermManageOrg), s.revokeAPIToken)
		s.route(r, "GET", "/o/{org}/members", org(account.PermRead), s.listMembers)
		s.route(r, "POST", "/o/{org}/invitations", org(account.PermManageMembers), s.createInvitation)
		s.route(r, "POST", "/o/{org}/invitations/{invitation}/revoke", org(account.PermManageMembers), s.revokeInvitation)
		s.route(r, "POST", "/o/{org}/members/{member}/role", org(account.PermManageMembers), s.changeRole)
		s.route(r, "POST", "/o/{org}/members/{member}/remove", org(account.PermManageMembers), s.removeMember)

		s.route(r, "GET", "/o/{org}/assessments/new", org(account.PermEdit), s.showNewAssessment)
		s.route(r, "POST", "/o/{org}/assessments", org(account.PermEdit), s.createAssessment)
		s.route(r, "GET", "/o/{org}/import", org(account.PermEdit), s.showImport)
		s.route(r, "POST", "/o/{org}/import", org(account.PermEdit), s.importAssessment, maxBody(export.MaxImportSize+64<<10))
		s.route(r, "GET", "/o/{org}/a/{a}/", org(account.PermRead), s.showAssessment, readsPage(overviewReads))
		s.route(r, "GET", "/o/{org}/a/{a}/profile", org(account.PermEdit), s.showProfile)
		s.route(r, "POST", "/o/{org}/a/{a}/profile", org(account.PermEdit), s.updateAssessmentProfile)
		s.route(r, "GET", "/o/{org}/a/{a}/s/{section}", org(account.PermRead), s.showStep, readsPage(stepReads))
		s.route(r, "POST", "/o/{org}/a/{a}/s/{section}", org(account.PermEdit), s.saveStep, maxBody(stepBodyLimit))
		s.route(r, "GET", "/o/{org}/a/{a}/review", org(account.PermRead), s.showReview)
		s.route(r, "GET", "/o/{org}/a/{a}/history", org(account.PermRead), s.showHistory)
		s.route(r, "GET", "/o/{org}/a/{a}/results", org(account.PermRead), s.showResults, readsPage(resultsReads))
		s.route(r, "GET", "/o/{org}/a/{a}/compare", org(account.PermRead), s.showCompare)
		s.route(r, "GET", "/o/{org}/a/{a}/screening", org(account.PermRead), s.showScreening)
		s.route(r, "GET", "/o/{org}/a/{a}/pia.json", org(account.PermRead), s.exportPIA)
		s.route(r, "GET", "/o/{org}/a/{a}/export", org(account.PermRead), s.showExport)
		for _, f := range export.Formats() { // export.pdf, export.xlsx…: one route per format of the table
			s.route(r, "GET", "/o/{org}/a/{a}/export."+f.Name, org(account.PermRead), s.exportAs(f))
		}
		s.route(r, "GET", "/o/{org}/a/{a}/actions", org(account.PermRead), s.showActions)
		s.route(r, "POST", "/o/{org}/a/{a}/actions", org(account.PermEdit), s.createAction)
		s.route(r, "POST", "/o/{org}/a/{a}/actions/{action}", org(account.PermEdit), s.updateAction)
		// each transition checks the role itself (reviewers approve, editors submit…)
		s.route(r, "POST", "/o/{org}/a/{a}/status", org(account.PermRead), s.transition)
		s.route(r, "POST", "/o/{org}/a/{a}/duplicate", org(account.PermEdit), s.duplicateAssessment)
		s.route(r, "GET", "/o/{org}/a/{a}/move", org(account.PermEdit), s.showMove)
		s.route(r, "POST", "/o/{org}/a/{a}/move", org(account.PermEdit), s.moveAssessment)
		s.route(r, "POST", "/o/{org}/a/{a}/archive", org(account.PermEdit), s.archiveAssessment(true))
		s.route(r, "POST", "/o/{org}/a/{a}/restore", org(account.PermEdit), s.archiveAssessment(false))
		s.route(r, "GET", "/o/{org}/a/{a}/delete", org(account.PermManageOrg), s.confirmDeleteAssessment)
		s.route(r, "POST", "/o/{org}/a/{a}/delete", org(account.PermManageOrg), s.deleteAssessment)

		s.route(r, "GET", "/admin", siteAdmin, s.showAdmin)
		s.route(r, "POST", "/admin/signup", siteAdmin, s.setSignup)
		for _, f := range export.SummaryFormats() {
			s.route(r, "GET", "/admin/export."+f.Ext, siteAdmin, s.exportAll(f))
		}
	})

	// Every state-changing request must come from our own origin (Sec-Fetch-Site / Origin checks):
	// the CSRF protection of the whole application.
	s.router = r
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(s.handle(func(w http.ResponseWriter, r *http.Request) error { return errCrossOrigin }))
	return cop.Handler(r)
}
