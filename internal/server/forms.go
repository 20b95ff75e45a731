package server

import (
	"net/http"
	"net/mail"
	"strings"
	"unicode/utf8"

	"aigrid/internal/account"
	"aigrid/web/components"
)

// formFrom copies the named fields of a submitted form, trimmed (passwords are kept as typed). A
// field that held bytes that cannot be stored (see readInput) fails with a message, its cleaned
// value kept for the user to check.
func formFrom(r *http.Request, fields ...string) *components.Form {
	f := components.NewForm()
	for _, name := range fields {
		v := r.PostFormValue(name)
		if !strings.Contains(name, "password") && name != "current" {
			v = strings.TrimSpace(v)
		}
		f.Values[name] = v
		if badField(r, name) {
			f.Fail(name, "form.invalid_text")
		}
	}
	return f
}

// requireText checks a required, bounded text field.
func requireText(f *components.Form, name, missingKey string, max int) {
	v := f.Get(name)
	switch {
	case v == "":
		f.Fail(name, missingKey)
	case utf8.RuneCountInString(v) > max:
		f.Fail(name, "form.too_long")
	}
}

// checkEmail validates an e-mail address field.
func checkEmail(f *components.Form, name string, required bool) {
	v := f.Get(name)
	if v == "" {
		if required {
			f.Fail(name, "field.email.missing")
		}
		return
	}
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || len(v) > 254 || !strings.Contains(v, "@") {
		f.Fail(name, "field.email.invalid")
	}
}

// checkNewPassword applies the password policy to a field.
func checkNewPassword(f *components.Form, name, email, userName string) {
	if err := account.CheckPassword(f.Get(name), email, userName); err != nil {
		f.Fail(name, err.Error())
	}
}

// parseSignup validates the sign-up form.
func parseSignup(r *http.Request) *components.Form {
	f := formFrom(r, "organisation", "name", "email", "password")
	requireText(f, "organisation", "field.organisation.missing", 200)
	requireText(f, "name", "field.name.missing", 200)
	checkEmail(f, "email", true)
	checkNewPassword(f, "password", f.Get("email"), f.Get("name"))
	return f
}

// parseInvitedSignup validates the sign-up form of an invitation: no organisation, the invitation
// gives one.
func parseInvitedSignup(r *http.Request) *components.Form {
	f := formFrom(r, "name", "email", "password")
	requireText(f, "name", "field.name.missing", 200)
	checkEmail(f, "email", true)
	checkNewPassword(f, "password", f.Get("email"), f.Get("name"))
	return f
}

// parseLogin validates the sign-in form.
func parseLogin(r *http.Request) *components.Form {
	f := formFrom(r, "email", "password")
	if f.Get("email") == "" {
		f.Fail("email", "field.email.missing")
	}
	if f.Get("password") == "" {
		f.Fail("password", "field.password.missing")
	}
	return f
}
