package mqtt

import (
	"bytes"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// pkt builds a control packet: first byte h, a remaining length, body.
func pkt(h byte, parts ...[]byte) []byte {
	body := bytes.Join(parts, nil)
	out := []byte{h}
	n := len(body)
	for {
		c := byte(n & 0x7f)
		n >>= 7
		if n > 0 {
			out = append(out, c|0x80)
			continue
		}
		out = append(out, c)
		break
	}
	return append(out, body...)
}

// str is an MQTT string or binary data: 2-byte length and bytes.
func str(s string) []byte { return append([]byte{byte(len(s) >> 8), byte(len(s))}, s...) }

func u16(v uint16) []byte { return []byte{byte(v >> 8), byte(v)} }

var (
	// connect5 is an MQTT 5.0 CONNECT with clean start, user name and
	// password, an empty client id and one property (receive maximum).
	connect5 = pkt(0x10, str("MQTT"), []byte{5, 0xc2}, u16(60), []byte{3, 0x21, 0x00, 0x14},
		str(""), str("user"), str("pass"))
	// connack134 is a 5.0 CONNACK: bad user name or password, with a
	// reason string property.
	connack134 = pkt(0x20, []byte{0, 134}, []byte{5, 0x1f, 0, 2, 'n', 'o'})
	// connect311 is a 3.1.1 CONNECT with a will.
	connect311 = pkt(0x10, str("MQTT"), []byte{4, 0x2e}, u16(30), str("client-1"),
		str("will/topic"), str("bye"))
	// connect31 is a 3.1 CONNECT (protocol name MQIsdp).
	connect31 = pkt(0x10, str("MQIsdp"), []byte{3, 0x02}, u16(30), str("old"))
	connack0  = pkt(0x20, []byte{1, 0})
)

func get(t *testing.T, tx *Tx, d applayer.Direction, b applayer.BufferID, i int) string {
	t.Helper()
	v, ok := tx.BufferAt(d, b, i)
	if !ok {
		return "<none>"
	}
	return string(v)
}

func all(tx *Tx, d applayer.Direction, b applayer.BufferID) []byte {
	var out []byte
	for i := 0; ; i++ {
		v, ok := tx.BufferAt(d, b, i)
		if !ok {
			return out
		}
		out = append(out, v...)
	}
}

func TestConnectConnack(t *testing.T) {
	p := New()
	p.Parse(applayer.ToServer, connect5)
	if p.TxCount() != 1 || p.Tx(0).Complete(applayer.ToServer) {
		t.Fatalf("after CONNECT: %d txs; want 1, incomplete", p.TxCount())
	}
	p.Parse(applayer.ToClient, connack134)
	if p.TxCount() != 1 || p.State() != 0 {
		t.Fatalf("after CONNACK: %d txs, state %v; want 1, 0", p.TxCount(), p.State())
	}
	tx := p.Tx(0)
	S, C := applayer.ToServer, applayer.ToClient
	if !tx.Complete(S) || !tx.Complete(C) {
		t.Errorf("complete = %v, %v; want true, true", tx.Complete(S), tx.Complete(C))
	}
	if got := all(tx, S, bufid.MQTTType); !bytes.Equal(got, []byte{1, 2}) {
		t.Errorf("mqtt.type = %v; want [1 2]", got)
	}
	if got := all(tx, S, bufid.MQTTReasonCode); !bytes.Equal(got, []byte{134}) {
		t.Errorf("mqtt.reason_code = %v; want [134]", got)
	}
	if got := all(tx, S, bufid.MQTTProtocolVersion); !bytes.Equal(got, []byte{5}) {
		t.Errorf("mqtt.protocol_version = %v; want [5]", got)
	}
	if got := all(tx, S, bufid.MQTTConnectFlags); !bytes.Equal(got, []byte{0xc2}) {
		t.Errorf("mqtt.connect.flags = %v; want [0xc2]", got)
	}
	if got := all(tx, S, bufid.MQTTConnackSessionPresent); !bytes.Equal(got, []byte{0}) {
		t.Errorf("mqtt.connack.session_present = %v; want [0]", got)
	}
	for _, c := range []struct {
		d    applayer.Direction
		b    applayer.BufferID
		want string
	}{
		{S, bufid.MQTTConnectUsername, "user"},
		{S, bufid.MQTTConnectPassword, "pass"},
		{S, bufid.MQTTConnectProtocolString, "MQTT"},
		{S, bufid.MQTTConnectClientID, "<none>"}, // empty is absent, as in Suricata
		{S, bufid.MQTTConnectWillTopic, "<none>"},
		{S, bufid.MQTTPublishTopic, "<none>"},
		// The transaction is inspected in its own direction only.
		{C, bufid.MQTTType, "<none>"},
		{C, bufid.MQTTReasonCode, "<none>"},
		{C, bufid.MQTTConnectUsername, "<none>"},
	} {
		if got := get(t, tx, c.d, c.b, 0); got != c.want {
			t.Errorf("%v %v = %q; want %q", c.d, c.b, got, c.want)
		}
	}
}

func TestConnectVersions(t *testing.T) {
	for _, c := range []struct {
		name     string
		in       []byte
		ver      uint8
		client   string
		will     string
		willMsg  string
		protocol string
	}{
		{"3.1.1 with will", connect311, 4, "client-1", "will/topic", "bye", "MQTT"},
		{"3.1", connect31, 3, "old", "<none>", "<none>", "MQIsdp"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			p.Parse(applayer.ToServer, c.in)
			p.Parse(applayer.ToClient, connack0)
			if p.TxCount() != 1 || p.Version() != c.ver {
				t.Fatalf("%d txs, version %d; want 1, %d", p.TxCount(), p.Version(), c.ver)
			}
			tx, S := p.Tx(0), applayer.ToServer
			got := []string{get(t, tx, S, bufid.MQTTConnectClientID, 0), get(t, tx, S, bufid.MQTTConnectWillTopic, 0),
				get(t, tx, S, bufid.MQTTConnectWillMessage, 0), get(t, tx, S, bufid.MQTTConnectProtocolString, 0)}
			want := []string{c.client, c.will, c.willMsg, c.protocol}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("buffer %d = %q; want %q", i, got[i], want[i])
				}
			}
			if got := all(tx, S, bufid.MQTTConnackSessionPresent); !bytes.Equal(got, []byte{1}) {
				t.Errorf("session present = %v; want [1]", got)
			}
			if got := all(tx, S, bufid.MQTTReasonCode); !bytes.Equal(got, []byte{0}) {
				t.Errorf("reason codes = %v; want [0]", got)
			}
		})
	}
}

func TestPublishPairing(t *testing.T) {
	S, C := applayer.ToServer, applayer.ToClient
	p := New()
	p.Parse(S, connect311)
	p.Parse(C, connack0)
	// QoS 0: complete at once.
	p.Parse(S, pkt(0x31, str("a/b"), []byte("hello"))) // retain
	// QoS 1 with its PUBACK.
	p.Parse(S, pkt(0x32, str("q1"), u16(7), []byte("one")))
	// QoS 2, dup: PUBREC, PUBREL, PUBCOMP.
	p.Parse(S, pkt(0x3c, str("q2"), u16(8), []byte("two")))
	p.Parse(C, pkt(0x40, u16(7)))
	p.Parse(C, pkt(0x50, u16(8)))
	p.Parse(S, pkt(0x62, u16(8)))
	if p.TxCount() != 4 || p.Tx(3).Complete(S) {
		t.Fatalf("%d txs; want 4 with the last open", p.TxCount())
	}
	p.Parse(C, pkt(0x70, u16(8)))
	// An acknowledgement nobody waits for is its own transaction, of the
	// direction it came from.
	p.Parse(C, pkt(0x40, u16(99)))
	if p.TxCount() != 5 {
		t.Fatalf("%d txs; want 5", p.TxCount())
	}
	for i, want := range []struct {
		types, flags, qos []byte
		topic, msg        string
		dir               applayer.Direction
	}{
		{[]byte{1, 2}, []byte{0, 0}, []byte{0, 0}, "<none>", "<none>", S},
		{[]byte{3}, []byte{1}, []byte{0}, "a/b", "hello", S},
		{[]byte{3, 4}, []byte{0, 0}, []byte{1, 0}, "q1", "one", S},
		{[]byte{3, 5, 6, 7}, []byte{8, 0, 0, 0}, []byte{2, 0, 1, 0}, "q2", "two", S},
		{[]byte{4}, []byte{0}, []byte{0}, "<none>", "<none>", C},
	} {
		tx := p.Tx(i)
		if !tx.Complete(S) || !tx.Complete(C) || tx.Dir() != want.dir {
			t.Errorf("tx %d: complete %v/%v, dir %v; want complete, %v", i, tx.Complete(S), tx.Complete(C), tx.Dir(), want.dir)
		}
		d := want.dir
		if got := all(tx, d, bufid.MQTTType); !bytes.Equal(got, want.types) {
			t.Errorf("tx %d: types %v; want %v", i, got, want.types)
		}
		if got := all(tx, d, bufid.MQTTFlags); !bytes.Equal(got, want.flags) {
			t.Errorf("tx %d: flags %v; want %v", i, got, want.flags)
		}
		if got := all(tx, d, bufid.MQTTQoS); !bytes.Equal(got, want.qos) {
			t.Errorf("tx %d: qos %v; want %v", i, got, want.qos)
		}
		if got := get(t, tx, d, bufid.MQTTPublishTopic, 0); got != want.topic {
			t.Errorf("tx %d: topic %q; want %q", i, got, want.topic)
		}
		if got := get(t, tx, d, bufid.MQTTPublishMessage, 0); got != want.msg {
			t.Errorf("tx %d: message %q; want %q", i, got, want.msg)
		}
		// 3.1.1 acknowledgements have no reason codes.
		if got := all(tx, d, bufid.MQTTReasonCode); i > 0 && len(got) != 0 {
			t.Errorf("tx %d: reason codes %v; want none", i, got)
		}
	}
}

func TestV5ReasonCodes(t *testing.T) {
	S, C := applayer.ToServer, applayer.ToClient
	p := New()
	p.Parse(S, connect5)
	p.Parse(C, pkt(0x20, []byte{0, 0, 0}))
	p.Parse(S, pkt(0x32, str("t"), u16(1), []byte{0}, []byte("m")))
	p.Parse(C, pkt(0x40, u16(1), []byte{16})) // no matching subscribers, no properties
	p.Parse(S, pkt(0x82, u16(2), []byte{0}, str("a/#"), []byte{1}, str("b"), []byte{2}))
	p.Parse(C, pkt(0x90, u16(2), []byte{0}, []byte{1, 0x87}))
	p.Parse(S, pkt(0xa2, u16(3), []byte{0}, str("a/#"), str("c")))
	p.Parse(C, pkt(0xb0, u16(3), []byte{0}, []byte{0, 17}))
	p.Parse(S, pkt(0xe0, []byte{4, 0}))             // DISCONNECT with will message
	p.Parse(C, pkt(0x40, u16(1)))                   // unpaired PUBACK, reason left out (0)
	p.Parse(S, pkt(0xf0, []byte{0x18, 2, 0x15, 0})) // AUTH: continue authentication
	if p.TxCount() != 7 || p.State() != 0 {
		t.Fatalf("%d txs, state %v; want 7, 0", p.TxCount(), p.State())
	}
	for i, want := range []struct {
		d       applayer.Direction
		reasons []byte
	}{
		{S, []byte{0}},
		{S, []byte{16}},
		{S, []byte{1, 0x87}},
		{S, []byte{0, 17}},
		{S, []byte{4}},
		{C, []byte{0}},
		{S, []byte{0x18}},
	} {
		if got := all(p.Tx(i), want.d, bufid.MQTTReasonCode); !bytes.Equal(got, want.reasons) {
			t.Errorf("tx %d: reason codes %v; want %v", i, got, want.reasons)
		}
	}
	sub, unsub := p.Tx(2), p.Tx(3)
	if got := []string{get(t, sub, S, bufid.MQTTSubscribeTopic, 0), get(t, sub, S, bufid.MQTTSubscribeTopic, 1),
		get(t, sub, S, bufid.MQTTSubscribeTopic, 2)}; got[0] != "a/#" || got[1] != "b" || got[2] != "<none>" {
		t.Errorf("subscribe topics %q; want a/#, b", got)
	}
	if got := []string{get(t, unsub, S, bufid.MQTTUnsubscribeTopic, 0), get(t, unsub, S, bufid.MQTTUnsubscribeTopic, 1),
		get(t, sub, S, bufid.MQTTUnsubscribeTopic, 0)}; got[0] != "a/#" || got[1] != "c" || got[2] != "<none>" {
		t.Errorf("unsubscribe topics %q; want a/#, c and none on the SUBSCRIBE", got)
	}
}

func TestFraming(t *testing.T) {
	S, C := applayer.ToServer, applayer.ToClient
	stream := append(append(append([]byte(nil), connect311...), pkt(0xc0)...), pkt(0x30, str("x"), []byte("payload"))...)
	for _, step := range []int{1, 2, 3, 7, len(stream)} {
		p := New()
		for i := 0; i < len(stream); i += step {
			p.Parse(S, stream[i:min(i+step, len(stream))])
		}
		p.Parse(C, connack0)
		if p.TxCount() != 3 {
			t.Fatalf("step %d: %d txs; want 3", step, p.TxCount())
		}
		if got := get(t, p.Tx(2), S, bufid.MQTTPublishMessage, 0); got != "payload" {
			t.Errorf("step %d: message %q", step, got)
		}
		if got := all(p.Tx(1), S, bufid.MQTTType); !bytes.Equal(got, []byte{TypePingreq}) {
			t.Errorf("step %d: ping types %v", step, got)
		}
	}
}

func TestTruncated(t *testing.T) {
	S := applayer.ToServer
	big := pkt(0x30, str("big"), make([]byte, MaxMsgLen))
	after := pkt(0x30, str("small"), []byte("x"))
	for _, step := range []int{1000, 3, len(big) + len(after)} {
		p := New()
		in := append(append([]byte(nil), big...), after...)
		// The first chunk ends inside the header when step is 3.
		for i := 0; i < len(in); i += step {
			p.Parse(S, in[i:min(i+step, len(in))])
		}
		if p.TxCount() != 2 || p.State() != 0 {
			t.Fatalf("step %d: %d txs, state %v; want 2, 0", step, p.TxCount(), p.State())
		}
		tx := p.Tx(0)
		if !tx.Msgs[0].Truncated || get(t, tx, S, bufid.MQTTType, 0) != "\x03" ||
			get(t, tx, S, bufid.MQTTPublishTopic, 0) != "<none>" {
			t.Errorf("step %d: first tx is not a truncated PUBLISH", step)
		}
		if got := get(t, p.Tx(1), S, bufid.MQTTPublishTopic, 0); got != "small" {
			t.Errorf("step %d: topic after the skip %q", step, got)
		}
	}
}

func TestMalformed(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
	}{
		{"remaining length of 5 bytes", []byte{0x30, 0xff, 0xff, 0xff, 0xff, 0x01}},
		{"short connect", pkt(0x10, str("MQTT"), []byte{4})},
		{"string past the end", pkt(0x30, []byte{0, 9, 'a'})},
		{"subscribe without topics", pkt(0x82, u16(1))},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := New()
			p.Parse(applayer.ToServer, c.in)
			p.Parse(applayer.ToServer, pkt(0xc0))
			if p.State()&applayer.StateError == 0 || p.TxCount() != 0 || p.Malformed != 1 {
				t.Errorf("state %v, %d txs, %d malformed; want error, 0, 1", p.State(), p.TxCount(), p.Malformed)
			}
		})
	}
}

func TestCaps(t *testing.T) {
	S := applayer.ToServer
	p := New()
	for i := 0; i < MaxLive+10; i++ {
		p.Parse(S, pkt(0x32, str("t"), u16(uint16(i)), []byte("m")))
	}
	if p.TxCount() > MaxLive || p.Dropped == 0 {
		t.Errorf("%d live txs, %d dropped; want at most %d and some dropped", p.TxCount(), p.Dropped, MaxLive)
	}
	open := 0
	for i := 0; i < p.TxCount(); i++ {
		if !p.Tx(i).Complete(S) {
			open++
		}
	}
	if open > MaxWaiting {
		t.Errorf("%d open txs; want at most %d", open, MaxWaiting)
	}
	p.Prune(p.Tx(p.TxCount()-1).ID() + 1)
	if p.TxCount() != 0 || p.held != 0 {
		t.Errorf("after prune: %d txs, %d bytes held", p.TxCount(), p.held)
	}
}

func TestProbe(t *testing.T) {
	for _, c := range []struct {
		name string
		in   []byte
		want applayer.ProbeResult
	}{
		{"5.0", connect5, applayer.ProbeMatch},
		{"3.1.1", connect311, applayer.ProbeMatch},
		{"3.1", connect31, applayer.ProbeMatch},
		{"partial", connect311[:7], applayer.ProbeNeedMore},
		{"empty", nil, applayer.ProbeNeedMore},
		{"publish", pkt(0x30, str("t")), applayer.ProbeNoMatch},
		{"bad name", pkt(0x10, str("MQTX"), []byte{4}), applayer.ProbeNoMatch},
		{"bad level", pkt(0x10, str("MQTT"), []byte{9}), applayer.ProbeNoMatch},
		{"http", []byte("GET / HTTP/1.1\r\n"), applayer.ProbeNoMatch},
	} {
		if got := applayer.ProbeMQTTConnect(c.in); got != c.want {
			t.Errorf("%s: %v; want %v", c.name, got, c.want)
		}
	}
}

func TestOpenTxHidden(t *testing.T) {
	S := applayer.ToServer
	p := New()
	p.Parse(S, pkt(0x32, str("q1"), u16(7), []byte("one")))
	tx := p.Tx(0)
	if got := get(t, tx, S, bufid.MQTTPublishTopic, 0); got != "<none>" || tx.Complete(S) {
		t.Errorf("open tx: topic %q, complete %v; want none, false", got, tx.Complete(S))
	}
	p.Parse(applayer.ToClient, pkt(0x40, u16(7)))
	if got := get(t, tx, S, bufid.MQTTPublishTopic, 0); got != "q1" || !tx.Complete(S) {
		t.Errorf("after PUBACK: topic %q, complete %v; want q1, true", got, tx.Complete(S))
	}
}

// TestDisconnectOneByte checks Suricata 8's reading of a 5.0 DISCONNECT
// whose only byte is a reason code: reason 0, whatever the byte.
func TestDisconnectOneByte(t *testing.T) {
	S := applayer.ToServer
	p := New()
	p.Parse(S, connect5)
	p.Parse(applayer.ToClient, connack134)
	p.Parse(S, pkt(0xe0, []byte{4}))
	if p.TxCount() != 2 {
		t.Fatalf("%d txs; want 2", p.TxCount())
	}
	if got := all(p.Tx(1), S, bufid.MQTTReasonCode); !bytes.Equal(got, []byte{0}) {
		t.Errorf("reason codes %v; want [0]", got)
	}
}
