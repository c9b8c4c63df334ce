package tftp

import (
	"os"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

func TestParse(t *testing.T) {
	rrq, err := os.ReadFile("testdata/rrq.bin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		in   []byte
		ok   bool
		want Tx
	}{
		{"read", rrq, true, Tx{Opcode: OpRead, File: "rfc1350.txt", Mode: "octet"}},
		{"write netascii", []byte("\x00\x02boot/pxelinux.0\x00NetASCII\x00"), true, Tx{Opcode: OpWrite, File: "boot/pxelinux.0", Mode: "netascii"}},
		{"error opcode", []byte("\x00\x05a\x00mail\x00"), true, Tx{Opcode: OpError, File: "a", Mode: "mail"}},
		{"mode not terminated", []byte("\x00\x01a\x00octet"), false, Tx{}},
		{"file not terminated", []byte("\x00\x01rfc1350.txtnoctet\x00"), false, Tx{}},
		{"bad mode", []byte("\x00\x01a\x00ccccc\x00"), false, Tx{}},
		{"bad opcode", []byte("\x00\x06a\x00octet\x00"), false, Tx{}},
		{"no leading zero", []byte("\xff\xff\xff"), false, Tx{}},
		{"bad utf-8", []byte("\x00\x01\xff\x00octet\x00"), false, Tx{}},
	} {
		p := New()
		p.ParseDatagram(applayer.ToServer, tc.in)
		if !tc.ok {
			if p.TxCount() != 0 || p.State()&applayer.StateError == 0 {
				t.Errorf("%s: %d transactions, state %v", tc.name, p.TxCount(), p.State())
			}
			// Nothing is parsed after an error.
			p.ParseDatagram(applayer.ToServer, rrq)
			if p.TxCount() != 0 {
				t.Errorf("%s: parsed after the error", tc.name)
			}
			continue
		}
		if p.TxCount() != 1 {
			t.Fatalf("%s: %d transactions", tc.name, p.TxCount())
		}
		if g := p.Tx(0); g.Opcode != tc.want.Opcode || g.File != tc.want.File || g.Mode != tc.want.Mode {
			t.Errorf("%s: got %+v, want %+v", tc.name, g, tc.want)
		}
	}
	p := New()
	p.ParseDatagram(applayer.ToClient, []byte("\x00\x05\x00\x01File not found\x00"))
	if p.TxCount() != 0 || p.State() != 0 {
		t.Error("a reply was parsed")
	}
}

func TestFillEVE(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, []byte("\x00\x02up.bin\x00OCTET\x00"))
	p.ParseDatagram(applayer.ToServer, []byte("\x00\x04x\x00octet\x00"))
	for i, want := range []map[string]any{
		{"packet": "write", "file": "up.bin", "mode": "octet"},
		{"packet": "error", "file": "x", "mode": "octet"},
	} {
		got := evetest.FillObject(t, eve.EventTFTP, "tftp", func(r *eve.Record) bool { return p.Tx(i).FillEVE(r, applayer.ToServer) })
		evetest.Diff(t, want["packet"].(string), got, want)
	}
}
