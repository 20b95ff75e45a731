package pages

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"aigrid/internal/i18n"
)

// TestAuditActionsAndDetailsAreNamed reads the code that writes the audit log — the server's
// s.audit(r, actor, org, "action", details) and the command line's st.Audit(ctx,
// account.AuditEntry{Action: "action", Details: ...}) — and checks that every action it records has
// a name, and every detail a label, in both languages. An action must be a string literal (so that
// this test sees it); details are the keys of map[string]any literals and of details["key"] = …
func TestAuditActionsAndDetailsAreNamed(t *testing.T) {
	var files []string
	for _, dir := range []string{"../../internal/server", "../../cmd/aigrid"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if !strings.HasSuffix(f, "_test.go") {
				files = append(files, f)
			}
		}
	}
	actions, details := map[string]string{}, map[string]string{}
	fset := token.NewFileSet()
	lit := func(e ast.Expr) (string, bool) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, err := strconv.Unquote(b.Value)
			return s, err == nil
		}
		return "", false
	}
	for _, path := range files {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "audit" && len(n.Args) == 5 {
					a, ok := lit(n.Args[3])
					if !ok {
						t.Errorf("%s: an audit action that is not a string literal", fset.Position(n.Pos()))
					}
					actions[a] = fset.Position(n.Pos()).String()
				}
			case *ast.CompositeLit:
				// the command line builds its entries; the server's are built by s.audit from its arguments
				if sel, ok := n.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "AuditEntry" && strings.Contains(path, "cmd/") {
					found := false
					for _, el := range n.Elts {
						if kv, ok := el.(*ast.KeyValueExpr); ok && kv.Key.(*ast.Ident).Name == "Action" {
							a, ok := lit(kv.Value)
							if !ok {
								t.Errorf("%s: an audit action that is not a string literal", fset.Position(n.Pos()))
							}
							actions[a], found = fset.Position(n.Pos()).String(), true
						}
					}
					if !found {
						t.Errorf("%s: an audit entry without an action", fset.Position(n.Pos()))
					}
				}
				if m, ok := n.Type.(*ast.MapType); ok {
					if k, ok := m.Key.(*ast.Ident); ok && k.Name == "string" {
						if v, ok := m.Value.(*ast.Ident); ok && v.Name == "any" {
							for _, el := range n.Elts {
								if kv, ok := el.(*ast.KeyValueExpr); ok {
									if k, ok := lit(kv.Key); ok {
										details[k] = fset.Position(kv.Pos()).String()
									}
								}
							}
						}
					}
				}
			case *ast.AssignStmt:
				for _, l := range n.Lhs {
					if ix, ok := l.(*ast.IndexExpr); ok {
						if id, ok := ix.X.(*ast.Ident); ok && id.Name == "details" {
							if k, ok := lit(ix.Index); ok {
								details[k] = fset.Position(ix.Pos()).String()
							}
						}
					}
				}
			}
			return true
		})
	}
	if len(actions) < 40 || len(details) < 20 {
		t.Fatalf("found only %d actions and %d details: is the parsing still right?", len(actions), len(details))
	}
	for _, set := range []struct {
		what  string
		found map[string]string
		keys  map[string]string
	}{{"action", actions, auditKeys}, {"detail", details, auditDetailKeys}} {
		for code, where := range set.found {
			key, ok := set.keys[code]
			if !ok {
				t.Errorf("%s: audit %s %q has no message key (web/pages/admin.templ)", where, set.what, code)
				continue
			}
			// French has every English key (internal/i18n's TestCatalogsHaveTheSameKeys)
			if !i18n.Has(key) {
				t.Errorf("audit %s %q: %s has no message", set.what, code, key)
			}
		}
	}
}
