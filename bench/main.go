// Command bench measures aigrid end to end (`make bench`): it starts aigrid in local mode on a fresh
// database, seeds organisations, users and complete assessments, and drives the real HTTP endpoints
// with a closed-loop load generator on the loopback interface. Every figure is reported as a ratio
// to its limit measured in the same run:
//
//   - a step save (POST, 303) against the fastest raw pgx write of the same answers and history
//     (one statement, no HTTP);
//   - a step page and the results page against /healthz and against a bare net/http server (a
//     separate process) serving a copy of the same page.
//
// Each run measures every figure and its limit within a few seconds of each other; a ratio is taken
// in each run and the median over the runs is reported, with each run's.
//
// It writes bench/results.json and bench/results.md. Performance targets are checked here, never
// in unit tests. Load goes to 127.0.0.1 only, for a bounded time.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"aigrid/content"
	"aigrid/internal/account"
	"aigrid/internal/assessment"
	"aigrid/internal/postgres"
	"aigrid/internal/questionnaire"
)

var (
	flagBinary   = flag.String("binary", "", "aigrid binary to measure (default: build ./cmd/aigrid)")
	flagDuration = flag.Duration("duration", 8*time.Second, "measured time of each figure (after a 1 s warm-up)")
	flagRuns     = flag.Int("runs", 3, "runs of every figure; the median is reported")
	flagSave     = flag.Int("save-clients", 32, "concurrent clients saving")
	flagPage     = flag.Int("page-clients", 16, "concurrent clients reading pages")
	flagOut      = flag.String("out", "bench", "directory for results.json and results.md")
	flagPool     = flag.String("db-max-conns", "", "AIGRID_DB_MAX_CONNS for aigrid (default: aigrid's own)")
	flagLabel    = flag.String("label", "", "a label stored with the results (e.g. the commit measured)")
	flagProfile  = flag.String("cpuprofile", "", "directory for aigrid's CPU profiles of the save, step page and results page figures (first run)")
	// internal: the bare net/http server, run as a separate process like aigrid
	flagBare = flag.String("bare", "", "internal: serve the pages in this directory on 127.0.0.1:0")
)

func main() {
	flag.Parse()
	log.SetFlags(log.Ltime)
	if *flagBare != "" {
		serveBare(*flagBare)
		return
	}
	do := run
	if *flagAudit {
		do = runAudit
	}
	if err := do(); err != nil {
		log.Fatal(err)
	}
}

// Figure is one measurement: closed-loop clients for a fixed time.
type Figure struct {
	Name     string  `json:"name"`
	Clients  int     `json:"clients"`
	Seconds  float64 `json:"seconds"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	PerSec   float64 `json:"per_second"`
	P50      float64 `json:"p50_ms"`
	P90      float64 `json:"p90_ms"`
	P99      float64 `json:"p99_ms"`
	Max      float64 `json:"max_ms"`
}

// Ratio compares a figure with a limit measured in the same run.
type Ratio struct {
	Figure string    `json:"figure"`
	Limit  string    `json:"limit"`
	Ratio  float64   `json:"throughput_ratio"` // the median of the runs' ratios
	Runs   []float64 `json:"runs"`             // each run's: the figure over its limit measured in that run
}

// Target is one of issue #15's targets, with the value measured.
type Target struct {
	What     string  `json:"what"`
	Want     string  `json:"want"`
	Measured float64 `json:"measured"`
	Unit     string  `json:"unit"`
	Met      bool    `json:"met"`
}

// Results is what bench/results.json holds.
type Results struct {
	Label   string              `json:"label,omitempty"`
	At      time.Time           `json:"at"`
	Machine map[string]string   `json:"machine"`
	Command string              `json:"command"`
	Runs    [][]Figure          `json:"runs"`
	Median  []Figure            `json:"median"`
	Ratios  []Ratio             `json:"ratios"`
	RSS     map[string]float64  `json:"rss_mb"`
	Targets []Target            `json:"targets"`
	Sizes   map[string][2]int64 `json:"page_bytes"` // identity, gzip
	// Exports: the bulk export figures (bench/exports.go)
	Exports *ExportBench `json:"bulk_exports,omitempty"`
}

// worker is one simulated user: a session, an organisation and an assessment of their own.
type worker struct {
	email, cookie, orgID, assessmentID, userID string
	rev3, rev4                                 int // revisions of q1.1.3 and q1.1.4
	n                                          int
}

func run() error {
	ctx := context.Background()
	root, err := os.MkdirTemp("", "aigrid-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	// as root, PostgreSQL runs as the "postgres" user, which must be able to enter the directory
	if err := os.Chmod(root, 0o711); err != nil {
		return err
	}

	bin := *flagBinary
	if bin == "" {
		bin = filepath.Join(root, "aigrid")
		log.Print("building aigrid")
		if out, err := exec.Command("go", "build", "-o", bin, "./cmd/aigrid").CombinedOutput(); err != nil {
			return fmt.Errorf("go build: %v\n%s", err, out)
		}
	}

	// aigrid in local mode: its own PostgreSQL cluster in a fresh data directory
	dataDir := filepath.Join(root, "data")
	env := append(os.Environ(), "AIGRID_ADDR=127.0.0.1:0", "AIGRID_DATA_DIR="+dataDir, "AIGRID_LOG_LEVEL=info")
	if *flagPool != "" {
		env = append(env, "AIGRID_DB_MAX_CONNS="+*flagPool)
	}
	metricsAddr := ""
	if *flagProfile != "" { // the profiler is served on the metrics listener
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		metricsAddr = ln.Addr().String()
		ln.Close()
		env = append(env, "AIGRID_METRICS_ADDR="+metricsAddr)
		if err := os.MkdirAll(*flagProfile, 0o755); err != nil {
			return err
		}
	}
	// profiled runs a figure while aigrid records a CPU profile of it (first run only)
	profiled := func(run int, file string, fig func() Figure) Figure {
		if metricsAddr == "" || run > 0 {
			return fig()
		}
		done := make(chan error, 1)
		go func() {
			time.Sleep(time.Second) // after the warm-up
			secs := max(1, int(flagDuration.Seconds())-1)
			resp, err := http.Get(fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", metricsAddr, secs))
			if err != nil {
				done <- err
				return
			}
			defer resp.Body.Close()
			f, err := os.Create(filepath.Join(*flagProfile, file))
			if err == nil {
				_, err = io.Copy(f, resp.Body)
				f.Close()
			}
			done <- err
		}()
		out := fig()
		if err := <-done; err != nil {
			log.Printf("profile %s: %v", file, err)
		}
		return out
	}
	logFile, err := os.Create(filepath.Join(root, "aigrid.log"))
	if err != nil {
		return err
	}
	app, base, stop, err := startApp(bin, env, logFile, func() string { tail, _ := os.ReadFile(logFile.Name()); return string(tail) })
	if err != nil {
		return err
	}
	defer stop()
	log.Printf("aigrid at %s (pid %d)", base, app.Process.Pid)
	time.Sleep(2 * time.Second)
	rss := map[string]float64{"idle": rssMB(app.Process.Pid, "VmRSS")} // started, nothing served yet

	// the same database, for seeding and for the raw-write limit
	dbURL, err := appDatabaseURL(dataDir)
	if err != nil {
		return err
	}
	pool, err := postgres.Open(ctx, dbURL, postgres.MaxConns(int32(*flagSave)))
	if err != nil {
		return err
	}
	defer pool.Close()
	st := postgres.NewStore(pool)
	qn, err := questionnaire.LoadLatest(content.FS)
	if err != nil {
		return err
	}

	workers := max(*flagSave, *flagPage)
	ws, err := seed(ctx, st, qn, workers)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	client := newClient(false)
	for _, w := range ws {
		if w.cookie, err = login(client, base, w.email); err != nil {
			return err
		}
	}
	log.Printf("seeded and signed in %d users", len(ws))

	// the pages as served, for their sizes and for the bare server to serve
	pagesDir := filepath.Join(root, "pages")
	_ = os.Mkdir(pagesDir, 0o700)
	sizes := map[string][2]int64{}
	for name, path := range map[string]string{"step": stepPath(ws[0]), "results": resultsPath(ws[0])} {
		body, plain, err := fetch(newClient(true), base+path, ws[0].cookie, "")
		if err != nil {
			return err
		}
		_, gz, err := fetch(newClient(true), base+path, ws[0].cookie, "gzip")
		if err != nil {
			return err
		}
		sizes[name] = [2]int64{plain, gz}
		if err := os.WriteFile(filepath.Join(pagesDir, name), body, 0o600); err != nil {
			return err
		}
	}
	bareURL, stopBare, err := startBare(pagesDir)
	if err != nil {
		return err
	}
	defer stopBare()

	// password hashing (argon2id, 19 MiB each) leaves its memory to the Go heap for a while
	rss["after signing everyone in"] = rssMB(app.Process.Pid, "VmRSS")

	res := Results{Label: *flagLabel, At: time.Now().UTC(), Machine: machine(ctx, pool), Sizes: sizes,
		Command: "make bench (go run ./bench " + strings.Join(os.Args[1:], " ") + ")"}
	plainClient, gzipClient := newClient(true), newClient(false)
	get := func(c *http.Client, url string, enc string) func(*worker) error {
		return func(w *worker) error { return expect(c, "GET", url, w, enc, nil, 200) }
	}
	var peak float64
	for i := range *flagRuns {
		log.Printf("run %d of %d", i+1, *flagRuns)
		var figs []Figure
		figs = append(figs, measure("raw pgx write (limit)", *flagSave, ws, func(w *worker) error { return rawSave(ctx, pool, w) }))
		if err := readRevisions(ctx, pool, ws); err != nil {
			return err
		}
		stopSampling := sampleRSS(app.Process.Pid, &peak)
		figs = append(figs, profiled(i, "save.pprof", func() Figure {
			return measure("step save (POST, 303)", *flagSave, ws, func(w *worker) error { return appSave(plainClient, base, w) })
		}))
		stopSampling()
		figs = append(figs, measure("bare net/http, step-sized page (limit)", *flagPage, ws, func(w *worker) error {
			return expect(plainClient, "GET", bareURL+"/step", nil, "", nil, 200)
		}))
		figs = append(figs, measure("bare net/http, results-sized page (limit)", *flagPage, ws, func(w *worker) error {
			return expect(plainClient, "GET", bareURL+"/results", nil, "", nil, 200)
		}))
		figs = append(figs, measure("/healthz (limit)", *flagPage, ws, func(w *worker) error {
			return expect(plainClient, "GET", base+"/healthz", nil, "", nil, 200)
		}))
		figs = append(figs, profiled(i, "step.pprof", func() Figure {
			return measure("step page (GET)", *flagPage, ws, func(w *worker) error { return get(plainClient, base+stepPath(w), "")(w) })
		}))
		figs = append(figs, profiled(i, "results.pprof", func() Figure {
			return measure("results page (GET)", *flagPage, ws, func(w *worker) error { return get(plainClient, base+resultsPath(w), "")(w) })
		}))
		figs = append(figs, measure("step page (GET, gzip)", *flagPage, ws, func(w *worker) error { return get(gzipClient, base+stepPath(w), "gzip")(w) }))
		res.Runs = append(res.Runs, figs)
	}
	rss["under save load (peak)"] = peak
	rss["high-water mark"] = rssMB(app.Process.Pid, "VmHWM")
	res.RSS = rss
	res.Median = median(res.Runs)
	res.Machine["load average after"] = loadavg()
	res.Ratios, res.Targets = evaluate(res.Runs, res.Median, rss)
	if *flagExports > 0 {
		if res.Exports, err = benchExports(ctx, pool, st, qn, base, app.Process.Pid, ws); err != nil {
			return err
		}
		res.Targets = append(res.Targets, exportTargets(res.Exports)...)
	}
	return write(res)
}

// readURL reads aigrid's "running at URL" line.
func readURL(r io.Reader, timeout time.Duration) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			return "", errors.New("aigrid exited")
		}
		return u, nil
	case <-time.After(timeout):
		return "", errors.New("timed out")
	}
}

// seed creates organisations of 8 members each, one complete assessment per member (every
// question answered) and a few more per organisation.
func seed(ctx context.Context, st *postgres.Store, qn *questionnaire.Questionnaire, n int) ([]*worker, error) {
	hash, err := account.HashPassword(ctx, benchPassword)
	if err != nil {
		return nil, err
	}
	profile := questionnaire.Profile{"role": {"both"}, "personal_data": {"yes"}, "web_scraping": {"no"}}
	complete := completeAnswers(qn, profile)
	var ws []*worker
	var org account.Organisation
	for i := range n {
		u, err := st.CreateUser(ctx, fmt.Sprintf("user%02d@bench.example", i), fmt.Sprintf("Bench User %02d", i), hash, false)
		if err != nil {
			return nil, err
		}
		if i%8 == 0 {
			if org, err = st.CreateOrganisation(ctx, u.ID, fmt.Sprintf("Bench organisation %d", i/8)); err != nil {
				return nil, err
			}
		} else if err := addMember(ctx, st, org, u); err != nil {
			return nil, err
		}
		var mine string
		for k := range 3 { // one to work on, two more in the organisation's list
			a, err := st.CreateAssessment(ctx, org.ID, u.ID, assessment.Assessment{SystemName: fmt.Sprintf("System %02d-%d", i, k),
				Description: "A seeded assessment for the benchmark.", ContentVersion: qn.Version, Profile: profile})
			if err != nil {
				return nil, err
			}
			if _, err := st.SaveAnswers(ctx, org.ID, a.ID, u.ID, complete); err != nil {
				return nil, err
			}
			if k == 0 {
				mine = a.ID
			}
		}
		ws = append(ws, &worker{email: u.Email, orgID: org.ID, assessmentID: mine, userID: u.ID})
	}
	return ws, nil
}

const benchPassword = "a long and quiet benchmark river"

func addMember(ctx context.Context, st *postgres.Store, o account.Organisation, u account.User) error {
	token := []byte("bench-" + u.ID)
	if err := st.CreateInvitation(ctx, o.ID, "", "", account.Editor, token, time.Hour); err != nil {
		return err
	}
	_, err := st.AcceptInvitation(ctx, token, u.ID)
	return err
}

// completeAnswers answers every question the profile shows with a valid answer.
func completeAnswers(qn *questionnaire.Questionnaire, profile questionnaire.Profile) []postgres.Edit {
	var edits []postgres.Edit
	for _, sec := range qn.Sections() {
		for _, q := range sec.Questions {
			cands := [][]string{{"in_place"}, {"partly"}}
			for _, o := range q.Options {
				cands = append(cands, []string{o.ID})
			}
			cands = append(cands, []string{"3"}, []string{"Documented in the register."})
			for _, c := range cands {
				if a, msg := assessment.Validate(q, assessment.Answer{QuestionID: q.ID, Values: c, Comment: "Seeded."}); msg == "" {
					edits = append(edits, postgres.Edit{Answer: a})
					break
				}
			}
		}
	}
	return edits
}

func stepPath(w *worker) string    { return "/o/" + w.orgID + "/a/" + w.assessmentID + "/s/1.1" }
func resultsPath(w *worker) string { return "/o/" + w.orgID + "/a/" + w.assessmentID + "/results" }

func newClient(identity bool) *http.Client {
	return &http.Client{
		Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: identity,
			DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Timeout:       30 * time.Second,
	}
}

func login(c *http.Client, base, email string) (string, error) {
	form := url.Values{"email": {email}, "password": {benchPassword}}
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	for _, ck := range resp.Cookies() {
		if ck.Name == "aigrid_session" && resp.StatusCode == http.StatusSeeOther {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("login %s: %s", email, resp.Status)
}

// fetch gets a page and returns its body (decoded) and the bytes on the wire.
func fetch(c *http.Client, u, cookie, enc string) ([]byte, int64, error) {
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Cookie", cookie)
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		return nil, 0, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	if enc != "" && resp.Header.Get("Content-Encoding") != enc {
		log.Printf("GET %s: not compressed with %s", u, enc) // an older aigrid: the size shows it
	}
	return b, int64(len(b)), err
}

// expect sends one request and checks its status.
func expect(c *http.Client, method, u string, w *worker, enc string, form url.Values, status int) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if w != nil {
		req.Header.Set("Cookie", w.cookie)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	if enc != "" {
		req.Header.Set("Accept-Encoding", enc)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		return fmt.Errorf("%s %s: %d", method, u, resp.StatusCode)
	}
	return nil
}

var values = [2]string{"in_place", "partly"}

// appSave saves step 1.1 through the form: two answers changed, as a user would.
func appSave(c *http.Client, base string, w *worker) error {
	w.n++
	v := values[w.n%2]
	form := url.Values{"action": {"save"}, "r.q1.1.3": {strconv.Itoa(w.rev3)}, "a.q1.1.3": {v},
		"r.q1.1.4": {strconv.Itoa(w.rev4)}, "a.q1.1.4": {v}}
	if err := expect(c, "POST", base+stepPath(w), w, "", form, http.StatusSeeOther); err != nil {
		return err
	}
	w.rev3++
	w.rev4++
	return nil
}

// rawSave is the limit of a save: the same two answers and their history (old and new answer as
// JSON) and the assessment's last change, in one statement (one round trip, one transaction),
// without HTTP, session, checks or conflict detection.
func rawSave(ctx context.Context, pool *pgxpool.Pool, w *worker) error {
	w.n++
	v := values[w.n%2]
	old := assessment.Answer{Values: []string{values[(w.n+1)%2]}, Comment: "Seeded."}
	var olds, news []string
	for _, q := range []string{"q1.1.3", "q1.1.4"} {
		o, n := old, assessment.Answer{QuestionID: q, Values: []string{v}, Comment: "Seeded."}
		o.QuestionID = q
		ob, _ := json.Marshal(o)
		nb, _ := json.Marshal(n)
		olds, news = append(olds, string(ob)), append(news, string(nb))
	}
	_, err := pool.Exec(ctx, `WITH up AS (
			INSERT INTO answers (assessment_id, question_id, value, comment, justification, evidence, revision, updated_by)
			SELECT $1, q, ARRAY[$3::text], 'Seeded.', '', '[]', 1, $4 FROM unnest($2::text[]) AS q
			ON CONFLICT (assessment_id, question_id) DO UPDATE SET value = excluded.value, comment = excluded.comment,
				justification = excluded.justification, evidence = excluded.evidence, revision = answers.revision + 1,
				updated_by = excluded.updated_by, updated_at = now()
			RETURNING question_id
		), h AS (
			INSERT INTO answer_history (assessment_id, question_id, old_answer, new_answer, changed_by)
			SELECT $1, q, o, n, $4 FROM unnest($2::text[], $5::jsonb[], $6::jsonb[]) AS t(q, o, n)
		)
		UPDATE assessments SET updated_at = now(), updated_by = $4 WHERE id = $1 AND (SELECT count(*) FROM up) > 0`,
		w.assessmentID, []string{"q1.1.3", "q1.1.4"}, v, w.userID, olds, news)
	return err
}

func readRevisions(ctx context.Context, pool *pgxpool.Pool, ws []*worker) error {
	for _, w := range ws {
		err := pool.QueryRow(ctx, `SELECT max(revision) FILTER (WHERE question_id = 'q1.1.3'), max(revision) FILTER (WHERE question_id = 'q1.1.4')
			FROM answers WHERE assessment_id = $1`, w.assessmentID).Scan(&w.rev3, &w.rev4)
		if err != nil {
			return err
		}
	}
	return nil
}

// measure runs clients closed-loop workers, each as its own user, for a 1 s warm-up and then
// *flagDuration, and returns throughput and latency percentiles of the measured part.
func measure(name string, clients int, ws []*worker, fn func(*worker) error) Figure {
	var mu sync.Mutex
	var lat []time.Duration
	errs := 0
	var firstErr error
	warm := time.Now().Add(time.Second)
	start := warm
	end := warm.Add(*flagDuration)
	var wg sync.WaitGroup
	for i := range clients {
		w := ws[i%len(ws)]
		wg.Go(func() {
			var mine []time.Duration
			bad := 0
			for {
				t0 := time.Now()
				if t0.After(end) {
					break
				}
				err := fn(w)
				d := time.Since(t0)
				if t0.Before(warm) {
					continue
				}
				if err != nil {
					bad++
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			lat = append(lat, mine...)
			errs += bad
			mu.Unlock()
		})
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := min(len(lat)-1, int(float64(len(lat))*p))
		return ms(lat[i])
	}
	f := Figure{Name: name, Clients: clients, Seconds: round(secs), Requests: len(lat), Errors: errs,
		PerSec: round(float64(len(lat)) / secs), P50: pct(0.50), P90: pct(0.90), P99: pct(0.99)}
	if len(lat) > 0 {
		f.Max = ms(lat[len(lat)-1])
	}
	log.Printf("  %-44s %8.0f/s  p50 %6.2f ms  p90 %6.2f  p99 %6.2f  max %7.2f  errors %d", name, f.PerSec, f.P50, f.P90, f.P99, f.Max, errs)
	if firstErr != nil {
		log.Printf("    first error: %v", firstErr)
	}
	return f
}

func ms(d time.Duration) float64 { return round(float64(d.Microseconds()) / 1000) }
func round(f float64) float64    { return float64(int64(f*100+0.5)) / 100 }

// median takes, field by field, the median over the runs.
func median(runs [][]Figure) []Figure {
	if len(runs) == 0 {
		return nil
	}
	out := make([]Figure, len(runs[0]))
	for i := range out {
		var all []Figure
		for _, r := range runs {
			all = append(all, r[i])
		}
		med := func(get func(Figure) float64) float64 {
			v := make([]float64, len(all))
			for j, f := range all {
				v[j] = get(f)
			}
			return middle(v)
		}
		out[i] = Figure{Name: all[0].Name, Clients: all[0].Clients, Seconds: med(func(f Figure) float64 { return f.Seconds }),
			Requests: int(med(func(f Figure) float64 { return float64(f.Requests) })), PerSec: med(func(f Figure) float64 { return f.PerSec }),
			P50: med(func(f Figure) float64 { return f.P50 }), P90: med(func(f Figure) float64 { return f.P90 }),
			P99: med(func(f Figure) float64 { return f.P99 }), Max: med(func(f Figure) float64 { return f.Max })}
		for _, f := range all {
			out[i].Errors += f.Errors
		}
	}
	return out
}

// evaluate compares the figures with issue #15's targets. A throughput ratio is taken within each
// run (a figure over its limit measured minutes apart on a shared machine would compare two
// different machines), and the median of the runs' ratios is reported.
// middle is the median of v (sorted in place): the mean of the two middle values when there are
// an even number of them.
func middle(v []float64) float64 {
	sort.Float64s(v)
	if n := len(v); n%2 == 0 {
		return (v[n/2-1] + v[n/2]) / 2
	}
	return v[len(v)/2]
}

func evaluate(runs [][]Figure, figs []Figure, rss map[string]float64) ([]Ratio, []Target) {
	by := map[string]Figure{}
	for _, f := range figs {
		by[f.Name] = f
	}
	ratio := func(a, b string) Ratio {
		r := Ratio{Figure: a, Limit: b}
		for _, run := range runs {
			perSec := map[string]float64{}
			for _, f := range run {
				perSec[f.Name] = f.PerSec
			}
			if perSec[b] > 0 {
				r.Runs = append(r.Runs, round(perSec[a]/perSec[b]))
			}
		}
		if len(r.Runs) > 0 {
			r.Ratio = round(middle(slices.Clone(r.Runs)))
		}
		return r
	}
	ratios := []Ratio{
		ratio("step save (POST, 303)", "raw pgx write (limit)"),
		ratio("step page (GET)", "bare net/http, step-sized page (limit)"),
		ratio("step page (GET)", "/healthz (limit)"),
		ratio("results page (GET)", "bare net/http, results-sized page (limit)"),
		ratio("results page (GET)", "/healthz (limit)"),
		ratio("step page (GET, gzip)", "bare net/http, step-sized page (limit)"),
	}
	save, step, results := by["step save (POST, 303)"], by["step page (GET)"], by["results page (GET)"]
	targets := []Target{
		{What: "step save / raw write", Want: "≥ 0.5", Measured: ratios[0].Ratio, Unit: "×", Met: ratios[0].Ratio >= 0.5},
		{What: fmt.Sprintf("step save p99 at %d clients", save.Clients), Want: "< 50 ms", Measured: save.P99, Unit: "ms", Met: save.P99 < 50 && save.Errors == 0},
		{What: "step page / bare handler", Want: "≥ 0.15", Measured: ratios[1].Ratio, Unit: "×", Met: ratios[1].Ratio >= 0.15},
		{What: fmt.Sprintf("step page p99 at %d clients", step.Clients), Want: "< 20 ms", Measured: step.P99, Unit: "ms", Met: step.P99 < 20 && step.Errors == 0},
		{What: "results page / bare handler", Want: "≥ 0.15", Measured: ratios[3].Ratio, Unit: "×", Met: ratios[3].Ratio >= 0.15},
		{What: fmt.Sprintf("results page p99 at %d clients", results.Clients), Want: "< 20 ms", Measured: results.P99, Unit: "ms", Met: results.P99 < 20 && results.Errors == 0},
		{What: "idle RSS", Want: "< 50 MB", Measured: rss["idle"], Unit: "MB", Met: rss["idle"] < 50},
		{What: "RSS under the save load", Want: "< 150 MB", Measured: rss["under save load (peak)"], Unit: "MB", Met: rss["under save load (peak)"] < 150},
	}
	return ratios, targets
}

func write(res Results) error {
	if err := os.MkdirAll(*flagOut, 0o755); err != nil {
		return err
	}
	data, _ := json.MarshalIndent(res, "", "  ")
	if err := os.WriteFile(filepath.Join(*flagOut, "results.json"), append(data, '\n'), 0o644); err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured %s on %s (%s CPUs, %s), %d runs of %s each, medians.\n\n", res.At.Format("2006-01-02 15:04 MST"),
		res.Machine["cpu"], res.Machine["cpus"], res.Machine["memory"], len(res.Runs), *flagDuration)
	b.WriteString("| figure | clients | per second | p50 ms | p90 ms | p99 ms | max ms | errors |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, f := range res.Median {
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.2f | %.2f | %.2f | %.2f | %d |\n", f.Name, f.Clients, f.PerSec, f.P50, f.P90, f.P99, f.Max, f.Errors)
	}
	b.WriteString("\n| figure | limit (same run) | throughput ratio (median of the runs) | each run |\n| --- | --- | ---: | --- |\n")
	for _, r := range res.Ratios {
		each := make([]string, len(r.Runs))
		for i, x := range r.Runs {
			each[i] = fmt.Sprintf("%.2f", x)
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f× | %s |\n", r.Figure, r.Limit, r.Ratio, strings.Join(each, ", "))
	}
	b.WriteString("\n| target | wanted | measured | met |\n| --- | --- | ---: | --- |\n")
	for _, t := range res.Targets {
		met := "no"
		if t.Met {
			met = "yes"
		}
		fmt.Fprintf(&b, "| %s | %s | %.2f %s | %s |\n", t.What, t.Want, t.Measured, t.Unit, met)
	}
	b.WriteString(exportsMarkdown(res.Exports))
	fmt.Fprintf(&b, "\nPage sizes (identity / gzip bytes): step %d / %d, results %d / %d.\n", res.Sizes["step"][0], res.Sizes["step"][1],
		res.Sizes["results"][0], res.Sizes["results"][1])
	fmt.Fprintf(&b, "Load average before / after: %s / %s (the machine may be shared).\n", res.Machine["load average before"], res.Machine["load average after"])
	if err := os.WriteFile(filepath.Join(*flagOut, "results.md"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Print("\n" + b.String())
	return nil
}

func machine(ctx context.Context, pool *pgxpool.Pool) map[string]string {
	m := map[string]string{"cpus": strconv.Itoa(runtime.NumCPU()), "go": runtime.Version(), "os": runtime.GOOS + "/" + runtime.GOARCH,
		"load average before": loadavg()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		if mm := regexp.MustCompile(`(?m)^model name\s*:\s*(.+)$`).FindSubmatch(b); mm != nil {
			m["cpu"] = string(mm[1])
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		if mm := regexp.MustCompile(`MemTotal:\s+(\d+) kB`).FindSubmatch(b); mm != nil {
			kb, _ := strconv.Atoi(string(mm[1]))
			m["memory"] = fmt.Sprintf("%.1f GB RAM", float64(kb)/1e6)
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m["kernel"] = strings.TrimSpace(string(b))
	}
	var v string
	if err := pool.QueryRow(ctx, "SHOW server_version").Scan(&v); err == nil {
		m["postgresql"] = v
	}
	return m
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// rssMB reads a memory figure of a process (VmRSS, VmHWM) in MB.
func rssMB(pid int, field string) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	m := regexp.MustCompile(field + `:\s+(\d+) kB`).FindSubmatch(b)
	if m == nil {
		return 0
	}
	kb, _ := strconv.Atoi(string(m[1]))
	return round(float64(kb) / 1024)
}

// sampleRSS records the highest RSS of pid into peak until stopped.
func sampleRSS(pid int, peak *float64) func() {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if v := rssMB(pid, "VmRSS"); v > *peak {
				*peak = v
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// startBare runs this program as the bare server, in its own process like aigrid.
func startBare(dir string) (string, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return "", nil, err
	}
	cmd := exec.Command(exe, "-bare", dir)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	u, err := readURL(out, 10*time.Second)
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("bare server: %w", err)
	}
	return strings.TrimSuffix(u, "/"), stop, nil
}

// serveBare serves each file of dir at /name, as text/html, with nothing else.
func serveBare(dir string) {
	pages := map[string][]byte{}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		pages["/"+e.Name()] = b
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("bare server running at http://%s/\n", ln.Addr())
	log.Fatal(http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(b)
	})))
}
