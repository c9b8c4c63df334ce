package smtp

import (
	"bytes"
	"slices"

	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxLine bounds command, reply and MIME header lines (Suricata's
	// SMTP line buffer limit).
	MaxLine = 4096
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// MaxCommands caps the commands waiting for their reply; commands
	// beyond it are not matched with replies.
	MaxCommands = 256
	// MaxRcpt caps the RCPT TO arguments kept per transaction.
	MaxRcpt = 256
	// DefaultFileLimit is the default Config.FileLimit.
	DefaultFileLimit = 1 << 20
	// InspectMinSize is Suricata's SMTP content-inspect-min-size: file.data
	// of an attachment still open is empty until it holds this many bytes
	// (a smaller attachment is inspected once complete).
	InspectMinSize = 32768
)

// Config holds the parser settings.
type Config struct {
	// FileLimit caps the decoded attachment bytes kept per transaction,
	// all files together (DefaultFileLimit when <= 0). Like HTTP's body
	// limit it bounds what file.data inspects.
	FileLimit int
	// MIME holds app-layer.protocols.smtp.mime.
	MIME MIMEConfig
}

// MIMEConfig holds the settings of app-layer.protocols.smtp.mime, as
// Suricata 8 defines them. The zero value is Suricata's shipped
// configuration: base64 and quoted-printable decoded, http:// URLs
// extracted without their scheme, no body MD5.
type MIMEConfig struct {
	// NoBase64 (decode-base64: no) leaves base64 parts undecoded: their
	// files get no data and their URLs are not extracted.
	NoBase64 bool
	// NoQuotedPrintable (decode-quoted-printable: no) does the same for
	// quoted-printable attachments.
	NoQuotedPrintable bool
	// NoURLs (extract-urls: no) turns URL extraction off.
	NoURLs bool
	// URLSchemes are the schemes extracted, each ending in "://"
	// (extract-urls-schemes; nil means http://).
	URLSchemes []string
	// LogURLScheme (log-url-scheme) keeps the scheme in logged URLs.
	LogURLScheme bool
	// BodyMD5 (body-md5: yes) computes the MD5 of the message body,
	// logged as email.body_md5.
	BodyMD5 bool
}

// command is a client command waiting for its reply.
type command uint8

const (
	cmdOther command = iota
	cmdSTARTTLS
	cmdDATA
	cmdDataEnd // the end of the mail data, answered like a command
	cmdBDAT
	cmdRSET
)

// pending is a command waiting for its reply, with the transaction a
// RSET (or a HELO/EHLO, which resets like one) applies to, or the end of
// the mail completes: nil when it has none (the transaction it followed
// was complete already).
type pending struct {
	cmd command
	tx  *Tx
}

// lineReader splits one direction's stream into lines.
type lineReader struct {
	buf  []byte // start of a line not ended yet (< MaxLine bytes)
	skip bool   // discarding the rest of an over-long command or reply line
	mid  bool   // data mode: part of the current line was already handled
}

// Parser parses one SMTP flow.
type Parser struct {
	cfg  Config
	txs  applayer.TxQueue[*Tx]
	next uint64
	// cur is the transaction client lines go to; it may have been
	// pruned or dropped from txs already.
	cur *Tx

	helo     []byte // first HELO/EHLO argument (Suricata keeps the first)
	heloSeen bool

	lines [2]lineReader
	cmds  []pending // commands waiting for replies, oldest first

	data       bool   // in mail data mode (after DATA)
	bdatLeft   uint64 // bytes of the current BDAT chunk still to skip
	bdatLast   bool   // the current chunk is the last one
	pipelining bool   // the server announced PIPELINING
	multi      bool   // inside a multi-line reply
	stopped    bool
	state      applayer.State

	// Counters, for tests and stats.
	Dropped        int // over-long command and reply lines dropped
	InvalidReplies int // reply lines without a reply code
	Unmatched      int // replies with no command waiting
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New(cfg Config) *Parser {
	if cfg.FileLimit <= 0 {
		cfg.FileLimit = DefaultFileLimit
	}
	return &Parser{cfg: cfg}
}

// State reports StateEncrypted once STARTTLS was accepted and StateGap
// after a gap.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }

// Gap stops the parser: commands, replies and mail data can no longer be
// told apart.
func (p *Parser) Gap(_ applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	p.stop()
	p.state |= applayer.StateGap
}

func (p *Parser) stop() {
	p.stopped = true
	p.lines[0].buf, p.lines[1].buf = nil, nil
	p.cmds = nil
}

// Parse handles the next in-order bytes of direction dir: commands and
// mail data to the server, replies to the client.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	if dir == applayer.ToClient {
		p.parseReplies(data)
		return
	}
	r := &p.lines[0]
	for len(data) > 0 && !p.stopped {
		if p.bdatLeft > 0 {
			n := uint64(len(data))
			if n > p.bdatLeft {
				n = p.bdatLeft
			}
			data = data[n:]
			if p.bdatLeft -= n; p.bdatLeft == 0 {
				p.endBDAT()
			}
			continue
		}
		nl := bytes.IndexByte(data, '\n')
		if r.skip {
			if nl < 0 {
				return
			}
			r.skip = false
			data = data[nl+1:]
			continue
		}
		end := nl
		if end < 0 {
			end = len(data)
		}
		if room := MaxLine - len(r.buf); end >= room {
			// No end of line within MaxLine: mail data is handled
			// piecewise, a command line is dropped.
			seg := append(r.buf, data[:room]...)
			data = data[room:]
			r.buf = seg[:0]
			if p.data {
				p.dataSegment(seg, !r.mid, false)
				r.mid = true
			} else {
				// As Suricata: the command is its first MaxLine bytes
				// (a CR among them kept), the rest up to the end of
				// the line is discarded, and TRUNCATED_LINE raised.
				p.Dropped++
				r.skip = true
				p.command(seg)
				p.cur.raise(EventTruncatedLine)
			}
			continue
		}
		if nl < 0 {
			r.buf = append(r.buf, data...)
			return
		}
		// line may be the caller's bytes: r.buf keeps its own array
		// (reusing line's would let the next partial line overwrite
		// the caller's input).
		line := data[:nl]
		if len(r.buf) > 0 {
			line = append(r.buf, line...)
			r.buf = line[:0]
		}
		data = data[nl+1:]
		if p.data {
			p.dataSegment(line, !r.mid, true)
		} else {
			p.command(trimCR(line))
		}
		r.mid = false
	}
}

// parseReplies splits the server's bytes into reply lines.
func (p *Parser) parseReplies(data []byte) {
	r := &p.lines[1]
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
		end := nl
		if end < 0 {
			end = len(data)
		}
		if room := MaxLine - len(r.buf); end >= room {
			// Like a command line: the reply is its first MaxLine
			// bytes, the rest of the line is discarded.
			line := append(r.buf, data[:room]...)
			data = data[room:]
			p.Dropped++
			r.skip = true
			p.reply(line)
			r.buf = line[:0]
			continue
		}
		if nl < 0 {
			r.buf = append(r.buf, data...)
			return
		}
		line := data[:nl] // as for commands, r.buf never takes data's array
		if len(r.buf) > 0 {
			line = append(r.buf, line...)
			r.buf = line[:0]
		}
		data = data[nl+1:]
		p.reply(trimCR(line))
	}
}

func trimCR(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == '\r' {
		return b[:len(b)-1]
	}
	return b
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word w,
// ignoring case.
func hasPrefixFold(b []byte, w string) bool {
	if len(b) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != w[i] {
			return false
		}
	}
	return true
}

// newTx starts a transaction and makes it current.
func (p *Parser) newTx() *Tx {
	t := &Tx{id: p.next, p: p}
	p.next++
	p.txs.Push(t, MaxTx)
	p.cur = t
	return t
}

// param returns a command's argument the way Suricata takes it: after the
// command word of n bytes and one more byte (the colon of "MAIL FROM:" or
// the space of "EHLO x"), spaces skipped, up to the next space (RFC 1870
// parameters such as SIZE= follow it). The result is a copy.
func param(line []byte, n int) []byte {
	i := n + 1
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i > len(line) {
		i = len(line)
	}
	j := i
	for j < len(line) && line[j] != ' ' {
		j++
	}
	return append([]byte{}, line[i:j]...)
}

// command handles one client line outside mail data, without its end of
// line.
func (p *Parser) command(line []byte) {
	t := p.cur
	if t == nil || t.ended() && !hasPrefixFold(line, "rset") && !hasPrefixFold(line, "quit") {
		t = p.newTx()
	}
	cmd := cmdOther
	var target *Tx
	switch {
	case hasPrefixFold(line, "starttls"):
		cmd = cmdSTARTTLS
	case hasPrefixFold(line, "data"):
		cmd = cmdDATA
		if t.mime != nil {
			// A second DATA without the end of the first mail: the
			// first is abandoned, the new one gets its own transaction.
			t.mime.finish(false)
			t = p.newTx()
		}
		t.mime = newMIME(t)
		if p.pipelining {
			p.data = true
		}
	case hasPrefixFold(line, "bdat"):
		n, last, ok := parseBDAT(line)
		if !ok {
			t.raise(EventInvalidBDAT)
			break
		}
		cmd = cmdBDAT
		p.bdatLeft, p.bdatLast = n, last
		if n == 0 && last {
			p.endBDAT()
		}
	case hasPrefixFold(line, "helo"), hasPrefixFold(line, "ehlo"):
		if !p.heloSeen {
			p.helo, p.heloSeen = param(line, 4), true
		} else {
			t.raise(EventDuplicateFields)
		}
		if !t.ended() && (t.hasMailFrom || len(t.RcptTo) > 0 || t.mime != nil) {
			// A HELO/EHLO in the middle of a mail transaction resets it
			// like a RSET (RFC 5321 section 4.1.4): the envelope so far
			// is a transaction of its own, the next MAIL starts another.
			cmd, target = cmdRSET, t
		}
	case hasPrefixFold(line, "mail from"):
		if !t.hasMailFrom {
			t.MailFrom, t.hasMailFrom = param(line, 9), true
		} else {
			t.raise(EventDuplicateFields)
		}
	case hasPrefixFold(line, "rcpt to"):
		if len(t.RcptTo) < MaxRcpt {
			t.RcptTo = append(t.RcptTo, param(line, 7))
		}
	case hasPrefixFold(line, "rset"):
		cmd = cmdRSET
		if !t.ended() {
			target = t
		}
	}
	p.pushCmd(cmd, target)
}

func (p *Parser) pushCmd(c command, t *Tx) {
	if n := len(p.cmds); n > 0 && (p.cmds[n-1].cmd == cmdSTARTTLS || p.cmds[n-1].cmd == cmdDATA) && p.cur != nil {
		// A command (or the end of the mail) sent before the reply to
		// STARTTLS or DATA: those must end a pipelined group.
		p.cur.raise(EventInvalidPipelinedSequence)
	}
	if len(p.cmds) < MaxCommands {
		p.cmds = append(p.cmds, pending{c, t})
	}
}

// parseBDAT parses "BDAT <size> [LAST]" (RFC 3030).
func parseBDAT(line []byte) (n uint64, last, ok bool) {
	i := 4
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i == 4 {
		return 0, false, false
	}
	j := i
	for j < len(line) && line[j] >= '0' && line[j] <= '9' {
		if n > 1<<40 {
			return 0, false, false
		}
		n = n*10 + uint64(line[j]-'0')
		j++
	}
	if j == i {
		return 0, false, false
	}
	rest := bytes.TrimSpace(line[j:])
	switch {
	case len(rest) == 0:
		return n, false, true
	case len(rest) == 4 && hasPrefixFold(rest, "last"):
		return n, true, true
	}
	// Anything else after the size is a syntax error (RFC 3030 bdat-cmd):
	// no chunk follows it.
	return 0, false, false
}

// endBDAT ends a BDAT chunk; the last one ends the mail.
func (p *Parser) endBDAT() {
	if p.bdatLast && p.cur != nil {
		p.cur.done = true
	}
	p.bdatLast = false
}

// dataSegment handles mail data: seg is a whole line without its LF
// (eol), or a piece of a longer one; start says it begins the line.
func (p *Parser) dataSegment(seg []byte, start, eol bool) {
	t := p.cur
	crlf := false
	if eol && len(seg) > 0 && seg[len(seg)-1] == '\r' {
		seg, crlf = seg[:len(seg)-1], true
	}
	if start && eol && len(seg) == 1 && seg[0] == '.' {
		// End of the mail.
		p.data = false
		p.pushCmd(cmdDataEnd, t)
		if t != nil {
			if t.mime != nil {
				t.mime.finish(true)
			}
			t.reqDone = true
		}
		return
	}
	if start && len(seg) > 0 && seg[0] == '.' {
		seg = seg[1:] // RFC 5321 section 4.5.2 transparency
	}
	if t != nil && t.mime != nil {
		t.mime.segment(seg, start, eol, crlf)
	}
}

// knownReplies are the reply codes of Suricata 8's SMTP reply table; a
// reply with another code raises INVALID_REPLY and is a parse error.
var knownReplies = [...]string{"211", "214", "220", "221", "235", "250", "251", "252", "334", "354",
	"401", "402", "421", "435", "450", "451", "452", "454", "455", "500", "501", "502", "503", "504",
	"511", "521", "522", "525", "530", "534", "535", "541", "543", "550", "551", "552", "553", "554", "555"}

func knownReply(code []byte) bool {
	for _, k := range knownReplies {
		if string(code) == k {
			return true
		}
	}
	return false
}

// raiseOnCurrent raises an event on the transaction in progress; with none
// (none yet, or the last one is complete) the event is not kept, as in
// Suricata.
func (p *Parser) raiseOnCurrent(name string) {
	if p.cur != nil && !p.cur.done {
		p.cur.raise(name)
	}
}

// isDigit reports an ASCII digit.
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// reply handles one server line without its end of line.
func (p *Parser) reply(line []byte) {
	if len(line) == 0 {
		return
	}
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) || !knownReply(line[:3]) {
		// As in Suricata, a reply without a known code is a parse
		// error: the event is raised and the flow's parsing stops.
		p.InvalidReplies++
		p.raiseOnCurrent(EventInvalidReply)
		p.stop()
		p.state |= applayer.StateError
		return
	}
	// A multi-line reply continues while its lines have '-' after the
	// code (RFC 5321 section 4.2.1).
	p.multi = len(line) >= 4 && line[3] == '-'
	code := string(line[:3])
	if code == "250" && len(line) == 14 && hasPrefixFold(line[4:], "pipelining") {
		p.pipelining = true
	}
	if len(p.cmds) == 0 {
		// The greeting, or a reply nothing asked for.
		if p.cur != nil {
			p.Unmatched++
		}
		return
	}
	switch p.cmds[0].cmd {
	case cmdSTARTTLS:
		if code == "220" {
			// The rest of the flow is TLS.
			if p.cur != nil {
				p.cur.done = true
			}
			p.state |= applayer.StateEncrypted
			p.stop()
			return
		}
	case cmdDATA:
		ended := slices.ContainsFunc(p.cmds, func(c pending) bool { return c.cmd == cmdDataEnd }) // the mail went by already (pipelining)
		if code == "354" {
			p.data = p.data || !ended
		} else if !p.multi && !ended {
			// Rejected: no mail follows (it may have been entered
			// early, for a pipelining server).
			p.data = false
			if p.cur != nil {
				if p.cur.mime != nil {
					p.cur.mime.finish(false)
				}
				p.cur.done = true
			}
		}
	case cmdRSET:
		if t := p.cmds[0].tx; code == "250" && !p.multi && t != nil {
			t.done = true
		}
	case cmdDataEnd:
		// The server's reply to the end of the mail completes it.
		if t := p.cmds[0].tx; !p.multi && t != nil {
			t.done = true
		}
	}
	if !p.multi {
		p.cmds = p.cmds[1:]
		if len(p.cmds) == 0 {
			p.cmds = p.cmds[:0:0]
		}
	}
}
