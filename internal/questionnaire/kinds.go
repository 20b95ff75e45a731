package questionnaire

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of answer a question takes. Everything that differs between kinds is said once,
// in the kinds table below: the packages that load, validate, score, screen, export, import and show
// answers ask a kind for its properties and never switch on its name, so that adding a kind is one
// entry in that table (and, if no existing form control fits it, one Control and its case in
// web/pages/step.templ). TestEveryKindHasItsBehaviour fails on a Kind constant without an entry.
type Kind string

// The answer kinds.
const (
	KindScale    Kind = "scale"    // the shared maturity scale; scored
	KindSingle   Kind = "single"   // one option; scored when its options carry scores
	KindMultiple Kind = "multiple" // any options; not scored
	KindText     Kind = "text"     // free text; not scored
	KindNumber   Kind = "number"   // a whole number; not scored
)

// MaxText is the longest free text an answer, a comment or a justification may hold, in characters.
const MaxText = 5000

// Options says where a kind's options come from.
type Options int

// Where options come from.
const (
	NoOptions    Options = iota // the answer is typed (text, number): the content gives no options
	OwnOptions                  // the content gives the question at least two options
	ScaleOptions                // the shared maturity scale (Load gives the question its options)
)

// Control is the form input the step page draws for a kind (web/pages/step.templ, templ control).
type Control string

// The form controls.
const (
	ControlRadio    Control = "radio"    // one option
	ControlCheckbox Control = "checkbox" // any options
	ControlTextarea Control = "textarea" // free text
	ControlNumber   Control = "number"   // a whole number, typed as text with a numeric keyboard
)

// Controls lists every control, for the test that checks the step page draws each one.
var Controls = []Control{ControlRadio, ControlCheckbox, ControlTextarea, ControlNumber}

// kindSpec is one kind's behaviour.
type kindSpec struct {
	// options: where the question's options come from.
	options Options
	// multiple: an answer may name several options (otherwise it holds at most one value).
	multiple bool
	// bounded: the question may carry min and max.
	bounded bool
	// profile: a profile question may be of this kind.
	profile bool
	// control: the form input.
	control Control
	// values normalises the values submitted for a question of this kind (trimmed, empty ones
	// dropped), or returns the i18n key of the problem.
	values func(q *Question, vals []string) ([]string, string)
}

// kinds is the one place where answer kinds are defined, in the order the validator names them.
var kinds = []struct {
	kind Kind
	spec kindSpec
}{
	{KindScale, kindSpec{options: ScaleOptions, control: ControlRadio, values: oneOption}},
	{KindSingle, kindSpec{options: OwnOptions, profile: true, control: ControlRadio, values: oneOption}},
	{KindMultiple, kindSpec{options: OwnOptions, multiple: true, profile: true, control: ControlCheckbox, values: someOptions}},
	{KindText, kindSpec{options: NoOptions, control: ControlTextarea, values: freeText}},
	{KindNumber, kindSpec{options: NoOptions, bounded: true, control: ControlNumber, values: wholeNumber}},
}

// Kinds lists the answer kinds, in the order of the kinds table.
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	for i, k := range kinds {
		out[i] = k.kind
	}
	return out
}

func (k Kind) spec() (kindSpec, bool) {
	for _, x := range kinds {
		if x.kind == k {
			return x.spec, true
		}
	}
	return kindSpec{}, false
}

// Known reports whether the kind is one of the kinds table (content validation refuses others).
func (k Kind) Known() bool { _, ok := k.spec(); return ok }

// Options says where a question of this kind takes its options from.
func (k Kind) Options() Options { s, _ := k.spec(); return s.options }

// Choice reports whether an answer of this kind names options (own or the scale's), as opposed to
// typed text or a number. Only choice questions can be tested by a condition.
func (k Kind) Choice() bool { return k.Options() != NoOptions }

// Multiple reports whether an answer of this kind may name several options.
func (k Kind) Multiple() bool { s, _ := k.spec(); return s.multiple }

// Bounded reports whether a question of this kind may carry min and max.
func (k Kind) Bounded() bool { s, _ := k.spec(); return s.bounded }

// Profile reports whether a profile question may be of this kind.
func (k Kind) Profile() bool { s, _ := k.spec(); return s.profile }

// Control is the form input drawn for a question of this kind ("" for an unknown kind).
func (k Kind) Control() Control { s, _ := k.spec(); return s.control }

// Values checks the values submitted for the question against its kind and returns them normalised
// (trimmed, empty ones dropped, in the content's option order for a multiple choice), or the i18n
// message key of the problem. No values is valid: questions may be left for later.
func (q *Question) Values(in []string) ([]string, string) {
	var vals []string
	for _, v := range in {
		if v = strings.TrimSpace(v); v != "" {
			vals = append(vals, v)
		}
	}
	s, ok := q.Kind.spec()
	if !ok {
		return vals, ""
	}
	return s.values(q, vals)
}

// OptionOf finds one of the question's options by id, the shared scale's included for a scale
// question that was not given them by Load.
func (qn *Questionnaire) OptionOf(q *Question, id string) *Option {
	if o := q.Option(id); o != nil {
		return o
	}
	if q.Kind.Options() == ScaleOptions {
		return qn.ScaleOption(id)
	}
	return nil
}

func oneOption(q *Question, vals []string) ([]string, string) {
	if len(vals) > 1 {
		return nil, "answer.one_option"
	}
	if len(vals) == 1 && q.Option(vals[0]) == nil {
		return nil, "answer.unknown_option"
	}
	return vals, ""
}

func someOptions(q *Question, vals []string) ([]string, string) {
	// keep the content's order, whatever the browser sent, and each option once
	index := func(id string) int {
		for i, o := range q.Options {
			if o.ID == id {
				return i
			}
		}
		return len(q.Options)
	}
	slices.SortFunc(vals, func(a, b string) int { return index(a) - index(b) })
	vals = slices.Compact(vals)
	for _, v := range vals {
		o := q.Option(v)
		if o == nil {
			return nil, "answer.unknown_option"
		}
		if o.Exclusive && len(vals) > 1 {
			return nil, "answer.exclusive"
		}
	}
	return vals, ""
}

func freeText(_ *Question, vals []string) ([]string, string) {
	if len(vals) > 1 {
		vals = []string{strings.Join(vals, "\n")}
	}
	if len(vals) == 1 && utf8.RuneCountInString(vals[0]) > MaxText {
		return nil, "answer.too_long"
	}
	return vals, ""
}

func wholeNumber(q *Question, vals []string) ([]string, string) {
	if len(vals) > 1 {
		return nil, "answer.number"
	}
	if len(vals) == 1 {
		n, err := strconv.Atoi(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(vals[0]))
		switch {
		case err != nil:
			return nil, "answer.number"
		case q.Min != nil && n < *q.Min:
			return nil, "answer.number_min"
		case q.Max != nil && n > *q.Max:
			return nil, "answer.number_max"
		}
		vals = []string{strconv.Itoa(n)}
	}
	return vals, ""
}
