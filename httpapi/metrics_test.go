package httpapi

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func newTestMetrics(t testing.TB) *Metrics {
	t.Helper()
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestObserveCounts covers what the end-to-end suite cannot provoke in this tree: throttled
// answers, HEAD served by a GET route, and statuses outside the cached range.
func TestObserveCounts(t *testing.T) {
	m := newTestMetrics(t)
	signIn := m.forRoute("POST /api/auth/sign_in")
	list := m.forRoute("GET /api/tenants")

	m.observe(signIn, "POST", 429, time.Millisecond)
	m.observe(signIn, "POST", 429, time.Millisecond)
	m.observe(signIn, "POST", 401, time.Millisecond)
	m.observe(list, "HEAD", 200, time.Millisecond)
	m.observe(list, "GET", 200, time.Millisecond)
	m.observe(list, "GET", 999, time.Millisecond)
	m.observe(nil, "BREW", 404, time.Millisecond)

	for _, c := range []struct {
		got  prometheus.Collector
		want float64
	}{
		{m.throttled.WithLabelValues("/api/auth/sign_in"), 2},
		{m.signInFailures, 1},
		{m.requests.WithLabelValues("/api/auth/sign_in", "POST", "429"), 2},
		{m.requests.WithLabelValues("/api/tenants", "HEAD", "200"), 1},
		{m.requests.WithLabelValues("/api/tenants", "GET", "200"), 1},
		{m.requests.WithLabelValues("/api/tenants", "GET", "999"), 1},
		{m.requests.WithLabelValues("unmatched", "OTHER", "404"), 1},
	} {
		if got := testutil.ToFloat64(c.got); got != c.want {
			t.Errorf("%v = %v, want %v", c.got, got, c.want)
		}
	}
}

// BenchmarkObserve measures the per-request cost of the metrics on a resolved route.
func BenchmarkObserve(b *testing.B) {
	m := newTestMetrics(b)
	rm := m.forRoute("GET /api/tenants/{id}")
	m.observe(rm, "GET", 200, time.Millisecond)
	b.ReportAllocs()
	for b.Loop() {
		m.observe(rm, "GET", 200, time.Millisecond)
	}
}
