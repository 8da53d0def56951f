package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
)

// maxBatch bounds how many write transactions share one commit.
const maxBatch = 128

// committer runs SQLite write transactions with group commit. Every write of the process goes
// through one goroutine and one connection; the transactions that queue up while a commit is
// being synced to disk are run next, one after another, inside one database transaction, each
// within its own savepoint, and answered only after their shared COMMIT is durable. Each still
// sees the writes of those before it and fails or succeeds on its own, exactly as if it had
// committed alone, but many share one fsync, which is most of a small write's cost.
type committer struct {
	pool *dbPool
	ops  chan *writeOp
	stop chan struct{}
	wg   sync.WaitGroup
}

// writeOp is one queued transaction and where its outcome goes.
type writeOp struct {
	ctx  context.Context
	fn   func(*dbTx) error
	done chan error
}

func newCommitter(pool *dbPool) *committer {
	c := &committer{pool: pool, ops: make(chan *writeOp), stop: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

// run queues fn and waits for its outcome: nil once its changes are committed and synced.
func (c *committer) run(ctx context.Context, fn func(*dbTx) error) error {
	op := &writeOp{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case c.ops <- op:
	case <-ctx.Done():
		return ctx.Err()
	case <-c.stop:
		return errClosed
	}
	// Once queued, the outcome is awaited even if ctx ends: the caller must not report failure
	// for a write that may still commit.
	return <-op.done
}

var errClosed = fmt.Errorf("sqlstore: database closed")

// close lets the queued batch finish, then stops the loop.
func (c *committer) close() {
	close(c.stop)
	c.wg.Wait()
}

func (c *committer) loop() {
	defer c.wg.Done()
	for {
		var first *writeOp
		select {
		case first = <-c.ops:
		case <-c.stop:
			return
		}
		c.commit(c.gather(first))
	}
}

// gather takes first and whatever else is already waiting, up to maxBatch.
func (c *committer) gather(first *writeOp) []*writeOp {
	batch := []*writeOp{first}
	for len(batch) < maxBatch {
		select {
		case op := <-c.ops:
			batch = append(batch, op)
		default:
			return batch
		}
	}
	return batch
}

// commit runs a batch in one transaction and answers every op.
func (c *committer) commit(batch []*writeOp) {
	errs := make([]error, len(batch))
	err := c.inOneTx(batch, errs)

	for i, op := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		op.done <- errs[i]
	}
}

func (c *committer) inOneTx(batch []*writeOp, errs []error) error {
	// The transaction must not die with any one request, so it runs on a context of its own;
	// each op checks its own context before it starts.
	tx, err := c.pool.db.BeginTx(context.Background(), nil)
	if err != nil {
		return fmt.Errorf("sqlstore: begin: %w", err)
	}
	defer tx.Rollback()

	for i, op := range batch {
		errs[i] = c.runOne(tx, i, op)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// runOne runs op inside a savepoint, which it releases on success and rolls back on failure,
// so that a failed op leaves no trace and does not disturb the others.
func (c *committer) runOne(tx *sql.Tx, i int, op *writeOp) (err error) {
	if err := op.ctx.Err(); err != nil {
		return err
	}
	sp := "op" + strconv.Itoa(i)

	// SQLite rolls back the whole transaction when a write statement is interrupted, so no
	// statement of the batch may be cancelled by its request's context.
	ctx := context.WithoutCancel(op.ctx)
	t := &dbTx{tx: tx, p: c.pool, ctx: ctx}

	if _, err := t.tx.ExecContext(ctx, "SAVEPOINT "+sp); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: write panicked: %v", p)
		}
		if err != nil {
			_, _ = t.tx.ExecContext(ctx, "ROLLBACK TO "+sp)
		}
		_, _ = t.tx.ExecContext(ctx, "RELEASE "+sp)
	}()
	return op.fn(t)
}
