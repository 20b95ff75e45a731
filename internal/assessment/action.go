package assessment

import (
	"strings"
	"time"

	"aigrid/internal/questionnaire"
)

// ActionStatus is where an action of the plan stands.
type ActionStatus string

// The action statuses.
const (
	ActionTodo       ActionStatus = "todo"
	ActionInProgress ActionStatus = "in_progress"
	ActionDone       ActionStatus = "done"
	ActionWontDo     ActionStatus = "wont_do" // needs a reason
)

// ActionStatuses lists the statuses in workflow order.
var ActionStatuses = []ActionStatus{ActionTodo, ActionInProgress, ActionDone, ActionWontDo}

// Valid reports whether s is a known status.
func (s ActionStatus) Valid() bool {
	for _, x := range ActionStatuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether the action still has to be done.
func (s ActionStatus) Open() bool { return s == ActionTodo || s == ActionInProgress }

// Action is a recommendation the organisation decided to act on.
type Action struct {
	ID         string
	QuestionID string
	Title      string
	OwnerID    string
	OwnerName  string
	DueOn      *time.Time // a calendar date
	Status     ActionStatus
	Reason     string
	UpdatedAt  time.Time
}

// Overdue reports whether an open action is past its due date on the day of now.
func (a Action) Overdue(now time.Time) bool {
	if a.DueOn == nil || !a.Status.Open() {
		return false
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return a.DueOn.Before(today)
}

// PlanSummary counts a plan's actions.
type PlanSummary struct {
	Total, Open, Done, WontDo, Overdue int
}

// Summary counts the actions at now.
func Summary(actions []Action, now time.Time) PlanSummary {
	var s PlanSummary
	for _, a := range actions {
		s.Total++
		switch {
		case a.Status.Open():
			s.Open++
		case a.Status == ActionDone:
			s.Done++
		default:
			s.WontDo++
		}
		if a.Overdue(now) {
			s.Overdue++
		}
	}
	return s
}

// TitleIn is the action's title in lang. An action made from a recommendation without a title of
// its own shows the recommendation's text; so does one whose title is that text in another
// language (the title the form filled in when the action was created), so that a colleague
// reading in French sees a French title for an action created in English.
func (a Action) TitleIn(qn *questionnaire.Questionnaire, lang questionnaire.Lang) string {
	q := qn.Question(a.QuestionID)
	if q == nil || q.Recommendation == nil {
		return a.Title
	}
	def := func(l questionnaire.Lang) string { return strings.TrimSuffix(q.Recommendation.Text.In(l), ".") }
	if a.Title == "" {
		return def(lang)
	}
	for _, l := range []questionnaire.Lang{questionnaire.EN, questionnaire.FR} {
		if a.Title == def(l) {
			return def(lang)
		}
	}
	return a.Title
}
