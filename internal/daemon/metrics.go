package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/tenantd/tenantd/httpapi"
	"github.com/tenantd/tenantd/sqlstore"
)

// totalsTTL is how long counts of stored records are reused between scrapes: counting walks
// an index, and several scrapers (or an impatient operator) must not multiply that work.
const totalsTTL = 10 * time.Second

// newMetrics builds a private registry with the process, HTTP, database and storage series,
// and makes db time its statements. Call it before db.Open.
func newMetrics(db *sqlstore.DB, logger *slog.Logger) (*httpapi.Metrics, error) {
	reg := prometheus.NewRegistry()

	stmts := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "tenantd_db_statement_duration_seconds",
		Help: "Time to run one SQL statement (until its first rows), by verb and main table.",
		Buckets: []float64{
			.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5,
		},
	}, []string{"verb", "table"})

	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		stmts,
		newTotalsCollector(db.Totals, logger),
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}

	db.ObserveStatements(func(verb, table string) func(time.Duration) {
		o := stmts.WithLabelValues(verb, table)
		return func(d time.Duration) { o.Observe(d.Seconds()) }
	})
	return httpapi.NewMetrics(reg)
}

// totalsCollector exports counts of stored records, read at scrape time and cached for
// totalsTTL. When the database cannot answer, the scrape carries no counts rather than stale
// ones, and the failure is logged.
type totalsCollector struct {
	read   func(context.Context) (sqlstore.Totals, error)
	logger *slog.Logger

	tenants, users, files, bytes *prometheus.Desc

	mu     sync.Mutex
	readAt time.Time
	last   sqlstore.Totals
	ok     bool
}

func newTotalsCollector(read func(context.Context) (sqlstore.Totals, error),
	logger *slog.Logger) *totalsCollector {
	return &totalsCollector{
		read:    read,
		logger:  logger,
		tenants: prometheus.NewDesc("tenantd_tenants", "Tenants stored.", nil, nil),
		users:   prometheus.NewDesc("tenantd_users", "User accounts stored, admins included.", nil, nil),
		files:   prometheus.NewDesc("tenantd_files", "Files stored.", nil, nil),
		bytes: prometheus.NewDesc("tenantd_stored_bytes",
			"Bytes of tenant data stored, summed over tenants' disk usage.", nil, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *totalsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.tenants
	ch <- c.users
	ch <- c.files
	ch <- c.bytes
}

// Collect implements prometheus.Collector.
func (c *totalsCollector) Collect(ch chan<- prometheus.Metric) {
	t, ok := c.totals()
	if !ok {
		return
	}
	for _, m := range []struct {
		d *prometheus.Desc
		v int64
	}{{c.tenants, t.Tenants}, {c.users, t.Users}, {c.files, t.Files}, {c.bytes, t.StoredBytes}} {
		ch <- prometheus.MustNewConstMetric(m.d, prometheus.GaugeValue, float64(m.v))
	}
}

func (c *totalsCollector) totals() (sqlstore.Totals, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()

	if time.Since(c.readAt) < totalsTTL {
		return c.last, c.ok
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()

	t, err := c.read(ctx)
	c.readAt, c.last, c.ok = time.Now(), t, err == nil
	if err != nil {
		c.logger.Warn("metrics: cannot count stored records", "err", err)
	}
	return c.last, c.ok
}
