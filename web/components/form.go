package components

// Form carries what a user typed and what was wrong with it, so a failed submit re-renders the
// form with the values kept and the errors shown.
type Form struct {
	Values map[string]string
	Errors map[string]string // field name → message key
	Order  []string          // fields in page order, for the error summary
}

// NewForm returns an empty form.
func NewForm() *Form { return &Form{Values: map[string]string{}, Errors: map[string]string{}} }

// Get returns a field's value.
func (f *Form) Get(name string) string {
	if f == nil {
		return ""
	}
	return f.Values[name]
}

// Error returns a field's error message key, if any.
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	return f.Errors[name]
}

// Fail records an error on a field (the first one wins).
func (f *Form) Fail(name, msgKey string) {
	if _, ok := f.Errors[name]; ok {
		return
	}
	f.Errors[name] = msgKey
	f.Order = append(f.Order, name)
}

// Valid reports whether no error was recorded.
func (f *Form) Valid() bool { return f == nil || len(f.Errors) == 0 }

// FieldID is the HTML id of a field, which the error summary links to.
func FieldID(name string) string { return "f-" + name }
