package sqlstore

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

// idEpoch is the start of tenantd's id clock (2024-01-01 UTC); 41 bits of milliseconds from
// there last until about 2093.
var idEpoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// idGenerator makes 63-bit, time-ordered ids: 41 bits of milliseconds, 10 bits naming this
// process (random at start) and a 12-bit sequence within the millisecond. Two processes on one
// PostgreSQL database collide only if they draw the same 10 bits and the same millisecond and
// sequence; the primary key turns such a collision into an error, never a silent overwrite.
type idGenerator struct {
	mu   sync.Mutex
	node int64
	last int64
	seq  int64
}

func newIDGenerator() *idGenerator {
	var b [2]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	return &idGenerator{node: int64(binary.BigEndian.Uint16(b[:]) & 0x3ff)}
}

// Next returns a new id, larger than every id this generator returned before.
func (g *idGenerator) Next() int64 {
	g.mu.Lock()
	defer g.mu.Unlock()

	now := time.Since(idEpoch).Milliseconds()
	if now < g.last {
		now = g.last // the wall clock went back: keep counting from where we were
	}
	if now == g.last {
		g.seq = (g.seq + 1) & 0xfff
		if g.seq == 0 {
			now++ // sequence spent: borrow the next millisecond
		}
	} else {
		g.seq = 0
	}
	g.last = now
	return now<<22 | g.node<<12 | g.seq
}
