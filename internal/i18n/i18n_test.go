package i18n

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCatalogsHaveTheSameKeys(t *testing.T) {
	for lang, cat := range catalogs {
		for other, ocat := range catalogs {
			for k := range cat {
				if _, ok := ocat[k]; !ok {
					t.Errorf("key %q exists in %s but not in %s", k, lang, other)
				}
			}
		}
	}
}

func TestFrenchTypography(t *testing.T) {
	for k, v := range fr {
		for _, p := range []string{" :", " ;", " ?", " !", "« ", " »"} {
			if strings.Contains(v, p) {
				t.Errorf("fr %q: %q needs a non-breaking space", k, p)
			}
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for header, want := range map[string]Lang{
		"":                        EN,
		"fr-FR,fr;q=0.9,en;q=0.8": FR,
		"en-GB,en;q=0.9,fr;q=0.8": EN,
		"de-DE,de;q=0.9,fr;q=0.5": FR,
		"de":                      EN,
		"fr;q=0, en;q=0.1":        EN,
		"en;q=0.2,fr-CA;q=0.7":    FR,
		"garbage;;;,,q=":          EN,
	} {
		if got := FromAcceptLanguage(header); got != want {
			t.Errorf("FromAcceptLanguage(%q) = %s, want %s", header, got, want)
		}
	}
}

func TestFromRequestPrefersCookie(t *testing.T) {
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "en")
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "fr"})
	if got := FromRequest(r); got != FR {
		t.Fatalf("FromRequest with cookie fr = %s", got)
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.AddCookie(&http.Cookie{Name: CookieName, Value: "xx"})
	r.Header.Set("Accept-Language", "fr")
	if got := FromRequest(r); got != FR {
		t.Fatalf("FromRequest with a bad cookie = %s, want the header's fr", got)
	}
}

func TestCatalogsAreValidUTF8(t *testing.T) {
	for lang, cat := range catalogs {
		for k, v := range cat {
			if !utf8.ValidString(v) {
				t.Errorf("%s %q is not valid UTF-8", lang, k)
			}
		}
	}
}

// TestPlural: N picks the plural form by the language's CLDR rules: French counts 0 and 1 as
// singular, English only 1.
func TestPlural(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		n    int
		want string
	}{
		{EN, 0, "0 recommendations"}, {EN, 1, "1 recommendation"}, {EN, 2, "2 recommendations"},
		{FR, 0, "0 recommandation"}, {FR, 1, "1 recommandation"}, {FR, 2, "2 recommandations"},
	} {
		if got := N(c.lang, "results.recs_count", c.n); got != c.want {
			t.Errorf("N(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
	// a count of a count: the noun agrees with the total, the argument the form is chosen by
	for _, c := range []struct {
		lang     Lang
		total, n int
		want     string
	}{
		{EN, 1, 0, "0 of 1 question answered"}, {EN, 1, 1, "1 of 1 question answered"}, {EN, 5, 1, "1 of 5 questions answered"},
		{FR, 1, 1, "Question avec réponse\u00a0: 1 sur 1"}, {FR, 5, 2, "Questions avec réponse\u00a0: 2 sur 5"},
	} {
		if got := N(c.lang, "assessment.answered_n", c.total, c.n); got != c.want {
			t.Errorf("N(%s, %d of %d) = %q, want %q", c.lang, c.n, c.total, got, c.want)
		}
	}
}
