package screening_test

import (
	"testing"

	"aigrid/internal/screening"
)

// BenchmarkScreen measures both screenings of a full profile, as the results and screening pages
// run them on every request.
func BenchmarkScreen(b *testing.B) {
	qn := shipped(b)
	profile := vals{"role": {"both"}, "personal_data": {"yes"}, "ai_act_prohibited": {"none"}, "ai_act_area": {"employment", "credit_scoring"},
		"ai_act_narrow_task": {"no"}, "ai_act_product": {"yes"}, "gpai_model": {"systemic"}, "generative_ai": {"yes"}}
	answers := vals{}
	for _, q := range qn.Questions() {
		if q.Scored() {
			answers[q.ID] = []string{"partly"}
		}
	}
	answers["q7.2.1"] = []string{"large_scale", "evaluation_scoring"}
	answers["q6.3.1"] = []string{"interacts", "generates_content"}
	b.ResetTimer()
	for b.Loop() {
		screening.Screen(screening.NewInput(qn, profile, answers), on)
	}
}
