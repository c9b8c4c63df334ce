package ldap

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// tlv encodes one BER element with a definite length.
func tlv(id byte, parts ...[]byte) []byte {
	content := bytes.Join(parts, nil)
	out := []byte{id}
	switch n := len(content); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, content...)
}

func seq(parts ...[]byte) []byte { return tlv(0x30, parts...) }
func ostr(s string) []byte       { return tlv(0x04, []byte(s)) }
func integer(v byte) []byte      { return tlv(0x02, []byte{v}) }
func enum(v byte) []byte         { return tlv(0x0a, []byte{v}) }
func boolean(v bool) []byte {
	if v {
		return tlv(0x01, []byte{0xff})
	}
	return tlv(0x01, []byte{0})
}

// msg wraps a protocolOp into an LDAPMessage with message ID id.
func msg(id byte, op []byte) []byte { return seq(integer(id), op) }

func result(app byte, code byte, dn, text string, extra ...[]byte) []byte {
	return tlv(0x60|app, append([][]byte{enum(code), ostr(dn), ostr(text)}, extra...)...)
}

var (
	bindReq     = msg(1, tlv(0x60, integer(3), ostr("cn=admin,dc=example,dc=com"), tlv(0x80, []byte("secret"))))
	bindSASL    = msg(2, tlv(0x60, integer(3), ostr(""), tlv(0xa3, ostr("GSS-SPNEGO"), ostr("\x01\x02"))))
	bindResp    = msg(1, result(1, 0, "", ""))
	bindRespErr = msg(2, result(1, 49, "", "invalid credentials", tlv(0x87, []byte{0xab})))
	searchReq   = msg(3, tlv(0x63, ostr("dc=example,dc=com"), enum(2), enum(0), integer(0), integer(30), boolean(false),
		tlv(0x87, []byte("objectClass")), seq(ostr("cn"), ostr("objectClass"))))
	entry1 = msg(3, tlv(0x64, ostr("cn=a,dc=example,dc=com"), seq(seq(ostr("cn"), tlv(0x31, ostr("a"))),
		seq(ostr("objectClass"), tlv(0x31, ostr("top"), ostr("person"))))))
	entry2     = msg(3, tlv(0x64, ostr("cn=b,dc=example,dc=com"), seq(seq(ostr("dc"), tlv(0x31, ostr("b"))))))
	searchDone = msg(3, result(5, 4, "dc=example,dc=com", "Size limit exceeded"))
	modifyReq  = msg(4, tlv(0x66, ostr("cn=a,dc=example,dc=com"), seq(seq(enum(2), seq(ostr("mail"), tlv(0x31, ostr("a@example.com")))))))
	addReq     = msg(5, tlv(0x68, ostr("cn=c,dc=example,dc=com"), seq(seq(ostr("objectClass"), tlv(0x31, ostr("person"))))))
	delReq     = msg(6, tlv(0x4a, []byte("cn=c,dc=example,dc=com")))
	modDNReq   = msg(7, tlv(0x6c, ostr("cn=a,dc=example,dc=com"), ostr("cn=z"), boolean(true), tlv(0x80, []byte("ou=x"))))
	compareReq = msg(8, tlv(0x6e, ostr("cn=a,dc=example,dc=com"), seq(ostr("sn"), ostr("Doe"))))
	abandonReq = msg(9, tlv(0x50, []byte{3}))
	extReq     = msg(10, tlv(0x77, tlv(0x80, []byte("1.3.6.1.4.1.1466.20037"))))
	extResp    = msg(10, result(24, 0, "", "", tlv(0x8a, []byte("1.3.6.1.4.1.1466.20037"))))
	unbindReq  = msg(11, tlv(0x42))
	// notice is an unsolicited notification (RFC 4511 section 4.4):
	// message ID 0, an extended response.
	notice = msg(0, result(24, 52, "", "going down", tlv(0x8a, []byte("1.3.6.1.4.1.1466.20036"))))
)

func TestParseMessages(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		op   uint8
		dn   string
	}{
		{"bind", bindReq, OpBindRequest, "cn=admin,dc=example,dc=com"},
		{"bind sasl", bindSASL, OpBindRequest, ""},
		{"bind response", bindResp, OpBindResponse, ""},
		{"search", searchReq, OpSearchRequest, "dc=example,dc=com"},
		{"entry", entry1, OpSearchResultEntry, "cn=a,dc=example,dc=com"},
		{"done", searchDone, OpSearchResultDone, ""},
		{"modify", modifyReq, OpModifyRequest, "cn=a,dc=example,dc=com"},
		{"add", addReq, OpAddRequest, "cn=c,dc=example,dc=com"},
		{"del", delReq, OpDelRequest, "cn=c,dc=example,dc=com"},
		{"moddn", modDNReq, OpModDNRequest, "cn=a,dc=example,dc=com"},
		{"compare", compareReq, OpCompareRequest, "cn=a,dc=example,dc=com"},
		{"abandon", abandonReq, OpAbandonRequest, ""},
		{"extended", extReq, OpExtendedRequest, ""},
		{"extended response", extResp, OpExtendedResponse, ""},
		{"unbind", unbindReq, OpUnbindRequest, ""},
	} {
		m, rest, ok := Parse(append(append([]byte(nil), c.in...), 0x30))
		if !ok || m.Op != c.op || string(m.DN) != c.dn || len(rest) != 1 {
			t.Errorf("%s: ok %v op %d dn %q rest %d", c.name, ok, m.Op, m.DN, len(rest))
		}
	}
	for name, in := range map[string][]byte{
		"not a sequence":  tlv(0x31, integer(1), tlv(0x42)),
		"unknown op":      msg(1, tlv(0x71)),
		"no op":           seq(integer(1)),
		"negative id":     seq(tlv(0x02, []byte{0xff}), tlv(0x42)),
		"truncated":       searchReq[:len(searchReq)-3],
		"bad search":      msg(3, tlv(0x63, ostr("dc=x"), enum(2))),
		"bad result":      msg(3, tlv(0x65, ostr("x"))),
		"bad control":     seq(integer(1), tlv(0x42), tlv(0x04)),
		"unbind not null": msg(1, tlv(0x42, []byte{1})),
	} {
		if _, _, ok := Parse(in); ok {
			t.Errorf("%s: parsed", name)
		}
	}
}

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func TestTCPPairing(t *testing.T) {
	req := cat(bindReq, searchReq, unbindReq)
	resp := cat(bindResp, entry1, entry2, searchDone)
	for _, step := range []int{1, 2, 7, len(resp)} {
		p := New()
		for i := 0; i < len(req); i += step {
			p.Parse(applayer.ToServer, req[i:min(i+step, len(req))])
		}
		for i := 0; i < len(resp); i += step {
			p.Parse(applayer.ToClient, resp[i:min(i+step, len(resp))])
		}
		if p.TxCount() != 3 || p.State() != 0 || p.Malformed != 0 {
			t.Fatalf("step %d: %d transactions, state %v, %d malformed", step, p.TxCount(), p.State(), p.Malformed)
		}
		bind, search, unbind := p.Tx(0), p.Tx(1), p.Tx(2)
		if len(bind.Responses) != 1 || !bind.Complete(applayer.ToClient) {
			t.Errorf("step %d: bind has %d responses", step, len(bind.Responses))
		}
		if len(search.Responses) != 3 || !search.Complete(applayer.ToClient) || search.Responses[2].Result.Code != 4 {
			t.Errorf("step %d: search has %d responses", step, len(search.Responses))
		}
		if !unbind.Complete(applayer.ToClient) || unbind.ID() != 2 {
			t.Errorf("step %d: unbind not complete", step)
		}
	}

	// A search still waiting for its done message is not complete.
	p := New()
	p.Parse(applayer.ToServer, searchReq)
	p.Parse(applayer.ToClient, entry1)
	if p.Tx(0).Complete(applayer.ToClient) {
		t.Error("search complete after an entry")
	}
}

func TestUnsolicited(t *testing.T) {
	p := New()
	// Midstream: the server's notice is the flow's first message, and
	// arrives in the direction the flow was picked up in.
	p.Parse(applayer.ToServer, notice)
	p.Parse(applayer.ToClient, bindResp) // no request seen
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	n := p.Tx(0)
	if n.Request != nil || len(n.Responses) != 1 || n.Responses[0].Op != OpExtendedResponse || !n.Complete(applayer.ToClient) {
		t.Errorf("notice tx: %+v", n)
	}
	if v, ok := n.BufferAt(applayer.ToClient, bufid.LDAPEvents, 0); ok {
		t.Errorf("notice raised events %x", v)
	}
	if v, _ := p.Tx(1).BufferAt(applayer.ToClient, bufid.LDAPEvents, 0); binary.LittleEndian.Uint32(v)&EventRequestNotFound == 0 {
		t.Errorf("response without request: events %x", v)
	}
}

func TestUDP(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, searchReq)
	p.ParseDatagram(applayer.ToClient, cat(entry1, searchDone))
	p.ParseDatagram(applayer.ToClient, []byte{0x30, 0x05, 0x02})
	p.ParseDatagram(applayer.ToClient, []byte{0x31, 0x00})
	if p.TxCount() != 1 || p.Malformed != 2 {
		t.Fatalf("%d transactions, %d malformed", p.TxCount(), p.Malformed)
	}
	// One message per datagram: the done message after the entry is not read.
	if n := len(p.Tx(0).Responses); n != 1 {
		t.Errorf("%d responses", n)
	}
	ev, _ := p.Tx(0).BufferAt(applayer.ToClient, bufid.LDAPEvents, 0)
	if got := binary.LittleEndian.Uint32(ev); got != EventIncompleteData|EventInvalidData {
		t.Errorf("events %x", got)
	}
}

func TestErrors(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, bindReq)
	p.Parse(applayer.ToServer, []byte{0x04, 0x01, 0x00})
	p.Parse(applayer.ToServer, searchReq)
	if p.TxCount() != 1 || p.State()&applayer.StateError == 0 {
		t.Errorf("bad element: %d transactions, state %v", p.TxCount(), p.State())
	}
	p = New()
	p.Parse(applayer.ToClient, searchDone[:4])
	p.Gap(applayer.ToClient, 10)
	p.Parse(applayer.ToClient, searchDone)
	if p.TxCount() != 0 || p.State()&applayer.StateGap == 0 {
		t.Errorf("gap: %d transactions, state %v", p.TxCount(), p.State())
	}
	p = New()
	for i := 0; i < MaxTx+2; i++ {
		p.Parse(applayer.ToServer, bindReq)
	}
	if p.TxCount() != MaxTx || p.Tx(0).ID() != 2 {
		t.Errorf("%d transactions, oldest %d", p.TxCount(), p.Tx(0).ID())
	}
}

func all(tx *Tx, b applayer.BufferID) string {
	var out []string
	for i := 0; ; i++ {
		v, ok := tx.BufferAt(applayer.ToClient, b, i)
		if !ok {
			break
		}
		out = append(out, string(v))
	}
	return strings.Join(out, "|")
}

func TestTxBuffers(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, cat(searchReq, modifyReq, addReq, compareReq, delReq, abandonReq))
	p.Parse(applayer.ToClient, cat(entry1, entry2, searchDone))
	search := p.Tx(0)
	for _, c := range []struct {
		tx   *Tx
		b    applayer.BufferID
		want string
	}{
		{search, bufid.LDAPRequestOperation, "\x03"},
		{search, bufid.LDAPRequestDN, "dc=example,dc=com"},
		{search, bufid.LDAPRequestAttributeType, "cn|objectClass"},
		{search, bufid.LDAPResponsesOperation, "\x01\x04\x01\x04\x01\x05"},
		{search, bufid.LDAPResponsesCount, "\x00\x00\x00\x03"},
		{search, bufid.LDAPResponsesDN, "cn=a,dc=example,dc=com|cn=b,dc=example,dc=com|dc=example,dc=com"},
		{search, bufid.LDAPResponsesResultCode, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x04"},
		{search, bufid.LDAPResponsesMessage, "||Size limit exceeded"},
		{search, bufid.LDAPResponsesAttributeType, "cn|objectClass|dc"},
		{p.Tx(1), bufid.LDAPRequestAttributeType, "mail"},
		{p.Tx(1), bufid.LDAPResponsesCount, "\x00\x00\x00\x00"},
		{p.Tx(1), bufid.LDAPResponsesOperation, ""},
		{p.Tx(2), bufid.LDAPRequestAttributeType, "objectClass"},
		{p.Tx(3), bufid.LDAPRequestAttributeType, "sn"},
		{p.Tx(4), bufid.LDAPRequestDN, "cn=c,dc=example,dc=com"},
		{p.Tx(5), bufid.LDAPRequestDN, ""},
		{p.Tx(5), bufid.LDAPRequestOperation, "\x10"},
	} {
		if got := all(c.tx, c.b); got != c.want {
			t.Errorf("tx %d %v = %q, want %q", c.tx.ID(), c.b, got, c.want)
		}
	}
}

// TestEventBits keeps the parser's event bits and bufid's event table,
// which app-layer-event reads, in step.
func TestEventBits(t *testing.T) {
	want := map[string]uint32{
		"ldap.too_many_transactions": EventTooManyTransactions, "ldap.invalid_data": EventInvalidData,
		"ldap.request_not_found": EventRequestNotFound, "ldap.incomplete_data": EventIncompleteData,
		"ldap.too_many_responses": EventTooManyResponses,
	}
	for _, e := range bufid.AppEvents {
		if e.Buf != bufid.LDAPEvents {
			continue
		}
		if want[e.Name] != e.Bit {
			t.Errorf("%s: bit %x, parser's %x", e.Name, e.Bit, want[e.Name])
		}
		delete(want, e.Name)
	}
	if len(want) != 0 {
		t.Errorf("events missing from bufid.AppEvents: %v", want)
	}
}
