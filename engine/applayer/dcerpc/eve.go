package dcerpc

import (
	"encoding/hex"
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// typeNames name the PDU types (connection-oriented and connectionless,
// DCE 1.1 RPC chapter 12) as Suricata's records do.
var typeNames = [...]string{
	0: "REQUEST", 1: "PING", 2: "RESPONSE", 3: "FAULT", 4: "WORKING", 5: "NOCALL",
	6: "REJECT", 7: "ACK", 8: "CL_CANCEL", 9: "FACK", 10: "CANCEL_ACK", 11: "BIND",
	12: "BINDACK", 13: "BINDNAK", 14: "ALTER_CONTEXT", 15: "ALTER_CONTEXT_RESP",
	16: "AUTH3", 17: "SHUTDOWN", 18: "CO_CANCEL", 19: "ORPHANED", 20: "RTS",
}

// TypeName returns the record name of PDU type t.
func TypeName(t uint8) string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return "UNKNOWN(" + strconv.Itoa(int(t)) + ")"
}

// FormatUUID writes a UUID held in string byte order in its hyphenated
// lower-case text form.
func FormatUUID(u *[16]byte) string {
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}

// reqSeen reports whether the client side of the transaction was seen:
// a response whose request was not seen is logged as REQUEST_LOST.
func (t *Tx) reqSeen() bool { return t.ReqDone && t.ReqType != 0xff }

// FillEVE adds Suricata's "dcerpc" object of a transaction over TCP:
// request and response types with their fragment counts and stub sizes,
// the interfaces of the bind (or of the request's context), call id and
// RPC version.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("dcerpc")
	if t.reqSeen() {
		o.String("request", TypeName(t.ReqType))
		switch t.ReqType {
		case TypeRequest:
			o.Open("req")
			o.Uint("opnum", uint64(t.Opnum))
			o.Uint("frag_cnt", uint64(t.ReqFrags))
			o.Uint("stub_data_size", t.ReqStubSize)
			o.Close()
			t.appendIfaces(o, func(f *Iface) bool { return f.CtxID == t.CtxID }, true)
		case TypeBind, TypeAlterContext:
			t.appendIfaces(o, func(f *Iface) bool { return f.CallID == t.CallID }, true)
		}
	} else {
		o.String("request", "REQUEST_LOST")
	}
	t.appendResponse(o)
	o.Uint("call_id", uint64(t.CallID))
	o.String("rpc_version", "5."+strconv.Itoa(int(t.Minor)))
	return true
}

// AppendSMB writes the members of the "dcerpc" object SMB records nest
// for a transaction on a named pipe (the caller opens and closes it).
func (t *Tx) AppendSMB(o *eve.Object) {
	if t.reqSeen() {
		o.String("request", TypeName(t.ReqType))
	} else {
		o.String("request", "REQUEST_LOST")
	}
	if t.HasResp && t.RespDone {
		o.String("response", TypeName(t.RespType))
	} else {
		o.String("response", "UNREPLIED")
	}
	if t.reqSeen() {
		switch t.ReqType {
		case TypeRequest:
			o.Uint("opnum", uint64(t.Opnum))
			o.Open("req")
			o.Uint("frag_cnt", uint64(t.ReqFrags))
			o.Uint("stub_data_size", t.ReqStubSize)
			o.Close()
			t.appendIfaces(o, func(f *Iface) bool { return f.CtxID == t.CtxID }, false)
		case TypeBind, TypeAlterContext:
			t.appendIfaces(o, func(*Iface) bool { return true }, true)
		}
	}
	if t.HasResp && t.RespDone && t.RespType == TypeResponse {
		o.Open("res")
		o.Uint("frag_cnt", uint64(t.RespFrags))
		o.Uint("stub_data_size", t.RespStubSize)
		o.Close()
	}
	o.Uint("call_id", uint64(t.CallID))
}

// appendResponse writes the response type and, for a response PDU, its
// fragment count and stub size.
func (t *Tx) appendResponse(o *eve.Object) {
	if !t.HasResp || !t.RespDone {
		o.String("response", "UNREPLIED")
		return
	}
	o.String("response", TypeName(t.RespType))
	if t.RespType == TypeResponse {
		o.Open("res")
		o.Uint("frag_cnt", uint64(t.RespFrags))
		o.Uint("stub_data_size", t.RespStubSize)
		o.Close()
	}
}

// appendIfaces writes the "interfaces" array of the state's contexts
// that keep selects (nothing when none does); ack adds the bind_ack
// result of answered contexts.
func (t *Tx) appendIfaces(o *eve.Object, keep func(*Iface) bool, ack bool) {
	if t.st == nil {
		return
	}
	open := false
	for i := range t.st.ifaces {
		f := &t.st.ifaces[i]
		if !keep(f) {
			continue
		}
		if !open {
			o.OpenArray("interfaces")
			open = true
		}
		o.Open("")
		o.String("uuid", FormatUUID(&f.UUID))
		o.String("version", strconv.Itoa(int(f.Major))+"."+strconv.Itoa(int(f.Minor)))
		if ack && f.Acked {
			o.Uint("ack_result", uint64(f.Result))
		}
		o.Close()
	}
	if open {
		o.Close()
	}
}
