package scoring_test

import (
	"encoding/json"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
)

// Property tests over the shipped questionnaire. Answer sets are pseudo-random but deterministic:
// every generator is seeded with a fixed seed, so a failure names a seed that reproduces it.

const seeds = 300

func rng(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5c0e1)) }

// randomProfile answers each profile question with a random option (a random subset for multiple
// choice), leaving one in ten unanswered.
func randomProfile(r *rand.Rand, qn *questionnaire.Questionnaire) profile {
	p := profile{}
	for _, pq := range qn.Profile {
		if r.IntN(10) == 0 {
			continue
		}
		p[pq.ID] = randomChoice(r, pq.Kind, pq.Options)
	}
	return p
}

func randomChoice(r *rand.Rand, kind questionnaire.Kind, opts []*questionnaire.Option) []string {
	if kind != questionnaire.KindMultiple {
		return []string{opts[r.IntN(len(opts))].ID}
	}
	var out []string
	for _, o := range opts {
		if r.IntN(2) == 0 {
			out = append(out, o.ID)
		}
	}
	if len(out) == 0 {
		out = []string{opts[0].ID}
	}
	return out
}

// randomAnswers answers each question with probability fill: a random option (scale and scored
// single choices include "don't know" and "not applicable"), a random subset, a text or a number.
// The pick function, when not nil, chooses the option of scored questions instead.
func randomAnswers(r *rand.Rand, qn *questionnaire.Questionnaire, fill float64, pick func(*questionnaire.Question) *questionnaire.Option) answers {
	a := answers{}
	for _, q := range qn.Questions() {
		if r.Float64() >= fill {
			continue
		}
		switch {
		case q.Counted() && pick != nil:
			a[q.ID] = []string{pick(q).ID}
		case q.Kind == questionnaire.KindText:
			a[q.ID] = []string{"Some text."}
		case q.Kind == questionnaire.KindNumber:
			a[q.ID] = []string{strconv.Itoa(r.IntN(1000))}
		default:
			a[q.ID] = randomChoice(r, q.Kind, q.Options)
		}
	}
	return a
}

// oracle recomputes, independently of the package and in the simplest way, the weighted mean of
// every sheet and overall (by sheet id; "" is overall) and the cap in force on each (scoring model
// 2: a legal obligation worth 0 caps at Emerging, one worth less than 1 at Defined; a question whose
// obligation is capped by another applicable question does not cap; neutral fact answers are left
// out; a multiple choice is worth its lowest chosen gap option).
func oracle(qn *questionnaire.Questionnaire, p profile, a answers) (score map[string]float64, caps map[string]scoring.Level) {
	visible := qn.Visibility(p, a)
	num, den := map[string]float64{}, map[string]float64{}
	caps = map[string]scoring.Level{}
	for _, q := range qn.Questions() {
		v := a[q.ID]
		if !q.Counted() || !visible[q.ID] || len(v) == 0 || (q.Kind != questionnaire.KindMultiple && len(v) != 1) {
			continue
		}
		val, counts := 2.0, false
		for _, id := range v {
			o := q.Option(id)
			if o == nil {
				counts = false
				break
			}
			if o.ID == questionnaire.OptionNotApplicable || o.Neutral {
				continue
			}
			x := 0.0
			if o.Score != nil && o.ID != questionnaire.OptionDontKnow {
				x = *o.Score
			}
			counts, val = true, min(val, x)
		}
		if !counts {
			continue
		}
		sheet := q.Section.Sheet.ID
		for _, k := range []string{sheet, ""} {
			num[k] += float64(q.Weight) * val
			den[k] += float64(q.Weight)
			if q.Importance != questionnaire.LegalObligation || (q.SameObligationAs != "" && visible[q.SameObligationAs]) {
				continue
			}
			c := scoring.LevelNone
			switch {
			case val == 0:
				c = scoring.LevelEmerging
			case val < 1:
				c = scoring.LevelDefined
			}
			if c != scoring.LevelNone && (caps[k] == scoring.LevelNone || c < caps[k]) {
				caps[k] = c
			}
		}
	}
	score = map[string]float64{}
	for k := range den {
		score[k] = 100 * num[k] / den[k]
	}
	return score, caps
}

// checkReport checks a report against the oracle and the invariants every report keeps.
func checkReport(t *testing.T, qn *questionnaire.Questionnaire, p profile, a answers, rep scoring.Report) {
	t.Helper()
	want, caps := oracle(qn, p, a)
	visible := qn.Visibility(p, a)
	check := func(id string, r scoring.Result) {
		t.Helper()
		w, has := want[id]
		if r.HasScore != has || (has && math.Abs(r.Score-w) > 1e-9) || (!has && r.Score != 0) {
			t.Errorf("sheet %q: score %v (%v), oracle %v (%v)", id, r.Score, r.HasScore, w, has)
		}
		if r.Capped != (caps[id] != scoring.LevelNone) || r.Cap != caps[id] {
			t.Errorf("sheet %q: capped %v at %d, oracle %d", id, r.Capped, r.Cap, caps[id])
		}
		level := scoring.LevelNone
		if has {
			level = scoring.LevelFor(r.Score)
			if caps[id] != scoring.LevelNone {
				level = min(level, caps[id])
			}
		}
		if r.Level != level {
			t.Errorf("sheet %q: level %d, want %d", id, r.Level, level)
		}
		if r.Answered > r.Applicable || r.NotApplicable+r.Neutral > r.Answered {
			t.Errorf("sheet %q: counts %+v", id, r)
		}
		wantCompletion := 1.0
		if r.Applicable > 0 {
			wantCompletion = float64(r.Answered) / float64(r.Applicable)
		}
		if r.Completion != wantCompletion || r.Incomplete != (wantCompletion < scoring.CompletionThreshold) {
			t.Errorf("sheet %q: completion %v incomplete %v", id, r.Completion, r.Incomplete)
		}
	}
	var sum scoring.Result
	for i, s := range rep.Sheets {
		sheet := qn.Sheets[i]
		if s.SheetID != sheet.ID {
			t.Fatalf("sheet %d is %q, want %q", i, s.SheetID, sheet.ID)
		}
		check(s.SheetID, s.Result)
		sum.Applicable += s.Applicable
		sum.Answered += s.Answered
		sum.NotApplicable += s.NotApplicable
		sum.Neutral += s.Neutral

		var applicable int
		var dontKnow []string
		for _, q := range sheet.Questions() {
			if q.Counted() && visible[q.ID] {
				applicable++
				if slices.Equal(a[q.ID], []string{questionnaire.OptionDontKnow}) || (q.Kind == questionnaire.KindMultiple && slices.Contains(a[q.ID], questionnaire.OptionDontKnow) && !hasLower(q, a[q.ID])) {
					dontKnow = append(dontKnow, q.ID)
				}
			}
		}
		if s.Applicable != applicable || !slices.Equal(s.DontKnow, append([]string{}, dontKnow...)) {
			t.Errorf("sheet %s: applicable %d (want %d), don't know %v (want %v)", s.SheetID, s.Applicable, applicable, s.DontKnow, dontKnow)
		}
		// Costs: one per gap, largest first, adding up to 100 − score.
		var points float64
		for j, c := range s.Costs {
			points += c.Points
			if c.Points <= 0 || (j > 0 && c.Points > s.Costs[j-1].Points) {
				t.Errorf("sheet %s: costs not sorted: %v", s.SheetID, s.Costs)
			}
		}
		if len(s.Costs) != len(s.Gaps) || (s.HasScore && math.Abs(points-(100-s.Score)) > 1e-9) {
			t.Errorf("sheet %s: %d costs adding up to %v for %d gaps and a score of %v", s.SheetID, len(s.Costs), points, len(s.Gaps), s.Score)
		}
		var blocking, limiting []scoring.Gap
		for _, g := range s.Gaps {
			if g.Score >= 1 || g.SheetID != s.SheetID || !visible[g.QuestionID] {
				t.Errorf("sheet %s: bad gap %+v", s.SheetID, g)
			}
			if g.Blocking() {
				blocking = append(blocking, g)
			}
			if g.Limiting() {
				limiting = append(limiting, g)
			}
		}
		if !slices.Equal(s.BlockingGaps, blocking) || !slices.Equal(s.LimitingGaps, limiting) || s.Capped != (len(blocking)+len(limiting) > 0) {
			t.Errorf("sheet %s: blocking gaps %v, limiting gaps %v, capped %v", s.SheetID, s.BlockingGaps, s.LimitingGaps, s.Capped)
		}
	}
	check("", rep.Overall)
	if sum.Applicable != rep.Overall.Applicable || sum.Answered != rep.Overall.Answered || sum.NotApplicable != rep.Overall.NotApplicable || sum.Neutral != rep.Overall.Neutral {
		t.Errorf("overall counts %+v are not the sum of the sheets' %+v", rep.Overall, sum)
	}
}

func TestShippedRandom(t *testing.T) {
	qn := shipped(t)
	for seed := range uint64(seeds) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, r.Float64(), nil)
		rep := scoring.Score(qn, p, a)
		checkReport(t, qn, p, a, rep)

		// Recommendations are the report's gaps, in the published order.
		recs := scoring.Recommend(qn, p, a)
		var gaps int
		for _, s := range rep.Sheets {
			gaps += len(s.Gaps)
		}
		if len(recs) != gaps {
			t.Errorf("seed %d: %d recommendations for %d gaps", seed, len(recs), gaps)
		}
		for i := 1; i < len(recs); i++ {
			x, y := recs[i-1], recs[i]
			rx, ry := x.Importance.Rank(), y.Importance.Rank()
			if rx > ry || (rx == ry && (x.WeightedGap() < y.WeightedGap() ||
				x.WeightedGap() == y.WeightedGap() && slices.Index(qn.Questions(), x.Question) > slices.Index(qn.Questions(), y.Question))) {
				t.Errorf("seed %d: %s before %s", seed, x.QuestionID, y.QuestionID)
			}
		}
		if t.Failed() {
			t.Fatalf("seed %d failed", seed)
		}
	}
}

// With every scored question answered with its best option, every sheet where something applies
// scores 100, level 5, complete, with nothing to explain.
func TestShippedBest(t *testing.T) {
	qn := shipped(t)
	for seed := range uint64(seeds) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, 1, bestOption)
		rep := scoring.Score(qn, p, a)
		for _, s := range append(rep.Sheets, scoring.SheetResult{SheetID: "overall", Result: rep.Overall}) {
			if s.Applicable == 0 {
				continue
			}
			want := scoring.Result{Score: 100, HasScore: true, Level: scoring.LevelOptimised, Applicable: s.Applicable, Answered: s.Applicable, Neutral: s.Neutral, Completion: 1}
			if s.Neutral == s.Applicable { // only facts apply: nothing to score
				want.Score, want.HasScore, want.Level = 0, false, scoring.LevelNone
			}
			if s.Result != want || len(s.Costs)+len(s.Gaps)+len(s.BlockingGaps)+len(s.LimitingGaps)+len(s.DontKnow) != 0 {
				t.Fatalf("seed %d, sheet %s: %+v", seed, s.SheetID, s)
			}
		}
		if rep.Overall.Applicable == 0 {
			t.Fatalf("seed %d: nothing applies", seed)
		}
		if recs := scoring.Recommend(qn, p, a); len(recs) != 0 {
			t.Fatalf("seed %d: %d recommendations", seed, len(recs))
		}
	}
}

// With every scored question answered with its worst option, every sheet where something applies
// scores 0, level 1, and is capped exactly when a legal obligation applies.
func TestShippedWorst(t *testing.T) {
	qn := shipped(t)
	for seed := range uint64(seeds) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, 1, worstOption)
		rep := scoring.Score(qn, p, a)
		visible := qn.Visibility(p, a)
		for i, s := range rep.Sheets {
			if s.Applicable == 0 {
				continue
			}
			legal := false
			for _, q := range qn.Sheets[i].Questions() {
				legal = legal || (q.Counted() && visible[q.ID] && q.Importance == questionnaire.LegalObligation &&
					(q.SameObligationAs == "" || !visible[q.SameObligationAs]))
			}
			want := scoring.Result{Score: 0, HasScore: true, Level: scoring.LevelInitial, Applicable: s.Applicable, Answered: s.Applicable, Completion: 1, Capped: legal}
			if legal {
				want.Cap = scoring.CappedLevel
			}
			if s.Result != want || len(s.Gaps) != s.Applicable {
				t.Fatalf("seed %d, sheet %s: %+v", seed, s.SheetID, s.Result)
			}
		}
		if o := rep.Overall; !o.HasScore || o.Score != 0 || o.Level != scoring.LevelInitial {
			t.Fatalf("seed %d: overall %+v", seed, o)
		}
	}
}

// scoredAnswered lists, in order, the applicable scored questions answered with a scored option.
func scoredAnswered(qn *questionnaire.Questionnaire, p profile, a answers) []*questionnaire.Question {
	visible := qn.Visibility(p, a)
	var out []*questionnaire.Question
	for _, q := range qn.Questions() {
		if v := a[q.ID]; q.Scored() && visible[q.ID] && len(v) == 1 {
			if o := q.Option(v[0]); o != nil && o.Score != nil {
				out = append(out, q)
			}
		}
	}
	return out
}

// Marking a question "not applicable" scores exactly like leaving it unanswered: the remaining
// answers' weighted mean (checked against the oracle), only the completion differs. When other
// questions depend on the answer the two can show different questions, so those cases are skipped
// (and counted).
func TestShippedNotApplicableInvariance(t *testing.T) {
	qn := shipped(t)
	var checked, skipped int
	for seed := range uint64(seeds) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, 0.5+r.Float64()/2, nil)
		candidates := scoredAnswered(qn, p, a)
		for range min(5, len(candidates)) {
			q := candidates[r.IntN(len(candidates))]
			na := with(a, q.ID, questionnaire.OptionNotApplicable)
			removed := with(a, q.ID, nil)
			if !maps.Equal(qn.Visibility(p, na), qn.Visibility(p, removed)) {
				skipped++
				continue
			}
			checked++
			x, y := scoring.Score(qn, p, na), scoring.Score(qn, p, removed)
			checkReport(t, qn, p, na, x)
			for i := range x.Sheets {
				sx, sy := x.Sheets[i], y.Sheets[i]
				if sx.Score != sy.Score || sx.HasScore != sy.HasScore || sx.Level != sy.Level || !slices.Equal(sx.Costs, sy.Costs) {
					t.Fatalf("seed %d, %s: sheet %s scores %v as not applicable, %v unanswered", seed, q.ID, sx.SheetID, sx.Result, sy.Result)
				}
				want := sy.Answered
				if sx.SheetID == q.Section.Sheet.ID {
					want++
				}
				if sx.Answered != want {
					t.Fatalf("seed %d, %s: not applicable should count as answered", seed, q.ID)
				}
			}
			if x.Overall.Score != y.Overall.Score || x.Overall.Level != y.Overall.Level {
				t.Fatalf("seed %d, %s: overall %v vs %v", seed, q.ID, x.Overall, y.Overall)
			}
		}
	}
	t.Logf("%d cases checked, %d skipped because visibility changed", checked, skipped)
	if checked < seeds {
		t.Fatalf("only %d cases checked", checked)
	}
}

// dependedOn lists the questions some condition refers to.
func dependedOn(qn *questionnaire.Questionnaire) map[string]bool {
	out := map[string]bool{}
	var walk func(c *questionnaire.Condition)
	walk = func(c *questionnaire.Condition) {
		if c == nil {
			return
		}
		if c.Question != "" {
			out[c.Question] = true
		}
		for _, s := range append(slices.Clone(c.All), c.Any...) {
			walk(s)
		}
		walk(c.Not)
	}
	for _, q := range qn.Questions() {
		walk(q.Condition)
	}
	return out
}

// Improving an answer (to an option with a higher score) never lowers a score or a level, of its
// sheet, of another sheet or overall. The property holds when the change leaves the same questions
// applicable; a change that shows or hides other questions can lower a score (see
// TestImprovingCanRevealAQuestion), so such changes are skipped and counted. A question no
// condition depends on can never change visibility: for those the test asserts it.
func TestShippedMonotonicity(t *testing.T) {
	qn := shipped(t)
	deps := dependedOn(qn)
	var checked, free, skipped int
	for seed := range uint64(seeds) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, 0.5+r.Float64()/2, nil)
		before := scoring.Score(qn, p, a)
		candidates := scoredAnswered(qn, p, a)
		for range min(5, len(candidates)) {
			q := candidates[r.IntN(len(candidates))]
			current := *q.Option(a[q.ID][0]).Score
			var better []*questionnaire.Option
			for _, o := range q.Options {
				if o.Score != nil && *o.Score > current {
					better = append(better, o)
				}
			}
			if len(better) == 0 {
				continue
			}
			improved := with(a, q.ID, better[r.IntN(len(better))].ID)
			if !maps.Equal(qn.Visibility(p, a), qn.Visibility(p, improved)) {
				if !deps[q.ID] {
					t.Fatalf("seed %d: %s changes visibility but no condition depends on it", seed, q.ID)
				}
				skipped++
				continue
			}
			checked++
			if !deps[q.ID] {
				free++
			}
			after := scoring.Score(qn, p, improved)
			for i := range after.Sheets {
				b, x := before.Sheets[i], after.Sheets[i]
				if b.HasScore != x.HasScore || x.Score < b.Score || x.Level < b.Level {
					t.Fatalf("seed %d, %s improved: sheet %s went from %+v to %+v", seed, q.ID, b.SheetID, b.Result, x.Result)
				}
			}
			if after.Overall.Score < before.Overall.Score || after.Overall.Level < before.Overall.Level {
				t.Fatalf("seed %d, %s improved: overall went from %+v to %+v", seed, q.ID, before.Overall, after.Overall)
			}
		}
	}
	t.Logf("%d improvements checked (%d on questions no condition depends on), %d skipped because visibility changed", checked, free, skipped)
	if checked < seeds {
		t.Fatalf("only %d cases checked", checked)
	}
}

// goldenProfile is the fixed profile of the golden test: role both, "yes" to every yes/no question,
// every option of multiple-choice questions and the last option of the other single choices
// ("mixed" annotation).
func goldenProfile(qn *questionnaire.Questionnaire) profile {
	p := profile{}
	for _, pq := range qn.Profile {
		switch {
		case pq.ID == questionnaire.ProfileRole:
			p[pq.ID] = []string{questionnaire.RoleBoth}
		case pq.Option("yes") != nil:
			p[pq.ID] = []string{"yes"}
		case pq.Kind == questionnaire.KindMultiple:
			for _, o := range pq.Options {
				p[pq.ID] = append(p[pq.ID], o.ID)
			}
		default:
			p[pq.ID] = []string{pq.Options[len(pq.Options)-1].ID}
		}
	}
	return p
}

// The legal-obligation caps on the shipped content: from all-best answers, answering one applicable
// legal obligation "not in place" or "don't know" (or its worst option) caps its sheet and the
// overall result at Emerging and lists it as the blocking gap; "partly in place" or "planned" caps
// them at Defined and lists it as the limiting gap. A question whose obligation is capped by another
// question that applies caps nothing.
func TestShippedLegalCap(t *testing.T) {
	qn := shipped(t)
	p := goldenProfile(qn)
	best := randomAnswers(rng(1), qn, 1, bestOption)
	visible := qn.Visibility(p, best)
	var n, linked int
	for _, q := range qn.Questions() {
		if !q.Counted() || !visible[q.ID] || q.Importance != questionnaire.LegalObligation {
			continue
		}
		n++
		nocap := q.SameObligationAs != "" && visible[q.SameObligationAs]
		if nocap {
			linked++
		}
		for _, opt := range []string{"not_in_place", questionnaire.OptionDontKnow, "partly", "planned"} {
			if q.Option(opt) == nil {
				if opt != "not_in_place" {
					continue
				}
				opt = worstOption(q).ID
			}
			a := with(best, q.ID, opt)
			if !maps.Equal(visible, qn.Visibility(p, a)) {
				continue // the answer hides or shows follow-ups: the other properties cover it
			}
			rep := scoring.Score(qn, p, a)
			s := rep.Sheet(q.Section.Sheet.ID)
			wantCap, wantBlocking, wantLimiting := scoring.CappedLevel, []string{q.ID}, []string(nil)
			if opt == "partly" || opt == "planned" {
				wantCap, wantBlocking, wantLimiting = scoring.PartialCapLevel, nil, []string{q.ID}
			}
			if nocap {
				wantCap, wantBlocking, wantLimiting = scoring.LevelNone, nil, nil
			}
			if s.Cap != wantCap || s.Capped != (wantCap != scoring.LevelNone) || rep.Overall.Cap != wantCap ||
				(wantCap != scoring.LevelNone && (s.Level > wantCap || rep.Overall.Level > wantCap)) {
				t.Errorf("%s %s: sheet %+v, overall %+v, want cap %d", q.ID, opt, s.Result, rep.Overall, wantCap)
			}
			if got := ids(s.BlockingGaps); !slices.Equal(got, wantBlocking) {
				t.Errorf("%s %s: blocking gaps %v, want %v", q.ID, opt, got, wantBlocking)
			}
			if got := ids(s.LimitingGaps); !slices.Equal(got, wantLimiting) {
				t.Errorf("%s %s: limiting gaps %v, want %v", q.ID, opt, got, wantLimiting)
			}
		}
	}
	if n < 20 || linked == 0 {
		t.Fatalf("only %d legal obligations apply, %d linked to another", n, linked)
	}
}

// The same inputs give identical reports and recommendations, whatever the maps' insertion order.
func TestShippedDeterminism(t *testing.T) {
	qn := shipped(t)
	for seed := range uint64(50) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, r.Float64(), nil)
		rep, recs := scoring.Score(qn, p, a), scoring.Recommend(qn, p, a)
		adopt := recIDs(recs)
		what := scoring.WhatIf(qn, p, a, adopt)
		for range 3 {
			// Copy the maps in a shuffled order.
			keys := slices.Collect(maps.Keys(a))
			slices.Sort(keys)
			r.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
			b := answers{}
			for _, k := range keys {
				b[k] = slices.Clone(a[k])
			}
			if got := scoring.Score(qn, maps.Clone(p), b); !reflect.DeepEqual(got, rep) {
				t.Fatalf("seed %d: Score is not deterministic", seed)
			}
			if got := scoring.Recommend(qn, p, b); !reflect.DeepEqual(got, recs) {
				t.Fatalf("seed %d: Recommend is not deterministic", seed)
			}
			if got := scoring.WhatIf(qn, p, b, adopt); !reflect.DeepEqual(got, what) {
				t.Fatalf("seed %d: WhatIf is not deterministic", seed)
			}
		}
		// A second load of the content gives the same report, byte for byte.
		if seed == 0 {
			x, _ := json.Marshal(rep)
			y, _ := json.Marshal(scoring.Score(shipped(t), p, a))
			if string(x) != string(y) {
				t.Fatal("reports differ across loads")
			}
		}
	}
}

// What-if on the shipped content: adopting every recommendation leaves no gap among the questions
// that applied, fact questions excepted (they are not adopted), and adopting nothing changes nothing.
func TestShippedWhatIf(t *testing.T) {
	qn := shipped(t)
	for seed := range uint64(100) {
		r := rng(seed)
		p := randomProfile(r, qn)
		a := randomAnswers(r, qn, r.Float64(), nil)
		if got, want := scoring.WhatIf(qn, p, a, nil), scoring.Score(qn, p, a); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: adopting nothing changed the report", seed)
		}
		recs := scoring.Recommend(qn, p, a)
		adopted := scoring.Adopt(qn, p, a, recIDs(recs))
		for _, rec := range recs {
			if rec.Question.Fact() { // a fact is settled by answering it, not adopted
				if !slices.Equal(adopted[rec.QuestionID], a[rec.QuestionID]) {
					t.Fatalf("seed %d: fact question %s adopted as %v", seed, rec.QuestionID, adopted[rec.QuestionID])
				}
				continue
			}
			if got := adopted[rec.QuestionID]; len(got) != 1 || *rec.Question.Option(got[0]).Score != 1 {
				t.Fatalf("seed %d: %s adopted as %v", seed, rec.QuestionID, got)
			}
		}
		rep := scoring.WhatIf(qn, p, a, recIDs(recs))
		checkReport(t, qn, p, adopted, rep)
		for _, s := range rep.Sheets {
			for _, g := range s.Gaps {
				if slices.ContainsFunc(recs, func(r scoring.Recommendation) bool { return r.QuestionID == g.QuestionID && !r.Question.Fact() }) {
					t.Fatalf("seed %d: %s still a gap after adoption", seed, g.QuestionID)
				}
			}
		}
	}
}

// hasLower reports whether a multiple-choice answer names a gap option worth less than "don't
// know" would be (never: "don't know" is worth 0), or one worth 0 listed before it.
func hasLower(q *questionnaire.Question, values []string) bool {
	for _, o := range q.Options {
		if o.ID == questionnaire.OptionDontKnow {
			return false
		}
		if o.Score != nil && *o.Score == 0 && slices.Contains(values, o.ID) {
			return true
		}
	}
	return false
}
