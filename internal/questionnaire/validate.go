package questionnaire

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	versionRe    = regexp.MustCompile(`^[0-9]{4}\.[0-9]+$`)
	dateRe       = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	optionIDRe   = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	sourceIDRe   = regexp.MustCompile(`^[a-z][a-z0-9]*(-[a-z0-9]+)*$`)
	certainties  = []Certainty{CertaintyCNILPage, CertaintyThirdParty, CertaintyDerived}
	outlineRe    = regexp.MustCompile(`^([1-7]\.([0-9]+|[A-Z])\.[0-9]+[a-z]?|rec-[0-9]+)$`)
	priorities   = []string{"high", "medium", "low"}
	appliesTo    = []string{RoleProvider, RoleDeployer, RoleBoth}
	importances  = []Importance{LegalObligation, CNILGoodPractice, Recommended}
	requiredOpts = []string{"in_place", "not_in_place", OptionDontKnow, OptionNotApplicable}
)

// problems collects validation messages as "file:path: message".
type problems struct{ errs []error }

func (p *problems) add(file, at, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s:%s: %s", file, at, fmt.Sprintf(format, args...)))
}

// text checks that a translated string exists in every language and that its French follows the
// house typography.
func (p *problems) text(file, at string, t Text) {
	if !t.Has(EN) {
		p.add(file, at+".en", "missing English text")
	}
	if !t.Has(FR) {
		p.add(file, at+".fr", "missing French text")
	} else if msg := frenchTypography(t.FR); msg != "" {
		p.add(file, at+".fr", "%s", msg)
	}
}

// frenchTypography reports the first typographic fault of a French string: a high punctuation mark
// (: ; ! ?) or a guillemet without a non-breaking space.
func frenchTypography(s string) string {
	nbsp := func(r rune) bool { return r == '\u00a0' || r == '\u202f' }
	prev := rune(0)
	for i, r := range s {
		next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
		switch r {
		case ':', ';', '!', '?':
			if prev == ' ' {
				return fmt.Sprintf("use a non-breaking space (U+00A0) before %q, not an ordinary space: %q", r, excerpt(s, i))
			}
			glued := unicode.IsLetter(prev) || prev == ')' || prev == '»' || (r != ':' && unicode.IsDigit(prev))
			if glued && (r != ':' || next != '/') {
				return fmt.Sprintf("put a non-breaking space (U+00A0) before %q: %q", r, excerpt(s, i))
			}
		case '«':
			if !nbsp(next) {
				return fmt.Sprintf("put a non-breaking space (U+00A0) after «: %q", excerpt(s, i))
			}
		case '»':
			if !nbsp(prev) {
				return fmt.Sprintf("put a non-breaking space (U+00A0) before »: %q", excerpt(s, i))
			}
		}
		prev = r
	}
	return ""
}

func excerpt(s string, i int) string {
	start, end := max(0, i-20), min(len(s), i+10)
	for start > 0 && !utf8.RuneStart(s[start]) {
		start--
	}
	for end < len(s) && !utf8.RuneStart(s[end]) {
		end++
	}
	return "…" + s[start:end] + "…"
}

// validate checks the whole questionnaire and reports every problem at once.
func (qn *Questionnaire) validate() error {
	p := new(problems)
	const mf = MainFile
	if !versionRe.MatchString(qn.Version) {
		p.add(mf, "version", "version %q must look like 2026.1", qn.Version)
	}
	if len(qn.Changelog) == 0 {
		p.add(mf, "changelog", "at least one changelog entry is required")
	} else if qn.Changelog[0].Version != qn.Version {
		p.add(mf, "changelog[0].version", "the newest changelog entry is %q but the content version is %q", qn.Changelog[0].Version, qn.Version)
	}
	for i, c := range qn.Changelog {
		at := fmt.Sprintf("changelog[%d]", i)
		if !versionRe.MatchString(c.Version) {
			p.add(mf, at+".version", "version %q must look like 2026.1", c.Version)
		}
		if !dateRe.MatchString(c.Date) {
			p.add(mf, at+".date", "date %q must be YYYY-MM-DD", c.Date)
		}
		p.text(mf, at+".changes", c.Changes)
	}
	p.text(mf, "intro.title", qn.Intro.Title)
	p.text(mf, "intro.body", qn.Intro.Body)
	for i, d := range qn.Intro.Definitions {
		p.text(mf, fmt.Sprintf("intro.definitions[%d].term", i), d.Term)
		p.text(mf, fmt.Sprintf("intro.definitions[%d].definition", i), d.Definition)
	}

	for i, r := range qn.Intro.Resources {
		at := fmt.Sprintf("intro.resources[%d]", i)
		p.text(mf, at+".title", r.Title)
		p.text(mf, at+".description", r.Description)
		if u, err := url.Parse(r.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			p.add(mf, at+".url", "url %q must be an https:// address", r.URL)
		}
	}

	qn.validateScale(p)
	profile := qn.validateProfile(p)
	sources := qn.validateSources(p)

	sheetIDs := map[string]bool{}
	sectionIDs := map[string]bool{}
	questions := map[string]*Question{}
	var order []*Question
	for _, s := range qn.Sheets {
		f := s.file
		if sheetIDs[s.ID] {
			p.add(f, "id", "duplicate sheet id %q", s.ID)
		}
		sheetIDs[s.ID] = true
		p.text(f, "title", s.Title)
		p.text(f, "purpose", s.Purpose)
		if len(s.Sections) == 0 {
			p.add(f, "sections", "a sheet needs at least one section")
		}
		for i, sec := range s.Sections {
			sec.Sheet = s
			at := fmt.Sprintf("sections[%d]", i)
			if sec.ID != fmt.Sprintf("%s.%d", s.ID, i+1) {
				p.add(f, at+".id", "section id %q: want %q (sections are numbered in order)", sec.ID, fmt.Sprintf("%s.%d", s.ID, i+1))
			}
			if sectionIDs[sec.ID] {
				p.add(f, at+".id", "duplicate section id %q", sec.ID)
			}
			sectionIDs[sec.ID] = true
			p.text(f, at+".title", sec.Title)
			p.text(f, at+".why", sec.Why)
			if len(sec.Questions) == 0 {
				p.add(f, at+".questions", "a section needs at least one question")
			}
			for j, q := range sec.Questions {
				q.Section = sec
				qat := fmt.Sprintf("%s.questions[%d]", at, j)
				if q.ID != "" {
					qat = fmt.Sprintf("%s.questions[%s]", at, q.ID)
				}
				if !strings.HasPrefix(q.ID, "q"+sec.ID+".") || !isNumber(strings.TrimPrefix(q.ID, "q"+sec.ID+".")) {
					p.add(f, qat+".id", "question id %q must be q%s.<n>", q.ID, sec.ID)
				}
				if questions[q.ID] != nil {
					p.add(f, qat+".id", "duplicate question id %q", q.ID)
				}
				questions[q.ID] = q
				order = append(order, q)
				qn.validateQuestion(p, f, qat, q)
				checkQuestionSource(p, f, qat, q, sources)
			}
		}
	}

	// Conditions: references must exist; question dependencies must not loop.
	for _, s := range qn.Sheets {
		for i, sec := range s.Sections {
			for _, q := range sec.Questions {
				if id := q.SameObligationAs; id != "" {
					at := fmt.Sprintf("sections[%d].questions[%s].same_obligation_as", i, q.ID)
					switch t := questions[id]; {
					case t == nil:
						p.add(s.file, at, "unknown question %q", id)
					case t == q:
						p.add(s.file, at, "a question cannot name itself")
					case t.Importance != LegalObligation || !t.Counted():
						p.add(s.file, at, "%s is not a counted legal obligation", id)
					case t.SameObligationAs != "":
						p.add(s.file, at, "%s names %s in turn: name the question that caps", id, t.SameObligationAs)
					}
				}
				if q.Condition != nil {
					at := fmt.Sprintf("sections[%d].questions[%s].condition", i, q.ID)
					checkCondition(p, s.file, at, q.Condition, q, profile, questions, qn.Scale)
				}
			}
		}
	}
	qn.validateModel(p)
	qn.validateMarks(p, questions)
	if len(p.errs) == 0 {
		checkCycles(p, order, questions)
	}
	return errors.Join(p.errs...)
}

// ScoringModels lists the scoring models a version may declare (docs/scoring.md).
var ScoringModels = []int{1, 2}

// validateModel checks the declared scoring model and refuses, in a model 1 version, the content
// features only model 2 scores: fact questions (neutral options, scored multiple choices) and
// same_obligation_as.
func (qn *Questionnaire) validateModel(p *problems) {
	const mf = MainFile
	if !slices.Contains(ScoringModels, qn.ScoringModel) {
		p.add(mf, "scoring_model", "scoring_model %d: want one of %v (docs/scoring.md)", qn.ScoringModel, ScoringModels)
		return
	}
	if qn.ScoringModel >= 2 {
		return
	}
	for _, s := range qn.Sheets {
		for i, sec := range s.Sections {
			for _, q := range sec.Questions {
				at := fmt.Sprintf("sections[%d].questions[%s]", i, q.ID)
				if q.SameObligationAs != "" {
					p.add(s.file, at+".same_obligation_as", "same_obligation_as needs scoring_model 2 (this version declares %d)", qn.ScoringModel)
				}
				if q.Fact() {
					p.add(s.file, at+".options", "a fact question (neutral options or a scored multiple choice) needs scoring_model 2 (this version declares %d)", qn.ScoringModel)
				}
			}
		}
	}
}

// validateMarks checks what this version can check of its declared differences on its own: the
// declared and replaced ids are well formed, the retired and replaced ones are no longer asked,
// nothing is declared twice. Whether they are true is checked against the previous version by
// LoadCatalog.
func (qn *Questionnaire) validateMarks(p *problems, questions map[string]*Question) {
	const mf = MainFile
	if qn.Previous != "" && !versionRe.MatchString(qn.Previous) {
		p.add(mf, "previous", "previous %q must look like 2026.1", qn.Previous)
	}
	if qn.Previous == "" && (len(qn.Retired) > 0 || len(qn.Changes.Added)+len(qn.Changes.Reworded)+len(qn.Changes.Options)+len(qn.Changes.Rules) > 0) {
		p.add(mf, "changes", "differences are declared but there is no previous version")
	}
	seen := map[string]string{}
	mark := func(file, at, id, kind string) {
		if prev, ok := seen[kind+" "+id]; ok {
			p.add(file, at, "%s is declared twice (also at %s)", id, prev)
		}
		seen[kind+" "+id] = at
	}
	for i, id := range qn.Retired {
		at := fmt.Sprintf("retired[%d]", i)
		mark(mf, at, id, "retired")
		if questions[id] != nil {
			p.add(mf, at, "%s is retired but still asked: remove it or the mark", id)
		}
	}
	lists := []struct {
		name string
		ids  []string
	}{{"added", qn.Changes.Added}, {"reworded", qn.Changes.Reworded}, {"options", qn.Changes.Options}, {"rules", qn.Changes.Rules}}
	for _, l := range lists {
		for i, id := range l.ids {
			at := fmt.Sprintf("changes.%s[%d]", l.name, i)
			mark(mf, at, id, l.name)
			if questions[id] == nil {
				p.add(mf, at, "unknown question %q", id)
			}
		}
	}
	for _, s := range qn.Sheets {
		for i, sec := range s.Sections {
			for _, q := range sec.Questions {
				if q.Replaces == "" {
					continue
				}
				at := fmt.Sprintf("sections[%d].questions[%s].replaces", i, q.ID)
				switch {
				case qn.Previous == "":
					p.add(s.file, at, "replaces needs a previous version")
				case questions[q.Replaces] != nil:
					p.add(s.file, at, "%s is still asked in this version: a question can only replace one that is gone", q.Replaces)
				case slices.Contains(qn.Retired, q.Replaces):
					p.add(s.file, at, "%s is both replaced and retired", q.Replaces)
				}
				mark(s.file, at, q.Replaces, "replaced")
			}
		}
	}
}

// validateSources checks the sources registry: ids, titles, https addresses, dates and certainty.
func (qn *Questionnaire) validateSources(p *problems) map[string]*Source {
	const mf = MainFile
	byID := map[string]*Source{}
	if len(qn.Sources) == 0 {
		p.add(mf, "sources", "the sources registry is empty: every question must name its source")
	}
	for i, src := range qn.Sources {
		at := fmt.Sprintf("sources[%d]", i)
		if src.ID != "" {
			at = fmt.Sprintf("sources[%s]", src.ID)
		}
		if !sourceIDRe.MatchString(src.ID) {
			p.add(mf, at+".id", "source id %q must be lower-case words joined by hyphens", src.ID)
		}
		if byID[src.ID] != nil {
			p.add(mf, at+".id", "duplicate source id %q", src.ID)
		}
		byID[src.ID] = src
		p.text(mf, at+".title", src.Title)
		if strings.TrimSpace(src.Publisher) == "" {
			p.add(mf, at+".publisher", "name who published the page that was read")
		}
		if u, err := url.Parse(src.URL); err != nil || u.Scheme != "https" || u.Host == "" {
			p.add(mf, at+".url", "url %q must be an https:// address", src.URL)
		}
		if src.Published != "" && !validDate(src.Published) {
			p.add(mf, at+".published", "published %q must be a date YYYY-MM-DD, or be left out when it could not be verified", src.Published)
		}
		switch {
		case src.Checked == "":
			p.add(mf, at+".checked", "say when the source was last read (YYYY-MM-DD)")
		case !validDate(src.Checked):
			p.add(mf, at+".checked", "checked %q must be a date YYYY-MM-DD", src.Checked)
		case src.Published != "" && validDate(src.Published) && src.Checked < src.Published:
			p.add(mf, at+".checked", "checked %s is before published %s", src.Checked, src.Published)
		}
		if !contains(certainties, src.Certainty) {
			p.add(mf, at+".certainty", "certainty %q must be cnil_page, third_party or derived", src.Certainty)
		}
		if src.Note != (Text{}) {
			p.text(mf, at+".note", src.Note)
		}
	}
	return byID
}

// checkQuestionSource checks that a question names a known source, and that its own certainty mark,
// if any, is valid and says something its source does not.
func checkQuestionSource(p *problems, f, at string, q *Question, sources map[string]*Source) {
	src := sources[q.Source]
	switch {
	case q.Source == "":
		p.add(f, at+".source", "missing source: the id of a publication in the sources of %s", MainFile)
	case src == nil:
		p.add(f, at+".source", "unknown source %q: add it to the sources of %s", q.Source, MainFile)
	}
	if q.Certainty == "" {
		return
	}
	switch {
	case !contains(certainties, q.Certainty):
		p.add(f, at+".certainty", "certainty %q must be cnil_page, third_party or derived", q.Certainty)
	case src != nil && src.Certainty == q.Certainty:
		p.add(f, at+".certainty", "certainty %q is already the certainty of %s: leave it out", q.Certainty, q.Source)
	}
}

// validDate reports whether s is a real calendar date written YYYY-MM-DD.
func validDate(s string) bool {
	if !dateRe.MatchString(s) {
		return false
	}
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

func isNumber(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (qn *Questionnaire) validateScale(p *problems) {
	const mf = MainFile
	seen := map[string]bool{}
	for i, o := range qn.Scale {
		at := fmt.Sprintf("scale[%d]", i)
		checkOption(p, mf, at, o, seen)
		switch {
		case o.ID == OptionNotApplicable && o.Score != nil:
			p.add(mf, at+".score", "not applicable is excluded from scores and takes no score")
		case o.ID != OptionNotApplicable && o.Score == nil:
			p.add(mf, at+".score", "every scale option but not_applicable needs a score")
		}
	}
	for _, id := range requiredOpts {
		if !seen[id] {
			p.add(mf, "scale", "the scale must have an option %q", id)
		}
	}
}

func checkOption(p *problems, file, at string, o *Option, seen map[string]bool) {
	if !optionIDRe.MatchString(o.ID) {
		p.add(file, at+".id", "option id %q must be lower_snake_case", o.ID)
	}
	if seen[o.ID] {
		p.add(file, at+".id", "duplicate option id %q", o.ID)
	}
	seen[o.ID] = true
	p.text(file, at+".label", o.Label)
	if o.Score != nil && (*o.Score < 0 || *o.Score > 1) {
		p.add(file, at+".score", "score %g is out of range [0, 1]", *o.Score)
	}
}

func (qn *Questionnaire) validateProfile(p *problems) map[string]*ProfileQuestion {
	const mf = MainFile
	byID := map[string]*ProfileQuestion{}
	for i, pq := range qn.Profile {
		at := fmt.Sprintf("profile[%d]", i)
		if pq.ID != "" {
			at = fmt.Sprintf("profile[%s]", pq.ID)
		}
		if !optionIDRe.MatchString(pq.ID) {
			p.add(mf, at+".id", "profile id %q must be lower_snake_case", pq.ID)
		}
		if byID[pq.ID] != nil {
			p.add(mf, at+".id", "duplicate profile id %q", pq.ID)
		}
		byID[pq.ID] = pq
		if !pq.Kind.Profile() {
			p.add(mf, at+".kind", "profile questions are %s, not %q", kindList(Kind.Profile, "or"), pq.Kind)
		}
		p.text(mf, at+".text", pq.Text)
		if pq.Help != (Text{}) {
			p.text(mf, at+".help", pq.Help)
		}
		if len(pq.Options) < 2 {
			p.add(mf, at+".options", "a profile question needs at least two options")
		}
		seen := map[string]bool{}
		for j, o := range pq.Options {
			oat := fmt.Sprintf("%s.options[%d]", at, j)
			checkOption(p, mf, oat, o, seen)
			if o.Score != nil {
				p.add(mf, oat+".score", "profile options are not scored")
			}
		}
	}
	role := byID[ProfileRole]
	if role == nil {
		p.add(mf, "profile", "the profile must have the %q question", ProfileRole)
	} else {
		for _, id := range appliesTo {
			if role.Option(id) == nil {
				p.add(mf, "profile[role].options", "the role question needs the option %q", id)
			}
		}
	}
	return byID
}

func (qn *Questionnaire) validateQuestion(p *problems, f, at string, q *Question) {
	if len(q.Outline) == 0 {
		p.add(f, at+".outline", "missing outline number (the row of cnil-outline.md, or rec-N)")
	}
	for _, o := range q.Outline {
		if !outlineRe.MatchString(o) {
			p.add(f, at+".outline", "outline %q must look like 2.A.4, 1.1.4a or rec-9", o)
		}
	}
	if !contains(appliesTo, q.AppliesTo) {
		p.add(f, at+".applies_to", "applies_to %q must be provider, deployer or both", q.AppliesTo)
	}
	if !contains(importances, q.Importance) {
		p.add(f, at+".importance", "importance %q must be legal_obligation, cnil_good_practice or recommended", q.Importance)
	}
	p.text(f, at+".text", q.Text)
	p.text(f, at+".help", q.Help)
	if len(q.References) == 0 {
		p.add(f, at+".references", "at least one legal reference is required")
	}
	for i, r := range q.References {
		if _, err := ParseReference(r); err != nil {
			p.add(f, fmt.Sprintf("%s.references[%d]", at, i), "%v", err)
		}
	}

	switch {
	case !q.Kind.Known():
		p.add(f, at+".kind", "kind %q must be %s", q.Kind, kindList(Kind.Known, "or"))
	case q.Kind.Options() != OwnOptions:
		if len(q.Options) > 0 {
			p.add(f, at+".options", "a %s question takes no options", q.Kind)
		}
	default:
		if len(q.Options) < 2 {
			p.add(f, at+".options", "a %s question needs at least two options", q.Kind)
		}
		seen := map[string]bool{}
		scored, neutral := 0, 0
		for i, o := range q.Options {
			oat := fmt.Sprintf("%s.options[%d]", at, i)
			checkOption(p, f, oat, o, seen)
			if o.Score != nil {
				scored++
			}
			if o.Neutral {
				neutral++
				if o.Score != nil {
					p.add(f, oat+".neutral", "a neutral option takes no score")
				}
				if o.NotApplicable() || o.DontKnow() {
					p.add(f, oat+".neutral", "%q cannot be neutral", o.ID)
				}
			}
			if o.Exclusive && !q.Kind.Multiple() {
				p.add(f, oat+".exclusive", "exclusive applies to multiple-choice options only")
			}
			if o.NotApplicable() && o.Score != nil {
				p.add(f, oat+".score", "not applicable is excluded from scores and takes no score")
			}
		}
		switch {
		case neutral > 0 && scored == 0:
			p.add(f, at+".options", "neutral options belong to a fact question: give its gap options a score")
		case scored > 0 && scored+neutral < countScorable(q.Options) && (neutral > 0 || q.Kind.Multiple()):
			p.add(f, at+".options", "in a fact question every option has a score (a gap) or is marked neutral")
		case !q.Kind.Multiple() && neutral == 0 && scored > 0 && scored < countScorable(q.Options):
			p.add(f, at+".options", "either every option of a scored single choice has a score, or none (or mark the unscored ones neutral: a fact question)")
		case q.Fact() && q.Option(OptionNotApplicable) != nil:
			p.add(f, at+".options", "a fact question takes no not_applicable option (it would need a justification the form does not ask for)")
		}
	}
	if (q.Min != nil || q.Max != nil) && !q.Kind.Bounded() {
		p.add(f, at, "min and max apply to %s questions only", kindList(Kind.Bounded, "and"))
	}
	if q.Min != nil && q.Max != nil && *q.Min > *q.Max {
		p.add(f, at+".min", "min %d is above max %d", *q.Min, *q.Max)
	}

	if q.SameObligationAs != "" && (q.Importance != LegalObligation || !q.Counted()) {
		p.add(f, at+".same_obligation_as", "only a counted legal obligation can name the question that caps for it")
	}
	if q.Counted() {
		if q.Weight < 1 || q.Weight > 3 {
			p.add(f, at+".weight", "a scored question needs a weight from 1 to 3, not %d", q.Weight)
		}
		r := q.Recommendation
		if r == nil {
			p.add(f, at+".recommendation", "a scored question needs a recommendation (fact questions too)")
			return
		}
		if !contains(priorities, r.Priority) {
			p.add(f, at+".recommendation.priority", "priority %q must be high, medium or low", r.Priority)
		}
		p.text(f, at+".recommendation.text", r.Text)
		if len(r.Steps) == 0 {
			p.add(f, at+".recommendation.steps", "give at least one concrete first step")
		}
		for i, s := range r.Steps {
			p.text(f, fmt.Sprintf("%s.recommendation.steps[%d]", at, i), s)
		}
		return
	}
	if q.Weight != 0 {
		p.add(f, at+".weight", "only scored questions take a weight")
	}
	if q.Recommendation != nil {
		p.add(f, at+".recommendation", "only scored questions take a recommendation")
	}
}

func countScorable(opts []*Option) int {
	n := 0
	for _, o := range opts {
		if !o.NotApplicable() {
			n++
		}
	}
	return n
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

func checkCondition(p *problems, f, at string, c *Condition, self *Question, profile map[string]*ProfileQuestion, questions map[string]*Question, scale []*Option) {
	forms := 0
	for _, set := range []bool{c.Profile != "", c.Question != "", len(c.All) > 0, len(c.Any) > 0, c.Not != nil} {
		if set {
			forms++
		}
	}
	if forms != 1 {
		p.add(f, at, "a condition needs exactly one of profile, question, all, any or not")
		return
	}
	leaf := c.Profile != "" || c.Question != ""
	if !leaf && len(c.In) > 0 {
		p.add(f, at+".in", "in goes with profile or question only")
	}
	switch {
	case c.Profile != "":
		pq := profile[c.Profile]
		if pq == nil {
			p.add(f, at+".profile", "unknown profile question %q", c.Profile)
			return
		}
		checkIn(p, f, at, c.In, func(id string) bool { return pq.Option(id) != nil })
	case c.Question != "":
		dep := questions[c.Question]
		switch {
		case dep == nil:
			p.add(f, at+".question", "unknown question %q", c.Question)
			return
		case dep == self:
			p.add(f, at+".question", "a question cannot depend on itself")
			return
		case !dep.Kind.Choice():
			p.add(f, at+".question", "conditions can only test choice questions; %q is %s", c.Question, dep.Kind)
			return
		}
		checkIn(p, f, at, c.In, func(id string) bool {
			if dep.Kind.Options() == ScaleOptions {
				return findOption(scale, id) != nil
			}
			return dep.Option(id) != nil || (dep.Scored() && (id == OptionDontKnow || id == OptionNotApplicable))
		})
	}
	for i, s := range c.All {
		checkCondition(p, f, fmt.Sprintf("%s.all[%d]", at, i), s, self, profile, questions, scale)
	}
	for i, s := range c.Any {
		checkCondition(p, f, fmt.Sprintf("%s.any[%d]", at, i), s, self, profile, questions, scale)
	}
	if c.Not != nil {
		checkCondition(p, f, at+".not", c.Not, self, profile, questions, scale)
	}
}

func checkIn(p *problems, f, at string, in []string, known func(string) bool) {
	if len(in) == 0 {
		p.add(f, at+".in", "list the option ids that make the condition true")
	}
	for i, v := range in {
		if !known(v) {
			p.add(f, fmt.Sprintf("%s.in[%d]", at, i), "unknown option %q", v)
		}
	}
}

// checkCycles rejects conditions that depend on each other in a loop.
func checkCycles(p *problems, order []*Question, questions map[string]*Question) {
	const (
		unseen = iota
		active
		finished
	)
	state := map[string]int{}
	var stack []string
	var visit func(q *Question) bool
	visit = func(q *Question) bool {
		switch state[q.ID] {
		case active:
			i := len(stack) - 1
			for i > 0 && stack[i] != q.ID {
				i--
			}
			cycle := append(append([]string{}, stack[i:]...), q.ID)
			p.add(q.Section.Sheet.file, fmt.Sprintf("questions[%s].condition", q.ID), "conditions form a cycle: %s", strings.Join(cycle, " → "))
			return false
		case finished:
			return true
		}
		state[q.ID] = active
		stack = append(stack, q.ID)
		for _, id := range q.Condition.questionRefs() {
			if !visit(questions[id]) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[q.ID] = finished
		return true
	}
	for _, q := range order {
		if state[q.ID] == unseen && !visit(q) {
			return
		}
	}
}

// kindList names the kinds that have a property, in the kinds table's order: "a, b or c".
func kindList(has func(Kind) bool, conj string) string {
	var names []string
	for _, k := range Kinds() {
		if has(k) {
			names = append(names, string(k))
		}
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " " + conj + " " + names[len(names)-1]
}
