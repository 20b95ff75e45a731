package questionnaire

// Stats summarises the content, sheet by sheet, so coverage and translation can be checked.
type Stats struct {
	Version string       `json:"version"`
	Sheets  []SheetStats `json:"sheets"`
}

// SheetStats counts one sheet's content.
type SheetStats struct {
	ID              string   `json:"id"`
	Sections        int      `json:"sections"`
	Questions       int      `json:"questions"`
	Scored          int      `json:"scored"`
	Recommendations int      `json:"recommendations"`
	Conditional     int      `json:"conditional"`
	FR              int      `json:"fr"` // questions whose every string exists in French
	EN              int      `json:"en"` // questions whose every string exists in English
	References      int      `json:"references"`
	Outline         []string `json:"outline"` // outline rows covered
}

// Stats counts the questionnaire's content.
func (qn *Questionnaire) Stats() Stats {
	st := Stats{Version: qn.Version}
	for _, s := range qn.Sheets {
		ss := SheetStats{ID: s.ID, Sections: len(s.Sections)}
		seen := map[string]bool{}
		for _, q := range s.Questions() {
			ss.Questions++
			if q.Counted() {
				ss.Scored++
			}
			if q.Recommendation != nil {
				ss.Recommendations++
			}
			if q.Condition != nil {
				ss.Conditional++
			}
			if q.complete(FR) {
				ss.FR++
			}
			if q.complete(EN) {
				ss.EN++
			}
			if len(q.References) > 0 {
				ss.References++
			}
			for _, o := range q.Outline {
				if !seen[o] {
					seen[o] = true
					ss.Outline = append(ss.Outline, o)
				}
			}
		}
		st.Sheets = append(st.Sheets, ss)
	}
	return st
}

// complete reports whether every user-visible string of the question exists in lang.
func (q *Question) complete(lang Lang) bool {
	texts := []Text{q.Text, q.Help}
	for _, o := range q.Options {
		texts = append(texts, o.Label)
	}
	if r := q.Recommendation; r != nil {
		texts = append(texts, r.Text)
		texts = append(texts, r.Steps...)
	}
	for _, t := range texts {
		if !t.Has(lang) {
			return false
		}
	}
	return true
}
