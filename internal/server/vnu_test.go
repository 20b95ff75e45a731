package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/andybalholm/brotli"
)

// The Nu HTML checker (vnu-jar, pinned in testdata/axe/package.json next to axe-core) checks every
// HTML page the tests fetch, through the Go clients and through headless Chromium alike: each test
// server records the HTML it sends (decompressed) into one directory, and TestMain runs the checker
// once over that directory after the tests — one JVM for all pages, not one per page.

// recorded holds the pages recorded in this test run; pages that differ only in per-request tokens,
// ids and numbers are recorded once.
var recorded = struct {
	sync.Mutex
	dir  string
	seen map[[32]byte]bool
	src  map[string]string // file name → "METHOD path"
}{seen: map[[32]byte]bool{}, src: map[string]string{}}

// volatileRe matches what changes between two renderings of the same page: nonces, tokens, UUIDs,
// numbers and dates.
var volatileRe = regexp.MustCompile(`nonce="[^"]*"|value="[A-Za-z0-9_\-]{20,}={0,2}"|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9]+`)

func recordPage(method, path string, body []byte) {
	key := sha256.Sum256(volatileRe.ReplaceAll(body, nil))
	recorded.Lock()
	defer recorded.Unlock()
	if recorded.seen[key] {
		return
	}
	if recorded.dir == "" {
		d, err := os.MkdirTemp("", "aigrid-pages-")
		if err != nil {
			return
		}
		recorded.dir = d
	}
	recorded.seen[key] = true
	name := fmt.Sprintf("%05d.html", len(recorded.seen))
	recorded.src[name] = method + " " + path
	_ = os.WriteFile(filepath.Join(recorded.dir, name), body, 0o600)
}

// recordPages wraps a test server's handler: every HTML response is recorded for the checker, but
// for redirections (net/http's one-line "See Other" body is no page: no browser shows it).
func recordPages(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rw := &teeWriter{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(rw, r)
		if !strings.HasPrefix(rw.Header().Get("Content-Type"), "text/html") || rw.buf.Len() == 0 || rw.status/100 == 3 {
			return
		}
		var rd io.Reader = bytes.NewReader(rw.buf.Bytes())
		switch rw.Header().Get("Content-Encoding") {
		case "br":
			rd = brotli.NewReader(rd)
		case "gzip":
			zr, err := gzip.NewReader(rd)
			if err != nil {
				return
			}
			rd = zr
		}
		if body, err := io.ReadAll(rd); err == nil {
			recordPage(r.Method, r.URL.RequestURI(), body)
		}
	})
}

type teeWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (t *teeWriter) WriteHeader(code int) {
	t.status = code
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	t.buf.Write(b)
	return t.ResponseWriter.Write(b)
}

func (t *teeWriter) Flush() {
	if f, ok := t.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

const vnuJar = "testdata/axe/node_modules/vnu-jar/build/dist/vnu.jar"

// checkRecordedPages runs the Nu HTML checker over every recorded page and reports each error with
// the request that produced the page. It returns 1 when there is any error.
func checkRecordedPages() int {
	recorded.Lock()
	dir, n := recorded.dir, len(recorded.seen)
	recorded.Unlock()
	if dir == "" {
		return 0
	}
	defer os.RemoveAll(dir)
	if _, err := os.Stat(vnuJar); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: the Nu HTML checker is missing: run `npm ci` in internal/server/testdata/axe (.ci/run does it): %v\n", err)
		return 1
	}
	java, err := exec.LookPath("java")
	if err != nil {
		fmt.Fprintln(os.Stderr, "FAIL: the Nu HTML checker needs Java: apt-get install default-jre-headless (.ci/run does it)")
		return 1
	}
	start := time.Now()
	cmd := exec.Command(java, "-Xss1m", "-jar", vnuJar, "--errors-only", "--format", "json", "--exit-zero-always", dir)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: Nu HTML checker: %v\n%s\n", err, stderr.String())
		return 1
	}
	var res struct {
		Messages []struct {
			URL     string `json:"url"`
			Type    string `json:"type"`
			Message string `json:"message"`
			Extract string `json:"extract"`
			Line    int    `json:"lastLine"`
		} `json:"messages"`
	}
	// vnu writes its JSON report to stderr
	report := stderr.Bytes()
	if out.Len() > 0 {
		report = out.Bytes()
	}
	if err := json.Unmarshal(report, &res); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: Nu HTML checker: unreadable report: %v\n%.2000s\n", err, report)
		return 1
	}
	var errs []string
	for _, m := range res.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		name := filepath.Base(m.URL)
		errs = append(errs, fmt.Sprintf("%s (%s line %d): %s: %q", recorded.src[name], name, m.Line, m.Message, m.Extract))
	}
	sort.Strings(errs)
	fmt.Fprintf(os.Stderr, "Nu HTML checker: %d pages, %d errors, %s\n", n, len(errs), time.Since(start).Round(100*time.Millisecond))
	if len(errs) > 0 {
		fmt.Fprintln(os.Stderr, "FAIL: Nu HTML checker errors:\n  "+strings.Join(errs, "\n  "))
		return 1
	}
	return 0
}
