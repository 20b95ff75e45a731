// Package static embeds aigrid's CSS, JavaScript and images and serves them with content-hashed,
// cache-busting URLs.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

//go:embed css js img
var files embed.FS

// hashes maps a file's path ("css/app.css") to a short hash of its content.
var hashes = func() map[string]string {
	m := map[string]string{}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		m[p] = hex.EncodeToString(sum[:6])
		return nil
	})
	return m
}()

// Prefix is where the files are served.
const Prefix = "/static/"

// URL returns the cache-busting URL of a static file ("css/app.css" → "/static/css/app.css?v=…").
// It panics on an unknown file, so a typo fails the first test that renders the page.
func URL(name string) string {
	h, ok := hashes[name]
	if !ok {
		panic("static: unknown file " + name)
	}
	return Prefix + name + "?v=" + h
}

// modTime is the Last-Modified date of every file: embedded files carry none, so the build's
// commit time when known, else the moment the process started. The entity tag (the content hash)
// is what revalidation relies on; this date only serves clients that send If-Modified-Since.
var modTime = func() time.Time {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t
				}
			}
		}
	}
	return time.Now().Truncate(time.Second)
}()

// Handler serves the files under Prefix. A request carrying the current hash may be cached for a
// year; any other must be revalidated, and is answered 304 Not Modified when the client's copy is
// current (ETag: the content hash; Last-Modified).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, Prefix)
		h, ok := hashes[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if r.URL.Query().Get("v") == h {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("ETag", `"`+h+`"`)
		data, _ := files.ReadFile(name)
		http.ServeContent(w, r, name, modTime, bytes.NewReader(data))
	})
}
