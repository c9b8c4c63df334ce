package snmp

import (
	"unicode/utf8"

	"vigil/engine/applayer/ber"
)

// PDU types: the context-specific tag of the PDU (RFC 3416 section 3,
// RFC 1157 section 4.1), as snmp.pdu_type numbers them.
const (
	PDUGetRequest     = 0
	PDUGetNextRequest = 1
	PDUResponse       = 2
	PDUSetRequest     = 3
	PDUTrapV1         = 4
	PDUGetBulkRequest = 5
	PDUInformRequest  = 6
	PDUTrapV2         = 7
	PDUReport         = 8
)

// usmModel is the msgSecurityModel of the User-based Security Model
// (RFC 3411 section 6.1).
const usmModel = 3

// Message is one decoded SNMP message. Community and User alias the
// input.
type Message struct {
	// Version is 1, 2 (v2c) or 3; the wire encodes v1 as 0 and v2c as 1.
	Version   uint32
	Community []byte // v1 and v2c
	// User is the USM msgUserName of a v3 message; HasUser is false when
	// the message does not use USM.
	User    []byte
	HasUser bool
	// PDUType is valid when HasPDU: false for an encrypted v3 payload.
	PDUType uint32
	HasPDU  bool
	// Encrypted is set for a v3 message whose scoped PDU is encrypted.
	Encrypted bool
	// Vars are the encoded OBJECT IDENTIFIERs of the variable bindings.
	Vars [][]byte
	// The v1 Trap-PDU fields (HasTrap): enterprise OID (encoded), agent
	// address and generic-trap number.
	HasTrap     bool
	TrapOID     []byte
	TrapAddr    []byte
	TrapGeneric int64
}

// EnvelopeVersion returns the version (1, 2 or 3) of a message from its
// outer shape alone: a SEQUENCE of three elements starting with INTEGER 0
// or 1, or of four starting with INTEGER 3. ok is false otherwise.
func EnvelopeVersion(msg []byte) (v uint32, ok bool) {
	e, _, err := ber.Read(msg)
	if err != nil || !e.Is(ber.Universal, true, ber.TagSequence) {
		return 0, false
	}
	r := ber.NewReader(e.Content)
	first, ok := r.Next()
	if !ok || !first.Is(ber.Universal, false, ber.TagInteger) {
		return 0, false
	}
	n := 1
	for r.More() {
		r.Next()
		n++
	}
	if r.Err() != nil {
		return 0, false
	}
	wire, ok := first.Int()
	switch {
	case !ok:
		return 0, false
	case n == 3 && (wire == 0 || wire == 1):
		return uint32(wire) + 1, true
	case n == 4 && wire == 3:
		return 3, true
	}
	return 0, false
}

// Parse decodes one SNMP message. ok is false when msg is not a
// well-formed v1, v2c or v3 message. Bytes after the message are ignored.
func Parse(msg []byte) (m Message, ok bool) {
	e, _, err := ber.Read(msg)
	if err != nil || !e.Is(ber.Universal, true, ber.TagSequence) {
		return m, false
	}
	r := ber.NewReader(e.Content)
	ver, ok := r.Next()
	if !ok || !ver.Is(ber.Universal, false, ber.TagInteger) {
		return m, false
	}
	wire, ok := ver.Int()
	if !ok {
		return m, false
	}
	switch wire {
	case 0, 1:
		m.Version = uint32(wire) + 1
		ok = m.parseV12(&r)
	case 3:
		m.Version = 3
		ok = m.parseV3(&r)
	default:
		return m, false
	}
	if !ok || r.More() || r.Err() != nil {
		return Message{}, false
	}
	return m, true
}

// parseV12 reads community and PDU (RFC 1157 section 4, RFC 3416).
func (m *Message) parseV12(r *ber.Reader) bool {
	c, ok := r.Next()
	if !ok || !c.Is(ber.Universal, false, ber.TagOctetString) || !utf8.Valid(c.Content) {
		return false
	}
	m.Community = c.Content
	p, ok := r.Next()
	if !ok {
		return false
	}
	m.PDUType, m.HasPDU = m.pdu(p)
	return m.HasPDU
}

// parseV3 reads msgGlobalData, msgSecurityParameters and msgData
// (RFC 3412 section 6).
func (m *Message) parseV3(r *ber.Reader) bool {
	hd, ok := r.Next()
	if !ok || !hd.Is(ber.Universal, true, ber.TagSequence) {
		return false
	}
	// HeaderData: msgID, msgMaxSize, msgFlags, msgSecurityModel.
	hr := ber.NewReader(hd.Content)
	var model int64
	for i := 0; i < 4; i++ {
		f, ok := hr.Next()
		if !ok {
			return false
		}
		if i == 2 {
			if !f.Is(ber.Universal, false, ber.TagOctetString) || len(f.Content) != 1 {
				return false
			}
			continue
		}
		if !f.Is(ber.Universal, false, ber.TagInteger) {
			return false
		}
		if model, ok = f.Int(); !ok {
			return false
		}
	}
	if hr.More() || hr.Err() != nil {
		return false
	}
	sp, ok := r.Next()
	if !ok || !sp.Is(ber.Universal, false, ber.TagOctetString) {
		return false
	}
	if model == usmModel {
		if m.User, ok = usmUser(sp.Content); !ok {
			return false
		}
		m.HasUser = true
	}
	data, ok := r.Next()
	if !ok {
		return false
	}
	switch {
	case data.Is(ber.Universal, false, ber.TagOctetString):
		m.Encrypted = true
		return true
	case data.Is(ber.Universal, true, ber.TagSequence):
		// ScopedPDU: contextEngineID, contextName, data.
		sr := ber.NewReader(data.Content)
		for i := 0; i < 2; i++ {
			f, ok := sr.Next()
			if !ok || !f.Is(ber.Universal, false, ber.TagOctetString) {
				return false
			}
		}
		p, ok := sr.Next()
		if !ok || sr.More() {
			return false
		}
		m.PDUType, m.HasPDU = m.pdu(p)
		return m.HasPDU
	}
	return false
}

// usmUser returns msgUserName from UsmSecurityParameters (RFC 3414
// section 2.4): engine ID, boots, time, user name, authentication and
// privacy parameters.
func usmUser(b []byte) ([]byte, bool) {
	e, rest, err := ber.Read(b)
	if err != nil || len(rest) != 0 || !e.Is(ber.Universal, true, ber.TagSequence) {
		return nil, false
	}
	r := ber.NewReader(e.Content)
	var user []byte
	for i := 0; i < 6; i++ {
		f, ok := r.Next()
		if !ok {
			return nil, false
		}
		want := uint32(ber.TagOctetString)
		if i == 1 || i == 2 {
			want = ber.TagInteger
		}
		if !f.Is(ber.Universal, false, want) {
			return nil, false
		}
		if i == 3 {
			user = f.Content
		}
	}
	if r.More() || r.Err() != nil || !utf8.Valid(user) {
		return nil, false
	}
	return user, true
}

// pdu checks a PDU and returns its type: a context-specific
// constructed element [0]..[8] holding three INTEGERs (request-id,
// error-status or non-repeaters, error-index or max-repetitions), or the
// v1 Trap-PDU fields, then the variable bindings. It keeps the names of
// the bindings and the trap fields in m.
func (m *Message) pdu(p ber.Element) (uint32, bool) {
	if p.Class != ber.Context || !p.Constructed || p.Tag > PDUReport {
		return 0, false
	}
	r := ber.NewReader(p.Content)
	if p.Tag == PDUTrapV1 {
		// enterprise OID, agent-addr IpAddress ([APPLICATION 0]),
		// generic-trap, specific-trap, time-stamp TimeTicks
		// ([APPLICATION 3]).
		ent, ok := r.Next()
		if !ok || !ent.Is(ber.Universal, false, ber.TagOID) {
			return 0, false
		}
		addr, ok := r.Next()
		if !ok || !addr.Is(ber.Application, false, 0) {
			return 0, false
		}
		for i := 0; i < 2; i++ {
			f, ok := r.Next()
			if !ok || !f.Is(ber.Universal, false, ber.TagInteger) {
				return 0, false
			}
			if i == 0 {
				m.TrapGeneric, _ = f.Int()
			}
		}
		m.HasTrap, m.TrapOID, m.TrapAddr = true, ent.Content, addr.Content
		if f, ok := r.Next(); !ok || !f.Is(ber.Application, false, 3) {
			return 0, false
		}
	} else {
		for i := 0; i < 3; i++ {
			if f, ok := r.Next(); !ok || !f.Is(ber.Universal, false, ber.TagInteger) {
				return 0, false
			}
		}
	}
	vbl, ok := r.Next()
	if !ok || r.More() || !vbl.Is(ber.Universal, true, ber.TagSequence) {
		return 0, false
	}
	// Each VarBind is SEQUENCE { name OBJECT IDENTIFIER, value }.
	vr := ber.NewReader(vbl.Content)
	for vr.More() {
		vb, ok := vr.Next()
		if !ok || !vb.Is(ber.Universal, true, ber.TagSequence) {
			return 0, false
		}
		br := ber.NewReader(vb.Content)
		name, ok := br.Next()
		if !ok || !name.Is(ber.Universal, false, ber.TagOID) {
			return 0, false
		}
		if _, ok := br.Next(); !ok || br.More() {
			return 0, false
		}
		m.Vars = append(m.Vars, name.Content)
	}
	if vr.Err() != nil {
		return 0, false
	}
	return p.Tag, true
}
