package decode

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vigil/engine/packet"
)

var fuzzLinks = []uint32{
	packet.LinkEthernet, packet.LinkSLL, packet.LinkSLL2, packet.LinkRaw, packet.LinkRawBSD,
	packet.LinkRawBSD14, packet.LinkNull, packet.LinkLoop, packet.LinkIPv4, packet.LinkIPv6,
}

// FuzzDecode decodes arbitrary frames under every supported link type. It
// must never panic and every offset and slice must stay inside the frame.
func FuzzDecode(f *testing.F) {
	// testdata/frames/<linktype>-<name>.bin hold real frames cut from the
	// shared captures (and hand-made ones), one frame per file.
	seeds, _ := filepath.Glob("testdata/frames/*.bin")
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		link := uint8(0)
		for i, l := range fuzzLinks {
			if strings.HasPrefix(filepath.Base(s), linkName(l)+"-") {
				link = uint8(i)
			}
		}
		f.Add(link, b)
	}
	f.Add(uint8(0), eth(0x0800, ip4(a4, b4, 6, nil, tcpSeg(a4, b4, 1, 2, 0, []byte{2, 4, 5, 0xb4}, []byte("x")))))
	f.Add(uint8(0), eth(0x8100, vlanTag(5, 0x86dd, ip6(a6, b6, 0, []byte{58, 0, 1, 4, 0, 0, 0, 0}))))
	d := New(Options{Checksum: ChecksumAll})
	var p packet.Packet
	f.Fuzz(func(t *testing.T, link uint8, data []byte) {
		lt := fuzzLinks[int(link)%len(fuzzLinks)]
		d.Decode(&p, lt, data)
		checkFuzzInvariants(t, &p, data)
		if p.IsFragment {
			// Pretend the fragment was a whole datagram: DecodeIP must cope.
			d.DecodeIP(&p, data[p.L3Off:])
			checkFuzzInvariants(t, &p, data[p.L3Off:])
		}
		// DecodeAddrs finds the addresses Decode found first (the outer
		// ones of a tunnel) and nothing else.
		src, dst, ver := p.Src, p.Dst, p.IPVersion
		if p.OuterSrc.IsValid() {
			src, dst = p.OuterSrc, p.OuterDst
		}
		d.DecodeAddrs(&p, lt, data)
		if p.IPVersion != 0 && ver != 0 && (p.Src != src || p.Dst != dst) {
			t.Fatalf("DecodeAddrs: %v > %v; Decode: %v > %v", p.Src, p.Dst, src, dst)
		}
		if p.L4Off != -1 || p.OuterSrc.IsValid() {
			t.Fatalf("DecodeAddrs went past the IP header: L4Off %d, outer %v", p.L4Off, p.OuterSrc)
		}
	})
}

func checkFuzzInvariants(t *testing.T, p *packet.Packet, data []byte) {
	t.Helper()
	n := len(data)
	for _, o := range []int{p.L2Off, p.L3Off, p.L4Off, p.PayloadOff} {
		if o < -1 || o > n {
			t.Fatalf("offset %d outside frame of %d", o, n)
		}
	}
	if len(p.Payload) > n {
		t.Fatalf("payload %d longer than frame %d", len(p.Payload), n)
	}
	if p.IsFragment && (p.Frag.DataOff < 0 || p.Frag.DataOff+p.Frag.DataLen > n) {
		t.Fatalf("fragment data %d+%d outside frame %d", p.Frag.DataOff, p.Frag.DataLen, n)
	}
	if p.IPVersion != 0 && p.IPVersion != 4 && p.IPVersion != 6 {
		t.Fatalf("IP version %d", p.IPVersion)
	}
	if p.IPVersion == 4 && !p.Src.Is4() || p.IPVersion == 6 && !p.Src.Is6() {
		t.Fatalf("IPv%d with address %v", p.IPVersion, p.Src)
	}
	for _, e := range p.EventList() {
		if e == packet.EventNone || e.String() == "" {
			t.Fatalf("bad event %d", e)
		}
	}
}

func linkName(l uint32) string {
	switch l {
	case packet.LinkEthernet:
		return "eth"
	case packet.LinkSLL:
		return "sll"
	case packet.LinkSLL2:
		return "sll2"
	case packet.LinkNull:
		return "null"
	case packet.LinkLoop:
		return "loop"
	case packet.LinkIPv4:
		return "ipv4"
	case packet.LinkIPv6:
		return "ipv6"
	}
	return "raw"
}

// TestWriteSeeds regenerates testdata/frames from the shared captures when
// UPDATE_GOLDEN=1; otherwise it checks the seeds exist.
func TestWriteSeeds(t *testing.T) {
	if os.Getenv("UPDATE_GOLDEN") == "" {
		if m, _ := filepath.Glob("testdata/frames/*.bin"); len(m) == 0 {
			t.Fatal("testdata/frames is empty; run with UPDATE_GOLDEN=1")
		}
		return
	}
	files := map[string][]int{
		"pcaps/bench/malcolm__Tunnels.pcap":                        {1, 2, 3, 4, 6, 7, 10, 11, 18, 19, 20, 23, 30, 40, 100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1200, 1300, 1400, 1500, 1600},
		"pcaps/malicious/log4shell-cve-2021-44228-user-agent.pcap": {1, 4},
		"verify/UriTestSig25/test.fpc.pcap":                        {1, 4},
		"verify/detect-bytejump-01/input.pcap":                     {1},
		"verify/dcerpc-dcepayload-15/input.pcap":                   {1},
		"verify/ipv6-hdr-keyword-02/input.pcap":                    {1},
		"verify/issue-3341-tcphdr-01/urgent11_cve_2019_12260.pcap": {3},
		"pcaps/bench/malcolm__RADIUS.pcap":                         {16, 66, 67, 81},
		"verify/ipv6-malformed-fragments-36/frag-36.pcap":          {1, 2, 3},
	}
	if err := os.MkdirAll("testdata/frames", 0o755); err != nil {
		t.Fatal(err)
	}
	for rel, idx := range files {
		frames, _ := loadPcap(t, sharedPcap(t, rel))
		base := strings.TrimSuffix(filepath.Base(rel), filepath.Ext(rel))
		if base == "input" || base == "test.fpc" {
			base = filepath.Base(filepath.Dir(rel))
		}
		for _, i := range idx {
			if i > len(frames) {
				continue
			}
			fr := frames[i-1]
			name := filepath.Join("testdata/frames", linkName(fr.link)+"-"+base+"-"+itoa(i)+".bin")
			if err := os.WriteFile(name, fr.data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			return string(b[n:])
		}
	}
}
