package scoring_test

import (
	"testing"

	"aigrid/internal/scoring"
)

// BenchmarkScore scores the shipped questionnaire with every question answered (the golden set).
func BenchmarkScore(b *testing.B) {
	qn := shipped(b)
	p, a := goldenProfile(qn), goldenAnswers(qn)
	b.ReportAllocs()
	for b.Loop() {
		scoring.Score(qn, p, a)
	}
}

// BenchmarkRecommend lists the recommendations of the same assessment.
func BenchmarkRecommend(b *testing.B) {
	qn := shipped(b)
	p, a := goldenProfile(qn), goldenAnswers(qn)
	b.ReportAllocs()
	for b.Loop() {
		scoring.Recommend(qn, p, a)
	}
}

// BenchmarkWhatIf projects the adoption of every recommendation of the same assessment.
func BenchmarkWhatIf(b *testing.B) {
	qn := shipped(b)
	p, a := goldenProfile(qn), goldenAnswers(qn)
	adopt := recIDs(scoring.Recommend(qn, p, a))
	b.ReportAllocs()
	for b.Loop() {
		scoring.WhatIf(qn, p, a, adopt)
	}
}
