package http2

import (
	"encoding/base64"
	"strings"

	"golang.org/x/net/http2/hpack"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// Config bounds a parser. Zero fields take the defaults, which are the
// HTTP/1 parser's (package http).
type Config struct {
	// RequestBodyLimit and ResponseBodyLimit cap the body bytes kept per
	// stream and direction (and the decompressed result).
	RequestBodyLimit  int
	ResponseBodyLimit int
	// MaxHeaderBytes caps the decoded header fields kept per direction of
	// a transaction (name and value lengths plus 32 per field, as HPACK
	// counts them); later fields are decoded but dropped.
	MaxHeaderBytes int
	// MaxTx caps live transactions; the oldest is dropped past it.
	MaxTx int
}

// Defaults.
const (
	DefaultBodyLimit      = 100 * 1024
	DefaultMaxHeaderBytes = 64 * 1024
	DefaultMaxTx          = 512
)

func (c Config) withDefaults() Config {
	if c.RequestBodyLimit <= 0 {
		c.RequestBodyLimit = DefaultBodyLimit
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

// Frame types (RFC 9113 section 6).
const (
	FrameData         = 0x0
	FrameHeaders      = 0x1
	FramePriority     = 0x2
	FrameRSTStream    = 0x3
	FrameSettings     = 0x4
	FramePushPromise  = 0x5
	FramePing         = 0x6
	FrameGoAway       = 0x7
	FrameWindowUpdate = 0x8
	FrameContinuation = 0x9
)

// Frame flags.
const (
	flagEndStream  = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// Settings identifiers (RFC 9113 section 6.5.2).
const (
	SettingHeaderTableSize = 0x1
)

const (
	// preface is the client connection preface.
	preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
	// maxFrame is the largest non-DATA frame payload kept; longer
	// frames are skipped (Suricata handles 64 KiB too).
	maxFrame = 64 << 10
	// maxTableSize caps the HPACK dynamic table a peer may ask for.
	maxTableSize = 64 << 10
	// defaultTableSize is HPACK's initial dynamic table size.
	defaultTableSize = 4096
	// maxFrames caps the frame records kept per direction of a
	// transaction.
	maxFrames = 128
)

// Events a parser counts (Parser.Events).
const (
	EventInvalidHeader   = iota // a header block failed to decode
	EventLongFrame              // a non-DATA frame longer than 64 KiB was skipped
	EventInvalidFrame           // a frame's payload is malformed for its type
	EventTooManyStreams         // a transaction was dropped (MaxTx)
	EventInvalidPreface         // the client did not start with the preface
	EventHeaderListTrunc        // header fields were dropped (MaxHeaderBytes)
	numEvents
)

type frameHeader struct {
	length int
	typ    uint8
	flags  uint8
	stream uint32
}

// side is the framing state of one direction.
type side struct {
	dir applayer.Direction
	// prefaceLeft counts preface bytes still expected (to server only);
	// 0 once checked.
	prefaceLeft int
	hdr         [9]byte
	nhdr        int
	inFrame     bool
	fh          frameHeader
	pos         int    // payload bytes of the current frame consumed
	buf         []byte // payload of the current non-DATA frame
	skip        bool   // the current frame's payload is dropped
	padLen      int    // DATA padding length, once known
	dataTx      *Tx    // transaction of the current DATA frame
	// Header block in progress (HEADERS or PUSH_PROMISE, then
	// CONTINUATION until END_HEADERS). hb is its transaction, nil when
	// that was dropped meanwhile: the block is still decoded, to keep the
	// HPACK state, but its fields go nowhere.
	inBlock   bool
	hb        *Tx
	hbStream  uint32
	hbErr     bool
	hbEnd     bool // END_STREAM came with the block's first frame
	dec       *hpack.Decoder
	allowed   uint64 // dynamic table size the decoder accepts
	stopped   bool   // framing lost (gap): the rest is ignored
	headerMax int
}

// Parser parses one HTTP/2 connection. Create it with New.
type Parser struct {
	cfg Config
	// foreign are the transactions adopted from the parser this one took
	// over from (HTTP/1 before an h2c upgrade), oldest first.
	foreign []applayer.Tx
	txs     []*Tx
	next    uint64
	sides   [2]side
	state   applayer.State
	events  [numEvents]uint32
}

var (
	_ applayer.Parser    = (*Parser)(nil)
	_ applayer.Successor = (*Parser)(nil)
)

// New returns a parser for one connection.
func New(cfg Config) *Parser {
	p := &Parser{cfg: cfg.withDefaults()}
	for d := range p.sides {
		s := &p.sides[d]
		s.dir = applayer.Direction(d)
		s.padLen = -1
		s.allowed = defaultTableSize
		s.dec = hpack.NewDecoder(defaultTableSize, func(f hpack.HeaderField) { p.emit(s, f) })
		s.dec.SetMaxStringLength(p.cfg.MaxHeaderBytes)
	}
	p.sides[0].prefaceLeft = len(preface)
	return p
}

// State reports StateGap once data was lost (that direction is not
// parsed any more: HTTP/2 framing cannot be found again).
func (p *Parser) State() applayer.State { return p.state }

// Events returns how often each Event* occurred.
func (p *Parser) Events() [numEvents]uint32 { return p.events }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return len(p.foreign) + len(p.txs) }

// TxAt returns live transaction i (oldest first): the adopted ones, then
// this parser's own.
func (p *Parser) TxAt(i int) applayer.Tx {
	if i < len(p.foreign) {
		return p.foreign[i]
	}
	return p.txs[i-len(p.foreign)]
}

// Prune drops transactions with an ID below `below` that are complete in
// both directions.
func (p *Parser) Prune(below uint64) {
	k := 0
	for _, t := range p.foreign {
		if t.ID() < below && t.Complete(applayer.ToServer) && t.Complete(applayer.ToClient) {
			continue
		}
		p.foreign[k] = t
		k++
	}
	clear(p.foreign[k:])
	p.foreign = p.foreign[:k]
	k = 0
	for _, t := range p.txs {
		if t.id < below && t.Complete(applayer.ToServer) && t.Complete(applayer.ToClient) {
			p.dropped(t)
			continue
		}
		p.txs[k] = t
		k++
	}
	clear(p.txs[k:])
	p.txs = p.txs[:k]
}

// dropped forgets references the framing state keeps to t.
func (p *Parser) dropped(t *Tx) {
	for d := range p.sides {
		s := &p.sides[d]
		if s.hb == t {
			s.hb = nil // the rest of the block is decoded for nothing
		}
		if s.dataTx == t {
			s.dataTx = nil
		}
	}
}

// Adopt takes over the live transactions of prev (applayer.Successor).
// The last one answered by "101" is the upgrading request: it becomes
// stream 1, whose request is complete (RFC 7540 section 3.2).
func (p *Parser) Adopt(prev applayer.Parser) {
	if prev == nil {
		return
	}
	var up applayer.Tx
	for i := 0; i < prev.TxCount(); i++ {
		t := prev.TxAt(i)
		p.foreign = append(p.foreign, t)
		if t.ID() >= p.next {
			p.next = t.ID() + 1
		}
		if string(t.Buffer(applayer.ToClient, bufid.HTTPStatCode)) == "101" {
			up = t
		}
	}
	if up != nil {
		p.mimic(up)
	}
}

// mimic builds stream 1 from the HTTP/1 request that asked for the
// upgrade: :method and :path from the request line, Host as :authority,
// HTTP2-Settings as a SETTINGS transaction, the other headers as sent.
func (p *Parser) mimic(up applayer.Tx) {
	tx := p.streamTx(1)
	sd := &tx.s[applayer.ToServer]
	sd.started = true
	sd.frame(Frame{Type: FrameHeaders, Flags: flagEndHeaders | flagEndStream, Weight: -1})
	if m := up.Buffer(applayer.ToServer, bufid.HTTPMethod); m != nil {
		tx.addField(p, applayer.ToServer, ":method", m)
	}
	if u := up.Buffer(applayer.ToServer, bufid.HTTPURIRaw); u != nil {
		tx.addField(p, applayer.ToServer, ":path", u)
	}
	for i := 0; ; i++ {
		line, ok := up.BufferAt(applayer.ToServer, bufid.HTTPRequestHeader, i)
		if !ok {
			break
		}
		name, value := line, line[len(line):]
		if c := strings.IndexByte(string(line), ':'); c >= 0 {
			name, value = line[:c], line[c+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch {
		case string(name) == "HTTP2-Settings":
			p.upgradeSettings(value)
		case equalFold(name, "host"):
			tx.addField(p, applayer.ToServer, ":authority", value)
		default:
			tx.addField(p, applayer.ToServer, string(name), value)
		}
	}
	sd.ended = true
}

// upgradeSettings records the HTTP2-Settings header of an upgrade request
// (base64url of a SETTINGS payload) as a client SETTINGS transaction.
func (p *Parser) upgradeSettings(v []byte) {
	s := strings.TrimRight(strings.TrimSpace(string(v)), "=")
	dec, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		if dec, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			p.events[EventInvalidFrame]++
			return
		}
	}
	if len(dec)%6 != 0 {
		p.events[EventInvalidFrame]++
	}
	tx := p.globalTx()
	p.settings(&p.sides[applayer.ToServer], tx, Frame{Type: FrameSettings}, dec)
}

// Parse consumes the next in-order bytes of direction dir. data is not
// kept.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	s := &p.sides[dir&1]
	if s.stopped {
		return
	}
	if s.prefaceLeft > 0 && len(data) > 0 {
		off := len(preface) - s.prefaceLeft
		n := min(len(data), s.prefaceLeft)
		if string(data[:n]) == preface[off:off+n] {
			s.prefaceLeft -= n
			data = data[n:]
		} else {
			// No preface (a capture that starts later, or a client
			// that skipped it): frames start here.
			p.events[EventInvalidPreface]++
			s.prefaceLeft = 0
		}
	}
	for len(data) > 0 {
		if !s.inFrame {
			n := copy(s.hdr[s.nhdr:], data)
			s.nhdr += n
			data = data[n:]
			if s.nhdr < len(s.hdr) {
				return
			}
			s.nhdr = 0
			p.startFrame(s)
			continue
		}
		n := min(s.fh.length-s.pos, len(data))
		chunk := data[:n]
		data = data[n:]
		if s.fh.typ == FrameData {
			p.dataChunk(s, chunk, s.pos)
		} else if !s.skip {
			s.buf = append(s.buf, chunk...)
		}
		s.pos += n
		if s.pos == s.fh.length {
			p.endFrame(s)
		}
	}
}

// Gap records lost bytes in direction dir: frame boundaries are lost,
// so the direction is not parsed any more.
func (p *Parser) Gap(dir applayer.Direction, n int) {
	if n <= 0 {
		return
	}
	s := &p.sides[dir&1]
	s.stopped = true
	if s.inBlock {
		s.dec.Close()
		s.inBlock, s.hb = false, nil
	}
	s.buf = nil
	p.state |= applayer.StateGap
}

func (p *Parser) startFrame(s *side) {
	h := &s.hdr
	s.fh = frameHeader{
		length: int(h[0])<<16 | int(h[1])<<8 | int(h[2]),
		typ:    h[3],
		flags:  h[4],
		stream: (uint32(h[5])<<24 | uint32(h[6])<<16 | uint32(h[7])<<8 | uint32(h[8])) &^ (1 << 31),
	}
	s.inFrame, s.pos = true, 0
	s.buf = s.buf[:0]
	s.skip = s.fh.typ != FrameData && s.fh.length > maxFrame
	if s.skip {
		p.events[EventLongFrame]++
	}
	if s.inBlock && (s.fh.typ != FrameContinuation || s.fh.stream != s.hbStream) {
		// A header block must be continued right away: end it here.
		p.endBlock(s)
	}
	if s.fh.typ == FrameData {
		s.padLen = 0
		if s.fh.flags&flagPadded != 0 {
			s.padLen = -1
		}
		s.dataTx = p.txFor(s.fh.stream)
		s.dataTx.s[s.dir].started = true
	}
	if s.fh.length == 0 {
		p.endFrame(s)
	}
}

// dataChunk hands the DATA payload bytes [start, start+len(chunk)) of the
// current frame to its transaction, without the padding.
func (p *Parser) dataChunk(s *side, chunk []byte, start int) {
	lo := 0
	if s.fh.flags&flagPadded != 0 {
		if start == 0 && len(chunk) > 0 {
			s.padLen = int(chunk[0])
		}
		lo = 1
	}
	hi := s.fh.length - max(s.padLen, 0)
	a, b := max(start, lo), min(start+len(chunk), hi)
	if a >= b || s.dataTx == nil {
		return
	}
	s.dataTx.body(p, s.dir, chunk[a-start:b-start])
}

// endFrame handles a complete frame (DATA payload was already passed on).
func (p *Parser) endFrame(s *side) {
	s.inFrame = false
	fh := s.fh
	pl := s.buf
	f := Frame{Type: fh.typ, Flags: fh.flags, Weight: -1}
	switch fh.typ {
	case FrameData:
		tx := s.dataTx
		s.dataTx = nil
		if tx == nil {
			return
		}
		if s.fh.flags&flagPadded != 0 && (fh.length == 0 || s.padLen+1 > fh.length) {
			p.events[EventInvalidFrame]++
		}
		tx.s[s.dir].frame(f)
		if fh.flags&flagEndStream != 0 {
			tx.end(s.dir)
		}
	case FrameHeaders:
		tx := p.txFor(fh.stream)
		sd := &tx.s[s.dir]
		sd.started = true
		frag, ok := p.unpad(s, pl)
		if ok && fh.flags&flagPriority != 0 {
			if len(frag) < 5 {
				ok = false
			} else {
				f.Weight = int16(frag[4])
				frag = frag[5:]
			}
		}
		sd.frame(f)
		if !ok {
			p.events[EventInvalidFrame]++
		}
		p.beginBlock(s, tx, frag, ok)
		s.hbEnd = fh.flags&flagEndStream != 0
		if fh.flags&flagEndHeaders != 0 {
			p.endBlock(s)
		}
	case FrameContinuation:
		if !s.inBlock {
			// Not following a header block: nothing to decode it with.
			tx := p.txFor(fh.stream)
			tx.s[s.dir].frame(f)
			p.events[EventInvalidFrame]++
			return
		}
		if s.hb != nil {
			s.hb.s[s.dir].frame(f)
		}
		p.feedBlock(s, pl)
		if fh.flags&flagEndHeaders != 0 {
			p.endBlock(s)
		}
	case FramePushPromise:
		frag, ok := p.unpad(s, pl)
		if !ok || len(frag) < 4 {
			tx := p.txFor(fh.stream)
			tx.s[s.dir].frame(f)
			p.events[EventInvalidFrame]++
			p.beginBlock(s, tx, nil, false)
		} else {
			// The promised stream's request comes as this block; its
			// client side never sends (Suricata files the block under
			// the promised stream, in the pushing direction).
			id := (uint32(frag[0])<<24 | uint32(frag[1])<<16 | uint32(frag[2])<<8 | uint32(frag[3])) &^ (1 << 31)
			tx := p.txFor(id)
			tx.s[s.dir].started = true
			tx.s[s.dir].frame(f)
			tx.s[applayer.ToServer].ended = true
			p.beginBlock(s, tx, frag[4:], true)
		}
		s.hbEnd = false
		if fh.flags&flagEndHeaders != 0 {
			p.endBlock(s)
		}
	case FramePriority:
		tx := p.txFor(fh.stream)
		if len(pl) == 5 {
			f.Weight = int16(pl[4])
		} else {
			p.events[EventInvalidFrame]++
		}
		tx.s[s.dir].frame(f)
	case FrameRSTStream:
		tx := p.txFor(fh.stream)
		if len(pl) == 4 {
			f.ErrorCode, f.HasErrorCode = be32(pl), true
		} else {
			p.events[EventInvalidFrame]++
		}
		tx.s[s.dir].frame(f)
		if !tx.global {
			tx.end(applayer.ToServer)
			tx.end(applayer.ToClient)
		}
	case FrameSettings:
		if fh.length == 0 {
			return // an acknowledgement: no transaction (as Suricata)
		}
		tx := p.txFor(fh.stream)
		if !s.skip {
			p.settings(s, tx, f, pl)
		} else {
			tx.s[s.dir].frame(f)
		}
	case FrameGoAway:
		tx := p.txFor(fh.stream)
		if len(pl) >= 8 {
			f.ErrorCode, f.HasErrorCode = be32(pl[4:]), true
		} else {
			p.events[EventInvalidFrame]++
		}
		tx.s[s.dir].frame(f)
	case FrameWindowUpdate:
		tx := p.txFor(fh.stream)
		if len(pl) == 4 {
			f.Window, f.HasWindow = be32(pl)&^(1<<31), true
		} else {
			p.events[EventInvalidFrame]++
		}
		tx.s[s.dir].frame(f)
	default: // PING and unknown types
		tx := p.txFor(fh.stream)
		tx.s[s.dir].frame(f)
	}
	if cap(s.buf) > maxFrame {
		s.buf = nil // do not keep a large buffer for the flow's lifetime
	}
}

// settings records a SETTINGS payload on tx and applies
// SETTINGS_HEADER_TABLE_SIZE: a peer's setting bounds the dynamic table
// the other direction's encoder may use.
func (p *Parser) settings(s *side, tx *Tx, f Frame, pl []byte) {
	sd := &tx.s[s.dir]
	sd.started = true
	sd.frame(f)
	if len(pl)%6 != 0 {
		p.events[EventInvalidFrame]++
	}
	for ; len(pl) >= 6; pl = pl[6:] {
		st := Setting{ID: uint16(pl[0])<<8 | uint16(pl[1]), Value: be32(pl[2:])}
		sd.setting(st)
		if st.ID == SettingHeaderTableSize {
			o := &p.sides[s.dir.Reverse()]
			o.allowed = min(uint64(st.Value), maxTableSize)
			o.dec.SetAllowedMaxDynamicTableSize(uint32(o.allowed))
		}
	}
}

// unpad strips the pad length byte and the padding of a HEADERS or
// PUSH_PROMISE payload.
func (p *Parser) unpad(s *side, pl []byte) ([]byte, bool) {
	if s.skip {
		return nil, false
	}
	if s.fh.flags&flagPadded == 0 {
		return pl, true
	}
	if len(pl) == 0 || int(pl[0]) >= len(pl) {
		return nil, false
	}
	return pl[1 : len(pl)-int(pl[0])], true
}

// beginBlock starts decoding a header block for tx with its first
// fragment. ok false means the fragment is unusable: the block is
// skipped (the HPACK state may be lost with it).
func (p *Parser) beginBlock(s *side, tx *Tx, frag []byte, ok bool) {
	s.inBlock, s.hb, s.hbStream, s.hbErr = true, tx, s.fh.stream, !ok
	if !ok {
		p.events[EventInvalidHeader]++
		return
	}
	// Dynamic table size updates may only start a block (RFC 7541
	// section 4.2); Suricata lists them as fields of their own
	// (http2.size_update), so they are read here before the decoder
	// applies them.
	b := frag
	for len(b) > 0 && b[0]&0xe0 == 0x20 {
		v, n := readVarInt(5, b)
		if n == 0 {
			break
		}
		tx.s[s.dir].addSizeUpdate(v)
		if v > s.allowed && v <= maxTableSize {
			// Tolerated: the peer's decoder is the judge, not us.
			s.allowed = v
			s.dec.SetAllowedMaxDynamicTableSize(uint32(v))
		}
		b = b[n:]
	}
	p.feedBlock(s, frag)
}

func (p *Parser) feedBlock(s *side, frag []byte) {
	if s.hbErr || len(frag) == 0 {
		return
	}
	if _, err := s.dec.Write(frag); err != nil {
		s.hbErr = true
		p.events[EventInvalidHeader]++
	}
}

// endBlock ends the header block in progress.
func (p *Parser) endBlock(s *side) {
	if err := s.dec.Close(); err != nil && !s.hbErr {
		p.events[EventInvalidHeader]++
	}
	tx, end := s.hb, s.hbEnd
	s.inBlock, s.hb, s.hbErr, s.hbEnd = false, nil, false, false
	if tx != nil && end {
		tx.end(s.dir)
	}
}

// emit receives one decoded header field of side s.
func (p *Parser) emit(s *side, f hpack.HeaderField) {
	if s.hb == nil || s.hbErr {
		return
	}
	s.hb.addField(p, s.dir, f.Name, []byte(f.Value))
}

// txFor returns the transaction of stream id, creating it: stream 0
// frames each make a global transaction.
func (p *Parser) txFor(id uint32) *Tx {
	if id == 0 {
		return p.globalTx()
	}
	for i := len(p.txs) - 1; i >= 0; i-- {
		if t := p.txs[i]; !t.global && t.stream == id {
			return t
		}
	}
	return p.streamTx(id)
}

func (p *Parser) globalTx() *Tx {
	t := p.newTx()
	t.global = true
	return t
}

func (p *Parser) streamTx(id uint32) *Tx {
	t := p.newTx()
	t.stream = id
	return t
}

func (p *Parser) newTx() *Tx {
	if len(p.txs) > 0 && len(p.txs)+len(p.foreign) >= p.cfg.MaxTx {
		old := p.txs[0]
		copy(p.txs, p.txs[1:])
		p.txs[len(p.txs)-1] = nil
		p.txs = p.txs[:len(p.txs)-1]
		p.dropped(old)
		p.events[EventTooManyStreams]++
	}
	t := &Tx{id: p.next, p: p}
	p.next++
	p.txs = append(p.txs, t)
	return t
}

// readVarInt reads an HPACK integer with an n-bit prefix (RFC 7541
// section 5.1). It returns the bytes used, 0 when b is too short or the
// value overflows.
func readVarInt(n uint, b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	mask := uint64(1)<<n - 1
	v := uint64(b[0]) & mask
	if v < mask {
		return v, 1
	}
	var m uint
	for i := 1; i < len(b); i++ {
		c := b[i]
		if m > 56 {
			return 0, 0
		}
		v += uint64(c&0x7f) << m
		m += 7
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
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
