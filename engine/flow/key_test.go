package flow

import (
	"encoding/binary"
	"testing"
)

// TestKeyThirdVLAN checks that a third VLAN tag makes another flow, and
// that keys without one hash as they did before it was keyed on.
func TestKeyThirdVLAN(t *testing.T) {
	tp := Tuple{SrcPort: 1, DstPort: 2, Proto: 6, Family: 4, VLAN: [3]uint16{1, 10}}
	two, _ := KeyOf(&tp)
	tp.VLAN[2] = 100
	three, _ := KeyOf(&tp)
	if two == three || two.Hash() == three.Hash() {
		t.Errorf("[1 10] and [1 10 100] share a key or hash")
	}
	// The hash of a key without a third tag, pinned before VLAN[2] existed.
	const m = 0x9E3779B97F4A7C15
	h := uint64(0x243F6A8885A308D3)
	for _, x := range []uint64{
		binary.LittleEndian.Uint64(two.LoAddr[:8]), binary.LittleEndian.Uint64(two.LoAddr[8:]),
		binary.LittleEndian.Uint64(two.HiAddr[:8]), binary.LittleEndian.Uint64(two.HiAddr[8:]),
		uint64(two.LoPort) | uint64(two.HiPort)<<16 | uint64(two.Proto)<<32 | uint64(two.Family)<<40,
		uint64(two.VLAN[0]) | uint64(two.VLAN[1])<<16 | uint64(two.Tunnel)<<32,
	} {
		h = mix64((h ^ x) * m)
	}
	if two.Hash() != h {
		t.Errorf("hash of a two-tag key changed")
	}
}
