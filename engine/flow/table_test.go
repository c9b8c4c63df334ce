package flow

import (
	"encoding/binary"
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const sec = int64(time.Second)

func tup(src, dst string, sp, dp uint16, proto, flags uint8) *Tuple {
	t := &Tuple{SrcPort: sp, DstPort: dp, Proto: proto, TCPFlags: flags}
	t.SetAddrs(netip.MustParseAddr(src), netip.MustParseAddr(dst))
	return t
}

func reverse(t *Tuple, flags uint8) *Tuple {
	r := *t
	r.Src, r.Dst, r.SrcPort, r.DstPort, r.TCPFlags = t.Dst, t.Src, t.DstPort, t.SrcPort, flags
	return &r
}

func TestKeySymmetric(t *testing.T) {
	a := tup("10.0.0.1", "10.0.0.2", 1234, 80, ProtoTCP, 0)
	b := reverse(a, 0)
	ka, sa := KeyOf(a)
	kb, sb := KeyOf(b)
	if ka != kb {
		t.Fatalf("keys differ: %+v vs %+v", ka, kb)
	}
	if sa == sb {
		t.Errorf("swapped flags equal (%v); want one direction swapped", sa)
	}
	if ka.Hash() != kb.Hash() {
		t.Errorf("hash not symmetric")
	}
	c := tup("10.0.0.1", "10.0.0.2", 1235, 80, ProtoTCP, 0)
	kc, _ := KeyOf(c)
	if kc.Hash() == ka.Hash() {
		t.Errorf("different ports hash the same")
	}
	v := *a
	v.VLAN[0] = 10
	kv, _ := KeyOf(&v)
	if kv == ka {
		t.Errorf("vlan not part of key")
	}
	// Same address, ports decide the order.
	d := tup("10.0.0.1", "10.0.0.1", 9, 8, ProtoUDP, 0)
	kd, sd := KeyOf(d)
	if !sd || kd.LoPort != 8 {
		t.Errorf("same address: swapped=%v lo port %d; want true, 8", sd, kd.LoPort)
	}
}

// TestPairHash checks the dispatch hash: symmetric, the flow table's own
// hash of the address-only key, different for different pairs, no
// allocation.
func TestPairHash(t *testing.T) {
	seen := map[uint64]string{}
	for _, pair := range [][2]string{{"10.0.0.1", "192.168.1.9"}, {"10.0.0.1", "10.0.0.1"}, {"2001:db8::1", "2001:db8::2"}, {"1.2.3.4", "4.3.2.1"}} {
		a, b := netip.MustParseAddr(pair[0]), netip.MustParseAddr(pair[1])
		h := PairHash(a, b)
		if r := PairHash(b, a); r != h {
			t.Errorf("%v: A-B %#x != B-A %#x", pair, h, r)
		}
		k, _ := KeyOf(tup(pair[1], pair[0], 0, 0, 0, 0))
		if k.Hash() != h {
			t.Errorf("%v: PairHash %#x != Key.Hash of the address-only key %#x", pair, h, k.Hash())
		}
		if prev, dup := seen[h]; dup {
			t.Errorf("%v collides with %s", pair, prev)
		}
		seen[h] = pair[0] + "-" + pair[1]
		if n := testing.AllocsPerRun(100, func() { h = PairHash(a, b) }); n != 0 {
			t.Errorf("PairHash allocates %v times", n)
		}
	}
}

func TestDirection(t *testing.T) {
	tests := []struct {
		name       string
		first      *Tuple
		replyFlags uint8
		wantFirst  Direction
		wantClient string
	}{
		{"udp first sender is client", tup("192.168.1.2", "8.8.8.8", 5000, 53, ProtoUDP, 0), 0, ToServer, "192.168.1.2"},
		{"tcp syn", tup("10.9.9.9", "10.0.0.1", 40000, 80, ProtoTCP, TCPSyn), TCPSyn | TCPAck, ToServer, "10.9.9.9"},
		{"tcp synack first flips", tup("10.0.0.1", "10.9.9.9", 80, 40000, ProtoTCP, TCPSyn|TCPAck), TCPAck, ToClient, "10.9.9.9"},
		{"tcp midstream ack", tup("10.0.0.1", "10.9.9.9", 80, 40000, ProtoTCP, TCPAck), TCPAck, ToServer, "10.0.0.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := New[struct{}](Options{})
			e, dir, created := tb.Lookup(tc.first, 1*sec, 100)
			if !created || dir != tc.wantFirst {
				t.Fatalf("first packet: created=%v dir=%v; want true %v", created, dir, tc.wantFirst)
			}
			ca, _ := e.Client()
			if ca.String() != tc.wantClient {
				t.Errorf("client %v; want %s", ca, tc.wantClient)
			}
			e2, dir2, created2 := tb.Lookup(reverse(tc.first, tc.replyFlags), 2*sec, 60)
			if e2 != e || created2 || dir2 == dir {
				t.Errorf("reply: same=%v created=%v dir=%v; want same entry, other direction", e2 == e, created2, dir2)
			}
			if e.PktsToServer+e.PktsToClient != 2 || e.BytesToServer+e.BytesToClient != 160 {
				t.Errorf("counters %+v", e.Flow)
			}
		})
	}
}

func TestTimeouts(t *testing.T) {
	var ended []*Flow
	var reasons []Reason
	tb := New[int](Options{})
	advance := func(now int64) int {
		n := tb.Advance(now)
		for _, e := range tb.Ended() {
			f := e.Flow
			ended = append(ended, &f)
			reasons = append(reasons, e.Reason)
		}
		tb.Release()
		return n
	}
	udp := tup("10.0.0.1", "10.0.0.2", 1000, 53, ProtoUDP, 0)
	udp2 := tup("10.0.0.1", "10.0.0.2", 1001, 53, ProtoUDP, 0)
	tcp := tup("10.0.0.1", "10.0.0.2", 1002, 80, ProtoTCP, TCPSyn)
	tb.Lookup(udp, 0, 1)                // new: 30s
	tb.Lookup(udp2, 0, 1)               // established below: 300s
	tb.Lookup(reverse(udp2, 0), sec, 1) // reply => established
	e, _, _ := tb.Lookup(tcp, sec, 1)   // new tcp: 60s
	if n := advance(30 * sec); n != 0 {
		t.Fatalf("ended %d flows at 30s; want 0", n)
	}
	if n := advance(30*sec + 1); n != 1 || ended[0].Key.LoPort != 1000 {
		t.Fatalf("at 30s+1: ended %d; want the new udp flow", n)
	}
	tb.SetState(e, StateClosed) // tcp closed: 60s from last packet
	if n := advance(61 * sec); n != 0 {
		t.Fatalf("at 61s: ended %d; want 0", n)
	}
	if n := advance(61*sec + 1); n != 1 || ended[1].Key.Proto != ProtoTCP {
		t.Fatalf("at 61s+1: ended %d; want the tcp flow", n)
	}
	if n := advance(301*sec + 1); n != 1 || ended[2].State != StateEstablished {
		t.Fatalf("at 301s+1: ended %d; want the established udp flow", n)
	}
	if diff := cmp.Diff([]Reason{ReasonTimeout, ReasonTimeout, ReasonTimeout}, reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	c := tb.Counters()
	if c.TimedOut != 3 || c.Active != 0 || c.Memuse != 0 {
		t.Errorf("counters %+v", c)
	}
	if ended[2].Age() != 1 {
		t.Errorf("age %d; want 1", ended[2].Age())
	}
}

func TestTCPReuseAndFlush(t *testing.T) {
	var reasons []Reason
	tb := New[int](Options{})
	release := func() {
		for _, e := range tb.Ended() {
			reasons = append(reasons, e.Reason)
		}
		tb.Release()
	}
	syn := tup("10.0.0.1", "10.0.0.2", 1000, 80, ProtoTCP, TCPSyn)
	e, _, _ := tb.Lookup(syn, sec, 1)
	e.Value = 7
	id := e.ID
	tb.SetState(e, StateClosed)
	e2, dir, created := tb.Lookup(syn, 2*sec, 1)
	if !created || dir != ToServer || e2.ID == id {
		t.Fatalf("SYN on closed flow: created=%v dir=%v id %d (old %d); want a new flow", created, dir, e2.ID, id)
	}
	// The ended flow keeps its slot and value until Release.
	if ended := tb.Ended(); len(ended) != 1 || ended[0] != e || e == e2 || e.Value != 7 || e.ID != id {
		t.Fatalf("after reuse: ended %d flows (same slot as the new one: %v); want the old flow, untouched", len(ended), e == e2)
	}
	release()
	tb.Lookup(tup("10.0.0.3", "10.0.0.2", 1, 2, ProtoUDP, 0), 3*sec, 1)
	if n := tb.Flush(); n != 2 {
		t.Errorf("flush ended %d; want 2", n)
	}
	release()
	if diff := cmp.Diff([]Reason{ReasonForced, ReasonShutdown, ReasonShutdown}, reasons); diff != "" {
		t.Errorf("reasons (-want +got):\n%s", diff)
	}
	if c := tb.Counters(); c.Reused != 1 || c.Shutdown != 2 || c.Created != 3 {
		t.Errorf("counters %+v", c)
	}
}

func TestFlowIDUniqueDeterministic(t *testing.T) {
	run := func() []int64 {
		tb := New[int](Options{IDSeed: 3})
		var ids []int64
		for i := range 5000 {
			tp := tup("10.0.0.1", "10.0.0.2", uint16(i), 80, ProtoTCP, TCPSyn)
			e, _, _ := tb.Lookup(tp, int64(i)*1000, 1)
			ids = append(ids, e.ID)
		}
		return ids
	}
	a, b := run(), run()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("ids not deterministic")
	}
	seen := map[int64]bool{}
	for _, id := range a {
		if id <= 0 || id >= 1<<51 || seen[id] {
			t.Fatalf("bad or duplicate id %d", id)
		}
		seen[id] = true
	}
}

func TestCharge(t *testing.T) {
	tb := New[int](Options{})
	e, _, _ := tb.Lookup(tup("10.0.0.1", "10.0.0.2", 1, 2, ProtoUDP, 0), 0, 1)
	tb.Charge(e, 1000)
	if got := tb.Counters().Memuse; got != tb.EntrySize()+1000 {
		t.Errorf("memuse %d; want %d", got, tb.EntrySize()+1000)
	}
	tb.End(e, ReasonNone)
	if got := tb.Counters(); got.Memuse != 0 || got.Forced != 1 {
		t.Errorf("after End: %+v", got)
	}
}

// payload is a stand-in for the engine's per-flow state.
type payload [64]byte

func TestLookupAllocs(t *testing.T) {
	tb := New[payload](Options{Memcap: 512 << 10})
	tps := make([]*Tuple, 4096)
	for i := range tps {
		tps[i] = tup("10.0.0.1", "10.1.0.0", uint16(i), 80, ProtoTCP, TCPSyn)
		binary.BigEndian.PutUint16(tps[i].Dst[14:], uint16(i))
	}
	now := int64(0)
	// Warm: fill the table to its cap so chunks exist and evictions run.
	for _, tp := range tps {
		now += 1000
		tb.Lookup(tp, now, 60)
		tb.Release()
	}
	i := 0
	n := testing.AllocsPerRun(10000, func() {
		now += 1000
		tb.Advance(now)
		tb.Lookup(tps[i%len(tps)], now, 60)
		tb.Release()
		i += 7
	})
	if n != 0 {
		t.Fatalf("Lookup+Advance allocate %v times per packet; want 0", n)
	}
	if tb.Counters().Evicted == 0 {
		t.Errorf("no evictions with a 512 KiB cap and 4096 flows; counters %+v", tb.Counters())
	}
}

// TestMillionFlows pushes 1M distinct flows through a 64 MiB table and
// checks memory stays bounded and evictions are counted.
func TestMillionFlows(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const memcap = 64 << 20
	var ended uint64
	tb := New[payload](Options{Memcap: memcap})
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	tp := tup("10.0.0.1", "172.16.0.0", 1, 80, ProtoUDP, 0)
	start := time.Now()
	for i := range 1_000_000 {
		binary.BigEndian.PutUint32(tp.Dst[12:], 0xac100000+uint32(i))
		tb.Advance(int64(i) * 1000)
		tb.Lookup(tp, int64(i)*1000, 100)
		ended += uint64(len(tb.Ended()))
		tb.Release()
	}
	el := time.Since(start)
	runtime.GC()
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	c := tb.Counters()
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("1M flows in %v (%.0f ns/flow): entry %d B, active %d, evicted %d, memcap hits %d, memuse %d, heap +%.1f MiB, sys %.1f MiB",
		el, float64(el.Nanoseconds())/1e6, tb.EntrySize(), c.Active, c.Evicted, c.MemcapHits, c.Memuse,
		float64(heap)/(1<<20), float64(after.Sys)/(1<<20))
	if c.Memuse > memcap {
		t.Errorf("memuse %d above memcap %d", c.Memuse, memcap)
	}
	if heap > memcap*5/4 {
		t.Errorf("heap grew by %d bytes; want at most ~memcap %d", heap, memcap)
	}
	if c.Evicted == 0 || c.Evicted != ended || c.Created != 1_000_000 || c.Active+c.Evicted != 1_000_000 {
		t.Errorf("counters %+v, ended %d", c, ended)
	}
}

func BenchmarkLookup(b *testing.B) {
	for _, bc := range []struct {
		name string
		miss int // 1 in miss packets is a new flow; 0 = all hits
	}{{"hit", 0}, {"miss=10%", 10}, {"miss=100%", 1}} {
		b.Run(bc.name, func(b *testing.B) {
			tb := New[payload](Options{Memcap: 64 << 20})
			const nflows = 100_000
			tps := make([]Tuple, nflows)
			for i := range tps {
				tps[i] = *tup("10.0.0.1", "10.0.0.0", uint16(i), 443, ProtoTCP, TCPAck)
				binary.BigEndian.PutUint32(tps[i].Dst[12:], 0x0a000000+uint32(i))
			}
			for i := range tps {
				tb.Lookup(&tps[i], 0, 100)
			}
			fresh := *tup("10.0.0.1", "11.0.0.0", 1, 443, ProtoTCP, TCPAck)
			now := int64(0)
			b.ReportAllocs()
			i := uint32(0)
			for b.Loop() {
				now += 100
				i++
				if bc.miss > 0 && i%uint32(bc.miss) == 0 {
					binary.BigEndian.PutUint32(fresh.Dst[12:], 0x0b000000+i)
					tb.Lookup(&fresh, now, 100)
					tb.Release()
					continue
				}
				tb.Lookup(&tps[i%nflows], now, 100)
			}
		})
	}
}

func TestEvictOldestIdle(t *testing.T) {
	var evicted []uint16
	lookup := func(tb *Table[int], tp *Tuple, now int64) {
		tb.Lookup(tp, now, 1)
		for _, e := range tb.Ended() {
			evicted = append(evicted, e.Key.LoPort)
		}
		tb.Release()
	}
	tb := New[int](Options{Memcap: 1})
	// A 1-byte memcap still allows the first chunk; fill it.
	for i := range chunkSize {
		lookup(tb, tup("10.0.0.1", "10.0.0.2", uint16(i), 9999, ProtoUDP, 0), int64(i))
	}
	if len(evicted) != chunkSize-1 {
		t.Fatalf("evicted %d; want %d (cap below one entry)", len(evicted), chunkSize-1)
	}
	tb2 := New[int](Options{Memcap: 4 * 1024 * 1024})
	evicted = evicted[:0]
	capN := int(4 * 1024 * 1024 / tb2.EntrySize())
	for i := range capN {
		lookup(tb2, tup("10.0.0.1", "10.0.0.2", uint16(i), 65535, ProtoUDP, 0), int64(i))
	}
	// Touch flow 0 so flow 1 is now the oldest idle one.
	lookup(tb2, tup("10.0.0.1", "10.0.0.2", 0, 65535, ProtoUDP, 0), int64(capN))
	lookup(tb2, tup("10.0.0.1", "10.0.0.3", 1, 1, ProtoUDP, 0), int64(capN+1))
	if diff := cmp.Diff([]uint16{1}, evicted); diff != "" {
		t.Errorf("evicted (-want +got):\n%s", diff)
	}
	if c := tb2.Counters(); c.Evicted != 1 || c.MemcapHits != 1 || c.Memuse > 4*1024*1024 {
		t.Errorf("counters %+v", c)
	}
}

func TestReverse(t *testing.T) {
	tb := New[struct{}](Options{})
	e, _, _ := tb.Lookup(tup("10.0.0.53", "10.0.0.9", 53, 40000, ProtoUDP, 0), 1*sec, 100)
	e.Reverse()
	ca, cp := e.Client()
	sa, sp := e.Server()
	if ca.String() != "10.0.0.9" || cp != 40000 || sa.String() != "10.0.0.53" || sp != 53 {
		t.Fatalf("after Reverse client %v:%d server %v:%d", ca, cp, sa, sp)
	}
	if e.PktsToServer != 0 || e.PktsToClient != 1 || e.BytesToClient != 100 || !e.RespSeen {
		t.Errorf("counters not swapped: %+v", e.Flow)
	}
	// The next datagram from the old server now counts to_client.
	if _, dir, _ := tb.Lookup(tup("10.0.0.53", "10.0.0.9", 53, 40000, ProtoUDP, 0), 2*sec, 50); dir != ToClient {
		t.Errorf("second answer dir %v; want to_client", dir)
	}
	if _, dir, _ := tb.Lookup(tup("10.0.0.9", "10.0.0.53", 40000, 53, ProtoUDP, 0), 3*sec, 50); dir != ToServer {
		t.Errorf("query dir %v; want to_server", dir)
	}
}
