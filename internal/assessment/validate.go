package assessment

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"aigrid/internal/questionnaire"
)

// Limits on what a user may type.
const (
	MaxText     = 5000
	MaxEvidence = 20
)

// Validate checks a submitted answer against its question and returns it normalised, or the message
// key of the first problem. An empty answer is valid: questions may be left for later.
func Validate(q *questionnaire.Question, in Answer) (Answer, string) {
	out := Answer{QuestionID: q.ID, Comment: strings.TrimSpace(in.Comment), Justification: strings.TrimSpace(in.Justification)}
	var vals []string
	for _, v := range in.Values {
		if v = strings.TrimSpace(v); v != "" {
			vals = append(vals, v)
		}
	}
	switch q.Kind {
	case questionnaire.KindScale, questionnaire.KindSingle:
		if len(vals) > 1 {
			return in, "answer.one_option"
		}
		if len(vals) == 1 && q.Option(vals[0]) == nil {
			return in, "answer.unknown_option"
		}
	case questionnaire.KindMultiple:
		// keep the content's order, whatever the browser sent, and each option once
		slices.SortFunc(vals, func(a, b string) int { return optionIndex(q, a) - optionIndex(q, b) })
		vals = slices.Compact(vals)
		for _, v := range vals {
			o := q.Option(v)
			if o == nil {
				return in, "answer.unknown_option"
			}
			if o.Exclusive && len(vals) > 1 {
				return in, "answer.exclusive"
			}
		}
	case questionnaire.KindText:
		if len(vals) > 1 {
			vals = []string{strings.Join(vals, "\n")}
		}
		if len(vals) == 1 && utf8.RuneCountInString(vals[0]) > MaxText {
			return in, "answer.too_long"
		}
	case questionnaire.KindNumber:
		if len(vals) > 1 {
			return in, "answer.number"
		}
		if len(vals) == 1 {
			n, err := strconv.Atoi(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(vals[0]))
			switch {
			case err != nil:
				return in, "answer.number"
			case q.Min != nil && n < *q.Min:
				return in, "answer.number_min"
			case q.Max != nil && n > *q.Max:
				return in, "answer.number_max"
			}
			vals = []string{strconv.Itoa(n)}
		}
	}
	out.Values = vals
	if utf8.RuneCountInString(out.Comment) > MaxText || utf8.RuneCountInString(out.Justification) > MaxText {
		return in, "answer.too_long"
	}
	if slices.Contains(vals, questionnaire.OptionNotApplicable) && out.Justification == "" {
		return in, "answer.na_justify"
	}
	if !slices.Contains(vals, questionnaire.OptionNotApplicable) {
		out.Justification = ""
	}
	for _, e := range in.Evidence {
		e.Title, e.Link = strings.TrimSpace(e.Title), strings.TrimSpace(e.Link)
		if e.Title == "" && e.Link == "" {
			continue
		}
		if e.Title == "" {
			return in, "answer.evidence_title"
		}
		if utf8.RuneCountInString(e.Title) > 200 || len(e.Link) > 2000 {
			return in, "answer.too_long"
		}
		if strings.Contains(e.Link, "://") || strings.HasPrefix(strings.ToLower(e.Link), "javascript:") {
			if u, err := url.Parse(e.Link); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return in, "answer.evidence_link"
			}
		}
		out.Evidence = append(out.Evidence, e)
	}
	if len(out.Evidence) > MaxEvidence {
		return in, "answer.evidence_many"
	}
	return out, ""
}

func optionIndex(q *questionnaire.Question, id string) int {
	for i, o := range q.Options {
		if o.ID == id {
			return i
		}
	}
	return len(q.Options)
}

// IsURL reports whether an evidence link is a web address to render as a link.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
