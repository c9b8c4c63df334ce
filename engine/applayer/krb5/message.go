package krb5

import (
	"math"

	"vigil/engine/applayer/ber"
)

// Message types: the APPLICATION tag of each message (RFC 4120 section
// 5.10), which krb5_msg_type matches.
const (
	MsgASReq  = 10
	MsgASRep  = 11
	MsgTGSReq = 12
	MsgTGSRep = 13
	MsgAPReq  = 14
	MsgAPRep  = 15
	MsgSafe   = 20
	MsgPriv   = 21
	MsgCred   = 22
	MsgError  = 30
)

// MaxNameParts bounds the components kept per principal name.
const MaxNameParts = 16

// Message is the part of a decoded Kerberos message detection uses.
// Slices alias the input.
type Message struct {
	Type uint32
	// CName and SName are the name-string components of the client and
	// server principal names; nil when the message has none.
	CName, SName [][]byte
	ErrCode      int32 // KRB-ERROR error-code, valid when HasErrCode
	HasErrCode   bool
	// TicketEtype is the etype of the ticket's enc-part in AS-REP and
	// TGS-REP, valid when HasTicketEtype.
	TicketEtype    int32
	HasTicketEtype bool
	// Realm is the request body's realm, the reply's crealm or the
	// error's realm.
	Realm []byte
	// Etype is the etype of the reply's enc-part (AS-REP, TGS-REP), valid
	// when HasEtype.
	Etype    int32
	HasEtype bool
}

// Parse decodes one message. ok is false when msg is not one of the
// messages Vigil reads (AS-REQ, AS-REP, TGS-REQ, TGS-REP, KRB-ERROR) or is
// not well formed; typ then still holds the APPLICATION tag when the outer
// element could be read (0 otherwise). Bytes after the message are ignored.
func Parse(msg []byte) (m Message, ok bool) {
	e, _, err := ber.Read(msg)
	if err != nil || e.Class != ber.Application || !e.Constructed {
		return m, false
	}
	m.Type = e.Tag
	seq, ok := e.Explicit()
	if !ok || !seq.Is(ber.Universal, true, ber.TagSequence) {
		return m, false
	}
	switch m.Type {
	case MsgASReq, MsgTGSReq:
		ok = m.kdcReq(seq.Content)
	case MsgASRep, MsgTGSRep:
		ok = m.kdcRep(seq.Content)
	case MsgError:
		ok = m.krbError(seq.Content)
	default:
		ok = false
	}
	if !ok {
		return Message{Type: m.Type}, false
	}
	return m, true
}

// kdcReq reads KDC-REQ (RFC 4120 section 5.4.1): pvno [1], msg-type
// [2], padata [3] OPTIONAL, req-body [4].
func (m *Message) kdcReq(content []byte) bool {
	f := ber.NewFields(content)
	var pvno, mt, body bool
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		switch tag {
		case 1:
			pvno = isInt(v)
		case 2:
			mt = isInt(v)
		case 3:
			if !isSeq(v) {
				return false
			}
		case 4:
			body = m.reqBody(v)
		}
	}
	return !f.Err() && pvno && mt && body
}

// reqBody reads KDC-REQ-BODY: kdc-options [0], cname [1] OPTIONAL,
// realm [2], sname [3] OPTIONAL, then fields Vigil does not use.
func (m *Message) reqBody(v ber.Element) bool {
	if !isSeq(v) {
		return false
	}
	f := ber.NewFields(v.Content)
	var opts, realm bool
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		switch tag {
		case 0:
			opts = v.Is(ber.Universal, false, 3) // BIT STRING
		case 1:
			if m.CName, ok = principal(v); !ok {
				return false
			}
		case 2:
			if realm = isString(v); realm {
				m.Realm = v.Content
			}
		case 3:
			if m.SName, ok = principal(v); !ok {
				return false
			}
		}
	}
	return !f.Err() && opts && realm
}

// kdcRep reads KDC-REP (RFC 4120 section 5.4.2): pvno [0], msg-type
// [1], padata [2] OPTIONAL, crealm [3], cname [4], ticket [5], enc-part
// [6].
func (m *Message) kdcRep(content []byte) bool {
	f := ber.NewFields(content)
	var seen uint32
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		good := false
		switch tag {
		case 0, 1:
			good = isInt(v)
		case 2:
			good = isSeq(v)
		case 3:
			if good = isString(v); good {
				m.Realm = v.Content
			}
		case 4:
			m.CName, good = principal(v)
		case 5:
			good = m.ticket(v)
		case 6:
			m.Etype, good = encEtype(v)
			m.HasEtype = good
		default:
			good = true
		}
		if !good {
			return false
		}
		seen |= 1 << min(tag, 31)
	}
	const need = 1<<0 | 1<<1 | 1<<3 | 1<<4 | 1<<5 | 1<<6
	return !f.Err() && seen&need == need
}

// ticket reads Ticket ::= [APPLICATION 1] SEQUENCE { tkt-vno [0], realm
// [1], sname [2], enc-part [3] } (RFC 4120 section 5.3).
func (m *Message) ticket(v ber.Element) bool {
	if v.Class != ber.Application || v.Tag != 1 {
		return false
	}
	seq, ok := v.Explicit()
	if !ok || !isSeq(seq) {
		return false
	}
	f := ber.NewFields(seq.Content)
	var seen uint32
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		good := true
		switch tag {
		case 0:
			good = isInt(v)
		case 1:
			good = isString(v)
		case 2:
			m.SName, good = principal(v)
		case 3:
			m.TicketEtype, good = encEtype(v)
			m.HasTicketEtype = good
		}
		if !good {
			return false
		}
		seen |= 1 << min(tag, 31)
	}
	return !f.Err() && seen&0xf == 0xf
}

// krbError reads KRB-ERROR (RFC 4120 section 5.9.1): pvno [0], msg-type
// [1], ctime [2], cusec [3], stime [4], susec [5], error-code [6], crealm
// [7], cname [8], realm [9], sname [10], e-text [11], e-data [12].
func (m *Message) krbError(content []byte) bool {
	f := ber.NewFields(content)
	var seen uint32
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		good := true
		switch tag {
		case 0, 1, 3, 5:
			good = isInt(v)
		case 6:
			m.ErrCode, good = int32Of(v)
			m.HasErrCode = good
		case 7:
			good = isString(v)
		case 9:
			if good = isString(v); good {
				m.Realm = v.Content
			}
		case 8:
			m.CName, good = principal(v)
		case 10:
			m.SName, good = principal(v)
		}
		if !good {
			return false
		}
		seen |= 1 << min(tag, 31)
	}
	const need = 1<<0 | 1<<1 | 1<<6 | 1<<9 | 1<<10
	return !f.Err() && seen&need == need
}

// principal reads PrincipalName ::= SEQUENCE { name-type [0] Int32,
// name-string [1] SEQUENCE OF KerberosString } and returns the
// components (at most MaxNameParts).
func principal(v ber.Element) ([][]byte, bool) {
	if !isSeq(v) {
		return nil, false
	}
	f := ber.NewFields(v.Content)
	var typ, names bool
	var parts [][]byte
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		switch tag {
		case 0:
			typ = isInt(v)
		case 1:
			if !isSeq(v) {
				return nil, false
			}
			r := ber.NewReader(v.Content)
			for c, ok := r.Next(); ok; c, ok = r.Next() {
				if !isString(c) {
					return nil, false
				}
				if len(parts) < MaxNameParts {
					parts = append(parts, c.Content)
				}
			}
			if r.Err() != nil {
				return nil, false
			}
			names = true
		}
	}
	if f.Err() || !typ || !names {
		return nil, false
	}
	if parts == nil {
		parts = [][]byte{} // present but empty: still "has a name"
	}
	return parts, true
}

// encEtype reads the etype [0] of EncryptedData ::= SEQUENCE { etype
// [0] Int32, kvno [1] UInt32 OPTIONAL, cipher [2] OCTET STRING }.
func encEtype(v ber.Element) (int32, bool) {
	if !isSeq(v) {
		return 0, false
	}
	f := ber.NewFields(v.Content)
	var etype int32
	var haveEtype, cipher bool
	for tag, v, ok := f.Next(); ok; tag, v, ok = f.Next() {
		switch tag {
		case 0:
			etype, haveEtype = int32Of(v)
		case 2:
			cipher = v.Is(ber.Universal, false, ber.TagOctetString)
		}
	}
	return etype, !f.Err() && haveEtype && cipher
}

func isSeq(v ber.Element) bool { return v.Is(ber.Universal, true, ber.TagSequence) }

func isInt(v ber.Element) bool {
	_, ok := v.Int()
	return ok && v.Is(ber.Universal, false, ber.TagInteger)
}

// isString accepts KerberosString and Realm (GeneralString, RFC 4120
// section 5.2.1).
func isString(v ber.Element) bool { return v.Is(ber.Universal, false, ber.TagGeneralString) }

func int32Of(v ber.Element) (int32, bool) {
	n, ok := v.Int()
	if !ok || !v.Is(ber.Universal, false, ber.TagInteger) || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}
