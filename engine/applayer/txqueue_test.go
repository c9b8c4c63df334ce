package applayer

import (
	"testing"

	"vigil/detect/bufid"
)

type idTx uint64

func (t idTx) Proto() Proto                                     { return bufid.ProtoDNS }
func (t idTx) ID() uint64                                       { return uint64(t) }
func (t idTx) Buffer(Direction, BufferID) []byte                { return nil }
func (t idTx) BufferAt(Direction, BufferID, int) ([]byte, bool) { return nil, false }
func (t idTx) Complete(Direction) bool                          { return true }

func TestTxQueue(t *testing.T) {
	var q TxQueue[idTx]
	for i := range 5 {
		q.Push(idTx(i), 4)
	}
	if q.Len() != 4 || q.At(0) != 1 {
		t.Fatalf("after 5 pushes with cap 4: len %d, oldest %d; want 4 and 1", q.Len(), q.At(0))
	}
	q.Prune(3)
	if q.Len() != 2 || q.At(0) != 3 || q.All()[1] != 4 {
		t.Fatalf("after Prune(3): %v, want [3 4]", q.All())
	}
	q.Prune(10)
	if q.Len() != 0 {
		t.Fatalf("after Prune(10): %v, want empty", q.All())
	}
}
