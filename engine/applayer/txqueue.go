package applayer

// TxQueue holds a parser's live transactions in ID order, for protocols
// whose transactions are independent of each other (DNS, SIP): each can go
// as soon as detection and output are done with it. The zero value is an
// empty queue. It is not safe for concurrent use.
type TxQueue[T Tx] struct {
	txs []T
}

// Len returns the number of live transactions.
func (q *TxQueue[T]) Len() int { return len(q.txs) }

// At returns live transaction i (0 is the oldest).
func (q *TxQueue[T]) At(i int) T { return q.txs[i] }

// All returns the live transactions, oldest first. The slice is the
// queue's: valid until the next Push or Prune.
func (q *TxQueue[T]) All() []T { return q.txs }

// Push appends t, first dropping the oldest transaction when the queue
// already holds max (a cap that bounds a flow's memory).
func (q *TxQueue[T]) Push(t T, max int) {
	if max > 0 && len(q.txs) >= max {
		q.drop(1)
	}
	q.txs = append(q.txs, t)
}

// Prune drops the transactions with an ID below below.
func (q *TxQueue[T]) Prune(below uint64) {
	n := 0
	for n < len(q.txs) && q.txs[n].ID() < below {
		n++
	}
	q.drop(n)
}

func (q *TxQueue[T]) drop(n int) {
	if n == 0 {
		return
	}
	copy(q.txs, q.txs[n:])
	clear(q.txs[len(q.txs)-n:])
	q.txs = q.txs[:len(q.txs)-n]
}
