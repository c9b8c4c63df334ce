package pop3

import (
	"encoding/binary"
	"os"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// session reads testdata/session.client and .server (a short mailbox
// session written by hand) and feeds them in turn, one line pair at a
// time as the two sides alternate.
func session(t *testing.T) *Parser {
	t.Helper()
	c, err := os.ReadFile("testdata/session.client")
	if err != nil {
		t.Fatal(err)
	}
	s, err := os.ReadFile("testdata/session.server")
	if err != nil {
		t.Fatal(err)
	}
	// Replies are separated by a blank line in the fixture file for
	// readability: "\n" after a CRLF-terminated reply.
	replies := strings.Split(string(s), "\r\n\n")
	cmds := strings.SplitAfter(string(c), "\r\n")
	p := New()
	p.Parse(applayer.ToClient, []byte(replies[0]+"\r\n"))
	for i, cmd := range cmds {
		if cmd == "" {
			continue
		}
		p.Parse(applayer.ToServer, []byte(cmd))
		if i+1 < len(replies) && replies[i+1] != "" {
			p.Parse(applayer.ToClient, []byte(strings.TrimRight(replies[i+1], "\r\n")+"\r\n"))
		}
	}
	return p
}

func TestSession(t *testing.T) {
	p := session(t)
	type want struct {
		cmd    string
		nargs  int
		ok     bool
		header string
		data   int
	}
	wants := []want{
		{"", 0, true, "POP3 server ready", 0},
		{"CAPA", 0, true, "Capability list follows", 3},
		{"USER", 1, true, "", 0},
		{"PASS", 1, true, "maildrop locked and ready", 0},
		{"STAT", 0, true, "2 320", 0},
		{"LIST", 0, true, "2 messages (320 octets)", 2},
		{"LIST", 1, true, "2 200", 0},
		{"RETR", 1, true, "120 octets", 0},
		{"TOP", 2, true, "", 2},
		{"DELE", 1, false, "message 9 does not exist", 0},
		{"QUIT", 0, true, "bye", 0},
	}
	if p.TxCount() != len(wants) {
		t.Fatalf("%d transactions, want %d", p.TxCount(), len(wants))
	}
	for i, w := range wants {
		tx := p.Tx(i)
		cmd, nargs := "", 0
		if tx.Request != nil {
			cmd, nargs = string(tx.Request.Keyword), len(tx.Request.Args)
		}
		if cmd != w.cmd || nargs != w.nargs {
			t.Errorf("tx %d command %q with %d args, want %q with %d", i, cmd, nargs, w.cmd, w.nargs)
		}
		r := tx.Response
		if r == nil {
			t.Errorf("tx %d: no response", i)
			continue
		}
		if r.OK != w.ok || string(r.Header) != w.header || len(r.Data) != w.data {
			t.Errorf("tx %d response ok=%v %q data %q; want ok=%v %q %d lines", i, r.OK, r.Header, r.Data, w.ok, w.header, w.data)
		}
		if !tx.Complete(applayer.ToServer) || !tx.Complete(applayer.ToClient) {
			t.Errorf("tx %d not complete", i)
		}
		if tx.Events() != 0 {
			t.Errorf("tx %d events %x", i, tx.Events())
		}
	}
	if d := string(p.Tx(8).Response.Data[1]); d != ".dotted line" {
		t.Errorf("byte-stuffed line %q", d)
	}
}

// TestSplitReply sends a RETR reply in small pieces: the body is passed
// over and the next reply still lands on the next command.
func TestSplitReply(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("RETR 1\r\nNOOP\r\n"))
	reply := "+OK 30 octets\r\nSubject: hi\r\n\r\nbody\r\n..x\r\n.\r\n+OK\r\n"
	for i := 0; i < len(reply); i += 3 {
		p.Parse(applayer.ToClient, []byte(reply[i:min(i+3, len(reply))]))
	}
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	if r := p.Tx(0).Response; r == nil || len(r.Data) != 0 || !p.Tx(0).Complete(applayer.ToClient) {
		t.Errorf("RETR response %+v", r)
	}
	if r := p.Tx(1).Response; r == nil || !r.OK {
		t.Errorf("NOOP response %+v", r)
	}
}

func TestAuth(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, []byte("AUTH PLAIN\r\n"))
	p.Parse(applayer.ToClient, []byte("+ \r\n"))
	p.Parse(applayer.ToServer, []byte("AGJvYgBzZWNyZXQ=\r\n"))
	p.Parse(applayer.ToClient, []byte("+OK logged in\r\n"))
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	if c := p.Tx(1).Request; c == nil || string(c.Keyword) != saslData {
		t.Errorf("sasl tx %+v", c)
	}
	if r := p.Tx(1).Response; r == nil || string(r.Header) != "logged in" {
		t.Errorf("sasl response %+v", r)
	}
}

func TestEvents(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  applayer.Direction
		in   string
		want uint32
	}{
		{"unknown command", applayer.ToServer, "XTND XMIT\r\n", EventUnknownCommand},
		{"lower case", applayer.ToServer, "user bob\r\n", EventUnknownCommand},
		{"args", applayer.ToServer, "STAT 1\r\n", EventIncorrectArgumentCount},
		{"top args", applayer.ToServer, "TOP 1\r\n", EventIncorrectArgumentCount},
		{"long command", applayer.ToServer, "USER " + strings.Repeat("a", 300) + "\r\n", EventRequestTooLong},
		{"long reply", applayer.ToClient, "+OK " + strings.Repeat("a", 600) + "\r\n", EventResponseTooLong},
	} {
		p := New()
		p.Parse(tc.dir, []byte(tc.in))
		if p.TxCount() != 1 {
			t.Errorf("%s: %d transactions", tc.name, p.TxCount())
			continue
		}
		v, ok := p.Tx(0).BufferAt(tc.dir, bufid.POP3Events, 0)
		if !ok || binary.LittleEndian.Uint32(v) != tc.want {
			t.Errorf("%s: events %x, want %x", tc.name, v, tc.want)
		}
	}
	p := New()
	for i := 0; i <= MaxTx; i++ {
		p.Parse(applayer.ToServer, []byte("NOOP\r\n"))
	}
	if p.TxCount() != MaxTx || p.Tx(MaxTx-1).Events() != EventTooManyTransactions {
		t.Errorf("cap: %d transactions, newest events %x", p.TxCount(), p.Tx(p.TxCount()-1).Events())
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		dir  applayer.Direction
		in   string
	}{
		{"binary command", applayer.ToServer, "\x16\x03\x01 x\r\n"},
		{"bad status", applayer.ToClient, "220 smtp\r\n"},
		{"overlong line", applayer.ToServer, strings.Repeat("A", MaxLine+1)},
	} {
		p := New()
		p.Parse(tc.dir, []byte(tc.in))
		if p.State()&applayer.StateError == 0 {
			t.Errorf("%s: no error state", tc.name)
		}
		p.Parse(tc.dir, []byte("NOOP\r\n"))
		if p.TxCount() != 0 {
			t.Errorf("%s: parsed after the error", tc.name)
		}
	}
	p := New()
	p.Parse(applayer.ToServer, []byte("STLS\r\n"))
	p.Parse(applayer.ToClient, []byte("+OK begin TLS\r\n\x16\x03\x01"))
	if p.State()&applayer.StateEncrypted == 0 || p.TxCount() != 1 {
		t.Errorf("STLS: state %v, %d transactions", p.State(), p.TxCount())
	}
}
