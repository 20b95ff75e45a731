package screening

import (
	"strings"
	"time"

	"aigrid/internal/questionnaire"
)

// Result is both screenings of one assessment on a date.
type Result struct {
	On    time.Time   `json:"on"`
	DPIA  DPIAResult  `json:"dpia"`
	AIAct AIActResult `json:"ai_act"`
}

// Screen runs the AI Act screening, then the DPIA screening (which uses the high-risk status).
func Screen(in Input, on time.Time) Result {
	ai := AIAct(in, on)
	return Result{On: on, DPIA: DPIA(in, ai.HighRisk), AIAct: ai}
}

// DPIAActionKey is the action-plan key of "carry out the DPIA".
const DPIAActionKey = ActionPrefix + "dpia"

// Action is something of a screening the user can add to the action plan.
type Action struct {
	Key   string
	Title questionnaire.Text
}

// Actions lists what can be added to the action plan: the DPIA when it is or may be needed and has
// not been evidenced as done, and every obligation not fully evidenced.
func (r Result) Actions() []Action {
	var out []Action
	if r.DPIA.Outcome != DPIANotRequired && r.DPIA.Conducted != Evidenced {
		out = append(out, Action{Key: DPIAActionKey, Title: t("Carry out a DPIA before the processing starts",
			"Réaliser une AIPD avant le début du traitement")})
	}
	for _, o := range r.AIAct.Obligations {
		if o.Evidence != Evidenced {
			out = append(out, Action{Key: o.ActionKey, Title: o.Title})
		}
	}
	return out
}

// Action finds an action by key.
func (r Result) Action(key string) (Action, bool) {
	for _, a := range r.Actions() {
		if a.Key == key {
			return a, true
		}
	}
	return Action{}, false
}

// IsActionKey reports whether an action's question id refers to a screening.
func IsActionKey(id string) bool { return strings.HasPrefix(id, ActionPrefix) }

// AllSources lists the published texts the screenings rest on, with their dates, for the about page.
func AllSources() []Source {
	return []Source{SourceWP248, SourceCNILList, SourceCNILAIDPIA, SourceAIAct, SourceOmnibus}
}
