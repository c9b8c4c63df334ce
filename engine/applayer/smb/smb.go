package smb

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/applayer/dcerpc"
)

// Limits.
const (
	MaxTx     = 256     // live transactions per flow; the oldest are dropped
	maxRecord = 1 << 22 // NetBIOS records longer than this are skipped, not buffered
	maxName   = 1024    // bytes kept of a share or file name
)

// Transaction kinds.
const (
	kindTree = iota + 1
	kindCreate
	kindDCERPC
	kindFile    // a file read or written (file.go)
	kindGeneric // any other SMB2 command with a request and a response
	kindRename  // a SET_INFO renaming a file
)

// Tx is one SMB transaction: a tree connect, a create (open), one
// DCERPC call over a named pipe, or one file read or written (File).
type Tx struct {
	id          uint64
	kind        uint8
	key         uint64 // SMB2 message id, or SMB1 pid<<16|mid, to find the response
	Share       []byte // tree connect: the path (UTF-8)
	IsPipe      bool   // tree connect: the response said the share is a pipe
	ShareType   uint8  // tree connect: SMB2 ShareType of the response (0: not seen)
	Name        []byte // create: the file or pipe name (UTF-8)
	Disposition uint32 // create: CreateDisposition
	// RenameFrom and RenameTo are a rename's old and new names (UTF-8).
	RenameFrom, RenameTo []byte
	Directory            bool // create: the request asked for a directory
	// Times are the create response's creation, last access, last
	// write and change times (FILETIME); Size its end of file.
	Times     [4]uint64
	Size      uint64
	DCE       *dcerpc.Tx
	File      *File // file transaction (file.go)
	tree      uint64
	treeKnown bool // create: the request named its tree (tree)
	// Hdr is the SMB header of the message that made the transaction,
	// with the status of its response once seen.
	Hdr Header
	// FileID is the handle a file transaction's data was read or written
	// through (SMB2 FileId, or SMB1 FID).
	FileID   [16]byte
	fidLen   uint8 // bytes of FileID in use: 16 (SMB2) or 2 (SMB1)
	p        *Parser
	reqDone  bool
	respDone bool
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoSMB.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoSMB }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete reports whether the side dir is done.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if t.File != nil {
		// The other direction has nothing of the file.
		return t.File.Closed || dir&1 != t.File.Dir
	}
	if t.DCE != nil {
		return t.DCE.Complete(dir)
	}
	if dir == applayer.ToClient {
		return t.respDone
	}
	return t.reqDone
}

// Buffer returns the first instance of b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns smb.share and smb.named_pipe of a tree connect (the
// share name, split by whether the share is a pipe, as Suricata does:
// until the response says so a share is not a pipe) and the DCERPC
// buffers of a call over a pipe, and the file buffers (file.data,
// file.name, filemd5, filesize) of a file transaction in the direction
// the file travels.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	switch b {
	case bufid.FileData, bufid.FileName, bufid.FileMD5, bufid.FileSize:
		if t.File == nil || i != 0 || dir&1 != t.File.Dir {
			return nil, false
		}
		return t.File.buffer(b)
	case bufid.SMBShare, bufid.SMBNamedPipe:
		if t.kind != kindTree || i != 0 || len(t.Share) == 0 || t.IsPipe != (b == bufid.SMBNamedPipe) {
			return nil, false
		}
		return t.Share, true
	}
	if t.DCE != nil {
		return t.DCE.BufferAt(dir, b, i)
	}
	return nil, false
}

// Header is what a transaction's record tells of the SMB message that
// made it.
type Header struct {
	Version   uint8  // 1 or 2
	Command   uint16 // SMB1 or SMB2 command
	Session   uint64 // SMB2 SessionId, SMB1 UID
	Tree      uint32 // SMB2 TreeId, SMB1 TID
	Status    uint32 // NT status of the response, when HasStatus
	HasStatus bool
}

// Parser parses one SMB flow over TCP (NetBIOS session service framing).
type Parser struct {
	buf   [2][]byte
	skip  [2]int
	txs   []*Tx
	next  uint64
	dce   *dcerpc.State
	state applayer.State

	// File tracking (file.go).
	handles    []*handle
	trees      []tree
	reads      []readReq
	chunkCount int
	chunkBytes int
	keptBytes  int // file.data bytes of live file transactions

	cur     Header // the message being parsed, for the transactions it makes
	dialect uint16 // SMB2 dialect of the NEGOTIATE response, 0 until seen
	cut     bool   // the record being handled was cut by the end of the stream (EOF)
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser {
	p := &Parser{dce: dcerpc.NewState(true)}
	p.dce.NewTx = p.addDCE
	return p
}

func (p *Parser) addDCE(d *dcerpc.Tx) {
	t := p.newTx(kindDCERPC, 0)
	t.DCE = d
	d.SetID(t.id)
}

func (p *Parser) newTx(kind uint8, key uint64) *Tx {
	if len(p.txs) >= MaxTx {
		p.giveUp(p.txs[0].File)
		copy(p.txs, p.txs[1:])
		p.txs[len(p.txs)-1] = nil
		p.txs = p.txs[:len(p.txs)-1]
	}
	t := &Tx{id: p.next, kind: kind, key: key, reqDone: true, Hdr: p.cur, p: p}
	p.next++
	p.txs = append(p.txs, t)
	return t
}

// find returns the open transaction of kind with key, nil if none.
func (p *Parser) find(kind uint8, key uint64) *Tx {
	for i := len(p.txs) - 1; i >= 0; i-- {
		if t := p.txs[i]; t.kind == kind && t.key == key && !t.respDone {
			return t
		}
	}
	return nil
}

// State returns the parser flags.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return len(p.txs) }

// TxAt returns live transaction i (oldest first).
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs[i] }

// Prune drops completed transactions with an id below below.
func (p *Parser) Prune(below uint64) {
	k := 0
	for _, t := range p.txs {
		if t.id < below && t.Complete(applayer.ToServer) && t.Complete(applayer.ToClient) {
			if t.File != nil {
				p.keptBytes -= len(t.File.Data)
			}
			continue
		}
		p.txs[k] = t
		k++
	}
	clear(p.txs[k:])
	p.txs = p.txs[:k]
	p.dce.Prune(below)
}

// Gap drops the partial record of dir; parsing resumes at the next
// data that starts a NetBIOS record with an SMB header.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	d := dir & 1
	p.buf[d] = p.buf[d][:0]
	p.skip[d] = 0
	p.dce.Reset(dir)
	p.gapFiles(dir)
	p.state |= applayer.StateGap
}

// Parse consumes in-order stream bytes of direction dir.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	if p.state&applayer.StateError != 0 {
		return
	}
	d := dir & 1
	if p.state&applayer.StateGap != 0 {
		if applayer.ProbeSMB(data) != applayer.ProbeMatch {
			return
		}
		p.state &^= applayer.StateGap
	}
	for len(data) > 0 {
		if p.skip[d] > 0 {
			n := min(p.skip[d], len(data))
			p.skip[d] -= n
			data = data[n:]
			continue
		}
		if len(p.buf[d]) == 0 && len(data) >= 4 {
			rl := recLen(data)
			if rl > maxRecord {
				p.skip[d] = 4 + rl
				continue
			}
			if len(data) >= 4+rl {
				p.record(dir, data[0], data[4:4+rl])
				data = data[4+rl:]
				continue
			}
		}
		// Buffer (copy) until the record is whole.
		b := p.buf[d]
		if len(b) < 4 {
			n := min(4-len(b), len(data))
			b = append(b, data[:n]...)
			data = data[n:]
			p.buf[d] = b
			if len(b) < 4 {
				return
			}
		}
		rl := recLen(b)
		if rl > maxRecord {
			p.skip[d] = rl - (len(b) - 4)
			p.buf[d] = b[:0]
			continue
		}
		n := min(4+rl-len(b), len(data))
		b = append(b, data[:n]...)
		data = data[n:]
		p.buf[d] = b
		if len(b) == 4+rl {
			p.record(dir, b[0], b[4:])
			p.buf[d] = b[:0]
		}
	}
}

// EOF handles the end of direction dir's stream: a record cut by it (a
// large READ response or WRITE request beyond the reassembly depth) is
// handled with the bytes that arrived, so that its file exists, incomplete,
// as Suricata's file data streaming makes it.
func (p *Parser) EOF(dir applayer.Direction) {
	d := dir & 1
	b := p.buf[d]
	if len(b) <= 4 || p.state&applayer.StateError != 0 {
		return
	}
	p.buf[d] = b[:0]
	p.cut = true
	p.record(dir, b[0], b[4:])
	p.cut = false
}

// fileData returns the n bytes of message m at off, the data of a READ or
// WRITE; in a record cut by the end of the stream (EOF) the bytes present.
func (p *Parser) fileData(m []byte, off, n int) []byte {
	if p.cut && off >= 0 && off <= len(m) && n > len(m)-off {
		n = len(m) - off
	}
	return slice(m, off, n)
}

func recLen(h []byte) int { return int(h[1])<<16 | int(h[2])<<8 | int(h[3]) }

// record handles one NetBIOS record.
func (p *Parser) record(dir applayer.Direction, typ byte, r []byte) {
	if typ != 0 || len(r) < 4 || r[1] != 'S' || r[2] != 'M' || r[3] != 'B' {
		return // session request/response, keep-alive, or not SMB
	}
	switch r[0] {
	case 0xfe:
		p.smb2(dir, r)
	case 0xff:
		p.smb1(dir, r)
	}
}

var le = binary.LittleEndian

// slice returns b[off:off+n] or nil when out of range.
func slice(b []byte, off, n int) []byte {
	if off < 0 || n < 0 || off > len(b) || n > len(b)-off {
		return nil
	}
	return b[off : off+n]
}

// feedDCE hands a pipe payload to the DCERPC state when it carries PDUs.
func (p *Parser) feedDCE(dir applayer.Direction, data []byte) {
	if len(data) > 0 {
		p.dce.FeedPDUs(dir, data)
	}
}

// utf16Name decodes a UTF-16LE name (up to a NUL) to UTF-8.
func utf16Name(b []byte) []byte {
	n := len(b) / 2
	out := make([]byte, 0, min(n, maxName))
	for i := 0; i < n && len(out) < maxName; i++ {
		c := rune(le.Uint16(b[2*i:]))
		if c == 0 {
			break
		}
		if utf16.IsSurrogate(c) && i+1 < n {
			c = utf16.DecodeRune(c, rune(le.Uint16(b[2*i+2:])))
			i++
		}
		out = utf8.AppendRune(out, c)
	}
	return out
}

// asciiName copies a name up to a NUL.
func asciiName(b []byte) []byte {
	for i, c := range b {
		if c == 0 {
			b = b[:i]
			break
		}
	}
	if len(b) > maxName {
		b = b[:maxName]
	}
	return append([]byte(nil), b...)
}
