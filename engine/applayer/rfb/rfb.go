package rfb

import (
	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

const (
	versionLen = 12       // "RFB xxx.yyy\n"
	maxQueue   = 4 << 10  // bytes queued per direction while the other side is awaited
	maxName    = 16 << 10 // desktop name bytes kept (the rest is skipped)
	maxReason  = 1 << 10  // failure reason bytes kept
)

// Security types the parser follows (RFC 6143 section 7.2). Other types
// (Tight, VeNCrypt, Apple, ...) have their own sub-protocols: the handshake
// transaction ends when one of them is selected.
const (
	SecInvalid uint32 = 0
	SecNone    uint32 = 1
	SecVNCAuth uint32 = 2
)

// SecurityResult values, under the names rfb.secresult accepts. Unknown
// (3) is the value of the keyword's "unknown"; it is not a protocol value.
const (
	ResultOK      uint32 = 0
	ResultFail    uint32 = 1
	ResultTooMany uint32 = 2
	ResultUnknown uint32 = 3
)

// step is the next handshake message the parser expects.
type step uint8

const (
	stServerVersion step = iota
	stClientVersion
	stServerSecType // 3.3: the server imposes a type (u32)
	stSecTypes      // 3.7+: the server offers a list (u8 count, types)
	stSecChoice     // 3.7+: the client picks one (u8)
	stChallenge
	stResponse
	stSecResult
	stReasonLen
	stReason
	stClientInit
	stServerInit
	stName
	stDone
)

// stepDir is the direction each step reads.
var stepDir = [stDone]applayer.Direction{
	stServerVersion: applayer.ToClient,
	stClientVersion: applayer.ToServer,
	stServerSecType: applayer.ToClient,
	stSecTypes:      applayer.ToClient,
	stSecChoice:     applayer.ToServer,
	stChallenge:     applayer.ToClient,
	stResponse:      applayer.ToServer,
	stSecResult:     applayer.ToClient,
	stReasonLen:     applayer.ToClient,
	stReason:        applayer.ToClient,
	stClientInit:    applayer.ToServer,
	stServerInit:    applayer.ToClient,
	stName:          applayer.ToClient,
}

// Parser parses the handshake of one RFB connection.
type Parser struct {
	q      [2][]byte // queued bytes per direction, not yet consumed
	step   step
	v33    bool // negotiated 3.3 (to 3.6): the server imposes the security type
	v38    bool // negotiated 3.8 or later: SecurityResult after None, failure reasons
	remain int  // bytes left of the reason or name being read
	tx     Tx
	txOK   bool // the server's version was seen: the transaction exists
	state  applayer.State
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one connection.
func New() *Parser { return &Parser{} }

// State reports StateError after a malformed handshake and StateGap after
// lost data; the parser stops in both cases.
func (p *Parser) State() applayer.State { return p.state }

// TxCount returns 1 once the server's ProtocolVersion was parsed, else 0.
func (p *Parser) TxCount() int {
	if p.txOK {
		return 1
	}
	return 0
}

// TxAt returns the handshake transaction.
func (p *Parser) TxAt(int) applayer.Tx { return &p.tx }

// Tx returns the transaction with its concrete type (valid once TxCount
// is 1).
func (p *Parser) Tx() *Tx { return &p.tx }

// Prune does nothing: the transaction lives as long as the flow.
func (p *Parser) Prune(uint64) {}

// Gap ends parsing: message boundaries are lost.
func (p *Parser) Gap(_ applayer.Direction, n int) {
	if n > 0 && p.step != stDone {
		p.state |= applayer.StateGap
		p.finish()
		p.q = [2][]byte{}
	}
}

// Parse consumes the next in-order bytes of direction dir. Bytes of the
// direction the handshake does not wait for yet are queued (up to
// maxQueue); after the handshake everything is ignored.
func (p *Parser) Parse(dir applayer.Direction, data []byte) {
	d := dir & 1
	for len(data) > 0 && p.step != stDone {
		room := maxQueue - len(p.q[d])
		if room <= 0 {
			// More than a handshake's worth ahead of the other side:
			// not RFB as the parser knows it.
			p.fail()
			p.q = [2][]byte{}
			return
		}
		n := min(room, len(data))
		p.q[d] = append(p.q[d], data[:n]...) // copied: data is the caller's
		data = data[n:]
		p.run()
	}
}

// run advances through the handshake as far as the queued bytes allow.
func (p *Parser) run() {
	for p.step != stDone {
		d := stepDir[p.step]
		n := p.advance(p.q[d])
		if p.step == stDone {
			break
		}
		if n == 0 {
			return // wait for more bytes of d
		}
		p.q[d] = p.q[d][:copy(p.q[d], p.q[d][n:])]
	}
	p.q = [2][]byte{} // the rest of the flow is not parsed
}

func (p *Parser) finish() {
	p.tx.done = true
	p.step = stDone
}

func (p *Parser) fail() {
	p.state |= applayer.StateError
	p.finish()
}

// advance parses the message of the current step from b, the queue of its
// direction, and returns the bytes consumed: 0 when b holds too few (or the
// parser stopped).
func (p *Parser) advance(b []byte) int {
	t := &p.tx
	switch p.step {
	case stServerVersion, stClientVersion:
		if len(b) < versionLen {
			return 0
		}
		v, ok := parseVersion(b)
		if !ok {
			p.fail()
			return 0
		}
		if p.step == stServerVersion {
			t.ServerVersion, t.HasServerVersion = v, true
			p.txOK = true
			p.step = stClientVersion
			return versionLen
		}
		t.ClientVersion, t.HasClientVersion = v, true
		// The server follows the version the client answered (RFC 6143
		// section 7.1.1); 3.4 to 3.6 are 3.3 under other names.
		maj, minor, num := v.number()
		p.v33 = num && (maj < 3 || maj == 3 && minor < 7)
		p.v38 = !num || maj > 3 || minor >= 8
		p.step = stSecTypes
		if p.v33 {
			p.step = stServerSecType
		}
		return versionLen
	case stServerSecType:
		if len(b) < 4 {
			return 0
		}
		st := binary.BigEndian.Uint32(b)
		p.setSecType(st)
		switch st {
		case SecInvalid:
			p.step = stReasonLen // failure: a reason follows
		case SecNone:
			p.step = stClientInit
		case SecVNCAuth:
			p.step = stChallenge
		default:
			t.unimplemented = true
			p.finish()
		}
		return 4
	case stSecTypes:
		if len(b) < 1 || len(b) < 1+int(b[0]) {
			return 0
		}
		n := int(b[0])
		t.SecurityTypes = append(make([]byte, 0, n), b[1:1+n]...)
		t.HasSecurityTypes = true
		p.step = stSecChoice
		if n == 0 {
			p.step = stReasonLen // no type offered: a reason follows
		}
		return 1 + n
	case stSecChoice:
		if len(b) < 1 {
			return 0
		}
		st := uint32(b[0])
		p.setSecType(st)
		switch {
		case st == SecNone && p.v38:
			p.step = stSecResult
		case st == SecNone:
			p.step = stClientInit
		case st == SecVNCAuth:
			p.step = stChallenge
		default:
			t.unimplemented = true
			p.finish()
		}
		return 1
	case stChallenge, stResponse:
		if len(b) < 16 {
			return 0
		}
		if p.step == stChallenge {
			copy(t.Challenge[:], b)
			t.HasChallenge = true
			p.step = stResponse
		} else {
			copy(t.Response[:], b)
			t.HasResponse = true
			p.step = stSecResult
		}
		return 16
	case stSecResult:
		if len(b) < 4 {
			return 0
		}
		r := binary.BigEndian.Uint32(b)
		t.SecResult, t.HasSecResult = r, true
		binary.BigEndian.PutUint32(t.secResultBuf[:], r)
		switch {
		case r == ResultOK:
			p.step = stClientInit
		case p.v38:
			p.step = stReasonLen
		default:
			p.finish() // 3.3 and 3.7 close without a reason
		}
		return 4
	case stReasonLen:
		if len(b) < 4 {
			return 0
		}
		p.remain = lenField(b)
		p.step = stReason
		if p.remain == 0 {
			p.finish()
		}
		return 4
	case stReason, stName:
		k := min(p.remain, len(b))
		if k == 0 {
			return 0
		}
		if p.step == stReason {
			t.FailureReason = appendCapped(t.FailureReason, b[:k], maxReason)
		} else {
			t.Name = appendCapped(t.Name, b[:k], maxName)
		}
		p.remain -= k
		if p.remain == 0 {
			t.HasServerInit = t.HasServerInit || p.step == stName
			p.finish()
		}
		return k
	case stClientInit:
		if len(b) < 1 {
			return 0
		}
		t.Shared, t.HasClientInit = b[0], true
		p.step = stServerInit
		return 1
	case stServerInit:
		if len(b) < 24 {
			return 0
		}
		t.Width = binary.BigEndian.Uint16(b[0:])
		t.Height = binary.BigEndian.Uint16(b[2:])
		t.PixelFormat = parsePixelFormat(b[4:20])
		p.remain = lenField(b[20:])
		p.step = stName
		if p.remain == 0 {
			t.HasServerInit = true
			p.finish()
		}
		return 24
	}
	return 0
}

// lenField reads a u32 string length, bounded so that it fits an int on
// every platform (longer strings are skipped to their end anyway).
func lenField(b []byte) int { return int(min(binary.BigEndian.Uint32(b), 1<<30)) }

func (p *Parser) setSecType(st uint32) {
	p.tx.SecType, p.tx.HasSecType = st, true
	binary.BigEndian.PutUint32(p.tx.secTypeBuf[:], st)
}

// appendCapped appends b to dst without letting dst grow past limit.
func appendCapped(dst, b []byte, limit int) []byte {
	if room := limit - len(dst); room < len(b) {
		b = b[:max(room, 0)]
	}
	return append(dst, b...)
}

// parseVersion reads a ProtocolVersion message; the two numbers are taken
// as sent, digits or not (Version.number tells).
func parseVersion(b []byte) (Version, bool) {
	var v Version
	if string(b[:4]) != "RFB " || b[7] != '.' || b[11] != '\n' {
		return v, false
	}
	copy(v.Major[:], b[4:7])
	copy(v.Minor[:], b[8:11])
	return v, true
}

func parsePixelFormat(b []byte) PixelFormat {
	return PixelFormat{
		BitsPerPixel: b[0], Depth: b[1], BigEndian: b[2], TrueColour: b[3],
		RedMax:   binary.BigEndian.Uint16(b[4:]),
		GreenMax: binary.BigEndian.Uint16(b[6:]),
		BlueMax:  binary.BigEndian.Uint16(b[8:]),
		RedShift: b[10], GreenShift: b[11], BlueShift: b[12],
	}
}

// Version is a ProtocolVersion: "RFB " Major "." Minor "\n", each three
// characters as sent (normally decimal digits, "003.008").
type Version struct {
	Major, Minor [3]byte
}

// String returns "major.minor" as sent, e.g. "003.008".
func (v Version) String() string {
	return string(v.Major[:]) + "." + string(v.Minor[:])
}

// number returns the version's numbers; ok is false when a part is not
// three decimal digits.
func (v Version) number() (major, minor int, ok bool) {
	dec := func(s [3]byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	major, ok1 := dec(v.Major)
	minor, ok2 := dec(v.Minor)
	return major, minor, ok1 && ok2
}

// PixelFormat is the server's pixel format of ServerInit (RFC 6143
// section 7.4); flags are kept as sent.
type PixelFormat struct {
	BitsPerPixel, Depth   uint8
	BigEndian, TrueColour uint8
	RedMax, GreenMax      uint16
	BlueMax               uint16
	RedShift, GreenShift  uint8
	BlueShift             uint8
}

// Tx is the handshake transaction of an RFB connection. Has* fields say
// whether the message carrying the field was seen.
type Tx struct {
	ServerVersion, ClientVersion       Version
	HasServerVersion, HasClientVersion bool
	// SecurityTypes is the list the server offered (3.7 and later).
	SecurityTypes    []byte
	HasSecurityTypes bool
	// SecType is the security type in use: imposed by the server (3.3)
	// or chosen by the client from the list.
	SecType    uint32
	HasSecType bool
	// Challenge and Response are the VNC authentication exchange.
	Challenge, Response       [16]byte
	HasChallenge, HasResponse bool
	SecResult                 uint32
	HasSecResult              bool
	// FailureReason is the server's reason string of a failed handshake
	// (first maxReason bytes).
	FailureReason []byte
	// Shared is the ClientInit shared-flag.
	Shared        uint8
	HasClientInit bool
	// Width, Height, PixelFormat and Name are the ServerInit; Name keeps
	// the first maxName bytes of the desktop name.
	Width, Height uint16
	PixelFormat   PixelFormat
	Name          []byte
	HasServerInit bool

	done                     bool
	secTypeBuf, secResultBuf [4]byte // big-endian SecType and SecResult
	// unimplemented is set when the security type in use is one the
	// parser does not follow (EventUnimplementedSecurityType).
	unimplemented bool
}

var (
	_ applayer.Tx      = (*Tx)(nil)
	_ applayer.EventTx = (*Tx)(nil)
)

// EventUnimplementedSecurityType is Suricata's rfb event for a security
// type other than None and VNC authentication (Tight, VeNCrypt, Apple,
// ...): the handshake is not followed further.
const EventUnimplementedSecurityType = "unimplemented_security_type"

// EventCount returns the number of app-layer events raised on t.
func (t *Tx) EventCount() int {
	if t.unimplemented {
		return 1
	}
	return 0
}

// EventName returns the name of event i.
func (t *Tx) EventName(int) string { return EventUnimplementedSecurityType }

// Proto returns bufid.ProtoRFB.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoRFB }

// ID returns 0.
func (t *Tx) ID() uint64 { return 0 }

// Complete reports whether the handshake is over (both directions: the
// transaction is the handshake as a whole, as in Suricata).
func (t *Tx) Complete(applayer.Direction) bool { return t.done }

// Buffer returns rfb.name (the ServerInit desktop name, when not empty),
// rfb.sectype and rfb.secresult (4 bytes big endian, when seen). dir is
// ignored: each buffer belongs to one side of the handshake.
func (t *Tx) Buffer(_ applayer.Direction, b applayer.BufferID) []byte {
	switch b {
	case bufid.RFBName:
		if t.HasServerInit && len(t.Name) > 0 {
			return t.Name
		}
	case bufid.RFBSecType:
		if t.HasSecType {
			return t.secTypeBuf[:]
		}
	case bufid.RFBSecResult:
		if t.HasSecResult {
			return t.secResultBuf[:]
		}
	}
	return nil
}

// BufferAt returns Buffer for i == 0.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if i != 0 {
		return nil, false
	}
	v := t.Buffer(dir, b)
	return v, v != nil
}
