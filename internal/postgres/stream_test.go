package postgres_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// EachAssessment streams every assessment, or one organisation's, in organisation name (whatever
// its case), system name and version order, each with its non-empty answers; stopping early
// returns the callback's error.
func TestEachAssessment(t *testing.T) {
	ctx := context.Background()
	st := postgres.NewStore(pgtest.NewPool(t))
	u, err := st.CreateUser(ctx, "ada@example.org", "Ada", "x", false)
	if err != nil {
		t.Fatal(err)
	}
	create := func(orgID, system string, answers map[string][]string) {
		t.Helper()
		a, err := st.CreateAssessment(ctx, orgID, u.ID, assessment.Assessment{SystemName: system, ContentVersion: "1", Profile: questionnaire.Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		var edits []postgres.Edit
		for q, v := range answers {
			edits = append(edits, postgres.Edit{Answer: assessment.Answer{QuestionID: q, Values: v}})
		}
		if _, err := st.SaveAnswers(ctx, orgID, a.ID, u.ID, edits); err != nil {
			t.Fatal(err)
		}
	}
	zeta, err := st.CreateOrganisation(ctx, u.ID, "Zeta")
	if err != nil {
		t.Fatal(err)
	}
	alpha, err := st.CreateOrganisation(ctx, u.ID, "alpha")
	if err != nil {
		t.Fatal(err)
	}
	beta, err := st.CreateOrganisation(ctx, u.ID, "Beta")
	if err != nil {
		t.Fatal(err)
	}
	create(zeta.ID, "Model", map[string][]string{"q1.1.1": {"in_place"}})
	create(alpha.ID, "Scoring", map[string][]string{"q1.1.1": {"partly"}, "q1.1.2": {"a", "b"}, "q1.1.3": {}})
	create(alpha.ID, "Chatbot", nil)
	create(beta.ID, "Vision", map[string][]string{"q2.1.1": {"text"}})

	type row struct {
		org, system string
		answers     questionnaire.Answers
	}
	list := func(orgID string) []row {
		t.Helper()
		var out []row
		err := st.EachAssessment(ctx, orgID, func(x postgres.OrgAssessment, a questionnaire.Answers) error {
			if x.OrganisationID == "" || x.ID == "" || x.UpdatedByName != "Ada" {
				t.Errorf("incomplete row %+v", x)
			}
			out = append(out, row{x.OrganisationName, x.SystemName, a})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := list("")
	var names []string
	for _, r := range got {
		names = append(names, r.org+"/"+r.system)
	}
	if want := []string{"alpha/Chatbot", "alpha/Scoring", "Beta/Vision", "Zeta/Model"}; !slices.Equal(names, want) {
		t.Fatalf("order %q, want %q", names, want)
	}
	if a := got[1].answers; len(a) != 2 || !slices.Equal(a["q1.1.2"], []string{"a", "b"}) || !slices.Equal(a["q1.1.1"], []string{"partly"}) {
		t.Errorf("answers of alpha/Scoring: %v", a)
	}
	if len(got[0].answers) != 0 {
		t.Errorf("answers of alpha/Chatbot: %v", got[0].answers)
	}
	if one := list(beta.ID); len(one) != 1 || one[0].system != "Vision" || one[0].answers["q2.1.1"][0] != "text" {
		t.Errorf("beta alone: %+v", one)
	}
	if none := list("00000000-0000-0000-0000-000000000000"); len(none) != 0 {
		t.Errorf("an unknown organisation: %+v", none)
	}
	stop := errors.New("stop")
	n := 0
	if err := st.EachAssessment(ctx, "", func(postgres.OrgAssessment, questionnaire.Answers) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("stopping: %v after %d rows", err, n)
	}
}
