package sqlstore

import (
	"context"
	"sync"
)

// WithJobLock runs fn unless the background job called name is already running, and reports
// whether fn ran. Every tenantd process sharing a database calls it on its own timer; the lock
// makes sure one of them at a time does the work, never two.
//
// On PostgreSQL the lock is a session advisory lock taken with pg_try_advisory_lock on a
// connection of its own, held while fn runs (see withAdvisoryLock for what happens if that
// connection dies). On SQLite the database belongs to one process, so a mutex in this process
// is enough. err is fn's error, or the error of taking the lock.
func (db *DB) WithJobLock(ctx context.Context, name string,
	fn func(context.Context) error) (ran bool, err error) {
	if db.r.d == postgresDialect {
		return db.withAdvisoryLock(ctx, "job/"+name, false, fn)
	}

	mu, _ := db.jobs.LoadOrStore(name, new(sync.Mutex))
	if !mu.(*sync.Mutex).TryLock() {
		return false, nil
	}
	defer mu.(*sync.Mutex).Unlock()
	return true, fn(ctx)
}
