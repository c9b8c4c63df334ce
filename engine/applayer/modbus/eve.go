package modbus

import (
	"strings"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// accessNames name the access type bits in the EVE record, joined by
// " | " as Suricata writes flags.
var accessNames = [...]string{"READ", "WRITE", "DISCRETES", "COILS", "INPUT", "HOLDING", "SINGLE", "MULTIPLE"}

// FillEVE adds Suricata's "modbus" object: the transaction id and the
// request and response messages present.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	if t.Request == nil && t.Response == nil {
		return false
	}
	o := r.AddObject("modbus")
	o.Uint("id", t.id)
	if t.Request != nil {
		o.Open("request")
		t.Request.log(o, true)
		o.Close()
	}
	if t.Response != nil {
		o.Open("response")
		t.Response.log(o, false)
		o.Close()
	}
	return true
}

func (m *Message) log(o *eve.Object, request bool) {
	o.Uint("transaction_id", uint64(m.TID))
	o.Uint("protocol_id", uint64(m.ProtocolID))
	o.Uint("unit_id", uint64(m.Unit))
	o.Uint("function_raw", uint64(m.Func))
	o.String("function_code", FuncName(m.Func))
	if m.Access != 0 {
		var sb strings.Builder
		for i, n := range accessNames {
			if m.Access&(1<<i) != 0 {
				if sb.Len() > 0 {
					sb.WriteString(" | ")
				}
				sb.WriteString(n)
			}
		}
		o.String("access_type", sb.String())
	}
	o.String("category", categoryNames[m.Category])
	o.String("error_flags", errorFlags(m.Errors))
	switch {
	case m.IsException():
		if len(m.PDU) == 1 {
			o.Open("exception")
			o.Uint("raw", uint64(m.Exception))
			name, ok := exceptionNames[m.Exception]
			if !ok {
				name = "Unknown"
			}
			o.String("code", name)
			o.Close()
		}
	case m.HasSub && m.Func == FuncDiagnostic:
		o.Open("diagnostic")
		o.Uint("raw", uint64(m.Sub))
		o.String("code", diagName(m.Sub))
		o.Bytes("data", hexBytes(m.PDU[2:]))
		o.Close()
	case m.Func == FuncMEI && len(m.PDU) >= 1:
		o.Open("mei")
		o.Uint("raw", uint64(m.MEI))
		o.String("code", meiName(m.MEI))
		o.Bytes("data", hexBytes(m.PDU[1:]))
		o.Close()
	case request && (m.HasRead || m.HasWrite):
		if m.HasRead {
			o.Open("read")
			o.Uint("address", uint64(m.ReadAddr))
			o.Uint("quantity", uint64(m.ReadQty))
			o.Close()
		}
		if m.HasWrite {
			o.Open("write")
			o.Uint("address", uint64(m.WriteAddr))
			o.Uint("data", uint64(m.WriteValue))
			o.Close()
		}
	case !request && m.HasWrite:
		o.Open("write")
		o.Uint("address", uint64(m.WriteAddr))
		o.Uint("data", uint64(m.WriteValue))
		o.Close()
	case !request && m.Access&AccessRead != 0 && len(m.PDU) > 0:
		o.Open("read")
		o.Bytes("data", hexBytes(m.PDU[1:]))
		o.Close()
	case len(m.PDU) > 0:
		o.Bytes("data", hexBytes(m.PDU))
	}
}

// errorFlags names the message's parse errors ("NONE" without any).
func errorFlags(e uint32) string {
	var parts []string
	for _, f := range []struct {
		bit  uint32
		name string
	}{
		{EventInvalidFunctionCode, "FUNC_CODE"}, {EventInvalidLength, "DATA_LENGTH"},
		{EventInvalidValue, "DATA_VALUE"}, {EventInvalidExceptionCode, "EXC_CODE"},
		{EventInvalidProtocolID, "PROTO_ID"},
	} {
		if e&f.bit != 0 {
			parts = append(parts, f.name)
		}
	}
	if len(parts) == 0 {
		return "NONE"
	}
	return strings.Join(parts, " | ")
}

func diagName(s uint16) string {
	names := []string{"RetQueryData", "RestartCommOpt", "RetDiagReg", "ChangeInputDelimiter",
		"ForceListenOnlyMode", "", "", "", "", "", "ClearCtrDiagReg", "RetBusMsgCount",
		"RetBusCommErrCount", "RetBusExcErrCount", "RetServerMsgCount", "RetServerNoRespCount",
		"RetServerNAKCount", "RetServerBusyCount", "RetBusCharOverrunCount", "", "ClearOverrunCounterFlag"}
	if int(s) < len(names) && names[s] != "" {
		return names[s]
	}
	return "Reserved"
}

func meiName(t uint8) string {
	switch t {
	case 13:
		return "CANOpenGenRefReqResp"
	case 14:
		return "RdDevId"
	}
	return "Unknown"
}

// hexBytes renders b as lower-case hex digits.
func hexBytes(b []byte) []byte {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return out
}
