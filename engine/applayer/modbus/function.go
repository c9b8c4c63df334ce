package modbus

import "encoding/binary"

// Function codes with a decoded layout.
const (
	FuncRdCoils          = 1
	FuncRdDiscreteInputs = 2
	FuncRdHoldRegs       = 3
	FuncRdInputRegs      = 4
	FuncWrSingleCoil     = 5
	FuncWrSingleReg      = 6
	FuncDiagnostic       = 8
	FuncWrMultCoils      = 15
	FuncWrMultRegs       = 16
	FuncMaskWrReg        = 22
	FuncRdWrMultRegs     = 23
	FuncRdFIFOQueue      = 24
	FuncMEI              = 43
)

// funcNames are the function names Suricata's EVE record uses.
var funcNames = map[uint8]string{
	1: "RdCoils", 2: "RdDiscreteInputs", 3: "RdHoldRegs", 4: "RdInputRegs", 5: "WrSingleCoil",
	6: "WrSingleReg", 7: "RdExcStatus", 8: "Diagnostic", 9: "Program484", 10: "Poll484",
	11: "GetCommEventCtr", 12: "GetCommEventLog", 13: "ProgramController", 14: "PollController",
	15: "WrMultCoils", 16: "WrMultRegs", 17: "ReportServerID", 18: "Program884", 19: "ResetCommLink",
	20: "RdFileRec", 21: "WrFileRec", 22: "MaskWrReg", 23: "RdWrMultRegs", 24: "RdFIFOQueue", 43: "MEI",
}

// FuncName returns the name of function code f (exception bit cleared).
func FuncName(f uint8) string {
	if n, ok := funcNames[f&0x7f]; ok {
		return n
	}
	return "Unknown"
}

// Category returns the category of a function code (exception bit
// cleared): public assigned, public unassigned, user defined (65-72,
// 100-110) or reserved (9, 10, 13, 14, 41, 42, 90, 91, 125-127, and 8
// and 43 are assigned).
func Category(f uint8) uint8 {
	f &= 0x7f
	switch {
	case f == 0:
		return CatNone
	case f >= 65 && f <= 72, f >= 100 && f <= 110:
		return CatUserDefined
	}
	switch f {
	case 9, 10, 13, 14, 41, 42, 90, 91, 125, 126, 127:
		return CatReserved
	}
	if _, ok := funcNames[f]; ok {
		return CatPublicAssigned
	}
	return CatPublicUnassigned
}

// categoryNames are the category names of the EVE record.
var categoryNames = [...]string{"NONE", "PUBLIC_ASSIGNED", "PUBLIC_UNASSIGNED", "USER_DEFINED", "RESERVED"}

// accessOf is the access type of each function code.
var accessOf = map[uint8]uint8{
	FuncRdCoils:          AccessRead | AccessCoils,
	FuncRdDiscreteInputs: AccessRead | AccessDiscretes,
	FuncRdHoldRegs:       AccessRead | AccessHolding,
	FuncRdInputRegs:      AccessRead | AccessInput,
	FuncWrSingleCoil:     AccessWrite | AccessCoils | AccessSingle,
	FuncWrSingleReg:      AccessWrite | AccessHolding | AccessSingle,
	FuncWrMultCoils:      AccessWrite | AccessCoils | AccessMultiple,
	FuncWrMultRegs:       AccessWrite | AccessHolding | AccessMultiple,
	FuncMaskWrReg:        AccessWrite | AccessHolding,
	FuncRdWrMultRegs:     AccessRead | AccessWrite | AccessHolding | AccessMultiple,
}

// exceptionNames are the exception code names of the EVE record.
var exceptionNames = map[uint8]string{
	1: "IllegalFunction", 2: "IllegalDataAddr", 3: "IllegalDataValue", 4: "ServerDeviceFail",
	5: "Ack", 6: "ServerDeviceBusy", 7: "NegAck", 8: "MemParityErr", 10: "GatewayPathUnavailable",
	11: "GatewayTargetFailToResp",
}

// decodeRequest fills the request fields of m from its PDU, raising
// invalid_function_code, invalid_length and invalid_value.
func decodeRequest(m *Message) {
	m.Category = Category(m.Func)
	m.Access = accessOf[m.Func]
	if m.Func == 0 || m.Func&0x80 != 0 {
		m.Errors |= EventInvalidFunctionCode
		return
	}
	d := m.PDU
	u16 := func(i int) uint16 { return binary.BigEndian.Uint16(d[i:]) }
	short := func(n int) bool {
		if len(d) < n {
			m.Errors |= EventInvalidLength
			return true
		}
		return false
	}
	switch m.Func {
	case FuncRdCoils, FuncRdDiscreteInputs, FuncRdHoldRegs, FuncRdInputRegs:
		if short(4) {
			return
		}
		m.HasRead, m.ReadAddr, m.ReadQty = true, u16(0), u16(2)
		limit := uint16(125)
		if m.Func <= FuncRdDiscreteInputs {
			limit = 2000
		}
		if m.ReadQty == 0 || m.ReadQty > limit {
			m.Errors |= EventInvalidValue
		}
	case FuncWrSingleCoil, FuncWrSingleReg:
		if short(4) {
			return
		}
		m.HasWrite, m.WriteAddr, m.WriteQty, m.WriteValue = true, u16(0), 1, u16(2)
		m.Values = append(m.Values, m.WriteValue)
		if m.Func == FuncWrSingleCoil && m.WriteValue != 0 && m.WriteValue != 0xff00 {
			m.Errors |= EventInvalidValue
		}
	case FuncWrMultCoils, FuncWrMultRegs:
		if short(5) {
			return
		}
		m.HasWrite, m.WriteAddr, m.WriteQty = true, u16(0), u16(2)
		m.WriteValue = m.WriteQty
		m.decodeValues(d[4:], m.Func == FuncWrMultCoils)
	case FuncMaskWrReg:
		if short(6) {
			return
		}
		m.HasWrite, m.WriteAddr, m.WriteQty = true, u16(0), 1
		m.WriteValue = u16(2)
		m.Values = append(m.Values, u16(2), u16(4))
	case FuncRdWrMultRegs:
		if short(9) {
			return
		}
		m.HasRead, m.ReadAddr, m.ReadQty = true, u16(0), u16(2)
		m.HasWrite, m.WriteAddr, m.WriteQty = true, u16(4), u16(6)
		m.WriteValue = m.WriteQty
		m.decodeValues(d[8:], false)
	case FuncDiagnostic:
		if short(2) {
			return
		}
		m.HasSub, m.Sub = true, u16(0)
	case FuncMEI:
		if short(1) {
			return
		}
		m.MEI = d[0]
	}
}

// decodeValues reads a byte count and the written values: registers, or
// the coil octets paired into words. A byte count not matching the
// quantity or the PDU raises invalid_value or invalid_length.
func (m *Message) decodeValues(d []byte, coils bool) {
	n := int(d[0])
	d = d[1:]
	want := 2 * int(m.WriteQty)
	if coils {
		want = (int(m.WriteQty) + 7) / 8
	}
	if n != want || m.WriteQty == 0 {
		m.Errors |= EventInvalidValue
	}
	if len(d) != n {
		m.Errors |= EventInvalidLength
		n = min(n, len(d))
	}
	d = d[:n]
	for len(d) >= 2 {
		m.Values = append(m.Values, binary.BigEndian.Uint16(d))
		d = d[2:]
	}
	if len(d) == 1 {
		m.Values = append(m.Values, uint16(d[0])<<8)
	}
}

// decodeResponse checks a response against its request: an exception
// code, a function that differs from the request's, or a write echo that
// differs from what was written.
func decodeResponse(m *Message, req *Message) {
	m.Category = Category(m.Func)
	m.Access = accessOf[m.Func&0x7f]
	d := m.PDU
	if m.IsException() {
		if len(d) != 1 {
			m.Errors |= EventInvalidLength
			return
		}
		m.Exception = d[0]
		if _, ok := exceptionNames[m.Exception]; !ok {
			m.Errors |= EventInvalidExceptionCode
		}
		return
	}
	if req != nil && m.Func != req.Func {
		m.Errors |= EventValueMismatch
		return
	}
	switch m.Func {
	case FuncWrSingleCoil, FuncWrSingleReg, FuncWrMultCoils, FuncWrMultRegs:
		if len(d) != 4 {
			m.Errors |= EventInvalidLength
			return
		}
		m.HasWrite, m.WriteAddr, m.WriteValue = true, binary.BigEndian.Uint16(d), binary.BigEndian.Uint16(d[2:])
		if req != nil && (m.WriteAddr != req.WriteAddr || m.WriteValue != req.WriteValue) {
			m.Errors |= EventValueMismatch
		}
	case FuncRdCoils, FuncRdDiscreteInputs, FuncRdHoldRegs, FuncRdInputRegs, FuncRdWrMultRegs:
		if len(d) < 1 || int(d[0]) != len(d)-1 {
			m.Errors |= EventInvalidLength
		}
	case FuncDiagnostic:
		if len(d) >= 2 {
			m.HasSub, m.Sub = true, binary.BigEndian.Uint16(d)
		}
	case FuncMEI:
		if len(d) >= 1 {
			m.MEI = d[0]
		}
	}
}
