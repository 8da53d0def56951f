package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

func printReport(w io.Writer, rep *report) {
	fmt.Fprintf(w, "\n%s, %s, %d tenants, %d clients, %s per scenario\n", rep.Date,
		rep.Database, rep.Tenants, rep.Clients, rep.Duration)
	fmt.Fprintf(w, "machine: %s\n", rep.Machine)
	fmt.Fprintf(w, "seed %.1fs, server start to /healthz %.3fs, server peak RSS %.1f MB\n\n",
		rep.SeedSeconds, rep.StartSeconds, rep.PeakRSSMB)
	fmt.Fprintf(w, "| %-9s | %10s | %8s | %8s | %8s | %6s |\n", "scenario", "req/s",
		"ratio", "p50 ms", "p99 ms", "errors")
	fmt.Fprintf(w, "|%s|%s|%s|%s|%s|%s|\n", dashes(11), dashes(12), dashes(10), dashes(10),
		dashes(10), dashes(8))
	for _, r := range rep.Results {
		fmt.Fprintf(w, "| %-9s | %10.0f | %8.2f | %8.2f | %8.2f | %6d |\n", r.Scenario, r.RPS,
			r.Ratio, r.P50ms, r.P99ms, r.Errors)
	}
}

func dashes(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '-'
	}
	return string(b)
}

func netListen(addr string) (net.Listener, error) {
	return net.Listen("tcp", addr)
}

// profiler captures a CPU profile and then a heap profile of the server during a scenario.
type profiler struct {
	done chan struct{}
	err  error
}

func startProfile(debug string, d time.Duration) *profiler {
	p := &profiler{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		if debug == "" {
			p.err = fmt.Errorf("the server has no debug listener")
			return
		}
		secs := max(1, int(d.Seconds())-1)
		p.err = fetch(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", debug, secs), "cpu.pprof")
		if p.err == nil {
			p.err = fetch(debug+"/debug/pprof/allocs", "allocs.pprof")
		}
	}()
	return p
}

func (p *profiler) wait(name string) {
	<-p.done
	if p.err != nil {
		fmt.Fprintln(os.Stderr, "profile:", p.err)
		return
	}
	fmt.Printf("profiles of %s written to cpu.pprof and allocs.pprof\n", name)
}

func fetch(url, file string) error {
	res, err := http.Get(url)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(f, res.Body)
	return err
}
