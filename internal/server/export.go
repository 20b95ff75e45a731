package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"aigrid/internal/assessment"
	"aigrid/internal/export"
	"aigrid/internal/i18n"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
	"aigrid/internal/scoring"
	"aigrid/web/components"
	"aigrid/web/pages"
)

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// attachment names a download after the system, safely.
func attachment(w http.ResponseWriter, name, ext, contentType string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.%s"`, FileBase(name), ext))
	w.Header().Set("Cache-Control", "no-store")
}

// FileBase turns a name into a safe file name without extension.
func FileBase(name string) string {
	base := strings.Trim(unsafeFileChars.ReplaceAllString(name, "-"), "-")
	if base == "" {
		base = "assessment"
	}
	return base
}

// ExportName is the file name (without extension) of an assessment's exports.
func ExportName(a assessment.Assessment) string {
	return FileBase(fmt.Sprintf("%s-v%d", a.SystemName, a.Version))
}

// LoadExport loads everything an export shows of one assessment of an organisation: the pages and
// the command line export the same data.
func LoadExport(ctx context.Context, st *postgres.Store, cat *questionnaire.Catalog, orgID, id string, lang questionnaire.Lang, now time.Time) (export.Assessment, error) {
	a, err := st.Assessment(ctx, orgID, id)
	if err != nil {
		return export.Assessment{}, err
	}
	qn, err := cat.Get(a.ContentVersion) // the assessment's own version, never another
	if err != nil {
		return export.Assessment{}, err
	}
	answers, err := st.Answers(ctx, orgID, id)
	if err != nil {
		return export.Assessment{}, err
	}
	actions, err := st.Actions(ctx, orgID, id)
	if err != nil {
		return export.Assessment{}, err
	}
	events, err := st.Events(ctx, orgID, id)
	if err != nil {
		return export.Assessment{}, err
	}
	history, err := st.HistorySummaries(ctx, orgID, id)
	if err != nil {
		return export.Assessment{}, err
	}
	o, err := st.Organisation(ctx, orgID)
	if err != nil {
		return export.Assessment{}, err
	}
	sc := screenOn(qn, a.Profile, assessment.Values(answers), now) // as of the day of the export, as on the screening page
	return export.Assessment{Questionnaire: qn, Assessment: a, Answers: answers, Lang: lang, Organisation: o.Name,
		Report: scoring.Score(qn, a.Profile, assessment.Values(answers)), Actions: actions, Events: events, History: history, Now: now,
		Screening: &sc}, nil
}

// exportForm reads the export page's choices: format, CSV separator and language. The language
// defaults to the page's, the separator to the language's.
func exportForm(r *http.Request, pageLang i18n.Lang) (f *components.Form, format export.Format, lang questionnaire.Lang, opts export.Options) {
	q := r.URL.Query()
	f = components.NewForm()
	f.Values["format"], f.Values["lang"], f.Values["sep"] = q.Get("format"), q.Get("lang"), q.Get("sep")
	if f.Values["lang"] == "" {
		f.Values["lang"] = string(pageLang)
	}
	l, ok := i18n.Parse(f.Values["lang"])
	if !ok {
		f.Fail("lang", "export.error.lang")
		l = pageLang
	}
	lang = questionnaire.Lang(l)
	format, ok = export.Lookup(f.Values["format"])
	if !ok {
		f.Fail("format", "export.error.format")
	}
	sep, err := export.ParseSep(f.Values["sep"], lang)
	if err != nil {
		f.Fail("sep", "export.error.sep")
	}
	if f.Values["sep"] == "" {
		f.Values["sep"] = map[rune]string{';': "semicolon", ',': "comma"}[export.DefaultSep(lang)]
	}
	return f, format, lang, export.Options{Sep: sep}
}

// showExport is the export page of an assessment; submitted (with a format), it downloads the file.
func (s *Server) showExport(w http.ResponseWriter, r *http.Request) error {
	g := s.globals(w, r)
	f, format, lang, opts := exportForm(r, g.Lang)
	if r.URL.Query().Has("format") && f.Valid() {
		return s.download(w, r, format, lang, opts)
	}
	a, err := s.currentAssessment(r)
	if err != nil {
		return err
	}
	if !r.URL.Query().Has("format") {
		f = components.NewForm()
		f.Values["format"], f.Values["lang"] = export.Formats()[0].Name, string(g.Lang)
		f.Values["sep"] = map[rune]string{';': "semicolon", ',': "comma"}[export.DefaultSep(questionnaire.Lang(g.Lang))]
	}
	view := pages.ExportView{Assessment: a, Form: f}
	for _, x := range export.Formats() {
		view.Formats = append(view.Formats, pages.ExportChoice{Name: x.Name, Label: x.Label, Separated: x.Separated})
	}
	status := http.StatusOK
	if !f.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.Export(g, view))
	return nil
}

// exportAs downloads an assessment in one format of the table (the direct links, export.pdf…):
// ?lang= and ?sep= may change the language and the CSV separator.
func (s *Server) exportAs(format export.Format) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, _, lang, opts := exportForm(r, s.globals(w, r).Lang)
		if f.Error("lang") != "" || f.Error("sep") != "" {
			return errBadRequest
		}
		return s.download(w, r, format, lang, opts)
	}
}

// download writes the file in full before sending it, so that a failure is an error page rather
// than half a file; every download is recorded in the audit log.
func (s *Server) download(w http.ResponseWriter, r *http.Request, format export.Format, lang questionnaire.Lang, opts export.Options) error {
	m := currentMembership(r)
	e, err := LoadExport(r.Context(), s.st, s.catalog, m.Organisation.ID, chi.URLParam(r, "a"), lang, time.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := format.Write(&buf, export.Build(e), opts); err != nil {
		return err
	}
	details := map[string]any{"assessment": e.Assessment.ID, "format": format.Name, "lang": string(lang)}
	if format.Separated {
		details["separator"] = string(opts.Sep)
	}
	s.audit(r, "", m.Organisation.ID, "assessment.export", details)
	attachment(w, ExportName(e.Assessment), format.Ext, format.ContentType)
	_, err = w.Write(buf.Bytes())
	return err
}

// WriteSummaries writes the scores of every assessment of the instance, or of one organisation
// (orgID, "" for all), to a results export, reading them on a connection of their own so that
// interactive requests are not starved. It flushes after the first line and every 100 lines and calls flushed after each
// flush (the pages push the bytes to the client); it does not close sw. The admin pages and the
// command line share it. It returns the number of assessments written.
func WriteSummaries(ctx context.Context, st *postgres.Store, cat *questionnaire.Catalog, orgID string, sw export.SummaryWriter, flushed func()) (int, error) {
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	flushed()
	n := 0
	err := st.EachAssessment(ctx, orgID, func(x postgres.OrgAssessment, answers questionnaire.Answers) error {
		qn, err := cat.Get(x.ContentVersion) // each assessment scored on its own version
		if err != nil {
			return err
		}
		sw.Write(export.Summary{Organisation: x.OrganisationName, Assessment: x.Assessment, Report: scoring.Score(qn, x.Profile, answers)})
		if n++; n == 1 || n%100 == 0 {
			if err := sw.Flush(); err != nil {
				return err
			}
			flushed()
		}
		return nil
	})
	return n, err
}

// exportAll streams the scores of every assessment of the instance (site administrators), or of
// one organisation's with ?organisation=ID, in a results export format: the first bytes leave at
// once, lines are flushed as they are written, and memory does not grow with the number of
// assessments. A failure midway aborts the response, so that the download shows as failed instead
// of looking complete; it is logged.
func (s *Server) exportAll(format export.SummaryFormat) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		// each export holds a connection and up to about 100 MB while it streams (docs/benchmarks.md):
		// a few at once per instance, the others told to come back
		select {
		case s.bulkExports <- struct{}{}:
			defer func() { <-s.bulkExports }()
		default:
			return errExportsBusy
		}
		orgID, name := r.URL.Query().Get("organisation"), "aigrid-results"
		if r.URL.Query().Has("organisation") {
			o, err := s.st.Organisation(r.Context(), orgID)
			if err != nil {
				return err // an unknown organisation is not found
			}
			name += "-" + o.Name
		}
		rc := http.NewResponseController(w)
		attachment(w, name, format.Ext, format.ContentType)
		sw := format.New(w, s.qn.Sheets)
		n, err := WriteSummaries(r.Context(), s.st, s.catalog, orgID, sw, func() { _ = rc.Flush() })
		if err == nil {
			err = sw.Close()
		}
		details := map[string]any{"assessments": n, "complete": err == nil, "format": format.Name}
		if orgID != "" {
			details["organisation"] = orgID
		}
		s.audit(r, "", orgID, "admin.export", details)
		if err != nil {
			s.log.ErrorContext(r.Context(), "results export interrupted", "err", err, "lines", n, "request_id", requestIDFrom(r.Context()))
			panic(http.ErrAbortHandler)
		}
		return nil
	}
}

// maxBulkExports is how many bulk exports (exportAll) one instance streams at once.
const maxBulkExports = 2

// errExportsBusy: maxBulkExports are streaming already.
var errExportsBusy = errors.New("bulk exports busy")

// SaveImport creates the assessment a checked import file describes in an organisation, as userID
// ("" for the command line), in one transaction. It returns the new assessment's ID and the owner
// names that matched no member.
func SaveImport(ctx context.Context, st *postgres.Store, orgID, userID string, imp *export.Import) (string, []string, error) {
	var actions []postgres.ImportAction
	for _, x := range imp.Actions {
		actions = append(actions, postgres.ImportAction{OwnerName: x.Owner, ActionInput: postgres.ActionInput{QuestionID: x.QuestionID,
			Title: x.Title, DueOn: x.DueOn, Status: x.Status, Reason: x.Reason}})
	}
	return st.ImportAssessment(ctx, orgID, userID, imp.Assessment, imp.Answers, actions)
}

// showImport is the page that creates an assessment from a JSON export.
func (s *Server) showImport(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, pages.Import(s.globals(w, r), pages.ImportView{Form: components.NewForm()}))
	return nil
}

// importAssessment creates an assessment from an uploaded JSON export: the file is checked
// completely first; on any problem, every one is listed with its JSON path and nothing is created.
func (s *Server) importAssessment(w http.ResponseWriter, r *http.Request) error {
	g := s.globals(w, r)
	m := currentMembership(r)
	view := pages.ImportView{Form: components.NewForm()}
	var data []byte
	file, _, err := r.FormFile("file")
	if err == nil {
		data, err = io.ReadAll(io.LimitReader(file, export.MaxImportSize+1))
		file.Close()
	}
	if err != nil || len(data) == 0 {
		view.Form.Fail("file", "import.error.file")
		s.render(w, r, http.StatusUnprocessableEntity, pages.Import(g, view))
		return nil
	}
	imp, problems := export.ParseImportFrom(s.catalog, data)
	if len(problems) > 0 {
		for _, p := range problems {
			view.Problems = append(view.Problems, pages.ImportProblem{Path: p.Path, Message: i18n.T(g.Lang, p.Key, p.Args...)})
		}
		s.render(w, r, http.StatusUnprocessableEntity, pages.Import(g, view))
		return nil
	}
	id, unmatched, err := SaveImport(r.Context(), s.st, m.Organisation.ID, m.User.ID, imp)
	if err != nil {
		return err
	}
	s.audit(r, "", m.Organisation.ID, "assessment.import", map[string]any{"assessment": id, "answers": len(imp.Answers),
		"actions": len(imp.Actions), "unmatched_owners": len(unmatched)})
	if len(unmatched) > 0 {
		s.flash(w, r, "import.done.unassigned")
	} else {
		s.flash(w, r, "import.done")
	}
	http.Redirect(w, r, s.assessmentPath(r, id, "/"), http.StatusSeeOther)
	return nil
}
