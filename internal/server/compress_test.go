package server

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"aigrid/web/static"
)

func TestNegotiateEncoding(t *testing.T) {
	for _, tc := range []struct{ header, want string }{
		{"", ""},
		{"identity", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br, zstd", "br"},
		{"br;q=0.5, gzip", "gzip"},
		{"br;q=0, gzip;q=0", ""},
		{"BR", "br"},
		{"*", "br"},
		{"*;q=0.1, br;q=0", "gzip"},
		{"x-gzip", "gzip"},
		{"deflate", ""},
	} {
		if got := negotiateEncoding(tc.header); got != tc.want {
			t.Errorf("negotiateEncoding(%q) = %q, want %q", tc.header, got, tc.want)
		}
	}
}

// rawGet fetches path without Go's transparent decompression, so the encoding can be checked.
func rawGet(t *testing.T, url string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	c := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

func decode(t *testing.T, encoding string, b []byte) string {
	t.Helper()
	var r io.Reader
	switch encoding {
	case "br":
		r = brotli.NewReader(bytes.NewReader(b))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	default:
		return string(b)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s body does not decode: %v", encoding, err)
	}
	return string(out)
}

// Every HTML page and asset is compressed with what the client accepts (brotli first, then gzip),
// says it varies with Accept-Encoding, and decodes to the page itself.
func TestCompressedPages(t *testing.T) {
	tm := newTeam(t)
	id := tm.create(tm.editor, "Chatbot", fullProfile)
	cookie := tm.editor.cookie(sessionCookie)
	step := tm.a.ts.URL + tm.path("/a/"+id+"/s/1.1")
	var sizes = map[string]int{}
	for _, enc := range []string{"br", "gzip", ""} {
		h := http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}}
		if enc != "" {
			h.Set("Accept-Encoding", enc)
		}
		for _, url := range []string{step, tm.a.ts.URL + "/login", tm.a.ts.URL + static.URL("css/app.css"), tm.a.ts.URL + static.URL("js/app.js")} {
			resp, b := rawGet(t, url, h)
			if resp.StatusCode != 200 {
				t.Fatalf("%s: %d", url, resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Encoding"); got != enc {
				t.Errorf("%s with Accept-Encoding %q: Content-Encoding %q", url, enc, got)
			}
			if !strings.Contains(resp.Header.Get("Vary"), "Accept-Encoding") {
				t.Errorf("%s: Vary = %q", url, resp.Header.Get("Vary"))
			}
			if enc != "" && resp.Header.Get("Content-Length") != "" && resp.Header.Get("Content-Length") != "0" {
				if n := resp.ContentLength; n != int64(len(b)) {
					t.Errorf("%s: Content-Length %d for %d bytes", url, n, len(b))
				}
			}
			body := decode(t, enc, b)
			if url == step {
				sizes[enc] = len(b)
				if !strings.Contains(body, `data-testid="question-q1.1.3"`) || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
					t.Fatalf("%s step page decodes to an incomplete page (%d bytes)", enc, len(body))
				}
				checkPage(t, "step "+enc, body)
			}
		}
	}
	t.Logf("step page: %v bytes", sizes)
	if sizes["br"]*4 > sizes[""] || sizes["gzip"]*4 > sizes[""] {
		t.Errorf("step page sizes: %v (compressed should be at most a quarter)", sizes)
	}

	// Small responses go out as they are.
	resp, b := rawGet(t, tm.a.ts.URL+"/healthz", http.Header{"Accept-Encoding": {"gzip"}})
	if resp.Header.Get("Content-Encoding") != "" || string(b) != "ok\n" {
		t.Errorf("/healthz: encoding %q, body %q", resp.Header.Get("Content-Encoding"), b)
	}
}

// Content that is not text, or already encoded, is never compressed again.
func TestCompressSkips(t *testing.T) {
	big := bytes.Repeat([]byte("aigrid "), 1000)
	s := &Server{}
	for _, tc := range []struct {
		name, ctype, encoding string
		body                  []byte
		want                  string
	}{
		{"png", "image/png", "", big, ""},
		{"already gzip", "text/html", "gzip", big, "gzip"},
		{"zip", "application/zip", "", big, ""},
		{"small json", "application/json", "", []byte(`{"saved":true}`), ""},
		{"large json", "application/json", "", append(append([]byte(`{"x":"`), big...), '"', '}'), "br"},
		{"sniffed html", "", "", append([]byte("<!doctype html><p>"), big...), "br"},
	} {
		h := s.compress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tc.ctype != "" {
				w.Header().Set("Content-Type", tc.ctype)
			}
			if tc.encoding != "" {
				w.Header().Set("Content-Encoding", tc.encoding)
			}
			for chunk := range slices.Chunk(tc.body, 300) {
				_, _ = w.Write(chunk)
			}
		}))
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", "gzip, br")
		h.ServeHTTP(rec, req)
		if got := rec.Header().Get("Content-Encoding"); got != tc.want {
			t.Errorf("%s: Content-Encoding %q, want %q", tc.name, got, tc.want)
			continue
		}
		body := rec.Body.Bytes()
		if tc.want == "br" {
			body = []byte(decode(t, "br", body))
		}
		if !bytes.Equal(body, tc.body) {
			t.Errorf("%s: body changed (%d bytes, want %d)", tc.name, len(body), len(tc.body))
		}
	}
}

// Static files requested without their hash are revalidated: ETag and Last-Modified, and 304 when
// the client's copy is current, compressed or not.
func TestStaticRevalidation(t *testing.T) {
	a := newApp(t)
	url := a.ts.URL + "/static/css/app.css"
	for _, enc := range []string{"", "gzip", "br"} {
		h := http.Header{}
		if enc != "" {
			h.Set("Accept-Encoding", enc)
		}
		resp, b := rawGet(t, url, h)
		etag, lm := resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		if resp.StatusCode != 200 || etag == "" || lm == "" || resp.Header.Get("Cache-Control") != "no-cache" || len(b) == 0 {
			t.Fatalf("%q: %d, ETag %q, Last-Modified %q, Cache-Control %q", enc, resp.StatusCode, etag, lm, resp.Header.Get("Cache-Control"))
		}
		if enc != "" && !strings.HasPrefix(etag, "W/") {
			t.Errorf("%s: the compressed representation has a strong ETag %s", enc, etag)
		}
		for _, cond := range []http.Header{{"If-None-Match": {etag}}, {"If-Modified-Since": {lm}}} {
			for k, v := range h {
				cond[k] = v
			}
			resp, b := rawGet(t, url, cond)
			if resp.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("%q %v: %d with %d bytes, want 304", enc, cond, resp.StatusCode, len(b))
			}
		}
		resp, _ = rawGet(t, url, http.Header{"If-None-Match": {`"stale"`}, "Accept-Encoding": {enc}})
		if resp.StatusCode != 200 {
			t.Errorf("stale ETag: %d", resp.StatusCode)
		}
	}
	resp, _ := rawGet(t, a.ts.URL+static.URL("css/app.css"), nil)
	if resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("ETag") == "" {
		t.Errorf("hashed URL: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}
