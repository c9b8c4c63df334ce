package pop3

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "pop3" object: the command with its
// arguments and the reply with its status, first line and data lines.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("pop3")
	if c := t.Request; c != nil {
		o.Open("request")
		o.Bytes("command", c.Keyword)
		o.OpenArray("args")
		for _, a := range c.Args {
			o.Bytes("", a)
		}
		o.Close()
		o.Close()
	}
	if s := t.Response; s != nil {
		o.Open("response")
		o.Bool("success", s.OK)
		if s.OK {
			o.String("status", "OK")
		} else {
			o.String("status", "ERR")
		}
		o.Bytes("header", s.Header)
		o.OpenArray("data")
		for _, d := range s.Data {
			o.Bytes("", d)
		}
		o.Close()
		o.Close()
	}
	return true
}
