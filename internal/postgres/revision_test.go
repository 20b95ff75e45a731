package postgres

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The application keeps what it computes from an assessment's profile and answers under the
// assessment's revision (internal/server/derived.go), so a write of either that does not move the
// revision would leave every instance showing the old state. This test reads the package's SQL:
// every statement that writes answers or a profile is in a function that moves the revision in
// the same transaction, or in one of the functions that fill an assessment they have just created
// (its first state: nobody can have read it before the transaction commits).
func TestEveryWriteOfAnswersOrProfileMovesTheRevision(t *testing.T) {
	writes := regexp.MustCompile(`(?is)(INSERT\s+INTO\s+answers\b|UPDATE\s+answers\b|DELETE\s+FROM\s+answers\b|UPDATE\s+assessments\s+SET\b[^;]*\bprofile\s*=)`)
	bumps := regexp.MustCompile(`(?i)\brevision\s*=\s*revision\s*\+`)
	newAssessment := map[string]bool{ // each creates the assessment it fills, in the same transaction
		"Duplicate":        true,
		"ImportAssessment": true,
		"MoveAssessment":   true,
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			var sql []string
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
					if s, err := strconv.Unquote(lit.Value); err == nil {
						sql = append(sql, s)
					}
				}
				return true
			})
			all := strings.Join(sql, "\n")
			if !writes.MatchString(all) {
				continue
			}
			found[fn.Name.Name] = true
			if !newAssessment[fn.Name.Name] && !bumps.MatchString(all) {
				t.Errorf("%s (%s) writes answers or a profile without moving the assessment's revision "+
					"(revision = revision + 1 in the same transaction): pages would keep showing the old state", fn.Name.Name, name)
			}
		}
	}
	// the test sees the writes it is about (a renamed table or function would make it pass vacuously)
	for _, fn := range []string{"SaveStep", "UpdateAssessment", "Duplicate", "ImportAssessment", "MoveAssessment"} {
		if !found[fn] {
			t.Errorf("no write of answers or profile found in %s: update this test", fn)
		}
	}
}
