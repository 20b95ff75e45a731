package server

import (
	"bufio"
	"compress/gzip"
	"io"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Compression of text responses (HTML, CSS, JavaScript, JSON, SVG, CSV, plain text): brotli when
// the client accepts it (browsers do over HTTPS and on localhost), else gzip. A step page of 35 KB
// travels as about 5 KB. Images and anything already encoded pass untouched; small responses too.
//
// brotli comes from github.com/andybalholm/brotli, already in the module graph through templ, so
// compression adds no new module; zstd would have needed klauspost/compress for little gain over
// brotli on pages this size.

const (
	compressMin  = 1024 // bytes: below this, compressing costs more than it saves
	gzipLevel    = 2    // measured on a step page: 5.4 KB in 0.26 ms, against 5.0 KB in 0.6 ms at level 6
	brotliLevel  = 3    // measured: 5.0 KB in 0.43 ms; level 4 saves 0.3 KB for 0.3 ms more
	encodingNone = ""
)

var compressible = map[string]bool{
	"text/html": true, "text/css": true, "text/javascript": true, "application/javascript": true,
	"application/json": true, "image/svg+xml": true, "text/plain": true, "text/csv": true,
}

var (
	gzipPool   = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzipLevel); return w }}
	brotliPool = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, brotliLevel) }}
)

// negotiateEncoding picks "br", "gzip" or none from an Accept-Encoding header, honouring q=0.
func negotiateEncoding(header string) string {
	var br, gz, star float64 = -1, -1, -1
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "br":
			br = q
		case "gzip", "x-gzip":
			gz = q
		case "*":
			star = q
		}
	}
	if br < 0 {
		br = star
	}
	if gz < 0 {
		gz = star
	}
	switch {
	case br > 0 && br >= gz:
		return "br"
	case gz > 0:
		return "gzip"
	}
	return encodingNone
}

// compress is the compression middleware.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || r.Header.Get("Range") != "" {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w, encoding: negotiateEncoding(r.Header.Get("Accept-Encoding"))}
		defer cw.finish()
		next.ServeHTTP(cw, r)
	})
}

// compressWriter decides at the first write whether to compress: it holds back up to compressMin
// bytes so that short responses go out as they are.
type compressWriter struct {
	http.ResponseWriter
	encoding    string
	status      int
	wroteHeader bool // WriteHeader called by the handler (held until the decision)
	decided     bool
	enc         io.WriteCloser // nil: pass through
	buf         []byte
}

func (cw *compressWriter) WriteHeader(status int) {
	if cw.wroteHeader || cw.decided {
		if cw.decided && !cw.wroteHeader && status >= 200 {
			cw.ResponseWriter.WriteHeader(status)
		}
		return
	}
	if status < 200 { // informational responses (103 Early Hints) go straight out
		cw.ResponseWriter.WriteHeader(status)
		return
	}
	cw.status, cw.wroteHeader = status, true
	if !cw.candidate() {
		cw.decide(false)
	}
}

// candidate reports whether the response, as described by its headers so far, may be compressed.
func (cw *compressWriter) candidate() bool {
	h := cw.Header()
	switch cw.status {
	case http.StatusNoContent, http.StatusNotModified, http.StatusPartialContent:
		return false
	}
	if h.Get("Content-Encoding") != "" {
		return false // already encoded
	}
	mt, _, _ := mime.ParseMediaType(h.Get("Content-Type"))
	if !compressible[mt] {
		return false
	}
	// The response depends on Accept-Encoding from here on, whatever the decision.
	if !strings.Contains(strings.ToLower(strings.Join(h.Values("Vary"), ",")), "accept-encoding") {
		h.Add("Vary", "Accept-Encoding")
	}
	if cw.encoding == encodingNone {
		return false
	}
	if cl, err := strconv.Atoi(h.Get("Content-Length")); err == nil && cl < compressMin {
		return false
	}
	return true
}

func (cw *compressWriter) Write(p []byte) (int, error) {
	if !cw.wroteHeader && !cw.decided {
		if cw.Header().Get("Content-Type") == "" {
			cw.Header().Set("Content-Type", http.DetectContentType(p))
		}
		cw.WriteHeader(http.StatusOK)
	}
	if !cw.decided {
		if len(cw.buf)+len(p) < compressMin {
			cw.buf = append(cw.buf, p...)
			return len(p), nil
		}
		cw.decide(true)
	}
	if cw.enc != nil {
		return cw.enc.Write(p)
	}
	return cw.ResponseWriter.Write(p)
}

// decide sends the headers, compressed or not, and what was held back.
func (cw *compressWriter) decide(compress bool) {
	cw.decided = true
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	if compress {
		h := cw.Header()
		h.Set("Content-Encoding", cw.encoding)
		h.Del("Content-Length")
		// an entity tag names one representation: the compressed one is only weakly the same
		if et := h.Get("ETag"); et != "" && !strings.HasPrefix(et, "W/") {
			h.Set("ETag", "W/"+et)
		}
		switch cw.encoding {
		case "br":
			bw := brotliPool.Get().(*brotli.Writer)
			bw.Reset(cw.ResponseWriter)
			cw.enc = bw
		case "gzip":
			gw := gzipPool.Get().(*gzip.Writer)
			gw.Reset(cw.ResponseWriter)
			cw.enc = gw
		}
	}
	if cw.wroteHeader || len(cw.buf) > 0 || compress {
		cw.ResponseWriter.WriteHeader(status)
		cw.wroteHeader = true
	}
	if len(cw.buf) > 0 {
		buf := cw.buf
		cw.buf = nil
		if cw.enc != nil {
			_, _ = cw.enc.Write(buf)
		} else {
			_, _ = cw.ResponseWriter.Write(buf)
		}
	}
}

// finish ends the response: a short body goes out uncompressed; the encoder is flushed and pooled.
func (cw *compressWriter) finish() {
	if !cw.decided {
		if cw.wroteHeader || len(cw.buf) > 0 {
			cw.decide(false)
		}
		return
	}
	if cw.enc == nil {
		return
	}
	_ = cw.enc.Close()
	switch e := cw.enc.(type) {
	case *brotli.Writer:
		e.Reset(io.Discard)
		brotliPool.Put(e)
	case *gzip.Writer:
		e.Reset(io.Discard)
		gzipPool.Put(e)
	}
	cw.enc = nil
}

// Flush sends what is buffered (decided uncompressed if nothing forced a choice yet).
func (cw *compressWriter) Flush() {
	if !cw.decided {
		cw.decide(cw.wroteHeader && cw.candidate())
	}
	switch e := cw.enc.(type) {
	case *brotli.Writer:
		_ = e.Flush()
	case *gzip.Writer:
		_ = e.Flush()
	}
	if f, ok := cw.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack lets a handler take over the connection (nothing in aigrid does; kept for completeness).
func (cw *compressWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := cw.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, http.ErrNotSupported
}

// Unwrap gives http.ResponseController the underlying writer.
func (cw *compressWriter) Unwrap() http.ResponseWriter { return cw.ResponseWriter }
