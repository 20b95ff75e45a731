package assessment_test

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
)

// grid loads testdata/grid: one question of every kind, with conditions on the profile and on
// earlier answers (including a cascade). Its visibility rules, which the tests below rely on:
//
//	sheet 1, section 1.1
//	  q1.1.1 scale     both      always
//	  q1.1.2 multiple  provider  options scraping, partners, users, none (exclusive), not_applicable
//	  q1.1.3 single    provider  scored; when profile web_scraping=yes or q1.1.2 has scraping
//	  q1.1.4 number    deployer  min 0; when q1.1.3=always
//	sheet 1, section 1.2
//	  q1.2.1 single    both      unscored: humans, machine
//	  q1.2.2 number    both      min 1, max 1000000
//	sheet 2, section 2.1
//	  q2.1.1 text      both      unless q1.1.1=not_applicable
//	  q2.1.2 scale     deployer  when profile web_scraping=no
func grid(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.Load(os.DirFS("testdata/grid"))
	if err != nil {
		t.Fatalf("Load(testdata/grid): %v", err)
	}
	return qn
}

func question(t testing.TB, qn *questionnaire.Questionnaire, id string) *questionnaire.Question {
	t.Helper()
	q := qn.Question(id)
	if q == nil {
		t.Fatalf("no question %q in the fixture", id)
	}
	return q
}

func ids(qs []*questionnaire.Question) []string {
	out := []string{}
	for _, q := range qs {
		out = append(out, q.ID)
	}
	return out
}

// ---------------------------------------------------------------------------------------------
// Workflow

var (
	allStatuses    = []assessment.Status{assessment.Draft, assessment.InReview, assessment.Approved, assessment.Returned, "", "archived", "DRAFT"}
	allTransitions = []assessment.Transition{assessment.Submit, assessment.Approve, assessment.Return, assessment.Withdraw, assessment.Reopen, "", "delete", "SUBMIT"}
	allRoles       = []account.Role{account.Owner, account.Editor, account.Reviewer, account.Viewer, "", "admin"}
)

// spec is the intended workflow, written independently of the package's table and of the
// account package's permission grants: which statuses a transition leaves, where it goes, and
// which roles may make it.
var spec = map[assessment.Transition]struct {
	from  []assessment.Status
	to    assessment.Status
	roles []account.Role
}{
	assessment.Submit:   {[]assessment.Status{assessment.Draft, assessment.Returned}, assessment.InReview, []account.Role{account.Owner, account.Editor}},
	assessment.Approve:  {[]assessment.Status{assessment.InReview}, assessment.Approved, []account.Role{account.Owner, account.Reviewer}},
	assessment.Return:   {[]assessment.Status{assessment.InReview}, assessment.Returned, []account.Role{account.Owner, account.Reviewer}},
	assessment.Withdraw: {[]assessment.Status{assessment.InReview}, assessment.Draft, []account.Role{account.Owner, account.Editor}},
	assessment.Reopen:   {[]assessment.Status{assessment.Approved}, assessment.Draft, []account.Role{account.Owner}},
}

func TestStatusEditable(t *testing.T) {
	want := map[assessment.Status]bool{assessment.Draft: true, assessment.Returned: true}
	for _, s := range allStatuses {
		if got := s.Editable(); got != want[s] {
			t.Errorf("Status(%q).Editable() = %v, want %v", s, got, want[s])
		}
	}
}

// Every (status, transition, role, comment) combination against the spec.
func TestApplyMatrix(t *testing.T) {
	for _, from := range allStatuses {
		for _, tr := range allTransitions {
			for _, role := range allRoles {
				for _, comment := range []string{"", "please fix section 2"} {
					rule, known := spec[tr]
					wantTo, wantErr := rule.to, error(nil)
					switch {
					case !known || !slices.Contains(rule.from, from):
						wantTo, wantErr = from, assessment.ErrBadTransition
					case !slices.Contains(rule.roles, role):
						wantTo, wantErr = from, assessment.ErrNotPermitted
					case tr == assessment.Return && comment == "":
						wantTo, wantErr = from, assessment.ErrCommentMissing
					}
					got, err := assessment.Apply(from, tr, role, comment)
					if got != wantTo || !errors.Is(err, wantErr) || (wantErr == nil) != (err == nil) {
						t.Errorf("Apply(%q, %q, %q, %q) = %q, %v; want %q, %v", from, tr, role, comment, got, err, wantTo, wantErr)
					}
				}
			}
		}
	}
}

// The same rules spelled out case by case, so that a failure reads as a sentence.
func TestApply(t *testing.T) {
	const c = "a comment"
	cases := []struct {
		name    string
		from    assessment.Status
		tr      assessment.Transition
		role    account.Role
		comment string
		want    assessment.Status
		err     error
	}{
		{"owner submits a draft", assessment.Draft, assessment.Submit, account.Owner, "", assessment.InReview, nil},
		{"editor submits a draft", assessment.Draft, assessment.Submit, account.Editor, "", assessment.InReview, nil},
		{"editor resubmits a returned assessment", assessment.Returned, assessment.Submit, account.Editor, "", assessment.InReview, nil},
		{"reviewer cannot submit", assessment.Draft, assessment.Submit, account.Reviewer, "", assessment.Draft, assessment.ErrNotPermitted},
		{"viewer cannot submit", assessment.Returned, assessment.Submit, account.Viewer, "", assessment.Returned, assessment.ErrNotPermitted},
		{"cannot submit twice", assessment.InReview, assessment.Submit, account.Owner, "", assessment.InReview, assessment.ErrBadTransition},
		{"cannot submit an approved assessment", assessment.Approved, assessment.Submit, account.Editor, "", assessment.Approved, assessment.ErrBadTransition},

		{"reviewer approves", assessment.InReview, assessment.Approve, account.Reviewer, "", assessment.Approved, nil},
		{"owner approves", assessment.InReview, assessment.Approve, account.Owner, c, assessment.Approved, nil},
		{"editor cannot approve", assessment.InReview, assessment.Approve, account.Editor, "", assessment.InReview, assessment.ErrNotPermitted},
		{"viewer cannot approve", assessment.InReview, assessment.Approve, account.Viewer, "", assessment.InReview, assessment.ErrNotPermitted},
		{"cannot approve a draft", assessment.Draft, assessment.Approve, account.Reviewer, "", assessment.Draft, assessment.ErrBadTransition},
		{"cannot approve a returned assessment", assessment.Returned, assessment.Approve, account.Owner, "", assessment.Returned, assessment.ErrBadTransition},
		{"cannot approve twice", assessment.Approved, assessment.Approve, account.Owner, "", assessment.Approved, assessment.ErrBadTransition},

		{"reviewer returns with a comment", assessment.InReview, assessment.Return, account.Reviewer, c, assessment.Returned, nil},
		{"owner returns with a comment", assessment.InReview, assessment.Return, account.Owner, c, assessment.Returned, nil},
		{"return needs a comment", assessment.InReview, assessment.Return, account.Reviewer, "", assessment.InReview, assessment.ErrCommentMissing},
		{"editor cannot return", assessment.InReview, assessment.Return, account.Editor, c, assessment.InReview, assessment.ErrNotPermitted},
		{"permission is checked before the comment", assessment.InReview, assessment.Return, account.Viewer, "", assessment.InReview, assessment.ErrNotPermitted},
		{"cannot return a draft", assessment.Draft, assessment.Return, account.Reviewer, c, assessment.Draft, assessment.ErrBadTransition},
		{"cannot return an approved assessment", assessment.Approved, assessment.Return, account.Owner, c, assessment.Approved, assessment.ErrBadTransition},

		{"editor withdraws", assessment.InReview, assessment.Withdraw, account.Editor, "", assessment.Draft, nil},
		{"owner withdraws", assessment.InReview, assessment.Withdraw, account.Owner, "", assessment.Draft, nil},
		{"reviewer cannot withdraw", assessment.InReview, assessment.Withdraw, account.Reviewer, "", assessment.InReview, assessment.ErrNotPermitted},
		{"cannot withdraw a draft", assessment.Draft, assessment.Withdraw, account.Editor, "", assessment.Draft, assessment.ErrBadTransition},
		{"cannot withdraw an approved assessment", assessment.Approved, assessment.Withdraw, account.Owner, "", assessment.Approved, assessment.ErrBadTransition},

		{"owner reopens", assessment.Approved, assessment.Reopen, account.Owner, "", assessment.Draft, nil},
		{"editor cannot reopen", assessment.Approved, assessment.Reopen, account.Editor, "", assessment.Approved, assessment.ErrNotPermitted},
		{"reviewer cannot reopen", assessment.Approved, assessment.Reopen, account.Reviewer, "", assessment.Approved, assessment.ErrNotPermitted},
		{"cannot reopen a draft", assessment.Draft, assessment.Reopen, account.Owner, "", assessment.Draft, assessment.ErrBadTransition},
		{"cannot reopen in review", assessment.InReview, assessment.Reopen, account.Owner, "", assessment.InReview, assessment.ErrBadTransition},

		{"a bad transition is reported before the permission", assessment.Draft, assessment.Approve, account.Viewer, "", assessment.Draft, assessment.ErrBadTransition},
		{"unknown transition", assessment.Draft, "delete", account.Owner, "", assessment.Draft, assessment.ErrBadTransition},
		{"empty transition", assessment.InReview, "", account.Owner, c, assessment.InReview, assessment.ErrBadTransition},
		{"transitions are case-sensitive", assessment.Draft, "Submit", account.Owner, "", assessment.Draft, assessment.ErrBadTransition},
		{"unknown status", "archived", assessment.Submit, account.Owner, "", "archived", assessment.ErrBadTransition},
		{"unknown role", assessment.Draft, assessment.Submit, "admin", "", assessment.Draft, assessment.ErrNotPermitted},
		{"no role", assessment.InReview, assessment.Approve, "", "", assessment.InReview, assessment.ErrNotPermitted},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := assessment.Apply(tc.from, tc.tr, tc.role, tc.comment)
			if got != tc.want {
				t.Errorf("status = %q, want %q", got, tc.want)
			}
			if tc.err == nil && err != nil || !errors.Is(err, tc.err) {
				t.Errorf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestAvailable(t *testing.T) {
	type T = assessment.Transition
	cases := []struct {
		from assessment.Status
		role account.Role
		want []T
	}{
		{assessment.Draft, account.Owner, []T{assessment.Submit}},
		{assessment.Draft, account.Editor, []T{assessment.Submit}},
		{assessment.Draft, account.Reviewer, nil},
		{assessment.Draft, account.Viewer, nil},
		{assessment.Returned, account.Owner, []T{assessment.Submit}},
		{assessment.Returned, account.Editor, []T{assessment.Submit}},
		{assessment.Returned, account.Reviewer, nil},
		{assessment.Returned, account.Viewer, nil},
		{assessment.InReview, account.Owner, []T{assessment.Approve, assessment.Return, assessment.Withdraw}},
		{assessment.InReview, account.Editor, []T{assessment.Withdraw}},
		{assessment.InReview, account.Reviewer, []T{assessment.Approve, assessment.Return}},
		{assessment.InReview, account.Viewer, nil},
		{assessment.Approved, account.Owner, []T{assessment.Reopen}},
		{assessment.Approved, account.Editor, nil},
		{assessment.Approved, account.Reviewer, nil},
		{assessment.Approved, account.Viewer, nil},
		{"archived", account.Owner, nil},
		{assessment.InReview, "", nil},
		{assessment.InReview, "admin", nil},
	}
	for _, tc := range cases {
		for range 3 { // stable: the same answer every time
			if got := assessment.Available(tc.from, tc.role); !slices.Equal(got, tc.want) {
				t.Errorf("Available(%q, %q) = %q, want %q", tc.from, tc.role, got, tc.want)
				break
			}
		}
	}
}

// Available offers exactly the transitions Apply accepts (given a comment), in workflow order.
func TestAvailableAgreesWithApply(t *testing.T) {
	order := []assessment.Transition{assessment.Submit, assessment.Approve, assessment.Return, assessment.Withdraw, assessment.Reopen}
	for _, from := range allStatuses {
		for _, role := range allRoles {
			var want []assessment.Transition
			for _, tr := range order {
				if _, err := assessment.Apply(from, tr, role, "comment"); err == nil {
					want = append(want, tr)
				}
			}
			if got := assessment.Available(from, role); !slices.Equal(got, want) {
				t.Errorf("Available(%q, %q) = %q, but Apply accepts %q", from, role, got, want)
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Answers

func TestAnswerEmptyAnswered(t *testing.T) {
	cases := []struct {
		name            string
		a               assessment.Answer
		empty, answered bool
	}{
		{"zero", assessment.Answer{}, true, false},
		{"metadata only", assessment.Answer{QuestionID: "q1", Revision: 3, UpdatedByName: "Ann", UpdatedAt: time.Now()}, true, false},
		{"empty values", assessment.Answer{Values: []string{}}, true, false},
		{"empty evidence", assessment.Answer{Evidence: []assessment.Evidence{}}, true, false},
		{"a value", assessment.Answer{Values: []string{"in_place"}}, false, true},
		{"a comment only", assessment.Answer{Comment: "later"}, false, false},
		{"a justification only", assessment.Answer{Justification: "why"}, false, false},
		{"evidence only", assessment.Answer{Evidence: []assessment.Evidence{{Title: "Policy"}}}, false, false},
		{"everything", assessment.Answer{Values: []string{"x"}, Comment: "c", Justification: "j", Evidence: []assessment.Evidence{{Title: "t"}}}, false, true},
	}
	for _, tc := range cases {
		if got := tc.a.Empty(); got != tc.empty {
			t.Errorf("%s: Empty() = %v, want %v", tc.name, got, tc.empty)
		}
		if got := tc.a.Answered(); got != tc.answered {
			t.Errorf("%s: Answered() = %v, want %v", tc.name, got, tc.answered)
		}
	}
}

func TestAnswerSame(t *testing.T) {
	base := func() assessment.Answer {
		return assessment.Answer{
			QuestionID:    "q1.1.2",
			Values:        []string{"scraping", "users"},
			Comment:       "c",
			Justification: "j",
			Evidence:      []assessment.Evidence{{Title: "A", Link: "https://a.example"}, {Title: "B", Link: "REG-1"}},
			Revision:      1,
			UpdatedByName: "Ann",
			UpdatedAt:     time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		}
	}
	cases := []struct {
		name   string
		change func(*assessment.Answer)
		same   bool
	}{
		{"identical", func(*assessment.Answer) {}, true},
		{"revision, author and time are not what the answer says", func(a *assessment.Answer) {
			a.Revision, a.UpdatedByName, a.UpdatedAt = 9, "Bob", time.Now()
		}, true},
		{"a value less", func(a *assessment.Answer) { a.Values = a.Values[:1] }, false},
		{"another value", func(a *assessment.Answer) { a.Values = []string{"scraping", "partners"} }, false},
		{"values in another order", func(a *assessment.Answer) { a.Values = []string{"users", "scraping"} }, false},
		{"no values", func(a *assessment.Answer) { a.Values = nil }, false},
		{"another comment", func(a *assessment.Answer) { a.Comment = "C" }, false},
		{"another justification", func(a *assessment.Answer) { a.Justification = "" }, false},
		{"another evidence title", func(a *assessment.Answer) { a.Evidence[1].Title = "b" }, false},
		{"another evidence link", func(a *assessment.Answer) { a.Evidence[0].Link = "https://b.example" }, false},
		{"evidence in another order", func(a *assessment.Answer) { a.Evidence[0], a.Evidence[1] = a.Evidence[1], a.Evidence[0] }, false},
		{"an evidence less", func(a *assessment.Answer) { a.Evidence = a.Evidence[:1] }, false},
	}
	for _, tc := range cases {
		a, b := base(), base()
		tc.change(&b)
		if got := a.Same(b); got != tc.same {
			t.Errorf("%s: a.Same(b) = %v, want %v", tc.name, got, tc.same)
		}
		if got := b.Same(a); got != tc.same {
			t.Errorf("%s: b.Same(a) = %v, want %v (not symmetric)", tc.name, got, tc.same)
		}
	}
	// nil and empty slices say the same thing: nothing.
	if !(assessment.Answer{}).Same(assessment.Answer{Values: []string{}, Evidence: []assessment.Evidence{}}) {
		t.Error("an answer with nil slices differs from one with empty slices")
	}
}

func TestValues(t *testing.T) {
	answers := map[string]assessment.Answer{
		"q1": {Values: []string{"in_place"}},
		"q2": {Values: []string{"scraping", "users"}, Comment: "c"},
		"q3": {Comment: "only a comment"},
		"q4": {Values: []string{}},
		"q5": {Justification: "j", Evidence: []assessment.Evidence{{Title: "t"}}},
		"q6": {Values: []string{"42"}},
	}
	got := assessment.Values(answers)
	want := questionnaire.Answers{
		"q1": {"in_place"},
		"q2": {"scraping", "users"},
		"q6": {"42"},
	}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("Values = %v, want %v", got, want)
	}
	if got := assessment.Values(nil); got == nil || len(got) != 0 {
		t.Errorf("Values(nil) = %#v, want an empty, non-nil map", got)
	}
}

// ---------------------------------------------------------------------------------------------
// Validate

func sameAnswer(a, b assessment.Answer) bool {
	return a.QuestionID == b.QuestionID && slices.Equal(a.Values, b.Values) && a.Comment == b.Comment &&
		a.Justification == b.Justification && slices.Equal(a.Evidence, b.Evidence)
}

func vals(v ...string) assessment.Answer { return assessment.Answer{Values: v} }

func ev(pairs ...string) []assessment.Evidence {
	var out []assessment.Evidence
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, assessment.Evidence{Title: pairs[i], Link: pairs[i+1]})
	}
	return out
}

func manyEvidence(n int) []assessment.Evidence {
	out := make([]assessment.Evidence, n)
	for i := range out {
		out[i] = assessment.Evidence{Title: fmt.Sprintf("Document %d", i+1), Link: fmt.Sprintf("DOC-%d", i+1)}
	}
	return out
}

func TestValidate(t *testing.T) {
	qn := grid(t)
	long := strings.Repeat("é", assessment.MaxText) // runes, not bytes, are counted
	cases := []struct {
		name string
		q    string
		in   assessment.Answer
		want assessment.Answer // QuestionID is filled in by the test
		msg  string
	}{
		// scale
		{"scale: an option", "q1.1.1", vals("partly"), vals("partly"), ""},
		{"scale: trimmed", "q1.1.1", vals("  in_place\t"), vals("in_place"), ""},
		{"scale: blank values dropped", "q1.1.1", vals("", " ", "not_in_place", "\n"), vals("not_in_place"), ""},
		{"scale: only blanks is empty", "q1.1.1", vals("", "  "), vals(), ""},
		{"scale: don't know", "q1.1.1", vals("dont_know"), vals("dont_know"), ""},
		{"scale: unknown option", "q1.1.1", vals("sometimes"), vals(), "answer.unknown_option"},
		{"scale: option ids are case-sensitive", "q1.1.1", vals("IN_PLACE"), vals(), "answer.unknown_option"},
		{"scale: two options", "q1.1.1", vals("in_place", "partly"), vals(), "answer.one_option"},
		{"scale: the same option twice is still two", "q1.1.1", vals("in_place", "in_place"), vals(), "answer.one_option"},
		{"scale: N/A without justification", "q1.1.1", vals("not_applicable"), vals(), "answer.na_justify"},
		{"scale: N/A with a blank justification", "q1.1.1", assessment.Answer{Values: []string{"not_applicable"}, Justification: " \n "}, vals(), "answer.na_justify"},
		{"scale: N/A justified", "q1.1.1",
			assessment.Answer{Values: []string{" not_applicable "}, Justification: "  No training data.  "},
			assessment.Answer{Values: []string{"not_applicable"}, Justification: "No training data."}, ""},
		{"scale: justification dropped when not N/A", "q1.1.1",
			assessment.Answer{Values: []string{"in_place"}, Justification: "left over"}, vals("in_place"), ""},
		{"scale: justification dropped on an empty answer", "q1.1.1",
			assessment.Answer{Justification: "left over"}, vals(), ""},
		{"scale: comment trimmed and kept", "q1.1.1",
			assessment.Answer{Values: []string{"partly"}, Comment: "  see the DPIA \n"},
			assessment.Answer{Values: []string{"partly"}, Comment: "see the DPIA"}, ""},
		{"scale: comment alone", "q1.1.1", assessment.Answer{Comment: "to do"}, assessment.Answer{Comment: "to do"}, ""},
		{"scale: comment of MaxText runes", "q1.1.1", assessment.Answer{Comment: long}, assessment.Answer{Comment: long}, ""},
		{"scale: comment too long", "q1.1.1", assessment.Answer{Comment: long + "é"}, vals(), "answer.too_long"},
		{"scale: justification too long", "q1.1.1", assessment.Answer{Values: []string{"not_applicable"}, Justification: long + "x"}, vals(), "answer.too_long"},

		// scored single choice: its own options, then "don't know" and "not applicable"
		{"scored single: an option", "q1.1.3", vals("always"), vals("always"), ""},
		{"scored single: trimmed", "q1.1.3", vals(" never "), vals("never"), ""},
		{"scored single: don't know is added", "q1.1.3", vals("dont_know"), vals("dont_know"), ""},
		{"scored single: N/A is added and needs a justification", "q1.1.3", vals("not_applicable"), vals(), "answer.na_justify"},
		{"scored single: N/A justified", "q1.1.3",
			assessment.Answer{Values: []string{"not_applicable"}, Justification: "No crawler."},
			assessment.Answer{Values: []string{"not_applicable"}, Justification: "No crawler."}, ""},
		{"scored single: a scale option is not one of its options", "q1.1.3", vals("partly"), vals(), "answer.unknown_option"},
		{"scored single: an option of another question", "q1.1.3", vals("scraping"), vals(), "answer.unknown_option"},
		{"scored single: two options", "q1.1.3", vals("always", "never"), vals(), "answer.one_option"},

		// unscored single choice: no options added
		{"unscored single: an option", "q1.2.1", vals("machine"), vals("machine"), ""},
		{"unscored single: no N/A", "q1.2.1", assessment.Answer{Values: []string{"not_applicable"}, Justification: "j"}, vals(), "answer.unknown_option"},
		{"unscored single: no don't know", "q1.2.1", vals("dont_know"), vals(), "answer.unknown_option"},
		{"unscored single: two options", "q1.2.1", vals("humans", "machine"), vals(), "answer.one_option"},
		{"unscored single: unknown option", "q1.2.1", vals("aliens"), vals(), "answer.unknown_option"},

		// multiple choice
		{"multiple: one option", "q1.1.2", vals("partners"), vals("partners"), ""},
		{"multiple: content order", "q1.1.2", vals("users", "scraping"), vals("scraping", "users"), ""},
		{"multiple: content order of three", "q1.1.2", vals("users", "partners", "scraping"), vals("scraping", "partners", "users"), ""},
		{"multiple: trimmed, blanks dropped, ordered", "q1.1.2", vals(" users ", "", "partners\t"), vals("partners", "users"), ""},
		{"multiple: duplicates removed", "q1.1.2", vals("scraping", "scraping"), vals("scraping"), ""},
		{"multiple: duplicates after trimming removed", "q1.1.2", vals("users", " users"), vals("users"), ""},
		{"multiple: exclusive alone", "q1.1.2", vals("none"), vals("none"), ""},
		{"multiple: exclusive twice is alone", "q1.1.2", vals("none", "none"), vals("none"), ""},
		{"multiple: exclusive then another", "q1.1.2", vals("none", "scraping"), vals(), "answer.exclusive"},
		{"multiple: another then exclusive", "q1.1.2", vals("scraping", "partners", "none"), vals(), "answer.exclusive"},
		{"multiple: unknown option", "q1.1.2", vals("bogus"), vals(), "answer.unknown_option"},
		{"multiple: unknown option among known ones", "q1.1.2", vals("scraping", "bogus"), vals(), "answer.unknown_option"},
		{"multiple: no don't know unless listed", "q1.1.2", vals("dont_know"), vals(), "answer.unknown_option"},
		{"multiple: N/A without justification", "q1.1.2", vals("not_applicable"), vals(), "answer.na_justify"},
		{"multiple: N/A justified", "q1.1.2",
			assessment.Answer{Values: []string{"not_applicable"}, Justification: "No data."},
			assessment.Answer{Values: []string{"not_applicable"}, Justification: "No data."}, ""},
		{"multiple: justification dropped without N/A", "q1.1.2",
			assessment.Answer{Values: []string{"users"}, Justification: "stale"}, vals("users"), ""},

		// text
		{"text: trimmed", "q2.1.1", vals("  A chatbot.\n"), vals("A chatbot."), ""},
		{"text: inner lines kept", "q2.1.1", vals("line one\n\nline two"), vals("line one\n\nline two"), ""},
		{"text: several values joined by lines", "q2.1.1", vals("one", " ", "two"), vals("one\ntwo"), ""},
		{"text: only spaces is empty", "q2.1.1", vals(" \t\n"), vals(), ""},
		{"text: MaxText runes", "q2.1.1", vals(long), vals(long), ""},
		{"text: MaxText runes once trimmed", "q2.1.1", vals("  " + long + "\n"), vals(long), ""},
		{"text: too long", "q2.1.1", vals(long + "x"), vals(), "answer.too_long"},
		{"text: too long once joined", "q2.1.1", vals(long[:len(long)/2], long[:len(long)/2]), vals(), "answer.too_long"},
		{"text: option ids mean nothing", "q2.1.1", vals("in_place"), vals("in_place"), ""},

		// number
		{"number: a number", "q1.2.2", vals("42"), vals("42"), ""},
		{"number: trimmed", "q1.2.2", vals(" 42 "), vals("42"), ""},
		{"number: thousands separated by spaces", "q1.2.2", vals("1 000"), vals("1000"), ""},
		{"number: thousands separated by non-breaking spaces", "q1.2.2", vals("12\u00a0345"), vals("12345"), ""},
		{"number: mixed separators", "q1.2.2", vals("1 000\u00a0000"), vals("1000000"), ""},
		{"number: leading zeros dropped", "q1.2.2", vals("007"), vals("7"), ""},
		{"number: a plus sign", "q1.2.2", vals("+5"), vals("5"), ""},
		{"number: the minimum", "q1.2.2", vals("1"), vals("1"), ""},
		{"number: the maximum", "q1.2.2", vals("1000000"), vals("1000000"), ""},
		{"number: below the minimum", "q1.2.2", vals("0"), vals(), "answer.number_min"},
		{"number: negative below the minimum", "q1.2.2", vals("-3"), vals(), "answer.number_min"},
		{"number: above the maximum", "q1.2.2", vals("1000001"), vals(), "answer.number_max"},
		{"number: above the maximum with spaces", "q1.2.2", vals("2 000 000"), vals(), "answer.number_max"},
		{"number: zero when the minimum is zero", "q1.1.4", vals("0"), vals("0"), ""},
		{"number: below a zero minimum", "q1.1.4", vals("-1"), vals(), "answer.number_min"},
		{"number: no maximum", "q1.1.4", vals("999999999"), vals("999999999"), ""},
		{"number: letters", "q1.2.2", vals("abc"), vals(), "answer.number"},
		{"number: trailing letters", "q1.2.2", vals("12abc"), vals(), "answer.number"},
		{"number: a decimal point", "q1.2.2", vals("1.5"), vals(), "answer.number"},
		{"number: a decimal comma", "q1.2.2", vals("1,5"), vals(), "answer.number"},
		{"number: out of range of int", "q1.1.4", vals("99999999999999999999999"), vals(), "answer.number"},
		{"number: two values", "q1.2.2", vals("1", "2"), vals(), "answer.number"},
		{"number: blank", "q1.2.2", vals("  "), vals(), ""},
		{"number: comment kept", "q1.2.2", assessment.Answer{Values: []string{"3"}, Comment: " estimate "},
			assessment.Answer{Values: []string{"3"}, Comment: "estimate"}, ""},

		// evidence
		{"evidence: trimmed", "q1.1.1",
			assessment.Answer{Values: []string{"in_place"}, Evidence: ev("  Policy ", " https://example.com/policy ")},
			assessment.Answer{Values: []string{"in_place"}, Evidence: ev("Policy", "https://example.com/policy")}, ""},
		{"evidence: empty rows dropped", "q1.1.1",
			assessment.Answer{Evidence: ev("", "", " ", "\t", "Register", "REG-12", "", "")},
			assessment.Answer{Evidence: ev("Register", "REG-12")}, ""},
		{"evidence: only empty rows", "q1.1.1", assessment.Answer{Evidence: ev("", "", "  ", "  ")}, vals(), ""},
		{"evidence: a title without link", "q1.1.1", assessment.Answer{Evidence: ev("Minutes of 3 May", "")}, assessment.Answer{Evidence: ev("Minutes of 3 May", "")}, ""},
		{"evidence: an internal reference", "q1.1.1", assessment.Answer{Evidence: ev("Register", "REG-12")}, assessment.Answer{Evidence: ev("Register", "REG-12")}, ""},
		{"evidence: a file path", "q1.1.1", assessment.Answer{Evidence: ev("DPIA", `\\share\dpia\v2.docx`)}, assessment.Answer{Evidence: ev("DPIA", `\\share\dpia\v2.docx`)}, ""},
		{"evidence: http", "q1.1.1", assessment.Answer{Evidence: ev("Site", "http://intranet.example/x?a=1#b")}, assessment.Answer{Evidence: ev("Site", "http://intranet.example/x?a=1#b")}, ""},
		{"evidence: upper-case scheme", "q1.1.1", assessment.Answer{Evidence: ev("Site", "HTTPS://EXAMPLE.COM/")}, assessment.Answer{Evidence: ev("Site", "HTTPS://EXAMPLE.COM/")}, ""},
		{"evidence: link without title", "q1.1.1", assessment.Answer{Evidence: ev("", "https://example.com")}, vals(), "answer.evidence_title"},
		{"evidence: link with a blank title", "q1.1.1", assessment.Answer{Evidence: ev("   ", "REG-1")}, vals(), "answer.evidence_title"},
		{"evidence: javascript", "q1.1.1", assessment.Answer{Evidence: ev("x", "javascript:alert(1)")}, vals(), "answer.evidence_link"},
		{"evidence: JavaScript in capitals", "q1.1.1", assessment.Answer{Evidence: ev("x", "JaVaScRiPt:alert(1)")}, vals(), "answer.evidence_link"},
		{"evidence: javascript after spaces", "q1.1.1", assessment.Answer{Evidence: ev("x", "  javascript:alert(1)")}, vals(), "answer.evidence_link"},
		{"evidence: javascript with slashes", "q1.1.1", assessment.Answer{Evidence: ev("x", "javascript://example.com/%0Aalert(1)")}, vals(), "answer.evidence_link"},
		{"evidence: ftp", "q1.1.1", assessment.Answer{Evidence: ev("x", "ftp://files.example.com/a.pdf")}, vals(), "answer.evidence_link"},
		{"evidence: file", "q1.1.1", assessment.Answer{Evidence: ev("x", "file:///etc/passwd")}, vals(), "answer.evidence_link"},
		{"evidence: unparsable URL", "q1.1.1", assessment.Answer{Evidence: ev("x", "http://[::1")}, vals(), "answer.evidence_link"},
		{"evidence: a bad link after a good one", "q1.1.1", assessment.Answer{Evidence: ev("a", "REG-1", "b", "javascript:void(0)")}, vals(), "answer.evidence_link"},
		{"evidence: title of 200 runes", "q1.1.1",
			assessment.Answer{Evidence: ev(strings.Repeat("é", 200), "")}, assessment.Answer{Evidence: ev(strings.Repeat("é", 200), "")}, ""},
		{"evidence: title too long", "q1.1.1", assessment.Answer{Evidence: ev(strings.Repeat("é", 201), "")}, vals(), "answer.too_long"},
		{"evidence: link of 2000 bytes", "q1.1.1",
			assessment.Answer{Evidence: ev("t", "https://example.com/"+strings.Repeat("a", 1980))},
			assessment.Answer{Evidence: ev("t", "https://example.com/"+strings.Repeat("a", 1980))}, ""},
		{"evidence: link too long", "q1.1.1", assessment.Answer{Evidence: ev("t", "https://example.com/"+strings.Repeat("a", 1981))}, vals(), "answer.too_long"},
		{"evidence: MaxEvidence entries", "q1.1.1",
			assessment.Answer{Evidence: manyEvidence(assessment.MaxEvidence)}, assessment.Answer{Evidence: manyEvidence(assessment.MaxEvidence)}, ""},
		{"evidence: too many", "q1.1.1", assessment.Answer{Evidence: manyEvidence(assessment.MaxEvidence + 1)}, vals(), "answer.evidence_many"},
		{"evidence: empty rows do not count", "q1.1.1",
			assessment.Answer{Evidence: append(manyEvidence(assessment.MaxEvidence), ev("", "", " ", " ")...)},
			assessment.Answer{Evidence: manyEvidence(assessment.MaxEvidence)}, ""},
		{"evidence: on a number question", "q1.2.2",
			assessment.Answer{Values: []string{"10"}, Evidence: ev("Count", "REG-3")},
			assessment.Answer{Values: []string{"10"}, Evidence: ev("Count", "REG-3")}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := question(t, qn, tc.q)
			in := tc.in
			in.QuestionID = "ignored" // the question decides the id
			got, msg := assessment.Validate(q, in)
			if msg != tc.msg {
				t.Fatalf("Validate(%s, %+v) message = %q, want %q", tc.q, tc.in, msg, tc.msg)
			}
			if msg != "" {
				return
			}
			want := tc.want
			want.QuestionID = tc.q
			if !sameAnswer(got, want) {
				t.Errorf("Validate(%s, %+v)\n got %#v\nwant %#v", tc.q, tc.in, got, want)
			}
			// Normalising is idempotent: a clean answer validates to itself.
			again, msg := assessment.Validate(q, got)
			if msg != "" || !sameAnswer(again, got) {
				t.Errorf("validating the clean answer again: %#v, %q", again, msg)
			}
		})
	}
}

// Multiple-choice values must come out de-duplicated, whatever their order.
func TestValidateMultipleDeduplicatesNonAdjacent(t *testing.T) {
	qn := grid(t)
	q := question(t, qn, "q1.1.2")
	for _, in := range [][]string{
		{"scraping", "users", "scraping"},
		{"users", "scraping", "users", "scraping"},
		{"partners", "users", " partners "},
	} {
		got, msg := assessment.Validate(q, vals(in...))
		want := slices.Clone(in)
		for i := range want {
			want[i] = strings.TrimSpace(want[i])
		}
		slices.SortFunc(want, func(a, b string) int {
			return slices.IndexFunc(q.Options, func(o *questionnaire.Option) bool { return o.ID == a }) -
				slices.IndexFunc(q.Options, func(o *questionnaire.Option) bool { return o.ID == b })
		})
		want = slices.Compact(want)
		if msg != "" || !slices.Equal(got.Values, want) {
			t.Errorf("Validate(%q) = %q, %q; want %q", in, got.Values, msg, want)
		}
	}
}

// An exclusive option sent twice among others is still refused.
func TestValidateExclusiveNotAdjacent(t *testing.T) {
	q := question(t, grid(t), "q1.1.2")
	for _, in := range [][]string{{"none", "scraping", "none"}, {"scraping", "none", "scraping"}} {
		if _, msg := assessment.Validate(q, vals(in...)); msg != "answer.exclusive" {
			t.Errorf("Validate(%q) message = %q, want answer.exclusive", in, msg)
		}
	}
}

// An empty answer is valid for every question, and stays empty.
func TestValidateEmpty(t *testing.T) {
	for name, qn := range map[string]*questionnaire.Questionnaire{"fixture": grid(t), "shipped content": shipped(t)} {
		for _, q := range qn.Questions() {
			for _, in := range []assessment.Answer{{}, {Values: []string{}}, {Values: []string{"", " "}}, {Evidence: ev("", "")}} {
				got, msg := assessment.Validate(q, in)
				if msg != "" || !got.Empty() || got.QuestionID != q.ID {
					t.Errorf("%s: Validate(%s, %+v) = %+v, %q; want an empty answer to %s", name, q.ID, in, got, msg, q.ID)
				}
			}
		}
	}
}

// Every option of the shipped content is accepted on its own (with a justification for N/A), and
// a non-exclusive option is refused next to an exclusive one.
func TestValidateShippedOptions(t *testing.T) {
	qn := shipped(t)
	for _, q := range qn.Questions() {
		switch q.Kind {
		case questionnaire.KindScale, questionnaire.KindSingle, questionnaire.KindMultiple:
		default:
			continue
		}
		if len(q.Options) < 2 {
			t.Errorf("%s (%s) has %d options", q.ID, q.Kind, len(q.Options))
		}
		for _, o := range q.Options {
			in := assessment.Answer{Values: []string{o.ID}}
			if o.NotApplicable() {
				if _, msg := assessment.Validate(q, in); msg != "answer.na_justify" {
					t.Errorf("%s: N/A without justification: %q", q.ID, msg)
				}
				in.Justification = "Not relevant here."
			}
			got, msg := assessment.Validate(q, in)
			if msg != "" || !slices.Equal(got.Values, []string{o.ID}) {
				t.Errorf("%s: Validate(%q) = %q, %q", q.ID, o.ID, got.Values, msg)
			}
		}
		if q.Kind == questionnaire.KindMultiple {
			for _, x := range q.Options {
				if !x.Exclusive {
					continue
				}
				for _, o := range q.Options {
					if o.ID == x.ID {
						continue
					}
					if _, msg := assessment.Validate(q, vals(o.ID, x.ID)); msg != "answer.exclusive" {
						t.Errorf("%s: %s with exclusive %s: %q, want answer.exclusive", q.ID, o.ID, x.ID, msg)
					}
				}
			}
		} else if len(q.Options) >= 2 {
			if _, msg := assessment.Validate(q, vals(q.Options[0].ID, q.Options[1].ID)); msg != "answer.one_option" {
				t.Errorf("%s: two options: %q, want answer.one_option", q.ID, msg)
			}
		}
	}
}

func TestIsURL(t *testing.T) {
	cases := []struct {
		s    string
		want bool
	}{
		{"https://example.com", true},
		{"http://example.com/a/b?c=d#e", true},
		{"https://www.cnil.fr/fr/intelligence-artificielle", true},
		{"HTTPS://EXAMPLE.COM", true},
		{"https://user@example.com:8443/x", true},
		{"", false},
		{"REG-12", false},
		{"Register, page 4", false},
		{"example.com", false},
		{"//example.com/x", false},
		{"https://", false},
		{"https:///path", false},
		{"http:example.com", false},
		{"ftp://example.com/a", false},
		{"file:///etc/passwd", false},
		{"mailto:dpo@example.com", false},
		{"javascript:alert(1)", false},
		{"javascript://example.com/%0Aalert(1)", false},
		{"data:text/html,<script>alert(1)</script>", false},
		{" https://example.com", false},
		{"http://[::1", false},
	}
	for _, tc := range cases {
		if got := assessment.IsURL(tc.s); got != tc.want {
			t.Errorf("IsURL(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

// Whatever Validate accepts as evidence is either a web link or rendered as plain text: nothing it
// lets through is a link with a dangerous scheme.
func TestAcceptedEvidenceIsSafe(t *testing.T) {
	q := question(t, grid(t), "q1.1.1")
	for _, link := range []string{
		"javascript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
		"JAVASCRIPT:alert(1)", "java\tscript:alert(1)", "ftp://x.example", "https://ok.example",
		"REG-1", "mailto:dpo@example.com", "//evil.example", "http:evil.example",
	} {
		got, msg := assessment.Validate(q, assessment.Answer{Evidence: ev("t", link)})
		if msg != "" {
			continue
		}
		l := got.Evidence[0].Link
		if assessment.IsURL(l) && !strings.HasPrefix(strings.ToLower(l), "http://") && !strings.HasPrefix(strings.ToLower(l), "https://") {
			t.Errorf("%q accepted and rendered as a link", link)
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Progress

func TestProgress(t *testing.T) {
	cases := []struct {
		p       assessment.Progress
		percent int
		done    bool
	}{
		{assessment.Progress{}, 100, true},
		{assessment.Progress{Answered: 0, Applicable: 5}, 0, false},
		{assessment.Progress{Answered: 1, Applicable: 3}, 33, false},
		{assessment.Progress{Answered: 2, Applicable: 3}, 66, false},
		{assessment.Progress{Answered: 3, Applicable: 4}, 75, false},
		{assessment.Progress{Answered: 199, Applicable: 200}, 99, false},
		{assessment.Progress{Answered: 5, Applicable: 5}, 100, true},
	}
	for _, tc := range cases {
		if got := tc.p.Percent(); got != tc.percent {
			t.Errorf("%+v.Percent() = %d, want %d", tc.p, got, tc.percent)
		}
		if got := tc.p.Done(); got != tc.done {
			t.Errorf("%+v.Done() = %v, want %v", tc.p, got, tc.done)
		}
	}
	if got := (assessment.Progress{Answered: 1, Applicable: 2}).Add(assessment.Progress{Answered: 3, Applicable: 5}); got != (assessment.Progress{Answered: 4, Applicable: 7}) {
		t.Errorf("Add = %+v", got)
	}
}

func prog(answered, applicable int) assessment.Progress {
	return assessment.Progress{Answered: answered, Applicable: applicable}
}

func TestSummarise(t *testing.T) {
	qn := grid(t)
	all := ids(qn.Questions())
	justified := func(v string) assessment.Answer {
		return assessment.Answer{Values: []string{v}, Justification: "Because."}
	}
	cases := []struct {
		name     string
		profile  questionnaire.Profile
		answers  map[string]assessment.Answer
		visible  []string
		sections map[string]assessment.Progress
		sheets   map[string]assessment.Progress
		total    assessment.Progress
	}{
		{
			name:     "no profile, no answers: every role applies, conditions off",
			profile:  nil,
			visible:  []string{"q1.1.1", "q1.1.2", "q1.2.1", "q1.2.2", "q2.1.1"},
			sections: map[string]assessment.Progress{"1.1": prog(0, 2), "1.2": prog(0, 2), "2.1": prog(0, 1)},
			sheets:   map[string]assessment.Progress{"1": prog(0, 4), "2": prog(0, 1)},
			total:    prog(0, 5),
		},
		{
			name:     "provider that scrapes: the profile switches q1.1.3 on",
			profile:  questionnaire.Profile{"role": {"provider"}, "web_scraping": {"yes"}},
			answers:  map[string]assessment.Answer{"q1.1.3": vals("always")},
			visible:  []string{"q1.1.1", "q1.1.2", "q1.1.3", "q1.2.1", "q1.2.2", "q2.1.1"},
			sections: map[string]assessment.Progress{"1.1": prog(1, 3), "1.2": prog(0, 2), "2.1": prog(0, 1)},
			sheets:   map[string]assessment.Progress{"1": prog(1, 5), "2": prog(0, 1)},
			total:    prog(1, 6),
		},
		{
			name:    "deployer: provider questions and their dependants hidden, answers of hidden questions not counted",
			profile: questionnaire.Profile{"role": {"deployer"}, "web_scraping": {"no"}},
			answers: map[string]assessment.Answer{
				"q1.1.2": vals("scraping"), "q1.1.3": vals("always"), "q1.1.4": vals("3"), // hidden
				"q1.2.2": vals("10"), "q2.1.2": vals("partly"),
			},
			visible:  []string{"q1.1.1", "q1.2.1", "q1.2.2", "q2.1.1", "q2.1.2"},
			sections: map[string]assessment.Progress{"1.1": prog(0, 1), "1.2": prog(1, 2), "2.1": prog(1, 2)},
			sheets:   map[string]assessment.Progress{"1": prog(1, 3), "2": prog(1, 2)},
			total:    prog(2, 5),
		},
		{
			name:    "both roles: answers switch q1.1.3 and then q1.1.4 on",
			profile: questionnaire.Profile{"role": {"both"}, "web_scraping": {"no"}},
			answers: map[string]assessment.Answer{
				"q1.1.2": vals("partners", "scraping"), "q1.1.3": vals("always"), "q1.1.4": vals("3"),
			},
			visible:  all,
			sections: map[string]assessment.Progress{"1.1": prog(3, 4), "1.2": prog(0, 2), "2.1": prog(0, 2)},
			sheets:   map[string]assessment.Progress{"1": prog(3, 6), "2": prog(0, 2)},
			total:    prog(3, 8),
		},
		{
			name:    "an answer that does not satisfy the condition leaves the dependant hidden",
			profile: questionnaire.Profile{"role": {"both"}},
			answers: map[string]assessment.Answer{
				"q1.1.2": vals("partners"), "q1.1.3": vals("always"), "q1.1.4": vals("3"),
			},
			visible:  []string{"q1.1.1", "q1.1.2", "q1.2.1", "q1.2.2", "q2.1.1"},
			sections: map[string]assessment.Progress{"1.1": prog(1, 2), "1.2": prog(0, 2), "2.1": prog(0, 1)},
			sheets:   map[string]assessment.Progress{"1": prog(1, 4), "2": prog(0, 1)},
			total:    prog(1, 5),
		},
		{
			name:    "q1.1.3 answered never: q1.1.4 stays hidden",
			profile: questionnaire.Profile{"role": {"both"}, "web_scraping": {"yes"}},
			answers: map[string]assessment.Answer{"q1.1.3": vals("never"), "q1.1.4": vals("3")},
			visible: []string{"q1.1.1", "q1.1.2", "q1.1.3", "q1.2.1", "q1.2.2", "q2.1.1"},
			sections: map[string]assessment.Progress{
				"1.1": prog(1, 3), "1.2": prog(0, 2), "2.1": prog(0, 1),
			},
			sheets: map[string]assessment.Progress{"1": prog(1, 5), "2": prog(0, 1)},
			total:  prog(1, 6),
		},
		{
			name:    "N/A on q1.1.1 hides q2.1.1: an empty section is complete",
			profile: questionnaire.Profile{"role": {"provider"}},
			answers: map[string]assessment.Answer{
				"q1.1.1": justified("not_applicable"), "q2.1.1": vals("hidden text"),
				"q1.2.1": {Comment: "a comment is not an answer"},
				"q1.2.2": {Evidence: ev("neither is evidence", "")},
			},
			visible:  []string{"q1.1.1", "q1.1.2", "q1.2.1", "q1.2.2"},
			sections: map[string]assessment.Progress{"1.1": prog(1, 2), "1.2": prog(0, 2), "2.1": prog(0, 0)},
			sheets:   map[string]assessment.Progress{"1": prog(1, 4), "2": prog(0, 0)},
			total:    prog(1, 4),
		},
		{
			name:    "deployer, everything answered",
			profile: questionnaire.Profile{"role": {"deployer"}, "web_scraping": {"no"}},
			answers: map[string]assessment.Answer{
				"q1.1.1": vals("in_place"), "q1.2.1": vals("humans"), "q1.2.2": vals("5"),
				"q2.1.1": vals("text"), "q2.1.2": justified("not_applicable"),
			},
			visible:  []string{"q1.1.1", "q1.2.1", "q1.2.2", "q2.1.1", "q2.1.2"},
			sections: map[string]assessment.Progress{"1.1": prog(1, 1), "1.2": prog(2, 2), "2.1": prog(2, 2)},
			sheets:   map[string]assessment.Progress{"1": prog(3, 3), "2": prog(2, 2)},
			total:    prog(5, 5),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := assessment.Summarise(qn, tc.profile, tc.answers)
			wantVisible := map[string]bool{}
			for _, id := range all {
				wantVisible[id] = slices.Contains(tc.visible, id)
			}
			if !maps.Equal(o.Visible, wantVisible) {
				t.Errorf("Visible = %v, want %v", o.Visible, wantVisible)
			}
			if !maps.Equal(o.Sections, tc.sections) {
				t.Errorf("Sections = %v, want %v", o.Sections, tc.sections)
			}
			if !maps.Equal(o.Sheets, tc.sheets) {
				t.Errorf("Sheets = %v, want %v", o.Sheets, tc.sheets)
			}
			if o.Total != tc.total {
				t.Errorf("Total = %+v, want %+v", o.Total, tc.total)
			}
			var visible []string
			for _, sec := range qn.Sections() {
				got := ids(o.VisibleQuestions(sec))
				var want []string
				for _, q := range sec.Questions {
					if slices.Contains(tc.visible, q.ID) {
						want = append(want, q.ID)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("VisibleQuestions(%s) = %q, want %q", sec.ID, got, want)
				}
				visible = append(visible, got...)
			}
			if !slices.Equal(visible, tc.visible) {
				t.Errorf("visible questions in order = %q, want %q", visible, tc.visible)
			}
		})
	}
}

// Summarise must not depend on the map iteration order of the answers.
func TestSummariseDeterministic(t *testing.T) {
	qn := grid(t)
	profile := questionnaire.Profile{"role": {"both"}, "web_scraping": {"no"}}
	answers := map[string]assessment.Answer{"q1.1.2": vals("scraping"), "q1.1.3": vals("always"), "q1.1.4": vals("1"), "q1.2.1": vals("humans")}
	first := assessment.Summarise(qn, profile, answers)
	for range 20 {
		o := assessment.Summarise(qn, profile, answers)
		if o.Total != first.Total || !maps.Equal(o.Visible, first.Visible) || !maps.Equal(o.Sections, first.Sections) {
			t.Fatalf("Summarise is not deterministic: %+v vs %+v", o, first)
		}
	}
}

// The shipped content: totals add up, and answering every visible question completes it.
func TestSummariseShipped(t *testing.T) {
	qn := shipped(t)
	for _, role := range []string{"", questionnaire.RoleProvider, questionnaire.RoleDeployer, questionnaire.RoleBoth} {
		profile := questionnaire.Profile{}
		if role != "" {
			profile[questionnaire.ProfileRole] = []string{role}
		}
		o := assessment.Summarise(qn, profile, nil)
		if o.Total.Applicable == 0 || o.Total.Answered != 0 {
			t.Fatalf("role %q: total %+v", role, o.Total)
		}
		if len(o.Visible) != len(qn.Questions()) || len(o.Sheets) != len(qn.Sheets) || len(o.Sections) != len(qn.Sections()) {
			t.Errorf("role %q: %d visibility entries, %d sheets, %d sections", role, len(o.Visible), len(o.Sheets), len(o.Sections))
		}
		var sum assessment.Progress
		for _, sh := range qn.Sheets {
			var s assessment.Progress
			for _, sec := range sh.Sections {
				s = s.Add(o.Sections[sec.ID])
			}
			if s != o.Sheets[sh.ID] {
				t.Errorf("role %q: sheet %s = %+v, its sections add up to %+v", role, sh.ID, o.Sheets[sh.ID], s)
			}
			sum = sum.Add(s)
		}
		if sum != o.Total {
			t.Errorf("role %q: total %+v, sheets add up to %+v", role, o.Total, sum)
		}
		// Answer whatever is visible until nothing new appears; then everything is done.
		answers := map[string]assessment.Answer{}
		for range len(qn.Questions()) + 1 {
			o = assessment.Summarise(qn, profile, answers)
			for _, q := range qn.Questions() {
				if o.Visible[q.ID] && !answers[q.ID].Answered() {
					answers[q.ID] = anyAnswer(q)
				}
			}
		}
		o = assessment.Summarise(qn, profile, answers)
		if !o.Total.Done() || o.Total.Percent() != 100 {
			t.Errorf("role %q: every visible question answered but total %+v", role, o.Total)
		}
	}
}

func anyAnswer(q *questionnaire.Question) assessment.Answer {
	switch q.Kind {
	case questionnaire.KindText:
		return vals("text")
	case questionnaire.KindNumber:
		if q.Min != nil {
			return vals(fmt.Sprint(*q.Min))
		}
		return vals("1")
	}
	return vals(q.Options[0].ID)
}

// ---------------------------------------------------------------------------------------------
// HiddenAnswered

func TestHiddenAnswered(t *testing.T) {
	qn := grid(t)
	answered := map[string]assessment.Answer{
		"q1.1.1": vals("in_place"),
		"q1.1.2": vals("scraping"),
		"q1.1.3": vals("always"),
		"q1.1.4": vals("3"),
		"q1.2.1": vals("humans"),
		"q2.1.2": vals("partly"),
		// q1.2.2 and q2.1.1 unanswered
	}
	without := func(drop ...string) map[string]assessment.Answer {
		m := maps.Clone(answered)
		for _, id := range drop {
			delete(m, id)
		}
		return m
	}
	p := func(role, scraping string) questionnaire.Profile {
		out := questionnaire.Profile{}
		if role != "" {
			out["role"] = []string{role}
		}
		if scraping != "" {
			out["web_scraping"] = []string{scraping}
		}
		return out
	}
	cases := []struct {
		name          string
		before, after questionnaire.Profile
		answers       map[string]assessment.Answer
		want          []string
	}{
		{"no change", p("both", "no"), p("both", "no"), answered, nil},
		{"both to deployer hides the provider questions and, by cascade, q1.1.4",
			p("both", "no"), p("deployer", "no"), answered, []string{"q1.1.2", "q1.1.3", "q1.1.4"}},
		{"both to provider hides the deployer questions, across sheets",
			p("both", "no"), p("provider", "no"), answered, []string{"q1.1.4", "q2.1.2"}},
		{"unanswered questions are not listed",
			p("both", "no"), p("provider", "no"), without("q2.1.2"), []string{"q1.1.4"}},
		{"answers with only a comment are not listed",
			p("both", "no"), p("provider", "no"),
			func() map[string]assessment.Answer {
				m := without("q2.1.2")
				m["q2.1.2"] = assessment.Answer{Comment: "later"}
				return m
			}(), []string{"q1.1.4"}},
		{"reverting deployer to both hides nothing", p("deployer", "no"), p("both", "no"), answered, nil},
		{"reverting provider to both hides nothing", p("provider", "no"), p("both", "no"), answered, nil},
		{"no profile to deployer", nil, p("deployer", ""), answered, []string{"q1.1.2", "q1.1.3", "q1.1.4"}},
		{"scraping off: q1.1.3 stays, because q1.1.2 says scraping",
			p("provider", "yes"), p("provider", "no"), answered, nil},
		{"scraping off: q1.1.3 hidden when q1.1.2 does not say scraping",
			p("provider", "yes"), p("provider", "no"),
			func() map[string]assessment.Answer {
				m := maps.Clone(answered)
				m["q1.1.2"] = vals("partners")
				return m
			}(),
			[]string{"q1.1.3"}},
		{"scraping on hides q2.1.2", p("deployer", "no"), p("deployer", "yes"), answered, []string{"q2.1.2"}},
		{"questions hidden before and after are not listed",
			p("deployer", "yes"), p("provider", "yes"), answered, nil},
		{"deployer to provider: q2.1.2 hidden, provider questions appear",
			p("deployer", "no"), p("provider", "no"), answered, []string{"q2.1.2"}},
		{"no answers", p("both", "no"), p("deployer", "yes"), nil, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := ids(assessment.HiddenAnswered(qn, tc.before, tc.after, tc.answers))
			want := append([]string{}, tc.want...)
			if !slices.Equal(got, want) {
				t.Errorf("HiddenAnswered = %q, want %q", got, want)
			}
			// Whatever is listed was visible before, hidden after and answered.
			vb := assessment.Summarise(qn, tc.before, tc.answers).Visible
			va := assessment.Summarise(qn, tc.after, tc.answers).Visible
			for _, id := range got {
				if !vb[id] || va[id] || !tc.answers[id].Answered() {
					t.Errorf("%s listed: visible before %v, after %v, answered %v", id, vb[id], va[id], tc.answers[id].Answered())
				}
			}
			// Going back hides nothing that was just hidden.
			for _, q := range assessment.HiddenAnswered(qn, tc.after, tc.before, tc.answers) {
				if slices.Contains(got, q.ID) {
					t.Errorf("reverting lists %s, which the change hid", q.ID)
				}
			}
		})
	}
}

// Between any two profiles, every answered question that disappears is listed.
func TestHiddenAnsweredRoundTrip(t *testing.T) {
	qn := grid(t)
	answers := map[string]assessment.Answer{
		"q1.1.1": vals("in_place"), "q1.1.2": vals("scraping"), "q1.1.3": vals("always"),
		"q1.1.4": vals("3"), "q2.1.2": vals("partly"),
	}
	profiles := []questionnaire.Profile{
		nil,
		{"role": {"both"}, "web_scraping": {"no"}},
		{"role": {"provider"}, "web_scraping": {"yes"}},
		{"role": {"deployer"}, "web_scraping": {"no"}},
		{"role": {"deployer"}, "web_scraping": {"yes"}},
	}
	for _, a := range profiles {
		for _, b := range profiles {
			hidden := ids(assessment.HiddenAnswered(qn, a, b, answers))
			before := assessment.Summarise(qn, a, answers)
			after := assessment.Summarise(qn, b, answers)
			if lost := before.Total.Answered - after.Total.Answered; lost > len(hidden) {
				t.Errorf("%v → %v: %d fewer answered questions but only %q listed", a, b, lost, hidden)
			}
			// Going back lists nothing that is still hidden-and-answered under b but was not
			// visible under a.
			for _, id := range ids(assessment.HiddenAnswered(qn, b, a, answers)) {
				if !after.Visible[id] || before.Visible[id] {
					t.Errorf("%v → %v → back lists %s", a, b, id)
				}
			}
		}
	}
}

// ---------------------------------------------------------------------------------------------

func shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatalf("Load(content.FS): %v", err)
	}
	return qn
}

func TestReturnNeedsARealComment(t *testing.T) {
	if _, err := assessment.Apply(assessment.InReview, assessment.Return, account.Reviewer, "   \n"); err != assessment.ErrCommentMissing {
		t.Fatalf("a blank comment was accepted: %v", err)
	}
}

// French number formatting uses a narrow no-break space as the thousands separator.
func TestValidateFrenchThousands(t *testing.T) {
	q := question(t, grid(t), "q1.1.4")
	got, msg := assessment.Validate(q, assessment.Answer{Values: []string{"1\u202f200"}})
	if msg != "" || len(got.Values) != 1 || got.Values[0] != "1200" {
		t.Fatalf("Validate(1\u202f200) = %v, %q", got.Values, msg)
	}
}

// An action titled with its recommendation's text reads in the reader's language; a title of the
// user's own stays as typed.
func TestActionTitleIn(t *testing.T) {
	qn := shipped(t)
	var q *questionnaire.Question
	for _, x := range qn.Questions() {
		if x.Recommendation != nil {
			q = x
			break
		}
	}
	en := strings.TrimSuffix(q.Recommendation.Text.In(questionnaire.EN), ".")
	fr := strings.TrimSuffix(q.Recommendation.Text.In(questionnaire.FR), ".")
	if en == fr {
		t.Fatal("the test needs a recommendation whose texts differ")
	}
	for _, title := range []string{"", en, fr} {
		a := assessment.Action{QuestionID: q.ID, Title: title}
		if got := a.TitleIn(qn, questionnaire.FR); got != fr {
			t.Errorf("title %q read in French: %q", title, got)
		}
		if got := a.TitleIn(qn, questionnaire.EN); got != en {
			t.Errorf("title %q read in English: %q", title, got)
		}
	}
	own := assessment.Action{QuestionID: q.ID, Title: "Ask the supplier for its model card"}
	if own.TitleIn(qn, questionnaire.FR) != own.Title {
		t.Error("a title of the user's own was replaced")
	}
	if (assessment.Action{QuestionID: "screening:dpia", Title: "Carry out a DPIA"}).TitleIn(qn, questionnaire.FR) != "Carry out a DPIA" {
		t.Error("an action without a recommendation lost its title")
	}
}
