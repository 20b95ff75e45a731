// Package piatool builds a pre-filled DPIA for the CNIL's PIA tool (LINCnil/pia), as the JSON file
// its "Import PIA" button turns into a new PIA.
//
// The format was read from the PIA tool's code (../shared/pia-tool-format.md; confirmed against
// LINCnil/pia at commit 44dd3138cde7, version 4.1.0): an object with the keys pia, answers,
// measures, evaluations and comments; answers to the questions of part 1 (context) and part 2
// (fundamental principles) by numeric question id, their text as HTML; measures with a title and
// content.
//
// Only what the assessment says goes in: each answer lists the grid's questions that bear on the
// PIA question with the answers given, and a PIA question none of them answers is left out, so it
// stays empty in the tool. aigrid's gaps (recommendations and AI Act obligations without evidence)
// become planned measures. Nothing is invented; evaluations and comments are left empty.
//
// The package is pure: the date is passed in.
package piatool

import (
	"fmt"
	"html"
	"strings"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/internal/screening"
)

// File is the PIA tool's import file.
type File struct {
	PIA         PIA       `json:"pia"`
	Answers     []Answer  `json:"answers"`
	Measures    []Measure `json:"measures"`
	Evaluations []any     `json:"evaluations"`
	Comments    []any     `json:"comments"`
}

// PIA is the record of the PIA itself. The people are left empty: aigrid does not know who will
// write, evaluate and validate the DPIA.
type PIA struct {
	Name          string `json:"name"`
	AuthorName    string `json:"author_name"`
	EvaluatorName string `json:"evaluator_name"`
	ValidatorName string `json:"validator_name"`
	Status        int    `json:"status"` // 0: in progress
	CreatedAt     string `json:"created_at"`
	UpdatedAt     string `json:"updated_at"`
}

// Answer is the answer to one question of the PIA tool.
type Answer struct {
	ReferenceTo int        `json:"reference_to"` // a number: the tool compares ids with ===
	Data        AnswerData `json:"data"`
}

// AnswerData is a text answer (every question of parts 1 and 2 takes text).
type AnswerData struct {
	Text  string   `json:"text"`
	Gauge *int     `json:"gauge"`
	List  []string `json:"list"`
}

// Measure is a planned or existing measure (part 3.1); risks refer to measures by exact title.
type Measure struct {
	ID          int    `json:"id"`
	Title       string `json:"title"`
	Content     string `json:"content"`
	Placeholder string `json:"placeholder"`
}

// Input is what the file is built from.
type Input struct {
	Questionnaire   *questionnaire.Questionnaire
	Assessment      assessment.Assessment
	Answers         map[string]assessment.Answer
	Recommendations []scoring.Recommendation
	Screening       screening.Result
	Lang            questionnaire.Lang
	Now             time.Time
}

// special facts that are not questions of the grid
const (
	factSystem = "system"    // the system's name and description
	factAIAct  = "ai_act"    // aigrid's AI Act screening
	factSource = "generated" // where the pre-filled text comes from
)

// Questions are the PIA tool's question ids of parts 1 and 2, each with the grid's facts (question
// ids, "profile:" ids, or the special facts above) that bear on it, in the order they are written.
var Questions = []struct {
	ID    int
	Facts []string
}{
	{111, []string{factSystem, "q1.2.2", "profile:role", "q1.1.1", "profile:phase", factSource}},                           // the processing
	{112, []string{"q1.5.1", "q1.5.2", "q7.1.1", "q7.1.2", "q7.1.4", "q7.1.5", "q7.1.7"}},                                  // responsibilities
	{113, []string{factAIAct, "q7.4.1"}},                                                                                   // applicable standards
	{121, []string{"profile:personal_data", "profile:special_category", "q1.3.2", "q1.3.3", "q1.3.5", "q2.1.1", "q6.1.1"}}, // data
	{122, []string{"q1.2.6", "q1.1.2", "profile:continuous_learning", "q4.3.1", "q2.6.3", "q5.2.3"}},                       // life cycle
	{123, []string{"q4.5.1", "profile:third_party_model", "q3.2.1", "q4.5.5", "q5.5.2"}},                                   // supporting assets
	{211, []string{"q1.2.1", "q1.2.3", "q1.2.4"}},                                                                          // purposes
	{212, []string{"q2.2.1", "q2.2.2", "q2.4.1", "q4.3.2", "q6.6.2"}},                                                      // legal basis
	{213, []string{"q2.4.3", "q2.3.2", "q2.4.5", "q2.5.6"}},                                                                // minimisation
	{214, []string{"q2.5.3", "q2.5.1"}},                                                                                    // accuracy
	{215, []string{"q2.6.2", "q2.6.3", "q2.6.4", "q5.2.3"}},                                                                // storage duration
	{221, []string{"q6.1.2", "q6.2.1", "q6.2.2", "q6.3.2", "q6.3.4", "q4.3.3"}},                                            // information
	{222, []string{"q2.2.3"}},           // consent
	{223, []string{"q6.4.1", "q6.4.3"}}, // access and portability
	{224, []string{"q6.4.3", "q6.5.1"}}, // rectification and erasure
	{225, []string{"q6.4.3", "q6.5.3"}}, // restriction and objection
	{226, []string{"q7.1.5", "q7.1.6"}}, // processors
	{227, []string{"q4.5.2"}},           // transfers
}

// Build makes the import file.
func Build(in Input) File {
	stamp := in.Now.UTC().Format("2006-01-02T15:04:05.000Z")
	f := File{PIA: PIA{Name: in.Assessment.SystemName, CreatedAt: stamp, UpdatedAt: stamp},
		Answers: []Answer{}, Measures: []Measure{}, Evaluations: []any{}, Comments: []any{}}
	visible := in.Questionnaire.Visibility(in.Assessment.Profile, assessment.Values(in.Answers))
	for _, pq := range Questions {
		var paras []string
		for _, fact := range pq.Facts {
			if p := in.paragraph(fact, visible); p != "" {
				paras = append(paras, p)
			}
		}
		// the source line alone says nothing about the processing
		if len(paras) == 0 || len(paras) == 1 && pq.ID == 111 && strings.HasPrefix(paras[0], "<p><em>") {
			continue
		}
		f.Answers = append(f.Answers, Answer{ReferenceTo: pq.ID, Data: AnswerData{Text: strings.Join(paras, ""), List: []string{}}})
	}
	f.Measures = in.measures()
	return f
}

func (in Input) tr(t questionnaire.Text) string { return t.In(in.Lang) }

// paragraph writes one fact as HTML, or "" when the assessment says nothing about it.
func (in Input) paragraph(fact string, visible map[string]bool) string {
	esc := html.EscapeString
	switch fact {
	case factSystem:
		s := "<p><strong>" + esc(in.Assessment.SystemName) + "</strong></p>"
		if d := strings.TrimSpace(in.Assessment.Description); d != "" {
			s += "<p>" + esc(d) + "</p>"
		}
		return s
	case factSource:
		return "<p><em>" + esc(fmt.Sprintf(in.tr(textSource), in.Assessment.SystemName, in.Assessment.Version, in.Assessment.ContentVersion, in.Now.UTC().Format("2006-01-02"))) + "</em></p>"
	case factAIAct:
		return "<p><strong>" + esc(in.tr(textAIAct)) + "</strong><br>" + esc(headline(in.Screening.AIAct.Headline, in.Lang)) + "</p>"
	}
	if id, ok := strings.CutPrefix(fact, screening.ProfilePrefix); ok {
		pq := in.Questionnaire.ProfileQuestion(id)
		vals := in.Assessment.Profile[id]
		if pq == nil || len(vals) == 0 {
			return ""
		}
		var labels []string
		for _, v := range vals {
			if o := pq.Option(v); o != nil {
				labels = append(labels, in.tr(o.Label))
			}
		}
		return "<p><strong>" + esc(in.tr(pq.Text)) + "</strong><br>" + esc(strings.Join(labels, ", ")) + "</p>"
	}
	q := in.Questionnaire.Question(fact)
	a, ok := in.Answers[fact]
	if q == nil || !ok || len(a.Values) == 0 || !visible[fact] {
		return ""
	}
	var labels []string
	for _, v := range a.Values {
		o := in.Questionnaire.OptionOf(q, v)
		if o != nil {
			labels = append(labels, in.tr(o.Label))
		} else {
			labels = append(labels, v) // a text or number answer
		}
	}
	s := "<p><strong>" + esc(in.tr(q.Text)) + "</strong><br>" + esc(strings.Join(labels, ", "))
	if c := strings.TrimSpace(a.Comment); c != "" {
		s += "<br>" + esc(in.tr(textComment)) + " " + esc(c)
	}
	if j := strings.TrimSpace(a.Justification); j != "" {
		s += "<br>" + esc(in.tr(textJustification)) + " " + esc(j)
	}
	return s + " <small>(" + esc(fact) + ")</small></p>"
}

// measures turns aigrid's gaps into planned measures: the recommendations (most urgent first),
// then the AI Act obligations that the answers do not evidence.
func (in Input) measures() []Measure {
	out := []Measure{}
	seen := map[string]bool{}
	add := func(title, content string) {
		title = strings.TrimSpace(title)
		if seen[title] {
			title = fmt.Sprintf("%s (%d)", title, len(out)+1)
		}
		seen[title] = true
		out = append(out, Measure{ID: len(out) + 1, Title: title, Content: content, Placeholder: "measures.default_placeholder"})
	}
	esc := html.EscapeString
	for _, rec := range in.Recommendations {
		q := rec.Question
		if q == nil || q.Recommendation == nil {
			continue
		}
		answer := ""
		if a, ok := in.Answers[q.ID]; ok && len(a.Values) > 0 {
			if o := q.Option(a.Values[0]); o != nil {
				answer = in.tr(o.Label)
			} else if o := in.Questionnaire.ScaleOption(a.Values[0]); o != nil {
				answer = in.tr(o.Label)
			}
		}
		content := "<p>" + esc(fmt.Sprintf(in.tr(textGap), q.ID, in.tr(q.Text), answer)) + "</p>"
		if len(q.Recommendation.Steps) > 0 {
			content += "<ul>"
			for _, st := range q.Recommendation.Steps {
				content += "<li>" + esc(in.tr(st)) + "</li>"
			}
			content += "</ul>"
		}
		add(strings.TrimSuffix(in.tr(q.Recommendation.Text), "."), content)
	}
	for _, o := range in.Screening.AIAct.Obligations {
		if o.Evidence == screening.Evidenced {
			continue
		}
		ref := questionnaire.FormatReference(o.Reference, in.Lang)
		add(in.tr(o.Title), "<p>"+esc(fmt.Sprintf(in.tr(textObligation), ref, o.From.Format("2006-01-02")))+"</p><p>"+esc(in.tr(o.Detail))+"</p>")
	}
	return out
}

func headline(h string, lang questionnaire.Lang) string {
	if t, ok := headlines[h]; ok {
		return t.In(lang)
	}
	return headlines[screening.CatCannotTell].In(lang)
}

func t(en, fr string) questionnaire.Text { return questionnaire.Text{EN: en, FR: fr} }

var (
	textSource = t("Pre-filled by aigrid from the self-assessment “%s” (version %d, questionnaire %s) on %s. Each paragraph repeats a question of the CNIL grid and the answer given; check it and complete what is missing.",
		"Prérempli par aigrid à partir de l’auto-évaluation «\u00a0%s\u00a0» (version %d, questionnaire %s) le %s. Chaque paragraphe reprend une question de la grille de la CNIL et la réponse donnée\u00a0; vérifiez-le et complétez ce qui manque.")
	textAIAct         = t("aigrid’s AI Act screening (guidance, not a verdict)", "Analyse RIA d’aigrid (aide, pas un verdict)")
	textComment       = t("Comment:", "Commentaire\u00a0:")
	textJustification = t("Justification:", "Justification\u00a0:")
	textGap           = t("Gap found by aigrid: %s %s Current answer: %s.", "Lacune relevée par aigrid\u00a0: %s %s Réponse actuelle\u00a0: %s.")
	textObligation    = t("AI Act obligation not evidenced in the self-assessment: %s, applicable from %s.", "Obligation du RIA non établie dans l’auto-évaluation\u00a0: %s, applicable à compter du %s.")
	headlines         = map[string]questionnaire.Text{
		screening.CatProhibited:   t("Prohibited practice (AI Act Art. 5)", "Pratique interdite (article 5 du RIA)"),
		screening.CatAnnexIII:     t("High-risk system (AI Act Art. 6(2), Annex III)", "Système à haut risque (article 6.2 et annexe III du RIA)"),
		screening.CatAnnexI:       t("High-risk system (AI Act Art. 6(1), Annex I)", "Système à haut risque (article 6.1 et annexe I du RIA)"),
		screening.CatGPAI:         t("General-purpose AI model (AI Act Art. 53)", "Modèle d’IA à usage général (article 53 du RIA)"),
		screening.CatTransparency: t("Transparency duties (AI Act Art. 50)", "Obligations de transparence (article 50 du RIA)"),
		screening.CatNone:         t("None of the AI Act’s specific categories", "Aucune des catégories propres au RIA"),
		screening.CatCannotTell:   t("Cannot tell yet: facts are missing", "Impossible de conclure pour l’instant\u00a0: des faits manquent"),
	}
)
