package http

import (
	"bytes"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Range reassembly. A client that fetches a file in pieces (requests with
// a Range header answered 206 with a Content-Range) gets one file per
// response; Suricata also puts the pieces of the same file (same host and
// file name) together, and once they cover the whole file it logs that
// file too, with its full size, on the transaction that completed it
// (app-layer-htp-range.c). Vigil does the same within a connection
// (Suricata's container is shared by all flows of the host): a piece
// counts when its response is complete without gap and its body is the
// length its range says.
//
// Memory is bounded: at most maxRangeFiles files per connection, each
// with at most maxRangeSpans disjoint pieces; past that, new ones are
// ignored.
const (
	maxRangeFiles = 16
	maxRangeSpans = 64
)

// span is a closed byte interval of a file.
type span struct{ start, end int64 }

// rangeFile is the reassembly state of one file fetched in pieces.
type rangeFile struct {
	host, name []byte // owned copies
	size       int64
	spans      []span // disjoint, sorted
	done       bool
}

// add records piece [start, end] and reports whether the file just
// became complete.
func (f *rangeFile) add(start, end int64) bool {
	if f.done {
		return false
	}
	s := span{start, end}
	out := f.spans[:0:0]
	inserted := false
	for _, o := range f.spans {
		switch {
		case o.end+1 < s.start:
			out = append(out, o)
		case s.end+1 < o.start:
			if !inserted {
				out = append(out, s)
				inserted = true
			}
			out = append(out, o)
		default: // overlapping or adjacent: merge
			s.start, s.end = min(s.start, o.start), max(s.end, o.end)
		}
	}
	if !inserted {
		out = append(out, s)
	}
	if len(out) > maxRangeSpans {
		return false
	}
	f.spans = out
	f.done = len(out) == 1 && out[0].start == 0 && out[0].end == f.size-1
	return f.done
}

// rangeDone adds the piece that t's complete response carries to its
// file's reassembly; when that completes the file, t carries the whole
// file too (rangeSize).
func (p *Parser) rangeDone(t *Tx) {
	m := &t.Resp
	if !bytes.Equal(m.Status, []byte("206")) || m.Gap {
		return
	}
	r, ok := parseContentRange(m.Get("Content-Range"))
	// Suricata reassembles valid ranges that are not the whole file.
	if !ok || r.end <= 0 || r.size <= 0 || r.start > r.end || r.end > r.size-1 ||
		r.start == 0 && r.end == r.size-1 || m.BodyLen != r.end-r.start+1 {
		return
	}
	host := t.Buffer(applayer.ToServer, bufid.HTTPHost)
	name := t.fileName(applayer.ToClient)
	if len(host) == 0 || len(name) == 0 {
		return // Suricata does not reassemble without a host
	}
	var f *rangeFile
	for _, c := range p.ranges {
		if c.size == r.size && bytes.Equal(c.host, host) && bytes.Equal(c.name, name) {
			f = c
			break
		}
	}
	if f == nil {
		if len(p.ranges) >= maxRangeFiles {
			return
		}
		f = &rangeFile{host: bytes.Clone(host), name: bytes.Clone(name), size: r.size}
		p.ranges = append(p.ranges, f)
	}
	if f.add(r.start, r.end) {
		t.rangeSize = r.size
	}
}

// fillRangeFileEVE adds the "fileinfo" object of the whole file t's
// response completed, if any: named as its pieces, closed, its full size.
func (t *Tx) fillRangeFileEVE(r *eve.Record) bool {
	if t.rangeSize <= 0 {
		return false
	}
	o := r.AddObject("fileinfo")
	o.Bytes("filename", nilIfEmpty(t.fileName(applayer.ToClient)))
	o.Bool("gaps", false)
	o.String("state", "CLOSED")
	o.Bool("stored", false)
	o.Uint("size", uint64(t.rangeSize))
	o.Uint("tx_id", t.ID())
	return true
}
