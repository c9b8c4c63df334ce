//go:build linux

package engine

import (
	"time"

	"vigil/bpf"
	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/engine/flow"
	"vigil/engine/packet"
)

// bypasser is the live capture's flowBypass hook for one worker: it
// decides whether a flow's inspection is finished and writes finished
// flows to the eBPF filter's bypass map.
type bypasser struct {
	filter    *bpf.Filter
	depth     bool // bypass at stream depth (both directions)
	encrypted bool // bypass TLS once encrypted
	ttl       time.Duration
	flows     uint64 // flows bypassed
	errors    uint64 // failed map updates
}

// bypass is called by the worker after each packet of flow e; it reports
// whether the flow is bypassed. It costs two field tests for a flow that is
// not finished, and one bpf(2) call once per bypassed flow.
func (b *bypasser) bypass(e *flow.Entry[flowData]) bool {
	fd := &e.Value
	if fd.bypassed {
		// A re-sampled packet: the stream tracker just moved the state
		// back; keep the flow bypassed.
		return true
	}
	finished := false
	switch {
	case b.depth && e.Key.Proto == packet.ProtoTCP && fd.sess.DepthReached(0) && fd.sess.DepthReached(1):
		finished = true
	case b.encrypted && fd.proto == bufid.ProtoTLS && fd.parser != nil &&
		fd.parser.State()&applayer.StateEncrypted != 0:
		finished = true
	}
	// The kernel filter sees only the outer headers (and up to two VLAN
	// tags): tunnelled flows cannot be bypassed there.
	if !finished || e.Key.Tunnel != 0 {
		return false
	}
	cAddr, cPort := e.Client()
	sAddr, sPort := e.Server()
	fd.bypassed = true // decided: do not retry per packet even if the update fails
	if err := b.filter.Bypass(bpf.FlowKey{Src: cAddr, Dst: sAddr, SrcPort: cPort, DstPort: sPort, Proto: e.Key.Proto}, b.ttl); err != nil {
		b.errors++
		return false
	}
	b.flows++
	return true
}
