package i18n_test

// These tests make format bugs in the catalogues impossible to ship: every message is a fmt format
// (a percent sign is written %%), English and French take the same arguments, every key the code
// uses exists in both languages — literal keys, keys built from a prefix and a value (every value
// listed), and keys passed around as values (flash messages, form errors) — and every call passes
// as many arguments as its message takes.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"aigrid/content"
	"aigrid/internal/i18n"
	"aigrid/internal/questionnaire"
)

// verbs are the arguments a format takes: argument index → verb.
type verbs map[int]rune

func (v verbs) count() int {
	n := 0
	for i := range v {
		n = max(n, i+1)
	}
	return n
}

func (v verbs) String() string {
	var parts []string
	for _, i := range slices.Sorted(maps.Keys(v)) {
		parts = append(parts, fmt.Sprintf("%d:%%%c", i+1, v[i]))
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// parseVerbs lists the arguments of a fmt format, and fails on what fmt would render as an error
// (a bare %, an unknown verb) and on a verb with a space flag ("% d"), which in a message is a
// percent sign followed by a word, not a verb.
func parseVerbs(msg string) (verbs, error) {
	out := verbs{}
	arg := 0
	index := func(i int) (int, error) { // an explicit argument index [n] at msg[i]
		end := strings.IndexByte(msg[i:], ']')
		if end < 0 {
			return 0, fmt.Errorf("unclosed [ at %d", i)
		}
		n, err := strconv.Atoi(msg[i+1 : i+end])
		if err != nil || n < 1 {
			return 0, fmt.Errorf("bad argument index %q", msg[i:i+end+1])
		}
		arg = n - 1
		return i + end + 1, nil
	}
	for i := 0; i < len(msg); i++ {
		if msg[i] != '%' {
			continue
		}
		start := i
		i++
		if i < len(msg) && msg[i] == '%' {
			continue
		}
		flags := ""
		for i < len(msg) && strings.IndexByte("+-# 0", msg[i]) >= 0 {
			flags += msg[i : i+1]
			i++
		}
		var err error
		for _, part := range []string{"width", "precision"} {
			if part == "precision" {
				if i >= len(msg) || msg[i] != '.' {
					break
				}
				i++
			}
			if i < len(msg) && msg[i] == '[' {
				if i, err = index(i); err != nil {
					return nil, err
				}
			}
			if i < len(msg) && msg[i] == '*' {
				out[arg] = '*'
				arg++
				i++
			}
			for i < len(msg) && msg[i] >= '0' && msg[i] <= '9' {
				i++
			}
		}
		if i < len(msg) && msg[i] == '[' {
			if i, err = index(i); err != nil {
				return nil, err
			}
		}
		if i >= len(msg) {
			return nil, fmt.Errorf("bare %% at the end (write %%%% for a percent sign)")
		}
		verb, size := utf8.DecodeRuneInString(msg[i:])
		if !strings.ContainsRune("vTtbcdoOqxXUeEfFgGsp", verb) {
			return nil, fmt.Errorf("%q is not a verb (write %%%% for a percent sign)", msg[start:i+size])
		}
		if strings.Contains(flags, " ") {
			return nil, fmt.Errorf("%q looks like a percent sign followed by text (write %%%%)", msg[start:i+size])
		}
		if prev, ok := out[arg]; ok && prev != verb {
			return nil, fmt.Errorf("argument %d used as %%%c and %%%c", arg+1, prev, verb)
		}
		out[arg] = verb
		arg++
		i += size - 1
	}
	return out, nil
}

// dummies are arguments of the right types for v.
func dummies(v verbs) []any {
	args := make([]any, v.count())
	for i := range args {
		switch v[i] {
		case 'd', 'b', 'c', 'o', 'O', 'x', 'X', 'U', '*':
			args[i] = 7
		case 'e', 'E', 'f', 'F', 'g', 'G':
			args[i] = 1.5
		case 't':
			args[i] = true
		default:
			args[i] = "x"
		}
	}
	return args
}

func TestParseVerbs(t *testing.T) {
	for msg, want := range map[string]string{
		"plain":                    "[]",
		"%d of %d":                 "[1:%d 2:%d]",
		"%d\u00a0%% des questions": "[1:%d]",
		"%[2]s then %[1]d":         "[1:%d 2:%s]",
		"%5.1f%%":                  "[1:%f]",
		"%d\u00a0% des questions":  "error",
		"100 %":                    "error",
		"0 %, and":                 "error",
		"80 % completion":          "error",
	} {
		v, err := parseVerbs(msg)
		got := v.String()
		if err != nil {
			got = "error"
		}
		if got != want {
			t.Errorf("parseVerbs(%q) = %s (%v), want %s", msg, got, err, want)
		}
	}
}

// TestMessagesFormat renders every message of both languages with arguments of the right types:
// the two languages take the same arguments, and no message renders a fmt error (%!).
func TestMessagesFormat(t *testing.T) {
	cats := i18n.Catalogs
	for _, key := range slices.Sorted(maps.Keys(cats[i18n.EN])) {
		en, errEN := parseVerbs(cats[i18n.EN][key])
		fr, errFR := parseVerbs(cats[i18n.FR][key])
		for lang, err := range map[i18n.Lang]error{i18n.EN: errEN, i18n.FR: errFR} {
			if err != nil {
				t.Errorf("%s %q: %v", lang, key, err)
			}
		}
		if errEN != nil || errFR != nil {
			continue
		}
		if en.String() != fr.String() {
			t.Errorf("%q takes %s in English but %s in French", key, en, fr)
		}
		for lang, v := range map[i18n.Lang]verbs{i18n.EN: en, i18n.FR: fr} {
			got := i18n.T(lang, key, dummies(v)...)
			if strings.Contains(got, "%!") {
				t.Errorf("%s %q renders %q", lang, key, got)
			}
			if strings.Contains(cats[lang][key], "%%") && strings.Contains(got, "%%") {
				t.Errorf("%s %q renders %q: T must format every message, with arguments or not", lang, key, got)
			}
		}
	}
}

// TestFrenchPercent: in French a percent sign follows a no-break space (U+00A0 or U+202F), not a
// plain space nor the number itself.
func TestFrenchPercent(t *testing.T) {
	for key, msg := range i18n.Catalogs[i18n.FR] {
		for i := strings.Index(msg, "%%"); i >= 0; i = next(msg, i) {
			before, _ := utf8.DecodeLastRuneInString(msg[:i])
			if before != '\u00a0' && before != '\u202f' {
				t.Errorf("fr %q: %q before %% needs to be a no-break space", key, before)
			}
		}
	}
}

func next(msg string, i int) int {
	j := strings.Index(msg[i+2:], "%%")
	if j < 0 {
		return -1
	}
	return i + 2 + j
}

// source is every non-test Go file of aigrid, templ's generated code included (a { g.T(...) } of a
// .templ file is a call in its _templ.go).
type source struct {
	fset  *token.FileSet
	files map[string]*ast.File // by path relative to the module root
}

func parseSource(t *testing.T) source {
	t.Helper()
	src := source{fset: token.NewFileSet(), files: map[string]*ast.File{}}
	for _, dir := range []string{"cmd", "internal", "web", "content"} {
		err := filepath.WalkDir(filepath.Join("..", "..", dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			f, err := parser.ParseFile(src.fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(filepath.Join("..", ".."), path)
			src.files[filepath.ToSlash(rel)] = f
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(src.files) < 20 {
		t.Fatalf("only %d source files found", len(src.files))
	}
	return src
}

func (s source) pos(n ast.Node) string {
	p := s.fset.Position(n.Pos())
	return fmt.Sprintf("%s:%d", strings.TrimPrefix(filepath.ToSlash(p.Filename), "../../"), p.Line)
}

func stringLit(e ast.Expr) (string, bool) {
	if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
		s, err := strconv.Unquote(b.Value)
		return s, err == nil
	}
	return "", false
}

// pattern flattens a concatenation into its shape, each part that is not a literal written *
// ("role." + string(r) + ".desc" is "role.*.desc"). ok is false for an expression with no literal
// first part.
func pattern(e ast.Expr) (string, bool) {
	var parts []string
	var walk func(ast.Expr)
	walk = func(e ast.Expr) {
		if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
			walk(b.X)
			walk(b.Y)
			return
		}
		if p, ok := e.(*ast.ParenExpr); ok {
			walk(p.X)
			return
		}
		if s, ok := stringLit(e); ok {
			parts = append(parts, s)
		} else {
			parts = append(parts, "*")
		}
	}
	walk(e)
	if len(parts) == 0 || parts[0] == "*" {
		return "", false
	}
	return strings.Join(parts, ""), true
}

// call is a call of i18n.T or of a T method (Globals.T): where, its key, and how many arguments
// follow the key (-1 for args...).
type call struct {
	at     string
	key    ast.Expr
	args   int
	plural bool // an N call: the key names a message per plural form (key.one, key.other)
}

// keys returns the catalogue keys a call with the literal key k uses.
func (c call) keys(k string) []string {
	if c.plural {
		return []string{k + ".one", k + ".other"}
	}
	return []string{k}
}

func (s source) calls() []call {
	var out []call
	for path, f := range s.files {
		inI18n := strings.HasPrefix(path, "internal/i18n/")
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			keyAt := -1
			plural := false
			switch fn := c.Fun.(type) {
			case *ast.SelectorExpr:
				if fn.Sel.Name == "T" || fn.Sel.Name == "N" {
					keyAt, plural = 0, fn.Sel.Name == "N"
					if x, ok := fn.X.(*ast.Ident); ok && x.Name == "i18n" {
						keyAt = 1
					}
				}
			case *ast.Ident:
				if inI18n && (fn.Name == "T" || fn.Name == "N") {
					keyAt, plural = 1, fn.Name == "N"
				}
				if at, ok := keyFuncs[fn.Name]; ok {
					keyAt = at
				}
			}
			if keyAt < 0 || len(c.Args) <= keyAt {
				return true
			}
			args := len(c.Args) - keyAt - 1
			if c.Ellipsis.IsValid() {
				args = -1
			}
			out = append(out, call{at: s.pos(c), key: c.Args[keyAt], args: args, plural: plural})
			return true
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at < out[j].at })
	return out
}

// constants lists the values of the constants of type typ declared in the package in dir.
func (s source) constants(t *testing.T, dir, typ string) []string {
	t.Helper()
	var out []string
	for path, f := range s.files {
		if filepath.Dir(path) != dir {
			continue
		}
		for _, d := range f.Decls {
			g, ok := d.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				v := spec.(*ast.ValueSpec)
				if id, ok := v.Type.(*ast.Ident); !ok || id.Name != typ {
					continue
				}
				for _, val := range v.Values {
					if lit, ok := stringLit(val); ok {
						out = append(out, lit)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		t.Fatalf("no constant of type %s in %s", typ, dir)
	}
	return out
}

// returns lists the string literals returned by the function name in dir, and the integer
// literals of its switch cases.
func (s source) returns(t *testing.T, dir, name string) (strs []string, ints []string) {
	t.Helper()
	found := false
	for path, f := range s.files {
		if filepath.Dir(path) != dir {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Name.Name != name {
				continue
			}
			found = true
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.ReturnStmt:
					for _, r := range n.Results {
						if lit, ok := stringLit(r); ok {
							strs = append(strs, lit)
						}
					}
				case *ast.CaseClause:
					for _, e := range n.List {
						if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.INT {
							ints = append(ints, b.Value)
						}
					}
				}
				return true
			})
		}
	}
	if !found {
		t.Fatalf("no func %s in %s", name, dir)
	}
	return strs, ints
}

// eventKinds lists the kinds of events the store records: literals passed to its event method,
// or assigned to the variable passed to it.
func (s source) eventKinds(t *testing.T) []string {
	t.Helper()
	var out []string
	for path, f := range s.files {
		if filepath.Dir(path) != "internal/postgres" {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			assigned := map[string][]string{}
			var kinds []ast.Expr
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.AssignStmt:
					for i, l := range n.Lhs {
						if id, ok := l.(*ast.Ident); ok && i < len(n.Rhs) {
							if lit, ok := stringLit(n.Rhs[i]); ok {
								assigned[id.Name] = append(assigned[id.Name], lit)
							}
						}
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "event" && len(n.Args) >= 5 {
						kinds = append(kinds, n.Args[4])
					}
				}
				return true
			})
			for _, k := range kinds {
				if lit, ok := stringLit(k); ok {
					out = append(out, lit)
				} else if id, ok := k.(*ast.Ident); ok {
					out = append(out, assigned[id.Name]...)
				}
			}
		}
	}
	if len(out) < 3 {
		t.Fatalf("event kinds not found (%q)", out)
	}
	return out
}

// families are the keys the code builds from a prefix and a value, each with every value it can
// take. A new way of building keys must be added here (the test fails until it is).
func families(t *testing.T, src source) map[string][]string {
	t.Helper()
	roles := src.constants(t, "internal/account", "Role")
	transitions := src.constants(t, "internal/assessment", "Transition")
	_, statuses := src.returns(t, "web/pages", "errorKey")
	statuses = append(statuses, "500", "db") // and ErrorView.Reason's values (serverError)
	var errors []string
	for _, s := range statuses {
		for _, part := range []string{"title", "body"} { // errorKey's callers, in error.templ
			errors = append(errors, s+"."+part)
		}
	}
	var langs []string
	for l := range i18n.Catalogs {
		langs = append(langs, string(l))
	}
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		t.Fatal(err)
	}
	priorities := []string{"high", "medium", "low"}
	for _, q := range qn.Questions() {
		if q.Recommendation != nil && !slices.Contains(priorities, q.Recommendation.Priority) {
			priorities = append(priorities, q.Recommendation.Priority)
		}
	}
	return map[string][]string{
		"role.*":              roles,
		"role.*.desc":         roles,
		"status.*":            src.constants(t, "internal/assessment", "Status"),
		"action.*":            src.constants(t, "internal/assessment", "ActionStatus"),
		"workflow.*":          transitions,
		"workflow.done.*":     transitions,
		"workflow.comment.*":  {"return", "approve"}, // the transitions that take a comment, in assessment.templ
		"event.*":             append(slices.Clone(transitions), src.eventKinds(t)...),
		"importance.*":        src.constants(t, "internal/questionnaire", "Importance"),
		"certainty.*":         src.constants(t, "internal/questionnaire", "Certainty"),
		"certainty.warning.*": {"third_party", "derived"}, // sourceLine shows no warning for cnil_page
		"results.priority.*":  priorities,
		"lang.name.*":         langs,
		"error.*.*":           errors,
		"error.500.*":         {"title", "body"},                      // errorKey's fallback
		"move.reason.*":       {"retired", "kind", "option", "range"}, // questionnaire.Carry*
	}
}

// expand lists the keys of a family.
func expand(pat string, values []string) []string {
	var out []string
	for _, v := range values {
		if strings.Count(pat, "*") == 1 {
			out = append(out, strings.Replace(pat, "*", v, 1))
		} else { // error.*.*: the value holds both parts
			head, _, _ := strings.Cut(pat, "*")
			out = append(out, head+v)
		}
	}
	return out
}

var keyLike = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$`)

// notKeys are literals of the code that look like message keys but are not.
var notKeys = map[string]bool{}

// notKeyPatterns are concatenations that look like keys but are not (form field names).
var notKeyPatterns = map[string]bool{}

// keyFuncs are functions, other than T, that take a message key and its arguments: the index of
// the key (the arguments follow it).
var keyFuncs = map[string]int{"problemf": 1}

// notKeyArgs are functions and methods whose argument at the index given is a name that looks like
// a key but is not shown through T: audit actions ("login.failed") are shown as they are.
var notKeyArgs = map[string]int{"audit": 3, "auditEntry": 3}

// TestKeysExist checks every key the code uses: literal keys of T calls, keys built from a prefix
// (every value of every family), and any other literal or concatenation in the code that looks
// like a key of the catalogues (flash messages, form errors, views' message keys); and that each
// T call passes as many arguments as its message takes.
func TestKeysExist(t *testing.T) {
	src := parseSource(t)
	cats := i18n.Catalogs
	fams := families(t, src)
	takes := func(key string) int {
		v, err := parseVerbs(cats[i18n.EN][key])
		if err != nil {
			return -1 // reported by TestMessagesFormat
		}
		return v.count()
	}
	exists := func(at, key string) bool {
		ok := true
		for lang, cat := range cats {
			if _, found := cat[key]; !found {
				t.Errorf("%s: key %q is missing in %s", at, key, lang)
				ok = false
			}
		}
		return ok
	}
	checkArgs := func(at, key string, args int) {
		if n := takes(key); args >= 0 && n >= 0 && n != args {
			t.Errorf("%s: T(%q) with %d arguments, but its message takes %d", at, key, args, n)
		}
	}
	dynamic := 0
	for pat, values := range fams {
		for _, key := range expand(pat, values) {
			dynamic++
			exists("family "+pat, key)
		}
	}
	t.Logf("%d keys built dynamically, in %d families", dynamic, len(fams))

	inCall := map[ast.Expr]bool{}
	literal := 0
	for _, c := range src.calls() {
		inCall[c.key] = true
		if k, ok := stringLit(c.key); ok {
			literal++
			for _, key := range c.keys(k) {
				if exists(c.at, key) {
					checkArgs(c.at, key, c.args)
				}
			}
			continue
		}
		if pat, ok := pattern(c.key); ok {
			values, known := fams[pat]
			if !known {
				t.Errorf("%s: key built as %q: list every value it takes in families()", c.at, pat)
			}
			for _, key := range expand(pat, values) {
				checkArgs(c.at, key, c.args)
			}
		}
		// Any other key expression holds a key written elsewhere, found below.
	}
	if literal < 100 {
		t.Fatalf("only %d T calls with a literal key found: is the source scan broken?", literal)
	}

	namespaces := map[string]bool{}
	for key := range cats[i18n.EN] {
		ns, _, _ := strings.Cut(key, ".")
		namespaces[ns] = true
	}
	elsewhere := 0
	for path, f := range src.files {
		if strings.HasPrefix(path, "internal/i18n/") {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// a map from codes to message keys ("login.failed": "audit.login.failed"): the code
			// is not a key, its value is
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if v, ok := stringLit(kv.Value); ok && keyLike.MatchString(v) {
					inCall[kv.Key] = true
				}
			}
			if c, ok := n.(*ast.CallExpr); ok {
				name := ""
				switch fn := c.Fun.(type) {
				case *ast.Ident:
					name = fn.Name
				case *ast.SelectorExpr:
					name = fn.Sel.Name
				}
				if i, ok := notKeyArgs[name]; ok && i < len(c.Args) {
					inCall[c.Args[i]] = true
				}
			}
			e, ok := n.(ast.Expr)
			if !ok {
				return true
			}
			if inCall[e] {
				return false // checked above, or not a key
			}
			if b, ok := e.(*ast.BinaryExpr); ok && b.Op == token.ADD {
				pat, ok := pattern(b)
				ns, _, _ := strings.Cut(pat, ".")
				if ok && strings.Contains(pat, "*") && namespaces[ns] && !notKeyPatterns[pat] {
					if _, known := fams[pat]; !known {
						t.Errorf("%s: %q looks like a key built from a value: list its values in families(), or add it to notKeyPatterns", src.pos(b), pat)
					}
				}
				return false // its literal parts are not keys by themselves
			}
			key, ok := stringLit(e)
			ns, _, _ := strings.Cut(key, ".")
			if !ok || !keyLike.MatchString(key) || !namespaces[ns] || notKeys[key] {
				return true
			}
			elsewhere++
			at := src.pos(e)
			if exists(at, key) {
				// A key passed around as a value is shown with T(key), without arguments.
				checkArgs(at, key, 0)
			}
			return true
		})
	}
	t.Logf("%d literal keys in T calls, %d elsewhere", literal, elsewhere)
}

// TestPercentHeadline is the bug of issue #9, item 14: "100 %!d(MISSING)es questions".
func TestPercentHeadline(t *testing.T) {
	for lang, want := range map[i18n.Lang]string{
		i18n.FR: "100\u00a0% des questions notées applicables ont une réponse",
		i18n.EN: "100 % of the applicable scored questions answered",
	} {
		if got := i18n.T(lang, "results.completion", 100); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got := i18n.T(i18n.FR, "scoring.a.in_place"); got != "En place\u00a0: 100\u00a0%" {
		t.Errorf("a message without arguments: %q", got)
	}
}

// templCall is a T call with a literal key in a .templ file: its key, and what follows the key.
var templCall = regexp.MustCompile(`\b([TN])\("([^"]+)"\s*([,)])`)

// TestTemplKeysExist reads the .templ sources themselves (TestKeysExist reads the code templ
// generates from them), so that a key added to a template is checked even before templ generate.
func TestTemplKeysExist(t *testing.T) {
	n := 0
	for _, dir := range []string{"pages", "components"} {
		paths, err := filepath.Glob(filepath.Join("..", "..", "web", dir, "*.templ"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range templCall.FindAllStringSubmatch(string(b), -1) {
				n++
				keys := call{plural: m[1] == "N"}.keys(m[2])
				for lang, cat := range i18n.Catalogs {
					for _, key := range keys {
						msg, ok := cat[key]
						if !ok {
							t.Errorf("%s: key %q is missing in %s", filepath.Base(path), key, lang)
							continue
						}
						if v, err := parseVerbs(msg); err == nil && m[3] == ")" && v.count() > 0 {
							t.Errorf("%s: T(%q) without arguments, but its %s message takes %d", filepath.Base(path), key, lang, v.count())
						}
					}
				}
			}
		}
	}
	if n < 100 {
		t.Fatalf("only %d T calls with a literal key found in .templ files", n)
	}
	t.Logf("%d T calls with a literal key in .templ files", n)
}
