package sqlstore

import (
	"sync"
	"sync/atomic"

	"github.com/tenantd/tenantd"
)

// maxCachedTokens bounds the token cache; past it the cache starts over, which costs one
// query per live token and no correctness.
const maxCachedTokens = 50_000

// authCache remembers which actor an access token belongs to, so that most requests skip the
// session query. It is used only where this process is the database's one writer (SQLite):
// every write that could change what a token means (a sign-out, a disabled or deleted
// account or tenant, a tenant switch) commits through this process, which then moves the
// epoch on before the writer hears back, and entries of an older epoch are never used. On
// PostgreSQL another process may revoke a token, so there is no cache.
type authCache struct {
	epoch atomic.Int64

	mu      sync.RWMutex
	entries map[string]cachedActor // token hash -> actor
}

type cachedActor struct {
	actor   tenantd.Actor
	expires int64 // Unix seconds, the access token's expiry
	epoch   int64
}

func newAuthCache() *authCache {
	return &authCache{entries: map[string]cachedActor{}}
}

// get returns the actor cached for the token hash if the entry is of the current epoch and
// the token has not expired at now.
func (c *authCache) get(hash string, now int64) (tenantd.Actor, bool) {
	c.mu.RLock()
	e, ok := c.entries[hash]
	c.mu.RUnlock()
	if !ok || e.epoch != c.epoch.Load() || now >= e.expires {
		return tenantd.Actor{}, false
	}
	return e.actor, true
}

// put caches an actor read from the database while the cache was at epoch.
func (c *authCache) put(hash string, a tenantd.Actor, expires, epoch int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedTokens {
		c.entries = map[string]cachedActor{}
	}
	c.entries[hash] = cachedActor{actor: a, expires: expires, epoch: epoch}
}

// invalidate makes every cached entry stale.
func (c *authCache) invalidate() {
	c.epoch.Add(1)
}
