package websocket

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

// frameBytes builds a frame: first byte b0, payload masked with key when
// key is non-nil.
func frameBytes(b0 byte, key []byte, payload []byte) []byte {
	out := []byte{b0}
	m := byte(0)
	if key != nil {
		m = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		out = append(out, m|byte(n))
	case n < 1<<16:
		out = append(out, m|126, byte(n>>8), byte(n))
	default:
		out = append(out, m|127)
		out = binary.BigEndian.AppendUint64(out, uint64(n))
	}
	p := append([]byte(nil), payload...)
	if key != nil {
		out = append(out, key...)
		for i := range p {
			p[i] ^= key[i%4]
		}
	}
	return append(out, p...)
}

// deflate compresses msgs with one compressor (context takeover) and
// returns each message without the 00 00 ff ff tail, as RFC 7692 sends.
func deflate(t *testing.T, msgs ...string) [][]byte {
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, m := range msgs {
		buf.Reset()
		w.Write([]byte(m))
		w.Flush()
		out = append(out, bytes.TrimSuffix(append([]byte(nil), buf.Bytes()...), []byte{0, 0, 0xff, 0xff}))
	}
	return out
}

func TestFrames(t *testing.T) {
	key := []byte{1, 2, 3, 4}
	p := New()
	stream := append(frameBytes(0x81, key, []byte("hello")), frameBytes(0x89, nil, []byte("p"))...)
	// Byte by byte: frames are reassembled across segments.
	for i := range stream {
		p.Parse(applayer.ToServer, stream[i:i+1])
	}
	if p.TxCount() != 2 {
		t.Fatalf("%d frames", p.TxCount())
	}
	a, b := p.Tx(0), p.Tx(1)
	if string(a.Payload) != "hello" || !a.Fin || a.Opcode != OpText || !a.Masked || a.Mask != 0x01020304 {
		t.Errorf("frame 1 %+v", a)
	}
	if got := a.Buffer(applayer.ToServer, bufid.WebSocketMask); !bytes.Equal(got, key) {
		t.Errorf("mask buffer % x", got)
	}
	if got := a.Buffer(applayer.ToServer, bufid.WebSocketFlags); !bytes.Equal(got, []byte{0x80}) {
		t.Errorf("flags % x", got)
	}
	if b.Buffer(applayer.ToServer, bufid.WebSocketMask) != nil || b.Opcode != OpPing {
		t.Error("unmasked ping")
	}
	if a.Buffer(applayer.ToClient, bufid.WebSocketPayload) != nil {
		t.Error("frame inspected in the other direction")
	}
}

func TestFragmentsAndLimit(t *testing.T) {
	p := New()
	p.Parse(applayer.ToClient, frameBytes(0x01, nil, []byte("ab")))
	p.Parse(applayer.ToClient, frameBytes(0x89, nil, []byte("x"))) // control frame between fragments
	p.Parse(applayer.ToClient, frameBytes(0x80, nil, []byte("cd")))
	if p.TxCount() != 3 || string(p.Tx(2).Payload) != "abcd" || string(p.Tx(0).Payload) != "ab" {
		t.Fatalf("%d frames, last %q", p.TxCount(), p.Tx(p.TxCount()-1).Payload)
	}
	big := bytes.Repeat([]byte("z"), MaxPayload+10)
	p.Parse(applayer.ToClient, append(frameBytes(0x82, nil, big), frameBytes(0x81, nil, []byte("after"))...))
	n := p.TxCount()
	if !p.Tx(n-2).Truncated || len(p.Tx(n-2).Payload) != MaxPayload || string(p.Tx(n-1).Payload) != "after" {
		t.Errorf("truncated frame: %d bytes, next %q", len(p.Tx(n-2).Payload), p.Tx(n-1).Payload)
	}
}

// TestDeflate: permessage-deflate messages inflate with the window of the
// earlier ones (the second message refers back to the first).
func TestDeflate(t *testing.T) {
	z := deflate(t, "TOGGLE=5659131662f54334 and more", "TOGGLE=5659131662f54334 and more!")
	p := New()
	p.Parse(applayer.ToServer, frameBytes(0xc1, []byte{9, 8, 7, 6}, z[0]))
	// Second message fragmented: RSV1 on the first fragment only.
	p.Parse(applayer.ToServer, frameBytes(0x41, nil, z[1][:3]))
	p.Parse(applayer.ToServer, frameBytes(0x80, nil, z[1][3:]))
	if p.TxCount() != 3 {
		t.Fatalf("%d frames", p.TxCount())
	}
	if got := string(p.Tx(0).Payload); got != "TOGGLE=5659131662f54334 and more" || p.Tx(0).InflateFailed {
		t.Errorf("message 1 %q", got)
	}
	if got := string(p.Tx(2).Payload); got != "TOGGLE=5659131662f54334 and more!" || p.Tx(2).InflateFailed {
		t.Errorf("message 2 %q", got)
	}
}

func TestOpcodeName(t *testing.T) {
	for op, want := range map[uint8]string{0: "continuation", 1: "text", 2: "binary", 8: "close", 9: "ping", 10: "pong", 3: "unknown-3", 15: "unknown-15"} {
		if got := OpcodeName(op); got != want {
			t.Errorf("%d: %q", op, got)
		}
	}
}
