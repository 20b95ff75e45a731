package main

// The site administrators' bulk exports (issue #10): every assessment of the instance as CSV,
// XLSX and JSON Lines, streamed by GET /admin/export.{csv,xlsx,jsonl} (the same code as
// `aigrid export --all`). The target: 10,000 complete assessments in under 15 s and under 150 MB
// peak RSS, the first byte at once; and two exports at once must not starve interactive requests.

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/internal/account"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

var (
	flagExports = flag.Int("exports", 10000, "complete assessments seeded for the bulk export figures (0: skip them)")
	flagHold    = flag.Duration("hold", 0, "keep the database this long after the bulk export figures (to EXPLAIN queries by hand)")
)

// ExportFigure is one bulk export of every assessment, measured from the client.
type ExportFigure struct {
	Format string `json:"format"`
	Rows   int    `json:"assessments"`
	Bytes  int64  `json:"bytes"`
	// HeadersMS: the response's status line and headers; FirstByteMS: the first byte of the body.
	HeadersMS   float64 `json:"headers_ms"`
	FirstByteMS float64 `json:"first_body_byte_ms"`
	TotalMS     float64 `json:"total_ms"`
	// PeakRSSMB is aigrid's VmHWM during this export alone: the kernel's high-water mark is reset
	// (/proc/PID/clear_refs, 5) just before the request.
	PeakRSSMB float64 `json:"peak_rss_mb"`
	// PeakSampledMB is the highest VmRSS sampled every 100 ms, for when the reset is not allowed.
	PeakSampledMB float64 `json:"peak_rss_sampled_mb"`
	HWMReset      bool    `json:"hwm_reset"`
}

// ExportBench is the bulk export part of results.json.
type ExportBench struct {
	Assessments int     `json:"assessments"`
	Answers     int     `json:"answers"`
	SeedSeconds float64 `json:"seed_seconds"`
	// FirstRowMS: the store's EachAssessment, from its call (a new connection) to its first row.
	FirstRowMS float64        `json:"each_assessment_first_row_ms"`
	Figures    []ExportFigure `json:"figures"`
	// step page throughput alone, then while two bulk exports run (JSONL and CSV, each restarted
	// until the measure ends)
	PageAlone        Figure  `json:"step_page_alone"`
	PageDuring       Figure  `json:"step_page_during_two_exports"`
	ExportsCompleted int     `json:"exports_completed_during"`
	Ratio            float64 `json:"during_over_alone"`
}

// benchExports seeds n complete assessments (copies of a complete one) in as many organisations as
// n/100, signs a site administrator in, then measures each bulk export format and the step page
// during two concurrent exports.
func benchExports(ctx context.Context, pool *pgxpool.Pool, st *postgres.Store, qn *questionnaire.Questionnaire, base string, pid int, ws []*worker) (*ExportBench, error) {
	n := *flagExports
	out := &ExportBench{Assessments: n}
	t0 := time.Now()
	answers, err := seedExports(ctx, pool, qn, n, ws[0])
	if err != nil {
		return nil, fmt.Errorf("seed exports: %w", err)
	}
	out.Answers = answers
	out.SeedSeconds = round(time.Since(t0).Seconds())
	log.Printf("seeded %d complete assessments (%d answers) in %.1f s", n, answers, out.SeedSeconds)

	hash, err := account.HashPassword(ctx, benchPassword)
	if err != nil {
		return nil, err
	}
	admin, err := st.CreateUser(ctx, "admin@bench.example", "Bench administrator", hash, true)
	if err != nil {
		return nil, err
	}
	cookie, err := login(newClient(true), base, admin.Email)
	if err != nil {
		return nil, err
	}
	total := n + 3*len(ws) // and the assessments the other figures seeded
	// the store's query alone: the time to its first row, on its own connection
	stop := errors.New("first row")
	t1 := time.Now()
	if err := st.EachAssessment(ctx, "", func(postgres.OrgAssessment, questionnaire.Answers) error {
		out.FirstRowMS = ms(time.Since(t1)) // (returning drains the rest of the result: not timed)
		return stop
	}); !errors.Is(err, stop) {
		return nil, fmt.Errorf("each assessment: %v", err)
	}
	log.Printf("EachAssessment: first row after %.0f ms (connection included)", out.FirstRowMS)
	for _, format := range []string{"csv", "xlsx", "jsonl"} {
		f, err := timeExport(base+"/admin/export."+format, cookie, pid)
		if err != nil {
			return nil, err
		}
		f.Format, f.Rows = format, total
		log.Printf("export %s: %d bytes, headers %.0f ms, first body byte %.0f ms, total %.0f ms, peak RSS %.1f MB (sampled %.1f MB)",
			format, f.Bytes, f.HeadersMS, f.FirstByteMS, f.TotalMS, f.PeakRSSMB, f.PeakSampledMB)
		out.Figures = append(out.Figures, f)
	}

	// interactive requests while two bulk exports run
	plain := newClient(true)
	page := func(w *worker) error { return expect(plain, "GET", base+stepPath(w), w, "", nil, 200) }
	out.PageAlone = measure("step page (GET), alone", *flagPage, ws, page)
	during, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, format := range []string{"jsonl", "csv"} {
		wg.Go(func() {
			for {
				if _, err := download(during, base+"/admin/export."+format, cookie, nil); err != nil {
					if during.Err() != nil {
						return // cancelled at the end of the measure
					}
					log.Printf("export %s during the page figure: %v", format, err)
					return
				}
				mu.Lock()
				out.ExportsCompleted++
				mu.Unlock()
			}
		})
	}
	out.PageDuring = measure("step page (GET), during two bulk exports", *flagPage, ws, page)
	cancel()
	wg.Wait()
	if out.PageAlone.PerSec > 0 {
		out.Ratio = round(out.PageDuring.PerSec / out.PageAlone.PerSec)
	}
	log.Printf("step page: %.0f req/s alone, %.0f req/s during two exports (%.2f×), %d exports completed meanwhile",
		out.PageAlone.PerSec, out.PageDuring.PerSec, out.Ratio, out.ExportsCompleted)
	if *flagHold > 0 {
		cfg := pool.Config().ConnConfig
		log.Printf("holding the database for %s: psql -h %s -p %d -U %s %s (password in the data directory's secrets.json)",
			*flagHold, cfg.Host, cfg.Port, cfg.User, cfg.Database)
		time.Sleep(*flagHold)
	}
	return out, nil
}

// seedExports copies the answers of a complete assessment into n new assessments, one INSERT …
// SELECT per table, and returns the number of answers written. Only the tables the bulk exports
// read are filled (no answer history).
func seedExports(ctx context.Context, pool *pgxpool.Pool, qn *questionnaire.Questionnaire, n int, from *worker) (int, error) {
	orgs := max(1, n/100)
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO organisations (name)
		SELECT 'Export organisation ' || lpad(g::text, 4, '0') FROM generate_series(1, $1) g`, orgs); err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO assessments (organisation_id, system_name, description, content_version, profile,
			status, created_by, updated_by)
		SELECT o.id, 'Exported system ' || lpad(g::text, 5, '0'), 'A seeded assessment for the export benchmark.', $2,
			src.profile, (ARRAY['draft', 'in_review', 'approved', 'returned'])[1 + g % 4], $4::uuid, $4::uuid
		FROM generate_series(0, $1 - 1) g
		JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM organisations WHERE name LIKE 'Export organisation %') o
			ON o.k = g % $3
		CROSS JOIN (SELECT profile FROM assessments WHERE id = $5) src`,
		n, qn.Version, orgs, from.userID, from.assessmentID); err != nil {
		return 0, err
	}
	tag, err := tx.Exec(ctx, `INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, updated_by)
		SELECT a.id, t.question_id, t.value, t.comment, t.justification, t.evidence, t.updated_by
		FROM assessments a JOIN organisations o ON o.id = a.organisation_id AND o.name LIKE 'Export organisation %'
		CROSS JOIN (SELECT * FROM answers WHERE assessment_id = $1) t
		-- laid out as if every assessment were filled in section by section, interleaved with the
		-- others: one assessment's answers in a few runs of rows, not one heap page each
		ORDER BY regexp_replace(t.question_id, '[.][^.]*$', ''), a.id, t.question_id`, from.assessmentID)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	// as autovacuum leaves a table in service: hint bits set, visibility map and statistics up to
	// date (otherwise the first reader of each page after the bulk insert pays for it: 11.8 s before
	// the first row in one run)
	_, err = pool.Exec(ctx, "VACUUM (ANALYZE) organisations, assessments, answers")
	return int(tag.RowsAffected()), err
}

// timeExport downloads one bulk export and measures it, with aigrid's peak RSS during it.
func timeExport(u, cookie string, pid int) (ExportFigure, error) {
	var f ExportFigure
	// reset the kernel's peak RSS of the process (Linux ≥ 4.0; the bench started aigrid, so it may)
	f.HWMReset = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	var peak float64
	stopSampling := sampleRSS(pid, &peak)
	t, err := download(context.Background(), u, cookie, &f)
	stopSampling()
	if err != nil {
		return f, err
	}
	f.TotalMS = ms(t)
	f.PeakSampledMB = round(peak)
	f.PeakRSSMB = rssMB(pid, "VmHWM")
	return f, nil
}

// download reads an export to its end and returns its duration; f, if not nil, gets the bytes and
// the times to the headers and to the first byte of the body.
func download(ctx context.Context, u, cookie string, f *ExportFigure) (time.Duration, error) {
	c := newClient(true)
	c.Timeout = 10 * time.Minute
	req, _ := http.NewRequestWithContext(ctx, "GET", u, nil)
	req.Header.Set("Cookie", cookie)
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	headers := time.Since(t0)
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	one := make([]byte, 1)
	if _, err := io.ReadFull(resp.Body, one); err != nil {
		return 0, fmt.Errorf("GET %s: %w", u, err)
	}
	first := time.Since(t0)
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, fmt.Errorf("GET %s: %w", u, err)
	}
	if f != nil {
		f.Bytes, f.HeadersMS, f.FirstByteMS = n+1, ms(headers), ms(first)
	}
	return time.Since(t0), nil
}

// exportTargets checks issue #10's bounds on each format.
func exportTargets(e *ExportBench) []Target {
	var ts []Target
	for _, f := range e.Figures {
		ts = append(ts,
			Target{What: "bulk export " + f.Format + ", " + strconv.Itoa(f.Rows) + " assessments, total", Want: "< 15 s", Measured: round(f.TotalMS / 1000), Unit: "s", Met: f.TotalMS < 15000},
			Target{What: "bulk export " + f.Format + ", peak RSS", Want: "< 150 MB", Measured: f.PeakRSSMB, Unit: "MB", Met: f.PeakRSSMB < 150})
	}
	return ts
}

// exportsMarkdown is the bulk export section of results.md.
func exportsMarkdown(e *ExportBench) string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\nBulk exports (GET /admin/export.*, a site administrator): %d complete assessments seeded (%d answers) in %.1f s.\n\n",
		e.Assessments, e.Answers, e.SeedSeconds)
	b.WriteString("| format | assessments | bytes | headers ms | first body byte ms | total s | peak RSS MB (VmHWM reset) | peak RSS MB (sampled) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, f := range e.Figures {
		fmt.Fprintf(&b, "| %s | %d | %d | %.0f | %.0f | %.2f | %.1f | %.1f |\n", f.Format, f.Rows, f.Bytes, f.HeadersMS, f.FirstByteMS,
			f.TotalMS/1000, f.PeakRSSMB, f.PeakSampledMB)
	}
	fmt.Fprintf(&b, "The store's EachAssessment returns its first row %.0f ms after it is called (its own connection included).\n", e.FirstRowMS)
	fmt.Fprintf(&b, "\nStep page during two bulk exports (JSONL and CSV, each restarted as it ends; %d ended during the measure): %.0f req/s, p99 %.0f ms; alone: %.0f req/s, p99 %.0f ms (%.2f×).\n",
		e.ExportsCompleted, e.PageDuring.PerSec, e.PageDuring.P99, e.PageAlone.PerSec, e.PageAlone.P99, e.Ratio)
	return b.String()
}
