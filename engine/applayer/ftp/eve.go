package ftp

import (
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata 8's "ftp" object (the ftp record and the object
// on alerts): command, command_data with command_truncated, the reply
// lines' completion codes and texts, dynamic_port, mode (PORT and EPRT
// only), reply_received and reply_truncated. A transaction made by an
// unsolicited reply (the greeting) has no command.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("ftp")
	if t.Command != CmdUnknown {
		name := commandBytes[t.Command-1]
		o.Bytes("command", name)
		if n := len(name) + 1; len(t.Request) > n {
			o.Bytes("command_data", t.Request[n:])
			o.Bool("command_truncated", t.RequestTruncated)
		}
	}
	truncated := false
	codes := false
	for i := range t.Replies {
		truncated = truncated || t.Replies[i].Truncated
		codes = codes || len(t.Replies[i].Code) > 0
	}
	if codes {
		o.OpenArray("completion_code")
		for i := range t.Replies {
			if c := t.Replies[i].Code; len(c) > 0 {
				o.Bytes("", c)
			}
		}
		o.Close()
	}
	if len(t.Replies) > 0 {
		o.OpenArray("reply")
		for i := range t.Replies {
			o.Bytes("", t.Replies[i].Text)
		}
		o.Close()
	}
	if t.DynPort != 0 {
		o.Uint("dynamic_port", uint64(t.DynPort))
	}
	if t.Command == CmdPORT || t.Command == CmdEPRT {
		mode := "passive"
		if t.Active {
			mode = "active"
		}
		o.String("mode", mode)
	}
	received := "no"
	if t.Done {
		received = "yes"
	}
	o.String("reply_received", received)
	o.Bool("reply_truncated", truncated)
	return true
}
