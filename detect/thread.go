package detect

import "vigil/detect/pcre"

// Thread is one worker's detection state: byte variables, inspection
// scratch, transform buffers and counters. It is not safe for concurrent
// use; each worker owns one.
type Thread struct {
	vars    [maxVars]uint64
	st      inspectState
	scratch [2][]byte
	flip    int
	re      *pcre.Matcher
	b64     []byte // output of the last base64_decode
	dceBig  bool   // the DCERPC PDU of the inspected stub is big endian
	// caps are the pcre captures of the rule being evaluated, stored
	// when it matches (pcrecapture.go).
	caps []capture
	// flow is the detection state of the flow being inspected (nil
	// without a flow), for keywords that store flow variables.
	flow *FlowState
	// now is the inspected packet's time (ns), for keywords comparing
	// with it (tls_cert_expired).
	now   int64
	Stats ThreadStats
}

// ThreadStats are a worker's detection counters, read by metrics.
type ThreadStats struct {
	InspectLimit uint64 // lists abandoned at the step limit
	PCRELimit    uint64 // pcre evaluations stopped by the match limit
	// PacketCalls counts packet and stream evaluations and PacketCands
	// the candidate rules they tested (after the prefilter, the address
	// index and the dedup, before the header test); TxCalls and TxCands
	// the same for transaction evaluations that inspected rules. The
	// ratios say how well the grouping narrows the rule set.
	PacketCalls, PacketCands uint64
	TxCalls, TxCands         uint64
}

// Add adds o's counters to s.
func (s *ThreadStats) Add(o ThreadStats) {
	s.InspectLimit += o.InspectLimit
	s.PCRELimit += o.PCRELimit
	s.PacketCalls += o.PacketCalls
	s.PacketCands += o.PacketCands
	s.TxCalls += o.TxCalls
	s.TxCands += o.TxCands
}
