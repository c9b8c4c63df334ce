package output

import "vigil/output/eve"

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
	last      Key // key of the previous record, for Seq
}

// NewEmitter returns an emitter writing EVE records to eveStage and alerts
// to fastStage; either may be nil to disable that output.
func NewEmitter(eveStage, fastStage *Stage) *Emitter {
	return &Emitter{eve: eveStage, fast: fastStage, BatchRecords: 64}
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

// Flush submits the partly filled batches (call when the worker goes idle
// and before the stages close).
func (e *Emitter) Flush() {
	if e.eb != nil {
		e.eve.Submit(e.eb)
		e.eb = nil
	}
	if e.fb != nil {
		e.fast.Submit(e.fb)
		e.fb = nil
	}
}
