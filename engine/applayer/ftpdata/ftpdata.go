package ftpdata

import (
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Command is the control command that opened a data connection.
type Command uint8

// Commands, as ftpdata_command's buffer holds them.
const (
	CmdNone Command = iota
	CmdRETR
	CmdSTOR
)

// String returns "RETR", "STOR" or "".
func (c Command) String() string {
	switch c {
	case CmdRETR:
		return "RETR"
	case CmdSTOR:
		return "STOR"
	}
	return ""
}

// DefaultFileLimit caps the file bytes kept for file.data per flow; the
// size keeps counting past it.
const DefaultFileLimit = 1 << 20

// Tx is the one transaction of an ftp-data flow: the transferred file.
type Tx struct {
	Command Command
	// FileName is the control command's argument (copied).
	FileName []byte
	// Data is the file content kept so far (at most DefaultFileLimit
	// bytes); Size counts every byte seen.
	Data []byte
	Size uint64
	// Gaps is set when stream data was lost; Truncated when Data was
	// capped.
	Gaps, Truncated bool
	// dir is the direction the file's bytes flow (set by the first
	// data); hasDir tells whether any came.
	dir    applayer.Direction
	hasDir bool
	// closed is set at the end of the stream (Parser.EOF).
	closed bool
	cmdBuf [1]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoFTPData.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoFTPData }

// ID is always 0: a data connection carries one file.
func (t *Tx) ID() uint64 { return 0 }

// Complete: the file ends with the connection's stream (Parser.EOF), as
// Suricata closes it at end of stream.
func (t *Tx) Complete(applayer.Direction) bool { return t.closed }

// Buffer returns instance 0 of b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

var empty = []byte{}

// BufferAt returns the ftp-data buffers, one instance each:
//   - ftpdata_command: 1 byte, 1 RETR or 2 STOR, in both directions;
//   - file.name, file.data: the file name and content so far, only in
//     the direction the file flows (to_client for a passive download,
//     to_server for an active one).
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.FTPDataCommand:
		if t.Command == CmdNone {
			return nil, false
		}
		t.cmdBuf[0] = byte(t.Command)
		return t.cmdBuf[:], true
	}
	// The file is of the direction its bytes flow, as Suricata keeps a
	// file per direction; a connection no RETR/STOR named has none.
	if !t.hasFile() || dir != t.dir {
		return nil, false
	}
	switch b {
	case bufid.FileName:
		if t.FileName == nil {
			return empty, true
		}
		return t.FileName, true
	case bufid.FileData:
		if t.Data == nil {
			return empty, true
		}
		return t.Data, true
	}
	return nil, false
}

// FillEVE adds Suricata's "ftp_data" object: command and filename.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("ftp_data")
	if len(t.FileName) > 0 {
		o.Bytes("filename", t.FileName)
	}
	if c := t.Command.String(); c != "" {
		o.String("command", c)
	}
	return true
}

// hasFile reports whether the connection carries a file: a RETR or
// STOR named it and its bytes arrived.
func (t *Tx) hasFile() bool { return t.hasDir && t.Command != CmdNone }

// FileCount is 1 once the file's bytes arrived.
func (t *Tx) FileCount() int {
	if t.hasFile() {
		return 1
	}
	return 0
}

// FillFileEVE adds the "fileinfo" object of the transferred file. Logged
// at the connection's end, the file is CLOSED, or TRUNCATED after a gap.
func (t *Tx) FillFileEVE(r *eve.Record, i int) bool {
	if i != 0 || !t.hasFile() {
		return false
	}
	o := r.AddObject("fileinfo")
	o.Bytes("filename", t.FileName)
	o.Bool("gaps", t.Gaps)
	state := "CLOSED"
	if t.Gaps {
		state = "TRUNCATED"
	}
	o.String("state", state)
	o.Bool("stored", false)
	o.Uint("size", t.Size)
	o.Uint("tx_id", 0)
	return true
}

// FileContent returns the file bytes kept; whole is false when some were
// lost or not kept (then no hash is logged).
func (t *Tx) FileContent(i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	return t.Data, !t.Gaps && !t.Truncated
}

// Parser parses one ftp-data flow: every byte is file content.
type Parser struct {
	tx     Tx
	txs    [1]applayer.Tx
	pruned bool
	state  applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns the parser of a data connection opened by command cmd for
// file name (copied).
func New(cmd Command, name []byte) *Parser {
	p := &Parser{}
	p.tx.Command = cmd
	p.tx.FileName = append([]byte(nil), name...)
	p.txs[0] = &p.tx
	return p
}

// Tx returns the flow's transaction.
func (p *Parser) Tx() *Tx { return &p.tx }

// Parse adds data to the file; its direction is the first data's.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	if len(data) == 0 {
		return
	}
	t := &p.tx
	if !t.hasDir {
		t.dir, t.hasDir = dir, true
	}
	if dir != t.dir {
		return // the file flows one way
	}
	t.Size += uint64(len(data))
	if room := DefaultFileLimit - len(t.Data); room > 0 {
		t.Data = append(t.Data, data[:min(room, len(data))]...)
	}
	t.Truncated = t.Truncated || uint64(len(t.Data)) < t.Size
}

// Gap marks the file as having lost n bytes (it still counts them).
func (p *Parser) Gap(dir applayer.Direction, n int) {
	t := &p.tx
	if !t.hasDir {
		t.dir, t.hasDir = dir, true
	}
	if dir == t.dir {
		t.Gaps = true
		t.Size += uint64(n)
		p.state |= applayer.StateGap
	}
}

// EOF ends the file at the end of the stream.
func (p *Parser) EOF(applayer.Direction) { p.tx.closed = true }

// State reports StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount is 1 until the transaction is pruned.
func (p *Parser) TxCount() int {
	if p.pruned {
		return 0
	}
	return 1
}

// TxAt returns the transaction.
func (p *Parser) TxAt(int) applayer.Tx { return p.txs[0] }

// Prune drops the transaction once below passes it.
func (p *Parser) Prune(below uint64) { p.pruned = p.pruned || below > 0 }
