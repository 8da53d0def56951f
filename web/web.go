// Package web serves tenantd's operator console: a small single-page application of plain
// HTML, CSS and JavaScript modules, embedded in the binary so that it needs no build step and
// no files beside the program. It talks to the server only through the public /api.
package web

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// reserved lists the path prefixes the console never answers, so that the API and the
// operations endpoints keep their own answers (the JSON error envelope included).
var reserved = []string{"/api/", "/healthz", "/readyz", "/metrics", "/debug/"}

// securityHeaders are sent with every console answer. The policy allows only this origin:
// the console loads nothing from elsewhere and is never framed.
var securityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "same-origin",
	"Cache-Control":          "no-cache",
}

// contentTypes fixes the types of the console's own files, so that they do not depend on
// the host's MIME tables (module scripts load only with a JavaScript type).
var contentTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".png": "image/png",
	".svg": "image/svg+xml",
}

// Handler returns the console: GET and HEAD of "/" (the page) and of the embedded assets.
// Any other request, reserved paths and unknown files alike, is handed to next, so the API
// answers it as usual.
func Handler(next http.Handler) http.Handler {
	assets, err := fs.Sub(static, "static")
	if err != nil {
		panic("web: embedded assets missing: " + err.Error()) // a build defect, not input
	}
	files := http.FileServerFS(assets)

	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isConsoleRequest(r, assets) {
			next.ServeHTTP(w, r)
			return
		}
		for k, v := range securityHeaders {
			w.Header().Set(k, v)
		}
		if ct, ok := contentTypes[path.Ext(r.URL.Path)]; ok {
			w.Header().Set("Content-Type", ct)
		}
		files.ServeHTTP(w, r)
	})
}

// isConsoleRequest reports whether r reads the page or one of the embedded assets.
func isConsoleRequest(r *http.Request, assets fs.FS) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}

	p := r.URL.Path
	if p == "/" {
		return true
	}
	if p == "/api" {
		return false
	}
	for _, prefix := range reserved {
		if strings.HasPrefix(p, prefix) || p == strings.TrimSuffix(prefix, "/") {
			return false
		}
	}

	// FileServer would list directories and redirect /index.html; the console only serves
	// regular files by their clean names.
	name := strings.TrimPrefix(path.Clean(p), "/")
	if name != strings.TrimPrefix(p, "/") || name == "index.html" {
		return false
	}
	info, err := fs.Stat(assets, name)
	return err == nil && info.Mode().IsRegular()
}
