package output

import (
	"io"
	"testing"
	"time"

	"vigil/output/eve"
)

// TestRoutedEmitterAllocs: routing records to several outputs, two of
// them sharing encoder options, allocates nothing in steady state.
func TestRoutedEmitterAllocs(t *testing.T) {
	var stages []*Stage
	for range 3 {
		stages = append(stages, NewStage(io.Discard, StageOptions{Name: "t", QueueLen: 1024}))
	}
	em := NewRoutedEmitter(nil)
	em.AddRoute(stages[0], AllTypes, eve.Encoder{})
	em.AddRoute(stages[1], TypeOf(eve.EventAlert), eve.Encoder{Payload: true})
	em.AddRoute(stages[2], TypeOf(eve.EventAlert), eve.Encoder{})
	if len(em.encs) != 2 {
		t.Fatalf("%d encoders for 2 option sets", len(em.encs))
	}
	r := &eve.Record{Type: eve.EventAlert}
	r.Time = time.Unix(1, 0)
	r.Payload = []byte("GET / HTTP/1.1")
	for range 1000 {
		em.Emit(r)
	}
	em.Flush()
	if n := testing.AllocsPerRun(1000, func() { em.Emit(r) }); n != 0 {
		t.Errorf("Emit allocates %v times per record; want 0", n)
	}
	em.Flush()
	for i, s := range stages {
		s.Close()
		if st := s.Stats(); st.Submitted == 0 {
			t.Errorf("output %d got no records", i)
		}
	}
}
