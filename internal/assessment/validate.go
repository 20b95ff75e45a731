package assessment

import (
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"aigrid/internal/questionnaire"
)

// Limits on what a user may type.
const (
	MaxText     = questionnaire.MaxText
	MaxEvidence = 20
)

// Validate checks a submitted answer against its question and returns it normalised, or the message
// key of the first problem. An empty answer is valid: questions may be left for later.
func Validate(q *questionnaire.Question, in Answer) (Answer, string) {
	out := Answer{QuestionID: q.ID, Comment: strings.TrimSpace(in.Comment), Justification: strings.TrimSpace(in.Justification)}
	vals, msg := q.Values(in.Values)
	if msg != "" {
		return in, msg
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

// IsURL reports whether an evidence link is a web address to render as a link.
func IsURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
