package questionnaire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MainFile is the file holding the version, introduction, scale and profile.
const MainFile = "questionnaire.yaml"

var sheetFile = regexp.MustCompile(`^sheet-([0-9]+)\.yaml$`)

// Load reads and validates the questionnaire in fsys: MainFile and every sheet-N.yaml. Every
// problem found is reported, each as "file:path: message", joined in one error.
func Load(fsys fs.FS) (*Questionnaire, error) {
	qn := new(Questionnaire)
	var errs []error
	if err := decodeFile(fsys, MainFile, qn); err != nil {
		errs = append(errs, err)
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("questionnaire: %w", err)
	}
	for _, e := range entries {
		m := sheetFile.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		s := &Sheet{file: e.Name()}
		if err := decodeFile(fsys, e.Name(), s); err != nil {
			errs = append(errs, err)
			continue
		}
		if s.ID != m[1] {
			errs = append(errs, fmt.Errorf("%s:id: sheet id %q does not match the file name (want %q)", s.file, s.ID, m[1]))
		}
		qn.Sheets = append(qn.Sheets, s)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(qn.Sheets, func(a, b *Sheet) int { return numCompare(a.ID, b.ID) })
	if err := qn.validate(); err != nil {
		return nil, err
	}
	qn.finish()
	return qn, nil
}

// decodeFile decodes one YAML document strictly: unknown keys, duplicate keys, trailing documents and
// type mismatches are errors.
func decodeFile(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s: the file is empty", name)
		}
		var te *yaml.TypeError
		if errors.As(err, &te) {
			errs := make([]error, len(te.Errors))
			for i, msg := range te.Errors {
				errs[i] = fmt.Errorf("%s:%s", name, typeErrorMessage(msg))
			}
			return errors.Join(errs...)
		}
		return fmt.Errorf("%s: %s", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: only one YAML document is allowed", name)
	}
	// An empty list entry ("-" with nothing after it) decodes as a nil pointer, which the
	// validator would have to guard against at every level: refuse it here, once, for every list.
	var errs []error
	emptyEntries(reflect.ValueOf(v), "", func(at string) {
		errs = append(errs, fmt.Errorf("%s:%s: empty entry", name, at))
	})
	return errors.Join(errs...)
}

// emptyEntries calls found with the path of every nil pointer in a slice or map reachable from v
// through exported fields.
func emptyEntries(v reflect.Value, at string, found func(at string)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			emptyEntries(v.Elem(), at, found)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			key, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if key == "-" {
				continue
			}
			if key == "" {
				key = strings.ToLower(f.Name)
			}
			path := key
			if at != "" {
				path = at + "." + key
			}
			emptyEntries(v.Field(i), path, found)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			e := v.Index(i)
			path := fmt.Sprintf("%s[%d]", at, i)
			if (e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface || e.Kind() == reflect.Map) && e.IsNil() {
				found(path)
				continue
			}
			emptyEntries(e, path, found)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			e := iter.Value()
			path := fmt.Sprintf("%s.%v", at, iter.Key())
			if (e.Kind() == reflect.Pointer || e.Kind() == reflect.Interface) && e.IsNil() {
				found(path)
				continue
			}
			emptyEntries(e, path, found)
		}
	}
}

// finish links parents, builds the indexes and gives every scored question its full option list:
// the shared scale, or its own options followed by "don't know" and "not applicable".
func (qn *Questionnaire) finish() {
	qn.questions = map[string]*Question{}
	qn.profile = map[string]*ProfileQuestion{}
	qn.order = nil
	qn.readers = map[string][]*Question{}
	qn.sources = map[string]*Source{}
	for _, src := range qn.Sources {
		qn.sources[src.ID] = src
	}
	for _, p := range qn.Profile {
		qn.profile[p.ID] = p
	}
	for _, s := range qn.Sheets {
		for _, sec := range s.Sections {
			sec.Sheet = s
			for _, q := range sec.Questions {
				q.Section = sec
				q.Publication = qn.sources[q.Source]
				qn.questions[q.ID] = q
				qn.order = append(qn.order, q)
				for _, id := range q.Condition.questionRefs() {
					if !slices.Contains(qn.readers[id], q) {
						qn.readers[id] = append(qn.readers[id], q)
					}
				}
				switch {
				case q.Kind.Options() == ScaleOptions:
					q.Options = qn.Scale
				case q.Scored():
					for _, id := range []string{OptionDontKnow, OptionNotApplicable} {
						if q.Option(id) == nil {
							q.Options = append(q.Options, qn.ScaleOption(id))
						}
					}
				}
			}
		}
	}
}

// numCompare orders dotted numeric ids ("2" < "10", "2.1" < "2.10").
func numCompare(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, errx := strconv.Atoi(as[i])
		y, erry := strconv.Atoi(bs[i])
		if errx != nil || erry != nil {
			if c := strings.Compare(as[i], bs[i]); c != 0 {
				return c
			}
			continue
		}
		if x != y {
			return x - y
		}
	}
	return len(as) - len(bs)
}

var unknownFieldRe = regexp.MustCompile(`^line ([0-9]+): field (\S+) not found in type .*$`)

// typeErrorMessage rewords the YAML decoder's messages for content editors.
func typeErrorMessage(msg string) string {
	if m := unknownFieldRe.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("line %s: unknown key %q (see docs/content-format.md)", m[1], m[2])
	}
	return msg
}
