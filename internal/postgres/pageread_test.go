package postgres_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// A page's reads of an assessment travel with the session's query, before anyone knows whose
// session it is (LoadSession's PageRead). Each statement is guarded by the session: it returns
// rows only for a live session of a member of the assessment's organisation, and then exactly
// what AssessmentWith returns to that member.
func TestPageReadsOnlyForTheOrganisationsMembers(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	st := postgres.NewStore(pool)
	user := func(email string) (string, string) { // a user and the organisation they own
		u, err := st.CreateUser(ctx, email, email, "x", false)
		if err != nil {
			t.Fatal(err)
		}
		o, err := st.CreateOrganisation(ctx, u.ID, "Org of "+email)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID, o.ID
	}
	ann, annOrg := user("ann@example.org")
	bob, bobOrg := user("bob@example.org")
	newAssessment := func(orgID, userID string) string {
		a, err := st.CreateAssessment(ctx, orgID, userID, assessment.Assessment{SystemName: "Chatbot", ContentVersion: "1", Profile: questionnaire.Profile{}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.SaveAnswers(ctx, orgID, a.ID, userID, []postgres.Edit{{Answer: assessment.Answer{QuestionID: "q1", Values: []string{"partly"}, Comment: "secret gap"}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.CreateAction(ctx, orgID, a.ID, userID, postgres.ActionInput{QuestionID: "q1", Title: "Fix the gap", Status: "todo"}); err != nil {
			t.Fatal(err)
		}
		if err := st.SetPosition(ctx, a.ID, userID, "2.1"); err != nil {
			t.Fatal(err)
		}
		if _, err := pool.Exec(ctx, `UPDATE assessments SET approved_report = '{"overall": 42}' WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
		return a.ID
	}
	annsA, bobsA := newAssessment(annOrg, ann), newAssessment(bobOrg, bob)
	session := func(userID string, expires time.Time) []byte {
		h := postgres.TokenHash(userID + expires.String())
		if err := st.CreateSession(ctx, h, postgres.SessionRow{UserID: userID, ExpiresAt: expires}, "test", "127.0.0.1"); err != nil {
			t.Fatal(err)
		}
		return h
	}
	annS, bobS := session(ann, time.Now().Add(time.Hour)), session(bob, time.Now().Add(time.Hour))
	annExpired := session(ann, time.Now().Add(-time.Minute))
	all := postgres.Reads{Answers: true, Position: true, Actions: true, ApprovedReport: true, Events: true}

	// Ann's session, her organisation's assessment: what AssessmentWith gives her, in the same
	// round trip as her session and membership.
	want, err := st.AssessmentWith(ctx, annOrg, annsA, ann, all)
	if err != nil || want.Position != "2.1" || len(want.Actions) != 1 || want.ApprovedReport == nil || want.Answers["q1"].Comment != "secret gap" || len(want.Events) == 0 {
		t.Fatalf("AssessmentWith: %+v, %v", want, err)
	}
	page := &postgres.PageRead{ID: annsA, Reads: all}
	row, err := st.LoadSession(ctx, annS, time.Hour, annOrg, page)
	if err != nil || row.Membership == nil || row.UserID != ann {
		t.Fatalf("LoadSession: %+v, %v", row, err)
	}
	if !page.Found || !reflect.DeepEqual(page.View, want) {
		t.Errorf("read with the session:\n%+v\nwant\n%+v", page.View, want)
	}
	for _, reads := range []postgres.Reads{{}, {Position: true}, {Actions: true, ApprovedReport: true}} {
		page := &postgres.PageRead{ID: annsA, Reads: reads}
		if _, err := st.LoadSession(ctx, annS, time.Hour, annOrg, page); err != nil || !page.Found {
			t.Errorf("reads %+v: found %v, %v", reads, page.Found, err)
		}
		want, _ := st.AssessmentWith(ctx, annOrg, annsA, ann, reads)
		if !reflect.DeepEqual(page.View, want) {
			t.Errorf("reads %+v:\n%+v\nwant\n%+v", reads, page.View, want)
		}
	}

	// Each statement on its own returns nothing for anyone else: Bob (no member of Ann's
	// organisation), Ann's expired session, Ann naming Bob's assessment under her organisation,
	// and Bob naming his own assessment under Ann's organisation.
	for _, c := range []struct {
		name       string
		session    []byte
		org, id    string
		foundByRow bool // LoadSession finds the session itself
	}{
		{"another organisation's member", bobS, annOrg, annsA, true},
		{"an expired session", annExpired, annOrg, annsA, false},
		{"an assessment of another organisation", annS, annOrg, bobsA, true},
		{"under an organisation it is not in", bobS, annOrg, bobsA, true},
	} {
		v, found, err := st.SessionReads(ctx, c.session, c.org, c.id, all)
		if err != nil {
			t.Fatal(err)
		}
		if found || v.Assessment.ID != "" || len(v.Answers) > 0 || v.Position != "" || len(v.Actions) > 0 || v.ApprovedReport != nil || len(v.Events) > 0 {
			t.Errorf("%s: the guarded reads returned %+v (found %v)", c.name, v, found)
		}
		page := &postgres.PageRead{ID: c.id, Reads: all}
		_, err = st.LoadSession(ctx, c.session, time.Hour, c.org, page)
		if (err == nil) != c.foundByRow || page.Found || !reflect.DeepEqual(page.View, postgres.AssessmentView{}) {
			t.Errorf("%s: LoadSession gave %+v (found %v), %v", c.name, page.View, page.Found, err)
		}
	}
}
