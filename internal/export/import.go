package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// MaxImportSize bounds an import file (a full assessment is about 300 KB).
const MaxImportSize = 8 << 20

// Problem is one thing wrong with an import file: where, as a JSON path ($.answers[3].values),
// and what, as a message key of the catalogues with its arguments.
type Problem struct {
	Path string
	Key  string
	Args []any
}

func (p Problem) String() string { return fmt.Sprintf("%s: %s %v", p.Path, p.Key, p.Args) }

// Import is a checked import file: what to create.
type Import struct {
	Assessment assessment.Assessment // name, description, profile; the current questionnaire version
	Answers    []assessment.Answer
	Actions    []ImportAction
}

// ImportAction is an action of the plan to create; Owner is a name, matched to a member.
type ImportAction struct {
	QuestionID, Title, Owner string
	DueOn                    *time.Time
	Status                   assessment.ActionStatus
	Reason                   string
}

// ParseImport reads a JSON export (format version 1) and checks all of it against qn, the
// questionnaire answers will be stored against: the format, the profile, every answer (as the
// step pages check them), every action. It returns every problem found, each with its JSON path;
// an import with problems must create nothing. Answers to questions this questionnaire does not
// have are problems, never dropped silently. What the file says about scores, texts of questions,
// labels, ids, dates and authors is not read: scores are recomputed, ids and dates are new.
func ParseImport(qn *questionnaire.Questionnaire, data []byte) (*Import, []Problem) {
	var ps []Problem
	problemf := func(path, key string, args ...any) { ps = append(ps, Problem{Path: path, Key: key, Args: args}) }
	if len(data) > MaxImportSize {
		problemf("$", "import.error.too_big", MaxImportSize>>20)
		return nil, ps
	}
	if !utf8.Valid(data) {
		problemf("$", "import.error.utf8")
		return nil, ps
	}
	var doc Document
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		problemf(jsonErrorPath(err), "import.error.json", jsonErrorText(err))
		return nil, ps
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		problemf("$", "import.error.trailing")
		return nil, ps
	}
	if doc.Format != JSONFormatName {
		problemf("$.format", "import.error.format", JSONFormatName)
	}
	if doc.FormatVersion != JSONFormatVersion {
		problemf("$.format_version", "import.error.format_version", doc.FormatVersion, JSONFormatVersion)
	}
	if len(ps) > 0 {
		return nil, ps // not our format: the rest would only add noise
	}
	text := func(path, s string, max int) string {
		switch {
		case strings.ContainsRune(s, 0):
			problemf(path, "import.error.text")
		case utf8.RuneCountInString(s) > max:
			problemf(path, "import.error.too_long", max)
		}
		return strings.TrimSpace(s)
	}

	out := &Import{}
	a := &out.Assessment
	a.SystemName = text("$.assessment.system_name", doc.Assessment.SystemName, 200)
	if a.SystemName == "" {
		problemf("$.assessment.system_name", "import.error.required")
	}
	a.Description = text("$.assessment.description", doc.Assessment.Description, 2000)
	a.ContentVersion = qn.Version
	a.Profile = questionnaire.Profile{}
	ids := slices.Sorted(maps.Keys(doc.Assessment.Profile))
	for _, id := range ids {
		vals := doc.Assessment.Profile[id]
		path := "$.assessment.profile." + jsonKey(id)
		pq := profileQuestion(qn, id)
		if pq == nil {
			problemf(path, "import.error.unknown_profile")
			continue
		}
		var chosen []string
		for i, v := range vals {
			if pq.Option(v) == nil {
				problemf(fmt.Sprintf("%s[%d]", path, i), "import.error.unknown_option", v)
			} else if !slices.Contains(chosen, v) {
				chosen = append(chosen, v)
			}
		}
		if !pq.Kind.Multiple() && len(chosen) > 1 {
			problemf(path, "import.error.one_option")
		}
		if len(chosen) > 0 {
			a.Profile[id] = chosen
		}
	}
	for _, pq := range qn.Profile {
		if pq.Required && len(a.Profile[pq.ID]) == 0 {
			problemf("$.assessment.profile."+jsonKey(pq.ID), "import.error.required")
		}
	}

	seen := map[string]int{}
	for i, x := range doc.Answers {
		path := fmt.Sprintf("$.answers[%d]", i)
		q := qn.Question(x.QuestionID)
		if q == nil {
			problemf(path+".question_id", "import.error.unknown_question", x.QuestionID)
			continue
		}
		if j, dup := seen[x.QuestionID]; dup {
			problemf(path+".question_id", "import.error.duplicate", x.QuestionID, fmt.Sprintf("$.answers[%d]", j))
			continue
		}
		seen[x.QuestionID] = i
		for j, v := range x.Values {
			text(fmt.Sprintf("%s.values[%d]", path, j), v, assessment.MaxText)
		}
		text(path+".comment", x.Comment, assessment.MaxText)
		text(path+".justification", x.Justification, assessment.MaxText)
		for j, e := range x.Evidence {
			text(fmt.Sprintf("%s.evidence[%d].title", path, j), e.Title, 200)
			text(fmt.Sprintf("%s.evidence[%d].link", path, j), e.Link, 2000)
		}
		ans, key := assessment.Validate(q, assessment.Answer{Values: x.Values, Comment: x.Comment, Justification: x.Justification, Evidence: x.Evidence})
		if key != "" {
			problemf(path, key)
			continue
		}
		if ans.Empty() {
			continue
		}
		out.Answers = append(out.Answers, ans)
	}

	for i, x := range doc.Actions {
		path := fmt.Sprintf("$.actions[%d]", i)
		q := qn.Question(x.QuestionID)
		if q == nil {
			problemf(path+".question_id", "import.error.unknown_question", x.QuestionID)
		}
		act := ImportAction{QuestionID: x.QuestionID, Title: text(path+".title", x.Title, 500), Owner: text(path+".owner", x.Owner, 200),
			Status: x.Status, Reason: text(path+".reason", x.Reason, 2000)}
		if !x.Status.Valid() {
			problemf(path+".status", "import.error.status", string(x.Status))
		}
		if x.Status == assessment.ActionWontDo && act.Reason == "" {
			problemf(path+".reason", "actions.reason.missing")
		}
		if x.DueOn != "" {
			d, err := time.Parse(time.DateOnly, x.DueOn)
			if err != nil {
				problemf(path+".due_on", "actions.due.invalid")
			} else {
				act.DueOn = &d
			}
		}
		out.Actions = append(out.Actions, act)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return out, nil
}

func profileQuestion(qn *questionnaire.Questionnaire, id string) *questionnaire.ProfileQuestion {
	for _, p := range qn.Profile {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// jsonKey writes an object key in a JSON path: as is when it is a plain name, else quoted.
func jsonKey(k string) string {
	for _, r := range k {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			b, _ := json.Marshal(k)
			return "[" + string(b) + "]"
		}
	}
	if k == "" {
		return `[""]`
	}
	return k
}

// jsonErrorPath is where a decoding error is, as far as encoding/json tells.
func jsonErrorPath(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return "$." + te.Field
	}
	return "$"
}

// jsonErrorText says what is wrong with a file that is not the JSON expected, for the person who
// edited it (the decoder's words: offsets, types and field names).
func jsonErrorText(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("%s (byte %d)", se.Error(), se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("%s, not %s", te.Type, te.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of file"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// ParseImportFrom checks an import against the questionnaire version the file names
// ($.assessment.content_version) when cat has it loaded, so that the answers keep the meaning they
// had; the assessment is then stored on that version and can be moved to a later one like any other
// (see the "move" pages). A file naming a version this instance does not have is refused with that
// problem alone, never checked against another version; a file naming none is checked against the
// latest.
func ParseImportFrom(cat *questionnaire.Catalog, data []byte) (*Import, []Problem) {
	if len(data) > MaxImportSize || !utf8.Valid(data) {
		return ParseImport(cat.Latest(), data)
	}
	var head struct {
		Assessment struct {
			ContentVersion string `json:"content_version"`
		} `json:"assessment"`
	}
	_ = json.Unmarshal(data, &head) // a malformed file is reported by ParseImport
	qn := cat.Latest()
	if v := head.Assessment.ContentVersion; v != "" {
		q, err := cat.Get(v)
		if err != nil {
			var loaded []string
			for _, x := range cat.Versions() {
				loaded = append(loaded, x.Version)
			}
			var ps []Problem
			problemf := func(path, key string, args ...any) { ps = append(ps, Problem{Path: path, Key: key, Args: args}) }
			problemf("$.assessment.content_version", "import.error.content_version", v, strings.Join(loaded, ", "))
			return nil, ps
		}
		qn = q
	}
	return ParseImport(qn, data)
}
