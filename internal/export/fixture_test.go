package export_test

import (
	"fmt"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

var exportNow = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func loadQuestionnaire(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return qn
}

// fixture is a small assessment: two answers (one a formula, one not applicable with its
// justification and evidence), one action, approved.
func fixture(t testing.TB) export.Assessment {
	t.Helper()
	qn := loadQuestionnaire(t)
	a := assessment.Assessment{ID: "a1", SystemName: "CV screening", Version: 2, Status: assessment.Approved, ContentVersion: qn.Version,
		Profile: questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}, UpdatedAt: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)}
	answers := map[string]assessment.Answer{
		"q1.1.3": {QuestionID: "q1.1.3", Values: []string{"partly"}, Comment: "=HYPERLINK(\"http://evil\")", UpdatedByName: "Eddie", UpdatedAt: a.UpdatedAt},
		"q1.1.4": {QuestionID: "q1.1.4", Values: []string{"not_applicable"}, Justification: "no data", Evidence: []assessment.Evidence{{Title: "Register", Link: "REG-1"}}},
	}
	due := time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	return export.Assessment{Questionnaire: qn, Assessment: a, Answers: answers, Lang: questionnaire.FR, Organisation: "Acme",
		Report:  scoring.Score(qn, a.Profile, assessment.Values(answers)),
		Actions: []assessment.Action{{ID: "x1", QuestionID: "q1.1.3", OwnerName: "Zoé", DueOn: &due, Status: assessment.ActionTodo}},
		Events: []assessment.Event{{Kind: "approve", From: assessment.InReview, To: assessment.Approved, By: "Régine", At: exportNow.Add(-time.Hour)},
			{Kind: "submit", From: assessment.Draft, To: assessment.InReview, By: "Eddie", At: exportNow.Add(-2 * time.Hour)}},
		Now: exportNow}
}

// full is an assessment whose profile makes almost every question apply and where every question
// that applies is answered (every question of the questionnaire if all), cycling through its
// options: every answer kind, "don't know", not applicable with a justification, comments and
// evidence with French accents, and actions.
func full(t testing.TB, lang questionnaire.Lang, all bool) export.Assessment {
	t.Helper()
	qn := loadQuestionnaire(t)
	profile := questionnaire.Profile{}
	for _, p := range qn.Profile {
		var pick []string
		for _, o := range p.Options {
			if p.Kind == questionnaire.KindMultiple {
				pick = append(pick, o.ID)
			} else if o.ID == "yes" || o.ID == "both" || o.ID == "mixed" {
				pick = []string{o.ID}
			}
		}
		if len(pick) == 0 && len(p.Options) > 0 {
			pick = []string{p.Options[0].ID}
		}
		profile[p.ID] = pick
	}
	at := time.Date(2026, 10, 5, 14, 0, 0, 0, time.UTC)
	answers := map[string]assessment.Answer{}
	for range 5 { // answers reveal questions: answer until nothing new applies
		visible := qn.Visibility(profile, assessment.Values(answers))
		for i, q := range qn.Questions() {
			if !visible[q.ID] && !all {
				continue
			}
			if _, ok := answers[q.ID]; ok {
				continue
			}
			a := assessment.Answer{QuestionID: q.ID, UpdatedByName: "Élodie Lefèvre", UpdatedAt: at,
				Comment: fmt.Sprintf("Commentaire %s : « vérifié » par l’équipe, œuvre déjà faite.", q.ID)}
			switch q.Kind {
			case questionnaire.KindText:
				a.Values = []string{"Réponse libre " + q.ID + " — données élève"}
			case questionnaire.KindNumber:
				a.Values = []string{fmt.Sprint(i % 7)}
			case questionnaire.KindMultiple:
				for _, o := range q.Options[:min(2, len(q.Options))] {
					a.Values = append(a.Values, o.ID)
				}
			default:
				o := q.Options[i%len(q.Options)]
				a.Values = []string{o.ID}
				if o.NotApplicable() {
					a.Justification = "Sans objet ici : aucune donnée n’est conservée (" + q.ID + ")."
				}
			}
			if i%4 == 0 {
				a.Evidence = []assessment.Evidence{{Title: "Registre des traitements", Link: "https://intranet.example.org/registre?q=" + q.ID},
					{Title: "Procès-verbal", Link: "PV-2026-" + q.ID}}
			}
			answers[q.ID] = a
		}
	}
	a := assessment.Assessment{ID: "a-full", SystemName: "Tri des candidatures « RH »", Description: "Présélection des CV.", Version: 3,
		Status: assessment.InReview, ContentVersion: qn.Version, Profile: profile, UpdatedAt: at}
	report := scoring.Score(qn, profile, assessment.Values(answers))
	var actions []assessment.Action
	for i, r := range scoring.Recommend(qn, profile, assessment.Values(answers)) {
		if i >= 12 {
			break
		}
		due := time.Date(2026, time.Month(1+i%12), 1+i, 0, 0, 0, 0, time.UTC)
		x := assessment.Action{ID: fmt.Sprint("act", i), QuestionID: r.QuestionID, OwnerName: "Zoé Martin", DueOn: &due,
			Status: assessment.ActionStatuses[i%len(assessment.ActionStatuses)]}
		if x.Status == assessment.ActionWontDo {
			x.Reason = "Risque accepté par la direction"
		}
		if i%3 == 0 {
			x.Title = "Mettre à jour l’analyse d’impact"
		}
		actions = append(actions, x)
	}
	sc := screening.Screen(screening.NewInput(qn, a.Profile, assessment.Values(answers)), time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC))
	return export.Assessment{Questionnaire: qn, Assessment: a, Answers: answers, Report: report, Lang: lang,
		Organisation: "Société Exemple & Fils", Actions: actions, Now: exportNow, Screening: &sc,
		Events: []assessment.Event{{Kind: "submit", From: assessment.Draft, To: assessment.InReview, By: "Élodie Lefèvre", At: at}}}
}
