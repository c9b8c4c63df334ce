package output

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// pcap-log: packets archived as pcap files, Suricata's pcap-log output.
//
// Workers add packets to their batches with Batch.AddPacket (through
// Emitter.Packet); a Stage named "pcap-log" hands them to a PcapLog, which
// writes them to LOGDIR/<filename>.<unix seconds>[.<n>] files in the
// nanosecond pcap format and rotates a file when it reaches Limit bytes,
// keeping at most MaxFiles. The stage is bounded like every other: a full
// queue drops packets and counts them (records_dropped), it never stalls a
// worker.

// packetHdr is the size of a packet's header in a batch: link type, then
// the pcap record header (seconds, nanoseconds, captured and original
// length), all little-endian.
const packetHdr = 4 + 16

// pcapMagicNs is the pcap file magic of nanosecond timestamps.
const pcapMagicNs = 0xa1b23c4d

// AddPacket copies one captured frame into the batch as a pcap-log record:
// link type, time (Unix ns), original length and the captured bytes.
func (b *Batch) AddPacket(key Key, link uint32, tsNs int64, origLen uint32, data []byte) {
	off := len(b.buf)
	var h [packetHdr]byte
	binary.LittleEndian.PutUint32(h[0:], link)
	binary.LittleEndian.PutUint32(h[4:], uint32(tsNs/1e9))
	binary.LittleEndian.PutUint32(h[8:], uint32(tsNs%1e9))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(data)))
	binary.LittleEndian.PutUint32(h[16:], max(origLen, uint32(len(data))))
	b.buf = append(b.buf, h[:]...)
	b.buf = append(b.buf, data...)
	b.ents = append(b.ents, entry{key: key, off: off, end: len(b.buf)})
}

// PcapLogOptions configures a PcapLog.
type PcapLogOptions struct {
	// Dir is the directory of the files; Filename their base name
	// (default "log.pcap"): files are Filename.<unix seconds of the first
	// packet>, with .<n> appended when that name exists.
	Dir, Filename string
	// Limit is the size in bytes at which a file is closed and the next
	// one started (0: never).
	Limit int64
	// MaxFiles is how many files are kept: the oldest is removed when a
	// new one would exceed it (0: all).
	MaxFiles int
	// SnapLen is written to each file's header (default 262144).
	SnapLen uint32
}

// PcapLog is the pcap-log sink: the io.Writer of a pcap-log Stage. It
// takes whole records as Batch.AddPacket encodes them. It is used by the
// stage's goroutine only; Reopen and Files are safe for concurrent use
// through the stage's own ordering (Reopen takes effect at the next write).
type PcapLog struct {
	opt   PcapLogOptions
	f     *os.File
	w     *bufio.Writer
	link  uint32
	size  int64
	files []string
	// reopen asks for a new file at the next packet (SIGHUP).
	reopen chan struct{}
}

// OpenPcapLog returns a pcap-log sink; its first file is created at the
// first packet.
func OpenPcapLog(opt PcapLogOptions) (*PcapLog, error) {
	if opt.Filename == "" {
		opt.Filename = "log.pcap"
	}
	if opt.SnapLen == 0 {
		opt.SnapLen = 262144
	}
	if strings.ContainsRune(opt.Filename, '%') {
		return nil, fmt.Errorf("pcap-log: filename %q: %% patterns are not supported", opt.Filename)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("pcap-log: %w", err)
	}
	return &PcapLog{opt: opt, reopen: make(chan struct{}, 1)}, nil
}

// Reopen closes the current file; the next packet starts a new one.
func (l *PcapLog) Reopen() {
	select {
	case l.reopen <- struct{}{}:
	default:
	}
}

// Files returns the files written so far and still kept, oldest first.
// Call it after the stage closed.
func (l *PcapLog) Files() []string { return l.files }

// Write takes records encoded by Batch.AddPacket, whole.
func (l *PcapLog) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		if len(p) < packetHdr {
			return n, errors.New("pcap-log: truncated packet record")
		}
		link := binary.LittleEndian.Uint32(p)
		caplen := int(binary.LittleEndian.Uint32(p[12:]))
		if len(p) < packetHdr+caplen {
			return n, errors.New("pcap-log: truncated packet record")
		}
		rec := p[4 : packetHdr+caplen]
		select {
		case <-l.reopen:
			if err := l.closeFile(); err != nil {
				return n, err
			}
		default:
		}
		if l.f != nil && (link != l.link || (l.opt.Limit > 0 && l.size > 16 && l.size+int64(len(rec)) > l.opt.Limit)) {
			if err := l.closeFile(); err != nil {
				return n, err
			}
		}
		if l.f == nil {
			sec := int64(binary.LittleEndian.Uint32(rec))
			if err := l.open(link, sec); err != nil {
				return n, err
			}
		}
		if _, err := l.w.Write(rec); err != nil {
			return n, fmt.Errorf("pcap-log: %w", err)
		}
		l.size += int64(len(rec))
		n += packetHdr + caplen
		p = p[packetHdr+caplen:]
	}
	return n, nil
}

// open starts a file for packets of link type link, named after sec.
func (l *PcapLog) open(link uint32, sec int64) error {
	if sec == 0 {
		sec = time.Now().Unix()
	}
	base := filepath.Join(l.opt.Dir, l.opt.Filename+"."+strconv.FormatInt(sec, 10))
	path := base
	for i := 1; ; i++ {
		if _, err := os.Lstat(path); errors.Is(err, os.ErrNotExist) {
			break
		}
		path = base + "." + strconv.Itoa(i)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("pcap-log: %w", err)
	}
	l.f, l.w, l.link = f, bufio.NewWriterSize(f, 256<<10), link
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], pcapMagicNs)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], l.opt.SnapLen)
	binary.LittleEndian.PutUint32(h[20:], link)
	l.w.Write(h[:])
	l.size = int64(len(h))
	l.files = append(l.files, path)
	if l.opt.MaxFiles > 0 && len(l.files) > l.opt.MaxFiles {
		old := l.files[0]
		l.files = l.files[1:]
		if err := os.Remove(old); err != nil {
			return fmt.Errorf("pcap-log: rotating: %w", err)
		}
	}
	return nil
}

func (l *PcapLog) closeFile() error {
	if l.f == nil {
		return nil
	}
	err := l.w.Flush()
	err = errors.Join(err, l.f.Close())
	l.f, l.w = nil, nil
	if err != nil {
		return fmt.Errorf("pcap-log: %w", err)
	}
	return nil
}

// Flush writes buffered packets to the current file.
func (l *PcapLog) Flush() error {
	if l.w == nil {
		return nil
	}
	if err := l.w.Flush(); err != nil {
		return fmt.Errorf("pcap-log: %w", err)
	}
	return nil
}

// Close flushes and closes the current file.
func (l *PcapLog) Close() error { return l.closeFile() }
