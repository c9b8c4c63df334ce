package output

import (
	"slices"

	"vigil/output/eve"
)

// Emitter is one worker's handle on the output stages: it encodes records
// into the worker's current batches and submits a batch to its stage when
// it holds BatchRecords records, or on Flush. Alerts also go to the fast.log
// stage when there is one. An Emitter is owned by one worker and is not safe
// for concurrent use; it allocates nothing in steady state.
type Emitter struct {
	// Encoder encodes EVE records (its options are the eve-log settings).
	Encoder eve.Encoder
	// Fast formats fast.log lines.
	Fast FastFormat
	// BatchRecords is the number of records per batch (default 64).
	BatchRecords int

	eve, fast *Stage
	eb, fb    *Batch
	// pcap is the pcap-log stage (SetPcapLog), pb its batch.
	pcap *Stage
	pb   *Batch
	last Key // key of the previous record, for Seq

	// routes are further EVE outputs (AddRoute), each with its type
	// filter, batch and encoder; encs are the distinct encoders, lines
	// their last encoding.
	routes []route
	encs   []*eve.Encoder
	lines  [][]byte
}

// route is one EVE output of an Emitter.
type route struct {
	st    *Stage
	b     *Batch
	types Types
	enc   int // index into encs
}

// Types is a set of record types: bit 1<<eve.EventType, plus TypeStats
// for stats records. The zero value is empty.
type Types uint64

// TypeStats is the bit of stats records (eve.Stats, not an EventType).
const TypeStats Types = 1

// AllTypes takes every record type.
const AllTypes = ^Types(0)

// TypeOf returns the bit of event type t.
func TypeOf(t eve.EventType) Types { return 1 << (t & 63) }

// Has reports whether s takes records of bits t.
func (s Types) Has(t Types) bool { return s&t != 0 }

// NewEmitter returns an emitter writing EVE records to eveStage and alerts
// to fastStage; either may be nil to disable that output.
func NewEmitter(eveStage, fastStage *Stage) *Emitter {
	return &Emitter{eve: eveStage, fast: fastStage, BatchRecords: 64}
}

// NewRoutedEmitter returns an emitter with no EVE stage: EVE records go
// to the outputs added with AddRoute.
func NewRoutedEmitter(fastStage *Stage) *Emitter {
	return &Emitter{fast: fastStage, BatchRecords: 64}
}

// AddRoute adds an EVE output: records of types go to st, encoded with
// enc's options. Outputs with the same options share one encoding of each
// record (encoded once, copied into each output's batch).
func (e *Emitter) AddRoute(st *Stage, types Types, enc eve.Encoder) {
	i := slices.IndexFunc(e.encs, func(x *eve.Encoder) bool { return x.SameOptions(&enc) })
	if i < 0 {
		i = len(e.encs)
		e.encs = append(e.encs, &enc)
		e.lines = append(e.lines, nil)
	}
	e.routes = append(e.routes, route{st: st, types: types, enc: i})
}

// Emit encodes r under the Key derived from it: its time, its pcap_cnt and,
// for records of the same packet, their order of emission. r and what it
// points to are not kept.
func (e *Emitter) Emit(r *eve.Record) {
	k := Key{Time: r.Time.UnixNano(), PcapCnt: r.PcapCnt}
	if k.Time == e.last.Time && k.PcapCnt == e.last.PcapCnt {
		k.Seq = e.last.Seq + 1
	}
	e.last = k
	e.EmitKey(k, r)
}

// EmitKey encodes r under key. r and what it points to are not kept.
func (e *Emitter) EmitKey(key Key, r *eve.Record) {
	limit := e.BatchRecords
	if limit <= 0 {
		limit = 64
	}
	if e.eve != nil {
		if e.eb == nil {
			e.eb = e.eve.Batch()
		}
		e.eb.AddRecord(key, &e.Encoder, r)
		if e.eb.Len() >= limit {
			e.eve.Submit(e.eb)
			e.eb = nil
		}
	}
	if len(e.routes) > 0 {
		e.route(key, TypeOf(r.Type), r, limit)
	}
	if e.fast != nil && r.Type == eve.EventAlert {
		if e.fb == nil {
			e.fb = e.fast.Batch()
		}
		e.fb.AddFast(key, r, &e.Fast)
		if e.fb.Len() >= limit {
			e.fast.Submit(e.fb)
			e.fb = nil
		}
	}
}

// route encodes r once per distinct encoder its outputs need and adds the
// line to each output that takes its type.
func (e *Emitter) route(key Key, t Types, r *eve.Record, limit int) {
	var done uint64 // encoders used for r (bit per index; at most 64)
	for i := range e.routes {
		rt := &e.routes[i]
		if !rt.types.Has(t) {
			continue
		}
		if done&(1<<rt.enc) == 0 {
			e.lines[rt.enc] = e.encs[rt.enc].Append(e.lines[rt.enc][:0], r)
			done |= 1 << rt.enc
		}
		if rt.b == nil {
			rt.b = rt.st.Batch()
		}
		rt.b.Add(key, e.lines[rt.enc])
		if rt.b.Len() >= limit {
			rt.st.Submit(rt.b)
			rt.b = nil
		}
	}
}

// SetPcapLog sends the frames given to Packet to the pcap-log stage st.
func (e *Emitter) SetPcapLog(st *Stage) { e.pcap = st }

// PcapLog reports whether a pcap-log stage is set.
func (e *Emitter) PcapLog() bool { return e.pcap != nil }

// Packet adds a captured frame to the pcap-log batch (see
// Batch.AddPacket); data is copied. Without a pcap-log stage it does
// nothing.
func (e *Emitter) Packet(key Key, link uint32, tsNs int64, origLen uint32, data []byte) {
	if e.pcap == nil {
		return
	}
	if e.pb == nil {
		e.pb = e.pcap.Batch()
	}
	e.pb.AddPacket(key, link, tsNs, origLen, data)
	if e.pb.Len() >= 256 || e.pb.Size() >= 48<<10 {
		e.pcap.Submit(e.pb)
		e.pb = nil
	}
}

// Flush submits the partly filled batches (call when the worker goes idle
// and before the stages close).
func (e *Emitter) Flush() {
	if e.pb != nil {
		e.pcap.Submit(e.pb)
		e.pb = nil
	}
	for i := range e.routes {
		if rt := &e.routes[i]; rt.b != nil {
			rt.st.Submit(rt.b)
			rt.b = nil
		}
	}
	if e.eb != nil {
		e.eve.Submit(e.eb)
		e.eb = nil
	}
	if e.fb != nil {
		e.fast.Submit(e.fb)
		e.fb = nil
	}
}
