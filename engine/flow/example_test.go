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
	tb := flow.New(flow.Options{Memcap: 16 << 20, IDSeed: 1}, func(e *flow.Entry[perFlow]) {
		// Write the EVE flow record here; the slot is reused afterwards.
		fmt.Println(e.State, e.Reason, e.PktsToServer, e.PktsToClient, e.Value.requests, e.CommunityID(0))
	})
	var tp flow.Tuple
	pkt := func(src, dst string, sp, dp uint16, ts time.Duration) {
		tp.SetAddrs(netip.MustParseAddr(src), netip.MustParseAddr(dst))
		tp.SrcPort, tp.DstPort, tp.Proto = sp, dp, flow.ProtoUDP
		tb.Advance(int64(ts)) // end idle flows first
		e, dir, created := tb.Lookup(&tp, int64(ts), 80)
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
	// Output:
	// established timeout 1 1 1 1:d/FP5EW3wiY1vCndhwleRRKHowQ=
	// new shutdown 1 0 1 1:d/FP5EW3wiY1vCndhwleRRKHowQ=
}
