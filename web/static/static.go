// Package static embeds aigrid's CSS, JavaScript and images and serves them with content-hashed,
// cache-busting URLs.
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
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

// Handler serves the files under Prefix. A request carrying the current hash may be cached for a
// year; any other must be revalidated.
func Handler() http.Handler {
	fsrv := http.StripPrefix(Prefix, http.FileServerFS(files))
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
		fsrv.ServeHTTP(w, r)
	})
}
