package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/content"
	"aigrid/internal/assessment"
	"aigrid/internal/pgtest"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

// instance is one aigrid database with an organisation and a member.
type instance struct {
	env   func(string) string
	st    *postgres.Store
	org   string
	owner string // user ID
}

func newInstance(t *testing.T, orgName, userName string) instance {
	t.Helper()
	dbURL := pgtest.NewURL(t)
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	st := postgres.NewStore(pool)
	u, err := st.CreateUser(context.Background(), strings.ToLower(strings.Fields(userName)[0])+"@example.org", userName, "x", false)
	if err != nil {
		t.Fatal(err)
	}
	o, err := st.CreateOrganisation(context.Background(), u.ID, orgName)
	if err != nil {
		t.Fatal(err)
	}
	return instance{env: envFrom(map[string]string{"DATABASE_URL": dbURL}), st: st, org: o.ID, owner: u.ID}
}

// fill answers every question that applies, every kind, cycling through the options, twice for
// some (history), with comments, not applicable with justifications and evidence; and adds actions.
func fill(t *testing.T, in instance, qn *questionnaire.Questionnaire) string {
	t.Helper()
	ctx := context.Background()
	profile := questionnaire.Profile{"role": {"both"}, "phase": {"design", "development", "deployment"}, "personal_data": {"yes"}}
	a, err := in.st.CreateAssessment(ctx, in.org, in.owner, assessment.Assessment{SystemName: "Tri « urgences »",
		Description: "Priorisation des appels.", ContentVersion: qn.Version, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]assessment.Answer{}
	for pass := range 3 {
		visible := qn.Visibility(profile, assessment.Values(answers))
		var edits []postgres.Edit
		for i, q := range qn.Questions() {
			if !visible[q.ID] || (pass > 0 && i%5 != 0) {
				continue
			}
			x := assessment.Answer{Comment: fmt.Sprintf("Note %d sur %s : « vérifié » par l’équipe", pass, q.ID)}
			switch q.Kind {
			case questionnaire.KindText:
				x.Values = []string{"Texte libre — " + q.ID}
			case questionnaire.KindNumber:
				x.Values = []string{fmt.Sprint(i%9 + pass)}
			case questionnaire.KindMultiple:
				for _, o := range q.Options {
					if !o.Exclusive && len(x.Values) < 2 {
						x.Values = append(x.Values, o.ID)
					}
				}
			default:
				o := q.Options[(i+pass)%len(q.Options)]
				x.Values = []string{o.ID}
				x.Justification = "Aucune donnée de ce type (" + q.ID + ")."
			}
			if i%3 == 0 {
				x.Evidence = []assessment.Evidence{{Title: "Registre", Link: "https://example.org/r/" + q.ID}, {Title: "PV", Link: "PV-" + q.ID}}
			}
			v, key := assessment.Validate(q, x)
			if key != "" {
				t.Fatalf("%s: %s", q.ID, key)
			}
			v.QuestionID = q.ID
			rev := 0
			if cur, ok := answers[q.ID]; ok {
				rev = cur.Revision
			}
			edits = append(edits, postgres.Edit{Answer: v, Revision: rev})
			v.Revision = rev + 1
			answers[q.ID] = v
		}
		if _, err := in.st.SaveAnswers(ctx, in.org, a.ID, in.owner, edits); err != nil {
			t.Fatal(err)
		}
	}
	due := time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC)
	for i, in2 := range []postgres.ActionInput{
		{QuestionID: "q1.1.3", Title: "Cartographier les données", OwnerID: in.owner, DueOn: &due, Status: assessment.ActionInProgress},
		{QuestionID: "q1.2.1", Title: "Écrire la finalité", Status: assessment.ActionWontDo, Reason: "Déjà couvert par l’AIPD"},
	} {
		if _, err := in.st.CreateAction(ctx, in.org, a.ID, in.owner, in2); err != nil {
			t.Fatalf("action %d: %v", i, err)
		}
	}
	return a.ID
}

// comparable drops from a JSON export what an import does not carry over: ids, dates, authors,
// revisions, history, workflow state, the organisation's name.
func comparable(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	delete(doc, "organisation")
	a := doc["assessment"].(map[string]any)
	for _, k := range []string{"id", "created_at", "updated_at", "status", "version", "approved"} {
		delete(a, k)
	}
	for _, x := range doc["answers"].([]any) {
		for _, k := range []string{"revision", "updated_by", "updated_at", "history"} {
			delete(x.(map[string]any), k)
		}
	}
	for _, x := range doc["actions"].([]any) {
		delete(x.(map[string]any), "owner")
	}
	return doc
}

func TestImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	src := newInstance(t, "Hôpital Nord", "Déborah Martin")
	dst := newInstance(t, "Clinique Sud", "Déborah Martin") // another instance, a member of the same name
	id := fill(t, src, qn)
	dir := t.TempDir()
	exported := filepath.Join(dir, "a.json")
	if err := run(ctx, []string{"export", "--assessment", id, "--format", "json", "--out", exported}, src.env, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(exported)

	for name, in := range map[string]instance{"same instance": src, "another instance": dst} {
		var out bytes.Buffer
		if err := run(ctx, []string{"import", "--organisation", in.org, exported}, in.env, nil, &out, io.Discard); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		newID := strings.Fields(strings.TrimPrefix(out.String(), "imported as assessment "))[0]
		again := filepath.Join(dir, "b.json")
		if err := run(ctx, []string{"export", "--assessment", newID, "--format", "json", "--out", again}, in.env, nil, io.Discard, io.Discard); err != nil {
			t.Fatal(err)
		}
		second, _ := os.ReadFile(again)
		a, b := comparable(t, first), comparable(t, second)
		if !reflect.DeepEqual(a["report"], b["report"]) {
			t.Errorf("%s: the scores differ after import", name)
		}
		if !reflect.DeepEqual(a, b) {
			aj, _ := json.MarshalIndent(a, "", " ")
			bj, _ := json.MarshalIndent(b, "", " ")
			t.Errorf("%s: the content differs after import:\n%.2000s", name, firstDiff(string(aj), string(bj)))
		}
		// The owner was matched by name, and the answers' history starts with the import.
		acts, err := in.st.Actions(ctx, in.org, newID)
		if err != nil || len(acts) != 2 {
			t.Fatalf("%s: %v, %d actions", name, err, len(acts))
		}
		owners := acts[0].OwnerName + acts[1].OwnerName
		if owners != "Déborah Martin" {
			t.Errorf("%s: owners %q", name, owners)
		}
		if strings.Contains(out.String(), "no member named") {
			t.Errorf("%s: %s", name, out.String())
		}
	}
}

func TestImportRefusesAndCreatesNothing(t *testing.T) {
	ctx := context.Background()
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	in := newInstance(t, "Hôpital Nord", "Déborah Martin")
	id := fill(t, in, qn)
	dir := t.TempDir()
	exported := filepath.Join(dir, "a.json")
	if err := run(ctx, []string{"export", "--assessment", id, "--format", "json", "--out", exported}, in.env, nil, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(exported)
	var doc map[string]any
	json.Unmarshal(b, &doc)
	answers := doc["answers"].([]any)
	answers[0].(map[string]any)["question_id"] = "q0.0.1"
	answers[4].(map[string]any)["values"] = []any{"maybe"}
	bad, _ := json.Marshal(doc)
	var stderr bytes.Buffer
	err = run(ctx, []string{"import", "--organisation", in.org, "-"}, in.env, bytes.NewReader(bad), io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), "nothing imported: 2 problems") ||
		!strings.Contains(stderr.String(), `$.answers[0].question_id: Question “q0.0.1” is not in this version`) ||
		!strings.Contains(stderr.String(), "$.answers[4]: ") {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	list, err := in.st.Assessments(ctx, in.org, postgres.AssessmentFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("%v: %d assessments, only the original expected", err, len(list))
	}
	if err := run(ctx, []string{"import", "--organisation", "00000000-0000-0000-0000-000000000000", exported}, in.env, nil, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "no organisation") {
		t.Errorf("unknown organisation: %v", err)
	}
}

// firstDiff shows where two texts start to differ.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-300)
	return "…" + a[from:min(len(a), i+300)] + "\n---- after import ----\n…" + b[from:min(len(b), i+300)]
}
