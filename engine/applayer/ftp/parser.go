package ftp

import (
	"bytes"

	"vigil/engine/applayer"
)

// lineReader splits one direction's stream into lines of at most MaxLine
// bytes.
type lineReader struct {
	buf  []byte // the start of a line not ended yet (< MaxLine bytes)
	skip bool   // discarding the rest of a truncated line
}

// Parser parses the control channel of one FTP flow.
type Parser struct {
	txs  applayer.TxQueue[*Tx]
	next uint64
	dirs [2]lineReader
	// multi holds the code of the multi-line reply in progress ("211-").
	multi     [3]byte
	inMulti   bool
	authAsked bool // the last request was AUTH TLS/SSL
	stopped   bool
	state     applayer.State
	// dynPort is the data port the last PORT/EPRT/PASV/EPSV negotiated;
	// expect the data connection a RETR/STOR then announced, until
	// TakeExpectation.
	dynPort uint16
	expect  Expectation
	expects bool
	// Truncated counts lines cut at MaxLine.
	Truncated int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// State reports StateEncrypted once AUTH TLS was accepted and StateGap
// after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with ID below `below`.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }

// Gap stops the parser: request and reply lines can no longer be paired.
func (p *Parser) Gap(_ applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.stop()
	p.state |= applayer.StateGap
}

func (p *Parser) stop() {
	p.stopped = true
	p.dirs[0].buf, p.dirs[1].buf = nil, nil
}

// Parse handles the next in-order bytes of direction dir: requests to the
// server, replies to the client, one line at a time.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	r := &p.dirs[dir&1]
	for len(data) > 0 && !p.stopped {
		nl := bytes.IndexByte(data, '\n')
		if r.skip {
			if nl < 0 {
				return
			}
			r.skip = false
			data = data[nl+1:]
			continue
		}
		if nl < 0 {
			room := MaxLine - len(r.buf)
			if len(data) < room {
				r.buf = append(r.buf, data...)
				return
			}
			// No end of line within MaxLine: the line is cut here and
			// its rest discarded.
			r.buf = append(r.buf, data[:room]...)
			r.skip = true
			p.line(dir, r.buf, true)
			r.buf = r.buf[:0]
			return
		}
		line, trunc := data[:nl], false
		if len(r.buf) > 0 {
			room := MaxLine - len(r.buf)
			r.buf = append(r.buf, line[:min(len(line), room)]...)
			line, trunc = r.buf, len(line) >= room
		} else if len(line) >= MaxLine {
			line, trunc = line[:MaxLine], true
		}
		data = data[nl+1:]
		p.line(dir, line, trunc)
		r.buf = r.buf[:0]
	}
}

// line handles one line without its LF; line is only valid during the
// call.
func (p *Parser) line(dir applayer.Direction, line []byte, trunc bool) {
	if trunc {
		p.Truncated++
	}
	if len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if dir == applayer.ToServer {
		p.request(line, trunc)
	} else {
		p.reply(line, trunc)
	}
}

var (
	authTLS = []byte("AUTH TLS")
	authSSL = []byte("AUTH SSL")
)

// request makes a transaction of a request line naming a known command.
func (p *Parser) request(line []byte, trunc bool) {
	line = trimRight(line)
	p.authAsked = len(line) >= len(authTLS) &&
		(bytes.EqualFold(line[:len(authTLS)], authTLS) || bytes.EqualFold(line[:len(authSSL)], authSSL))
	cmd := lookupCommand(line)
	if cmd == CmdUnknown {
		return
	}
	t := &Tx{id: p.next, Command: cmd, Request: append([]byte(nil), line...), RequestTruncated: trunc}
	p.next++
	if cmd == CmdPORT {
		t.bounce, t.hasBounce = bounceAddr(t.Request)
	}
	if (cmd == CmdRETR || cmd == CmdSTOR) && p.dynPort != 0 {
		// As Suricata: the transfer command files the expectation of
		// its data connection on the negotiated port, named by the
		// command's argument.
		var arg []byte
		if n := len(commandBytes[cmd-1]) + 1; len(t.Request) > n {
			arg = t.Request[n:]
		}
		p.expect = Expectation{Port: p.dynPort, Command: cmd, FileName: arg}
		p.expects = true
	}
	p.txs.Push(t, MaxTx)
}

// negotiated notes a data port: the data connection is expected from
// now on, without a command until a RETR or STOR names one (Suricata 8
// makes every announced data connection ftp-data).
func (p *Parser) negotiated(port uint16) {
	p.dynPort = port
	p.expect = Expectation{Port: port}
	p.expects = true
}

// Expectation is a data connection the control channel announced: a
// negotiated data port, then a RETR or STOR on it.
type Expectation struct {
	Port    uint16
	Command Command // CmdRETR, CmdSTOR or CmdUnknown (none yet)
	// FileName is the command's argument, owned by the transaction.
	FileName []byte
}

// TakeExpectation returns the data connection announced since the last
// call, if any.
func (p *Parser) TakeExpectation() (Expectation, bool) {
	if !p.expects {
		return Expectation{}, false
	}
	p.expects = false
	return p.expect, true
}

// replyTx returns the transaction a reply line belongs to: the oldest one
// still waiting for its reply, else the newest one, else a new one
// without a command (the greeting).
func (p *Parser) replyTx() *Tx {
	all := p.txs.All()
	for _, t := range all {
		if !t.Done {
			return t
		}
	}
	if len(all) > 0 {
		return all[len(all)-1]
	}
	t := &Tx{id: p.next}
	p.next++
	p.txs.Push(t, MaxTx)
	return t
}

// reply adds a reply line (without its end of line) to its transaction.
func (p *Parser) reply(raw []byte, trunc bool) {
	t := p.replyTx()
	line := trimRight(raw)
	final := false
	switch {
	case p.inMulti:
		// Lines up to "code SP ..." (or the bare code) belong to the
		// multi-line reply (RFC 959 section 4.2).
		if len(line) >= 3 && bytes.Equal(line[:3], p.multi[:]) && (len(line) == 3 || line[3] == ' ') {
			p.inMulti = false
			final = !isPreliminary(raw)
		}
	case len(line) >= 4 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2]) && line[3] == '-':
		p.inMulti = true
		copy(p.multi[:], line[:3])
	default:
		final = !isPreliminary(raw)
	}
	if len(t.Replies) == 0 && t.ReplyDropped == 0 {
		// The server answered the client's PORT/EPRT: the data port is
		// the client's, whatever the reply says, as Suricata takes it.
		var port uint16
		switch t.Command {
		case CmdPORT:
			port = activePort(t.Request)
		case CmdEPRT:
			port = extActivePort(t.Request)
		}
		if port != 0 {
			t.DynPort, t.Active = port, true
			p.negotiated(port)
		}
	}
	switch t.Command {
	case CmdPASV:
		if port := passivePort(line); port != 0 {
			t.DynPort, t.Active = port, false
			p.negotiated(port)
		}
	case CmdEPSV:
		if port := extPassivePort(line); port != 0 {
			t.DynPort, t.Active = port, false
			p.negotiated(port)
		}
	}
	if len(line) > 0 {
		if len(t.Replies) < MaxReplies && t.replyBytes+len(line) <= MaxReplyBytes {
			kept := append([]byte(nil), line...)
			code, text := parseReply(kept)
			t.Replies = append(t.Replies, Reply{Code: code, Text: text, Truncated: trunc})
			t.replyBytes += len(line)
		} else {
			t.ReplyDropped++
		}
	}
	if final {
		t.Done = true
		if p.authAsked && bytes.HasPrefix(line, []byte("234")) {
			// AUTH TLS accepted: TLS follows on this connection.
			p.state |= applayer.StateEncrypted
			p.stop()
		}
	}
}
