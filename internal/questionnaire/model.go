// Package questionnaire holds aigrid's content model: the CNIL self-assessment grid as sheets,
// sections and questions in French and English, loaded from YAML and validated completely.
//
// The package is pure: it imports nothing from the rest of the application and does no I/O beyond
// reading the fs.FS it is given.
package questionnaire

import (
	"fmt"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// Lang is a content language.
type Lang string

// The languages every user-visible string must exist in.
const (
	EN Lang = "en"
	FR Lang = "fr"
)

// Langs lists the supported languages, English first.
var Langs = []Lang{EN, FR}

// Text is a user-visible string in every supported language.
type Text struct {
	EN string `yaml:"en"`
	FR string `yaml:"fr"`
}

// In returns the text in lang, falling back to English.
func (t Text) In(lang Lang) string {
	if lang == FR && t.FR != "" {
		return t.FR
	}
	return t.EN
}

// Has reports whether the text exists in lang.
func (t Text) Has(lang Lang) bool {
	if lang == FR {
		return strings.TrimSpace(t.FR) != ""
	}
	return strings.TrimSpace(t.EN) != ""
}

// Paragraphs splits a multi-paragraph text (blank-line separated) in lang.
func (t Text) Paragraphs(lang Lang) []string {
	var out []string
	for _, p := range strings.Split(strings.ReplaceAll(t.In(lang), "\r\n", "\n"), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// Option ids with a meaning of their own wherever they appear.
const (
	OptionNotApplicable = "not_applicable" // excluded from scores; needs a justification
	OptionDontKnow      = "dont_know"      // counts as not in place, and is flagged
)

// Importance says how binding a question's practice is.
type Importance string

// The importance levels, most binding first.
const (
	LegalObligation  Importance = "legal_obligation"
	CNILGoodPractice Importance = "cnil_good_practice"
	Recommended      Importance = "recommended"
)

// Rank orders importances: 0 is the most binding.
func (i Importance) Rank() int {
	switch i {
	case LegalObligation:
		return 0
	case CNILGoodPractice:
		return 1
	default:
		return 2
	}
}

// Role values of the profile's "role" question and of a question's applies_to.
const (
	RoleProvider = "provider"
	RoleDeployer = "deployer"
	RoleBoth     = "both"
)

// ProfileRole is the id of the profile question that gives the organisation's role.
const ProfileRole = "role"

// Questionnaire is one release of the content.
type Questionnaire struct {
	Version string `yaml:"version"`
	// ScoringModel is the version of the scoring rules this content is scored with (1 or 2; see
	// docs/scoring.md). A version keeps its model for good, so its reports never change.
	ScoringModel int `yaml:"scoring_model"`
	// Previous is the version this one follows, empty for the first; the differences between the
	// two are declared in Changes, Retired and the questions' Replaces (see Differences).
	Previous string `yaml:"previous"`
	// Retired lists the questions of Previous that this version no longer asks and no question
	// replaces.
	Retired []string `yaml:"retired"`
	// Changes declares the questions that differ from Previous.
	Changes   Changes            `yaml:"changes"`
	Changelog []Change           `yaml:"changelog"`
	Intro     Intro              `yaml:"intro"`
	Scale     []*Option          `yaml:"scale"`
	Profile   []*ProfileQuestion `yaml:"profile"`
	Sources   []*Source          `yaml:"sources"`
	Sheets    []*Sheet           `yaml:"-"`

	questions map[string]*Question
	sources   map[string]*Source
	profile   map[string]*ProfileQuestion
	order     []*Question
	readers   map[string][]*Question // by question ID: the questions whose condition reads its answer
	memo
}

// InConditions reports whether some question's condition reads the answer to question id: when
// none does, changing that answer cannot change which questions apply.
func (qn *Questionnaire) InConditions(id string) bool { return len(qn.readers[id]) > 0 }

// Changes declares, by question id, how a version differs from the previous one. Questions that
// replace a retired one are declared by their Replaces mark instead.
type Changes struct {
	Added    []string `yaml:"added"`    // new questions
	Reworded []string `yaml:"reworded"` // same id, text or help changed
	Options  []string `yaml:"options"`  // same id, options changed (ids, labels, scores, flags)
	Rules    []string `yaml:"rules"`    // same id, kind, importance, weight, applies_to, condition, same_obligation_as or place changed
}

// Change is one changelog entry.
type Change struct {
	Version string `yaml:"version"`
	Date    string `yaml:"date"`
	Changes Text   `yaml:"changes"`
}

// Intro is the "things to know" page shown before the sheets.
type Intro struct {
	Title       Text         `yaml:"title"`
	Body        Text         `yaml:"body"`
	Definitions []Definition `yaml:"definitions"`
	Resources   []Resource   `yaml:"resources"`
}

// Resource is a further guide or tool, listed after the introduction.
type Resource struct {
	Title       Text   `yaml:"title"`
	URL         string `yaml:"url"`
	Description Text   `yaml:"description"`
}

// Certainty says how directly a question's basis was read at its source.
type Certainty string

// The certainty marks, most direct first.
const (
	// CertaintyCNILPage: the checkpoint or the fact it rests on was read on the CNIL's own page.
	CertaintyCNILPage Certainty = "cnil_page"
	// CertaintyThirdParty: it was read in a third-party copy or summary of the CNIL publication,
	// not on the CNIL's page.
	CertaintyThirdParty Certainty = "third_party"
	// CertaintyDerived: its basis could not be read at the source; aigrid derived it from the text
	// of the GDPR or the AI Act.
	CertaintyDerived Certainty = "derived"
)

// Source is a publication questions rest on, listed in the sources registry of MainFile.
type Source struct {
	ID        string    `yaml:"id"`
	Title     Text      `yaml:"title"`
	Publisher string    `yaml:"publisher"` // who published the page read (CNIL, a law firm…)
	URL       string    `yaml:"url"`       // the page that was read (https)
	Published string    `yaml:"published"` // YYYY-MM-DD shown by the page read; empty when it could not be verified
	Checked   string    `yaml:"checked"`   // YYYY-MM-DD when aigrid last read it
	Certainty Certainty `yaml:"certainty"` // the certainty of the questions that cite it, unless they say otherwise
	Note      Text      `yaml:"note"`      // optional: what was read, what could not be verified
}

// Definition is a term defined in the introduction.
type Definition struct {
	Term       Text `yaml:"term"`
	Definition Text `yaml:"definition"`
}

// ProfileQuestion is asked when an assessment is created; conditions refer to it.
type ProfileQuestion struct {
	ID       string    `yaml:"id"`
	Kind     Kind      `yaml:"kind"` // single or multiple
	Required bool      `yaml:"required"`
	Text     Text      `yaml:"text"`
	Help     Text      `yaml:"help"`
	Options  []*Option `yaml:"options"`
}

// Option finds an option by id.
func (p *ProfileQuestion) Option(id string) *Option { return findOption(p.Options, id) }

// Sheet is one CNIL fact sheet.
type Sheet struct {
	ID       string     `yaml:"id"`
	Title    Text       `yaml:"title"`
	Purpose  Text       `yaml:"purpose"`
	Sections []*Section `yaml:"sections"`

	file string
}

// Questions returns the sheet's questions in order.
func (s *Sheet) Questions() []*Question {
	var out []*Question
	for _, sec := range s.Sections {
		out = append(out, sec.Questions...)
	}
	return out
}

// Section is one step of the questionnaire.
type Section struct {
	ID        string      `yaml:"id"`
	Title     Text        `yaml:"title"`
	Why       Text        `yaml:"why"`
	Questions []*Question `yaml:"questions"`

	Sheet *Sheet `yaml:"-"`
}

// Question is one checkpoint of the grid.
type Question struct {
	ID      string  `yaml:"id"`
	Outline Strings `yaml:"outline"`
	Source  string  `yaml:"source"` // id of the publication in the sources registry
	// Certainty overrides the source's certainty for this question (e.g. a checkpoint of a guide
	// sheet seen only in a third-party copy).
	Certainty      Certainty       `yaml:"certainty"`
	AppliesTo      string          `yaml:"applies_to"`
	Kind           Kind            `yaml:"kind"`
	Importance     Importance      `yaml:"importance"`
	Weight         int             `yaml:"weight"`
	Condition      *Condition      `yaml:"condition"`
	Text           Text            `yaml:"text"`
	Help           Text            `yaml:"help"`
	References     []string        `yaml:"references"`
	Options        []*Option       `yaml:"options"`
	Min            *int            `yaml:"min"`
	Max            *int            `yaml:"max"`
	Recommendation *Recommendation `yaml:"recommendation"`
	// SameObligationAs names the question that carries the cap for the same legal obligation, when
	// two sheets check one obligation: this question still counts in its sheet's score, but does not
	// cap a level while the named question applies (scoring model 2).
	SameObligationAs string `yaml:"same_obligation_as"`
	// Replaces names a question of the previous version that this one supersedes (reworded, split,
	// moved): its answers are carried over when they are valid answers to this question.
	Replaces string `yaml:"replaces"`

	Section *Section `yaml:"-"`
	// Publication is the source registry entry named by Source (set by Load).
	Publication *Source `yaml:"-"`

	memo
}

// memo keeps what other packages derive from a loaded question or questionnaire alone (the HTML
// of a question's help in one language, the frame of the results chart): it lives as long as what
// it is derived from, and nothing loaded changes afterwards.
type memo struct{ m sync.Map }

// Memo returns the value kept under key by SetMemo.
func (m *memo) Memo(key any) (any, bool) { return m.m.Load(key) }

// SetMemo keeps v under key (see Memo).
func (m *memo) SetMemo(key, v any) { m.m.Store(key, v) }

// SourceCertainty is how directly the question's basis was read: its own mark, or its source's.
func (q *Question) SourceCertainty() Certainty {
	if q.Certainty != "" {
		return q.Certainty
	}
	if q.Publication != nil {
		return q.Publication.Certainty
	}
	return CertaintyDerived
}

// Scored reports whether the question is answered on a scale of values: the shared maturity scale,
// or a single choice whose options all carry a score. Scored questions get "don't know" and
// "not applicable" automatically (a justification is asked for the latter).
func (q *Question) Scored() bool {
	switch {
	case q.Kind.Options() == ScaleOptions:
		return true
	case q.Kind.Options() == OwnOptions && !q.Kind.Multiple():
		if len(q.Options) == 0 || q.Options[0].Score == nil {
			return false
		}
		for _, o := range q.Options {
			if o.Neutral {
				return false
			}
		}
		return true
	}
	return false
}

// Fact reports whether the question records a fact that only some answers turn into a gap: a
// single or multiple choice whose options are either scored (the gaps, usually worth 0: "not
// determined yet", "not assessed") or neutral (a fact, left out of the score). Fact questions count
// in scores (Counted) but get no automatic "don't know" or "not applicable".
func (q *Question) Fact() bool {
	if q.Kind.Options() != OwnOptions {
		return false
	}
	scored, neutral := false, false
	for _, o := range q.Options {
		scored = scored || o.Score != nil
		neutral = neutral || o.Neutral
	}
	return scored && (neutral || q.Kind.Multiple())
}

// Counted reports whether the question's answer can count in the maturity score: a Scored question,
// or a Fact question.
func (q *Question) Counted() bool { return q.Scored() || q.Fact() }

// Option finds one of the question's options by id.
func (q *Question) Option(id string) *Option { return findOption(q.Options, id) }

// Option is one possible answer.
type Option struct {
	ID        string   `yaml:"id"`
	Label     Text     `yaml:"label"`
	Score     *float64 `yaml:"score"`
	Exclusive bool     `yaml:"exclusive"`
	// Neutral marks, on a fact question, an option that records a fact and is neither a practice nor
	// a gap: choosing it leaves the question out of the score, like "not applicable" but without a
	// justification.
	Neutral bool `yaml:"neutral"`
}

// NotApplicable reports whether choosing the option takes the question out of the score.
func (o *Option) NotApplicable() bool { return o.ID == OptionNotApplicable }

// DontKnow reports whether the option is "don't know".
func (o *Option) DontKnow() bool { return o.ID == OptionDontKnow }

func findOption(opts []*Option, id string) *Option {
	for _, o := range opts {
		if o.ID == id {
			return o
		}
	}
	return nil
}

// Recommendation is the best practice shown when a scored answer is not fully in place.
type Recommendation struct {
	Priority string `yaml:"priority"` // high, medium, low
	Text     Text   `yaml:"text"`
	Steps    []Text `yaml:"steps"`
}

// Strings is a list of strings that may be written in YAML as a single scalar.
type Strings []string

// UnmarshalYAML accepts "x" as well as ["x", "y"].
func (s *Strings) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*s = Strings{n.Value}
		return nil
	case yaml.SequenceNode:
		var list []string
		if err := n.Decode(&list); err != nil {
			return err
		}
		*s = list
		return nil
	}
	return fmt.Errorf("line %d: expected a string or a list of strings", n.Line)
}

// Question finds a question by id.
func (qn *Questionnaire) Question(id string) *Question { return qn.questions[id] }

// Questions returns every question, in questionnaire order.
func (qn *Questionnaire) Questions() []*Question { return qn.order }

// ProfileQuestion finds a profile question by id.
func (qn *Questionnaire) ProfileQuestion(id string) *ProfileQuestion { return qn.profile[id] }

// Sheet finds a sheet by id.
func (qn *Questionnaire) Sheet(id string) *Sheet {
	for _, s := range qn.Sheets {
		if s.ID == id {
			return s
		}
	}
	return nil
}

// Section finds a section by id.
func (qn *Questionnaire) Section(id string) *Section {
	for _, s := range qn.Sheets {
		for _, sec := range s.Sections {
			if sec.ID == id {
				return sec
			}
		}
	}
	return nil
}

// Sections returns every section in order: the steps of the questionnaire.
func (qn *Questionnaire) Sections() []*Section {
	var out []*Section
	for _, s := range qn.Sheets {
		out = append(out, s.Sections...)
	}
	return out
}

// Source finds a publication of the sources registry by id.
func (qn *Questionnaire) Source(id string) *Source { return qn.sources[id] }

// Cited returns the questions that cite the source, in questionnaire order.
func (qn *Questionnaire) Cited(id string) []*Question {
	var out []*Question
	for _, q := range qn.order {
		if q.Source == id {
			out = append(out, q)
		}
	}
	return out
}

// ScaleOption finds an option of the shared answer scale.
func (qn *Questionnaire) ScaleOption(id string) *Option { return findOption(qn.Scale, id) }
