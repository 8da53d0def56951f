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
	Current tenantd.CurrentTenantService
	Dealers tenantd.DealerService
	Users   tenantd.UserService
	Audit   tenantd.AuditService
	Files   tenantd.FileService
	Auth    tenantd.AuthService
	Logger  *slog.Logger

	// Limiter throttles failed sign-ins; Handler makes one with the defaults when it is nil.
	Limiter *SignInLimiter

	// Idempotency keeps the answers to creates sent with an Idempotency-Key.
	Idempotency tenantd.IdempotencyService

	// Ready reports whether the database answers; /readyz uses it.
	Ready func(context.Context) error

	// Unavailable, if set, reports whether an internal error means the database is out of
	// reach (the store classifies its driver's errors). Such errors answer 503
	// SERVICE_UNAVAILABLE, so that clients and load balancers retry, instead of 500.
	Unavailable func(error) bool
	// Metrics, when not nil, records every request and serves GET /metrics.
	Metrics *Metrics
}

// statusClientClosed is logged for requests whose client disconnected before the answer,
// following the convention nginx made common.
const statusClientClosed = 499

// handlerFunc is an API handler: it writes a success answer or returns an error, which the
// wrapper turns into the error envelope.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handler returns the root handler with every route and the middleware around them.
func (s *Server) Handler() http.Handler {
	if s.Limiter == nil {
		s.Limiter = NewSignInLimiter(time.Now)
	}
	mux := http.NewServeMux()
	s.routes(func(pattern string, h handlerFunc) {
		mux.Handle(pattern, s.wrap(pattern, h))
	})
	return s.withRequestInfo(s.withRecovery(s.withLimits(s.dispatch(mux))))
}

// Routes returns the pattern of every route Handler serves, such as "GET /api/tenants/{id}",
// in registration order. It reads the same table that Handler registers.
func (s *Server) Routes() []string {
	var patterns []string
	s.routes(func(pattern string, _ handlerFunc) { patterns = append(patterns, pattern) })
	return patterns
}

// routes is the route table: it calls handle once for every endpoint.
func (s *Server) routes(handle func(pattern string, h handlerFunc)) {
	authed := func(pattern string, h func(http.ResponseWriter, *http.Request, tenantd.Actor) error) {
		handle(pattern, s.authenticate(h))
	}

	handle("GET /healthz", s.live)
	handle("GET /readyz", s.ready)
	handle("GET /metrics", s.serveMetrics)
	handle("GET /api/openapi.json", s.serveOpenAPI)

	handle("POST /api/auth/sign_in", s.signIn)
	handle("POST /api/auth/refresh_token", s.refreshToken)
	handle("POST /api/login/oauth/token", s.oauthToken)
	handle("POST /api/login", s.login)
	handle("GET /api/login", s.loginStatus)
	authed("POST /api/auth/sign_out", s.signOut)
	authed("GET /api/auth/user", s.authUser)

	authed("GET /api/tenants", s.listTenants)
	authed("POST /api/tenants", s.idempotent(s.createTenant))
	authed("GET /api/tenants/{id}", s.getTenant)
	authed("POST /api/tenants/{id}", s.updateTenant)
	authed("POST /api/tenants/{id}/destroy", s.destroyTenant)
	authed("POST /api/tenants/switch", s.switchTenant)
	authed("GET /api/tenants/{id}/dealers", s.tenantDealers)
	authed("POST /api/tenants/{id}/dealers/{dealer_id}", s.designateTenant)
	authed("POST /api/tenants/{id}/dealers/{dealer_id}/destroy", s.removeDesignation)

	authed("GET /api/tenant", s.getCurrentTenant)
	authed("POST /api/tenant", s.updateCurrentTenant)
	authed("GET /api/tenant/status", s.tenantStatus)

	authed("GET /api/dealers", s.listDealers)
	authed("POST /api/dealers", s.createDealer)
	authed("GET /api/dealers/{id}", s.getDealer)
	authed("POST /api/dealers/{id}", s.updateDealer)
	authed("POST /api/dealers/{id}/destroy", s.destroyDealer)

	authed("GET /api/users", s.listUsers)
	authed("POST /api/users", s.createUser)
	authed("GET /api/users/{id}", s.getUser)
	authed("POST /api/users/{id}", s.updateUser)
	authed("POST /api/users/{id}/destroy", s.destroyUser)

	authed("GET /api/audit_logs", s.listAuditLogs)

	authed("POST /api/blobs/uploads", s.startUpload)
	authed("POST /api/blobs/uploads/{id}/append", s.appendUpload)
	authed("GET /api/blobs/uploads/{id}/status", s.uploadStatus)
	authed("POST /api/blobs/uploads/{id}/complete", s.completeUpload)
	authed("POST /api/blobs/uploads/{id}/destroy", s.destroyUpload)
	handle("GET /api/blobs/{key}", s.downloadBlob)
	authed("GET /api/files", s.listFiles)
	authed("GET /api/files/{id}", s.getFile)
	authed("POST /api/files/{id}/destroy", s.destroyFile)
}

// wrap turns a handlerFunc into an http.Handler that writes its error and records the route
// pattern for the request log.
func (s *Server) wrap(pattern string, h handlerFunc) http.Handler {
	rm := s.Metrics.forRoute(pattern)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := infoFrom(r.Context())
		info.route, info.metrics = pattern, rm
		err := h(w, r)
		if err != nil && r.Context().Err() != nil {
			// The client went away; no one reads an answer, and it is not a server fault.
			w.WriteHeader(statusClientClosed)
			return
		}
		if err != nil {
			writeError(w, r, s.classify(err))
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

// classify turns an internal error that Unavailable recognises into SERVICE_UNAVAILABLE,
// keeping the original in the chain for the log.
func (s *Server) classify(err error) error {
	if s.Unavailable == nil || tenantd.ErrorCode(err) != tenantd.EInternal || !s.Unavailable(err) {
		return err
	}
	return fmt.Errorf("%w: %w", errUnavailable, err)
}

var errUnavailable = tenantd.Errorf(tenantd.EUnavailable, "the database is not available")

// live answers /healthz: the process is up and serving. It does not ask the database, so that
// an orchestrator does not restart every tenantd while the database is away; tenantd
// reconnects by itself when it returns. /readyz tells whether to send it traffic.
func (s *Server) live(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// ready answers /readyz: 200 when the database answers within two seconds, else 503.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()

	if err := s.Ready(ctx); err != nil {
		s.Logger.Warn("database not ready", "err", err)
		return errUnavailable
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
	metrics   *routeMetrics // the matched route's series; nil when no route matched
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	if info, ok := ctx.Value(infoKey{}).(*requestInfo); ok {
		return info
	}
	return &requestInfo{}
}

// withRequestInfo gives each request an id (echoed in X-Request-Id), writes one log line when
// it ends and records it in the metrics.
func (s *Server) withRequestInfo(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{requestID: newRequestID()}
		w.Header().Set("X-Request-Id", info.requestID)

		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), infoKey{}, info)))

		elapsed := time.Since(start)
		s.Metrics.observe(info.metrics, r.Method, rec.status, elapsed)

		attrs := []any{
			"method", r.Method, "route", info.route, "path", r.URL.Path, "status", rec.status,
			"duration_ms", float64(elapsed.Microseconds()) / 1000,
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
