package httpapi

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/tenantd/tenantd"
)

// Metrics are the HTTP layer's Prometheus series, and the handler that exposes a registry.
// A nil *Metrics records nothing, so a Server works without them.
type Metrics struct {
	handler        http.Handler
	requests       *prometheus.CounterVec   // route, method, status
	duration       *prometheus.HistogramVec // route, method
	throttled      *prometheus.CounterVec   // route
	signInFailures prometheus.Counter
	openConns      prometheus.Gauge
}

// latencyBuckets span a cached read (under a millisecond) to a slow password hash or a
// large list (seconds).
var latencyBuckets = []float64{
	.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10,
}

// signInRoutes are the routes whose 401 answers count as failed sign-ins.
var signInRoutes = map[string]bool{
	"POST /api/auth/sign_in":      true,
	"POST /api/login/oauth/token": true,
}

// NewMetrics registers the HTTP series in reg and serves everything reg gathers.
func NewMetrics(reg *prometheus.Registry) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tenantd_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "tenantd_http_request_duration_seconds",
			Help:    "Time from receiving a request to finishing its answer, by route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
		throttled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "tenantd_http_throttled_requests_total",
			Help: "Requests refused with 429 Too Many Requests, by route pattern.",
		}, []string{"route"}),
		signInFailures: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "tenantd_sign_in_failures_total",
			Help: "Sign-ins refused for bad credentials or a disabled account.",
		}),
		openConns: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "tenantd_http_open_connections",
			Help: "Client connections currently open, idle ones included.",
		}),
	}

	for _, c := range []prometheus.Collector{
		m.requests, m.duration, m.throttled, m.signInFailures, m.openConns,
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	m.handler = promhttp.HandlerFor(reg, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
	})
	return m, nil
}

// ConnState tracks open connections; set it as the http.Server's ConnState. Every
// connection starts once (StateNew) and ends once (StateClosed or StateHijacked).
func (m *Metrics) ConnState(_ net.Conn, state http.ConnState) {
	if m == nil {
		return
	}
	switch state {
	case http.StateNew:
		m.openConns.Inc()
	case http.StateClosed, http.StateHijacked:
		m.openConns.Dec()
	}
}

// serveMetrics answers the Prometheus exposition. It needs no token; operators keep it away
// from the public (see README).
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) error {
	if s.Metrics == nil {
		return tenantd.Errorf(tenantd.ENotFound, "no such endpoint")
	}
	s.Metrics.handler.ServeHTTP(w, r)
	return nil
}

// routeMetrics are one route's series, resolved when the route is registered so that a
// request costs no label hashing and no allocation. Counters by status are resolved on first
// use: resolving all of them up front would export hundreds of series that stay zero.
type routeMetrics struct {
	route, method string
	duration      prometheus.Observer
	throttled     prometheus.Counter
	signIn        bool
	byStatus      [500]atomic.Pointer[counterRef] // statuses 100 to 599
}

type counterRef struct{ c prometheus.Counter }

// forRoute resolves the series of one route pattern such as "GET /api/tenants/{id}".
func (m *Metrics) forRoute(pattern string) *routeMetrics {
	if m == nil {
		return nil
	}
	method, route, ok := strings.Cut(pattern, " ")
	if !ok {
		method, route = "", pattern
	}
	return &routeMetrics{
		route:     route,
		method:    method,
		duration:  m.duration.WithLabelValues(route, method),
		throttled: m.throttled.WithLabelValues(route),
		signIn:    signInRoutes[pattern],
	}
}

// observe records one finished request. rm is nil for requests that matched no route; they
// are counted under the route "unmatched".
func (m *Metrics) observe(rm *routeMetrics, method string, status int, d time.Duration) {
	if m == nil {
		return
	}
	if rm == nil || rm.method != method {
		// No route, or HEAD served by a GET route: label values are resolved here, off the
		// hot path. The method is one of a fixed set so that clients cannot mint series.
		route := "unmatched"
		if rm != nil {
			route = rm.route
		}
		method = knownMethod(method)
		m.duration.WithLabelValues(route, method).Observe(d.Seconds())
		m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
		if status == http.StatusTooManyRequests {
			m.throttled.WithLabelValues(route).Inc()
		}
		return
	}

	rm.duration.Observe(d.Seconds())
	m.statusCounter(rm, status).Inc()
	if status == http.StatusTooManyRequests {
		rm.throttled.Inc()
	}
	if rm.signIn && status == http.StatusUnauthorized {
		m.signInFailures.Inc()
	}
}

// statusCounter returns the route's request counter for status, resolving it once.
func (m *Metrics) statusCounter(rm *routeMetrics, status int) prometheus.Counter {
	i := status - 100
	if i < 0 || i >= len(rm.byStatus) {
		return m.requests.WithLabelValues(rm.route, rm.method, strconv.Itoa(status))
	}
	if ref := rm.byStatus[i].Load(); ref != nil {
		return ref.c
	}
	ref := &counterRef{m.requests.WithLabelValues(rm.route, rm.method, strconv.Itoa(status))}
	rm.byStatus[i].Store(ref) // a racing store holds the same counter; either may win
	return ref.c
}

// knownMethod maps a request method to a bounded label value.
func knownMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}
