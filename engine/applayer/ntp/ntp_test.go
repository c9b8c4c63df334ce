package ntp

import (
	"encoding/binary"
	"os"
	"testing"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParse(t *testing.T) {
	client, server := fixture(t, "v3-client.bin"), fixture(t, "v4-server.bin")
	p := New()
	p.ParseDatagram(applayer.ToServer, client)
	p.ParseDatagram(applayer.ToClient, server)
	if p.TxCount() != 2 {
		t.Fatalf("%d transactions", p.TxCount())
	}
	for i, w := range []struct {
		version, mode, stratum uint8
		ref                    string
	}{
		{3, 3, 4, "\x82\xdc\x18\x18"},
		{4, 4, 2, "RATE"},
	} {
		tx := p.Tx(i)
		if tx.Version() != w.version || tx.Mode() != w.mode || tx.Stratum() != w.stratum || string(tx.ReferenceID()) != w.ref {
			t.Errorf("tx %d: %d %d %d %q", i, tx.Version(), tx.Mode(), tx.Stratum(), tx.ReferenceID())
		}
		for b, want := range map[bufid.ID]string{
			bufid.NTPVersion: string(w.version), bufid.NTPMode: string(w.mode),
			bufid.NTPStratum: string(w.stratum), bufid.NTPReferenceID: w.ref,
		} {
			if v, ok := tx.BufferAt(applayer.ToServer, b, 0); !ok || string(v) != want {
				t.Errorf("tx %d buffer %v = %q", i, b, v)
			}
		}
	}
}

func TestValid(t *testing.T) {
	v4 := fixture(t, "v4-server.bin")
	mac := make([]byte, 20)
	ext := []byte{0, 1, 0, 4, 1, 2, 3, 4}
	for _, tc := range []struct {
		name string
		in   []byte
		want bool
	}{
		{"v4 header", v4, true},
		{"v4 mac", append(append([]byte(nil), v4...), mac...), true},
		{"v4 extension and mac", append(append(append([]byte(nil), v4...), ext...), mac...), true},
		{"v4 short trailer", append(append([]byte(nil), v4...), 1, 2, 3), false},
		{"v4 extension too long", append(append(append([]byte(nil), v4...), 0, 1, 0, 9, 1, 2), mac...), false},
		// A SHA-1 MAC (key id and 20 octets) reads as a 4-octet
		// extension announcing 8: Suricata rejects it too.
		{"v4 sha1 mac", append(append([]byte(nil), v4...), append([]byte{0, 0, 0, 8}, mac...)...), false},
		{"v3 trailer", append(fixture(t, "v3-client.bin"), 1, 2, 3), true},
		{"short", v4[:47], false},
		{"version 2", append([]byte{0x13}, v4[1:]...), false},
	} {
		if got := Valid(tc.in); got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestMalformed(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToServer, []byte{0x23, 0})
	if p.TxCount() != 0 || p.State()&applayer.StateError == 0 {
		t.Fatalf("first datagram malformed: %d transactions, state %v", p.TxCount(), p.State())
	}
	p = New()
	p.ParseDatagram(applayer.ToServer, fixture(t, "v3-client.bin"))
	p.ParseDatagram(applayer.ToClient, []byte{0x13, 0})
	p.ParseDatagram(applayer.ToClient, fixture(t, "v4-server.bin"))
	if p.TxCount() != 1 {
		t.Fatalf("%d transactions: parsing went on after the error", p.TxCount())
	}
	if v, ok := p.Tx(0).BufferAt(applayer.ToServer, bufid.NTPEvents, 0); !ok || binary.LittleEndian.Uint32(v) != EventMalformedData {
		t.Errorf("events %x", v)
	}
}

func TestFillEVE(t *testing.T) {
	p := New()
	p.ParseDatagram(applayer.ToClient, fixture(t, "v4-server.bin"))
	got := evetest.FillObject(t, eve.EventNTP, "ntp", func(r *eve.Record) bool { return p.Tx(0).FillEVE(r, applayer.ToClient) })
	evetest.Diff(t, "ntp", got, map[string]any{"version": 4, "mode": 4, "stratum": 2, "reference_id": "52:41:54:45"})
}
