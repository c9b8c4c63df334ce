package ike

import (
	"vigil/engine/applayer/ike/isakmp"

	"encoding/binary"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// MaxTx caps live transactions per flow; the oldest are dropped first.
const MaxTx = 256

// Side is what one side of an IKEv1 exchange sent last: the state
// Suricata's record repeats on every transaction.
type Side struct {
	KeyExchange []byte
	Nonce       []byte
	// Transform is the first transform of the side's last SA payload;
	// Transforms counts the transforms of its SA payloads since.
	Transform  []Attribute
	Transforms int
}

func (s *Side) update(m *v1Message) {
	s.KeyExchange, s.Nonce = m.keyExchange, m.nonce
	if s.Transforms == 0 && len(m.transforms) > 0 {
		s.Transform = m.transforms[0]
	}
	s.Transforms += len(m.transforms)
}

// Tx is one IKE message.
type Tx struct {
	id  uint64
	dir applayer.Direction
	// Version is the message's major version (1 or 2).
	Version uint8
	Header  isakmp.Header
	// The IKEv1 content of the message.
	Encrypted   bool
	KeyExchange []byte
	Nonce       []byte
	Transforms  [][]Attribute
	VendorIDs   []string
	// PayloadTypes are the payload types met, in ascending order (IKEv1),
	// or the next-payload fields of the payloads in order (IKEv2).
	PayloadTypes []uint8
	// The flow's IKEv1 state when the message was parsed.
	DOI            uint32
	HasDOI         bool
	Client, Server Side
	// The IKEv2 content: the responder's chosen transforms (type, id)
	// and the notify message types.
	V2Transforms []V2Transform
	Notify       []uint16
	Errors       int
	// The IKEv2 algorithms the responder chose so far in the flow.
	V2Chosen V2Chosen

	spiI, spiR  [16]byte
	exch        [4]byte
	keLen, nLen [4]byte
	sa          []byte // ike.chosen_sa_attribute records (see BufferAt)
}

var _ applayer.Tx = (*Tx)(nil)

// Proto returns bufid.ProtoIKE.
func (t *Tx) Proto() applayer.Proto { return bufid.ProtoIKE }

// ID returns the transaction id (creation order).
func (t *Tx) ID() uint64 { return t.id }

// Dir returns the direction the message was sent in.
func (t *Tx) Dir() applayer.Direction { return t.dir }

// Complete is true: a transaction is one whole message.
func (t *Tx) Complete(applayer.Direction) bool { return true }

// Buffer returns buffer b (see BufferAt).
func (t *Tx) Buffer(dir applayer.Direction, b applayer.BufferID) []byte {
	v, _ := t.BufferAt(dir, b, 0)
	return v
}

// BufferAt returns the ike.* buffers of the message: the SPIs as 16
// lower-case hex digits, the exchange type and the IKEv1 key exchange and
// nonce lengths as 4-byte big-endian numbers, the IKEv1 key exchange data
// and nonce as sent, one vendor ID (hex) per instance. IKEChosenSA holds
// the numeric attributes of the message's first transform as 6-byte
// records: attribute type (2 bytes, IKEv1 numbering; IKEv2 transforms map
// encryption to 1, integrity to 3, DH group to 4, PRF to 13) and value
// (4 bytes), first of each type only.
//
// A transaction belongs to the direction of its message (Suricata 8
// transactions are unidirectional): nothing is returned for the other.
func (t *Tx) BufferAt(dir applayer.Direction, b applayer.BufferID, i int) ([]byte, bool) {
	if dir != t.dir {
		return nil, false
	}
	if b == bufid.IKEVendor {
		if t.Version == 1 && i < len(t.VendorIDs) {
			return []byte(t.VendorIDs[i]), true
		}
		return nil, false
	}
	if i != 0 {
		return nil, false
	}
	switch b {
	case bufid.IKEInitSPI:
		return t.spiI[:], true
	case bufid.IKERespSPI:
		return t.spiR[:], true
	case bufid.IKEExchType:
		return t.exch[:], true
	case bufid.IKEKeyExchange:
		if t.Version == 1 && len(t.KeyExchange) > 0 {
			return t.KeyExchange, true
		}
	case bufid.IKENonce:
		if t.Version == 1 && len(t.Nonce) > 0 {
			return t.Nonce, true
		}
	case bufid.IKEKeyExchangeLen:
		if t.Version == 1 && len(t.KeyExchange) > 0 {
			return t.keLen[:], true
		}
	case bufid.IKENonceLen:
		if t.Version == 1 && len(t.Nonce) > 0 {
			return t.nLen[:], true
		}
	case bufid.IKEChosenSA:
		if len(t.sa) > 0 {
			return t.sa, true
		}
	}
	return nil, false
}

// Parser parses the IKE messages of one UDP flow.
type Parser struct {
	txs    applayer.TxQueue[*Tx]
	next   uint64
	doi    uint32
	hasDOI bool
	client Side
	server Side
	chosen V2Chosen
	// Malformed counts datagrams that were not IKE messages.
	Malformed int
}

var _ applayer.Parser = (*Parser)(nil)

// New returns a parser for one flow.
func New() *Parser { return &Parser{} }

// ParseDatagram handles one UDP payload: one message.
func (p *Parser) ParseDatagram(dir applayer.Direction, data []byte) {
	h, ok := isakmp.ParseHeader(data)
	if !ok || h.Major != 1 && h.Major != 2 {
		p.Malformed++
		return
	}
	t := &Tx{dir: dir, Version: h.Major, Header: h}
	hex16(t.spiI[:], h.InitSPI)
	hex16(t.spiR[:], h.RespSPI)
	binary.BigEndian.PutUint32(t.exch[:], uint32(h.ExchType))
	body := data[isakmp.HeaderLen:]
	if h.Major == 1 {
		if !p.v1(t, h, body) {
			p.Malformed++
			return
		}
	} else {
		p.v2(t, h, body)
	}
	t.id = p.next
	p.next++
	p.txs.Push(t, MaxTx)
}

func hex16(dst []byte, v uint64) {
	const digits = "0123456789abcdef"
	for i := 15; i >= 0; i-- {
		dst[i] = digits[v&0xf]
		v >>= 4
	}
}

// v1 fills t from an IKEv1 message; false when a payload is malformed
// (Suricata then makes no transaction).
func (p *Parser) v1(t *Tx, h isakmp.Header, body []byte) bool {
	t.Encrypted = h.Flags&1 != 0
	var m v1Message
	if t.Encrypted {
		m.payloadTypes[h.NextPayload] = true
	} else {
		m.payloadTypes[h.NextPayload] = true
		if err := payloads(body, h.NextPayload, m.parse); err != nil {
			return false
		}
		if m.hasDOI {
			p.doi, p.hasDOI = m.doi, true
		}
		side := &p.client
		if t.dir == applayer.ToClient {
			side = &p.server
		}
		if m.payloadTypes[payloadSA] {
			*side = Side{}
		}
		side.update(&m)
	}
	for typ, ok := range m.payloadTypes {
		if ok {
			t.PayloadTypes = append(t.PayloadTypes, uint8(typ))
		}
	}
	t.KeyExchange, t.Nonce, t.Transforms, t.VendorIDs = m.keyExchange, m.nonce, m.transforms, m.vendorIDs
	binary.BigEndian.PutUint32(t.keLen[:], uint32(len(t.KeyExchange)))
	binary.BigEndian.PutUint32(t.nLen[:], uint32(len(t.Nonce)))
	t.DOI, t.HasDOI, t.Client, t.Server = p.doi, p.hasDOI, p.client, p.server
	if len(t.Transforms) > 0 {
		var seen [256]bool
		for _, a := range t.Transforms[0] {
			if a.HasNumeric && a.Type < 256 && !seen[a.Type] {
				seen[a.Type] = true
				t.sa = appendSA(t.sa, a.Type, a.Value)
			}
		}
	}
	return true
}

func appendSA(b []byte, typ uint16, v uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, typ)
	return binary.BigEndian.AppendUint32(b, v)
}

// saNames are the attribute names of ike.chosen_sa_attribute and of the
// record, by IKEv1 attribute type.
var saNames = map[uint16]string{
	1: "alg_enc", 2: "alg_hash", 3: "alg_auth", 4: "alg_dh", 5: "sa_group_type",
	6: "sa_group_prime", 7: "sa_group_generator_one", 8: "sa_group_generator_two",
	9: "sa_group_curve_a", 10: "sa_group_curve_b", 11: "sa_life_type", 12: "sa_life_duration",
	13: "alg_prf", 14: "sa_key_length", 15: "sa_field_size", 16: "sa_group_order",
}

// SAName returns the name of an IKEv1 attribute type ("unknown" for
// others).
func SAName(typ uint16) string {
	if n, ok := saNames[typ]; ok {
		return n
	}
	return "unknown"
}

// Parse treats stream data as one datagram (IKE over TCP is not
// detected).
func (p *Parser) Parse(dir applayer.Direction, data []byte) { p.ParseDatagram(dir, data) }

// Gap is a no-op: datagrams carry no framing to lose.
func (p *Parser) Gap(applayer.Direction, int) {}

// State is always 0: a bad datagram does not stop the flow's parsing.
func (p *Parser) State() applayer.State { return 0 }

// TxCount returns the number of live transactions.
func (p *Parser) TxCount() int { return p.txs.Len() }

// TxAt returns live transaction i.
func (p *Parser) TxAt(i int) applayer.Tx { return p.txs.At(i) }

// Tx returns live transaction i with its concrete type.
func (p *Parser) Tx(i int) *Tx { return p.txs.At(i) }

// Prune drops transactions with an ID below below.
func (p *Parser) Prune(below uint64) { p.txs.Prune(below) }
