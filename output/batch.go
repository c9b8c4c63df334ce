package output

import (
	"bytes"
	"cmp"

	"vigil/output/eve"
)

// Key orders records in deterministic mode. It is a function of the record
// and the capture, never of the scheduling, so that output is byte-identical
// for any number of workers: Time is the packet time (Unix nanoseconds) the
// record carries, PcapCnt the packet's number in the capture (0 for records
// not tied to one packet, such as flow timeouts and stats), and Seq the index
// of the record among those its worker produced for the same packet or event
// (0, 1, 2, ... in production order). Seq only orders records of the same
// packet (PcapCnt != 0), which one worker produces in a fixed order; records
// not tied to a packet, and records with equal keys, are ordered by their
// bytes.
type Key struct {
	Time    int64
	PcapCnt uint64
	Seq     uint32
}

// Compare returns -1, 0 or +1 as k orders before, with or after o.
func (k Key) Compare(o Key) int {
	if c := cmp.Compare(k.Time, o.Time); c != 0 {
		return c
	}
	if c := cmp.Compare(k.PcapCnt, o.PcapCnt); c != 0 {
		return c
	}
	if k.PcapCnt == 0 {
		return 0 // not tied to a packet: a worker's Seq means nothing here
	}
	return cmp.Compare(k.Seq, o.Seq)
}

type entry struct {
	key      Key
	off, end int // line is buf[off:end], newline included
}

// Batch is a worker's batch of encoded records (whole lines) with their sort
// keys. A worker fills a Batch obtained from Stage.Batch and hands it over
// with Stage.Submit; after that the Batch belongs to the stage. A Batch is
// not safe for concurrent use.
type Batch struct {
	buf  []byte
	ents []entry
}

// Add copies one record line into the batch, adding the trailing newline if
// line lacks it.
func (b *Batch) Add(key Key, line []byte) {
	off := len(b.buf)
	b.buf = append(b.buf, line...)
	if len(line) == 0 || line[len(line)-1] != '\n' {
		b.buf = append(b.buf, '\n')
	}
	b.ents = append(b.ents, entry{key: key, off: off, end: len(b.buf)})
}

// AddRecord encodes r with enc straight into the batch.
func (b *Batch) AddRecord(key Key, enc *eve.Encoder, r *eve.Record) {
	off := len(b.buf)
	b.buf = enc.Append(b.buf, r)
	b.ents = append(b.ents, entry{key: key, off: off, end: len(b.buf)})
}

// AddFast formats r (an alert) as a fast.log line straight into the batch.
func (b *Batch) AddFast(key Key, r *eve.Record, f *FastFormat) {
	off := len(b.buf)
	b.buf = f.Append(b.buf, r)
	b.ents = append(b.ents, entry{key: key, off: off, end: len(b.buf)})
}

// Len returns the number of records in the batch.
func (b *Batch) Len() int { return len(b.ents) }

// Size returns the number of bytes in the batch.
func (b *Batch) Size() int { return len(b.buf) }

// Reset empties the batch, keeping its memory.
func (b *Batch) Reset() {
	b.buf = b.buf[:0]
	b.ents = b.ents[:0]
}

// line returns record i.
func (b *Batch) line(i int) []byte { e := b.ents[i]; return b.buf[e.off:e.end] }

// compareEntries orders two records of the same buffer set by key, then
// bytes.
func compareEntries(buf []byte, a, b entry) int {
	if c := a.key.Compare(b.key); c != 0 {
		return c
	}
	return bytes.Compare(buf[a.off:a.end], buf[b.off:b.end])
}
