package screening

import (
	"slices"
	"strings"

	"aigrid/internal/questionnaire"
)

// DPIAOutcome is what the DPIA screening concludes.
type DPIAOutcome string

// The DPIA outcomes.
const (
	DPIARequired    DPIAOutcome = "required"        // a case of Art. 35(3), the CNIL's list, or the CNIL's AI presumption
	DPIALikely      DPIAOutcome = "likely_required" // two or more WP248 criteria
	DPIANotRequired DPIAOutcome = "not_required"    // no personal data, or fewer than two criteria with every fact known
	DPIACannotTell  DPIAOutcome = "cannot_tell"     // missing facts could change the outcome
)

// DPIAResult is the DPIA screening of one assessment.
type DPIAResult struct {
	Outcome DPIAOutcome `json:"outcome"`
	// Reasons explain the outcome in a few sentences, most decisive first.
	Reasons []questionnaire.Text `json:"reasons"`
	// PersonalData is Met when the system processes personal data, NotMet when it does not, and
	// Unknown when the profile does not say.
	PersonalData Status `json:"personal_data"`
	// Criteria are the nine criteria of WP248 rev.01, in the guidelines' order; Met counts those met.
	Criteria []Criterion `json:"criteria"`
	Met      int         `json:"met"`
	// Article35 are the cases of GDPR Art. 35(3) the answers can reveal.
	Article35 []Criterion `json:"article_35"`
	// CNILList are the types of the CNIL's list the answers can reveal.
	CNILList []Criterion `json:"cnil_list"`
	// CNILAI is the CNIL's presumption for high-risk AI systems.
	CNILAI Criterion `json:"cnil_ai"`
	// Missing are the facts that would settle open criteria: profile questions ("profile:id") and
	// questions of the grid.
	Missing []string `json:"missing,omitempty"`
	// Conducted says whether the grid's answers show a DPIA carried out (q7.2.3).
	Conducted  Evidence         `json:"conducted"`
	Answers    []EvidenceAnswer `json:"answers,omitempty"`
	References []string         `json:"references"`
	Sources    []Source         `json:"sources"`
}

// DPIA screens whether a DPIA is needed. highRisk is the AI Act screening's high-risk status.
func DPIA(in Input, highRisk Status) DPIAResult {
	r := DPIAResult{References: []string{"GDPR Art. 35(1)", "GDPR Art. 35(3)", "GDPR Art. 35(4)"},
		Sources: []Source{SourceWP248, SourceCNILList, SourceCNILAIDPIA}}
	switch v := in.values("profile:personal_data"); {
	case slices.Contains(v, "yes"):
		r.PersonalData = Met
	case slices.Contains(v, "no"):
		r.PersonalData = NotMet
	default:
		r.PersonalData = Unknown
	}
	byID := map[string]Criterion{}
	unknown := 0
	for _, rl := range wp248Rules {
		c := rl.evaluate(in)
		byID[c.ID] = c
		r.Criteria = append(r.Criteria, c)
		switch c.Status {
		case Met:
			r.Met++
		case Unknown:
			unknown++
		}
	}
	pairs := map[string][2]string{"art35_3_a": {"evaluation_scoring", "automated_decisions"}, "art35_3_b": {"sensitive_data", "large_scale"}}
	for _, rl := range art35Rules {
		p := pairs[rl.id]
		c := Criterion{ID: rl.id, Title: rl.title, Explanation: rl.explanation, References: rl.refs}
		c.Status = both(byID[p[0]].Status, byID[p[1]].Status)
		c.Triggers = append(slices.Clone(byID[p[0]].Triggers), byID[p[1]].Triggers...)
		if c.Status == Unknown {
			c.Missing = union(byID[p[0]].Missing, byID[p[1]].Missing)
		}
		if c.Status != Met {
			c.Triggers = nil
		}
		r.Article35 = append(r.Article35, c)
	}
	for _, rl := range cnilListRules {
		r.CNILList = append(r.CNILList, evaluateAll(rl, in, byID))
	}
	r.CNILAI = Criterion{ID: cnilAIRule.id, Title: cnilAIRule.title, Explanation: cnilAIRule.explanation,
		References: cnilAIRule.refs, Sources: cnilAIRule.sources, Status: highRisk}
	if v := in.values("q7.2.1"); slices.Contains(v, "high_risk_ai_act") {
		r.CNILAI.Status = Met
		r.CNILAI.Triggers = []Trigger{{Ref: "q7.2.1", Values: []string{"high_risk_ai_act"}}}
	} else if highRisk == Met {
		r.CNILAI.Triggers = []Trigger{{Ref: "screening:ai_act", Values: []string{"high_risk"}}}
	}

	r.Conducted, r.Answers = evidence(in, []string{"q7.2.3"})

	var required []questionnaire.Text
	for _, group := range [][]Criterion{r.Article35, r.CNILList, {r.CNILAI}} {
		for _, c := range group {
			if c.Status == Met {
				required = append(required, c.Title)
			}
		}
	}
	for _, group := range [][]Criterion{r.Criteria, r.Article35, r.CNILList, {r.CNILAI}} {
		for _, c := range group {
			if c.Status == Unknown {
				r.Missing = union(r.Missing, c.Missing)
			}
		}
	}
	if r.PersonalData == Unknown {
		r.Missing = union([]string{"profile:personal_data"}, r.Missing)
	}

	switch {
	case r.PersonalData == NotMet:
		r.Outcome = DPIANotRequired
		r.Reasons = append(r.Reasons, t("The profile says the system processes no personal data at any stage: the GDPR, and so its DPIA duty, does not apply (GDPR Art. 2(1)). Check this answer again if the system handles images, voices, identifiers or text about people.",
			"Le profil indique que le système ne traite aucune donnée personnelle : le RGPD, et donc son obligation d’AIPD, ne s’applique pas (article 2.1 du RGPD). Revoyez cette réponse si le système traite des images, des voix, des identifiants ou du texte décrivant des personnes."))
	case len(required) > 0:
		r.Outcome = DPIARequired
		r.Reasons = append(r.Reasons, t("At least one case that requires a DPIA is met: "+joinTexts(required, questionnaire.EN)+".",
			"Au moins un cas imposant une AIPD est rempli : "+joinTexts(required, questionnaire.FR)+"."))
	case r.Met >= 2:
		r.Outcome = DPIALikely
		r.Reasons = append(r.Reasons, t(itoa(r.Met)+" of the nine WP248 criteria are met: the guidelines say that two or more usually mean the processing needs a DPIA.",
			itoa(r.Met)+" des neuf critères des lignes directrices WP248 sont remplis : selon ces lignes directrices, en réunir deux ou plus impose en général une AIPD."))
	case r.Met+unknown >= 2 || r.PersonalData == Unknown && r.Met > 0:
		r.Outcome = DPIACannotTell
		r.Reasons = append(r.Reasons, t("The facts still missing could bring two or more criteria together: answer them to settle the question.",
			"Les faits encore manquants pourraient réunir deux critères ou plus : répondez-y pour trancher."))
	default:
		r.Outcome = DPIANotRequired
		r.Reasons = append(r.Reasons, t("Fewer than two WP248 criteria are met and no case that requires a DPIA is met. Record this screening and its reasons, and screen again when the system changes.",
			"Moins de deux critères des lignes directrices WP248 sont remplis et aucun cas imposant une AIPD n’est rempli. Conservez cette analyse et ses motifs, et refaites-la lorsque le système évolue."))
		if r.Met == 1 {
			r.Reasons = append(r.Reasons, t("One criterion is met: a single criterion can still call for a DPIA when the risk for people is high.",
				"Un critère est rempli : un seul critère peut suffire à justifier une AIPD lorsque le risque pour les personnes est élevé."))
		}
	}
	if r.PersonalData == Unknown && r.Outcome != DPIANotRequired {
		if r.Outcome == DPIARequired {
			r.Outcome = DPIALikely
		}
		r.Reasons = append(r.Reasons, t("The profile does not say whether personal data are processed; a DPIA is needed only if they are.",
			"Le profil n’indique pas si des données personnelles sont traitées ; une AIPD n’est nécessaire que si c’est le cas."))
	}
	return r
}

// both combines two statuses that must both be met.
func both(a, b Status) Status {
	switch {
	case a == Met && b == Met:
		return Met
	case a == NotMet || b == NotMet:
		return NotMet
	}
	return Unknown
}

// evaluateAll checks a rule all of whose signals must hold; a signal "criterion:id" holds when that
// criterion is met.
func evaluateAll(rl rule, in Input, crits map[string]Criterion) Criterion {
	c := Criterion{ID: rl.id, Title: rl.title, Explanation: rl.explanation, References: rl.refs, Sources: rl.sources, Status: Met}
	for _, s := range rl.any {
		st := NotMet
		var trig []Trigger
		var missing []string
		if id, ok := strings.CutPrefix(s.ref, "criterion:"); ok {
			cr := crits[id]
			st, trig, missing = cr.Status, cr.Triggers, cr.Missing
		} else {
			sub := rule{any: []signal{s}}.evaluate(in)
			st, trig, missing = sub.Status, sub.Triggers, sub.Missing
		}
		c.Status = both(c.Status, st)
		for _, tr := range trig {
			if !slices.ContainsFunc(c.Triggers, func(x Trigger) bool { return x.Ref == tr.Ref && slices.Equal(x.Values, tr.Values) }) {
				c.Triggers = append(c.Triggers, tr)
			}
		}
		c.Missing = union(c.Missing, missing)
	}
	if c.Status != Met {
		c.Triggers = nil
	}
	if c.Status != Unknown {
		c.Missing = nil
	}
	return c
}

func union(a, b []string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func joinTexts(ts []questionnaire.Text, lang questionnaire.Lang) string {
	parts := make([]string, len(ts))
	for i, x := range ts {
		r := []rune(x.In(lang))
		parts[i] = strings.ToLower(string(r[:1])) + string(r[1:])
	}
	if lang == questionnaire.FR {
		return strings.Join(parts, "\u00a0; ")
	}
	return strings.Join(parts, "; ")
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}
