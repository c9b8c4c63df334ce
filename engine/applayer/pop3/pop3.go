package pop3

import (
	"bytes"
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxTx caps live transactions per flow (Suricata's pop3 max-tx
	// default); the oldest are dropped first.
	MaxTx = 256
	// MaxLine bounds a command or status line kept while it arrives;
	// a longer one stops the direction.
	MaxLine = 64 << 10
	// MaxData bounds the bytes of multi-line reply lines kept per
	// transaction; further lines are passed over.
	MaxData = 64 << 10
	// Suricata's (sawp-pop3's) line length limits, CRLF included.
	maxCommandLine = 256
	maxStatusLine  = 512
)

// Events, bits of the POP3Events buffer; the names are Suricata's
// (pop3.<name>, detect/bufid/event.go).
const (
	EventTooManyTransactions uint32 = 1 << iota
	EventRequestTooLong
	EventIncorrectArgumentCount
	EventUnknownCommand
	EventResponseTooLong
)

// Command is a client command: its keyword as sent and its arguments.
type Command struct {
	Keyword []byte
	Args    [][]byte
}

// Response is a server reply.
type Response struct {
	OK     bool
	Header []byte
	Data   [][]byte
}

// Tx is one command and its reply, or a reply without a command.
type Tx struct {
	id       uint64
	Request  *Command
	Response *Response
	complete bool
	dataLen  int
	events   [4]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoPOP3.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoPOP3 }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete: the request side once there is a command (or the
// transaction is done), the response side once the reply arrived.
func (t *Tx) Complete(dir applayer.Direction) bool {
	if dir == applayer.ToServer {
		return t.Request != nil || t.complete
	}
	return t.Response != nil || t.complete
}

// Buffer returns the first instance of buffer b.
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the events (POP3Events).
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if b == bufid.POP3Events && i == 0 {
		return t.events[:], t.Events() != 0
	}
	return nil, false
}

// Events returns the event bits raised on t.
func (t *Tx) Events() uint32 { return binary.LittleEndian.Uint32(t.events[:]) }

func (t *Tx) event(e uint32) { binary.LittleEndian.PutUint32(t.events[:], t.Events()|e) }

// reply is the state of a multi-line reply being read.
type reply uint8

const (
	replyNone  reply = iota
	replyLines       // lines kept as data
	replySkip        // lines passed over (RETR)
)

// Parser parses the POP3 commands and replies of one flow.
type Parser struct {
	txs       applayer.TxQueue[*Tx]
	next      uint64
	buf       [2][]byte
	err       [2]bool
	multi     reply
	multiTx   *Tx
	authBlob  bool // the next client line is SASL data
	state     applayer.State
	encrypted bool
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

func (p *Parser) newTx() *Tx {
	t := &Tx{id: p.next}
	p.next++
	if p.txs.Len() >= MaxTx {
		t.event(EventTooManyTransactions)
	}
	p.txs.Push(t, MaxTx)
	return t
}

// waiting returns the oldest transaction without a reply, or nil.
func (p *Parser) waiting() *Tx {
	for _, t := range p.txs.All() {
		if t.Response == nil && !t.complete {
			return t
		}
	}
	return nil
}

// Parse handles the next in-order bytes of direction dir, line by line.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	d := dir & 1
	if p.err[d] || p.encrypted {
		return
	}
	p.buf[d] = append(p.buf[d], data...)
	b := p.buf[d]
	for len(b) > 0 && !p.err[d] && !p.encrypted {
		i := bytes.Index(b, []byte("\r\n"))
		if i < 0 {
			if len(b) > MaxLine {
				if dir == applayer.ToClient && p.multi != replyNone {
					// An overlong body line: pass over what came.
					b = b[len(b)-1:]
					break
				}
				p.fail(d)
				b = nil
			}
			break
		}
		line := b[:i]
		b = b[i+2:]
		if dir == applayer.ToServer {
			p.request(line)
		} else {
			p.response(line)
		}
	}
	p.buf[d] = append(p.buf[d][:0], b...)
}

func (p *Parser) fail(d applayer.Direction) {
	p.err[d] = true
	p.buf[d] = p.buf[d][:0]
	p.state |= applayer.StateError
}

func isBase64(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '='
}

// request handles one client line.
func (p *Parser) request(line []byte) {
	if p.authBlob {
		p.authBlob = false
		for _, c := range line {
			if !isBase64(c) {
				p.fail(applayer.ToServer)
				return
			}
		}
		t := p.newTx()
		t.Request = &Command{Keyword: []byte(saslData)}
		return
	}
	c, flags, good := parseCommand(line)
	if !good {
		p.fail(applayer.ToServer)
		return
	}
	t := p.newTx()
	t.Request = c
	t.event(flags)
}

// saslData is the command Suricata logs for the client's AUTH data.
const saslData = "<SASL DATA>"

// Argument counts by keyword: minimum and maximum.
var argCounts = map[string][2]int{
	"STAT": {0, 0}, "NOOP": {0, 0}, "RSET": {0, 0}, "QUIT": {0, 0}, "CAPA": {0, 0}, "STLS": {0, 0},
	"SASL": {1, 1 << 30}, "LIST": {0, 1}, "UIDL": {0, 1},
	"RETR": {1, 1}, "DELE": {1, 1}, "USER": {1, 1}, "PASS": {1, 1},
	"AUTH": {1, 2}, "TOP": {2, 2}, "APOP": {2, 2},
}

// parseCommand splits a command line into keyword and arguments and
// checks it as sawp-pop3 does; false when it is no command at all.
func parseCommand(line []byte) (*Command, uint32, bool) {
	k := bytes.IndexAny(line, " \r")
	if k < 0 {
		k = len(line)
	}
	kw := line[:k]
	if len(kw) == 0 || kw[0] == '+' {
		return nil, 0, false
	}
	rest := line[k:]
	if len(rest) > 0 && rest[0] == ' ' {
		rest = rest[1:]
	}
	var flags uint32
	counts, known := argCounts[string(kw)]
	if !known {
		for _, c := range kw {
			if !isAlnum(c) {
				return nil, 0, false
			}
		}
		flags |= EventUnknownCommand
	}
	c := &Command{Keyword: append([]byte(nil), kw...)}
	for _, a := range bytes.Split(rest, []byte(" ")) {
		if len(a) > 0 {
			c.Args = append(c.Args, append([]byte(nil), a...))
		}
	}
	if known && (len(c.Args) < counts[0] || len(c.Args) > counts[1]) {
		flags |= EventIncorrectArgumentCount
	}
	if len(kw)+1+len(rest)+2 > maxCommandLine {
		flags |= EventRequestTooLong
	}
	return c, flags, true
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// multiline reports whether the reply to c has lines after its status
// line, and whether they are kept: Suricata's set (LIST and UIDL without
// argument, TOP, RETR, whose lines it drops) and CAPA, whose lines
// sawp-pop3 reads when they come with the status line.
func multiline(c *Command) reply {
	if c == nil {
		return replyNone
	}
	switch string(c.Keyword) {
	case "LIST", "UIDL":
		if len(c.Args) == 0 {
			return replyLines
		}
	case "TOP", "CAPA":
		return replyLines
	case "RETR":
		return replySkip
	}
	return replyNone
}

// response handles one server line.
func (p *Parser) response(line []byte) {
	if p.multi != replyNone {
		t := p.multiTx
		if len(line) == 1 && line[0] == '.' {
			p.multi, p.multiTx = replyNone, nil
			t.complete = true
			return
		}
		if p.multi == replyLines && t.dataLen+len(line) <= MaxData {
			if len(line) > 0 && line[0] == '.' {
				line = line[1:] // byte-stuffed
			}
			t.Response.Data = append(t.Response.Data, append([]byte(nil), line...))
			t.dataLen += len(line)
		}
		return
	}
	t := p.waiting()
	if string(line) == "+ " {
		// An empty SASL challenge.
		if t != nil {
			t.Response = &Response{OK: true}
			t.complete = true
			if t.Request != nil && string(t.Request.Keyword) == "AUTH" {
				p.authBlob = true
			}
		}
		return
	}
	k := bytes.IndexAny(line, " \r")
	if k < 0 {
		k = len(line)
	}
	status := line[:k]
	var ok bool
	switch string(status) {
	case "+OK":
		ok = true
	case "-ERR":
	default:
		p.fail(applayer.ToClient)
		return
	}
	header := line[k:]
	if len(header) > 0 && header[0] == ' ' {
		header = header[1:]
	}
	if t == nil {
		t = p.newTx()
	}
	if len(status)+1+len(header)+2 > maxStatusLine {
		t.event(EventResponseTooLong)
	}
	t.Response = &Response{OK: ok, Header: append([]byte(nil), header...)}
	t.complete = true
	if !ok || t.Request == nil {
		return
	}
	if m := multiline(t.Request); m != replyNone {
		p.multi, p.multiTx = m, t
		t.complete = false
	}
	switch string(t.Request.Keyword) {
	case "STLS":
		// The rest is TLS, which Vigil does not take over here.
		p.encrypted = true
		p.state |= applayer.StateEncrypted
	case "AUTH":
		p.authBlob = true
	}
}

// Gap loses data: the direction stops being parsed.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.err[dir&1] = true
	p.buf[dir&1] = nil
	p.state |= applayer.StateGap
}

// State reports StateEncrypted after STLS, StateError after a line that
// is no command or reply, and StateGap after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
