package rfb

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

var (
	challenge = bytes.Repeat([]byte{0xc1}, 16)
	response  = bytes.Repeat([]byte{0x5e}, 16)
)

// msg is one handshake message and the side that sends it.
type msg struct {
	dir  applayer.Direction
	data []byte
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// serverInit is a ServerInit of a 1280x800 32-bit true-colour desktop.
func serverInit(name string) []byte {
	pf := []byte{32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0}
	return cat([]byte{0x05, 0x00, 0x03, 0x20}, pf, u32(uint32(len(name))), []byte(name))
}

const name = "anaeagles@localhost.localdomain"

// vnc37 is a 3.7 handshake with VNC authentication, as in the openwall
// capture of suricata-verify's rfb tests.
func vnc37() []msg {
	S, C := applayer.ToServer, applayer.ToClient
	return []msg{
		{C, []byte("RFB 003.007\n")},
		{S, []byte("RFB 003.007\n")},
		{C, []byte{2, 18, 2}}, // offers VeNCrypt... TLS and VNC auth
		{S, []byte{2}},
		{C, challenge},
		{S, response},
		{C, u32(ResultOK)},
		{S, []byte{1}}, // shared
		{C, serverInit(name)},
		{S, []byte{0, 0, 0, 0, 8, 8, 0, 1}}, // SetPixelFormat start: not parsed
	}
}

// feed parses msgs in order, each in pieces of step bytes (0: whole).
func feed(p *Parser, msgs []msg, step int) {
	for _, m := range msgs {
		n := step
		if n <= 0 {
			n = len(m.data)
		}
		for i := 0; i < len(m.data); i += n {
			p.Parse(m.dir, m.data[i:min(i+n, len(m.data))])
		}
	}
}

func bufString(tx *Tx, b applayer.BufferID) string {
	v, ok := tx.BufferAt(applayer.ToClient, b, 0)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func TestVNCAuth37(t *testing.T) {
	for _, step := range []int{0, 1, 5} {
		p := New()
		feed(p, vnc37(), step)
		tx := p.Tx()
		if p.TxCount() != 1 || !tx.Complete(applayer.ToServer) || p.State() != 0 {
			t.Fatalf("step %d: txs %d complete %v state %v", step, p.TxCount(), tx.done, p.State())
		}
		if got := tx.ServerVersion.String() + " " + tx.ClientVersion.String(); got != "003.007 003.007" {
			t.Errorf("versions %q", got)
		}
		if !bytes.Equal(tx.SecurityTypes, []byte{18, 2}) || tx.SecType != 2 || !tx.HasSecType {
			t.Errorf("types %v chosen %d", tx.SecurityTypes, tx.SecType)
		}
		if !bytes.Equal(tx.Challenge[:], challenge) || !bytes.Equal(tx.Response[:], response) {
			t.Errorf("challenge %x response %x", tx.Challenge, tx.Response)
		}
		if !tx.HasSecResult || tx.SecResult != 0 || tx.Shared != 1 || !tx.HasClientInit {
			t.Errorf("result %v/%d shared %d", tx.HasSecResult, tx.SecResult, tx.Shared)
		}
		if tx.Width != 1280 || tx.Height != 800 || tx.PixelFormat.BitsPerPixel != 32 || tx.PixelFormat.RedShift != 16 ||
			tx.PixelFormat.RedMax != 255 || string(tx.Name) != name {
			t.Errorf("server init %dx%d %+v %q", tx.Width, tx.Height, tx.PixelFormat, tx.Name)
		}
		for _, c := range []struct {
			b    applayer.BufferID
			want string
		}{
			{bufid.RFBName, name},
			{bufid.RFBSecType, "\x00\x00\x00\x02"},
			{bufid.RFBSecResult, "\x00\x00\x00\x00"},
			{bufid.SSHProto, "<none>"},
		} {
			if got := bufString(tx, c.b); got != c.want {
				t.Errorf("%v = %q, want %q", c.b, got, c.want)
			}
		}
	}
}

// TestOrderIndependent delivers every client byte before any server
// byte, and the reverse: the parser queues the side it does not wait for.
func TestOrderIndependent(t *testing.T) {
	for _, first := range []applayer.Direction{applayer.ToServer, applayer.ToClient} {
		var a, b []msg
		for _, m := range vnc37() {
			if m.dir == first {
				a = append(a, m)
			} else {
				b = append(b, m)
			}
		}
		p := New()
		feed(p, append(a, b...), 3)
		if tx := p.Tx(); !tx.done || string(tx.Name) != name || tx.SecType != 2 || p.State() != 0 {
			t.Errorf("%v first: done %v name %q sectype %d state %v", first, tx.done, tx.Name, tx.SecType, p.State())
		}
	}
}

func TestHandshakes(t *testing.T) {
	S, C := applayer.ToServer, applayer.ToClient
	for _, tc := range []struct {
		name      string
		msgs      []msg
		done      bool
		secType   string // "-" when absent, else the decimal value
		secResult string
		reason    string
		shared    bool
		srvName   string
	}{
		{"3.3 vnc auth", []msg{{C, []byte("RFB 003.003\n")}, {S, []byte("RFB 003.003\n")}, {C, u32(2)},
			{C, challenge}, {S, response}, {C, u32(0)}, {S, []byte{0}}, {C, serverInit("x")}},
			true, "2", "0", "", true, "x"},
		{"3.3 none", []msg{{C, []byte("RFB 003.003\n")}, {S, []byte("RFB 003.003\n")}, {C, u32(1)},
			{S, []byte{1}}, {C, serverInit("")}},
			true, "1", "-", "", true, ""},
		{"3.3 invalid with reason", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.003\n")}, {C, u32(0)},
			{C, cat(u32(9), []byte("too many!"))}},
			true, "0", "-", "too many!", false, ""},
		{"3.5 is 3.3", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.005\n")}, {C, u32(1)},
			{S, []byte{1}}, {C, serverInit("five")}},
			true, "1", "-", "", true, "five"},
		{"3.7 none", []msg{{C, []byte("RFB 003.007\n")}, {S, []byte("RFB 003.007\n")}, {C, []byte{1, 1}},
			{S, []byte{1}}, {S, []byte{1}}, {C, serverInit("seven")}},
			true, "1", "-", "", true, "seven"},
		{"3.8 none has a result", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.008\n")}, {C, []byte{1, 1}},
			{S, []byte{1}}, {C, u32(0)}, {S, []byte{1}}, {C, serverInit("eight")}},
			true, "1", "0", "", true, "eight"},
		{"3.8 auth failed", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.008\n")}, {C, []byte{1, 2}},
			{S, []byte{2}}, {C, challenge}, {S, response}, {C, cat(u32(1), u32(14), []byte("Authentication"))}},
			true, "2", "1", "Authentication", false, ""},
		{"3.7 auth failed, no reason", []msg{{C, []byte("RFB 003.007\n")}, {S, []byte("RFB 003.007\n")}, {C, []byte{1, 2}},
			{S, []byte{2}}, {C, challenge}, {S, response}, {C, u32(2)}},
			true, "2", "2", "", false, ""},
		{"3.8 no types", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.008\n")}, {C, cat([]byte{0}, u32(3), []byte("bye"))}},
			true, "-", "-", "bye", false, ""},
		{"apple 3.889 ard", []msg{{C, []byte("RFB 003.889\n")}, {S, []byte("RFB 003.889\n")}, {C, []byte{2, 30, 2}},
			{S, []byte{30}}, {C, []byte{0, 1, 2, 3}}},
			true, "30", "-", "", false, ""},
		{"waiting for the result", []msg{{C, []byte("RFB 003.008\n")}, {S, []byte("RFB 003.008\n")}, {C, []byte{1, 2}},
			{S, []byte{2}}, {C, challenge}, {S, response}, {C, []byte{0, 0}}},
			false, "2", "-", "", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			feed(p, tc.msgs, 0)
			tx := p.Tx()
			if p.TxCount() != 1 || tx.done != tc.done || p.State() != 0 {
				t.Fatalf("txs %d done %v state %v", p.TxCount(), tx.done, p.State())
			}
			val := func(has bool, v uint32) string {
				if !has {
					return "-"
				}
				return strconv.FormatUint(uint64(v), 10)
			}
			if got := val(tx.HasSecType, tx.SecType); got != tc.secType {
				t.Errorf("sectype %s, want %s", got, tc.secType)
			}
			if got := val(tx.HasSecResult, tx.SecResult); got != tc.secResult {
				t.Errorf("secresult %s, want %s", got, tc.secResult)
			}
			if string(tx.FailureReason) != tc.reason || tx.HasClientInit != tc.shared {
				t.Errorf("reason %q clientinit %v", tx.FailureReason, tx.HasClientInit)
			}
			wantName := tc.srvName
			if wantName == "" {
				wantName = "<none>" // an empty name is no buffer, as in Suricata
			}
			if got := bufString(tx, bufid.RFBName); got != wantName {
				t.Errorf("rfb.name %q, want %q", got, wantName)
			}
		})
	}
}

func TestLongName(t *testing.T) {
	long := strings.Repeat("n", maxName+5000)
	msgs := vnc37()
	msgs[8].data = serverInit(long)
	p := New()
	feed(p, msgs, 0)
	tx := p.Tx()
	if !tx.done || len(tx.Name) != maxName || p.State() != 0 {
		t.Fatalf("done %v name %d bytes state %v", tx.done, len(tx.Name), p.State())
	}
}

func TestErrors(t *testing.T) {
	t.Run("bad server version", func(t *testing.T) {
		p := New()
		p.Parse(applayer.ToClient, []byte("SSH-2.0-OpenSSH\r\n"))
		if p.TxCount() != 0 || p.State()&applayer.StateError == 0 {
			t.Errorf("txs %d state %v", p.TxCount(), p.State())
		}
	})
	t.Run("bad client version", func(t *testing.T) {
		p := New()
		p.Parse(applayer.ToClient, []byte("RFB 003.008\n"))
		p.Parse(applayer.ToServer, []byte("RFB 003,008\n"))
		if p.TxCount() != 1 || !p.Tx().done || p.State()&applayer.StateError == 0 {
			t.Errorf("txs %d done %v state %v", p.TxCount(), p.Tx().done, p.State())
		}
	})
	t.Run("gap", func(t *testing.T) {
		p := New()
		p.Parse(applayer.ToClient, []byte("RFB 003.008\n"))
		p.Gap(applayer.ToServer, 10)
		p.Parse(applayer.ToServer, []byte("RFB 003.008\n"))
		if !p.Tx().done || p.Tx().HasClientVersion || p.State()&applayer.StateGap == 0 {
			t.Errorf("done %v state %v", p.Tx().done, p.State())
		}
	})
	t.Run("client floods before the server speaks", func(t *testing.T) {
		p := New()
		p.Parse(applayer.ToServer, make([]byte, maxQueue+1))
		if p.State()&applayer.StateError == 0 || len(p.q[0]) != 0 {
			t.Errorf("state %v queued %d", p.State(), len(p.q[0]))
		}
	})
}

// TestAfterHandshake checks the rest of the flow is ignored and nothing
// is kept.
func TestAfterHandshake(t *testing.T) {
	p := New()
	feed(p, vnc37(), 0)
	p.Parse(applayer.ToClient, make([]byte, 1<<20))
	p.Parse(applayer.ToServer, make([]byte, 1<<20))
	if p.q[0] != nil || p.q[1] != nil || p.State() != 0 {
		t.Errorf("queued %d/%d state %v", len(p.q[0]), len(p.q[1]), p.State())
	}
	if n := testing.AllocsPerRun(100, func() { p.Parse(applayer.ToClient, challenge) }); n != 0 {
		t.Errorf("Parse after the handshake allocates %v times", n)
	}
}

// TestUnimplementedSecurityType checks Suricata's
// unimplemented_security_type event: raised when the client chooses (or a
// 3.3 server imposes) a security type other than None and VNC auth, and
// not for those two.
func TestUnimplementedSecurityType(t *testing.T) {
	S, C := applayer.ToServer, applayer.ToClient
	for _, tc := range []struct {
		name string
		msgs []msg
		want int
	}{
		{"apple chosen", []msg{{C, []byte("RFB 003.889\n")}, {S, []byte("RFB 003.889\n")}, {C, []byte{2, 30, 2}}, {S, []byte{30}}}, 1},
		{"imposed by 3.3 server", []msg{{C, []byte("RFB 003.003\n")}, {S, []byte("RFB 003.003\n")}, {C, u32(16)}}, 1},
		{"vnc auth", vnc37(), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New()
			feed(p, tc.msgs, 0)
			tx := p.TxAt(0).(*Tx)
			if got := tx.EventCount(); got != tc.want {
				t.Fatalf("%d events; want %d", got, tc.want)
			}
			if tc.want > 0 && tx.EventName(0) != "unimplemented_security_type" {
				t.Errorf("event %q", tx.EventName(0))
			}
		})
	}
}
