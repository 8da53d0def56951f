// Package httpapi serves tenantd's PortSIP-compatible REST API over the domain services.
package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/tenantd/tenantd"
)

// Server holds the services the API is served from. Fill every field, then call Handler.
type Server struct {
	Tenants tenantd.TenantService
	Auth    tenantd.AuthService
	Logger  *slog.Logger

	// Idempotency keeps the answers to creates sent with an Idempotency-Key.
	Idempotency tenantd.IdempotencyService

	// Ready reports whether the database answers; /healthz and /readyz use it.
	Ready func(context.Context) error
}

// handlerFunc is an API handler: it writes a success answer or returns an error, which the
// wrapper turns into the error envelope.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handler returns the root handler with every route and the middleware around them.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	return s.withRequestInfo(s.withRecovery(s.withLimits(s.dispatch(mux))))
}

func (s *Server) routes(mux *http.ServeMux) {
	handle := func(pattern string, h handlerFunc) {
		mux.Handle(pattern, s.wrap(pattern, h))
	}
	authed := func(pattern string, h func(http.ResponseWriter, *http.Request, tenantd.Actor) error) {
		mux.Handle(pattern, s.wrap(pattern, s.authenticate(h)))
	}

	handle("GET /healthz", s.health)
	handle("GET /readyz", s.health)

	handle("POST /api/auth/sign_in", s.signIn)
	handle("POST /api/auth/refresh_token", s.refreshToken)
	handle("POST /api/login/oauth/token", s.oauthToken)
	authed("POST /api/auth/sign_out", s.signOut)
	authed("GET /api/auth/user", s.authUser)

	authed("GET /api/tenants", s.listTenants)
	authed("POST /api/tenants", s.idempotent(s.createTenant))
	authed("GET /api/tenants/{id}", s.getTenant)
	authed("POST /api/tenants/{id}", s.updateTenant)
	authed("POST /api/tenants/{id}/destroy", s.destroyTenant)
}

// wrap turns a handlerFunc into an http.Handler that writes its error and records the route
// pattern for the request log.
func (s *Server) wrap(pattern string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		infoFrom(r.Context()).route = pattern
		if err := h(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// dispatch answers requests that match no route with the error envelope instead of the
// mux's plain text: 405 when the path exists for another method, else 404.
func (s *Server) dispatch(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}

		for _, m := range []string{http.MethodGet, http.MethodPost} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" {
				writeError(w, r, tenantd.Errorf(tenantd.EMethodNotAllowed,
					"method %s is not allowed here", r.Method))
				return
			}
		}
		writeError(w, r, tenantd.Errorf(tenantd.ENotFound, "no such endpoint"))
	})
}

// authenticate requires a valid bearer token and hands the handler the actor it names.
func (s *Server) authenticate(h func(http.ResponseWriter, *http.Request, tenantd.Actor) error,
) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token, ok := bearerToken(r)
		if !ok {
			return tenantd.Errorf(tenantd.EUnauthorized, "a bearer token is required")
		}
		actor, err := s.Auth.Authenticate(r.Context(), token)
		if err != nil {
			return err
		}

		actor.Source = clientAddr(r)
		info := infoFrom(r.Context())
		info.user, info.tenant = actor.Name, actor.TenantID
		return h(w, r, actor)
	}
}

func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != "" && len(token) <= 512
}

// clientAddr is the host part of the peer address. tenantd does not trust forwarding headers:
// an operator who puts it behind a proxy sees the proxy here.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()

	if err := s.Ready(ctx); err != nil {
		s.Logger.Warn("database not ready", "err", err)
		return tenantd.Errorf(tenantd.EUnavailable, "the database is not available")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// requestInfo collects what the request log line reports; handlers fill it as they learn it.
type requestInfo struct {
	requestID string
	route     string
	user      string
	tenant    int64
	err       error
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// withRequestInfo gives each request an id (echoed in X-Request-Id) and writes one log line
// when it ends.
func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{requestID: newRequestID()}
		w.Header().Set("X-Request-Id", info.requestID)

		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))

		attrs := []any{
			"method", r.Method, "route", info.route, "path", r.URL.Path, "status", rec.status,
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000,
			"request_id", info.requestID, "remote", clientAddr(r),
		}
		if info.user != "" {
			attrs = append(attrs, "user", info.user, "tenant", tenantd.FormatID(info.tenant))
		}
		if info.err != nil && rec.status >= 500 {
			attrs = append(attrs, "err", info.err.Error())
		}
		s.Logger.Log(r.Context(), logLevel(rec.status), "request", attrs...)
	})
}

// withRecovery turns a panic in a handler into a logged 500 with the request id.
func (s *Server) withRecovery(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil || v == http.ErrAbortHandler {
				if v != nil {
					panic(v)
				}
				return
			}
			s.Logger.Error("handler panic", "panic", fmt.Sprint(v),
				"request_id", infoFrom(r.Context()).requestID, "stack", string(debug.Stack()))
			writeError(w, r, fmt.Errorf("httpapi: panic: %v", v))
		}()
		next.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(status int) {
	s.status = status
	s.ResponseWriter.WriteHeader(status)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
