package pcapfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"time"
)

// Error classes returned (wrapped) by Next and NewReader.
var (
	// ErrTruncated means the file ends inside a header or record.
	ErrTruncated = errors.New("truncated")
	// ErrCorrupt means a header or record holds impossible values.
	ErrCorrupt = errors.New("corrupt")
	// ErrFormat means the input is neither pcap nor pcapng.
	ErrFormat = errors.New("unknown file format")
)

// Record is one captured packet. Data is valid until the next call to Next.
type Record struct {
	Data     []byte // captured bytes (len == CapLen)
	CapLen   uint32
	OrigLen  uint32 // length on the wire
	Ts       int64  // nanoseconds since the Unix epoch
	LinkType uint32 // pcap LINKTYPE_* of the record's interface
	// Iface is the pcapng interface id (0 for classic pcap).
	Iface uint32
	// Offset is the byte offset of the record (its header) in the file.
	Offset int64
}

// Time returns Ts as a UTC time.Time.
func (r *Record) Time() time.Time { return time.Unix(0, r.Ts).UTC() }

// maxRecord bounds a single record or block so that a corrupt length cannot
// make the reader allocate gigabytes.
const maxRecord = 64 << 20

const (
	magicMicro    = 0xa1b2c3d4
	magicNano     = 0xa1b23c4d
	magicNG       = 0x0a0d0d0a
	ngByteOrder   = 0x1a2b3c4d
	blockIDB      = 0x00000001
	blockPB       = 0x00000002
	blockSPB      = 0x00000003
	blockEPB      = 0x00000006
	optEndOfOpt   = 0
	optIfTsresol  = 9
	optIfTsoffset = 14
)

type iface struct {
	linkType uint32
	snapLen  uint32
	units    uint64 // timestamp units per second
	offset   int64  // if_tsoffset in seconds
}

// Reader reads records from one pcap or pcapng stream.
type Reader struct {
	name string
	br   *bufio.Reader
	c    io.Closer
	off  int64 // bytes consumed so far
	buf  []byte
	hdr  [32]byte

	ng    bool
	bo    binary.ByteOrder
	nano  bool   // classic pcap: nanosecond timestamps
	link  uint32 // classic pcap link type
	snap  uint32 // classic pcap snap length
	ifs   []iface
	count uint64
}

// Open opens a capture file. Close releases it.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.c = f
	return r, nil
}

// NewReader reads the file header from rd; name is used in errors. The
// caller keeps ownership of rd (Close does not close it).
func NewReader(rd io.Reader, name string) (*Reader, error) {
	r := &Reader{name: name, br: bufio.NewReaderSize(rd, 256<<10), buf: make([]byte, 0, 64<<10)}
	if err := r.readFull(r.hdr[:4]); err != nil {
		return nil, r.errf(0, ErrTruncated, "file header: %v", err)
	}
	switch m := binary.LittleEndian.Uint32(r.hdr[:4]); m {
	case magicNG:
		r.ng = true
		r.ifs = make([]iface, 0, 4)
		if err := r.readSHB(0, true); err != nil {
			return nil, err
		}
		return r, nil
	case magicMicro, magicNano:
		r.bo = binary.LittleEndian
		r.nano = m == magicNano
	default:
		switch binary.BigEndian.Uint32(r.hdr[:4]) {
		case magicMicro, magicNano:
			r.bo = binary.BigEndian
			r.nano = binary.BigEndian.Uint32(r.hdr[:4]) == magicNano
		default:
			return nil, fmt.Errorf("%s: %w (magic %#08x)", name, ErrFormat, m)
		}
	}
	if err := r.readFull(r.hdr[4:24]); err != nil {
		return nil, r.errf(0, ErrTruncated, "file header: %v", err)
	}
	r.snap = r.bo.Uint32(r.hdr[16:20])
	r.link = r.bo.Uint32(r.hdr[20:24]) & 0xffff // upper bits: FCS length flags
	return r, nil
}

// Name returns the name given to NewReader or Open.
func (r *Reader) Name() string { return r.name }

// LinkType returns the link type of a classic pcap file, or of the first
// interface seen so far in a pcapng file (0 if none yet).
func (r *Reader) LinkType() uint32 {
	if !r.ng {
		return r.link
	}
	if len(r.ifs) > 0 {
		return r.ifs[0].linkType
	}
	return 0
}

// Count returns how many records Next has returned.
func (r *Reader) Count() uint64 { return r.count }

// Close closes the file if the Reader was made by Open.
func (r *Reader) Close() error {
	if r.c != nil {
		err := r.c.Close()
		r.c = nil
		return err
	}
	return nil
}

func (r *Reader) errf(off int64, class error, format string, args ...any) error {
	return &Error{File: r.name, Offset: off, Err: class, Msg: fmt.Sprintf(format, args...)}
}

// Error is a problem at a byte offset of a capture file.
type Error struct {
	File   string
	Offset int64
	Err    error // ErrTruncated or ErrCorrupt
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: offset %d: %s", e.File, e.Offset, e.Msg)
}

// Unwrap returns the error class.
func (e *Error) Unwrap() error { return e.Err }

// readFull reads exactly len(b) bytes and advances the offset by what was
// read.
func (r *Reader) readFull(b []byte) error {
	n, err := io.ReadFull(r.br, b)
	r.off += int64(n)
	return err
}

// grow returns r.buf resized to n bytes, reusing its capacity.
func (r *Reader) grow(n int) []byte {
	if cap(r.buf) < n {
		r.buf = make([]byte, n, n+n/4)
	}
	r.buf = r.buf[:n]
	return r.buf
}

// Next returns the next record, io.EOF at the clean end of the input, or an
// *Error wrapping ErrTruncated or ErrCorrupt.
func (r *Reader) Next() (Record, error) {
	var rec Record
	var err error
	if r.ng {
		rec, err = r.nextNG()
	} else {
		rec, err = r.nextPcap()
	}
	if err == nil {
		r.count++
	}
	return rec, err
}

func (r *Reader) nextPcap() (Record, error) {
	start := r.off
	n, err := io.ReadFull(r.br, r.hdr[:16])
	r.off += int64(n)
	if err != nil {
		if err == io.EOF {
			return Record{}, io.EOF
		}
		return Record{}, r.errf(start, ErrTruncated, "truncated record header (want 16 bytes, have %d)", n)
	}
	sec := r.bo.Uint32(r.hdr[0:4])
	frac := r.bo.Uint32(r.hdr[4:8])
	capLen := r.bo.Uint32(r.hdr[8:12])
	origLen := r.bo.Uint32(r.hdr[12:16])
	limit := max(r.snap, 262144)
	if capLen > limit || capLen > maxRecord {
		return Record{}, r.errf(start, ErrCorrupt, "record length %d exceeds the maximum %d", capLen, limit)
	}
	data := r.grow(int(capLen))
	n, err = io.ReadFull(r.br, data)
	r.off += int64(n)
	if err != nil {
		return Record{}, r.errf(start, ErrTruncated, "truncated packet record (want %d bytes, have %d)", capLen, n)
	}
	ts := int64(sec) * 1e9
	if r.nano {
		ts += int64(frac)
	} else {
		ts += int64(frac) * 1e3
	}
	return Record{Data: data, CapLen: capLen, OrigLen: max(origLen, capLen), Ts: ts, LinkType: r.link, Offset: start}, nil
}

// nextNG reads blocks until one carries a packet.
func (r *Reader) nextNG() (Record, error) {
	for {
		start := r.off
		n, err := io.ReadFull(r.br, r.hdr[:8])
		r.off += int64(n)
		if err != nil {
			if err == io.EOF {
				return Record{}, io.EOF
			}
			return Record{}, r.errf(start, ErrTruncated, "truncated block header (want 8 bytes, have %d)", n)
		}
		if binary.LittleEndian.Uint32(r.hdr[:4]) == magicNG {
			if err := r.readSHB(start, false); err != nil {
				return Record{}, err
			}
			continue
		}
		typ := r.bo.Uint32(r.hdr[0:4])
		blen := r.bo.Uint32(r.hdr[4:8])
		if blen < 12 || blen%4 != 0 || blen > maxRecord {
			return Record{}, r.errf(start, ErrCorrupt, "bad block length %d (block type %#x)", blen, typ)
		}
		body := r.grow(int(blen) - 8)
		n, err = io.ReadFull(r.br, body)
		r.off += int64(n)
		if err != nil {
			return Record{}, r.errf(start, ErrTruncated, "truncated block (type %#x, want %d bytes, have %d)", typ, blen, n+8)
		}
		if r.bo.Uint32(body[len(body)-4:]) != blen {
			return Record{}, r.errf(start, ErrCorrupt, "block length %d does not match its trailer %d", blen, r.bo.Uint32(body[len(body)-4:]))
		}
		body = body[:len(body)-4]
		switch typ {
		case blockIDB:
			if err := r.readIDB(start, body); err != nil {
				return Record{}, err
			}
		case blockEPB, blockPB:
			return r.packetBlock(start, typ, body)
		case blockSPB:
			if len(body) < 4 {
				return Record{}, r.errf(start, ErrCorrupt, "simple packet block too short")
			}
			if len(r.ifs) == 0 {
				return Record{}, r.errf(start, ErrCorrupt, "simple packet block before any interface description")
			}
			origLen := r.bo.Uint32(body[0:4])
			data := body[4:]
			capLen := min(origLen, uint32(len(data)))
			if s := r.ifs[0].snapLen; s != 0 && capLen > s {
				capLen = s
			}
			return Record{Data: data[:capLen], CapLen: capLen, OrigLen: origLen, LinkType: r.ifs[0].linkType, Offset: start}, nil
		}
	}
}

func (r *Reader) packetBlock(start int64, typ uint32, body []byte) (Record, error) {
	if len(body) < 20 {
		return Record{}, r.errf(start, ErrCorrupt, "packet block too short (%d bytes)", len(body)+12)
	}
	var id uint32
	if typ == blockEPB {
		id = r.bo.Uint32(body[0:4])
	} else {
		id = uint32(r.bo.Uint16(body[0:2]))
	}
	if int(id) >= len(r.ifs) {
		return Record{}, r.errf(start, ErrCorrupt, "packet block names interface %d, only %d described", id, len(r.ifs))
	}
	ifc := &r.ifs[id]
	tsRaw := uint64(r.bo.Uint32(body[4:8]))<<32 | uint64(r.bo.Uint32(body[8:12]))
	capLen := r.bo.Uint32(body[12:16])
	origLen := r.bo.Uint32(body[16:20])
	if uint64(capLen) > uint64(len(body)-20) {
		return Record{}, r.errf(start, ErrCorrupt, "captured length %d exceeds the block (%d bytes of data)", capLen, len(body)-20)
	}
	return Record{
		Data:     body[20 : 20+capLen],
		CapLen:   capLen,
		OrigLen:  max(origLen, capLen),
		Ts:       ifc.ns(tsRaw),
		LinkType: ifc.linkType,
		Iface:    id,
		Offset:   start,
	}, nil
}

// ns converts a raw pcapng timestamp to nanoseconds since the epoch.
func (ifc *iface) ns(ts uint64) int64 {
	var ns uint64
	if ifc.units == 1e9 {
		ns = ts
	} else {
		sec, rem := ts/ifc.units, ts%ifc.units
		hi, lo := bits.Mul64(rem, 1e9)
		frac, _ := bits.Div64(hi, lo, ifc.units) // hi < units since rem < units
		ns = sec*1e9 + frac
	}
	return int64(ns) + ifc.offset*1e9
}

// readSHB reads a section header block whose first 4 bytes (the block type)
// are already consumed (first: only those 4, else 8 bytes are in r.hdr).
func (r *Reader) readSHB(start int64, first bool) error {
	if first {
		if err := r.readFull(r.hdr[4:8]); err != nil {
			return r.errf(start, ErrTruncated, "truncated section header block")
		}
	}
	if err := r.readFull(r.hdr[8:12]); err != nil {
		return r.errf(start, ErrTruncated, "truncated section header block")
	}
	switch binary.LittleEndian.Uint32(r.hdr[8:12]) {
	case ngByteOrder:
		r.bo = binary.LittleEndian
	default:
		if binary.BigEndian.Uint32(r.hdr[8:12]) != ngByteOrder {
			return r.errf(start, ErrCorrupt, "bad section header byte-order magic %#x", r.hdr[8:12])
		}
		r.bo = binary.BigEndian
	}
	blen := r.bo.Uint32(r.hdr[4:8])
	if blen < 28 || blen%4 != 0 || blen > maxRecord {
		return r.errf(start, ErrCorrupt, "bad section header block length %d", blen)
	}
	rest := r.grow(int(blen) - 12)
	n, err := io.ReadFull(r.br, rest)
	r.off += int64(n)
	if err != nil {
		return r.errf(start, ErrTruncated, "truncated section header block (want %d bytes, have %d)", blen, n+12)
	}
	if major := r.bo.Uint16(rest[0:2]); major != 1 {
		return r.errf(start, ErrCorrupt, "unsupported pcapng major version %d", major)
	}
	if r.bo.Uint32(rest[len(rest)-4:]) != blen {
		return r.errf(start, ErrCorrupt, "section header length %d does not match its trailer", blen)
	}
	r.ifs = r.ifs[:0] // interface ids are per section
	return nil
}

func (r *Reader) readIDB(start int64, body []byte) error {
	if len(body) < 8 {
		return r.errf(start, ErrCorrupt, "interface description block too short")
	}
	ifc := iface{
		linkType: uint32(r.bo.Uint16(body[0:2])),
		snapLen:  r.bo.Uint32(body[4:8]),
		units:    1e6,
	}
	opts := body[8:]
	for len(opts) >= 4 {
		code := r.bo.Uint16(opts[0:2])
		l := int(r.bo.Uint16(opts[2:4]))
		if code == optEndOfOpt {
			break
		}
		padded := (l + 3) &^ 3
		if 4+padded > len(opts) {
			return r.errf(start, ErrCorrupt, "interface option %d overruns its block", code)
		}
		v := opts[4 : 4+l]
		switch {
		case code == optIfTsresol && l == 1:
			e := v[0] & 0x7f
			if v[0]&0x80 != 0 {
				if e > 63 {
					return r.errf(start, ErrCorrupt, "bad if_tsresol %#x", v[0])
				}
				ifc.units = 1 << e
			} else {
				if e > 19 {
					return r.errf(start, ErrCorrupt, "bad if_tsresol %#x", v[0])
				}
				ifc.units = 1
				for range e {
					ifc.units *= 10
				}
			}
		case code == optIfTsoffset && l == 8:
			ifc.offset = int64(r.bo.Uint64(v))
		}
		opts = opts[4+padded:]
	}
	if len(r.ifs) >= 1<<16 {
		return r.errf(start, ErrCorrupt, "too many interfaces")
	}
	r.ifs = append(r.ifs, ifc)
	return nil
}
