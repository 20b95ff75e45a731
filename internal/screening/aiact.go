package screening

import (
	"slices"
	"time"

	"aigrid/internal/questionnaire"
)

// AIActResult is the AI Act screening of one assessment: the categories the system may fall in,
// each with its reasoning, and the obligations of the organisation's role with their dates.
type AIActResult struct {
	// Headline is the most demanding category met (prohibited, then high-risk, then GPAI model, then
	// transparency), CatNone when every category is ruled out, or CatCannotTell.
	Headline string `json:"headline"`
	// Role is the profile's role: provider, deployer or both ("" when unanswered).
	Role string `json:"role"`
	// Categories are every category checked, met or not, with their reasoning.
	Categories []Criterion `json:"categories"`
	// HighRisk is Met when either high-risk route is met.
	HighRisk Status `json:"high_risk"`
	// Exception is the Art. 6(3) exception, and Profiling the fact that rules it out.
	Exception Criterion `json:"exception"`
	Profiling Criterion `json:"profiling"`
	// Transparency are the Art. 50 situations.
	Transparency []Criterion `json:"transparency"`
	// FRIA says whether the fundamental rights impact assessment of Art. 27 applies to this deployer.
	FRIA Criterion `json:"fria"`
	// Obligations are the duties of the role, in the order of the rules.
	Obligations []Obligation `json:"obligations"`
	Missing     []string     `json:"missing,omitempty"`
	Sources     []Source     `json:"sources"`
}

// Evidence says how far the grid's answers evidence an obligation.
type Evidence string

// The evidence levels.
const (
	Evidenced  Evidence = "evidenced"   // every related answer is "in place"
	Partly     Evidence = "partly"      // some related practice is in place, partly or planned
	Gap        Evidence = "gap"         // related answers are "not in place", "don't know" or unanswered
	NotCovered Evidence = "not_covered" // the grid asks nothing that evidences it here
)

// EvidenceAnswer is one answer of the grid taken as evidence, with its value.
type EvidenceAnswer struct {
	QuestionID string  `json:"question_id"`
	Value      string  `json:"value"` // the chosen option, "" when unanswered
	Score      float64 `json:"score"` // the option's score, 0 when unanswered
}

// Obligation is a duty of the organisation's role, with the date it applies from and what the
// grid's answers say about it.
type Obligation struct {
	ID         string             `json:"id"`
	Role       string             `json:"role"` // provider, deployer, or "" for both
	Reference  string             `json:"reference"`
	Title      questionnaire.Text `json:"title"`
	Detail     questionnaire.Text `json:"detail"`
	From       time.Time          `json:"from"`
	Grace      *time.Time         `json:"grace,omitempty"` // a later date for some cases (see Detail)
	Applies    bool               `json:"applies"`         // From is on or before the screening date
	Amended    bool               `json:"amended"`         // the date comes from the 2026 amendment, as reported
	Evidence   Evidence           `json:"evidence"`
	Answers    []EvidenceAnswer   `json:"answers,omitempty"`
	ActionKey  string             `json:"action_key"` // the id an action of the plan refers to
	References []string           `json:"references"`
}

// ActionPrefix marks the question id of an action that comes from a screening.
const ActionPrefix = "screening:"

// AIAct screens the AI Act classification and obligations as they stand on the date on.
func AIAct(in Input, on time.Time) AIActResult {
	r := AIActResult{Sources: []Source{SourceAIAct, SourceOmnibus}}
	if v := in.values("profile:role"); len(v) > 0 {
		r.Role = v[0]
	}
	prohibited := prohibitedRule.evaluate(in)
	area := annexIIIAreaRule.evaluate(in)
	annexI := annexIRule.evaluate(in)
	r.Exception = narrowTaskRule.evaluate(in)
	r.Profiling = profilingRule.evaluate(in)
	gpai := gpaiRule.evaluate(in)
	systemic := gpaiSystemicRule.evaluate(in)
	interacts := transparencyInteractRule.evaluate(in)
	generates := transparencyGenerateRule.evaluate(in)
	biometric := transparencyBiometricRule.evaluate(in)
	r.Transparency = []Criterion{interacts, generates, biometric}

	// Annex III: an area is met, unless the narrow-task exception holds and nothing shows profiling.
	exceptionApplies := area.Status == Met && r.Exception.Status == Met && r.Profiling.Status != Met
	if exceptionApplies {
		area.Status = NotMet
		area.Explanation = t(area.Explanation.EN+" The profile says the system only does a narrow or preparatory task and no answer shows profiling: the Art. 6(3) exception may apply.",
			area.Explanation.FR+" Le profil indique que le système n’accomplit qu’une tâche étroite ou préparatoire et aucune réponse ne révèle de profilage : l’exception de l’article 6.3 peut s’appliquer.")
	} else if area.Status == Met && r.Exception.Status == Unknown {
		area.Missing = union(area.Missing, r.Exception.Missing)
	}
	r.HighRisk = NotMet
	switch {
	case area.Status == Met || annexI.Status == Met:
		r.HighRisk = Met
	case area.Status == Unknown || annexI.Status == Unknown:
		r.HighRisk = Unknown
	}
	transparency := Criterion{ID: CatTransparency, Title: t("Transparency duties (Art. 50)", "Obligations de transparence (article 50)"),
		Explanation: t("Systems that interact with people, generate content, recognise emotions or categorise people biometrically carry transparency duties, whatever their risk level.", "Les systèmes qui interagissent avec des personnes, génèrent des contenus, reconnaissent des émotions ou catégorisent des personnes par la biométrie emportent des obligations de transparence, quel que soit leur niveau de risque."),
		References:  []string{"AI Act Art. 50"}, Sources: aiActSources, Status: NotMet}
	for _, c := range r.Transparency {
		switch c.Status {
		case Met:
			transparency.Status = Met
			transparency.Triggers = append(transparency.Triggers, c.Triggers...)
		case Unknown:
			if transparency.Status != Met {
				transparency.Status = Unknown
			}
			transparency.Missing = union(transparency.Missing, c.Missing)
		}
	}
	if transparency.Status == Met {
		transparency.Missing = nil
	}
	r.Categories = []Criterion{prohibited, area, annexI, gpai, systemic, transparency}
	r.Headline = CatNone
	for _, c := range r.Categories {
		if c.Status == Unknown && r.Headline == CatNone {
			r.Headline = CatCannotTell
		}
		r.Missing = union(r.Missing, c.Missing)
	}
	for _, c := range r.Categories {
		if c.Status == Met {
			r.Headline = c.ID
			if c.ID == CatGPAISystemic {
				r.Headline = CatGPAI
			}
			break
		}
	}

	// FRIA (Art. 27(1)): deployers of Annex III systems (except point 2, critical infrastructure)
	// that are public bodies or private bodies providing public services, and deployers of the
	// credit-scoring and life and health insurance systems of points 5(b) and (c).
	r.FRIA = fria(in, r.Role, area)
	if r.FRIA.Status == Unknown {
		r.Missing = union(r.Missing, r.FRIA.Missing)
	}

	conds := map[string]bool{
		"always":              true,
		CatProhibited:         prohibited.Status == Met,
		"high_risk":           r.HighRisk == Met,
		"high_risk_annex_iii": area.Status == Met,
		"narrow_exception":    exceptionApplies,
		"workplace":           area.Status == Met && slices.Contains(in.values("profile:ai_act_area"), "employment"),
		"fria":                r.FRIA.Status == Met,
		"interacts":           interacts.Status == Met,
		"generates":           generates.Status == Met,
		"biometric":           biometric.Status == Met,
		CatGPAI:               gpai.Status == Met,
		CatGPAISystemic:       systemic.Status == Met,
	}
	highRiskDate := dateAnnexI
	if area.Status == Met || exceptionApplies {
		highRiskDate = dateAnnexIII
	}
	for _, o := range obligations {
		if !conds[o.when] || !roleOwes(r.Role, o.role) {
			continue
		}
		date := o.date
		switch {
		case o.id == "art5_stop":
			date = dateProhibitions
			if v := in.values("profile:ai_act_prohibited"); slices.Contains(v, "csam_ncii") && len(intersect(v, prohibitedPractices)) == 1 {
				date = dateCSAM
			}
		case date == "":
			date = highRiskDate
		}
		ob := Obligation{ID: o.id, Role: o.role, Reference: o.ref, Title: o.title, Detail: o.detail, From: mustDate(date),
			Amended: o.amended || date == dateCSAM, ActionKey: ActionPrefix + "ai_act." + o.id, References: []string{o.ref}}
		ob.Applies = !ob.From.After(on)
		if o.grace != "" {
			g := mustDate(o.grace)
			ob.Grace = &g
			ob.Amended = ob.Amended || o.grace == dateMarkingGrace
		}
		ob.Evidence, ob.Answers = evidence(in, o.evidence)
		r.Obligations = append(r.Obligations, ob)
	}
	return r
}

func fria(in Input, role string, area Criterion) Criterion {
	c := Criterion{ID: "fria", References: []string{"AI Act Art. 27(1)"}, Sources: aiActSources, Status: NotMet,
		Title: t("Fundamental rights impact assessment (Art. 27)", "Analyse d’impact sur les droits fondamentaux (article 27)")}
	areas := in.values("profile:ai_act_area")
	ps := publicServiceRule.evaluate(in)
	creditOrInsurance := intersect(areas, []string{"credit_scoring", "insurance_pricing"})
	onlyInfrastructure := len(intersect(areas, annexIIIAreas)) == 1 && slices.Contains(areas, "critical_infrastructure")
	switch {
	case role == RoleProvider:
		c.Explanation = t("Only deployers carry out this assessment; your role is provider.", "Seuls les déployeurs réalisent cette analyse ; votre rôle est celui de fournisseur.")
	case area.Status != Met:
		c.Status = area.Status
		c.Missing = area.Missing
		c.Explanation = t("It concerns only high-risk systems of Annex III, which this system is not shown to be.", "Elle ne concerne que les systèmes à haut risque de l’annexe III, ce que ce système ne paraît pas être.")
	case onlyInfrastructure:
		c.Explanation = t("Systems used for critical infrastructure (Annex III, point 2) are excluded.", "Les systèmes utilisés pour les infrastructures critiques (annexe III, point 2) sont exclus.")
	case len(creditOrInsurance) > 0:
		c.Status = Met
		c.Triggers = []Trigger{{Ref: "profile:ai_act_area", Values: creditOrInsurance}}
		c.Explanation = t("Deployers of credit-scoring or life and health insurance pricing systems (Annex III, points 5(b) and (c)) must carry it out, whether public or private.", "Les déployeurs de systèmes de notation de crédit ou de tarification d’assurance vie et santé (annexe III, points 5.b et 5.c) doivent la réaliser, qu’ils soient publics ou privés.")
	case ps.Status == Met:
		c.Status = Met
		c.Triggers = ps.Triggers
		c.Explanation = t("Public bodies, and private bodies providing public services, must carry it out before using a high-risk system of Annex III.", "Les organismes publics, et les organismes privés assurant un service public, doivent la réaliser avant d’utiliser un système à haut risque de l’annexe III.")
	case ps.Status == Unknown:
		c.Status = Unknown
		c.Missing = ps.Missing
		c.Explanation = t("It depends on whether your organisation is a public body or provides public services.", "Cela dépend de ce que votre organisme est un organisme public ou assure un service public.")
	default:
		c.Explanation = t("Not required: your organisation is neither a public body nor a provider of public services, and the system is not used for credit scoring or life and health insurance pricing.", "Non requise : votre organisme n’est ni un organisme public ni un organisme assurant un service public, et le système n’est pas utilisé pour la notation de crédit ni la tarification d’assurance vie et santé.")
	}
	return c
}

// Role values of the profile.
const (
	RoleProvider = "provider"
	RoleDeployer = "deployer"
	RoleBoth     = "both"
)

// roleOwes reports whether an organisation of role owes a duty of owner ("" for every role). An
// unanswered role owes every duty, so that nothing is hidden.
func roleOwes(role, owner string) bool {
	return owner == "" || role == "" || role == RoleBoth || role == owner
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// evidence reads the scored questions that can evidence an obligation.
func evidence(in Input, ids []string) (Evidence, []EvidenceAnswer) {
	var answers []EvidenceAnswer
	full, some := true, false
	role := ""
	if v := in.values("profile:role"); len(v) > 0 {
		role = v[0]
	}
	for _, id := range ids {
		q := in.Questionnaire.Question(id)
		// a question for another role cannot evidence anything here; one hidden by an earlier
		// answer still to give counts as unanswered
		if q == nil || role != "" && !questionnaire.RoleMatches(q.AppliesTo, role) {
			continue
		}
		a := EvidenceAnswer{QuestionID: id}
		if v := in.values(id); len(v) > 0 {
			a.Value = v[0]
			opt := in.Questionnaire.OptionOf(q, a.Value)
			if opt != nil && opt.NotApplicable() {
				continue
			}
			if opt != nil && opt.Score != nil {
				a.Score = *opt.Score
			}
		}
		answers = append(answers, a)
		full = full && a.Score >= 1
		some = some || a.Score > 0
	}
	switch {
	case len(answers) == 0:
		return NotCovered, nil
	case full:
		return Evidenced, answers
	case some:
		return Partly, answers
	}
	return Gap, answers
}
