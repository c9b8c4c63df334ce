package stream

// Segment buffers come in three size classes; a payload takes the smallest
// that fits. Small in-order payloads are appended to the previous buffer
// when it has room, so a chatty stream does not hold one buffer per byte.
var classSizes = [...]int{2048, 16384, 65536}

// pool is a worker's segment buffer free list and memory accountant: every
// buffer handed out is charged at its capacity against the memcap, and
// returned buffers are kept for reuse (their number is bounded by the peak
// use, itself bounded by the memcap).
type pool struct {
	free   [len(classSizes)][][]byte
	inUse  int64
	memcap int64
}

// get returns an empty buffer with room for n bytes, or ok=false when the
// memcap would be exceeded.
func (p *pool) get(n int) (b []byte, ok bool) {
	c := 0
	for c < len(classSizes)-1 && classSizes[c] < n {
		c++
	}
	size := classSizes[c]
	if n > size {
		size = n // larger than any class (not possible for TCP payloads)
	}
	if p.memcap > 0 && p.inUse+int64(size) > p.memcap {
		return nil, false
	}
	p.inUse += int64(size)
	if l := len(p.free[c]); l > 0 && size == classSizes[c] {
		b = p.free[c][l-1]
		p.free[c] = p.free[c][:l-1]
		return b[:0], true
	}
	return make([]byte, 0, size), true
}

func (p *pool) put(b []byte) {
	p.inUse -= int64(cap(b))
	for c, sz := range classSizes {
		if cap(b) == sz {
			p.free[c] = append(p.free[c], b[:0])
			return
		}
	}
}
