package ftp

import (
	"bytes"
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Limits.
const (
	// MaxLine is the longest line kept (Suricata's default
	// app-layer.protocols.ftp.max-line-length); longer lines are cut and
	// flagged truncated.
	MaxLine = 4096
	// MaxTx caps live transactions per flow; the oldest are dropped first.
	MaxTx = 256
	// MaxReplies and MaxReplyBytes cap the reply lines one transaction
	// keeps; later lines still complete the reply but are not stored.
	MaxReplies    = 128
	MaxReplyBytes = 16 << 10
)

// Command identifies an FTP command of Suricata's command table.
type Command uint8

// CmdUnknown marks a transaction made by a reply no command asked for
// (the greeting).
const CmdUnknown Command = 0

// Commands Vigil treats specially; the others are only named.
const (
	CmdPORT Command = iota + 1
	CmdEPRT
	CmdAUTHTLS
	CmdPASV
	CmdEPSV
	CmdRETR
	CmdSTOR
)

// commands is Suricata 8's FTP command table, in its order, indexed by
// Command-1. Suricata finds a command by searching the whole request line
// for these names (case-insensitively) and taking the first match, so a
// line such as "XPWD" is PWD; "AUTH_TLS" is the name Suricata 8 spells,
// which an "AUTH TLS" line does not contain.
var commands = [...]string{
	"PORT", "EPRT", "AUTH_TLS", "PASV", "EPSV", "RETR", "STOR",
	"ABOR", "ACCT", "ALLO", "APPE", "CDUP", "CHMOD", "CWD", "DELE", "HELP", "IDLE",
	"LIST", "MAIL", "MDTM", "MKD", "MLFL", "MODE", "MRCP", "MRSQ", "MSAM", "MSND",
	"MSOM", "NLST", "NOOP", "PASS", "PWD", "QUIT", "REIN", "REST", "RMD", "RNFR",
	"RNTO", "SITE", "SIZE", "SMNT", "STAT", "STOU", "STRU", "SYST", "TYPE", "UMASK",
	"USER",
}

// commandBytes holds the names as byte slices for ftp.command (shared,
// read-only).
var commandBytes = func() (b [len(commands)][]byte) {
	for i, name := range commands {
		b[i] = []byte(name)
	}
	return b
}()

// String returns the command name ("" for CmdUnknown).
func (c Command) String() string {
	if c == CmdUnknown || int(c) > len(commands) {
		return ""
	}
	return commands[c-1]
}

// byLast lists the commands by the upper-case letter they end with, so the
// line search checks only the candidates ending at each byte.
var byLast = func() (t [26][]Command) {
	for i, name := range commands {
		c := name[len(name)-1]
		if c >= 'A' && c <= 'Z' {
			t[c-'A'] = append(t[c-'A'], Command(i+1))
		}
	}
	return t
}()

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// lookupCommand returns the command named in line: of the table names
// found anywhere in it (ignoring case), the one that ends first, the
// longest on a tie; CmdUnknown when none is.
func lookupCommand(line []byte) Command {
	for end := 1; end <= len(line); end++ {
		c := upper(line[end-1])
		if c < 'A' || c > 'Z' {
			continue
		}
		best := CmdUnknown
		for _, cmd := range byLast[c-'A'] {
			name := commands[cmd-1]
			if len(name) > end || (best != CmdUnknown && len(name) <= len(commands[best-1])) {
				continue
			}
			if bytes.EqualFold(line[end-len(name):end], commandBytes[cmd-1]) {
				best = cmd
			}
		}
		if best != CmdUnknown {
			return best
		}
	}
	return CmdUnknown
}

// Reply is one reply line.
type Reply struct {
	// Code is the three-digit completion code when the line starts with
	// one followed by a space (or is only the code), else empty.
	Code []byte
	// Text is the line after the code and its space, or the whole line
	// when it has no code ("211-Features", continuation lines).
	Text      []byte
	Truncated bool
}

// Tx is one FTP transaction: a command and its reply lines.
type Tx struct {
	id uint64
	// Command is CmdUnknown for a transaction made by an unsolicited
	// reply.
	Command Command
	// Request is the request line without its end of line and trailing
	// white space, at most MaxLine bytes.
	Request          []byte
	RequestTruncated bool
	Replies          []Reply
	// Done is set once the final (non-1yz) reply line arrived.
	Done bool
	// DynPort is the data port negotiated by PORT/EPRT (once the server
	// replied) or by the 227/229 reply to PASV/EPSV; 0 when none. Active
	// is set for PORT/EPRT.
	DynPort uint16
	Active  bool
	// ReplyDropped counts reply lines not stored (MaxReplies,
	// MaxReplyBytes).
	ReplyDropped int

	replyBytes int
	bounce     [4]byte // PORT address as ftpbounce reads it
	hasBounce  bool
	portBuf    [2]byte
	modeBuf    [1]byte
	rcvdBuf    [2]byte
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoFTP.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoFTP }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Complete: the request side is whole when the transaction is made; the
// reply side once the final reply line arrived.
func (t *Tx) Complete(dir applayer.Direction) bool {
	return dir == applayer.ToServer || t.Done
}

// Buffer returns the first instance of buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns instance i of an ftp buffer, whatever dir; a
// transaction without a command has none (Suricata's ftp.* keywords never
// match it):
//   - ftp.command: the command name as the table spells it ("USER");
//   - ftp.command_data: the request line after the command name and one
//     byte (its space);
//   - ftp.completion_code, ftp.reply: each reply line's code (lines
//     without one are skipped) and text (multi-buffers);
//   - ftp.dynamic_port: DynPort, 2 bytes big endian;
//   - ftp.mode: 1 byte, 1 active, 0 passive; only once a port was
//     negotiated;
//   - ftp.reply_received: 2 bytes, [0] 1 once the final reply arrived,
//     [1] 1 once any reply line arrived;
//   - ftpbounce: the 4 address bytes of a PORT command, read the way
//     Suricata's ftpbounce reads them, when it has them.
func (t *Tx) BufferAt(_ applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if t.Command == CmdUnknown {
		return nil, false
	}
	if b == bufid.FTPCompletionCode || b == bufid.FTPReply {
		return t.reply(b, i)
	}
	if i != 0 {
		return nil, false
	}
	var v []byte
	switch b {
	case bufid.FTPCommand:
		v = commandBytes[t.Command-1]
	case bufid.FTPCommandData:
		if n := len(commandBytes[t.Command-1]) + 1; len(t.Request) > n {
			v = t.Request[n:]
		}
	case bufid.FTPDynamicPort:
		binary.BigEndian.PutUint16(t.portBuf[:], t.DynPort)
		return t.portBuf[:], true
	case bufid.FTPMode:
		if t.DynPort == 0 {
			return nil, false
		}
		t.modeBuf[0] = 0
		if t.Active {
			t.modeBuf[0] = 1
		}
		return t.modeBuf[:], true
	case bufid.FTPReplyReceived:
		t.rcvdBuf = [2]byte{b2u(t.Done), b2u(len(t.Replies) > 0 || t.ReplyDropped > 0)}
		return t.rcvdBuf[:], true
	case bufid.FTPBounce:
		if !t.hasBounce {
			return nil, false
		}
		return t.bounce[:], true
	}
	if len(v) == 0 {
		return nil, false
	}
	return v, true
}

func (t *Tx) reply(b applayer.BufferID, i int) ([]byte, bool) {
	for j := range t.Replies {
		v := t.Replies[j].Text
		if b == bufid.FTPCompletionCode {
			v = t.Replies[j].Code
			if len(v) == 0 {
				continue
			}
		}
		if i == 0 {
			return v, true
		}
		i--
	}
	return nil, false
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// trimRight drops trailing white space (and the CR of CRLF).
func trimRight(b []byte) []byte {
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// parseReply splits a trimmed reply line into its code and text.
func parseReply(line []byte) (code, text []byte) {
	if len(line) >= 3 && isDigit(line[0]) && isDigit(line[1]) && isDigit(line[2]) {
		if len(line) == 3 {
			return line, nil
		}
		if line[3] == ' ' {
			return line[:3], line[4:]
		}
	}
	return nil, line
}

// isPreliminary reports a 1yz reply line ("150 ..."): another reply for
// the same command follows.
func isPreliminary(line []byte) bool {
	return len(line) >= 4 && line[0] == '1' && isDigit(line[1]) && isDigit(line[2]) && isSpace(line[3])
}

// scanner walks a line for the port grammars below.
type scanner struct {
	b []byte
	i int
}

func (s *scanner) spaces() {
	for s.i < len(s.b) && isSpace(s.b[s.i]) {
		s.i++
	}
}

// number reads one or more digits; ok is false without any or when the
// value exceeds max.
func (s *scanner) number(max uint32) (uint32, bool) {
	start := s.i
	var v uint64
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		if v <= uint64(max) {
			v = v*10 + uint64(s.b[s.i]-'0')
		}
		s.i++
	}
	return uint32(v), s.i > start && v <= uint64(max)
}

// digits skips one or more digits.
func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && isDigit(s.b[s.i]) {
		s.i++
	}
	return s.i > start
}

// lit consumes lit when it comes next.
func (s *scanner) lit(lit string) bool {
	if !bytes.HasPrefix(s.b[s.i:], []byte(lit)) {
		return false
	}
	s.i += len(lit)
	return true
}

// skipPast moves past the next occurrence of lit.
func (s *scanner) skipPast(lit string) bool {
	k := bytes.Index(s.b[s.i:], []byte(lit))
	if k < 0 {
		return false
	}
	s.i += k + len(lit)
	return true
}

// hostPort reads "h1,h2,h3,h4,p1,p2" (RFC 959 host-port); space is
// allowed around the first number (PORT) or the port numbers (227).
func (s *scanner) hostPort(spaceFirst bool) uint16 {
	for k := 0; k < 4; k++ {
		if spaceFirst && k == 0 {
			s.spaces()
		}
		if !s.digits() {
			return 0
		}
		if spaceFirst && k == 0 {
			s.spaces()
		}
		if !s.lit(",") {
			return 0
		}
	}
	var p [2]uint32
	for k := range p {
		if !spaceFirst {
			s.spaces()
		}
		v, ok := s.number(255)
		if !ok {
			return 0
		}
		if !spaceFirst {
			s.spaces()
		}
		p[k] = v
		if k == 0 && !s.lit(",") {
			return 0
		}
	}
	return uint16(p[0]<<8 | p[1])
}

// activePort parses "PORT h1,h2,h3,h4,p1,p2"; 0 when malformed.
func activePort(line []byte) uint16 {
	if len(line) < 4 || !bytes.EqualFold(line[:4], []byte("PORT")) {
		return 0
	}
	s := scanner{b: line, i: 4}
	return s.hostPort(true)
}

// passivePort parses the "227 ... (h1,h2,h3,h4,p1,p2)" reply to PASV.
func passivePort(line []byte) uint16 {
	s := scanner{b: line}
	if !s.lit("227") || !s.skipPast("(") {
		return 0
	}
	p := s.hostPort(false)
	if p == 0 || !s.lit(")") {
		return 0
	}
	return p
}

// extPort reads the "|port|" end of EPRT and of the 229 reply.
func (s *scanner) extPort() uint16 {
	s.spaces()
	v, ok := s.number(65535)
	if !ok {
		return 0
	}
	s.spaces()
	if !s.lit("|") {
		return 0
	}
	return uint16(v)
}

// extActivePort parses "EPRT |af|addr|port|" (RFC 2428).
func extActivePort(line []byte) uint16 {
	if len(line) < 4 || !bytes.EqualFold(line[:4], []byte("EPRT")) {
		return 0
	}
	s := scanner{b: line, i: 4}
	for k := 0; k < 3; k++ {
		if !s.skipPast("|") {
			return 0
		}
	}
	return s.extPort()
}

// extPassivePort parses the "229 ... (|||port|)" reply to EPSV.
func extPassivePort(line []byte) uint16 {
	s := scanner{b: line}
	if !s.lit("229") || !s.skipPast("|||") {
		return 0
	}
	p := s.extPort()
	if p == 0 || !s.lit(")") {
		return 0
	}
	return p
}

// bounceAddr reads the address of a PORT line the way Suricata's
// ftpbounce does: from the first digit, four comma-terminated numbers of at
// most three digits (each at most 256), folded into 32 bits. ok is false
// when the line does not have them.
func bounceAddr(line []byte) (addr [4]byte, ok bool) {
	if len(line) < 8 {
		return addr, false
	}
	i := 0
	for i < len(line) && !isDigit(line[i]) {
		i++
	}
	var ip uint32
	octet, digits, n := 0, 0, 0
	for ; i < len(line) && digits < 4; i++ {
		c := line[i]
		if isDigit(c) {
			octet = octet*10 + int(c-'0')
			digits++
			continue
		}
		if octet > 256 {
			return addr, false
		}
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		if i >= len(line) || line[i] != ',' {
			return addr, false
		}
		n++
		digits = 0
		ip = ip<<8 + uint32(octet)
		octet = 0
		if n == 4 {
			binary.BigEndian.PutUint32(addr[:], ip)
			return addr, true
		}
	}
	return addr, false
}
