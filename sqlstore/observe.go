package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// StatementObserver returns the function that records the durations of one kind of
// statement. verb is "select", "insert", "update", "delete" or "other"; table is the
// statement's main table ("" when none is found). It is called once per kind, never per
// statement, so it may do slow work such as resolving metric labels.
type StatementObserver func(verb, table string) func(time.Duration)

// ObserveStatements makes the store time every statement it runs and report it through
// newObserver. Call it before Open; it is not safe to call while the store is in use.
//
// A query is timed until its first rows are ready, not while the caller reads them. The
// label comes from the statement's text, which tenantd writes itself, so the number of kinds
// is bounded by the store's code, never by client input.
func (db *DB) ObserveStatements(newObserver StatementObserver) {
	t := &stmtTimer{newObserver: newObserver}
	t.known.Store(&map[stmtKey]func(time.Duration){})
	db.r.timer = t
}

type stmtKey struct{ verb, table string }

// stmtTimer maps statement kinds to their observers. Reads are lock-free: the map is
// replaced whole, under mu, when a new kind appears, which happens a few dozen times in a
// process's life.
type stmtTimer struct {
	newObserver StatementObserver
	mu          sync.Mutex
	known       atomic.Pointer[map[stmtKey]func(time.Duration)]
}

// since records the statement q that started at start. A nil timer does nothing.
func (t *stmtTimer) since(q string, start time.Time) {
	if t == nil {
		return
	}
	d := time.Since(start)
	k := classify(q)
	if observe, ok := (*t.known.Load())[k]; ok {
		observe(d)
		return
	}
	t.add(k)(d)
}

func (t *stmtTimer) add(k stmtKey) func(time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()

	old := *t.known.Load()
	if observe, ok := old[k]; ok {
		return observe
	}
	// Keep a copy of the table name, not a slice of a possibly long query text.
	k.table = strings.Clone(k.table)
	next := make(map[stmtKey]func(time.Duration), len(old)+1)
	for key, v := range old {
		next[key] = v
	}
	next[k] = t.newObserver(k.verb, k.table)
	t.known.Store(&next)
	return next[k]
}

// classify names a statement by its first keyword and the table after FROM, INTO or UPDATE,
// without allocating.
func classify(q string) stmtKey {
	first, rest := nextWord(q)
	switch {
	case strings.EqualFold(first, "select"), strings.EqualFold(first, "with"):
		return stmtKey{"select", wordAfter(rest, "from")}
	case strings.EqualFold(first, "insert"):
		return stmtKey{"insert", wordAfter(rest, "into")}
	case strings.EqualFold(first, "update"):
		table, _ := nextWord(rest)
		return stmtKey{"update", table}
	case strings.EqualFold(first, "delete"):
		return stmtKey{"delete", wordAfter(rest, "from")}
	}
	return stmtKey{"other", ""}
}

// wordAfter returns the identifier that follows the first keyword kw in s, or "".
func wordAfter(s, kw string) string {
	for s != "" {
		var w string
		w, s = nextWord(s)
		if strings.EqualFold(w, kw) {
			table, _ := nextWord(s)
			return table
		}
	}
	return ""
}

// nextWord skips to the next run of identifier characters in s and returns it and the rest.
func nextWord(s string) (word, rest string) {
	i := 0
	for i < len(s) && !identChar(s[i]) {
		i++
	}
	j := i
	for j < len(s) && identChar(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

func identChar(c byte) bool {
	return c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// Totals are counts of what the database holds, for monitoring.
type Totals struct {
	Tenants     int64
	Users       int64
	Files       int64 // file records of every tenant
	StoredBytes int64 // the sum of every tenant's disk usage
}

// Totals counts tenants, users, files and stored bytes in one read. Each count is a scan of an
// index, so callers should cache the result rather than ask on every request.
func (db *DB) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM tenants),
		(SELECT count(*) FROM users), (SELECT count(*) FROM files),
		(SELECT coalesce(CAST(sum(used_disk_bytes) AS BIGINT), 0) FROM tenants)`).
		Scan(&t.Tenants, &t.Users, &t.Files, &t.StoredBytes)
	if err != nil {
		return t, fmt.Errorf("sqlstore: totals: %w", err)
	}
	return t, nil
}
