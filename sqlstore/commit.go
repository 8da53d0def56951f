package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
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
	conn *sql.Conn // the writer pool's only connection, held for the committer's life
	r    *rebinder
	ops  chan *writeOp
	stop chan struct{}
	wg   sync.WaitGroup

	// invalidate is called after a COMMIT whose writes may have changed what a token means.
	invalidate func()

	// stmts holds statements prepared on conn, owned by the loop goroutine. Write statements
	// are fixed texts, but the bound still guards against a caller that builds them.
	stmts map[string]*sql.Stmt
}

// writeOp is one queued transaction and where its outcome goes.
type writeOp struct {
	ctx  context.Context
	fn   func(*dbTx) error
	done chan error

	leavesTokens bool // set when the op declared that it changes no token's meaning
}

// newCommitter takes the writer pool's connection and starts the commit loop on it.
func newCommitter(ctx context.Context, write *sql.DB, r *rebinder, invalidate func()) (
	*committer, error) {
	conn, err := write.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: writer connection: %w", err)
	}
	c := &committer{
		conn: conn, r: r, ops: make(chan *writeOp), stop: make(chan struct{}),
		invalidate: invalidate, stmts: map[string]*sql.Stmt{},
	}
	c.wg.Add(1)
	go c.loop()
	return c, nil
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

// close lets the batch in progress finish, then stops the loop and returns the connection.
func (c *committer) close() {
	close(c.stop)
	c.wg.Wait()
	for _, s := range c.stmts {
		s.Close()
	}
	c.conn.Close()
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
	if err == nil && c.invalidate != nil && touchesTokens(batch, errs) {
		c.invalidate() // before anyone hears of the commit
	}

	for i, op := range batch {
		if err != nil && errs[i] == nil {
			errs[i] = err
		}
		op.done <- errs[i]
	}
}

// inOneTx runs the batch between BEGIN IMMEDIATE and COMMIT on the writer connection. The
// statements are issued by hand rather than through database/sql's Tx so that statements
// prepared on the connection can be reused inside it. Its context is its own: the transaction
// must not die with any one request.
func (c *committer) inOneTx(batch []*writeOp, errs []error) error {
	ctx := context.Background()
	if _, err := c.exec(ctx, "BEGIN IMMEDIATE"); err != nil {
		// A transaction left open by a failure we could not roll back would block every
		// later batch; clear it and try once more.
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
		if _, err := c.exec(ctx, "BEGIN IMMEDIATE"); err != nil {
			return fmt.Errorf("sqlstore: begin: %w", err)
		}
	}

	for i, op := range batch {
		errs[i] = c.runOne(op)
	}
	if _, err := c.exec(ctx, "COMMIT"); err != nil {
		_, _ = c.conn.ExecContext(ctx, "ROLLBACK")
		return fmt.Errorf("sqlstore: commit: %w", err)
	}
	return nil
}

// runOne runs op inside a savepoint, which it releases on success and rolls back on failure,
// so that a failed op leaves no trace and does not disturb the others.
func (c *committer) runOne(op *writeOp) (err error) {
	if err := op.ctx.Err(); err != nil {
		return err
	}

	// SQLite rolls back the whole transaction when a write statement is interrupted, so no
	// statement of the batch may be cancelled by its request's context.
	ctx := context.WithoutCancel(op.ctx)
	if _, err := c.exec(ctx, "SAVEPOINT op"); err != nil {
		return fmt.Errorf("sqlstore: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("sqlstore: write panicked: %v", p)
		}
		if err != nil {
			_, _ = c.exec(ctx, "ROLLBACK TO op")
		}
		_, _ = c.exec(ctx, "RELEASE op")
	}()
	t := &dbTx{x: c.conn, r: c.r, prepared: c.prepared, ctx: ctx}
	defer func() { op.leavesTokens = t.tokensUnaffected }()
	return op.fn(t)
}

// touchesTokens reports whether any op that committed may have changed what a token means.
func touchesTokens(batch []*writeOp, errs []error) bool {
	for i, op := range batch {
		if errs[i] == nil && !op.leavesTokens {
			return true
		}
	}
	return false
}

func (c *committer) exec(ctx context.Context, q string) (sql.Result, error) {
	if s := c.prepared(q); s != nil {
		return s.ExecContext(ctx)
	}
	return c.conn.ExecContext(ctx, q)
}

// prepared returns q prepared on the writer connection, or nil to run it unprepared.
func (c *committer) prepared(q string) *sql.Stmt {
	if s, ok := c.stmts[q]; ok {
		return s
	}
	if len(c.stmts) >= maxStatements {
		return nil
	}
	s, err := c.conn.PrepareContext(context.Background(), c.r.rebind(q))
	if err != nil {
		return nil // the unprepared path will report the error
	}
	c.stmts[q] = s
	return s
}
