package screening_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"aigrid/content"
	"aigrid/internal/questionnaire"
	"aigrid/internal/screening"
)

func shipped(t testing.TB) *questionnaire.Questionnaire {
	t.Helper()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	return qn
}

var on = time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)

type vals = map[string][]string

func screen(t *testing.T, profile, answers vals, day time.Time) screening.Result {
	t.Helper()
	return screening.Screen(screening.NewInput(shipped(t), profile, answers), day)
}

func criterion(t *testing.T, cs []screening.Criterion, id string) screening.Criterion {
	t.Helper()
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no criterion %q", id)
	return screening.Criterion{}
}

func obligation(r screening.AIActResult, id string) *screening.Obligation {
	for i := range r.Obligations {
		if r.Obligations[i].ID == id {
			return &r.Obligations[i]
		}
	}
	return nil
}

func obligationIDs(r screening.AIActResult) []string {
	var out []string
	for _, o := range r.Obligations {
		out = append(out, o.ID)
	}
	return out
}

func day(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

// both languages of a text, for checking results in French and English
func hasBoth(t *testing.T, what string, x questionnaire.Text, en, fr string) {
	t.Helper()
	if !strings.Contains(x.In(questionnaire.EN), en) {
		t.Errorf("%s (en) = %q, want it to contain %q", what, x.In(questionnaire.EN), en)
	}
	if !strings.Contains(x.In(questionnaire.FR), fr) {
		t.Errorf("%s (fr) = %q, want it to contain %q", what, x.In(questionnaire.FR), fr)
	}
}

// A private employer deploys a CV-screening system: Annex III point 4 (employment) makes it
// high-risk, profiling rules out the Art. 6(3) exception, the FRIA of Art. 27 is not required of a
// private employer, and the CNIL's list (profiling for HR management) requires a DPIA.
func TestCVScreeningByADeployer(t *testing.T) {
	profile := vals{"role": {"deployer"}, "personal_data": {"yes"}, "special_category": {"no"}, "vulnerable_people": {"yes"},
		"automated_decisions": {"yes"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"employment"}, "ai_act_narrow_task": {"no"},
		"ai_act_product": {"no"}, "gpai_model": {"no"}, "public_service": {"no"}, "generative_ai": {"no"}}
	answers := vals{"q7.2.1": {"evaluation_scoring"}, "q6.3.1": {"assesses_people"}, "q4.1.1": {"human_validates_each"}, "q4.1.2": {"in_place"}, "q4.1.3": {"partly"},
		"q5.2.1": {"not_in_place"}, "q7.4.5": {"in_place"}, "q1.5.3": {"in_place"}}
	r := screen(t, profile, answers, on)

	ai := r.AIAct
	if ai.Headline != screening.CatAnnexIII || ai.HighRisk != screening.Met {
		t.Fatalf("headline %q, high risk %q; want Annex III high-risk", ai.Headline, ai.HighRisk)
	}
	area := criterion(t, ai.Categories, screening.CatAnnexIII)
	if !reflect.DeepEqual(area.Triggers, []screening.Trigger{{Ref: "profile:ai_act_area", Values: []string{"employment"}}}) {
		t.Errorf("Annex III triggers = %+v", area.Triggers)
	}
	if ai.Profiling.Status != screening.Met {
		t.Errorf("profiling = %q, want met (q7.2.1 evaluation_scoring)", ai.Profiling.Status)
	}
	if ai.FRIA.Status != screening.NotMet {
		t.Errorf("FRIA = %q, want not required for a private employer", ai.FRIA.Status)
	}
	hasBoth(t, "FRIA explanation", ai.FRIA.Explanation, "Not required: your organisation is neither a public body", "Non requise\u00a0: votre organisme n’est ni un organisme public")

	want := []string{"art4_literacy", "art26_use_oversight", "art26_monitoring", "art26_logs", "art26_workers", "art26_inform", "art26_dpia"}
	if got := obligationIDs(ai); !reflect.DeepEqual(got, want) {
		t.Errorf("obligations = %v, want %v (deployer only, no FRIA, no provider duty)", got, want)
	}
	oversight := obligation(ai, "art26_use_oversight")
	if !oversight.From.Equal(day("2027-12-02")) || oversight.Applies || !oversight.Amended {
		t.Errorf("Art. 26 from %s applies=%v amended=%v; want 2 December 2027 (Annex III, as amended), not yet", oversight.From, oversight.Applies, oversight.Amended)
	}
	if oversight.Evidence != screening.Partly {
		t.Errorf("Art. 26(1) evidence = %q, want partly (q4.1.2 in place, q4.1.3 partly)", oversight.Evidence)
	}
	if e := obligation(ai, "art26_logs").Evidence; e != screening.Gap {
		t.Errorf("Art. 26(6) evidence = %q, want gap (q5.2.1 not in place)", e)
	}
	if e := obligation(ai, "art26_workers").Evidence; e != screening.NotCovered {
		t.Errorf("Art. 26(7) evidence = %q, want not covered", e)
	}
	lit := obligation(ai, "art4_literacy")
	if lit.Evidence != screening.Evidenced || !lit.Applies || !lit.From.Equal(day("2025-02-02")) {
		t.Errorf("Art. 4: %+v", lit)
	}
	hasBoth(t, "Art. 26(7)", obligation(ai, "art26_workers").Title, "Inform workers’ representatives", "Informer les représentants du personnel")

	d := r.DPIA
	if d.Outcome != screening.DPIARequired {
		t.Fatalf("DPIA outcome %q, want required; reasons %v", d.Outcome, d.Reasons)
	}
	hr := criterion(t, d.CNILList, "cnil_hr_profiling")
	if hr.Status != screening.Met || len(hr.Sources) == 0 || hr.Sources[0].Date != "2018-10-11" {
		t.Errorf("CNIL list HR profiling: %+v", hr)
	}
	if c := criterion(t, d.Article35, "art35_3_a"); c.Status != screening.Met {
		t.Errorf("Art. 35(3)(a) = %q, want met (evaluation + automated decisions)", c.Status)
	}
	if d.CNILAI.Status != screening.Met {
		t.Errorf("CNIL AI presumption = %q, want met (high-risk)", d.CNILAI.Status)
	}
	for _, id := range []string{"evaluation_scoring", "automated_decisions", "vulnerable_people"} {
		if c := criterion(t, d.Criteria, id); c.Status != screening.Met || len(c.Triggers) == 0 {
			t.Errorf("WP248 %s: %+v", id, c)
		}
	}
	hasBoth(t, "DPIA reason", d.Reasons[0], "profiling people for human resources management", "profilage de personnes à des fins de gestion des ressources humaines")
	if _, ok := r.Action(screening.DPIAActionKey); !ok {
		t.Error("the DPIA cannot be added to the action plan")
	}
	if _, ok := r.Action("screening:ai_act.art4_literacy"); ok {
		t.Error("an evidenced obligation is offered as an action")
	}
	if _, ok := r.Action("screening:ai_act.art26_logs"); !ok {
		t.Error("a gap is not offered as an action")
	}
}

// A customer-service chatbot that answers people: only the transparency duty of Art. 50(1), and
// AI literacy; no DPIA once every criterion is ruled out.
func TestChatbotTransparencyOnly(t *testing.T) {
	profile := vals{"role": {"both"}, "personal_data": {"yes"}, "special_category": {"no"}, "vulnerable_people": {"no"},
		"automated_decisions": {"no"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"none"}, "ai_act_product": {"no"},
		"gpai_model": {"no"}, "generative_ai": {"no"}}
	answers := vals{"q6.3.1": {"interacts"}, "q7.2.1": {"none"}, "q1.3.1": {"in_place"}, "q1.3.3": {"from_1k_to_100k"}, "q6.3.2": {"partly"}}
	r := screen(t, profile, answers, on)
	ai := r.AIAct
	if ai.Headline != screening.CatTransparency || ai.HighRisk != screening.NotMet {
		t.Fatalf("headline %q high-risk %q, want transparency only", ai.Headline, ai.HighRisk)
	}
	if got, want := obligationIDs(ai), []string{"art4_literacy", "art50_1_interaction"}; !reflect.DeepEqual(got, want) {
		t.Errorf("obligations = %v, want %v", got, want)
	}
	o := obligation(ai, "art50_1_interaction")
	if !o.From.Equal(day("2026-08-02")) || !o.Applies || o.Evidence != screening.Partly {
		t.Errorf("Art. 50(1): from %s applies %v evidence %q", o.From, o.Applies, o.Evidence)
	}
	hasBoth(t, "Art. 50(1)", o.Title, "know they are interacting with AI", "sachent qu’elles interagissent avec une IA")
	if r.DPIA.Outcome != screening.DPIANotRequired || r.DPIA.Met != 0 {
		t.Errorf("DPIA %q with %d criteria, want not required with none", r.DPIA.Outcome, r.DPIA.Met)
	}
	hasBoth(t, "DPIA reason", r.DPIA.Reasons[0], "Fewer than two WP248 criteria", "Moins de deux critères")
	if len(r.DPIA.Missing) != 0 || len(ai.Missing) != 0 {
		t.Errorf("missing facts: DPIA %v, AI Act %v", r.DPIA.Missing, ai.Missing)
	}
}

// A provider that trains a general-purpose model on scraped web data: Art. 53 from 2 August 2025
// (2 August 2027 for models already on the market), the Art. 50(2) marking of generated content,
// and a DPIA that is likely required (large scale, combined sources).
func TestScrapingGPAIProvider(t *testing.T) {
	profile := vals{"role": {"provider"}, "personal_data": {"yes"}, "special_category": {"dont_know"}, "vulnerable_people": {"no"},
		"automated_decisions": {"no"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"none"}, "ai_act_product": {"no"},
		"gpai_model": {"yes"}, "generative_ai": {"yes"}, "web_scraping": {"yes"}}
	answers := vals{"q2.1.1": {"web_scraping", "third_party_dataset"}, "q1.3.1": {"in_place"}, "q1.3.3": {"more_than_1m"}, "q6.3.1": {"generates_content"},
		"q2.3.3": {"in_place"}, "q2.6.1": {"not_in_place"}}
	r := screen(t, profile, answers, on)
	ai := r.AIAct
	if ai.Headline != screening.CatGPAI {
		t.Fatalf("headline %q, want gpai", ai.Headline)
	}
	want := []string{"art4_literacy", "art50_2_marking", "art53_documentation", "art53_copyright", "art53_summary"}
	if got := obligationIDs(ai); !reflect.DeepEqual(got, want) {
		t.Errorf("obligations = %v, want %v", got, want)
	}
	o := obligation(ai, "art53_summary")
	if !o.From.Equal(day("2025-08-02")) || o.Grace == nil || !o.Grace.Equal(day("2027-08-02")) || !o.Applies || o.Evidence != screening.Gap {
		t.Errorf("Art. 53(1)(d): %+v", o)
	}
	if e := obligation(ai, "art53_copyright").Evidence; e != screening.Evidenced {
		t.Errorf("copyright policy evidence %q, want evidenced by q2.3.3", e)
	}
	m := obligation(ai, "art50_2_marking")
	if m.Grace == nil || !m.Grace.Equal(day("2026-12-02")) || !m.Amended {
		t.Errorf("Art. 50(2) grace: %+v", m)
	}
	d := r.DPIA
	if d.Outcome != screening.DPIALikely || d.Met != 2 {
		t.Fatalf("DPIA %q with %d criteria, want likely required with 2", d.Outcome, d.Met)
	}
	if c := criterion(t, d.Criteria, "data_matching"); !reflect.DeepEqual(c.Triggers, []screening.Trigger{{Ref: "q2.1.1", Values: []string{"web_scraping", "third_party_dataset"}}}) {
		t.Errorf("data matching triggers %+v", c.Triggers)
	}
	if c := criterion(t, d.Criteria, "sensitive_data"); c.Status != screening.Unknown || !slices.Contains(c.Missing, "profile:special_category") {
		t.Errorf("sensitive data: %+v, want unknown, asking profile:special_category", c)
	}
	hasBoth(t, "DPIA reason", d.Reasons[0], "2 of the nine WP248 criteria are met", "2 des neuf critères des lignes directrices WP248 sont remplis")
}

func TestProhibitedPracticeDates(t *testing.T) {
	profile := vals{"role": {"provider"}, "ai_act_prohibited": {"csam_ncii"}}
	before := screen(t, profile, nil, day("2026-11-30")).AIAct
	if before.Headline != screening.CatProhibited {
		t.Fatalf("headline %q", before.Headline)
	}
	o := obligation(before, "art5_stop")
	if !o.From.Equal(day("2026-12-02")) || o.Applies || !o.Amended {
		t.Errorf("new prohibition before 2 December 2026: %+v", o)
	}
	if !obligation(screen(t, profile, nil, day("2026-12-02")).AIAct, "art5_stop").Applies {
		t.Error("the new prohibition does not apply on 2 December 2026")
	}
	older := obligation(screen(t, vals{"ai_act_prohibited": {"social_scoring", "csam_ncii"}}, nil, on).AIAct, "art5_stop")
	if !older.From.Equal(day("2025-02-02")) {
		t.Errorf("social scoring banned from %s, want 2 February 2025", older.From)
	}
}

// A provider whose education tool only does a preparatory task without profiling: the Art. 6(3)
// exception, documented under Art. 6(4); no high-risk duties.
func TestNarrowTaskException(t *testing.T) {
	profile := vals{"role": {"provider"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"education"}, "ai_act_narrow_task": {"yes"},
		"ai_act_product": {"no"}, "gpai_model": {"no"}, "automated_decisions": {"no"}}
	ai := screen(t, profile, vals{"q6.3.1": {"internal_only"}}, on).AIAct
	if ai.HighRisk != screening.NotMet {
		t.Fatalf("high risk %q, want not met under Art. 6(3)", ai.HighRisk)
	}
	if got, want := obligationIDs(ai), []string{"art4_literacy", "art6_4_document"}; !reflect.DeepEqual(got, want) {
		t.Errorf("obligations %v, want %v", got, want)
	}
	// the same system that profiles people is high-risk
	profile["automated_decisions"] = []string{"yes"}
	if ai := screen(t, profile, nil, on).AIAct; ai.HighRisk != screening.Met || obligation(ai, "art9_risk") == nil {
		t.Errorf("with profiling: high risk %q, obligations %v", ai.HighRisk, obligationIDs(ai))
	}
}

func TestFRIA(t *testing.T) {
	for _, tc := range []struct {
		name    string
		profile vals
		want    screening.Status
	}{
		{"public body, public benefits", vals{"role": {"deployer"}, "ai_act_area": {"public_benefits"}, "public_service": {"yes"}}, screening.Met},
		{"private lender, credit scoring", vals{"role": {"deployer"}, "ai_act_area": {"credit_scoring"}, "public_service": {"no"}}, screening.Met},
		{"public body, critical infrastructure only", vals{"role": {"deployer"}, "ai_act_area": {"critical_infrastructure"}, "public_service": {"yes"}}, screening.NotMet},
		{"provider", vals{"role": {"provider"}, "ai_act_area": {"credit_scoring"}}, screening.NotMet},
		{"unknown public status", vals{"role": {"deployer"}, "ai_act_area": {"education"}}, screening.Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.profile["ai_act_narrow_task"] = []string{"no"}
			ai := screen(t, tc.profile, nil, on).AIAct
			if ai.FRIA.Status != tc.want {
				t.Errorf("FRIA %q, want %q (%s)", ai.FRIA.Status, tc.want, ai.FRIA.Explanation.EN)
			}
			if got := obligation(ai, "art27_fria") != nil; got != (tc.want == screening.Met) {
				t.Errorf("Art. 27 obligation listed: %v", got)
			}
			if tc.want == screening.Unknown && !slices.Contains(ai.Missing, "profile:public_service") {
				t.Errorf("missing %v, want profile:public_service", ai.Missing)
			}
		})
	}
}

func TestAnnexIProduct(t *testing.T) {
	ai := screen(t, vals{"role": {"provider"}, "ai_act_product": {"yes"}, "ai_act_area": {"none"}}, nil, on).AIAct
	if ai.Headline != screening.CatAnnexI {
		t.Fatalf("headline %q", ai.Headline)
	}
	if o := obligation(ai, "art43_conformity"); o == nil || !o.From.Equal(day("2028-08-02")) {
		t.Errorf("conformity assessment: %+v, want from 2 August 2028", o)
	}
	if obligation(ai, "art49_register") != nil {
		t.Error("Annex III registration listed for an Annex I product")
	}
}

func TestNoPersonalData(t *testing.T) {
	r := screen(t, vals{"personal_data": {"no"}, "special_category": {"yes"}}, nil, on)
	if r.DPIA.Outcome != screening.DPIANotRequired {
		t.Errorf("DPIA %q, want not required without personal data", r.DPIA.Outcome)
	}
	hasBoth(t, "reason", r.DPIA.Reasons[0], "GDPR Art. 2(1)", "article 2.1 du RGPD")
	if len(r.Actions()) == 0 || r.Actions()[0].Key == screening.DPIAActionKey {
		t.Errorf("actions %v", r.Actions())
	}
}

// With an empty profile nothing is decided: both screenings say what they need.
func TestEmptyProfileCannotTell(t *testing.T) {
	r := screen(t, vals{}, nil, on)
	if r.DPIA.Outcome != screening.DPIACannotTell {
		t.Errorf("DPIA %q, want cannot tell", r.DPIA.Outcome)
	}
	if r.AIAct.Headline != screening.CatCannotTell {
		t.Errorf("AI Act %q, want cannot tell", r.AIAct.Headline)
	}
	// q7.2.1 is asked only once the profile says personal data are (or may be) processed
	for _, want := range []string{"profile:personal_data", "profile:special_category", "profile:automated_decisions"} {
		if !slices.Contains(r.DPIA.Missing, want) {
			t.Errorf("DPIA missing %v, want %s", r.DPIA.Missing, want)
		}
	}
	for _, want := range []string{"profile:ai_act_prohibited", "profile:ai_act_area", "profile:ai_act_product", "profile:gpai_model"} {
		if !slices.Contains(r.AIAct.Missing, want) {
			t.Errorf("AI Act missing %v, want %s", r.AIAct.Missing, want)
		}
	}
	// an unanswered role owes every duty of the categories met; only Art. 4 here
	if got := obligationIDs(r.AIAct); !reflect.DeepEqual(got, []string{"art4_literacy"}) {
		t.Errorf("obligations %v", got)
	}
}

// Answers to questions hidden by the profile do not count (as in scoring).
func TestHiddenAnswersIgnored(t *testing.T) {
	// q7.2.1 applies only where personal data are (or may be) processed
	r := screen(t, vals{"personal_data": {"no"}}, vals{"q7.2.1": {"evaluation_scoring", "large_scale"}}, on)
	if r.DPIA.Met != 0 {
		t.Errorf("%d criteria met from a hidden question", r.DPIA.Met)
	}
}

// Every fact the rules read exists in the shipped content, with the option values the rules use;
// evidence questions are scored; legal references parse; texts exist in both languages with French
// typography.
func TestRulesMatchContent(t *testing.T) {
	qn := shipped(t)
	for _, ref := range screening.Refs() {
		if id, ok := strings.CutPrefix(ref, screening.ProfilePrefix); ok {
			if qn.ProfileQuestion(id) == nil {
				t.Errorf("rules read unknown profile question %q", id)
			}
			continue
		}
		if qn.Question(ref) == nil {
			t.Errorf("rules read unknown question %q", ref)
		}
	}
	for ref, values := range screening.Values() {
		var has func(string) bool
		if id, ok := strings.CutPrefix(ref, screening.ProfilePrefix); ok {
			pq := qn.ProfileQuestion(id)
			has = func(v string) bool { return pq != nil && pq.Option(v) != nil }
		} else {
			q := qn.Question(ref)
			has = func(v string) bool { return q != nil && q.Option(v) != nil }
		}
		for _, v := range values {
			if !has(v) {
				t.Errorf("rules use option %q of %s, which does not exist", v, ref)
			}
		}
	}
	for _, id := range screening.EvidenceQuestions() {
		if q := qn.Question(id); q == nil || !q.Scored() {
			t.Errorf("evidence question %s is not a scored question", id)
		}
	}
	r := screen(t, vals{"role": {"both"}, "ai_act_prohibited": {"social_scoring"}, "ai_act_area": {"employment", "credit_scoring", "biometrics"},
		"ai_act_product": {"yes"}, "gpai_model": {"systemic"}, "generative_ai": {"yes"}, "ai_act_narrow_task": {"no"}},
		vals{"q6.3.1": {"interacts", "generates_content"}}, on)
	var texts []questionnaire.Text
	var refs []string
	for _, c := range append(append(append(append(slices.Clone(r.AIAct.Categories), r.AIAct.Transparency...), r.AIAct.FRIA, r.AIAct.Exception, r.AIAct.Profiling),
		append(append(slices.Clone(r.DPIA.Criteria), r.DPIA.Article35...), r.DPIA.CNILList...)...), r.DPIA.CNILAI) {
		texts = append(texts, c.Title, c.Explanation)
		refs = append(refs, c.References...)
		for _, s := range c.Sources {
			texts = append(texts, s.Title)
		}
	}
	for _, o := range r.AIAct.Obligations {
		texts = append(texts, o.Title, o.Detail)
		refs = append(refs, o.References...)
	}
	texts = append(texts, r.DPIA.Reasons...)
	for _, s := range append(r.DPIA.Sources, r.AIAct.Sources...) {
		texts = append(texts, s.Title, s.Note)
	}
	if n := len(r.AIAct.Obligations); n < 25 {
		t.Errorf("only %d obligations with every category met", n)
	}
	for _, x := range texts {
		if x == (questionnaire.Text{}) {
			continue
		}
		if !x.Has(questionnaire.EN) || !x.Has(questionnaire.FR) {
			t.Errorf("text missing a language: %+v", x)
		}
		for _, bad := range []string{" :", " ;", " ?", " !", "« ", " »", "'"} {
			if strings.Contains(x.FR, bad) {
				t.Errorf("French typography (%q): %q", bad, x.FR)
			}
		}
	}
	for _, ref := range append(refs, r.DPIA.References...) {
		if _, err := questionnaire.ParseReference(ref); err != nil {
			t.Error(err)
		}
	}
}

// The screenings are pure: the same input gives the same result, and the input is not modified.
func TestDeterministic(t *testing.T) {
	profile := vals{"role": {"deployer"}, "personal_data": {"yes"}, "ai_act_area": {"employment", "education"}}
	answers := vals{"q7.2.1": {"large_scale", "evaluation_scoring"}}
	a := screen(t, profile, answers, on)
	b := screen(t, profile, answers, on)
	if !reflect.DeepEqual(a, b) {
		t.Error("two screenings of the same input differ")
	}
	if !reflect.DeepEqual(profile["ai_act_area"], []string{"employment", "education"}) {
		t.Error("the profile was modified")
	}
}
