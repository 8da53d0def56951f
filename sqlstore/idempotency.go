package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/tenantd/tenantd"
)

// Ensure DB implements the domain's idempotency service.
var _ tenantd.IdempotencyService = (*DB)(nil)

// txKey marks the context of a create run by Idempotent; inTx joins the transaction in it.
type txKey struct{ db *DB }

// errNotStored rolls back a create whose reply is not kept (not a 2xx).
var errNotStored = errors.New("sqlstore: reply not stored")

// Idempotent implements tenantd.IdempotencyService.
//
// The key is reserved by the first statement of the transaction, an insert that does nothing
// when the key exists. SQLite runs one writer at a time, so a concurrent request with the same
// key starts only after this one committed or rolled back; PostgreSQL makes its insert wait on
// the unique index for the same outcome. Either way the loser sees a complete row, or none.
func (db *DB) Idempotent(ctx context.Context, actor tenantd.Actor, key, hash string,
	create func(context.Context) (*tenantd.Reply, error)) (*tenantd.Reply, bool, error) {
	var reply *tenantd.Reply
	replayed := false

	err := db.inTx(ctx, func(tx *dbTx) error {
		now := db.Now().Unix()
		reserved, err := reserveKey(ctx, tx, actor.UserID, key, hash, now)
		if err != nil {
			return err
		}
		if !reserved {
			replayed = true
			reply, err = storedReply(ctx, tx, actor.UserID, key, hash)
			return err
		}

		reply, err = create(context.WithValue(ctx, txKey{db}, tx))
		if err != nil {
			return err
		}
		if reply == nil {
			return errors.New("sqlstore: idempotent create returned no reply")
		}
		if reply.Status < 200 || reply.Status > 299 {
			return errNotStored
		}
		return storeReply(ctx, tx, actor.UserID, key, reply)
	})
	if errors.Is(err, errNotStored) {
		return reply, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	return reply, replayed, nil
}

// reserveKey frees the key if it expired, then claims it, and reports whether it did.
func reserveKey(ctx context.Context, tx *dbTx, user int64, key, hash string, now int64) (
	bool, error) {
	expired := now - int64(tenantd.IdempotencyTTL.Seconds())
	_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys
		WHERE user_id = ? AND idem_key = ? AND created_at <= ?`, user, key, expired)
	if err != nil {
		return false, fmt.Errorf("sqlstore: expire idempotency key: %w", err)
	}

	res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, idem_key,
		request_hash, status, header, body, created_at) VALUES (?, ?, ?, 0, '{}', ?, ?)
		ON CONFLICT DO NOTHING`, user, key, hash, []byte{}, now)
	if err != nil {
		return false, fmt.Errorf("sqlstore: reserve idempotency key: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlstore: reserve idempotency key: %w", err)
	}
	return n == 1, nil
}

// storedReply returns the reply kept for key, or EIdemMismatch when it answered a
// request with another hash.
func storedReply(ctx context.Context, tx *dbTx, user int64, key, hash string) (
	*tenantd.Reply, error) {
	var stored, header string
	reply := new(tenantd.Reply)
	err := tx.QueryRowContext(ctx, `SELECT request_hash, status, header, body
		FROM idempotency_keys WHERE user_id = ? AND idem_key = ?`, user, key).
		Scan(&stored, &reply.Status, &header, &reply.Body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errors.New("sqlstore: idempotency key vanished in its transaction")
	}
	if err != nil {
		return nil, fmt.Errorf("sqlstore: load idempotency key: %w", err)
	}

	if stored != hash {
		return nil, tenantd.Errorf(tenantd.EIdemMismatch,
			"this Idempotency-Key was already used for a different request")
	}
	if err := json.Unmarshal([]byte(header), &reply.Header); err != nil {
		return nil, fmt.Errorf("sqlstore: decode stored reply header: %w", err)
	}
	return reply, nil
}

func storeReply(ctx context.Context, tx *dbTx, user int64, key string, r *tenantd.Reply) error {
	header, err := json.Marshal(r.Header)
	if err != nil {
		return fmt.Errorf("sqlstore: encode reply header: %w", err)
	}
	body := r.Body
	if body == nil {
		body = []byte{}
	}

	_, err = tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = ?, header = ?, body = ?
		WHERE user_id = ? AND idem_key = ?`, r.Status, string(header), body, user, key)
	if err != nil {
		return fmt.Errorf("sqlstore: store reply: %w", err)
	}
	return nil
}

// PurgeIdempotencyKeys implements tenantd.IdempotencyService.
func (db *DB) PurgeIdempotencyKeys(ctx context.Context) (int64, error) {
	expired := db.Now().Unix() - int64(tenantd.IdempotencyTTL.Seconds())
	var n int64

	err := db.inTx(ctx, func(tx *dbTx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at <= ?`,
			expired)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlstore: purge idempotency keys: %w", err)
	}
	return n, nil
}
