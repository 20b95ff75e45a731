package export

import (
	"strconv"
	"strings"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Model is everything an export shows about one assessment, resolved once in one language: the
// texts of the questions, the labels of the answers, the scores and levels, the recommendations in
// priority order and the action plan. Every format renders a Model and computes nothing itself, so
// that a PDF, a spreadsheet and a CSV file of the same assessment always agree.
type Model struct {
	Lang           questionnaire.Lang
	Organisation   string
	Assessment     assessment.Assessment
	ContentVersion string // the questionnaire version the assessment was answered against
	ModelVersion   string // the scoring rules' version
	GeneratedAt    time.Time
	Approval       *Approval // nil unless the assessment is approved
	Profile        []ProfileItem
	Report         scoring.Report
	Overall        Score
	Sheets         []Sheet
	// Questions lists every question that applies or was answered, in sheet and step order (the
	// same items as the sheets' steps, flat).
	Questions       []*Question
	Recommendations []Recommendation
	Actions         []Action
	// Blocking lists the gaps that cap a level (legal obligations not fully met), sheet by sheet.
	Blocking []*Question
	// DontKnow lists the applicable questions answered "don't know", sheet by sheet.
	DontKnow []*Question

	src Assessment
}

// Approval is who approved the assessment and when.
type Approval struct {
	By      string
	At      time.Time
	Comment string
}

// ProfileItem is one answer of the assessment's profile.
type ProfileItem struct {
	Question string
	Answer   string
}

// Score is a result with its level and cap named in the model's language.
type Score struct {
	scoring.Result
	Text      string // the score as shown, "72.5", or "–" without a score
	LevelName string
	CapName   string // the level the result is capped at, or ""
}

// Sheet is one fact sheet: its score and its steps.
type Sheet struct {
	ID    string
	Title string
	Score Score
	Steps []Step
}

// Step is one section of a sheet, with the questions that apply or were answered.
type Step struct {
	ID        string
	Title     string
	Questions []*Question
}

// Question is one question and its answer.
type Question struct {
	SheetID, StepID, ID string
	Text                string
	Importance          string // the importance, named
	Applies             bool
	Values              []string // the values stored: option ids, or the text or number typed
	Answer              string   // the answer as shown: the options' labels, or the text typed
	// Value is the chosen option's score, from 0 to 1, when the answer counts in the score
	// (HasValue); "don't know" is 0.
	Value         float64
	HasValue      bool
	Weight        int // 0 for questions that do not count in the score
	NotApplicable bool
	DontKnow      bool
	Justification string
	Comment       string
	Evidence      []assessment.Evidence
	// Recommendation is the advice shown when the answer is a gap, else "".
	Recommendation string
	// Blocking is true when the answer caps its sheet's level (CapName names the cap).
	Blocking     bool
	CapName      string
	ActionStatus string // the statuses of the actions linked to the question, named, joined by join
	UpdatedBy    string
	UpdatedAt    *time.Time
	Revision     int                       // the answer's revision, 0 when unanswered
	History      assessment.HistorySummary // its changes
}

// EvidenceText is the evidence as one line: "title link | title link".
func (q *Question) EvidenceText() string {
	var out []string
	for _, e := range q.Evidence {
		out = append(out, strings.TrimSpace(e.Title+" "+e.Link))
	}
	return strings.Join(out, " | ")
}

// Recommendation is a gap to close, in priority order.
type Recommendation struct {
	Rank       int
	QuestionID string
	SheetID    string
	Question   string
	Importance string
	Priority   string // the content's priority, named ("high", "medium", "low")
	Text       string
	Steps      []string
	Blocking   bool
	Points     float64 // what the sheet's score would gain, in points
}

// Action is one action of the plan.
type Action struct {
	Title      string
	QuestionID string
	Owner      string
	DueOn      *time.Time
	Status     string // named
	StatusID   assessment.ActionStatus
	Reason     string
	Overdue    bool
}

// Build resolves an assessment into the model every format renders, in e.Lang. It is pure: the
// caller loads the data (and gives the clock as e.Now).
func Build(e Assessment) *Model {
	lang := e.Lang
	if lang != questionnaire.FR {
		lang = questionnaire.EN
	}
	il := i18n.Lang(lang)
	qn := e.Questionnaire
	a := e.Assessment
	m := &Model{Lang: lang, Organisation: e.Organisation, Assessment: a, ContentVersion: a.ContentVersion,
		ModelVersion: e.Report.ModelVersion, GeneratedAt: e.Now.UTC(), Report: e.Report, src: e}
	if m.ContentVersion == "" {
		m.ContentVersion = e.Report.ContentVersion
	}
	m.Overall = scoreOf(il, e.Report.Overall)
	if a.Status == assessment.Approved {
		for _, ev := range e.Events { // newest first
			if ev.Kind == string(assessment.Approve) || ev.To == assessment.Approved {
				m.Approval = &Approval{By: ev.By, At: ev.At.UTC(), Comment: ev.Comment}
				break
			}
		}
	}
	for _, p := range qn.Profile {
		vals := a.Profile[p.ID]
		if len(vals) == 0 {
			continue
		}
		var labels []string
		for _, v := range vals {
			if o := p.Option(v); o != nil {
				labels = append(labels, o.Label.In(lang))
			} else {
				labels = append(labels, v)
			}
		}
		m.Profile = append(m.Profile, ProfileItem{Question: p.Text.In(lang), Answer: join(lang, labels)})
	}

	values := assessment.Values(e.Answers)
	visible := qn.Visibility(a.Profile, values)
	recs := scoring.Recommend(qn, a.Profile, values)
	gap := map[string]bool{}
	for _, r := range recs {
		gap[r.QuestionID] = true
	}
	statuses := map[string][]string{}
	for _, x := range e.Actions {
		statuses[x.QuestionID] = append(statuses[x.QuestionID], i18n.T(il, "action."+string(x.Status)))
	}
	byID := map[string]*Question{}
	for _, sh := range qn.Sheets {
		sr := e.Report.Sheet(sh.ID)
		s := Sheet{ID: sh.ID, Title: sh.Title.In(lang)}
		caps := map[string]scoring.Level{}
		if sr != nil {
			s.Score = scoreOf(il, sr.Result)
			for _, g := range append(append([]scoring.Gap{}, sr.BlockingGaps...), sr.LimitingGaps...) {
				caps[g.QuestionID] = g.Cap
			}
		}
		for _, sec := range sh.Sections {
			st := Step{ID: sec.ID, Title: sec.Title.In(lang)}
			for _, q := range sec.Questions {
				ans, answered := e.Answers[q.ID]
				if !visible[q.ID] && !answered {
					continue
				}
				x := &Question{SheetID: sh.ID, StepID: sec.ID, ID: q.ID, Text: q.Text.In(lang),
					Importance: i18n.T(il, "importance."+string(q.Importance)), Applies: visible[q.ID],
					Values: ans.Values, Answer: label(q, ans.Values, lang), Justification: ans.Justification,
					Comment: ans.Comment, Evidence: ans.Evidence, UpdatedBy: ans.UpdatedByName,
					ActionStatus: join(lang, statuses[q.ID]), Revision: ans.Revision, History: e.History[q.ID]}
				if x.Values == nil {
					x.Values = []string{}
				}
				if answered && !ans.UpdatedAt.IsZero() {
					t := ans.UpdatedAt.UTC()
					x.UpdatedAt = &t
				}
				if q.Counted() {
					x.Weight = q.Weight
					if o := counting(q, ans.Values); o != nil {
						x.NotApplicable, x.DontKnow = o.NotApplicable(), o.DontKnow()
						if !x.NotApplicable {
							x.HasValue = true
							if o.Score != nil && !x.DontKnow {
								x.Value = *o.Score
							}
						}
					}
				}
				if x.Applies && gap[q.ID] && q.Recommendation != nil {
					x.Recommendation = q.Recommendation.Text.In(lang)
				}
				if c, ok := caps[q.ID]; ok && x.Applies {
					x.Blocking, x.CapName = true, c.Name(lang)
					m.Blocking = append(m.Blocking, x)
				}
				if x.Applies && x.DontKnow {
					m.DontKnow = append(m.DontKnow, x)
				}
				st.Questions = append(st.Questions, x)
				m.Questions = append(m.Questions, x)
				byID[q.ID] = x
			}
			if len(st.Questions) > 0 {
				s.Steps = append(s.Steps, st)
			}
		}
		m.Sheets = append(m.Sheets, s)
	}

	points := map[string]float64{}
	for _, sr := range e.Report.Sheets {
		for _, c := range sr.Costs {
			points[c.QuestionID] = c.Points
		}
	}
	for i, r := range recs {
		x := Recommendation{Rank: i + 1, QuestionID: r.QuestionID, SheetID: r.SheetID, Question: r.Question.Text.In(lang),
			Importance: i18n.T(il, "importance."+string(r.Importance)), Blocking: r.Cap != scoring.LevelNone,
			Points: points[r.QuestionID]}
		if rec := r.Question.Recommendation; rec != nil {
			x.Priority = i18n.T(il, "results.priority."+rec.Priority)
			x.Text = rec.Text.In(lang)
			for _, s := range rec.Steps {
				x.Steps = append(x.Steps, s.In(lang))
			}
		}
		m.Recommendations = append(m.Recommendations, x)
	}
	for _, x := range e.Actions {
		title := x.TitleIn(qn, lang)
		if title == "" {
			if q := byID[x.QuestionID]; q != nil && q.Recommendation != "" {
				title = q.Recommendation
			} else if q := qn.Question(x.QuestionID); q != nil {
				title = q.Text.In(lang)
			}
		}
		var due *time.Time
		if x.DueOn != nil {
			d := time.Date(x.DueOn.Year(), x.DueOn.Month(), x.DueOn.Day(), 0, 0, 0, 0, time.UTC)
			due = &d
		}
		m.Actions = append(m.Actions, Action{Title: title, QuestionID: x.QuestionID, Owner: x.OwnerName, DueOn: due,
			Status: i18n.T(il, "action."+string(x.Status)), StatusID: x.Status, Reason: x.Reason, Overdue: x.Overdue(e.Now)})
	}
	return m
}

// counting returns the option an answer counts with in the score (nil when unanswered, neutral or
// invalid): for a multiple choice, the gap option worth least, as scoring counts it.
func counting(q *questionnaire.Question, values []string) *questionnaire.Option {
	var worst *questionnaire.Option
	for _, v := range values {
		o := q.Option(v)
		if o == nil {
			return nil
		}
		if o.Neutral || (o.Score == nil && !o.NotApplicable() && !o.DontKnow()) {
			continue
		}
		if !q.Kind.Multiple() && len(values) != 1 {
			return nil
		}
		if worst == nil || optionValue(o) < optionValue(worst) {
			worst = o
		}
	}
	return worst
}

func optionValue(o *questionnaire.Option) float64 {
	if o.Score == nil || o.DontKnow() {
		return 0
	}
	return *o.Score
}

// scoreOf names a result's level and cap.
func scoreOf(l i18n.Lang, r scoring.Result) Score {
	lang := questionnaire.Lang(l)
	s := Score{Result: r, Text: "–", LevelName: r.Level.Name(lang)}
	if r.HasScore {
		s.Text = formatScore(lang, r.Score)
	}
	if r.Capped {
		s.CapName = r.Cap.Name(lang)
	}
	return s
}

// formatScore shows a score with one decimal, with a decimal comma in French.
func formatScore(lang questionnaire.Lang, v float64) string {
	s := strconv.FormatFloat(scoring.Round(v), 'f', 1, 64)
	if lang == questionnaire.FR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
