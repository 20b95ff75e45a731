package screening

// The message keys that name outcomes, categories and evidence levels, for the pages and the
// exports alike (one list, so that a new value is named everywhere at once).

// Key is the message key naming a DPIA outcome.
func (o DPIAOutcome) Key() string {
	switch o {
	case DPIARequired:
		return "screening.dpia.required"
	case DPIALikely:
		return "screening.dpia.likely_required"
	case DPIANotRequired:
		return "screening.dpia.not_required"
	}
	return "screening.dpia.cannot_tell"
}

// HeadlineKey is the message key naming an AI Act screening's headline category.
func HeadlineKey(h string) string {
	switch h {
	case CatProhibited:
		return "screening.aiact.prohibited"
	case CatAnnexIII:
		return "screening.aiact.high_risk_annex_iii"
	case CatAnnexI:
		return "screening.aiact.high_risk_annex_i"
	case CatGPAI:
		return "screening.aiact.gpai"
	case CatTransparency:
		return "screening.aiact.transparency"
	case CatNone:
		return "screening.aiact.none"
	}
	return "screening.aiact.cannot_tell"
}

// Key is the message key naming an evidence level.
func (e Evidence) Key() string {
	switch e {
	case Evidenced:
		return "screening.evidence.evidenced"
	case Partly:
		return "screening.evidence.partly"
	case Gap:
		return "screening.evidence.gap"
	}
	return "screening.evidence.not_covered"
}
