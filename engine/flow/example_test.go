package flow_test

import (
	"fmt"
	"net/netip"
	"time"

	"vigil/engine/flow"
)

// perFlow is what an engine would attach to each flow (stream session,
// app-layer state, ...).
type perFlow struct{ requests int }

func ExampleTable() {
	tb := flow.New[perFlow](flow.Options{Memcap: 16 << 20, IDSeed: 1})
	// endFlows ends what the table ended, between packets: write the EVE
	// flow record here, then hand the slots back for reuse.
	endFlows := func() {
		for _, e := range tb.Ended() {
			fmt.Println(e.State, e.Reason, e.PktsToServer, e.PktsToClient, e.Value.requests, e.CommunityID(0))
		}
		tb.Release()
	}
	var tp flow.Tuple
	pkt := func(src, dst string, sp, dp uint16, ts time.Duration) {
		tp.SetAddrs(netip.MustParseAddr(src), netip.MustParseAddr(dst))
		tp.SrcPort, tp.DstPort, tp.Proto = sp, dp, flow.ProtoUDP
		tb.Advance(int64(ts)) // end idle flows first
		endFlows()
		e, dir, created := tb.Lookup(&tp, int64(ts), 80)
		endFlows() // flows the lookup evicted
		if created {
			e.Value = perFlow{} // the table does not clear T
		}
		if dir == flow.ToServer {
			e.Value.requests++
		}
	}
	pkt("192.168.1.52", "8.8.8.8", 54585, 53, 0)
	pkt("8.8.8.8", "192.168.1.52", 53, 54585, time.Millisecond)
	pkt("192.168.1.52", "8.8.8.8", 54585, 53, 400*time.Second) // after the 300 s udp timeout: a new flow
	tb.Flush()
	endFlows()
	// Output:
	// established timeout 1 1 1 1:d/FP5EW3wiY1vCndhwleRRKHowQ=
	// new shutdown 1 0 1 1:d/FP5EW3wiY1vCndhwleRRKHowQ=
}
