package eve

import "testing"

// TestTrafficAndEther checks the traffic object (traffic/id/ and
// traffic/label/ flowbits, kept out of metadata.flowbits) and the ether
// object of packet and flow records.
func TestTrafficAndEther(t *testing.T) {
	h := Header{Flowbits: []string{"traffic/id/mozilla", "seen", "traffic/label/web", "traffic/id/x"}}
	got := string(appendVarsMetadata(nil, &h))
	want := `"metadata":{"flowbits":["seen"]},"traffic":{"id":["mozilla","x"],"label":["web"]}`
	if got != want {
		t.Errorf("vars:\n got %s\nwant %s", got, want)
	}
	h = Header{Flowbits: []string{"traffic/id/only"}}
	if got := string(appendVarsMetadata(nil, &h)); got != `"traffic":{"id":["only"]}` {
		t.Errorf("traffic only: %s", got)
	}
	h = Header{HasMAC: true, SrcMAC: [6]byte{0, 8, 2, 0x1c, 0x47, 0xae}, DestMAC: [6]byte{0x20, 0xe5, 0x2a, 0xb6, 0x93, 0xf1}}
	if got := string(appendEther(nil, &h)); got != `"ether":{"src_mac":"00:08:02:1c:47:ae","dest_mac":"20:e5:2a:b6:93:f1"}` {
		t.Errorf("packet ether: %s", got)
	}
	h = Header{SrcMACs: [][6]byte{{1}, {2}}, DestMACs: [][6]byte{{3}}}
	if got := string(appendEther(nil, &h)); got != `"ether":{"src_macs":["01:00:00:00:00:00","02:00:00:00:00:00"],"dest_macs":["03:00:00:00:00:00"]}` {
		t.Errorf("flow ether: %s", got)
	}
}
