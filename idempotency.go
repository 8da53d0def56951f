package tenantd

import (
	"context"
	"time"
)

// IdempotencyTTL is how long the answer to a create sent with an idempotency key is kept. A
// retry within this time gets the first answer again; after it the key is free.
const IdempotencyTTL = 24 * time.Hour

// Reply is the answer to a create request as the client received it, kept so that a retry
// can be answered the same way. Header holds the header fields the handler set.
type Reply struct {
	Status int
	Header map[string][]string
	Body   []byte
}

// IdempotencyService makes creates safe to retry: a client that lost the answer to a create
// sends it again under the same key and gets the same answer, not a second record.
type IdempotencyService interface {
	// Idempotent runs create at most once for one actor and key, and stores its reply.
	//
	// When the actor used key within IdempotencyTTL for a request with the same hash, it
	// returns the stored reply with replayed set and does not call create. For another hash
	// it returns an EIdemMismatch *Error. Otherwise it calls create with a context in
	// which the service's own writes join one transaction that also records the key: the
	// record and its key commit together or not at all. Create must therefore write through
	// the service with the context it is given, and only through it.
	//
	// Only replies with a 2xx status are stored. When create returns an error, or a reply
	// of another status, nothing is written and the key stays free, so a retry runs again;
	// the error is returned as is, the reply with replayed false.
	//
	// Concurrent calls for one key are serialised: one runs create, the others wait for it
	// and then replay its reply (or run create themselves if it stored nothing).
	Idempotent(ctx context.Context, actor Actor, key, hash string,
		create func(ctx context.Context) (*Reply, error)) (reply *Reply, replayed bool, err error)

	// PurgeIdempotencyKeys deletes the keys older than IdempotencyTTL and returns how many
	// it deleted.
	PurgeIdempotencyKeys(ctx context.Context) (int64, error)
}

// EIdemMismatch is the error code of an idempotency key reused for a different request.
const EIdemMismatch = "IDEMPOTENCY_MISMATCH"
