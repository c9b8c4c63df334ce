package ftp

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

const (
	S = applayer.ToServer
	C = applayer.ToClient
)

// session is a short control connection: greeting, login, a multi-line
// reply, passive and active transfers.
var session = []struct {
	dir  applayer.Direction
	data string
}{
	{C, "220-Welcome\r\n220-to the server\r\n220 ready\r\n"},
	{S, "USER anonymous\r\n"},
	{C, "331 Please specify the password.\r\n"},
	{S, "PASS guest\r\n"},
	{C, "230 Login successful.\r\n"},
	{S, "HELP\r\n"},
	{C, "214-The following commands are recognized.\r\n USER PASS\r\n214 Help OK.\r\n"},
	{S, "PASV\r\n"},
	{C, "227 Entering Passive Mode (192,168,0,10,195,80).\r\n"},
	{S, "RETR temp.txt\r\n"},
	{C, "150 Opening BINARY mode data connection for temp.txt (1164 bytes).\r\n"},
	{C, "226 Transfer complete.\r\n"},
	{S, "PORT 192,168,0,13,234,10\r\n"},
	{C, "200 PORT command successful.\r\n"},
	{S, "STOR up.bin\r\n"},
	{C, "150 Ok to send data.\r\n"},
}

func feed(p *Parser, step int) {
	for _, m := range session {
		b := []byte(m.data)
		for i := 0; i < len(b); i += step {
			p.Parse(m.dir, b[i:min(i+step, len(b))])
		}
	}
}

func buf(t *testing.T, tx *Tx, b applayer.BufferID, i int) string {
	t.Helper()
	v, ok := tx.BufferAt(S, b, i)
	if !ok {
		return "<none>"
	}
	return string(v)
}

type txSummary struct {
	Command, Data string
	Codes, Texts  []string
	Done          bool
	Port          uint16
	Active        bool
}

func summarize(t *testing.T, tx *Tx) txSummary {
	t.Helper()
	s := txSummary{Command: tx.Command.String(), Done: tx.Done, Port: tx.DynPort, Active: tx.Active}
	s.Data = buf(t, tx, bufid.FTPCommandData, 0)
	for _, r := range tx.Replies {
		s.Codes = append(s.Codes, string(r.Code))
		s.Texts = append(s.Texts, string(r.Text))
	}
	return s
}

func TestSession(t *testing.T) {
	want := []txSummary{
		{Command: "", Data: "<none>", Codes: []string{"", "", "220"}, Texts: []string{"220-Welcome", "220-to the server", "ready"}, Done: true},
		{Command: "USER", Data: "anonymous", Codes: []string{"331"}, Texts: []string{"Please specify the password."}, Done: true},
		{Command: "PASS", Data: "guest", Codes: []string{"230"}, Texts: []string{"Login successful."}, Done: true},
		{Command: "HELP", Data: "<none>", Codes: []string{"", "", "214"}, Texts: []string{"214-The following commands are recognized.", " USER PASS", "Help OK."}, Done: true},
		{Command: "PASV", Data: "<none>", Codes: []string{"227"}, Texts: []string{"Entering Passive Mode (192,168,0,10,195,80)."}, Done: true, Port: 195*256 + 80},
		{Command: "RETR", Data: "temp.txt", Codes: []string{"150", "226"}, Texts: []string{"Opening BINARY mode data connection for temp.txt (1164 bytes).", "Transfer complete."}, Done: true},
		{Command: "PORT", Data: "192,168,0,13,234,10", Codes: []string{"200"}, Texts: []string{"PORT command successful."}, Done: true, Port: 59914, Active: true},
		{Command: "STOR", Data: "up.bin", Codes: []string{"150"}, Texts: []string{"Ok to send data."}},
	}
	for _, step := range []int{1, 3, 1000} {
		p := New()
		feed(p, step)
		var got []txSummary
		for i := 0; i < p.TxCount(); i++ {
			if p.Tx(i).ID() != uint64(i) {
				t.Errorf("step %d: tx %d has id %d", step, i, p.Tx(i).ID())
			}
			got = append(got, summarize(t, p.Tx(i)))
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("step %d (-want +got):\n%s", step, d)
		}
	}
}

func TestBuffers(t *testing.T) {
	p := New()
	feed(p, 1000)
	greet, retr, port, stor := p.Tx(0), p.Tx(5), p.Tx(6), p.Tx(7)
	for _, c := range []struct {
		name string
		tx   *Tx
		b    applayer.BufferID
		i    int
		want string
	}{
		{"greeting has no buffers", greet, bufid.FTPReply, 0, "<none>"},
		{"greeting reply_received", greet, bufid.FTPReplyReceived, 0, "<none>"},
		{"command", retr, bufid.FTPCommand, 0, "RETR"},
		{"command once", retr, bufid.FTPCommand, 1, "<none>"},
		{"code 0", retr, bufid.FTPCompletionCode, 0, "150"},
		{"code 1", retr, bufid.FTPCompletionCode, 1, "226"},
		{"code 2", retr, bufid.FTPCompletionCode, 2, "<none>"},
		{"reply 1", retr, bufid.FTPReply, 1, "Transfer complete."},
		{"no port", retr, bufid.FTPDynamicPort, 0, "\x00\x00"},
		{"no mode", retr, bufid.FTPMode, 0, "<none>"},
		{"received", retr, bufid.FTPReplyReceived, 0, "\x01\x01"},
		{"port", port, bufid.FTPDynamicPort, 0, "\xea\x0a"},
		{"active", port, bufid.FTPMode, 0, "\x01"},
		{"passive", p.Tx(4), bufid.FTPMode, 0, "\x00"},
		{"bounce address", port, bufid.FTPBounce, 0, "\xc0\xa8\x00\x0d"},
		{"no bounce address", retr, bufid.FTPBounce, 0, "<none>"},
		{"preliminary only", stor, bufid.FTPReplyReceived, 0, "\x00\x01"},
	} {
		if got := buf(t, c.tx, c.b, c.i); got != c.want {
			t.Errorf("%s: %s[%d] = %q, want %q", c.name, c.b, c.i, got, c.want)
		}
	}
	if !retr.Complete(C) || stor.Complete(C) || !stor.Complete(S) {
		t.Errorf("complete: retr %v stor %v/%v", retr.Complete(C), stor.Complete(S), stor.Complete(C))
	}
}

func TestLookupCommand(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{"USER bob", "USER"},
		{"user bob", "USER"},
		{"PASS storage", "PASS"},
		{"XPWD", "PWD"}, // found inside the line, as Suricata's search does
		{"XMKD dir", "MKD"},
		{"STOU", "STOU"},
		{"FEAT", ""},
		{"AUTH TLS", ""}, // Suricata 8 spells the command AUTH_TLS
		{"OPTS UTF8 ON", ""},
		{"", ""},
		{"12345", ""},
	} {
		if got := lookupCommand([]byte(c.line)).String(); got != c.want {
			t.Errorf("lookupCommand(%q) = %q, want %q", c.line, got, c.want)
		}
	}
}

func TestPorts(t *testing.T) {
	for _, c := range []struct {
		f    func([]byte) uint16
		line string
		want uint16
	}{
		{activePort, "PORT 192,168,0,13,234,10", 59914},
		{activePort, "PORT  192 ,168,0,13,234,10", 59914},
		{activePort, "port 1,2,3,4,0,21", 21},
		{activePort, "PORT 212,27,32,66,257,243", 0},
		{activePort, "PORT 212,27,32,66,255,65535", 0},
		{activePort, "PORT 1,2,3,4,5", 0},
		{passivePort, "227 Entering Passive Mode (212,27,32,66,221,243).", 56819},
		{passivePort, "227 Entering Passive Mode (212,27,32,66, 221 , 243 )", 56819},
		{passivePort, "227 Entering Passive Mode (212,27,32,66,257,243).", 0},
		{passivePort, "227 Entering Passive Mode 212,27,32,66,221,243", 0},
		{passivePort, "200 (212,27,32,66,221,243)", 0},
		{extActivePort, "EPRT |2|2a01:e34:ee97:b130:8c3e:45ea:5ac6:e301|41813|", 41813},
		{extActivePort, "EPRT |2|2a01:e34:ee97:b130:8c3e:45ea:5ac6:e301|81813|", 0},
		{extActivePort, "EPRT |1|1.2.3.4|", 0},
		{extPassivePort, "229 Entering Extended Passive Mode (|||48758|).", 48758},
		{extPassivePort, "229 Entering Extended Passive Mode (|||48758|", 0},
		{extPassivePort, "229 Entering Extended Passive Mode (|||99999|)", 0},
	} {
		if got := c.f([]byte(c.line)); got != c.want {
			t.Errorf("%q: port %d, want %d", c.line, got, c.want)
		}
	}
}

func TestBounceAddr(t *testing.T) {
	for _, c := range []struct {
		line string
		want string // "" when none
	}{
		{"PORT 192,168,0,13,234,10", "\xc0\xa8\x00\x0d"},
		{"PORT 2,2,2,3,0,80", "\x02\x02\x02\x03"},
		{"PORT 2 ,2 ,2,3,0,80", "\x02\x02\x02\x03"},
		{"PORT 2, 2,2,3,0,80", ""}, // no space after a comma
		{"PORT 1,2,3", ""},
		{"PORT 1234,2,3,4,5,6", ""}, // four digits
		{"PORT 300,2,3,4,5,6", ""},  // octet too large
		{"PORT 1;2,3,4,5,6", ""},
		{"PORT", ""},
	} {
		a, ok := bounceAddr([]byte(c.line))
		got := ""
		if ok {
			got = string(a[:])
		}
		if got != c.want {
			t.Errorf("%q: %q, want %q", c.line, got, c.want)
		}
	}
}

// TestUnknownAndPipelined: unknown commands make no transaction, so the
// reply to FEAT goes to the oldest command still waiting (USER), as in
// Suricata; replies nobody waits for join the newest transaction.
func TestUnknownAndPipelined(t *testing.T) {
	p := New()
	p.Parse(S, []byte("FEAT\r\nUSER a\r\nPASS b\r\n"))
	p.Parse(C, []byte("211-Features:\r\n MDTM\r\n211 End\r\n331 pw\r\n230 ok\r\n421 bye\r\n"))
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions, want 2", p.TxCount())
	}
	user, pass := summarize(t, p.Tx(0)), summarize(t, p.Tx(1))
	if d := cmp.Diff([]string{"", "", "211"}, user.Codes); d != "" {
		t.Errorf("USER codes (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"331", "230", "421"}, pass.Codes); d != "" {
		t.Errorf("PASS codes (-want +got):\n%s", d)
	}
}

func TestTruncation(t *testing.T) {
	long := strings.Repeat("A", 3*MaxLine)
	for _, step := range []int{1, 1000, 1 << 20} {
		p := New()
		in := []byte("USER " + long + "\r\nPASS x\r\n")
		for i := 0; i < len(in); i += step {
			p.Parse(S, in[i:min(i+step, len(in))])
		}
		out := []byte("331 " + long + "\r\n230 ok\r\n")
		for i := 0; i < len(out); i += step {
			p.Parse(C, out[i:min(i+step, len(out))])
		}
		if p.TxCount() != 2 {
			t.Fatalf("step %d: %d transactions, want 2", step, p.TxCount())
		}
		user, pass := p.Tx(0), p.Tx(1)
		if len(user.Request) != MaxLine || !user.RequestTruncated {
			t.Errorf("step %d: request of %d bytes, truncated %v", step, len(user.Request), user.RequestTruncated)
		}
		if len(user.Replies) != 1 || !user.Replies[0].Truncated || len(user.Replies[0].Text) != MaxLine-4 || !user.Done {
			t.Errorf("step %d: reply %+v", step, user.Replies)
		}
		if string(pass.Request) != "PASS x" || pass.RequestTruncated || len(pass.Replies) != 1 || string(pass.Replies[0].Code) != "230" {
			t.Errorf("step %d: PASS %q %+v", step, pass.Request, pass.Replies)
		}
		if p.Truncated != 2 {
			t.Errorf("step %d: %d truncated lines, want 2", step, p.Truncated)
		}
	}
}

// TestBounds: transactions per flow and reply lines per transaction are
// capped; the partial line buffer never exceeds MaxLine.
func TestBounds(t *testing.T) {
	p := New()
	var b bytes.Buffer
	for i := 0; i < 2*MaxTx; i++ {
		b.WriteString("NOOP\r\n")
	}
	p.Parse(S, b.Bytes())
	if p.TxCount() != MaxTx || p.Tx(0).ID() != MaxTx {
		t.Errorf("%d transactions from id %d, want %d from %d", p.TxCount(), p.Tx(0).ID(), MaxTx, MaxTx)
	}
	q := New()
	q.Parse(S, []byte("HELP\r\n"))
	b.Reset()
	b.WriteString("214-help\r\n")
	for i := 0; i < 2*MaxReplies; i++ {
		b.WriteString(" line\r\n")
	}
	b.WriteString("214 end\r\n")
	q.Parse(C, b.Bytes())
	tx := q.Tx(0)
	if len(tx.Replies) != MaxReplies || tx.ReplyDropped != MaxReplies+2 || !tx.Done {
		t.Errorf("%d replies, %d dropped, done %v", len(tx.Replies), tx.ReplyDropped, tx.Done)
	}
	r := New()
	r.Parse(C, bytes.Repeat([]byte("x"), MaxLine-1))
	if cap(r.dirs[C].buf) > 2*MaxLine {
		t.Errorf("line buffer capacity %d", cap(r.dirs[C].buf))
	}
}

func TestAuthTLSAndGap(t *testing.T) {
	p := New()
	p.Parse(S, []byte("AUTH TLS\r\n"))
	p.Parse(C, []byte("234 Proceed with negotiation.\r\n"))
	if p.State()&applayer.StateEncrypted == 0 {
		t.Fatalf("state %v, want encrypted", p.State())
	}
	p.Parse(S, []byte("\x16\x03\x01USER x\r\n"))
	if p.TxCount() != 1 { // the 234 made a transaction without a command
		t.Errorf("%d transactions after TLS, want 1", p.TxCount())
	}
	g := New()
	g.Parse(S, []byte("USER a\r\n"))
	g.Gap(C, 10)
	g.Parse(C, []byte("331 pw\r\n"))
	if g.State()&applayer.StateGap == 0 || len(g.Tx(0).Replies) != 0 {
		t.Errorf("after gap: state %v, replies %d", g.State(), len(g.Tx(0).Replies))
	}
}

func TestPrune(t *testing.T) {
	p := New()
	feed(p, 1000)
	p.Prune(6)
	if p.TxCount() != 2 || p.Tx(0).ID() != 6 {
		t.Errorf("after prune: %d from %d", p.TxCount(), p.Tx(0).ID())
	}
	p.Parse(S, []byte("QUIT\r\n"))
	if id := p.Tx(p.TxCount() - 1).ID(); id != 8 {
		t.Errorf("new id %d, want 8", id)
	}
}

// TestBufferAllocs: detection reads buffers on every inspection; reading
// them allocates nothing.
func TestBufferAllocs(t *testing.T) {
	p := New()
	feed(p, 1000)
	tx := p.Tx(6)
	n := testing.AllocsPerRun(100, func() {
		for b := bufid.FTPCommand; b <= bufid.FTPBounce; b++ {
			tx.BufferAt(S, b, 0)
		}
	})
	if n != 0 {
		t.Errorf("BufferAt allocates %v times", n)
	}
}

// TestExpectation: a negotiated data port announces a data connection
// without a command; a RETR or STOR then announces it with the command
// and its argument; each is taken once.
func TestExpectation(t *testing.T) {
	p := New()
	feed := func(dir applayer.Direction, s string) { p.Parse(dir, []byte(s)) }
	feed(C, "220 ready\r\n")
	if _, ok := p.TakeExpectation(); ok {
		t.Fatal("expectation before any port")
	}
	feed(S, "RETR early.txt\r\n")
	feed(C, "425 Use PORT or PASV first.\r\n")
	if _, ok := p.TakeExpectation(); ok {
		t.Fatal("RETR without a port")
	}
	feed(S, "PASV\r\n")
	feed(C, "227 Entering Passive Mode (192,168,0,10,195,80).\r\n")
	if x, ok := p.TakeExpectation(); !ok || x.Port != 50000 || x.Command != CmdUnknown {
		t.Errorf("PASV: %+v %v", x, ok)
	}
	feed(S, "RETR temp.txt\r\n")
	x, ok := p.TakeExpectation()
	if !ok || x.Port != 50000 || x.Command != CmdRETR || string(x.FileName) != "temp.txt" {
		t.Errorf("RETR: %+v %v", x, ok)
	}
	if _, ok := p.TakeExpectation(); ok {
		t.Error("taken twice")
	}
	feed(C, "150 Opening BINARY mode data connection.\r\n226 Transfer complete.\r\n")
	feed(S, "PORT 192,168,0,13,234,10\r\n")
	if _, ok := p.TakeExpectation(); ok {
		t.Error("PORT before its reply")
	}
	feed(C, "200 PORT command successful.\r\n")
	feed(S, "STOR up.bin\r\n")
	if x, ok := p.TakeExpectation(); !ok || x.Port != 59914 || x.Command != CmdSTOR || string(x.FileName) != "up.bin" {
		t.Errorf("STOR: %+v %v", x, ok)
	}
}
