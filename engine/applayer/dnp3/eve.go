package dnp3

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// indicators are the internal indication names by bit (IIN1 high), in
// the order Suricata lists them.
var indicators = []struct {
	name string
	bit  uint16
}{
	{"device_restart", 0x8000}, {"device_trouble", 0x4000}, {"local_control", 0x2000},
	{"need_time", 0x1000}, {"class_3_events", 0x0800}, {"class_2_events", 0x0400},
	{"class_1_events", 0x0200}, {"all_stations", 0x0100}, {"reserved_1", 0x0080},
	{"reserved_2", 0x0040}, {"config_corrupt", 0x0020}, {"already_executing", 0x0010},
	{"event_buffer_overflow", 0x0008}, {"parameter_error", 0x0004}, {"object_unknown", 0x0002},
	{"no_func_code_support", 0x0001},
}

// FillEVE adds Suricata's "dnp3" object once the fragment is complete:
// in a dnp3 record the message itself (type, link control, addresses,
// application header and objects, and the IIN of a response); in an
// alert the same under "request" or "response".
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	if !t.Done {
		return false
	}
	o := r.AddObject("dnp3")
	if r.Type == eve.EventAlert {
		if t.Request {
			o.Open("request")
		} else {
			o.Open("response")
		}
		t.message(o)
		o.Close()
		return true
	}
	t.message(o)
	return true
}

func (t *Tx) message(o *eve.Object) {
	switch {
	case t.Request:
		o.String("type", "request")
	case t.Func == FuncUnsolicitedResponse:
		o.String("type", "unsolicited_response")
	default:
		o.String("type", "response")
	}
	c := t.LinkControl
	o.Open("control")
	o.Bool("dir", c&0x80 != 0)
	o.Bool("pri", c&0x40 != 0)
	o.Bool("fcb", c&0x20 != 0)
	o.Bool("fcv", c&0x10 != 0)
	o.Uint("function_code", uint64(c&0x0f))
	o.Close()
	o.Uint("src", uint64(t.Src))
	o.Uint("dst", uint64(t.Dst))
	o.Open("application")
	a := t.AppControl
	o.Open("control")
	o.Bool("fir", a&0x80 != 0)
	o.Bool("fin", a&0x40 != 0)
	o.Bool("con", a&0x20 != 0)
	o.Bool("uns", a&0x10 != 0)
	o.Uint("sequence", uint64(a&0x0f))
	o.Close()
	o.Uint("function_code", uint64(t.Func))
	if len(t.Objects) > 0 {
		o.OpenArray("objects")
		for i := range t.Objects {
			ob := &t.Objects[i]
			o.Open("")
			o.Uint("group", uint64(ob.Group))
			o.Uint("variation", uint64(ob.Variation))
			o.Uint("qualifier", uint64(ob.Qualifier))
			o.Uint("prefix_code", uint64(ob.PrefixCode))
			o.Uint("range_code", uint64(ob.RangeCode))
			o.Uint("start", uint64(ob.Start))
			o.Uint("stop", uint64(ob.Stop))
			o.Uint("count", uint64(ob.Count))
			if len(ob.Points) > 0 {
				o.OpenArray("points")
				for _, p := range ob.Points {
					o.Open("")
					o.Uint("prefix", uint64(p.Prefix))
					o.Uint("index", uint64(p.Index))
					if PrefixIsSize(ob.PrefixCode) {
						o.Uint("size", uint64(p.Size))
					}
					o.Close()
				}
				o.Close()
			}
			o.Close()
		}
		o.Close()
	}
	o.Bool("complete", t.Decoded)
	o.Close()
	if !t.Request {
		o.Open("iin")
		if t.IIN != 0 {
			o.OpenArray("indicators")
			for _, ind := range indicators {
				if t.IIN&ind.bit != 0 {
					o.String("", ind.name)
				}
			}
			o.Close()
		}
		o.Close()
	}
}
