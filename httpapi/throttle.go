package httpapi

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tenantd/tenantd"
)

// SignInLimiter slows down password guessing. It counts failed sign-ins per account and per
// client address; past a few free failures each further one locks the key for a time that
// doubles with every failure, up to a cap. A successful sign-in clears its account's count.
//
// The counts live in this process's memory: several tenantd processes behind one address
// each keep their own, and a restart forgets them. That is acceptable for a single process;
// a shared store is needed before running several.
type SignInLimiter struct {
	mu   sync.Mutex
	keys map[string]*failures

	// trusted holds, per account and address, until when a past success from that address
	// exempts the account from the address's lock-out.
	trusted map[string]time.Time
	now     func() time.Time

	// FreeAccount and FreeAddress are how many failures in a row cost nothing, per account
	// and per address. An address gets many more, and a short cap on its lock-out
	// (MaxAddressLock), because many people may share one address (a NAT, a proxy): there, a
	// stranger's failures must not lock everyone out for long. Each account keeps its own
	// strict budget whatever address the guesses come from.
	FreeAccount, FreeAddress int

	// Base is the first lock-out; MaxLock caps its growth for accounts, MaxAddressLock for
	// addresses.
	Base, MaxLock, MaxAddressLock time.Duration
}

type failures struct {
	count int
	until time.Time // locked until this time
	last  time.Time
}

// NewSignInLimiter returns a limiter with tenantd's defaults.
func NewSignInLimiter(now func() time.Time) *SignInLimiter {
	return &SignInLimiter{
		keys:           map[string]*failures{},
		trusted:        map[string]time.Time{},
		now:            now,
		FreeAccount:    5,
		FreeAddress:    100,
		Base:           time.Second,
		MaxLock:        15 * time.Minute,
		MaxAddressLock: time.Minute,
	}
}

// maxKeys bounds the memory the limiter uses; idle entries are dropped first.
const maxKeys = 100_000

// accountKey names an account the way sign-in finds it, so that spelling the domain or the
// name differently does not buy a fresh budget of guesses.
func accountKey(domain, username string) string {
	if canonical, err := tenantd.CanonicalDomain(domain); err == nil {
		domain = canonical
	}
	return "a\x00" + strings.ToLower(domain) + "\x00" + strings.ToLower(username)
}

func addressKey(addr string) string {
	return "ip\x00" + addr
}

// Attempt asks whether the account may try to sign in from addr now. When it may not, wait
// says for how long. When it may, the attempt is counted as a failure at once, before the
// password is checked, so that concurrent guesses cannot all slip through before the first
// failure is recorded; the caller then calls done with the outcome, and a success takes the
// count back.
func (l *SignInLimiter) Attempt(domain, username, addr string) (wait time.Duration,
	done func(succeeded bool)) {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := l.now()
	account, address := accountKey(domain, username), addressKey(addr)
	known := trustedKey(account, addr)
	keys := []string{account, address}
	if l.trusted[known].After(now) {
		// This account signed in from this address before: a stranger's failures there must
		// not lock it out. Its own failures still count against it.
		keys = keys[:1]
	}
	for _, key := range keys {
		if f := l.keys[key]; f != nil && f.until.After(now) {
			wait = max(wait, f.until.Sub(now))
		}
	}
	if wait > 0 {
		return wait, nil
	}

	if !l.prune(now) {
		// Every slot holds a live lock-out: someone is guessing at scale. Refuse rather than
		// forget the locks.
		return l.Base, nil
	}
	l.fail(account, l.FreeAccount, l.MaxLock, now)
	l.fail(address, l.FreeAddress, l.MaxAddressLock, now)
	return 0, func(succeeded bool) {
		if succeeded {
			l.succeeded(account, address, known)
		}
	}
}

// trustFor is how long a success from an address exempts the account from that address's
// lock-out.
const trustFor = 30 * 24 * time.Hour

func trustedKey(account, addr string) string {
	return account + "\x00" + addr
}

// succeeded clears the account's failures and takes back the one counted for the address.
// The address keeps its other failures, so that one valid account cannot be used to reset
// the guessing budget of an address.
func (l *SignInLimiter) succeeded(account, address, known string) {
	l.mu.Lock()
	defer l.mu.Unlock()

	delete(l.keys, account)
	if len(l.trusted) >= maxKeys {
		clear(l.trusted) // losing exemptions costs convenience, never safety
	}
	l.trusted[known] = l.now().Add(trustFor)
	if f := l.keys[address]; f != nil {
		f.count = max(0, f.count-1)
		if f.count <= l.FreeAddress {
			f.until = time.Time{}
		}
	}
}

func (l *SignInLimiter) fail(key string, free int, maxLock time.Duration, now time.Time) {
	f := l.keys[key]
	if f == nil || now.Sub(f.last) > 2*l.MaxLock {
		// New, or quiet for long enough that earlier failures no longer count.
		f = &failures{}
		l.keys[key] = f
	}
	f.count++
	f.last = now
	if f.count <= free {
		return
	}

	// The lock doubles with each failure beyond the free ones: Base, 2*Base, 4*Base, ...
	exp := min(f.count-free-1, 30)
	lock := time.Duration(float64(l.Base) * math.Pow(2, float64(exp)))
	f.until = now.Add(min(lock, maxLock))
}

// prune makes room once the map is full, so that a flood of distinct names cannot grow it
// without bound: it drops every entry that is not locked now, and never a lock. It reports
// whether there is room for new entries.
func (l *SignInLimiter) prune(now time.Time) bool {
	if len(l.keys) < maxKeys {
		return true
	}
	for key, f := range l.keys {
		if !f.until.After(now) {
			delete(l.keys, key)
		}
	}
	return len(l.keys) < maxKeys
}

// retryAfter is an error that tells the client when to come back; writeError turns wait into
// the Retry-After header.
type retryAfter struct {
	err  *tenantd.Error
	wait time.Duration
}

func (r *retryAfter) Error() string { return r.err.Error() }

func (r *retryAfter) Unwrap() error { return r.err }

// retryAfterSeconds returns the whole seconds to announce in Retry-After, at least 1.
func (r *retryAfter) retryAfterSeconds() string {
	return strconv.FormatInt(int64(math.Ceil(r.wait.Seconds())), 10)
}
