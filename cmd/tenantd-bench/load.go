package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// result is one scenario's outcome.
type result struct {
	Scenario string  `json:"scenario"`
	Requests int     `json:"requests"`
	RPS      float64 `json:"requests_per_second"`
	Ratio    float64 `json:"ratio_to_baseline"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   int     `json:"errors"`
}

// request describes one request a scenario sends.
type request struct {
	method, path string
	body         []byte
}

// scenario builds the requests of one load pattern; worker and seq make created domains unique.
type scenario struct {
	name string
	next func(rng *rand.Rand, worker, seq int) request
}

// scenarios returns the load patterns. Domains of created tenants carry the worker and
// sequence numbers and 64 random bits, so no scenario repeats another's.
func scenarios(s *seeded) []scenario {
	pick := func(rng *rand.Rand) int64 { return s.ids[rng.IntN(len(s.ids))] }
	get := func(rng *rand.Rand, _, _ int) request {
		return request{"GET", fmt.Sprintf("/api/tenants/%d", pick(rng)), nil}
	}
	update := func(rng *rand.Rand, _, _ int) request {
		body := fmt.Sprintf(`{"max_concurrent_calls":%d,"website":"https://u%d.example"}`,
			1+rng.IntN(500), rng.IntN(1_000_000))
		return request{"POST", fmt.Sprintf("/api/tenants/%d", pick(rng)), []byte(body)}
	}
	create := func(rng *rand.Rand, worker, seq int) request {
		body := fmt.Sprintf(`{"name":"Bench %d-%d","domain":"b%x-%d-%d.bench.example",`+
			`"timezone":"Europe/Zurich","currency":"CHF","region":"CHE","max_extensions":%d}`,
			worker, seq, rng.Uint64(), worker, seq, 1+rng.IntN(100))
		return request{"POST", "/api/tenants", []byte(body)}
	}
	list := func(rng *rand.Rand, _, _ int) request {
		q := url.Values{}
		q.Set("filter", "currency eq 'EUR' and max_extensions ge 100")
		q.Set("orderby", "created_at desc")
		q.Set("top", "100")
		q.Set("skip", fmt.Sprint(rng.IntN(max(1, len(s.ids)/20))))
		return request{"GET", "/api/tenants?" + q.Encode(), nil}
	}
	// An operator searches for one customer: eight characters from somewhere in a tenant's
	// name, as typed into the console's search box (a few tenants match, not thousands).
	search := func(rng *rand.Rand, _, _ int) request {
		name := s.names[rng.IntN(len(s.names))]
		start := rng.IntN(max(1, len(name)-8))
		frag := strings.ToLower(name[start:min(len(name), start+8)])
		return request{"GET", "/api/tenants?top=20&search=" + url.QueryEscape(frag), nil}
	}
	mix := func(rng *rand.Rand, worker, seq int) request {
		switch n := rng.IntN(100); {
		case n < 80:
			return get(rng, worker, seq)
		case n < 95:
			return update(rng, worker, seq)
		default:
			return create(rng, worker, seq)
		}
	}
	return []scenario{
		{"get", get}, {"list", list}, {"search", search}, {"create", create},
		{"update", update}, {"mixed", mix},
	}
}

// runScenarios measures the baseline, then each tenantd scenario, filling rep.Results.
func runScenarios(ctx context.Context, o options, srv *child, s *seeded, rep *report) error {
	token, err := signIn(srv.url)
	if err != nil {
		return err
	}
	client := newClient(o.clients)

	size, err := detailSize(client, srv.url, token, s.ids[0])
	if err != nil {
		return err
	}
	base, err := startBaseline(ctx, size)
	if err != nil {
		return err
	}
	baseline := drive(ctx, client, o, base.url, "", scenario{"baseline", func(*rand.Rand, int, int) request {
		return request{"GET", "/tenant", nil}
	}})
	base.stop()
	rep.Results = append(rep.Results, baseline)

	for _, sc := range scenarios(s) {
		if o.scenarios != "" && !slices.Contains(strings.Split(o.scenarios, ","), sc.name) {
			continue
		}
		var prof *profiler
		if sc.name == o.profile {
			prof = startProfile(srv.debug, o.duration)
		}
		r := drive(ctx, client, o, srv.url, token, sc)
		if prof != nil {
			prof.wait(sc.name)
		}
		r.Ratio = r.RPS / baseline.RPS
		rep.Results = append(rep.Results, r)
		fmt.Printf("%-8s %9.0f req/s  p99 %.2f ms  errors %d\n", r.Scenario, r.RPS, r.P99ms, r.Errors)
	}
	baseline.Ratio = 1
	return nil
}

func newClient(conns int) *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns,
			IdleConnTimeout: time.Minute, DisableCompression: true,
		},
	}
}

// drive runs one scenario with o.clients workers for o.duration.
func drive(ctx context.Context, client *http.Client, o options, base, token string,
	sc scenario) *result {
	ctx, cancel := context.WithTimeout(ctx, o.duration)
	defer cancel()

	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat, bad := worker(ctx, client, base, token, sc, w)
			mu.Lock()
			all, errs = append(all, lat...), errs+bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)

	slices.Sort(all)
	return &result{
		Scenario: sc.name, Requests: len(all), RPS: float64(len(all)) / elapsed.Seconds(),
		P50ms: percentile(all, 0.50), P99ms: percentile(all, 0.99), Errors: errs,
	}
}

func worker(ctx context.Context, client *http.Client, base, token string, sc scenario,
	w int) ([]time.Duration, int) {
	rng := rand.New(rand.NewPCG(uint64(w), uint64(time.Now().UnixNano())))
	var lat []time.Duration
	bad := 0
	for seq := 0; ctx.Err() == nil; seq++ {
		r := sc.next(rng, w, seq)
		req, _ := http.NewRequestWithContext(ctx, r.method, base+r.path, bytes.NewReader(r.body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				bad++
			}
			continue
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		lat = append(lat, time.Since(t0))
		if res.StatusCode >= 300 {
			bad++
		}
	}
	return lat, bad
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(len(sorted)-1, int(float64(len(sorted))*p))
	return float64(sorted[i].Microseconds()) / 1000
}

// detailSize returns the size of one detailed tenant answer, the baseline's body size.
func detailSize(client *http.Client, base, token string, id int64) (int, error) {
	req, _ := http.NewRequest("GET", fmt.Sprintf("%s/api/tenants/%d", base, id), nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("read a seeded tenant: status %d: %s", res.StatusCode, b)
	}
	return len(b), err
}

// startBaseline runs this program as a bare net/http server in a child process, so that it
// does not share a process with the load generator, just as tenantd does not.
func startBaseline(ctx context.Context, size int) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "-serve-baseline", fmt.Sprintf("127.0.0.1:0/%d", size))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd}
	return c, c.readAddresses(stderr)
}

// serveBaseline answers every request with a fixed JSON body; spec is "host:port/size".
func serveBaseline(spec string) {
	addr, sizeText, _ := strings.Cut(spec, "/")
	var size int
	fmt.Sscan(sizeText, &size)
	body := []byte(`{"pad":"` + strings.Repeat("x", max(0, size-10)) + `"}`)

	ln, err := netListen(addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "tenantd listening addr=%s\n", ln.Addr())
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	})
	_ = http.Serve(ln, h)
}
