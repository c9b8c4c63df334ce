package testutil

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"testing"

	"github.com/google/gopacket"
	"github.com/google/gopacket/layers"
	"github.com/google/gopacket/pcapgo"
)

// Frame is one frame of a capture, decoded by gopacket: an independent
// decoder for tests that compare Vigil's own decoding with it.
type Frame struct {
	Ts   int64 // nanoseconds since the Unix epoch
	Data []byte
	Pkt  gopacket.Packet
}

// ReadCapture reads a pcap or pcapng file whole with gopacket. It skips the
// test when the file cannot be read and fails it on a format error.
func ReadCapture(tb testing.TB, path string) []Frame {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Skipf("read %s: %v", path, err)
	}
	var (
		next func() ([]byte, gopacket.CaptureInfo, error)
		lt   layers.LinkType
	)
	if len(raw) >= 4 && bytes.Equal(raw[:4], []byte{0x0a, 0x0d, 0x0d, 0x0a}) {
		r, err := pcapgo.NewNgReader(bufio.NewReader(bytes.NewReader(raw)), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			tb.Fatalf("pcapng %s: %v", path, err)
		}
		next, lt = r.ReadPacketData, r.LinkType()
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatalf("pcap %s: %v", path, err)
		}
		next, lt = r.ReadPacketData, r.LinkType()
	}
	var out []Frame
	for {
		d, ci, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("read %s: %v", path, err)
		}
		out = append(out, Frame{Ts: ci.Timestamp.UnixNano(), Data: d, Pkt: gopacket.NewPacket(d, lt, gopacket.Default)})
	}
	return out
}
