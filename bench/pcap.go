package bench

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// LinkEthernet is the pcap link type of Ethernet II frames (LINKTYPE_ETHERNET).
const LinkEthernet = 1

// Magic numbers of the two capture formats this file reads.
const (
	pcapMagicMicro = 0xa1b2c3d4
	pcapMagicNano  = 0xa1b23c4d
	pcapngSHB      = 0x0a0d0d0a
	pcapngBOM      = 0x1a2b3c4d
)

// pcapng block types this reader understands; others are skipped.
const (
	blockIDB = 0x00000001
	blockOPB = 0x00000002 // obsolete packet block, still written by old tools
	blockSPB = 0x00000003
	blockEPB = 0x00000006
)

// maxRecord bounds one packet record so that a corrupt length cannot make the
// reader allocate gigabytes.
const maxRecord = 1 << 24

// Record is one packet read from a capture file. Data is valid until the next
// call to Next.
type Record struct {
	TS       int64 // nanoseconds since the Unix epoch
	LinkType uint16
	OrigLen  uint32
	Data     []byte
}

// CaptureReader reads packets from a classic pcap (micro- or nanosecond, either
// byte order) or a pcapng file. It is not safe for concurrent use.
type CaptureReader struct {
	r   *bufio.Reader
	ng  bool
	bo  binary.ByteOrder
	buf []byte
	rec Record

	// classic pcap
	link uint16
	nano bool

	// pcapng: per-interface link type and timestamp unit (nanoseconds per tick,
	// or a negative shift for binary resolutions)
	ifaces []ngIface
}

type ngIface struct {
	link uint16
	// tsNum/tsDen convert ticks to nanoseconds: ns = ticks*tsNum/tsDen.
	tsNum, tsDen uint64
}

// NewCaptureReader reads the file header from r and returns a reader
// positioned at the first packet.
func NewCaptureReader(r io.Reader) (*CaptureReader, error) {
	cr := &CaptureReader{r: bufio.NewReaderSize(r, 1<<16)}
	var hdr [4]byte
	if _, err := io.ReadFull(cr.r, hdr[:]); err != nil {
		return nil, fmt.Errorf("read capture magic: %w", err)
	}
	switch {
	case binary.LittleEndian.Uint32(hdr[:]) == pcapngSHB:
		cr.ng = true
		var l [4]byte
		if _, err := io.ReadFull(cr.r, l[:]); err != nil {
			return nil, fmt.Errorf("read pcapng section header: %w", err)
		}
		if err := cr.readSHB(l); err != nil {
			return nil, err
		}
		return cr, nil
	case binary.LittleEndian.Uint32(hdr[:]) == pcapMagicMicro:
		cr.bo = binary.LittleEndian
	case binary.BigEndian.Uint32(hdr[:]) == pcapMagicMicro:
		cr.bo = binary.BigEndian
	case binary.LittleEndian.Uint32(hdr[:]) == pcapMagicNano:
		cr.bo, cr.nano = binary.LittleEndian, true
	case binary.BigEndian.Uint32(hdr[:]) == pcapMagicNano:
		cr.bo, cr.nano = binary.BigEndian, true
	default:
		return nil, fmt.Errorf("not a pcap or pcapng file: magic %x", hdr)
	}
	var rest [20]byte
	if _, err := io.ReadFull(cr.r, rest[:]); err != nil {
		return nil, fmt.Errorf("read pcap header: %w", err)
	}
	cr.link = uint16(cr.bo.Uint32(rest[16:20]))
	return cr, nil
}

// readSHB reads the rest of a section header block whose type and length
// (in a byte order not yet known) were already consumed, and resets the
// interface list: interfaces are per section, and so is the byte order.
func (cr *CaptureReader) readSHB(length [4]byte) error {
	var bom [4]byte
	if _, err := io.ReadFull(cr.r, bom[:]); err != nil {
		return fmt.Errorf("read pcapng section header: %w", err)
	}
	switch {
	case binary.LittleEndian.Uint32(bom[:]) == pcapngBOM:
		cr.bo = binary.LittleEndian
	case binary.BigEndian.Uint32(bom[:]) == pcapngBOM:
		cr.bo = binary.BigEndian
	default:
		return fmt.Errorf("pcapng section header: bad byte-order magic %x", bom)
	}
	total := cr.bo.Uint32(length[:])
	if total < 28 || total > maxRecord || total%4 != 0 {
		return fmt.Errorf("pcapng section header: bad length %d", total)
	}
	if _, err := cr.r.Discard(int(total) - 12); err != nil {
		return fmt.Errorf("read pcapng section header: %w", err)
	}
	cr.ifaces = cr.ifaces[:0]
	return nil
}

// Next returns the next packet. It returns io.EOF at a clean end of file and
// an error wrapping io.ErrUnexpectedEOF when the file is cut short inside a
// record (common in published captures: the caller may keep what it read).
func (cr *CaptureReader) Next() (*Record, error) {
	if cr.ng {
		return cr.nextNG()
	}
	var h [16]byte
	if _, err := io.ReadFull(cr.r, h[:]); err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("read pcap record header: %w", io.ErrUnexpectedEOF)
	}
	sec, frac := int64(cr.bo.Uint32(h[0:4])), int64(cr.bo.Uint32(h[4:8]))
	incl, orig := cr.bo.Uint32(h[8:12]), cr.bo.Uint32(h[12:16])
	if incl > maxRecord {
		return nil, fmt.Errorf("pcap record: captured length %d too large", incl)
	}
	if err := cr.fill(int(incl)); err != nil {
		return nil, fmt.Errorf("read pcap record: %w", err)
	}
	if !cr.nano {
		frac *= 1000
	}
	cr.rec = Record{TS: sec*1e9 + frac, LinkType: cr.link, OrigLen: orig, Data: cr.buf[:incl]}
	return &cr.rec, nil
}

func (cr *CaptureReader) fill(n int) error {
	if cap(cr.buf) < n {
		cr.buf = make([]byte, n)
	}
	if _, err := io.ReadFull(cr.r, cr.buf[:n]); err != nil {
		return io.ErrUnexpectedEOF
	}
	return nil
}

func (cr *CaptureReader) nextNG() (*Record, error) {
	for {
		var h [8]byte
		if _, err := io.ReadFull(cr.r, h[:]); err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("read pcapng block header: %w", io.ErrUnexpectedEOF)
		}
		if binary.LittleEndian.Uint32(h[:4]) == pcapngSHB { // a new section
			if err := cr.readSHB([4]byte(h[4:8])); err != nil {
				return nil, err
			}
			continue
		}
		typ, total := cr.bo.Uint32(h[:4]), cr.bo.Uint32(h[4:8])
		if total < 12 || total > maxRecord || total%4 != 0 {
			return nil, fmt.Errorf("pcapng block type %#x: bad length %d", typ, total)
		}
		body := int(total) - 12 // without type, length and trailing length
		if err := cr.fill(body + 4); err != nil {
			return nil, fmt.Errorf("read pcapng block: %w", err)
		}
		b := cr.buf[:body]
		switch typ {
		case blockIDB:
			if err := cr.addIface(b); err != nil {
				return nil, err
			}
		case blockEPB, blockOPB:
			if len(b) < 20 {
				return nil, fmt.Errorf("pcapng packet block: body of %d bytes too short", len(b))
			}
			var id uint32
			if typ == blockEPB {
				id = cr.bo.Uint32(b[0:4])
			} else {
				id = uint32(cr.bo.Uint16(b[0:2]))
			}
			if int(id) >= len(cr.ifaces) {
				return nil, fmt.Errorf("pcapng packet block: interface %d not described", id)
			}
			ifc := cr.ifaces[id]
			ticks := uint64(cr.bo.Uint32(b[4:8]))<<32 | uint64(cr.bo.Uint32(b[8:12]))
			incl, orig := cr.bo.Uint32(b[12:16]), cr.bo.Uint32(b[16:20])
			if int(incl) > len(b)-20 {
				return nil, fmt.Errorf("pcapng packet block: captured length %d exceeds block", incl)
			}
			cr.rec = Record{TS: ticksToNanos(ticks, ifc), LinkType: ifc.link, OrigLen: orig, Data: b[20 : 20+incl]}
			return &cr.rec, nil
		case blockSPB:
			// No timestamp and no captured length: Suricata's libpcap reads
			// them, but they are absent from the bench captures. Skip.
		}
	}
}

func ticksToNanos(ticks uint64, ifc ngIface) int64 {
	if ifc.tsDen == 0 {
		return int64(ticks)
	}
	hi, lo := ticks/ifc.tsDen, ticks%ifc.tsDen
	return int64(hi*ifc.tsNum + lo*ifc.tsNum/ifc.tsDen)
}

// addIface parses an interface description block body: link type and the
// if_tsresol option (code 9), default microseconds.
func (cr *CaptureReader) addIface(b []byte) error {
	if len(b) < 8 {
		return errors.New("pcapng interface block too short")
	}
	ifc := ngIface{link: cr.bo.Uint16(b[0:2]), tsNum: 1000, tsDen: 1}
	opts := b[8:]
	for len(opts) >= 4 {
		code, l := cr.bo.Uint16(opts[0:2]), int(cr.bo.Uint16(opts[2:4]))
		if code == 0 || 4+l > len(opts) {
			break
		}
		if code == 9 && l >= 1 {
			v := opts[4]
			exp := uint(v & 0x7f)
			if v&0x80 == 0 { // 10^-exp seconds per tick
				if exp > 18 {
					return fmt.Errorf("pcapng if_tsresol 10^-%d out of range", exp)
				}
				p := uint64(math.Pow10(int(exp)))
				if exp <= 9 {
					ifc.tsNum, ifc.tsDen = 1e9/p, 1
				} else {
					ifc.tsNum, ifc.tsDen = 1, p/1e9
				}
			} else { // 2^-exp seconds per tick
				if exp > 63 {
					return fmt.Errorf("pcapng if_tsresol 2^-%d out of range", exp)
				}
				ifc.tsNum, ifc.tsDen = 1e9, 1<<exp
			}
		}
		opts = opts[4+(l+3)&^3:]
	}
	cr.ifaces = append(cr.ifaces, ifc)
	return nil
}

// PcapWriter writes a classic little-endian microsecond pcap, the format both
// engines read through the most code paths (libpcap for Suricata).
type PcapWriter struct {
	w   *bufio.Writer
	n   int64 // bytes written, header included
	hdr [16]byte
}

// PcapHeaderLen and PcapRecordHeaderLen are the sizes of the file header and of
// each packet record header.
const (
	PcapHeaderLen       = 24
	PcapRecordHeaderLen = 16
)

// NewPcapWriter writes the file header for link type link and snap length snap.
func NewPcapWriter(w io.Writer, link uint16, snap uint32) (*PcapWriter, error) {
	pw := &PcapWriter{w: bufio.NewWriterSize(w, 1<<20)}
	var h [PcapHeaderLen]byte
	binary.LittleEndian.PutUint32(h[0:4], pcapMagicMicro)
	binary.LittleEndian.PutUint16(h[4:6], 2)
	binary.LittleEndian.PutUint16(h[6:8], 4)
	binary.LittleEndian.PutUint32(h[16:20], snap)
	binary.LittleEndian.PutUint32(h[20:24], uint32(link))
	if _, err := pw.w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("write pcap header: %w", err)
	}
	pw.n = PcapHeaderLen
	return pw, nil
}

// Write appends one packet with timestamp ts (nanoseconds, truncated to
// microseconds).
func (pw *PcapWriter) Write(ts int64, origLen uint32, data []byte) error {
	us := ts / 1000
	binary.LittleEndian.PutUint32(pw.hdr[0:4], uint32(us/1e6))
	binary.LittleEndian.PutUint32(pw.hdr[4:8], uint32(us%1e6))
	binary.LittleEndian.PutUint32(pw.hdr[8:12], uint32(len(data)))
	binary.LittleEndian.PutUint32(pw.hdr[12:16], origLen)
	if _, err := pw.w.Write(pw.hdr[:]); err != nil {
		return fmt.Errorf("write pcap record: %w", err)
	}
	if _, err := pw.w.Write(data); err != nil {
		return fmt.Errorf("write pcap record: %w", err)
	}
	pw.n += int64(PcapRecordHeaderLen + len(data))
	return nil
}

// Size returns the number of bytes written so far, file header included.
func (pw *PcapWriter) Size() int64 { return pw.n }

// Flush writes buffered data to the underlying writer.
func (pw *PcapWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("flush pcap: %w", err)
	}
	return nil
}
