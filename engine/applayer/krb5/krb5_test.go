package krb5

import (
	"bytes"
	"encoding/binary"
	"os"
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

func seq(parts ...[]byte) []byte    { return tlv(0x30, parts...) }
func field(n byte, v []byte) []byte { return tlv(0xa0|n, v) }
func integer(v ...byte) []byte      { return tlv(0x02, v) }
func gs(s string) []byte            { return tlv(0x1b, []byte(s)) }

func encPrincipal(typ byte, parts ...string) []byte {
	var names [][]byte
	for _, p := range parts {
		names = append(names, gs(p))
	}
	return seq(field(0, integer(typ)), field(1, seq(names...)))
}

func encData(etype ...byte) []byte {
	return seq(field(0, integer(etype...)), field(2, tlv(0x04, []byte("cipher"))))
}

func kdcReq(app byte, cname []byte) []byte {
	body := [][]byte{field(0, tlv(0x03, []byte{0, 0x40, 0x81, 0, 0x10}))}
	if cname != nil {
		body = append(body, field(1, cname))
	}
	body = append(body, field(2, gs("EXAMPLE.ORG")), field(3, encPrincipal(2, "krbtgt", "EXAMPLE.ORG")),
		field(7, integer(0x59)), field(8, seq(integer(18), integer(23))))
	return tlv(app, seq(field(1, integer(5)), field(2, integer(app&0x1f)), field(3, seq()), field(4, seq(body...))))
}

func kdcRep(app byte, ticketEtype ...byte) []byte {
	ticket := tlv(0x61, seq(field(0, integer(5)), field(1, gs("EXAMPLE.ORG")),
		field(2, encPrincipal(2, "host", "srv.example.org")), field(3, encData(ticketEtype...))))
	return tlv(app, seq(field(0, integer(5)), field(1, integer(app&0x1f)), field(3, gs("EXAMPLE.ORG")),
		field(4, encPrincipal(1, "alice")), field(5, ticket), field(6, encData(18))))
}

func krbError(code byte) []byte {
	return tlv(0x7e, seq(field(0, integer(5)), field(1, integer(30)),
		field(4, tlv(0x18, []byte("20240101000000Z"))), field(5, integer(1)), field(6, integer(code)),
		field(9, gs("EXAMPLE.ORG")), field(10, encPrincipal(2, "krbtgt", "EXAMPLE.ORG"))))
}

var (
	asReq    = kdcReq(0x6a, encPrincipal(1, "alice"))
	asRep    = kdcRep(0x6b, 23)
	tgsReq   = kdcReq(0x6c, nil)
	tgsRep   = kdcRep(0x6d, 0xff, 0x7b) // rc4-hmac-OLD (-133)
	errorMsg = krbError(25)
	apReq    = tlv(0x6e, seq(field(0, integer(5)), field(1, integer(14))))
)

func names(n [][]byte) string {
	if n == nil {
		return "<nil>"
	}
	return string(bytes.Join(n, []byte("/")))
}

func TestParse(t *testing.T) {
	tests := []struct {
		name         string
		in           []byte
		typ          uint32
		cname, sname string
		err          int32 // -1: none
		etype        int32 // 0: none
	}{
		{"as-req", asReq, MsgASReq, "alice", "krbtgt/EXAMPLE.ORG", -1, 0},
		{"as-rep", asRep, MsgASRep, "alice", "host/srv.example.org", -1, 23},
		{"tgs-req", tgsReq, MsgTGSReq, "<nil>", "krbtgt/EXAMPLE.ORG", -1, 0},
		{"tgs-rep", tgsRep, MsgTGSRep, "alice", "host/srv.example.org", -1, -133},
		{"krb-error", errorMsg, MsgError, "<nil>", "krbtgt/EXAMPLE.ORG", 25, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, ok := Parse(tt.in)
			if !ok {
				t.Fatal("not parsed")
			}
			if m.Type != tt.typ || names(m.CName) != tt.cname || names(m.SName) != tt.sname {
				t.Errorf("type %d cname %s sname %s", m.Type, names(m.CName), names(m.SName))
			}
			if m.HasErrCode != (tt.err >= 0) || (m.HasErrCode && m.ErrCode != tt.err) {
				t.Errorf("error code %d (%v), want %d", m.ErrCode, m.HasErrCode, tt.err)
			}
			if m.HasTicketEtype != (tt.etype != 0) || m.TicketEtype != tt.etype {
				t.Errorf("ticket etype %d (%v), want %d", m.TicketEtype, m.HasTicketEtype, tt.etype)
			}
		})
	}
	bad := map[string][]byte{
		"ap-req":          apReq,
		"not application": seq(field(1, integer(5))),
		"truncated":       asRep[:len(asRep)-2],
		"no req-body":     tlv(0x6a, seq(field(1, integer(5)), field(2, integer(10)))),
		"no error-code":   tlv(0x7e, seq(field(0, integer(5)), field(1, integer(30)), field(9, gs("R")), field(10, encPrincipal(1, "x")))),
		"bad name":        tlv(0x7e, seq(field(0, integer(5)), field(1, integer(30)), field(6, integer(6)), field(9, gs("R")), field(10, seq(field(0, integer(1)), field(1, seq(integer(1))))))),
		"fields unsorted": tlv(0x6a, seq(field(2, integer(10)), field(1, integer(5)))),
	}
	for name, in := range bad {
		if _, ok := Parse(in); ok {
			t.Errorf("%s: parsed", name)
		}
	}
}

func TestCaptured(t *testing.T) {
	for _, c := range []struct {
		file         string
		typ          uint32
		cname, sname string
	}{
		{"testdata/as-req.tcp", MsgASReq, "robin", "krbtgt/CYLERA.LAB"},
		{"testdata/krb-error.tcp", MsgError, "<nil>", "krbtgt/CYLERA.LAB"},
	} {
		b, err := os.ReadFile(c.file)
		if err != nil {
			t.Fatal(err)
		}
		p := New()
		p.Parse(applayer.ToServer, b)
		if p.TxCount() != 1 {
			t.Fatalf("%s: %d transactions, %d malformed", c.file, p.TxCount(), p.Malformed)
		}
		tx := p.Tx(0)
		if tx.Type != c.typ || names(tx.CName) != c.cname || names(tx.SName) != c.sname {
			t.Errorf("%s: type %d cname %s sname %s", c.file, tx.Type, names(tx.CName), names(tx.SName))
		}
	}
}

func record(msg []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(msg))), msg...)
}

func TestTCP(t *testing.T) {
	stream := bytes.Join([][]byte{record(asReq), record(apReq), record(tgsReq)}, nil)
	for _, step := range []int{1, 3, 4, 5, 17, len(stream)} {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(applayer.ToServer, stream[i:min(i+step, len(stream))])
		}
		if p.TxCount() != 2 || p.Other != 1 || p.Malformed != 0 || p.State() != 0 {
			t.Errorf("step %d: %d transactions, %d other, %d malformed, state %v", step, p.TxCount(), p.Other, p.Malformed, p.State())
			continue
		}
		if p.Tx(0).Type != MsgASReq || p.Tx(1).Type != MsgTGSReq || p.Tx(1).ID() != 1 {
			t.Errorf("step %d: types %d %d", step, p.Tx(0).Type, p.Tx(1).Type)
		}
	}

	p := New()
	p.Parse(applayer.ToClient, []byte{0x80, 0, 0, 1, 0})
	p.Parse(applayer.ToClient, record(asRep))
	if p.State()&applayer.StateError == 0 || p.TxCount() != 0 {
		t.Errorf("reserved bit: state %v, %d transactions", p.State(), p.TxCount())
	}
	p.Parse(applayer.ToServer, record(asReq)[:10])
	p.Gap(applayer.ToServer, 5)
	p.Parse(applayer.ToServer, record(asReq))
	if p.State()&applayer.StateGap == 0 || p.TxCount() != 0 {
		t.Errorf("gap: state %v, %d transactions", p.State(), p.TxCount())
	}
}

func be32(v int32) string { return string(binary.BigEndian.AppendUint32(nil, uint32(v))) }

func TestTxBuffers(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, asReq)
	p.ParseDatagram(applayer.ToClient, errorMsg)
	p.ParseDatagram(applayer.ToClient, tgsRep)
	p.ParseDatagram(applayer.ToServer, []byte("junk"))
	if p.TxCount() != 3 || p.Malformed != 1 {
		t.Fatalf("%d transactions, %d malformed", p.TxCount(), p.Malformed)
	}
	all := func(tx *Tx, dir applayer.Direction, b applayer.BufferID) string {
		var out []string
		for i := 0; ; i++ {
			v, ok := tx.BufferAt(dir, b, i)
			if !ok {
				break
			}
			out = append(out, string(v))
		}
		return strings.Join(out, "|")
	}
	for _, c := range []struct {
		i                                 int
		dir                               applayer.Direction
		msgType, errCode, cname, sname, e string
	}{
		{0, applayer.ToServer, be32(10), "", "alice", "krbtgt|EXAMPLE.ORG", ""},
		{1, applayer.ToClient, be32(30), be32(25), "", "krbtgt|EXAMPLE.ORG", ""},
		{2, applayer.ToClient, be32(13), "", "alice", "host|srv.example.org", be32(-133)},
	} {
		tx := p.Tx(c.i)
		got := []string{all(tx, c.dir, bufid.KRB5MsgType), all(tx, c.dir, bufid.KRB5ErrCode),
			all(tx, c.dir, bufid.KRB5CName), all(tx, c.dir, bufid.KRB5SName), all(tx, c.dir, bufid.KRB5TicketEtype)}
		want := []string{c.msgType, c.errCode, c.cname, c.sname, c.e}
		for k := range got {
			if got[k] != want[k] {
				t.Errorf("tx %d buffer %d = %q, want %q", c.i, k, got[k], want[k])
			}
		}
		if v := all(tx, c.dir.Reverse(), bufid.KRB5MsgType); v != "" {
			t.Errorf("tx %d: msg type %q in the other direction", c.i, v)
		}
	}
}

func TestMaxTx(t *testing.T) {
	p := New()
	for i := 0; i < MaxTx+3; i++ {
		p.ParseDatagram(applayer.ToServer, asReq)
	}
	if p.TxCount() != MaxTx || p.Tx(0).ID() != 3 {
		t.Errorf("%d transactions, oldest %d", p.TxCount(), p.Tx(0).ID())
	}
}
