package questionnaire

import (
	"fmt"
	"regexp"
	"strings"
)

// Reference is a legal reference of a question, written in English in the content
// ("GDPR Art. 35(1)") and rendered in each language ("RGPD art. 35.1").
type Reference struct {
	Law  string // GDPR, AI Act or CJEU
	Part string // Art., Recital, Annex or Case
	Num  string // "35(1)", "75", "III", "C-136/17"
}

var refRe = regexp.MustCompile(`^(?:(GDPR|AI Act) (Art\.|Recital|Annex) (.+)|(CJEU) (C-[0-9]+/[0-9]{2}))$`)

var (
	articleRe = regexp.MustCompile(`^[0-9]+[a-z]?(\([0-9]+[a-z]?\))*(\([a-z]\))*(([–,] ?)[0-9]+[a-z]?(\([0-9]+[a-z]?\))*(\([a-z]\))*)*$`)
	recitalRe = regexp.MustCompile(`^[0-9]+$`)
	annexRe   = regexp.MustCompile(`^[IVX]+$`)
)

// ParseReference parses one of the accepted reference forms.
func ParseReference(s string) (Reference, error) {
	m := refRe.FindStringSubmatch(s)
	if m == nil {
		return Reference{}, fmt.Errorf("reference %q must be GDPR Art. N, GDPR Recital N, AI Act Art. N, AI Act Annex III or CJEU C-N/YY", s)
	}
	if m[4] != "" {
		return Reference{Law: m[4], Part: "Case", Num: m[5]}, nil
	}
	r := Reference{Law: m[1], Part: m[2], Num: m[3]}
	var ok bool
	switch r.Part {
	case "Art.":
		ok = articleRe.MatchString(r.Num)
	case "Recital":
		ok = recitalRe.MatchString(r.Num)
	case "Annex":
		ok = annexRe.MatchString(r.Num)
	}
	if !ok {
		return Reference{}, fmt.Errorf("reference %q: %q is not a valid %s number", s, r.Num, strings.ToLower(strings.TrimSuffix(r.Part, ".")))
	}
	return r, nil
}

// In renders the reference in lang: "GDPR Art. 5(1)(c)" or "RGPD art. 5.1.c".
func (r Reference) In(lang Lang) string {
	if lang != FR {
		if r.Part == "Case" {
			return r.Law + " " + r.Num
		}
		return r.Law + " " + r.Part + " " + r.Num
	}
	law := map[string]string{"GDPR": "RGPD", "AI Act": "RIA", "CJEU": "CJUE"}[r.Law]
	switch r.Part {
	case "Recital":
		return law + " considérant " + r.Num
	case "Annex":
		return law + " annexe " + r.Num
	case "Case":
		return law + " " + r.Num
	}
	num := strings.NewReplacer("(", ".", ")", "").Replace(r.Num)
	return law + " art.\u00a0" + num
}

// FormatReference renders a reference string of the content in lang; an unparsable one is returned
// as written (Load has already rejected those).
func FormatReference(s string, lang Lang) string {
	r, err := ParseReference(s)
	if err != nil {
		return s
	}
	return r.In(lang)
}
