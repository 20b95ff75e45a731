package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"aigrid/internal/config"
	"aigrid/internal/export"
	"aigrid/internal/pgtest"
	"aigrid/internal/questionnaire"
)

// peakRSS is the process's resident memory high-water mark, in bytes (Linux).
func peakRSS() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) * 1024
		}
	}
	return 0
}

// BenchmarkAdminExportStreamed downloads the scores of 10,000 complete assessments (every question
// answered), as CSV and as JSON Lines, through the real router and database, as a site
// administrator. Targets: under 15 s and under 150 MB peak RSS of the aigrid process (the test
// binary; PostgreSQL is another process), the first byte at once. AIGRID_BENCH_ASSESSMENTS changes the count.
func BenchmarkAdminExportStreamed(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("AIGRID_BENCH_ASSESSMENTS")); err == nil && v > 0 {
		n = v
	}
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		b.Fatal(err)
	}
	pool := pgtest.NewPool(b)
	o := testOptions(b, cfg, pool)
	s := New(o)
	ts := httptest.NewServer(s)
	b.Cleanup(ts.Close)
	a := &app{t: b, s: s, ts: ts, st: o.Store}
	ctx := context.Background()

	// n assessments over 20 organisations, every question answered with its first option.
	var ids, vals []string
	for _, q := range s.qn.Questions() {
		v := "1"
		if len(q.Options) > 0 {
			v = q.Options[0].ID
		}
		ids, vals = append(ids, q.ID), append(vals, v)
	}
	profile := questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}}
	seed := func(sql string, args ...any) {
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			b.Fatal(err)
		}
	}
	seed(`INSERT INTO organisations (name) SELECT 'Organisation ' || g FROM generate_series(1, 20) g`)
	seed(`INSERT INTO assessments (organisation_id, system_name, content_version, profile)
		SELECT o.id, 'System ' || g, $1, $2 FROM generate_series(1, $3::int) g
		JOIN (SELECT id, row_number() OVER (ORDER BY name) - 1 AS k FROM organisations) o ON o.k = g % 20`, s.qn.Version, profile, n)
	seed(`INSERT INTO answers (assessment_id, question_id, value, comment)
		SELECT a.id, q.id, ARRAY[q.v], 'Commentaire de ' || q.id FROM assessments a CROSS JOIN unnest($1::text[], $2::text[]) q(id, v)`, ids, vals)
	admin, err := a.st.CreateUser(ctx, "root@example.org", "Root", passwordHashOnce(), true)
	if err != nil {
		b.Fatal(err)
	}
	c := a.signedIn(admin)
	for _, f := range export.SummaryFormats() {
		b.Run(f.Name, func(b *testing.B) {
			header := 0
			switch f.Name {
			case "csv":
				header = 1
			case "xlsx":
				header = -n // a zip archive: its lines mean nothing; read to the end
			}
			var first time.Duration
			for b.Loop() {
				start := time.Now()
				req, _ := http.NewRequest("GET", ts.URL+"/admin/export."+f.Ext, nil)
				resp, err := c.c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				br := bufio.NewReader(resp.Body)
				if _, err := br.ReadByte(); err != nil {
					b.Fatal(err)
				}
				first = time.Since(start)
				lines := 0 // the first line, begun by the first byte, ends with the first ReadSlice
				for {
					_, err := br.ReadSlice('\n')
					if err == io.EOF {
						break
					}
					if err != nil && err != bufio.ErrBufferFull {
						b.Fatal(err)
					}
					if err == nil {
						lines++
					}
				}
				resp.Body.Close()
				if header >= 0 && lines != n+header {
					b.Fatalf("%d lines for %d assessments", lines, n)
				}
			}
			b.ReportMetric(first.Seconds()*1000, "ms-first-byte")
			b.ReportMetric(peakRSS()/(1<<20), "MB-peak-RSS")
		})
	}
}
