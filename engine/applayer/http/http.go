package http

import (
	"bytes"
	"slices"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Config bounds what a Parser keeps. Zero fields select the defaults.
type Config struct {
	// RequestBodyLimit and ResponseBodyLimit cap the body bytes kept per
	// message (Suricata's libhtp request-body-limit / response-body-limit,
	// 100 KiB by default). For compressed responses the cap applies both to
	// the stored raw body and to the decompressed result.
	RequestBodyLimit  int
	ResponseBodyLimit int
	// MaxHeaderBytes caps a request/status line plus headers; a longer head
	// stops the parser for that direction. Default 64 KiB.
	MaxHeaderBytes int
	// MaxTx caps live (unpruned) transactions; older ones are dropped.
	// Default 512.
	MaxTx int
	// DecompressLayers caps how many stacked Content-Encoding layers of
	// a response are undone (libhtp's
	// response-body-decompress-layer-limit, 2 by default).
	DecompressLayers int
}

// Defaults.
const (
	DefaultBodyLimit        = 100 * 1024
	DefaultMaxHeaderBytes   = 64 * 1024
	DefaultMaxTx            = 512
	DefaultDecompressLayers = 2
)

func (c Config) withDefaults() Config {
	if c.RequestBodyLimit <= 0 {
		c.RequestBodyLimit = DefaultBodyLimit
	}
	if c.DecompressLayers <= 0 {
		c.DecompressLayers = DefaultDecompressLayers
	}
	if c.ResponseBodyLimit <= 0 {
		c.ResponseBodyLimit = DefaultBodyLimit
	}
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxTx <= 0 {
		c.MaxTx = DefaultMaxTx
	}
	return c
}

// Header is one header field; Name keeps its original case. Value has
// leading and trailing whitespace removed and folded lines joined by a
// space.
type Header = eve.HTTPHeader

// Message is one side of a transaction: a request or a response.
type Message struct {
	// Line is the request or status line without its line ending.
	Line []byte
	// Method, URI, Protocol (request) or Protocol, Status, Reason
	// (response) are sub-slices of Line.
	Method, URI, Protocol []byte
	Status, Reason        []byte
	Headers               []Header
	// HeaderRaw is the header block as received, after the start line,
	// including the empty line that ends it.
	HeaderRaw []byte
	// Body holds the de-chunked body up to the configured limit.
	Body []byte
	// BodyLen counts all body bytes seen (de-chunked), kept or not.
	BodyLen int64
	// WireLen counts the body bytes as transferred, chunk-size lines and
	// chunk CRLFs included (libhtp's message length, EVE "length").
	WireLen int64
	// Truncated is set when body bytes were dropped (limit or gap).
	Truncated bool
	// Gap is set when data of this message was lost.
	Gap bool
	// HTTP09 is set on a response that came without status line and
	// headers: all of it is body, up to the end of the connection.
	HTTP09 bool

	done bool
	head []byte // line + header bytes as received (owned copy)
	// events is the bit set of bufid.HTTPEvent raised on the message,
	// little-endian (events.go).
	events [4]byte
}

// Get returns the value of the first header named name (case-insensitive),
// or nil.
func (m *Message) Get(name string) []byte {
	for i := range m.Headers {
		if equalFold(m.Headers[i].Name, name) {
			return m.Headers[i].Value
		}
	}
	return nil
}

// appendAll appends to dst the values of all headers named name joined by
// ", " (Suricata's behaviour for repeated headers).
func (m *Message) appendAll(dst []byte, name string) []byte {
	n := 0
	for i := range m.Headers {
		if !equalFold(m.Headers[i].Name, name) {
			continue
		}
		if n > 0 {
			dst = append(dst, ", "...)
		}
		dst = append(dst, m.Headers[i].Value...)
		n++
	}
	return dst
}

func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		if lower(b[i]) != lower(s[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// direction parse states
const (
	stStart     = iota // expecting a start line (leading blank lines skipped)
	stHead             // collecting header lines
	stBodyCL           // Content-Length body: remaining bytes in rem
	stChunkSz          // chunk-size line
	stChunkData        // chunk data: rem bytes
	stChunkEnd         // CRLF after chunk data
	stTrailer          // trailer lines after the last chunk
	stBodyEOF          // response body until the connection closes
	stResync           // after a gap: look for a new start line
	stError            // unrecoverable; ignore the rest
)

type side struct {
	st     int
	rem    int64
	line   []byte // partial line carried between calls (chunk size / trailer)
	cur    *Tx    // transaction whose message is being parsed
	skipCR bool
	// tail is the response completed earlier in the current Parse call:
	// junk that follows it in the same data is more of its body.
	tail *Tx
}

// Parser parses one HTTP/1.x connection. Create it with New.
type Parser struct {
	cfg   Config
	txs   []*Tx
	next  uint64 // next tx id
	resp  uint64 // id of the next tx awaiting a response
	sides [2]side
	state applayer.State
	free  []*Tx
	// h2c is the state of an HTTP/2 upgrade (h2c.go).
	h2c h2cState
	// ranges are the files fetched in pieces (ranges.go).
	ranges []*rangeFile
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one connection.
func New(cfg Config) *Parser {
	return &Parser{cfg: cfg.withDefaults()}
}

// Reset returns p to the state New left it in for another connection,
// keeping its transactions' buffers (bodies, arenas) for reuse so that a
// worker recycling parsers across flows does not reallocate them.
func (p *Parser) Reset() {
	for _, t := range p.txs {
		t.reset()
		if len(p.free) < p.cfg.MaxTx {
			p.free = append(p.free, t)
		}
	}
	for _, sd := range p.sides {
		if t := sd.cur; t != nil && !slices.Contains(p.txs, t) && len(p.free) < p.cfg.MaxTx {
			t.reset()
			p.free = append(p.free, t)
		}
	}
	clear(p.txs)
	p.txs = p.txs[:0]
	p.next, p.resp, p.state = 0, 0, 0
	p.sides = [2]side{{line: p.sides[0].line[:0]}, {line: p.sides[1].line[:0]}}
	p.h2c = h2cState{}
	p.ranges = nil
}

// State reports parser flags (StateError when a direction gave up, StateGap
// while resynchronising).
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return len(p.txs) }

// TxAt returns live transaction i (oldest first).
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs[i] }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs[i] }

// Prune drops transactions with ID below `below` that are complete in both
// directions.
func (p *Parser) Prune(below uint64) {
	n := 0
	for n < len(p.txs) && p.txs[n].id < below && p.txs[n].Req.done && p.txs[n].Resp.done {
		n++
	}
	if n == 0 {
		return
	}
	for _, t := range p.txs[:n] {
		if t == p.sides[0].cur || t == p.sides[1].cur {
			continue
		}
		t.reset()
		p.free = append(p.free, t)
	}
	copy(p.txs, p.txs[n:])
	for i := len(p.txs) - n; i < len(p.txs); i++ {
		p.txs[i] = nil
	}
	p.txs = p.txs[:len(p.txs)-n]
}

func (p *Parser) newTx() *Tx {
	if len(p.txs) >= p.cfg.MaxTx {
		// Drop the oldest transaction to bound memory.
		old := p.txs[0]
		copy(p.txs, p.txs[1:])
		p.txs = p.txs[:len(p.txs)-1]
		if old != p.sides[0].cur && old != p.sides[1].cur {
			old.reset()
			p.free = append(p.free, old)
		}
		if p.resp <= old.id {
			p.resp = old.id + 1
		}
	}
	var t *Tx
	if n := len(p.free); n > 0 {
		t = p.free[n-1]
		p.free = p.free[:n-1]
	} else {
		t = &Tx{}
	}
	t.id = p.next
	t.parser = p
	p.next++
	p.txs = append(p.txs, t)
	return t
}

func (p *Parser) txByID(id uint64) *Tx {
	for _, t := range p.txs {
		if t.id == id {
			return t
		}
	}
	return nil
}

// Parse consumes the next in-order bytes of direction dir. data is not kept.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.sides[dir&1]
	for len(data) > 0 {
		var n int
		if dir == applayer.ToServer && p.h2c.hold {
			p.holdRequest(data) // may already be HTTP/2 (h2c.go)
			return
		}
		switch s.st {
		case stError:
			p.afterSwitch(dir, data)
			return
		case stResync:
			n = p.resync(dir, s, data)
		case stStart, stHead:
			n = p.head(dir, s, data)
		case stBodyCL, stChunkData:
			n = int(s.rem)
			if n > len(data) {
				n = len(data)
			}
			p.body(dir, s.cur, data[:n])
			s.rem -= int64(n)
			if s.rem == 0 {
				if s.st == stBodyCL {
					if dir == applayer.ToClient {
						s.tail = s.cur
					}
					p.finish(dir, s)
				} else {
					s.st = stChunkEnd
				}
			}
		case stBodyEOF:
			n = len(data)
			p.body(dir, s.cur, data)
		case stChunkSz, stChunkEnd, stTrailer:
			st, cur := s.st, s.cur
			n = p.chunkLine(dir, s, data)
			if st != stTrailer && cur != nil {
				cur.msg(dir).WireLen += int64(n)
			}
		}
		data = data[n:]
	}
	s.tail = nil
	if dir == applayer.ToClient {
		p.releaseHeld()
	}
}

// Gap records that n bytes of direction dir were lost. Inside a body of
// known length the gap is skipped (the body is marked truncated); anywhere
// else the current message is marked and the parser looks for the next
// start line.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	s := &p.sides[dir&1]
	if n <= 0 || s.st == stError {
		return
	}
	if s.cur != nil {
		m := s.cur.msg(dir)
		m.Gap = true
		m.Truncated = true
	}
	switch s.st {
	case stBodyCL, stChunkData:
		// The body's share of the gap counts as body (libhtp hands
		// it to the body hooks as a gap); what is beyond the body
		// ends the message.
		k := min(int64(n), s.rem)
		s.cur.msg(dir).BodyLen += k
		s.cur.msg(dir).WireLen += k
		s.rem -= k
		if s.rem == 0 {
			if s.st == stBodyCL {
				p.finish(dir, s)
			} else {
				s.st = stChunkEnd
			}
		}
		if int64(n) == k {
			return
		}
	case stBodyEOF:
		return
	}
	if s.cur != nil {
		p.finish(dir, s)
	}
	s.line = s.line[:0]
	s.st = stResync
	p.state |= applayer.StateGap
}

// resync skips bytes until a line that starts like a request or status
// line; it returns the bytes consumed.
func (p *Parser) resync(dir applayer.Direction, s *side, data []byte) int {
	probe := applayer.ProbeHTTPRequest
	if dir == applayer.ToClient {
		probe = applayer.ProbeHTTPResponse
	}
	off := 0
	for off < len(data) {
		// Only test at line starts: off==0 counts as one only when the
		// previous call ended on a line end (s.line used as a marker).
		if off > 0 || len(s.line) == 0 {
			if probe(data[off:]) != applayer.ProbeNoMatch {
				s.st = stStart
				s.line = s.line[:0]
				p.state &^= applayer.StateGap
				if dir == applayer.ToClient {
					p.realign()
				}
				return off
			}
		}
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			s.line = append(s.line[:0], 'x') // mid-line
			return len(data)
		}
		off += i + 1
		s.line = s.line[:0]
	}
	return off
}

// realign pairs the first response after a response-side gap with the
// newest request: responses lost in the gap belonged to the older ones
// (which are marked done with Gap set). Without it one lost response would
// shift every later response onto the wrong request.
func (p *Parser) realign() {
	n := len(p.txs)
	if n == 0 {
		return
	}
	last := p.txs[n-1]
	if last.id <= p.resp || last.Resp.done || len(last.Resp.head) > 0 {
		return
	}
	for _, t := range p.txs[:n-1] {
		if t.id >= p.resp && !t.Resp.done && len(t.Resp.head) == 0 {
			t.Resp.done, t.Resp.Gap = true, true
		}
	}
	p.resp = last.id
}

func (t *Tx) msg(dir applayer.Direction) *Message {
	if dir == applayer.ToClient {
		return &t.Resp
	}
	return &t.Req
}

// head collects a start line and header lines into the message head.
func (p *Parser) head(dir applayer.Direction, s *side, data []byte) int {
	if s.st == stStart {
		// Skip blank lines before a start line (robustness, as libhtp),
		// except right after a complete response, where a blank line
		// is more of its body (respStart).
		n := 0
		for (dir == applayer.ToServer || s.tail == nil) && n < len(data) && (data[n] == '\r' || data[n] == '\n') {
			n++
		}
		if n == len(data) {
			return n
		}
		if dir == applayer.ToClient && p.state&applayer.StateGap == 0 {
			k, ok := p.respStart(s, data[n:])
			if k > 0 {
				return n + k
			}
			if ok {
				s.cur = p.responseTx()
				s.tail = nil
				s.st = stHead
				return n
			}
		}
		if dir == applayer.ToClient && p.state&applayer.StateGap == 0 && !startLike(dir, data[n:]) {
			if t := p.txByID(p.resp); t != nil && !t.Resp.done && len(t.Resp.head) == 0 && !t.Resp.HTTP09 && t.Resp.WireLen == 0 {
				// The first response bytes of a transaction are not a
				// status line: like libhtp, take the response as
				// HTTP/0.9, a body without head that lasts until the
				// connection closes, so a server cannot hide content
				// from detection by leaving the status line out.
				s.cur = t
				t.Resp.HTTP09 = true
				s.st = stBodyEOF
				return 0
			}
		}
		if !startLike(dir, data[n:]) {
			// Not a request/status line (e.g. data after lost segments):
			// skip to the next line that looks like one.
			s.st = stResync
			s.line = s.line[:0]
			p.state |= applayer.StateGap
			return n
		}
		if dir == applayer.ToServer {
			s.cur = p.newTx()
		} else {
			s.cur = p.responseTx()
		}
		s.st = stHead
		return n
	}
	m := s.cur.msg(dir)
	off := 0
	for off < len(data) {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			m.head = append(m.head, data[off:]...)
			off = len(data)
			break
		}
		lineStart := len(m.head)
		m.head = append(m.head, data[off:off+i+1]...)
		off += i + 1
		// Find where the current line began in head: scan back.
		ls := bytes.LastIndexByte(m.head[:len(m.head)-1], '\n') + 1
		_ = lineStart
		line := m.head[ls:]
		if dir == applayer.ToClient {
			next := -1
			if off < len(data) {
				next = int(data[off])
			}
			if end, lfcr := headTerminator(line, ls >= 2 && m.head[ls-2] != '\r', next); ls > 0 && end {
				if lfcr && off < len(data) && data[off] == '\r' {
					off++ // LF CR CR LF CR LF: the last CR LF ends the head too
					if off < len(data) && data[off] == '\n' {
						off++
					}
				}
				p.headerDone(dir, s)
				return off
			}
			continue
		}
		if ls > 0 && (len(line) == 1 || (len(line) == 2 && line[0] == '\r')) {
			p.headerDone(dir, s)
			return off
		}
		if ls == 0 && dir == applayer.ToServer {
			// The request line is known before the headers: expose
			// method, URI and protocol now, as libhtp does, so that a
			// request whose headers never complete is still inspected.
			m.Line = bytes.TrimRight(line, "\r\n")
			m.splitRequestLine()
			if isHTTP09(line) {
				if !moreThanJunk(data[off:]) {
					// HTTP/0.9 request: no headers, no protocol.
					p.headerDone(dir, s)
					return off
				}
				// A request line without protocol that more than
				// white space follows is parsed as HTTP/1.x with
				// headers (libhtp's "missing protocol" handling).
				s.cur.raise(dir, bufid.HTTPRequestLineMissingProtocol)
			}
		}
	}
	if len(m.head) > p.cfg.MaxHeaderBytes {
		s.st = stError
		p.state |= applayer.StateError
		m.Truncated = true
		p.finish(dir, s)
		s.st = stError
	}
	return off
}

// responseTx returns the transaction a response that starts now answers:
// the oldest one still waiting for its response, or a new one when no
// request is left to answer (libhtp's UNABLE_TO_MATCH_RESPONSE_TO_REQUEST,
// raised on it).
func (p *Parser) responseTx() *Tx {
	t := p.txByID(p.resp)
	if t == nil || t.Resp.done || len(t.Resp.head) > 0 {
		t = p.newTx()
		p.resp = t.id
		t.raise(applayer.ToClient, bufid.HTTPUnableToMatchResponse)
	}
	return t
}

// startLike reports whether b can begin a request line (a token letter) or
// a status line ("HTTP/", or a prefix of it).
func startLike(dir applayer.Direction, b []byte) bool {
	if dir == applayer.ToClient {
		return applayer.ProbeHTTPResponse(b) != applayer.ProbeNoMatch
	}
	c := b[0]
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// http09MaxJunk is how much white space may follow an HTTP/0.9 request
// line in the same data (libhtp's HTTP09_MAX_JUNK_LEN).
const http09MaxJunk = 16

// moreThanJunk reports whether rest, the data after a request line
// without protocol, holds anything but white space, or more white space
// than http09MaxJunk: then the request is not HTTP/0.9 (libhtp).
func moreThanJunk(rest []byte) bool {
	n := 0
	for n < len(rest) && isHTSpace(rest[n]) {
		n++
	}
	return n < len(rest) || n > http09MaxJunk
}

// isHTTP09 reports a request line "METHOD URI" without a protocol.
func isHTTP09(line []byte) bool {
	line = bytes.TrimRight(line, "\r\n")
	n, in := 0, false
	for _, c := range line {
		if c >= 0x80 {
			// Unicode white space splits too: the rare slow path.
			return len(bytes.Fields(line)) == 2
		}
		sp := asciiSpace(c)
		if !sp && !in {
			n++
		}
		in = !sp
	}
	return n == 2
}

// asciiSpace reports the white space bytes.Fields splits on (ASCII).
func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// headerDone parses the collected head and decides how the body is framed.
func (p *Parser) headerDone(dir applayer.Direction, s *side) {
	t := s.cur
	m := t.msg(dir)
	if dir == applayer.ToServer {
		m.parseHead()
		m.splitRequestLine()
		t.requestEvents()
		p.askedH2C(t)
		p.requestFraming(s, m)
		return
	}
	m.parseResponseHead()
	te := m.field("Transfer-Encoding", false)
	cl := m.field("Content-Length", true)
	clen, clOK := parseContentLength(cl)
	// Interim 1xx responses (100 Continue) are skipped: the real response
	// follows for the same transaction. One that announces a body is
	// not interim (libhtp).
	if len(m.Status) == 3 && m.Status[0] == '1' && !bytes.Equal(m.Status, []byte("101")) &&
		te == nil && (cl == nil || !clOK || clen == 0) {
		m.reset()
		s.st = stStart
		s.cur = nil
		return
	}
	t.headerRepetitions(dir)
	if connected(t) {
		// A tunnel from here (h2c.go): no body, and no more HTTP.
		p.finish(dir, s)
		p.tunnel(t)
		return
	}
	p.answered(t)
	if noBodyStatus(m.Status) && (te != nil || cl != nil) {
		// A status that has no body, announcing one (libhtp's
		// RESPONSE_BODY_UNEXPECTED; the body is parsed, as browsers
		// render it).
		t.raise(dir, bufid.HTTPResponseBodyUnexpected)
	}
	switch {
	case bytes.Equal(t.Req.Method, []byte("HEAD")):
		p.finish(dir, s)
	case (bytes.Equal(m.Status, []byte("204")) || bytes.Equal(m.Status, []byte("304"))) && te == nil && cl == nil:
		// No body, unless the server sends one anyway: browsers
		// render it, so libhtp parses it.
		p.finish(dir, s)
	case bytes.Equal(m.Status, []byte("101")):
		// Protocol switch: nothing more to parse on this connection
		// (to HTTP/2 when the server upgrades to h2c, see h2c.go).
		p.finish(dir, s)
		s.st = stError
		p.switched(t)
	case te != nil && containsFoldNoZero(te, "chunked"):
		// Chunked wins over Content-Length and applies to HTTP/1.0 too.
		s.st = stChunkSz
		s.line = s.line[:0]
	case cl != nil:
		if !clOK || clen == 0 {
			p.finish(dir, s)
			return
		}
		s.st = stBodyCL
		s.rem = clen
	default:
		s.st = stBodyEOF
	}
}

// noBodyStatus reports the statuses whose responses have no body: 1xx
// (101 aside, a protocol switch), 204 and 304.
func noBodyStatus(st []byte) bool {
	if len(st) != 3 {
		return false
	}
	return st[0] == '1' && string(st) != "101" || string(st) == "204" || string(st) == "304"
}

// requestFraming decides how a request body is framed.
func (p *Parser) requestFraming(s *side, m *Message) {
	dir := applayer.ToServer
	te := m.Get("Transfer-Encoding")
	cl := m.Get("Content-Length")
	switch {
	case te != nil && bytes.Contains(bytes.ToLower(te), []byte("chunked")):
		s.st = stChunkSz
		s.line = s.line[:0]
	case cl != nil:
		n, ok := parseUint(cl)
		if !ok || n == 0 {
			p.finish(dir, s)
			return
		}
		s.st = stBodyCL
		s.rem = n
	default:
		p.finish(dir, s)
	}
}

func parseUint(b []byte) (int64, bool) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// chunkLine handles the line-oriented parts of chunked coding.
func (p *Parser) chunkLine(dir applayer.Direction, s *side, data []byte) int {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		if s.st == stChunkSz && dir == applayer.ToClient {
			s.line = append(s.line, data...)
			if notChunked(s.line) {
				p.notChunked(s)
				return len(data)
			}
			s.line = s.line[:len(s.line)-len(data)]
		}
		if len(s.line)+len(data) > 1024 {
			p.gapOrError(dir, s)
			return len(data)
		}
		s.line = append(s.line, data...)
		return len(data)
	}
	s.line = append(s.line, data[:i+1]...)
	line := bytes.TrimRight(s.line, "\r\n")
	switch s.st {
	case stChunkEnd:
		if len(bytes.TrimSpace(line)) != 0 {
			// Missing CRLF after chunk data: treat the line as a size.
			s.st = stChunkSz
			return p.chunkSize(dir, s, line, i+1)
		}
		s.st = stChunkSz
	case stChunkSz:
		return p.chunkSize(dir, s, line, i+1)
	case stTrailer:
		if len(line) == 0 {
			s.line = s.line[:0]
			if dir == applayer.ToClient {
				s.tail = s.cur
			}
			p.finish(dir, s)
			return i + 1
		}
	}
	s.line = s.line[:0]
	return i + 1
}

func (p *Parser) chunkSize(dir applayer.Direction, s *side, line []byte, n int) int {
	size, res := parseChunkSize(line)
	switch {
	case res == chunkBlank:
		s.line = s.line[:0]
		return n // a blank line before a size: read the next one
	case res == chunkInvalid && dir == applayer.ToClient:
		p.notChunked(s)
		return n
	case res == chunkInvalid:
		s.line = s.line[:0]
		p.gapOrError(dir, s)
		return n
	}
	s.line = s.line[:0]
	if size == 0 {
		s.st = stTrailer
		return n
	}
	s.st = stChunkData
	s.rem = size
	return n
}

// notChunked handles a response announced as chunked whose chunk-size line
// is not one: like libhtp (and browsers), the rest of the response,
// beginning with that line (held in s.line), is body up to the end of the
// connection.
func (p *Parser) notChunked(s *side) {
	dir := applayer.ToClient
	if s.cur != nil {
		s.cur.Resp.WireLen -= int64(len(s.line)) // counted again as body
		p.body(dir, s.cur, s.line)
	}
	s.line = s.line[:0]
	s.st = stBodyEOF
}

// gapOrError handles broken framing: finish the message and resync.
func (p *Parser) gapOrError(dir applayer.Direction, s *side) {
	if s.cur != nil {
		s.cur.msg(dir).Truncated = true
		p.finish(dir, s)
	}
	s.st = stResync
	s.line = s.line[:0]
}

func (p *Parser) body(dir applayer.Direction, t *Tx, data []byte) {
	m := t.msg(dir)
	m.BodyLen += int64(len(data))
	m.WireLen += int64(len(data))
	limit := p.cfg.RequestBodyLimit
	if dir == applayer.ToClient {
		limit = p.cfg.ResponseBodyLimit
	}
	room := limit - len(m.Body)
	if room <= 0 {
		m.Truncated = true
		return
	}
	if room < len(data) {
		data = data[:room]
		m.Truncated = true
	}
	if m.Body == nil {
		// Size the body once from Content-Length (bounded by the limit)
		// instead of growing it by doubling.
		if n, ok := parseUint(m.Get("Content-Length")); ok && n > int64(len(data)) {
			m.Body = make([]byte, 0, min(n, int64(limit)))
		}
	}
	m.Body = append(m.Body, data...)
}

// finish marks the current message of s done.
func (p *Parser) finish(dir applayer.Direction, s *side) {
	if s.cur != nil {
		s.cur.msg(dir).done = true
		if dir == applayer.ToServer {
			p.requestDone(s.cur)
		}
		if dir == applayer.ToClient {
			p.resp = s.cur.id + 1
			p.rangeDone(s.cur)
		}
	}
	s.cur = nil
	s.st = stStart
}

// EOF tells the parser that direction dir was closed: a response body
// delimited by the connection end is complete.
// A request line the connection end cut before its line ending is taken
// as complete, as libhtp does when the stream closes (bug 4702: "GET /"
// then a reset still logs the request).
func (p *Parser) EOF(dir applayer.Direction) {
	s := &p.sides[dir&1]
	if dir == applayer.ToServer && s.st == stHead && s.cur != nil {
		if m := &s.cur.Req; len(m.head) > 0 && bytes.IndexByte(m.head, '\n') < 0 && startLike(dir, m.head) {
			m.head = append(m.head, "\r\n"...)
			p.headerDone(dir, s)
			if s.cur != nil && s.st != stStart {
				p.finish(dir, s)
			}
		}
	}
	if s.st == stBodyEOF {
		p.finish(dir, s)
	}
}

// parseHead splits head into the start line and headers.
func (m *Message) parseHead() {
	h := m.head
	i := bytes.IndexByte(h, '\n')
	if i < 0 {
		m.Line = bytes.TrimRight(h, "\r")
		return
	}
	m.Line = bytes.TrimRight(h[:i], "\r")
	m.HeaderRaw = h[i+1:]
	rest := m.HeaderRaw
	m.Headers = m.Headers[:0]
	for len(rest) > 0 {
		j := bytes.IndexByte(rest, '\n')
		var line []byte
		if j < 0 {
			line, rest = rest, nil
		} else {
			line, rest = rest[:j], rest[j+1:]
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && len(m.Headers) > 0 {
			// Obsolete line folding: join with a single space.
			h := &m.Headers[len(m.Headers)-1]
			v := make([]byte, 0, len(h.Value)+1+len(line))
			v = append(append(append(v, h.Value...), ' '), bytes.TrimSpace(line)...)
			h.Value = v
			continue
		}
		c := bytes.IndexByte(line, ':')
		if c < 0 {
			// Not a header; libhtp keeps it as a name with an empty value.
			m.Headers = append(m.Headers, Header{Name: bytes.TrimSpace(line), Value: line[len(line):]})
			continue
		}
		m.Headers = append(m.Headers, Header{
			Name:  bytes.TrimRight(line[:c], " \t"),
			Value: bytes.Trim(line[c+1:], " \t"),
		})
	}
}

func (m *Message) splitRequestLine() {
	// A URI may contain spaces ("GET /a b HTTP/1.1"): when the line ends
	// in a protocol token, the URI is everything between the method and
	// it, as libhtp parses it.
	line := bytes.TrimRight(m.Line, " \t")
	if i := bytes.LastIndexAny(line, " \t"); i > 0 && hasPrefixFold(line[i+1:], "HTTP/") {
		f, n := splitSpaces(line[:i], 2)
		if n == 2 && bytes.IndexAny(f[1], " \t") > 0 {
			m.Method, m.URI, m.Protocol = f[0], f[1], line[i+1:]
			return
		}
	}
	f, n := splitSpaces(m.Line, 3)
	if n > 0 {
		m.Method = f[0]
	}
	if n > 1 {
		m.URI = f[1]
	}
	if n > 2 {
		m.Protocol = f[2]
	}
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && equalFold(b[:len(prefix)], prefix)
}

func (m *Message) splitStatusLine() {
	f, n := splitSpaces(m.Line, 3)
	if n > 0 {
		m.Protocol = f[0]
	}
	if n > 1 {
		m.Status = f[1]
	}
	if n > 2 {
		m.Reason = f[2]
	}
}

// splitSpaces splits s into at most n (at most 3) fields separated by runs
// of spaces or tabs; the last field keeps its inner spaces. It returns the
// fields in an array, and how many there are, so that it allocates nothing.
func splitSpaces(s []byte, n int) (out [3][]byte, k int) {
	for len(s) > 0 && k < n {
		s = bytes.TrimLeft(s, " \t")
		if len(s) == 0 {
			break
		}
		if k == n-1 {
			out[k] = bytes.TrimRight(s, " \t")
			k++
			break
		}
		i := bytes.IndexAny(s, " \t")
		if i < 0 {
			out[k] = s
			k++
			break
		}
		out[k] = s[:i]
		k++
		s = s[i:]
	}
	return out, k
}

func (m *Message) reset() {
	head := m.head[:0]
	hdr := m.Headers[:0]
	body := m.Body[:0]
	*m = Message{head: head, Headers: hdr, Body: body}
}
