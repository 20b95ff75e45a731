package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/account"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/web/components"
	"aigrid/web/pages"
)

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, profile, password *components.Form) error {
	a := authFrom(r.Context())
	list, err := s.st.UserSessions(r.Context(), a.user.ID, postgres.TokenHash(a.session.ID), SessionIdle)
	if err != nil {
		return err
	}
	if profile == nil {
		profile = components.NewForm()
		profile.Values["name"], profile.Values["lang"] = a.user.Name, a.user.Lang
	}
	if password == nil {
		password = components.NewForm()
	}
	s.render(w, r, status, pages.Account(s.globals(w, r), pages.AccountView{Profile: profile, Password: password, Sessions: list}))
	return nil
}

func (s *Server) showAccount(w http.ResponseWriter, r *http.Request) error {
	return s.renderAccount(w, r, http.StatusOK, nil, nil)
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	f := formFrom(r, "name", "lang")
	requireText(f, "name", "field.name.missing", 200)
	if f.Get("lang") != "en" && f.Get("lang") != "fr" {
		f.Fail("lang", "field.lang.missing")
	}
	if !f.Valid() {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, f, nil)
	}
	if err := s.st.UpdateProfile(r.Context(), u.ID, f.Get("name"), f.Get("lang")); err != nil {
		return err
	}
	// the saved language wins over an earlier switch
	http.SetCookie(w, &http.Cookie{Name: "aigrid_lang", Value: f.Get("lang"), Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: s.cfg.Secure(), SameSite: http.SameSiteLaxMode})
	s.flash(w, r, "account.profile.saved")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

// changePassword checks the current password, sets the new one, ends every other session and
// gives the current one a new ID.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	a := authFrom(r.Context())
	f := formFrom(r, "current", "password")
	hash, err := s.st.PasswordHash(r.Context(), a.user.ID)
	if err != nil {
		return err
	}
	if ok, err := account.VerifyPassword(r.Context(), hash, f.Get("current")); err != nil {
		return err
	} else if !ok {
		f.Fail("current", "account.password.wrong")
	}
	checkNewPassword(f, "password", a.user.Email, a.user.Name)
	if !f.Valid() {
		return s.renderAccount(w, r, http.StatusUnprocessableEntity, nil, f)
	}
	newHash, err := account.HashPassword(r.Context(), f.Get("password"))
	if err != nil {
		return err
	}
	if err := s.sessions.rotate(r.Context(), a.session); err != nil {
		return err
	}
	if err := a.session.Save(r, w); err != nil {
		return err
	}
	if err := s.st.SetPassword(r.Context(), a.user.ID, newHash, postgres.TokenHash(a.session.ID)); err != nil {
		return err
	}
	s.audit(r, a.user.ID, "", "password.change", nil)
	s.flash(w, r, "account.password.changed")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	if err := s.st.DeleteUserSession(r.Context(), u.ID, chi.URLParam(r, "session")); err != nil {
		return err
	}
	s.audit(r, u.ID, "", "session.revoke", nil)
	s.flash(w, r, "account.session.revoked")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}

func (s *Server) renderOrgs(w http.ResponseWriter, r *http.Request, status int, f *components.Form) error {
	ms, err := s.st.Memberships(r.Context(), currentUser(r).ID)
	if err != nil {
		return err
	}
	s.render(w, r, status, pages.Orgs(s.globals(w, r), pages.OrgsView{Memberships: ms, Form: f}))
	return nil
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrgs(w, r, http.StatusOK, components.NewForm())
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) error {
	f := formFrom(r, "name")
	requireText(f, "name", "field.organisation.missing", 200)
	if !f.Valid() {
		return s.renderOrgs(w, r, http.StatusUnprocessableEntity, f)
	}
	o, err := s.st.CreateOrganisation(r.Context(), currentUser(r).ID, f.Get("name"))
	if err != nil {
		return err
	}
	s.audit(r, "", o.ID, "organisation.create", map[string]any{"name": o.Name})
	http.Redirect(w, r, "/o/"+o.ID+"/", http.StatusSeeOther)
	return nil
}

func (s *Server) showOrgSettings(w http.ResponseWriter, r *http.Request) error {
	o, err := s.st.Organisation(r.Context(), currentMembership(r).Organisation.ID)
	if err != nil {
		return err
	}
	f := components.NewForm()
	f.Values["name"] = o.Name
	if o.AllowSelfApproval {
		f.Values["allow_self_approval"] = "1"
	}
	if o.RequireTwoFactor {
		f.Values["require_two_factor"] = "1"
	}
	if o.RequireSSO {
		f.Values["require_sso"] = "1"
	}
	f.Values["join_domain"], f.Values["join_role"] = o.JoinDomain, string(o.JoinRole)
	s.render(w, r, http.StatusOK, pages.OrgSettings(s.globals(w, r), s.orgSettingsView(f)))
	return nil
}

// updateOrgSettings renames the organisation and sets whether a submitter may approve their own
// assessment; each change is recorded in the audit log.
func (s *Server) updateOrgSettings(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	f := formFrom(r, "name")
	allow := r.PostFormValue("allow_self_approval") == "1"
	if allow {
		f.Values["allow_self_approval"] = "1"
	}
	requireSSO := s.ssoEnabled() && r.PostFormValue("require_sso") == "1"
	if requireSSO {
		f.Values["require_sso"] = "1"
	}
	joinDomain, joinRole := "", account.Viewer
	if s.ssoEnabled() {
		joinDomain = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("join_domain")), "@")))
		joinRole = account.Role(r.PostFormValue("join_role"))
		f.Values["join_domain"], f.Values["join_role"] = joinDomain, string(joinRole)
		switch joinRole {
		case "", account.Viewer, account.Reviewer, account.Editor: // "": unchanged
		default:
			f.Fail("join_role", "org.join_role.invalid")
		}
		// only the owner's own domain: nobody can draw another organisation's people in
		if _, own, _ := strings.Cut(m.User.Email, "@"); joinDomain != "" && joinDomain != own {
			f.Fail("join_domain", "org.join_domain.not_own")
		} else if joinDomain != "" && !s.domainAllowed("x@"+joinDomain) {
			f.Fail("join_domain", "sso.domain")
		}
	}
	require2FA := r.PostFormValue("require_two_factor") == "1"
	if require2FA {
		f.Values["require_two_factor"] = "1"
		// the owner sets it up first, so that requiring it never locks them out
		if !m.User.TwoFactor {
			f.Fail("require_two_factor", "org.require_two_factor.self_first")
		}
	}
	requireText(f, "name", "field.organisation.missing", 200)
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.OrgSettings(s.globals(w, r), s.orgSettingsView(f)))
		return nil
	}
	old, err := s.st.UpdateOrganisation(r.Context(), m.Organisation.ID, postgres.OrganisationSettings{Name: f.Get("name"), AllowSelfApproval: allow, RequireTwoFactor: require2FA, RequireSSO: requireSSO,
		JoinDomain: joinDomain, JoinRole: joinRole})
	if errors.Is(err, postgres.ErrConflict) {
		f.Fail("join_domain", "org.join_domain.taken")
		s.render(w, r, http.StatusUnprocessableEntity, pages.OrgSettings(s.globals(w, r), s.orgSettingsView(f)))
		return nil
	}
	if err != nil {
		return err
	}
	if old.Name != f.Get("name") {
		s.audit(r, "", m.Organisation.ID, "organisation.rename", map[string]any{"from": old.Name, "to": f.Get("name")})
	}
	if old.AllowSelfApproval != allow {
		s.audit(r, "", m.Organisation.ID, "organisation.self_approval", map[string]any{"allowed": allow})
	}
	if old.RequireTwoFactor != require2FA {
		s.audit(r, "", m.Organisation.ID, "organisation.require_two_factor", map[string]any{"required": require2FA})
	}
	if old.RequireSSO != requireSSO {
		s.audit(r, "", m.Organisation.ID, "organisation.require_sso", map[string]any{"required": requireSSO})
	}
	if old.JoinDomain != joinDomain || (joinDomain != "" && joinRole != "" && old.JoinRole != joinRole) {
		s.audit(r, "", m.Organisation.ID, "organisation.join_domain", map[string]any{"domain": joinDomain, "role": string(joinRole)})
	}
	s.flash(w, r, "form.saved")
	http.Redirect(w, r, "/o/"+m.Organisation.ID+"/", http.StatusSeeOther)
	return nil
}

func (s *Server) renderMembers(w http.ResponseWriter, r *http.Request, status int, v pages.MembersView) error {
	m := currentMembership(r)
	var err error
	if v.Members, err = s.st.Members(r.Context(), m.Organisation.ID); err != nil {
		return err
	}
	if m.Role.Can(account.PermManageMembers) {
		if v.Invitations, err = s.st.Invitations(r.Context(), m.Organisation.ID); err != nil {
			return err
		}
	}
	if v.Invite == nil {
		v.Invite = components.NewForm()
		v.Invite.Values["role"] = string(account.Editor)
	}
	s.render(w, r, status, pages.Members(s.globals(w, r), v))
	return nil
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	return s.renderMembers(w, r, http.StatusOK, pages.MembersView{})
}

// createInvitation makes a single-use link and shows it once: only its hash is stored.
func (s *Server) createInvitation(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	f := formFrom(r, "email", "role")
	checkEmail(f, "email", false)
	if !account.Role(f.Get("role")).Valid() {
		f.Fail("role", "members.role.missing")
	}
	if !f.Valid() {
		return s.renderMembers(w, r, http.StatusUnprocessableEntity, pages.MembersView{Invite: f})
	}
	token := newToken()
	if err := s.st.CreateInvitation(r.Context(), m.Organisation.ID, m.User.ID, f.Get("email"), account.Role(f.Get("role")), postgres.TokenHash(token), invitationTTL); err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "invitation.create", map[string]any{"role": f.Get("role"), "email": f.Get("email")})
	w.Header().Set("Cache-Control", "no-store")
	return s.renderMembers(w, r, http.StatusCreated, pages.MembersView{NewLink: s.absURL(r, "/invite/"+token)})
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	if err := s.st.RevokeInvitation(r.Context(), m.Organisation.ID, chi.URLParam(r, "invitation")); err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "invitation.revoke", nil)
	s.flash(w, r, "members.revoked")
	http.Redirect(w, r, "/o/"+m.Organisation.ID+"/members", http.StatusSeeOther)
	return nil
}

// changeRole takes effect at once: every request checks the member's current role.
func (s *Server) changeRole(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	role := account.Role(r.PostFormValue("role"))
	if !role.Valid() {
		return s.renderMembers(w, r, http.StatusUnprocessableEntity, pages.MembersView{RoleError: "members.role.missing"})
	}
	target := chi.URLParam(r, "member")
	err := s.st.ChangeRole(r.Context(), m.Organisation.ID, target, role)
	if errors.Is(err, account.ErrLastOwner) {
		return s.renderMembers(w, r, http.StatusUnprocessableEntity, pages.MembersView{RoleError: "members.last_owner"})
	}
	if err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "member.role", map[string]any{"user": target, "role": role})
	s.flash(w, r, "members.role.changed")
	http.Redirect(w, r, "/o/"+m.Organisation.ID+"/members", http.StatusSeeOther)
	return nil
}

// removeMember takes effect at once: the removed member's next request gets a 404.
func (s *Server) removeMember(w http.ResponseWriter, r *http.Request) error {
	m := currentMembership(r)
	target := chi.URLParam(r, "member")
	err := s.st.RemoveMember(r.Context(), m.Organisation.ID, target)
	if errors.Is(err, account.ErrLastOwner) {
		return s.renderMembers(w, r, http.StatusUnprocessableEntity, pages.MembersView{RoleError: "members.last_owner"})
	}
	if err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "member.remove", map[string]any{"user": target})
	if target == m.User.ID {
		http.Redirect(w, r, "/orgs", http.StatusSeeOther)
		return nil
	}
	s.flash(w, r, "members.removed")
	http.Redirect(w, r, "/o/"+m.Organisation.ID+"/members", http.StatusSeeOther)
	return nil
}

func (s *Server) showInvite(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	inv, err := s.st.InvitationByToken(r.Context(), postgres.TokenHash(token))
	w.Header().Set("Referrer-Policy", "no-referrer")
	if errors.Is(err, account.ErrInvalidToken) {
		s.render(w, r, http.StatusNotFound, pages.Invite(s.globals(w, r), pages.InviteView{Token: token}))
		return nil
	}
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Invite(s.globals(w, r), pages.InviteView{Invitation: &inv, Token: token}))
	return nil
}

// acceptInvite makes the signed-in user a member; the session ID rotates, since its privileges grow.
func (s *Server) acceptInvite(w http.ResponseWriter, r *http.Request) error {
	u := currentUser(r)
	inv, err := s.st.AcceptInvitation(r.Context(), postgres.TokenHash(chi.URLParam(r, "token")), u.ID)
	switch {
	case errors.Is(err, account.ErrInvalidToken):
		s.render(w, r, http.StatusNotFound, pages.Invite(s.globals(w, r), pages.InviteView{}))
		return nil
	case errors.Is(err, account.ErrAlreadyMember):
		s.flash(w, r, "invite.already_member")
	case err != nil:
		return err
	default:
		if err := s.signIn(w, r, u.ID); err != nil {
			return err
		}
		s.audit(r, u.ID, inv.Organisation.ID, "invitation.accept", map[string]any{"role": inv.Role})
		s.flash(w, r, "invite.accepted")
	}
	http.Redirect(w, r, "/o/"+inv.Organisation.ID+"/", http.StatusSeeOther)
	return nil
}

// signupInvited creates an account from an invitation link: the new user joins the inviting
// organisation (no organisation of their own), is signed in and lands on it. The invitation admits
// them, so this works even while public sign-up is closed. An address that already has an account
// is sent to sign in and accept, the invitation unused.
func (s *Server) signupInvited(w http.ResponseWriter, r *http.Request) error {
	token := chi.URLParam(r, "token")
	w.Header().Set("Referrer-Policy", "no-referrer")
	inv, err := s.st.InvitationByToken(r.Context(), postgres.TokenHash(token))
	if errors.Is(err, account.ErrInvalidToken) {
		s.render(w, r, http.StatusNotFound, pages.Invite(s.globals(w, r), pages.InviteView{Token: token}))
		return nil
	} else if err != nil {
		return err
	}
	f := parseInvitedSignup(r)
	view := pages.InviteView{Invitation: &inv, Token: token, Form: f}
	if !f.Valid() {
		s.render(w, r, http.StatusUnprocessableEntity, pages.Invite(s.globals(w, r), view))
		return nil
	}
	if until, err := s.st.Attempt(r.Context(), postgres.Throttle{Key: "signup:" + clientIP(r), Policy: signupThrottle}); err != nil {
		return err
	} else if !until.IsZero() {
		f.Fail("email", "login.throttled")
		s.render(w, r, http.StatusTooManyRequests, pages.Invite(s.globals(w, r), view))
		return nil
	}
	hash, err := account.HashPassword(r.Context(), f.Get("password"))
	if err != nil {
		return err
	}
	u, inv, err := s.st.SignUpInvited(r.Context(), postgres.TokenHash(token), f.Get("email"), f.Get("name"), hash, string(i18n.FromRequest(r)))
	switch {
	case errors.Is(err, account.ErrInvalidToken): // used or revoked meanwhile
		s.render(w, r, http.StatusNotFound, pages.Invite(s.globals(w, r), pages.InviteView{Token: token}))
		return nil
	case errors.Is(err, account.ErrEmailTaken):
		s.audit(r, "", "", "signup.duplicate", nil)
		s.flash(w, r, "invite.has_account")
		http.Redirect(w, r, "/login?next=/invite/"+token, http.StatusSeeOther)
		return nil
	case err != nil:
		return err
	}
	if err := s.signIn(w, r, u.ID); err != nil {
		return err
	}
	s.audit(r, u.ID, inv.Organisation.ID, "invitation.accept", map[string]any{"role": inv.Role, "signup": true})
	s.flash(w, r, "invite.accepted")
	http.Redirect(w, r, "/o/"+inv.Organisation.ID+"/", http.StatusSeeOther)
	return nil
}

func (s *Server) showAdmin(w http.ResponseWriter, r *http.Request) error {
	open, err := s.signupOpen(r)
	if err != nil {
		return err
	}
	orgs, err := s.st.AllOrganisations(r.Context())
	if err != nil {
		return err
	}
	audit, err := s.st.AuditLog(r.Context(), "", 50)
	if err != nil {
		return err
	}
	versions, err := s.versionUse(r)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, pages.Admin(s.globals(w, r), pages.AdminView{SignupOpen: open, Organisations: orgs, Audit: audit,
		Versions: versions, Latest: s.catalog.Latest().Version}))
	return nil
}

func (s *Server) setSignup(w http.ResponseWriter, r *http.Request) error {
	open := r.PostFormValue("open") == "true"
	if err := s.st.SetSignupOpen(r.Context(), open); err != nil {
		return err
	}
	s.audit(r, "", "", "admin.signup", map[string]any{"open": open})
	s.flash(w, r, "form.saved")
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
	return nil
}

func (s *Server) orgSettingsView(f *components.Form) pages.OrgSettingsView {
	v := pages.OrgSettingsView{Form: f}
	if s.ssoEnabled() {
		v.SSO = s.sso.cfg.Name
	}
	return v
}
