package ftpdata

import (
	"net/netip"
	"sync"
	"sync/atomic"
)

// MaxExpectations caps the pending expectations; the oldest go first.
const MaxExpectations = 1024

// Expectation is a data connection a control flow announced.
type Expectation struct {
	// A and B are the control flow's client and server addresses; the
	// data connection runs between them, in either order.
	A, B netip.Addr
	// Port is the data connection's server port (the dynamic port).
	Port    uint16
	Command Command
	// FileName is the command's argument (owned by the expectation).
	FileName []byte
}

// Expectations holds the pending expectations of all workers.
type Expectations struct {
	n    atomic.Int32
	mu   sync.Mutex
	list []Expectation
}

// NewExpectations returns an empty table.
func NewExpectations() *Expectations { return &Expectations{} }

// Add files e (a later one for the same hosts and port replaces it).
func (x *Expectations) Add(e Expectation) {
	e.A, e.B = e.A.Unmap(), e.B.Unmap()
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.list {
		if x.list[i].Port == e.Port && samePair(&x.list[i], e.A, e.B) {
			x.list[i] = e
			return
		}
	}
	if len(x.list) >= MaxExpectations {
		x.list = append(x.list[:0], x.list[1:]...)
	}
	x.list = append(x.list, e)
	x.n.Store(int32(len(x.list)))
}

// Take removes and returns the expectation a new flow from client to
// server:port meets. Without pending expectations it takes no lock.
func (x *Expectations) Take(client, server netip.Addr, port uint16) (Expectation, bool) {
	if x == nil || x.n.Load() == 0 {
		return Expectation{}, false
	}
	client, server = client.Unmap(), server.Unmap()
	x.mu.Lock()
	defer x.mu.Unlock()
	for i := range x.list {
		if e := x.list[i]; e.Port == port && samePair(&e, client, server) {
			x.list = append(x.list[:i], x.list[i+1:]...)
			x.n.Store(int32(len(x.list)))
			return e, true
		}
	}
	return Expectation{}, false
}

func samePair(e *Expectation, a, b netip.Addr) bool {
	return e.A == a && e.B == b || e.A == b && e.B == a
}
