package pgsql

import (
	"encoding/binary"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// msg frames a typed message: type byte, length, body.
func msg(typ byte, body ...string) []byte {
	var b []byte
	for _, s := range body {
		b = append(b, s...)
	}
	out := []byte{typ, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(out[1:], uint32(4+len(b)))
	return append(out, b...)
}

func u32(v uint32) string { return string(binary.BigEndian.AppendUint32(nil, v)) }
func u16(v uint16) string { return string(binary.BigEndian.AppendUint16(nil, v)) }

// startup frames a StartupMessage (no type byte).
func startup(major, minor uint16, params ...string) []byte {
	body := u16(major) + u16(minor)
	for _, p := range params {
		body += p + "\x00"
	}
	body += "\x00"
	return append(binary.BigEndian.AppendUint32(nil, uint32(4+len(body))), body...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

var (
	sslReqMsg   = []byte("\x00\x00\x00\x08\x04\xd2\x16\x2f")
	startupMsg  = startup(3, 0, "user", "alice", "database", "shop", "application_name", "psql")
	authMD5Msg  = msg('R', u32(5), "\xf2\x11\xa3\xed")
	password    = msg('p', "md5abcdef\x00")
	authOKMsg   = msg('R', u32(0))
	paramStatus = cat(msg('S', "server_version\x0014.2\x00"), msg('S', "TimeZone\x00UTC\x00"))
	backendKey  = msg('K', u32(4242), u32(0xdeadbeef))
	ready       = msg('Z', "I")
	query       = msg('Q', "SELECT * FROM users;\x00")
	rowDesc     = msg('T', u16(1), "name\x00", u32(0), u16(0), u32(25), u16(0xffff), u32(0xffffffff), u16(0))
	dataRows    = cat(msg('D', u16(1), u32(5), "alice"), msg('D', u16(2), u32(3), "bob", u32(0xffffffff)))
	complete    = msg('C', "SELECT 2\x00")
	errResp     = msg('E', "SERROR\x00", "VERROR\x00", "C42P01\x00", "Mrelation \"x\" does not exist\x00", "Fparse_relation.c\x00", "L1384\x00", "RparserOpenTable\x00", "\x00")
	terminate   = msg('X')
)

// session is a client and a server side of a short session.
func session(t *testing.T) *Parser {
	t.Helper()
	p := New()
	p.Parse(applayer.ToServer, sslReqMsg)
	p.Parse(applayer.ToClient, []byte("N"))
	p.Parse(applayer.ToServer, startupMsg)
	p.Parse(applayer.ToClient, authMD5Msg)
	p.Parse(applayer.ToServer, password)
	p.Parse(applayer.ToClient, cat(authOKMsg, paramStatus, backendKey, ready))
	p.Parse(applayer.ToServer, query)
	p.Parse(applayer.ToClient, cat(rowDesc, dataRows, complete, ready))
	p.Parse(applayer.ToServer, msg('Q', "SELECT * FROM x;\x00"))
	p.Parse(applayer.ToClient, cat(errResp, ready))
	p.Parse(applayer.ToServer, terminate)
	return p
}

func kinds(ms []Message) []Kind {
	var out []Kind
	for _, m := range ms {
		out = append(out, m.Kind)
	}
	return out
}

func TestTransactions(t *testing.T) {
	p := session(t)
	want := []struct {
		req, resp []Kind
	}{
		{[]Kind{KindSSLRequest}, []Kind{KindSSLRejected}},
		{[]Kind{KindStartup}, []Kind{KindAuthMD5}},
		{[]Kind{KindPassword}, []Kind{KindAuthOK, KindParameterStatus, KindParameterStatus, KindBackendKeyData, KindReadyForQuery}},
		{[]Kind{KindSimpleQuery}, []Kind{KindRowDescription, KindDataRow, KindCommandComplete, KindReadyForQuery}},
		{[]Kind{KindSimpleQuery}, []Kind{KindErrorResponse, KindReadyForQuery}},
		{[]Kind{KindTerminate}, nil},
	}
	if p.TxCount() != len(want) {
		t.Fatalf("%d transactions, want %d", p.TxCount(), len(want))
	}
	for i, w := range want {
		tx := p.Tx(i)
		if g := kinds(tx.Requests); !equal(g, w.req) {
			t.Errorf("tx %d requests %v, want %v", i, g, w.req)
		}
		if g := kinds(tx.Responses); !equal(g, w.resp) {
			t.Errorf("tx %d responses %v, want %v", i, g, w.resp)
		}
		if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
			t.Errorf("tx %d not complete", i)
		}
	}
	rows := p.Tx(3).Responses[1]
	if rows.Rows != 2 || rows.Size != 8 {
		t.Errorf("data rows %d size %d, want 2 and 8", rows.Rows, rows.Size)
	}
	if s := p.Tx(1).Requests[0]; string(s.User) != "alice" || len(s.Params) != 2 || string(s.Params[1].Name) != "application_name" {
		t.Errorf("startup %+v", s)
	}
}

func equal(a, b []Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestQueryBuffer(t *testing.T) {
	p := session(t)
	if v, ok := p.Tx(3).BufferAt(applayer.ToServer, bufid.PgSQLQuery, 0); !ok || string(v) != "SELECT * FROM users;" {
		t.Errorf("pgsql.query = %q, %v", v, ok)
	}
	if _, ok := p.Tx(1).BufferAt(applayer.ToServer, bufid.PgSQLQuery, 0); ok {
		t.Error("pgsql.query on a startup transaction")
	}
}

// TestSplit feeds a session byte by byte: framing must not depend on
// segment boundaries.
func TestSplit(t *testing.T) {
	p := New()
	feed := func(dir applayer.Direction, b []byte) {
		for i := range b {
			p.Parse(dir, b[i:i+1])
		}
	}
	feed(applayer.ToServer, startupMsg)
	feed(applayer.ToClient, cat(authOKMsg, ready))
	feed(applayer.ToServer, query)
	feed(applayer.ToClient, cat(rowDesc, dataRows, complete, ready))
	if p.TxCount() != 2 || len(p.Tx(1).Responses) != 4 || string(p.Tx(1).Requests[0].Payload) != "SELECT * FROM users;" {
		t.Fatalf("%d transactions; tx 1 %+v", p.TxCount(), p.Tx(p.TxCount()-1))
	}
}

func TestCopy(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, startupMsg)
	p.Parse(applayer.ToClient, cat(authOKMsg, ready))
	p.Parse(applayer.ToServer, msg('Q', "COPY t FROM STDIN;\x00"))
	p.Parse(applayer.ToClient, msg('G', "\x00", u16(2), u16(0), u16(0)))
	p.Parse(applayer.ToServer, cat(msg('d', "1\t2\n"), msg('d', "3\t4\n"), msg('c')))
	p.Parse(applayer.ToClient, cat(msg('C', "COPY 2\x00"), ready))
	p.Parse(applayer.ToServer, msg('Q', "COPY t TO STDOUT;\x00"))
	p.Parse(applayer.ToClient, cat(msg('H', "\x00", u16(1), u16(0)), msg('d', "abc\n"), msg('c'), msg('C', "COPY 1\x00"), ready))
	var got [][2][]Kind
	for i := 0; i < p.TxCount(); i++ {
		got = append(got, [2][]Kind{kinds(p.Tx(i).Requests), kinds(p.Tx(i).Responses)})
	}
	want := [][2][]Kind{
		{{KindStartup}, {KindAuthOK, KindReadyForQuery}},
		{{KindSimpleQuery}, {KindCopyInResponse}},
		// Suricata keeps counting the CopyData messages into the
		// CommandComplete, which logs them as data rows too.
		{{KindCopyDataIn, KindCopyDoneIn}, {KindDataRow, KindCommandComplete, KindReadyForQuery}},
		{{KindSimpleQuery}, {KindCopyOutResponse, KindCopyDataOut, KindCopyDoneOut, KindCommandComplete, KindReadyForQuery}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if !equal(got[i][0], want[i][0]) || !equal(got[i][1], want[i][1]) {
			t.Errorf("tx %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if m := p.Tx(2).Requests[0]; m.Rows != 2 || m.Size != 8 {
		t.Errorf("copy in: %d messages, %d bytes", m.Rows, m.Size)
	}
}

func TestSASL(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, startupMsg)
	p.Parse(applayer.ToClient, msg('R', u32(10), "SCRAM-SHA-256\x00\x00"))
	first := "n,,n=,r=abc"
	p.Parse(applayer.ToServer, msg('p', "SCRAM-SHA-256\x00", u32(uint32(len(first))), first))
	p.Parse(applayer.ToClient, msg('R', u32(11), "r=abcdef,s=salt,i=4096"))
	p.Parse(applayer.ToServer, msg('p', "c=biws,r=abcdef,p=proof"))
	p.Parse(applayer.ToClient, cat(msg('R', u32(12), "v=sig"), authOKMsg, ready))
	want := []Kind{KindStartup, KindSASLInitialResponse, KindSASLResponse}
	if p.TxCount() != 3 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	for i, k := range want {
		if r := p.Tx(i).Requests; len(r) != 1 || r[0].Kind != k {
			t.Errorf("tx %d requests %v, want %v", i, kinds(r), k)
		}
	}
	if m := p.Tx(1).Requests[0]; m.Mechanism != "scram_SHA256" || string(m.Payload) != first {
		t.Errorf("initial response %+v", m)
	}
}

func TestEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  applayer.Direction
		in   []byte
		want uint32
	}{
		{"bad startup protocol", applayer.ToServer, []byte("\x00\x00\x00\x08\x00\x09\x00\x00"), EventMalformedRequest},
		{"unknown auth", applayer.ToClient, msg('R', u32(77)), EventMalformedResponse},
		{"short length", applayer.ToServer, []byte("Q\x00\x00\x00\x01"), EventInvalidLength},
		{"terminate length", applayer.ToServer, []byte("X\x00\x00\x00\x05\x00"), EventInvalidLength},
	} {
		p := New()
		p.Parse(tc.dir, tc.in)
		if p.TxCount() == 0 {
			t.Errorf("%s: no transaction", tc.name)
			continue
		}
		tx := p.Tx(p.TxCount() - 1)
		if tx.Events() != tc.want {
			t.Errorf("%s: events %x, want %x", tc.name, tx.Events(), tc.want)
		}
		if v, ok := tx.BufferAt(tc.dir, bufid.PgSQLEvents, 0); !ok || binary.LittleEndian.Uint32(v) != tc.want {
			t.Errorf("%s: event buffer %x", tc.name, v)
		}
	}
}

func TestTooManyTransactions(t *testing.T) {
	p := New()
	q := msg('Q', "SELECT 1;\x00")
	for i := 0; i <= MaxTx; i++ {
		p.Parse(applayer.ToServer, q)
	}
	if p.TxCount() != MaxTx {
		t.Fatalf("%d transactions, want %d", p.TxCount(), MaxTx)
	}
	n := 0
	for i := 0; i < p.TxCount(); i++ {
		if p.Tx(i).Events()&EventTooManyTransactions != 0 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d transactions flagged, want 1", n)
	}
}

// TestOversizedRow passes a DataRow longer than MaxMessage without
// keeping it.
func TestOversizedRow(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, startupMsg)
	p.Parse(applayer.ToClient, cat(authOKMsg, ready))
	p.Parse(applayer.ToServer, query)
	big := make([]byte, MaxMessage+100)
	row := msg('D', u16(1), u32(uint32(len(big))), string(big))
	p.Parse(applayer.ToClient, rowDesc)
	for i := 0; i < len(row); i += 64 << 10 {
		p.Parse(applayer.ToClient, row[i:min(i+64<<10, len(row))])
	}
	p.Parse(applayer.ToClient, cat(complete, ready))
	tx := p.Tx(1)
	if len(tx.Responses) != 4 || tx.Responses[1].Rows != 1 || tx.Responses[1].Size != uint64(len(big)) {
		t.Fatalf("responses %+v", kinds(tx.Responses))
	}
	if p.State()&applayer.StateError != 0 {
		t.Error("error state")
	}
}

func TestGap(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, startupMsg)
	p.Parse(applayer.ToClient, authOKMsg[:3])
	p.Gap(applayer.ToClient, 100)
	p.Parse(applayer.ToClient, []byte("\x01\x02garbage"))
	p.Parse(applayer.ToClient, ready)
	if p.State()&applayer.StateGap == 0 {
		t.Error("no gap state")
	}
	if r := p.Tx(0).Responses; len(r) != 1 || r[0].Kind != KindReadyForQuery {
		t.Errorf("responses after gap %v", kinds(r))
	}
}

// TestFixture parses testdata/session.client and .server, a session
// written with the helpers above (regenerate with PGSQL_WRITE_FIXTURE=1).
func TestFixture(t *testing.T) {
	client := cat(startupMsg, query, terminate)
	server := cat(authOKMsg, paramStatus, ready, rowDesc, dataRows, complete, ready)
	if os.Getenv("PGSQL_WRITE_FIXTURE") != "" {
		_ = os.WriteFile("testdata/session.client", client, 0o644)
		_ = os.WriteFile("testdata/session.server", server, 0o644)
	}
	c, err := os.ReadFile("testdata/session.client")
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.ReadFile("testdata/session.server")
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	p.Parse(applayer.ToServer, c[:len(startupMsg)])
	p.Parse(applayer.ToClient, s[:len(authOKMsg)+len(paramStatus)+len(ready)])
	p.Parse(applayer.ToServer, c[len(startupMsg):len(startupMsg)+len(query)])
	p.Parse(applayer.ToClient, s[len(authOKMsg)+len(paramStatus)+len(ready):])
	p.Parse(applayer.ToServer, c[len(startupMsg)+len(query):])
	if p.TxCount() != 3 || p.Tx(1).Responses[1].Rows != 2 {
		t.Errorf("%d transactions", p.TxCount())
	}
}
