package httpapi

import (
	"fmt"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// fail makes one attempt that fails, and reports the wait if it was refused instead.
func fail(l *SignInLimiter, domain, user, addr string) time.Duration {
	wait, done := l.Attempt(domain, user, addr)
	if wait == 0 {
		done(false)
	}
	return wait
}

func TestLimiterBackoffGrows(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	for i := 0; i < l.FreeAccount; i++ {
		if w := fail(l, "", "bob", "10.0.0.1"); w != 0 {
			t.Fatalf("locked after %d failures, want %d free", i, l.FreeAccount)
		}
	}

	// Each failure after the free ones locks for twice as long as the one before.
	want := l.Base
	for i := 0; i < 5; i++ {
		if w := fail(l, "", "bob", "10.0.0.1"); w != 0 {
			t.Fatalf("attempt %d refused: %v", i, w)
		}
		if got, _ := l.Attempt("", "bob", "10.0.0.1"); got != want {
			t.Fatalf("lock %d is %v, want %v", i, got, want)
		}
		c.t = c.t.Add(want) // wait it out
		want *= 2
	}

	wait, done := l.Attempt("", "BOB", "10.0.0.3")
	if wait != 0 {
		t.Fatalf("still locked after waiting: %v", wait)
	}
	done(true)
	if got := fail(l, "", "bob", "10.0.0.3"); got != 0 {
		t.Fatalf("locked after a success: %v", got)
	}
}

// TestLimiterCountsConcurrentAttempts starts many attempts before any finishes: only the
// free ones and the one that earns the first lock-out may go on to a password check.
func TestLimiterCountsConcurrentAttempts(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	var mu sync.Mutex
	var pending []func(bool)
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			if wait, done := l.Attempt("b.test", "bob", "10.0.0.5"); wait == 0 {
				mu.Lock()
				pending = append(pending, done)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(pending) != l.FreeAccount+1 {
		t.Fatalf("%d attempts got through at once, want %d", len(pending), l.FreeAccount+1)
	}
}

// TestLimiterAddressLockIsShort checks that failures over many accounts from one address lock
// the address only briefly, while each account's own budget stays strict.
func TestLimiterAddressLockIsShort(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	for i := 0; i < l.FreeAddress+40; i++ {
		c.t = c.t.Add(l.MaxAddressLock) // wait out any lock, to go on counting
		fail(l, "acme.example", fmt.Sprint("user", i), "10.0.0.9")
	}
	wait, _ := l.Attempt("acme.example", "someone-new", "10.0.0.9")
	if wait == 0 || wait > l.MaxAddressLock {
		t.Fatalf("address lock %v, want between 0 and %v", wait, l.MaxAddressLock)
	}
	if w, _ := l.Attempt("acme.example", "someone-new", "10.0.0.10"); w != 0 {
		t.Fatal("another address is locked")
	}
}

// TestLimiterTrustsKnownAddress checks that a stranger who keeps an address locked cannot lock
// out an account that has signed in from that address before.
func TestLimiterTrustsKnownAddress(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	wait, done := l.Attempt("a.example", "alice", "10.0.0.7")
	if wait != 0 {
		t.Fatal("first attempt refused")
	}
	done(true)

	for i := 0; i <= l.FreeAddress+5; i++ {
		fail(l, "a.example", fmt.Sprint("stranger", i), "10.0.0.7")
	}
	if w, _ := l.Attempt("a.example", "newcomer", "10.0.0.7"); w == 0 {
		t.Fatal("the address is not locked for an account never seen there")
	}
	if w, _ := l.Attempt("a.example", "alice", "10.0.0.7"); w != 0 {
		t.Fatalf("alice, known at this address, waits %v", w)
	}
}

// TestLimiterKeepsLocksWhenFull fills the limiter and checks that an account's lock survives.
func TestLimiterKeepsLocksWhenFull(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)
	for i := 0; i <= l.FreeAccount; i++ {
		fail(l, "", "victim", "10.1.0.1")
	}
	before, _ := l.Attempt("", "victim", "10.1.0.2")
	if before == 0 {
		t.Fatal("victim not locked")
	}

	for i := 0; i < maxKeys; i++ {
		fail(l, "", fmt.Sprint("u", i), fmt.Sprint("10.2.", i/250, ".", i%250))
	}
	if w, _ := l.Attempt("", "victim", "10.1.0.3"); w == 0 {
		t.Fatal("filling the limiter wiped the victim's lock")
	}
}
