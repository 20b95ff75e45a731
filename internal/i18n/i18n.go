// Package i18n holds aigrid's interface strings in French and English and picks the language of a
// request. Questionnaire text lives in content/, not here.
package i18n

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

// Lang is an interface language.
type Lang string

// Supported languages.
const (
	EN Lang = "en"
	FR Lang = "fr"
)

// Default is the language used when nothing else decides.
const Default = EN

// CookieName stores the language a visitor chose.
const CookieName = "aigrid_lang"

var catalogs = map[Lang]map[string]string{EN: en, FR: fr}

// Parse returns the supported language named by s, if any.
func Parse(s string) (Lang, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "en":
		return EN, true
	case "fr":
		return FR, true
	}
	return "", false
}

// Other returns the language a switcher offers.
func (l Lang) Other() Lang {
	if l == FR {
		return EN
	}
	return FR
}

// Name is the language's own name ("English", "Français").
func (l Lang) Name() string { return T(l, "lang.name") }

// T returns the message key in lang, formatted with args. Every message is a fmt format, with
// arguments or without (a percent sign is written %%). A missing key shows itself. Tests guarantee
// that no key the code uses is missing, that both languages take the same arguments, and that
// every call passes as many arguments as its message takes.
func T(lang Lang, key string, args ...any) string {
	msg, ok := catalogs[lang][key]
	if !ok {
		msg, ok = en[key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 && strings.IndexByte(msg, '%') < 0 {
		return msg // nothing to format: most messages of a page
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key is a message of the catalogue.
func Has(key string) bool {
	_, ok := en[key]
	return ok
}

// N returns the message key in lang for the count n, in the plural form the language's rules (CLDR,
// through golang.org/x/text/feature/plural) give n: the message key+".one" or key+".other". n is
// the first argument of the format, args follow. French counts 0 and 1 as singular ("0 réponse"),
// English only 1.
func N(lang Lang, key string, n int, args ...any) string {
	form := "other"
	if plural.Cardinal.MatchPlural(lang.tag(), n, 0, 0, 0, 0) == plural.One {
		form = "one"
	}
	return T(lang, key+"."+form, append([]any{n}, args...)...)
}

func (l Lang) tag() language.Tag {
	if l == FR {
		return language.French
	}
	return language.English
}

// FromRequest picks the language of a request: the visitor's saved choice, else the best match of
// Accept-Language, else Default.
func FromRequest(r *http.Request) Lang {
	if c, err := r.Cookie(CookieName); err == nil {
		if l, ok := Parse(c.Value); ok {
			return l
		}
	}
	return FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// FromAcceptLanguage returns the supported language with the highest quality in an
// Accept-Language header ("fr-CA,fr;q=0.9,en;q=0.8").
func FromAcceptLanguage(header string) Lang {
	best, bestQ := Default, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		base, _, _ := strings.Cut(tag, "-")
		if l, ok := Parse(base); ok && q > bestQ && q > 0 {
			best, bestQ = l, q
		}
	}
	return best
}
