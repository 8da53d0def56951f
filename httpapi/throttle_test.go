package httpapi

import (
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestLimiterBackoffGrows(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	for i := 0; i < l.FreeAccount; i++ {
		if w := l.Wait("", "bob", "10.0.0.1"); w != 0 {
			t.Fatalf("locked after %d failures, want %d free", i, l.FreeAccount)
		}
		l.Failed("", "bob", "10.0.0.1")
	}

	// Each failure after the free ones locks for twice as long as the one before.
	want := l.Base
	for i := 0; i < 5; i++ {
		l.Failed("", "bob", "10.0.0.1")
		if got := l.Wait("", "bob", "10.0.0.1"); got != want {
			t.Fatalf("lock %d is %v, want %v", i, got, want)
		}
		c.t = c.t.Add(want) // wait it out
		if got := l.Wait("", "BOB", "10.0.0.2"); got != 0 {
			t.Fatalf("still locked after waiting: %v", got)
		}
		want *= 2
	}

	l.Succeeded("", "bob")
	if got := l.Wait("", "bob", "10.0.0.3"); got != 0 {
		t.Fatalf("locked after a success: %v", got)
	}
}

func TestLimiterCountsAddresses(t *testing.T) {
	c := &clock{t: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := NewSignInLimiter(c.now)

	// Different names from one address: the address locks after its free failures.
	for i := 0; i <= l.FreeAddress; i++ {
		l.Failed("acme.example", string(rune('a'+i)), "10.0.0.9")
	}
	if l.Wait("acme.example", "someone-new", "10.0.0.9") == 0 {
		t.Fatal("the address is not locked")
	}
	if l.Wait("acme.example", "someone-new", "10.0.0.10") != 0 {
		t.Fatal("another address is locked")
	}
}
