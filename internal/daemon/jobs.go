package daemon

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/tenantd/tenantd/files"
	"github.com/tenantd/tenantd/sqlstore"
)

// jobs runs background work under one context that the daemon cancels at shutdown, and lets
// the daemon wait for every job to return before it closes the database. A job must do its
// work in units that each commit or roll back whole (one transaction each) and must pass its
// context to them, so that cancelling it never leaves work half done.
type jobs struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	logger *slog.Logger
}

func newJobs(logger *slog.Logger) *jobs {
	ctx, cancel := context.WithCancel(context.Background())
	return &jobs{ctx: ctx, cancel: cancel, logger: logger}
}

// every runs fn at once and then every interval until the jobs are stopped. A run that fails
// is logged and tried again at the next interval.
func (j *jobs) every(name string, interval time.Duration, fn func(context.Context) error) {
	j.wg.Add(1)
	go func() {
		defer j.wg.Done()

		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if err := fn(j.ctx); err != nil && j.ctx.Err() == nil {
				j.logger.Error("background job failed", "job", name, "err", err)
			}
			select {
			case <-j.ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
}

// stop cancels the jobs and waits until every one has returned. It may be called more than
// once.
func (j *jobs) stop() {
	j.cancel()
	j.wg.Wait()
}

// startJobs starts tenantd's periodic maintenance. Each job runs under the database's job
// lock, so that of several processes sharing one database only one does it at a time.
func startJobs(bg *jobs, db *sqlstore.DB, fileSvc *files.Service) {
	locked := func(name string, fn func(context.Context) (int64, error)) {
		bg.every(name, time.Hour, func(ctx context.Context) error {
			_, err := db.WithJobLock(ctx, name, func(ctx context.Context) error {
				n, err := fn(ctx)
				if n > 0 {
					bg.logger.Info("background job removed expired rows", "job", name, "count", n)
				}
				return err
			})
			return err
		})
	}

	locked("purge_idempotency_keys", db.PurgeIdempotencyKeys)
	locked("purge_audit_logs", func(ctx context.Context) (int64, error) {
		return db.PurgeAuditLogs(ctx, db.Now())
	})
	locked("file_retention", func(ctx context.Context) (int64, error) {
		p, err := fileSvc.Purge(ctx, db.Now())
		return int64(p.Uploads + p.Files + p.Blobs + p.Staged), err
	})
}
