package applayer

import "vigil/detect/bufid"

// Protocol detection by content, in the spirit of Suricata's probing parsers
// and pattern matchers: each Entry of a Registry has a probe per direction
// that looks at the first bytes of that direction and answers match, no
// match, or need more data. Ports are only a hint: entries whose ports match
// are tried first, and entries with weak probes (DNS, banners) can require
// their ports.

// ProbeResult is the answer of a probe.
type ProbeResult uint8

// Probe results.
const (
	ProbeNeedMore ProbeResult = iota // too few bytes to decide
	ProbeMatch                       // the bytes start this protocol
	ProbeNoMatch                     // the bytes cannot start this protocol
)

// ProbeFunc inspects the first bytes of one direction of a flow.
type ProbeFunc func(data []byte) ProbeResult

// Transport says which transports an Entry applies to.
type Transport uint8

// Transports (bit set).
const (
	TCP Transport = 1 << iota
	UDP
)

// Entry describes one protocol to the detector.
type Entry struct {
	Proto     Proto
	Transport Transport
	// Ports are the protocol's usual server ports (hint).
	Ports []uint16
	// AllPorts makes every port one of Ports (Suricata's "[0:65535]"
	// detection ports): the entry is tried with the port-hinted ones.
	AllPorts bool
	// PortRequired restricts the probes to flows with one of Ports on
	// either side; used for protocols whose content probe is weak.
	PortRequired bool
	// ToServer and ToClient probe the first bytes of each direction; a
	// nil probe never matches that direction.
	ToServer, ToClient ProbeFunc
	// New returns a fresh parser for a flow of this protocol; nil for
	// detection-only protocols.
	New func() Parser
	// ServiceOnly marks an entry that identifies a service Suricata does
	// not detect (Snort 3's irc and sunrpc, for its service option): a
	// match records the service (Detection.Service) and leaves the flow's
	// protocol to the other entries, so EVE and Suricata rules see the
	// flow as Suricata would. Such entries go last in the table.
	ServiceOnly bool
}

// Registry is an immutable, ordered table of Entry values. Safe for
// concurrent use.
type Registry struct {
	entries  []Entry
	maxBytes int
}

// MaxEntries bounds a registry's table (a bit per entry in Detection).
const MaxEntries = 64

// DefaultMaxProbeBytes is how many bytes per direction detection looks at
// before it gives up on that direction.
const DefaultMaxProbeBytes = 2048

// NewRegistry returns a registry over entries (copied), tried in order.
// maxBytes <= 0 selects DefaultMaxProbeBytes. At most MaxEntries entries.
func NewRegistry(maxBytes int, entries ...Entry) *Registry {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxProbeBytes
	}
	if len(entries) > MaxEntries {
		entries = entries[:MaxEntries]
	}
	return &Registry{entries: append([]Entry(nil), entries...), maxBytes: maxBytes}
}

// Entries returns the registry's table (read-only).
func (r *Registry) Entries() []Entry { return r.entries }

// Lookup returns the entry of p.
func (r *Registry) Lookup(p Proto) (Entry, bool) {
	for _, e := range r.entries {
		if e.Proto == p {
			return e, true
		}
	}
	return Entry{}, false
}

// LookupTransport returns the first entry of p for transport t: the
// parser of a protocol may differ by transport (DCERPC).
func (r *Registry) LookupTransport(p Proto, t Transport) (Entry, bool) {
	for _, e := range r.entries {
		if e.Proto == p && e.Transport&t != 0 {
			return e, true
		}
	}
	return Entry{}, false
}

// Detection is the per-flow detection state. The zero value is ready; it
// keeps a copy of at most the registry's max probe bytes per direction.
type Detection struct {
	buf      [2][]byte
	excluded [2]uint64 // entries that said no for a direction
	failed   [2]bool
	proto    Proto
	service  Proto // the first ServiceOnly entry that matched
	// dir is the protocol each direction's own bytes matched (Suricata's
	// alproto_ts and alproto_tc); the flow's proto is the first of them.
	dir [2]Proto
}

// Proto returns the detected protocol: bufid.ProtoUnknown while undecided,
// bufid.ProtoFailed when detection gave up.
func (d *Detection) Proto() Proto { return d.proto }

// Service returns the service a ServiceOnly entry identified (Snort 3's
// irc, sunrpc), bufid.ProtoUnknown when none did.
func (d *Detection) Service() Proto { return d.service }

// DirProto returns the protocol that direction dir's own bytes matched,
// bufid.ProtoUnknown while that direction is undecided or had no data, and
// bufid.ProtoFailed when its probes all said no.
func (d *Detection) DirProto(dir Direction) Proto { return d.dir[dir&1] }

// DirPending reports whether direction dir is still being probed after
// the flow's protocol was decided by the other direction (DetectDir).
func (d *Detection) DirPending(dir Direction) bool {
	return d.dir[dir&1] == bufid.ProtoUnknown && !d.failed[dir&1]
}

// Reset clears d for reuse by another flow, keeping its buffers.
func (d *Detection) Reset() {
	d.buf[0], d.buf[1] = d.buf[0][:0], d.buf[1][:0]
	d.excluded = [2]uint64{}
	d.failed = [2]bool{}
	d.proto = bufid.ProtoUnknown
	d.service = bufid.ProtoUnknown
	d.dir = [2]Proto{}
}

func hasPort(ports []uint16, sp, dp uint16) bool {
	for _, p := range ports {
		if p == sp || p == dp {
			return true
		}
	}
	return false
}

// Detect feeds the next in-order bytes of direction dir of a flow whose
// ports are sp (source of the flow's first packet) and dp, and returns the
// protocol once decided (also on every later call), bufid.ProtoUnknown while more
// data is needed, or bufid.ProtoFailed. For UDP each datagram is probed on its
// own; for TCP the bytes of a direction accumulate up to the limit. data is
// copied when it must be kept.
//
// On UDP a flow whose first direction failed is failed, but as in
// Suricata the other direction's first datagram is still probed, and a
// match there decides the flow's protocol (a client's junk datagram
// answered by a DNS server).
func (r *Registry) Detect(d *Detection, t Transport, dir Direction, data []byte, sp, dp uint16) Proto {
	if len(data) == 0 {
		return d.proto
	}
	if d.proto != bufid.ProtoUnknown && !(t == UDP && d.proto == bufid.ProtoFailed && d.DirPending(dir)) {
		return d.proto
	}
	return r.probe(d, t, dir, data, sp, dp)
}

// DetectDir goes on probing direction dir after the flow's protocol was
// decided by the other direction, so that each direction's own result is
// known (app-layer-protocol's to_server and to_client modes; a mismatch
// is an anomaly in Suricata). It does not change the flow's protocol and
// returns the direction's result.
func (r *Registry) DetectDir(d *Detection, t Transport, dir Direction, data []byte, sp, dp uint16) Proto {
	if d.proto == bufid.ProtoUnknown || d.proto == bufid.ProtoFailed || !d.DirPending(dir) || len(data) == 0 {
		return d.dir[dir&1]
	}
	r.probe(d, t, dir, data, sp, dp)
	return d.dir[dir&1]
}

func (r *Registry) probe(d *Detection, t Transport, dir Direction, data []byte, sp, dp uint16) Proto {
	di := dir & 1
	if d.failed[di] {
		return d.proto
	}
	probe := data
	if t == TCP {
		{
			room := r.maxBytes - len(d.buf[di])
			if room > len(data) {
				room = len(data)
			}
			if room > 0 {
				d.buf[di] = append(d.buf[di], data[:room]...)
			}
			probe = d.buf[di]
		}
	} else if len(probe) > r.maxBytes {
		probe = probe[:r.maxBytes]
	}
	pending := false
	// Three passes: pattern entries (Suricata's pattern matcher runs
	// before its probing parsers), then port-hinted entries, then the rest.
	for pass := 0; pass < 3; pass++ {
		for i := range r.entries {
			e := &r.entries[i]
			if e.Transport&t == 0 || d.excluded[di]&(1<<uint64(i)) != 0 {
				continue
			}
			hinted := e.AllPorts || hasPort(e.Ports, sp, dp)
			if (pass == 0) != hinted {
				continue
			}
			if e.PortRequired && !hinted {
				d.excluded[di] |= 1 << uint64(i)
				continue
			}
			f := e.ToServer
			if dir == ToClient {
				f = e.ToClient
			}
			res := ProbeNoMatch
			if f != nil {
				res = f(probe)
			}
			if e.ServiceOnly && res == ProbeMatch {
				// Recorded, and no further say in the flow's protocol.
				if d.service == bufid.ProtoUnknown {
					d.service = e.Proto
				}
				res = ProbeNoMatch
			}
			switch res {
			case ProbeMatch:
				d.dir[di] = e.Proto
				if d.proto == bufid.ProtoUnknown || d.proto == bufid.ProtoFailed {
					d.proto = e.Proto
				}
				return d.proto
			case ProbeNoMatch:
				d.excluded[di] |= 1 << uint64(i)
			default:
				pending = true
			}
		}
	}
	if !pending || (t == TCP && len(probe) >= r.maxBytes) {
		d.failed[di] = true
		d.dir[di] = bufid.ProtoFailed
		if d.proto == bufid.ProtoUnknown && (d.failed[di^1] || t == UDP) {
			d.proto = bufid.ProtoFailed
		}
	}
	return d.proto
}

// DetectReversed probes the first bytes of a flow as a response, for a
// flow whose first packet may have been sent by the server: sp is that
// packet's source port and dp its destination port. Only entries whose
// ports hold sp or dp are tried, and one matches when its to_client probe
// accepts the bytes and its to_server probe does not (a DNS answer seen
// before its query, or without one). On a match the bytes are recorded
// as the to_client direction's, the flow's protocol is decided and the
// caller must reverse the flow; otherwise d is unchanged and
// bufid.ProtoUnknown is returned. For UDP only (a datagram is probed on
// its own).
func (r *Registry) DetectReversed(d *Detection, t Transport, data []byte, sp, dp uint16) Proto {
	if d.proto != bufid.ProtoUnknown || len(data) == 0 || d.dir != [2]Proto{} {
		return bufid.ProtoUnknown
	}
	probe := data
	if len(probe) > r.maxBytes {
		probe = probe[:r.maxBytes]
	}
	for i := range r.entries {
		e := &r.entries[i]
		if e.Transport&t == 0 || e.ServiceOnly || e.ToClient == nil || !hasPort(e.Ports, sp, dp) {
			continue
		}
		if e.ToClient(probe) == ProbeMatch && (e.ToServer == nil || e.ToServer(probe) != ProbeMatch) {
			d.dir[ToClient] = e.Proto
			d.proto = e.Proto
			return e.Proto
		}
	}
	return bufid.ProtoUnknown
}
