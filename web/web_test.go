package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tenantd/tenantd/web"
)

// TestHandlerRoutes checks which requests the console answers and which reach the API: the
// console must never shadow /api, the operations endpoints or non-GET methods.
func TestHandlerRoutes(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTeapot)
		io.WriteString(w, `{"from":"api"}`)
	})
	h := web.Handler(api)

	tests := []struct {
		method, path string
		console      bool   // answered by the console, else handed to the API
		contentType  string // of a console answer
		bodyHas      string
	}{
		{"GET", "/", true, "text/html; charset=utf-8", `<script type="module" src="/js/app.js">`},
		{"HEAD", "/", true, "text/html; charset=utf-8", ""},
		{"GET", "/app.css", true, "text/css; charset=utf-8", ":root"},
		{"GET", "/js/app.js", true, "text/javascript; charset=utf-8", "import"},
		{"GET", "/js/sha256.js", true, "text/javascript; charset=utf-8", "class SHA256"},
		{"POST", "/", false, "", ""},
		{"GET", "/api", false, "", ""},
		{"GET", "/api/", false, "", ""},
		{"GET", "/api/tenants", false, "", ""},
		{"GET", "/api/app.css", false, "", ""},
		{"GET", "/healthz", false, "", ""},
		{"GET", "/readyz", false, "", ""},
		{"GET", "/metrics", false, "", ""},
		{"GET", "/debug/pprof/", false, "", ""},
		{"GET", "/index.html", false, "", ""},
		{"GET", "/js/", false, "", ""},
		{"GET", "/js", false, "", ""},
		{"GET", "/nope.js", false, "", ""},
		{"GET", "/js/../app.css", false, "", ""},
		{"GET", "/static/app.css", false, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, "http://127.0.0.1/", nil)
			req.URL.Path = tc.path // kept as given, unclean paths included
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)

			if !tc.console {
				if rec.Code != http.StatusTeapot {
					t.Fatalf("status %d, want the API's answer", rec.Code)
				}
				return
			}
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", rec.Code)
			}
			if got := rec.Header().Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			csp := rec.Header().Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") ||
				!strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("Content-Security-Policy %q does not keep the page to its origin", csp)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("X-Content-Type-Options is not nosniff")
			}
			if !strings.Contains(rec.Body.String(), tc.bodyHas) {
				t.Errorf("body does not contain %q", tc.bodyHas)
			}
		})
	}
}
