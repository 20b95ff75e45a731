package questionnaire

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestEveryKindHasItsBehaviour reads the package's source for every constant of type Kind and fails
// when one has no entry in the kinds table, when an entry lacks part of its behaviour, or when the
// table names a kind that is not declared: a new kind cannot be half added.
func TestEveryKindHasItsBehaviour(t *testing.T) {
	declared := map[Kind]string{} // value → constant name
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(fset, path, src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
					continue
				}
				for i, name := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: Kind constant %s is not a string literal", path, name.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					declared[Kind(v)] = name.Name
				}
			}
		}
	}
	if len(declared) < 5 {
		t.Fatalf("found only %d Kind constants: %v", len(declared), declared)
	}
	for k, name := range declared {
		s, ok := k.spec()
		switch {
		case !ok:
			t.Errorf("%s (%q) has no entry in the kinds table (kinds.go)", name, k)
			continue
		case s.values == nil:
			t.Errorf("%s: no values function (how its answers are checked and normalised)", name)
		case !slices.Contains(Controls, s.control):
			t.Errorf("%s: control %q is not one of Controls (the step page draws those)", name, s.control)
		case s.options == NoOptions && (s.multiple || s.profile):
			t.Errorf("%s: a kind without options can be neither multiple nor a profile question", name)
		}
		if s.control == ControlCheckbox != s.multiple {
			t.Errorf("%s: checkboxes are the control of, and only of, multiple choices", name)
		}
	}
	seen := map[Kind]bool{}
	for _, x := range kinds {
		if _, ok := declared[x.kind]; !ok {
			t.Errorf("the kinds table names %q, which is no Kind constant", x.kind)
		}
		if seen[x.kind] {
			t.Errorf("the kinds table names %q twice", x.kind)
		}
		seen[x.kind] = true
	}
	if Kind("other").Known() || Kind("other").Control() != "" {
		t.Error("an undeclared kind is known")
	}
}

// Each kind checks and normalises what a form sends as its table says.
func TestKindValues(t *testing.T) {
	opts := func(ids ...string) []*Option {
		var out []*Option
		for _, id := range ids {
			out = append(out, &Option{ID: id, Exclusive: id == "none"})
		}
		return out
	}
	one, two := 1, 10
	cases := []struct {
		q    *Question
		in   []string
		want []string
		msg  string
	}{
		{&Question{Kind: KindScale, Options: opts("yes", "no")}, []string{" yes ", ""}, []string{"yes"}, ""},
		{&Question{Kind: KindScale, Options: opts("yes", "no")}, []string{"yes", "no"}, nil, "answer.one_option"},
		{&Question{Kind: KindSingle, Options: opts("a", "b")}, []string{"c"}, nil, "answer.unknown_option"},
		{&Question{Kind: KindMultiple, Options: opts("a", "b", "none")}, []string{"b", "a", "b"}, []string{"a", "b"}, ""},
		{&Question{Kind: KindMultiple, Options: opts("a", "b", "none")}, []string{"a", "none"}, nil, "answer.exclusive"},
		{&Question{Kind: KindText}, []string{"x", "y"}, []string{"x\ny"}, ""},
		{&Question{Kind: KindText}, []string{strings.Repeat("é", MaxText+1)}, nil, "answer.too_long"},
		{&Question{Kind: KindNumber, Min: &one, Max: &two}, []string{"1\u00a0"}, []string{"1"}, ""},
		{&Question{Kind: KindNumber, Min: &one, Max: &two}, []string{"0"}, nil, "answer.number_min"},
		{&Question{Kind: KindNumber, Min: &one, Max: &two}, []string{"11"}, nil, "answer.number_max"},
		{&Question{Kind: KindNumber}, []string{"x"}, nil, "answer.number"},
		{&Question{Kind: KindNumber}, nil, nil, ""},
	}
	for _, c := range cases {
		got, msg := c.q.Values(c.in)
		if msg != c.msg || (msg == "" && !slices.Equal(got, c.want)) {
			t.Errorf("%s %q: got %q %q, want %q %q", c.q.Kind, c.in, got, msg, c.want, c.msg)
		}
	}
	if got := kindList(Kind.Known, "or"); got != "scale, single, multiple, text or number" {
		t.Errorf("kindList = %q", got)
	}
}
