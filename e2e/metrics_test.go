package e2e

import (
	"bytes"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics and parses the exposition format.
func (s *server) scrape(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	res := s.do(t, "GET", "/metrics", "", nil).want(t, http.StatusOK)
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(res.Body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// series returns the metric of family name whose labels include want, or nil.
func series(families map[string]*dto.MetricFamily, name string,
	want map[string]string) *dto.Metric {
	f := families[name]
	if f == nil {
		return nil
	}
	for _, m := range f.GetMetric() {
		matched := 0
		for _, l := range m.GetLabel() {
			if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
				matched++
			}
		}
		if matched == len(want) {
			return m
		}
	}
	return nil
}

func TestMetricsAfterTraffic(t *testing.T) {
	s := startServer(t) // signs the admin in once
	s.createTenant(t, "Acme", "pbx.acme.example", nil)
	for range 3 {
		s.do(t, "GET", "/api/tenants", s.Admin, nil).want(t, http.StatusOK)
	}
	s.do(t, "GET", "/api/tenants/999", s.Admin, nil).want(t, http.StatusNotFound)
	for range 2 {
		s.do(t, "POST", "/api/auth/sign_in", "",
			map[string]string{"username": "admin", "password": "wrong-password"}).want(t, 401)
	}
	s.do(t, "GET", "/no/such/path", "", nil).want(t, http.StatusNotFound)

	families := s.scrape(t)

	requests := []struct {
		route, method, status string
		want                  float64
	}{
		{"/api/tenants", "GET", "200", 3},
		{"/api/tenants", "POST", "201", 1},
		{"/api/tenants/{id}", "GET", "404", 1},
		{"/api/auth/sign_in", "POST", "200", 1},
		{"/api/auth/sign_in", "POST", "401", 2},
		{"unmatched", "GET", "404", 1},
	}
	for _, r := range requests {
		m := series(families, "tenantd_http_requests_total",
			map[string]string{"route": r.route, "method": r.method, "status": r.status})
		if got := m.GetCounter().GetValue(); got != r.want {
			t.Errorf("requests %s %s %s = %v, want %v", r.method, r.route, r.status, got, r.want)
		}
	}

	for _, h := range []struct {
		route, method string
		want          uint64
	}{{"/api/tenants", "GET", 3}, {"/api/tenants", "POST", 1}, {"/api/auth/sign_in", "POST", 3}} {
		m := series(families, "tenantd_http_request_duration_seconds",
			map[string]string{"route": h.route, "method": h.method})
		hist := m.GetHistogram()
		buckets := hist.GetBucket()
		if hist.GetSampleCount() != h.want || hist.GetSampleSum() <= 0 || len(buckets) == 0 ||
			buckets[len(buckets)-1].GetCumulativeCount() > h.want {
			t.Errorf("latency %s %s: count %d sum %v buckets %d, want count %d", h.method,
				h.route, hist.GetSampleCount(), hist.GetSampleSum(), len(buckets), h.want)
		}
	}

	gauges := map[string]float64{"tenantd_tenants": 1, "tenantd_users": 1,
		"tenantd_sign_in_failures_total": 2}
	for name, want := range gauges {
		f := families[name]
		if f == nil || len(f.GetMetric()) != 1 {
			t.Errorf("%s missing", name)
			continue
		}
		m := f.GetMetric()[0]
		if got := m.GetGauge().GetValue() + m.GetCounter().GetValue(); got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	if conns := families["tenantd_http_open_connections"]; conns == nil ||
		conns.GetMetric()[0].GetGauge().GetValue() < 1 {
		t.Errorf("open connections: %v", conns)
	}

	for _, stmt := range []map[string]string{
		{"verb": "insert", "table": "tenants"},
		{"verb": "select", "table": "tenants"},
		{"verb": "select", "table": "sessions"},
	} {
		m := series(families, "tenantd_db_statement_duration_seconds", stmt)
		if m.GetHistogram().GetSampleCount() == 0 {
			t.Errorf("no statement latency for %v", stmt)
		}
	}
}
