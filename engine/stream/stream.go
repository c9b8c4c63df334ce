package stream

// Dir is the direction of a segment within its TCP session, numbered as
// flow.Direction (0 to_server, 1 to_client) so the engine can convert.
type Dir uint8

// Directions.
const (
	ToServer Dir = 0
	ToClient Dir = 1
)

// String returns "to_server" or "to_client".
func (d Dir) String() string {
	if d == ToServer {
		return "to_server"
	}
	return "to_client"
}

// TCP flag bits as they appear in the TCP header.
const (
	FlagFin = 0x01
	FlagSyn = 0x02
	FlagRst = 0x04
	FlagPsh = 0x08
	FlagAck = 0x10
)

// State is a TCP session state, named as Suricata's EVE tcp.state.
type State uint8

// Session states.
const (
	StateNone State = iota
	StateSynSent
	StateSynRecv
	StateEstablished
	StateFinWait1
	StateFinWait2
	StateTimeWait
	StateLastAck
	StateCloseWait
	StateClosing
	StateClosed
)

var stateNames = [...]string{"none", "syn_sent", "syn_recv", "established", "fin_wait1",
	"fin_wait2", "time_wait", "last_ack", "close_wait", "closing", "closed"}

// String returns the state's EVE name ("syn_sent", "established", ...).
func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return "unknown"
}

// Policy is the overlap policy: which copy of the bytes wins when two
// segments overlap with different data, emulating a target OS's stack
// (Suricata's stream.reassembly / host-os-policy names).
type Policy uint8

// Overlap policies. The zero value, PolicyBSD, is Suricata's default.
const (
	PolicyBSD        Policy = iota // new data wins only where it starts before the old segment
	PolicyFirst                    // old data always wins
	PolicyLast                     // new data always wins
	PolicyLinux                    // as BSD, and also when it starts with and ends after the old
	PolicyOldLinux                 // as BSD, and also when it starts with and ends at or after the old
	PolicySolaris                  // new data wins when it ends at or after the old one's end
	PolicyHPUX10                   // as BSD
	PolicyHPUX11                   // as Solaris
	PolicyIRIX                     // as BSD
	PolicyMacOS                    // as BSD
	PolicyWindows                  // as BSD
	PolicyWindows2k3               // as BSD
	PolicyVista                    // as First
)

// newWins decides, for a new segment [ns, ne) overlapping an old one
// [os, oe) with different data, whether the new bytes replace the old
// ones in the overlap. Offsets are relative to the stream base.
func (p Policy) newWins(ns, ne, os, oe int64) bool {
	switch p {
	case PolicyLast:
		return true
	case PolicyFirst, PolicyVista:
		return false
	}
	solarisLike := p == PolicySolaris || p == PolicyHPUX11
	switch {
	case ns == os:
		if ne < oe {
			return false
		}
		return (ne > oe && p == PolicyLinux) || solarisLike || p == PolicyOldLinux
	case ns < os:
		if ne >= oe && solarisLike {
			return true
		}
		return !solarisLike
	default:
		return ne > oe && solarisLike
	}
}

// DefaultDepth is Suricata's default stream.reassembly.depth (1 MiB).
const DefaultDepth = 1 << 20

// DefaultMemcap is the default per-worker reassembly memcap (Suricata's
// stream.reassembly.memcap default, 256 MiB, is global; divide it by the
// number of workers when configuring).
const DefaultMemcap = 64 << 20

// Options configure a Tracker.
type Options struct {
	// Midstream picks up sessions whose SYN was not seen (Suricata's
	// stream.midstream, default false: such sessions are not tracked or
	// reassembled at all).
	Midstream bool
	// Inline delivers data as soon as it is in order (IPS mode). By
	// default (IDS mode) data is delivered once the peer ACKed it, as
	// Suricata's app-layer reassembly does.
	Inline bool
	// Depth is the number of bytes per direction reassembled and
	// delivered (stream.reassembly.depth); 0 means DefaultDepth, a
	// negative value means unlimited.
	Depth int64
	// Memcap bounds the bytes of segment buffers held by all sessions of
	// the worker; 0 means DefaultMemcap.
	Memcap int64
	// Policy is the overlap policy (default BSD, as Suricata's).
	Policy Policy
}

// Segment is the part of a TCP packet the tracker needs. Payload is only
// read during Process; the tracker copies what it keeps.
type Segment struct {
	Seq, Ack uint32
	Flags    uint8
	Window   uint16 // raw window field
	// WScale is the window scale option's shift count, -1 when the option
	// is absent (only read on SYN and SYN/ACK).
	WScale int8
	// TSVal is the timestamp option's value when HasTS (RFC 7323).
	TSVal   uint32
	HasTS   bool
	Payload []byte
}

// Sink receives a direction's reassembled stream, in order. b is only
// valid during the call (it points into a reusable buffer): copy what you
// keep. Gap reports n bytes that are missing from the stream (lost, or not
// buffered because of the memcap); data after a gap continues the stream.
type Sink interface {
	Data(dir Dir, b []byte)
	Gap(dir Dir, n uint32)
}

// Counters are a worker's stream counters.
type Counters struct {
	Sessions        uint64 // sessions started (SYN or midstream pickup)
	Midstream       uint64 // sessions picked up without a SYN
	NoSession       uint64 // packets of untracked sessions (no SYN, midstream off)
	Segments        uint64 // data segments processed
	Delivered       uint64 // bytes delivered to sinks
	Gaps            uint64 // gaps reported
	GapBytes        uint64 // bytes reported as missing
	Overlaps        uint64 // segments that overlapped buffered data
	OverlapDiff     uint64 // ... with different data
	Retransmissions uint64 // segments carrying only already seen bytes
	MemcapDrops     uint64 // segments (or parts) not buffered: memcap
	DepthReached    uint64 // directions that reached the depth
	InvalidAck      uint64 // packets ignored for an invalid ACK
	OutOfWindow     uint64 // packets ignored, out of the receive window
	Events          [numEvents]uint64
}

// Tracker tracks the TCP sessions of one worker: options, the segment
// buffer pool (with the reassembly memcap) and counters. Not safe for
// concurrent use.
type Tracker struct {
	opts   Options
	depth  int64
	pool   pool
	pieces []piece
	c      Counters
}

type piece struct {
	seq uint32
	off int // into the payload
	n   int
}

// NewTracker returns a Tracker.
func NewTracker(opts Options) *Tracker {
	t := &Tracker{opts: opts, depth: opts.Depth}
	if t.depth == 0 {
		t.depth = DefaultDepth
	}
	t.pool.memcap = opts.Memcap
	if t.pool.memcap == 0 {
		t.pool.memcap = DefaultMemcap
	}
	t.pieces = make([]piece, 0, 16)
	return t
}

// Counters returns a copy of the counters.
func (t *Tracker) Counters() Counters { return t.c }

// Memuse returns the bytes of segment buffers held by sessions.
func (t *Tracker) Memuse() int64 { return t.pool.inUse }

func (t *Tracker) event(ev *Events, e Event) {
	ev.add(e)
	t.c.Events[e]++
}

// Session is the TCP state of one flow, a value meant to be embedded in
// the engine's per-flow state. The zero value is a fresh session. Call
// Tracker.Release when the flow ends, which returns its buffers and resets
// it for reuse (keeping its slices' capacity).
type Session struct {
	state     State
	midstream bool
	// fourWHS marks a split handshake: the server answered the client's
	// SYN with a SYN of its own, the client sent the SYN/ACK and the
	// server's ACK completes the handshake (Suricata's 4-way handshake
	// support; the flow keeps the SYN sender as the client).
	fourWHS bool
	wscale  bool // both sides sent the window scale option
	// timestamps: the SYN and the SYN/ACK both had the timestamp
	// option (Suricata's STREAMTCP_FLAG_TIMESTAMP).
	timestamps bool
	half       [2]half
}

// half is one direction: the data its sender sends.
type half struct {
	started    bool   // isn/base known
	isn        uint32 // initial sequence number (SYN) or first seen seq
	next       uint32 // right edge of the data sent (seq + len, + 1 for SYN)
	base       uint32 // next seq to deliver
	lastAck    uint32 // highest ack this side sent (for the other side's data)
	ackSeen    bool
	win        uint32 // window this side advertises (scaled)
	wscale     uint8
	wscaleOpt  bool
	tsOpt      bool // the side's SYN or SYN/ACK had the timestamp option
	finSeen    bool
	finAcked   bool
	finSeq     uint32 // seq of the FIN
	depthDone  bool
	offset     int64 // bytes delivered or skipped as gaps
	segs       []seg
	bufferedSz int64
}

// seg is buffered data: buf holds the bytes from seq on. Segments are kept
// sorted and disjoint; the first one may start before base when partly
// delivered.
type seg struct {
	seq uint32
	buf []byte
}

// State returns the session state.
func (s *Session) State() State { return s.state }

// Midstream reports whether the session was picked up without a SYN.
func (s *Session) Midstream() bool { return s.midstream }

// Swap exchanges the two directions of a session picked up midstream,
// whose first packet the engine took for the client's but whose data
// showed it to be the server's (Suricata reverses such a flow after
// protocol detection). It must not be called during Process.
func (s *Session) Swap() { s.half[0], s.half[1] = s.half[1], s.half[0] }

// DepthReached reports whether dir reached the reassembly depth; no more
// data is delivered in that direction.
func (s *Session) DepthReached(dir Dir) bool { return s.half[dir&1].depthDone }

// Buffered returns the bytes of segment buffers the session holds (to
// charge the flow table).
func (s *Session) Buffered() int64 { return s.half[0].bufferedSz + s.half[1].bufferedSz }

// Offset returns the number of bytes of dir's stream delivered or skipped
// as gaps so far.
func (s *Session) Offset(dir Dir) int64 { return s.half[dir&1].offset }

// Sequence number comparisons (RFC 1982 serial arithmetic).
func seqLT(a, b uint32) bool  { return int32(a-b) < 0 }
func seqLEQ(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool  { return int32(a-b) > 0 }
func seqGEQ(a, b uint32) bool { return int32(a-b) >= 0 }
func seqMax(a, b uint32) uint32 {
	if seqGT(a, b) {
		return a
	}
	return b
}

var policyNames = [...]string{"bsd", "first", "last", "linux", "old-linux", "solaris",
	"hpux10", "hpux11", "irix", "macos", "windows", "windows2k3", "vista"}

// String returns the policy's Suricata name ("bsd", "linux", ...).
func (p Policy) String() string {
	if int(p) < len(policyNames) {
		return policyNames[p]
	}
	return "unknown"
}
