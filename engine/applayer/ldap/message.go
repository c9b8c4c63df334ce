package ldap

import "vigil/engine/applayer/ber"

// Protocol operations: the APPLICATION tag of protocolOp (RFC 4511
// section 4.2 to 4.14), the values ldap.request.operation and
// ldap.responses.operation match.
const (
	OpBindRequest           = 0
	OpBindResponse          = 1
	OpUnbindRequest         = 2
	OpSearchRequest         = 3
	OpSearchResultEntry     = 4
	OpSearchResultDone      = 5
	OpModifyRequest         = 6
	OpModifyResponse        = 7
	OpAddRequest            = 8
	OpAddResponse           = 9
	OpDelRequest            = 10
	OpDelResponse           = 11
	OpModDNRequest          = 12
	OpModDNResponse         = 13
	OpCompareRequest        = 14
	OpCompareResponse       = 15
	OpAbandonRequest        = 16
	OpSearchResultReference = 19
	OpExtendedRequest       = 23
	OpExtendedResponse      = 24
	OpIntermediateResponse  = 25
)

// Limits on what one message keeps.
const (
	// MaxItems bounds the attributes, changes and values kept per list.
	MaxItems = 64
	// MaxMessage bounds one LDAPMessage over TCP.
	MaxMessage = 1 << 20
)

// Attribute is an attribute description with its values (AddRequest,
// SearchResultEntry, a ModifyRequest change).
type Attribute struct {
	Type   []byte
	Values [][]byte
}

// Change is one change of a ModifyRequest: operation 0 add, 1 delete, 2
// replace (RFC 4511 section 4.6).
type Change struct {
	Op uint32
	Attribute
}

// Result is an LDAPResult (RFC 4511 section 4.1.9).
type Result struct {
	Code      uint32
	MatchedDN []byte
	Message   []byte
}

// Message is one decoded LDAPMessage. Slices alias the input.
type Message struct {
	ID uint32
	Op uint8
	// DN is the request's entry name (bind name, search base object,
	// modify object, add entry, del DN, modify DN entry, compare entry)
	// or a SearchResultEntry's object name; ldap.request.dn and
	// ldap.responses.dn read it (with Result.MatchedDN for responses).
	DN []byte
	// HasResult: Result holds the LDAPResult of a response that has one.
	HasResult bool
	Result    Result
	// Attrs are the AddRequest's and SearchResultEntry's attributes.
	Attrs []Attribute
	// Names are the SearchRequest's requested attributes.
	Names [][]byte
	// Changes are the ModifyRequest's changes.
	Changes []Change
	// BindRequest.
	Version             int64
	SASL                bool
	Mechanism, SASLCred []byte
	HasSASLCred         bool
	// SearchRequest.
	Scope, Deref         uint32
	SizeLimit, TimeLimit int64
	TypesOnly            bool
	// ModifyDNRequest.
	NewRDN, NewSuperior []byte
	DeleteOld           bool
	HasNewSuperior      bool
	// CompareRequest.
	AVADesc, AVAValue []byte
	// Extended and intermediate messages: name and value; BindResponse:
	// the server's SASL credentials in Value.
	Name, Value       []byte
	HasName, HasValue bool
	// AbandonRequest: the abandoned message ID.
	AbandonID int64
}

// IsRequest reports whether the operation is sent by the client.
func (m *Message) IsRequest() bool {
	switch m.Op {
	case OpBindRequest, OpUnbindRequest, OpSearchRequest, OpModifyRequest, OpAddRequest,
		OpDelRequest, OpModDNRequest, OpCompareRequest, OpAbandonRequest, OpExtendedRequest:
		return true
	}
	return false
}

// Parse decodes one LDAPMessage: SEQUENCE { messageID INTEGER,
// protocolOp, controls [0] OPTIONAL } (RFC 4511 section 4.1.1). rest is
// what follows the message. ok is false when msg is not a well-formed
// message of a known operation.
func Parse(msg []byte) (m Message, rest []byte, ok bool) {
	e, rest, err := ber.Read(msg)
	if err != nil || !e.Is(ber.Universal, true, ber.TagSequence) {
		return m, nil, false
	}
	r := ber.NewReader(e.Content)
	id, ok := r.Next()
	if !ok || !id.Is(ber.Universal, false, ber.TagInteger) {
		return m, nil, false
	}
	v, ok := id.Int()
	if !ok || v < 0 || v > 1<<31-1 {
		return m, nil, false
	}
	m.ID = uint32(v)
	op, ok := r.Next()
	if !ok || op.Class != ber.Application || op.Tag > 31 {
		return m, nil, false
	}
	m.Op = uint8(op.Tag)
	if !m.op(op) {
		return m, nil, false
	}
	// Controls may follow; they are not kept.
	if r.More() {
		c, ok := r.Next()
		if !ok || c.Class != ber.Context || c.Tag != 0 {
			return m, nil, false
		}
	}
	return m, rest, r.Err() == nil
}

// op decodes the protocolOp element.
func (m *Message) op(e ber.Element) bool {
	switch m.Op {
	case OpUnbindRequest:
		return !e.Constructed && len(e.Content) == 0
	case OpDelRequest:
		m.DN = e.Content
		return !e.Constructed
	case OpAbandonRequest:
		v, ok := ber.Int(e.Content)
		m.AbandonID = v
		return ok && !e.Constructed
	}
	if !e.Constructed {
		return false
	}
	r := ber.NewReader(e.Content)
	switch m.Op {
	case OpBindRequest:
		return m.bindRequest(&r)
	case OpSearchRequest:
		return m.searchRequest(&r)
	case OpModifyRequest:
		return m.modifyRequest(&r)
	case OpAddRequest:
		if !str(&r, &m.DN) {
			return false
		}
		return m.attrList(&r)
	case OpModDNRequest:
		return m.modDNRequest(&r)
	case OpCompareRequest:
		if !str(&r, &m.DN) {
			return false
		}
		ava, ok := r.Next()
		if !ok || !ava.Is(ber.Universal, true, ber.TagSequence) {
			return false
		}
		ar := ber.NewReader(ava.Content)
		return str(&ar, &m.AVADesc) && str(&ar, &m.AVAValue)
	case OpExtendedRequest, OpIntermediateResponse:
		return m.nameValue(&r, 0, 1)
	case OpSearchResultEntry:
		if !str(&r, &m.DN) {
			return false
		}
		return m.attrList(&r)
	case OpSearchResultReference:
		for r.More() {
			r.Next()
		}
		return r.Err() == nil
	case OpBindResponse, OpSearchResultDone, OpModifyResponse, OpAddResponse, OpDelResponse,
		OpModDNResponse, OpCompareResponse, OpExtendedResponse:
		if !m.result(&r) {
			return false
		}
		switch m.Op {
		case OpBindResponse:
			return m.optional(&r, 7, 7)
		case OpExtendedResponse:
			return m.nameValue(&r, 10, 11)
		}
		return m.optional(&r, 255, 255)
	}
	return false
}

// str reads an OCTET STRING (LDAPString, LDAPDN, AttributeDescription).
func str(r *ber.Reader, dst *[]byte) bool {
	e, ok := r.Next()
	if !ok || !e.Is(ber.Universal, false, ber.TagOctetString) {
		return false
	}
	*dst = e.Content
	return true
}

// uintField reads an INTEGER or ENUMERATED (tag 10) of 0 to 2^31-1.
func uintField(r *ber.Reader, tag uint32) (int64, bool) {
	e, ok := r.Next()
	if !ok || !e.Is(ber.Universal, false, tag) {
		return 0, false
	}
	v, ok := e.Int()
	return v, ok && v >= 0 && v <= 1<<31-1
}

const (
	tagBoolean    = 1
	tagEnumerated = 10
	tagSet        = 17
)

func boolField(r *ber.Reader) (bool, bool) {
	e, ok := r.Next()
	if !ok || !e.Is(ber.Universal, false, tagBoolean) || len(e.Content) != 1 {
		return false, false
	}
	return e.Content[0] != 0, true
}

// bindRequest: version, name, authentication (simple [0] or sasl [3]).
func (m *Message) bindRequest(r *ber.Reader) bool {
	v, ok := uintField(r, ber.TagInteger)
	if !ok || !str(r, &m.DN) {
		return false
	}
	m.Version = v
	auth, ok := r.Next()
	if !ok || auth.Class != ber.Context {
		return false
	}
	if auth.Tag == 3 && auth.Constructed {
		m.SASL = true
		ar := ber.NewReader(auth.Content)
		if !str(&ar, &m.Mechanism) {
			return false
		}
		if ar.More() {
			m.HasSASLCred = str(&ar, &m.SASLCred)
			return m.HasSASLCred
		}
	}
	return true
}

// searchRequest: baseObject, scope, derefAliases, sizeLimit, timeLimit,
// typesOnly, filter, attributes.
func (m *Message) searchRequest(r *ber.Reader) bool {
	if !str(r, &m.DN) {
		return false
	}
	scope, ok1 := uintField(r, tagEnumerated)
	deref, ok2 := uintField(r, tagEnumerated)
	size, ok3 := uintField(r, ber.TagInteger)
	tl, ok4 := uintField(r, ber.TagInteger)
	types, ok5 := boolField(r)
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return false
	}
	m.Scope, m.Deref, m.SizeLimit, m.TimeLimit, m.TypesOnly = uint32(scope), uint32(deref), size, tl, types
	if f, ok := r.Next(); !ok || f.Class != ber.Context {
		return false // the filter, not kept
	}
	attrs, ok := r.Next()
	if !ok || !attrs.Is(ber.Universal, true, ber.TagSequence) {
		return false
	}
	ar := ber.NewReader(attrs.Content)
	for ar.More() {
		var a []byte
		if !str(&ar, &a) {
			return false
		}
		if len(m.Names) < MaxItems {
			m.Names = append(m.Names, a)
		}
	}
	return true
}

// attribute reads SEQUENCE { type, vals SET OF value }.
func attribute(e ber.Element) (Attribute, bool) {
	var a Attribute
	if !e.Is(ber.Universal, true, ber.TagSequence) {
		return a, false
	}
	r := ber.NewReader(e.Content)
	if !str(&r, &a.Type) {
		return a, false
	}
	vals, ok := r.Next()
	if !ok || !vals.Is(ber.Universal, true, tagSet) {
		return a, false
	}
	vr := ber.NewReader(vals.Content)
	for vr.More() {
		var v []byte
		if !str(&vr, &v) {
			return a, false
		}
		if len(a.Values) < MaxItems {
			a.Values = append(a.Values, v)
		}
	}
	return a, true
}

// attrList reads SEQUENCE OF attribute into m.Attrs.
func (m *Message) attrList(r *ber.Reader) bool {
	l, ok := r.Next()
	if !ok || !l.Is(ber.Universal, true, ber.TagSequence) {
		return false
	}
	lr := ber.NewReader(l.Content)
	for lr.More() {
		e, _ := lr.Next()
		a, ok := attribute(e)
		if !ok {
			return false
		}
		if len(m.Attrs) < MaxItems {
			m.Attrs = append(m.Attrs, a)
		}
	}
	return lr.Err() == nil
}

// modifyRequest: object, changes SEQUENCE OF SEQUENCE { operation,
// modification }.
func (m *Message) modifyRequest(r *ber.Reader) bool {
	if !str(r, &m.DN) {
		return false
	}
	l, ok := r.Next()
	if !ok || !l.Is(ber.Universal, true, ber.TagSequence) {
		return false
	}
	lr := ber.NewReader(l.Content)
	for lr.More() {
		c, _ := lr.Next()
		if !c.Is(ber.Universal, true, ber.TagSequence) {
			return false
		}
		cr := ber.NewReader(c.Content)
		op, ok := uintField(&cr, tagEnumerated)
		if !ok {
			return false
		}
		me, _ := cr.Next()
		a, ok := attribute(me)
		if !ok {
			return false
		}
		if len(m.Changes) < MaxItems {
			m.Changes = append(m.Changes, Change{Op: uint32(op), Attribute: a})
		}
	}
	return lr.Err() == nil
}

// modDNRequest: entry, newrdn, deleteoldrdn, newSuperior [0] OPTIONAL.
func (m *Message) modDNRequest(r *ber.Reader) bool {
	if !str(r, &m.DN) || !str(r, &m.NewRDN) {
		return false
	}
	del, ok := boolField(r)
	if !ok {
		return false
	}
	m.DeleteOld = del
	if r.More() {
		e, _ := r.Next()
		if e.Class != ber.Context || e.Tag != 0 || e.Constructed {
			return false
		}
		m.NewSuperior, m.HasNewSuperior = e.Content, true
	}
	return r.Err() == nil
}

// result reads the LDAPResult components: resultCode, matchedDN,
// diagnosticMessage, referral [3] OPTIONAL.
func (m *Message) result(r *ber.Reader) bool {
	code, ok := uintField(r, tagEnumerated)
	if !ok || !str(r, &m.Result.MatchedDN) || !str(r, &m.Result.Message) {
		return false
	}
	m.Result.Code, m.HasResult = uint32(code), true
	return true
}

// nameValue reads the optional context-tagged name and value of an
// extended or intermediate message.
func (m *Message) nameValue(r *ber.Reader, nameTag, valueTag uint32) bool {
	for r.More() {
		e, _ := r.Next()
		switch {
		case e.Class == ber.Context && e.Tag == nameTag && !m.HasName:
			m.Name, m.HasName = e.Content, true
		case e.Class == ber.Context && e.Tag == valueTag && !m.HasValue:
			m.Value, m.HasValue = e.Content, true
		case e.Class == ber.Context && e.Tag == 3:
			// referral
		default:
			return false
		}
	}
	return r.Err() == nil && (m.Op != OpExtendedRequest || m.HasName)
}

// optional skips a referral [3] and keeps an element tagged valueTag
// (serverSaslCreds [7] of a BindResponse) in Value.
func (m *Message) optional(r *ber.Reader, _, valueTag uint32) bool {
	for r.More() {
		e, _ := r.Next()
		switch {
		case e.Class == ber.Context && e.Tag == 3:
		case e.Class == ber.Context && e.Tag == valueTag && !m.HasValue:
			m.Value, m.HasValue = e.Content, true
		default:
			return false
		}
	}
	return r.Err() == nil
}
