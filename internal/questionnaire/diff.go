package questionnaire

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
)

// Differences is how one version's questions differ from the previous version's, by question id,
// each list in the newer version's question order (Retired in the older one's).
type Differences struct {
	From, To string
	// Added lists the new questions that replace none.
	Added []string
	// Retired lists the questions of From that To no longer asks and no question replaces.
	Retired []string
	// Replaced maps a question of To to the question of From it replaces (its Replaces mark).
	Replaced map[string]string
	// Reworded lists the questions kept under the same id whose text or help changed.
	Reworded []string
	// Options lists the questions kept under the same id whose options changed: ids, labels,
	// scores, exclusive or neutral marks (the shared scale's options for scale questions).
	Options []string
	// Rules lists the questions kept under the same id whose kind, importance, weight, applies_to,
	// condition, same_obligation_as, limits or section changed.
	Rules []string

	from, to *Questionnaire
}

// Diff computes the differences between two versions, from the content itself.
func Diff(from, to *Questionnaire) Differences {
	d := Differences{From: from.Version, To: to.Version, Replaced: map[string]string{}, from: from, to: to}
	replaced := map[string]bool{}
	for _, q := range to.Questions() {
		if q.Replaces != "" {
			d.Replaced[q.ID] = q.Replaces
			replaced[q.Replaces] = true
			continue
		}
		old := from.Question(q.ID)
		if old == nil {
			d.Added = append(d.Added, q.ID)
			continue
		}
		if old.Text != q.Text || old.Help != q.Help {
			d.Reworded = append(d.Reworded, q.ID)
		}
		if !sameOptions(old.Options, q.Options) {
			d.Options = append(d.Options, q.ID)
		}
		if !sameRules(old, q) {
			d.Rules = append(d.Rules, q.ID)
		}
	}
	for _, q := range from.Questions() {
		if to.Question(q.ID) == nil && !replaced[q.ID] {
			d.Retired = append(d.Retired, q.ID)
		}
	}
	return d
}

func sameOptions(a, b []*Option) bool {
	return slices.EqualFunc(a, b, func(x, y *Option) bool {
		return x.ID == y.ID && x.Label == y.Label && x.Exclusive == y.Exclusive && x.Neutral == y.Neutral &&
			(x.Score == nil) == (y.Score == nil) && (x.Score == nil || *x.Score == *y.Score)
	})
}

func sameRules(a, b *Question) bool {
	return a.Kind == b.Kind && a.Importance == b.Importance && a.Weight == b.Weight && a.AppliesTo == b.AppliesTo &&
		a.SameObligationAs == b.SameObligationAs && reflect.DeepEqual(a.Condition, b.Condition) &&
		reflect.DeepEqual(a.Min, b.Min) && reflect.DeepEqual(a.Max, b.Max) && a.Section.ID == b.Section.ID
}

// Check compares the differences with what the newer version declares (its changes, retired list and
// replaces marks) and reports every difference not declared and every declaration that is not
// true. A question that replaces another must be of the same kind, so that its answers can be
// carried over (see CarryOver): a question of another kind is a new question and a retired one.
func (d Differences) Check(to *Questionnaire) error {
	var errs []error
	const mf = MainFile
	compare := func(key string, actual, declared []string, what string) {
		for _, id := range actual {
			if !slices.Contains(declared, id) {
				errs = append(errs, fmt.Errorf("%s:%s: %s %s since %s but is not declared here", mf, key, id, what, d.From))
			}
		}
		for _, id := range declared {
			if !slices.Contains(actual, id) {
				errs = append(errs, fmt.Errorf("%s:%s: %s is declared, but the content shows no such difference since %s", mf, key, id, d.From))
			}
		}
	}
	compare("changes.added", d.Added, to.Changes.Added, "is new (or replaces nothing)")
	compare("retired", d.Retired, to.Retired, "is no longer asked")
	compare("changes.reworded", d.Reworded, to.Changes.Reworded, "has a changed text or help")
	compare("changes.options", d.Options, to.Changes.Options, "has changed options")
	compare("changes.rules", d.Rules, to.Changes.Rules, "has changed rules (kind, importance, weight, applies_to, condition, same_obligation_as, limits or section)")
	ids := make([]string, 0, len(d.Replaced))
	for id := range d.Replaced {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		q, old := to.Question(id), d.Replaced[id]
		at := fmt.Sprintf("%s:questions[%s].replaces", q.Section.Sheet.file, id)
		if oq := d.from.Question(old); oq == nil {
			errs = append(errs, fmt.Errorf("%s: %s is not a question of %s", at, old, d.From))
		} else if oq.Kind != q.Kind {
			errs = append(errs, fmt.Errorf("%s: %s is a %s question and %s a %s one, so answers cannot be carried over: retire %s and add %s instead",
				at, old, oq.Kind, id, q.Kind, old, id))
		}
	}
	return errors.Join(errs...)
}

// Successor returns the question of the newer version that takes over the answer to the older
// version's question id: the same id, or the question that replaces it; nil when it is retired.
func (d Differences) Successor(id string) *Question {
	for nid, old := range d.Replaced {
		if old == id {
			return d.to.Question(nid)
		}
	}
	return d.to.Question(id)
}

// Unchanged reports whether nothing differs.
func (d Differences) Unchanged() bool {
	return len(d.Added)+len(d.Retired)+len(d.Replaced)+len(d.Reworded)+len(d.Options)+len(d.Rules) == 0
}

// Why an answer cannot be carried over to a newer version.
const (
	CarryRetired = "retired" // the question is no longer asked
	CarryKind    = "kind"    // the question now takes another kind of answer
	CarryOption  = "option"  // a chosen option no longer exists
	CarryRange   = "range"   // the number is outside the new limits
)

// CarryOver reports whether values, a valid answer to a question of an older version, is a valid
// answer to nq, the same question (or the one that replaces it) in a newer version: this is what
// "compatible" means. It is when both questions take the same kind of answer and every chosen
// option still exists (for choices), or the number is within the new limits (for numbers); text
// always is. Otherwise reason says why not (CarryKind, CarryOption, CarryRange).
func CarryOver(oq, nq *Question, values []string) (ok bool, reason string) {
	if nq == nil {
		return false, CarryRetired
	}
	if oq.Kind != nq.Kind {
		return false, CarryKind
	}
	switch nq.Kind {
	case KindText:
		return true, ""
	case KindNumber:
		for _, v := range values {
			n, err := strconv.Atoi(v)
			if err != nil || (nq.Min != nil && n < *nq.Min) || (nq.Max != nil && n > *nq.Max) {
				return false, CarryRange
			}
		}
		return true, ""
	}
	for _, v := range values {
		if nq.Option(v) == nil {
			return false, CarryOption
		}
	}
	return true, ""
}
