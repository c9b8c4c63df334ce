package detect

import (
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

// modbusReq builds a ModbusRequest buffer (detect/bufid/modbus.go).
func modbusReq(unit, fn, cat, access, flags uint8, sub, raddr, rqty, waddr, wqty uint16, values ...uint16) mapTx {
	b := []byte{unit, fn, cat, access, flags}
	for _, v := range append([]uint16{sub, raddr, rqty, waddr, wqty}, values...) {
		b = binary.BigEndian.AppendUint16(b, v)
	}
	return mapTx{bufid.ModbusRequest: {string(b)}}
}

func TestModbusKeyword(t *testing.T) {
	const (
		rd, wr           = bufid.ModbusAccessRead, bufid.ModbusAccessWrite
		hold, coil, inp  = bufid.ModbusAccessHolding, bufid.ModbusAccessCoils, bufid.ModbusAccessInput
		assigned, user   = bufid.ModbusCatPublicAssigned, bufid.ModbusCatUserDefined
		fRead, fWr, fSub = bufid.ModbusFlagRead, bufid.ModbusFlagWrite, bufid.ModbusFlagSub
	)
	// Read 4 holding registers at 16 (16-19), unit 1.
	readHold := modbusReq(1, 3, assigned, rd|hold, fRead, 0, 16, 4, 0, 0)
	// Write 0x1234 to holding register 32, unit 10.
	writeReg := modbusReq(10, 6, assigned, wr|hold|bufid.ModbusAccessSingle, fWr, 0, 0, 0, 32, 1, 0x1234)
	// Write coils 100-115, unit 2.
	writeCoils := modbusReq(2, 15, assigned, wr|coil|bufid.ModbusAccessMultiple, fWr, 0, 0, 0, 100, 16, 0xff00)
	readInput := modbusReq(1, 4, assigned, rd|inp, fRead, 0, 5, 1, 0, 0)
	diag := modbusReq(1, 8, assigned, 0, fSub, 4, 0, 0, 0, 0)
	userFn := modbusReq(1, 66, user, 0, 0, 0, 0, 0, 0, 0)
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"function number", `modbus: function 3;`, readHold, true},
		{"function other", `modbus: function 4;`, readHold, false},
		{"function negated", `modbus: function !4;`, readHold, true},
		{"function negated same", `modbus: function !3;`, readHold, false},
		{"function quoted", `modbus: "function 3";`, readHold, true},
		{"function assigned", `modbus: function assigned;`, readHold, true},
		{"function public", `modbus: function public;`, readHold, true},
		{"function user", `modbus: function user;`, userFn, true},
		{"function user other", `modbus: function user;`, readHold, false},
		{"function not reserved", `modbus: function !reserved;`, readHold, true},
		{"function not assigned", `modbus: function !assigned;`, readHold, false},
		{"function all", `modbus: function all;`, userFn, true},
		{"subfunction", `modbus: function 8, subfunction 4;`, diag, true},
		{"subfunction other", `modbus: function 8, subfunction 1;`, diag, false},
		{"access read", `modbus: access read;`, readHold, true},
		{"access write on read", `modbus: access write;`, readHold, false},
		{"access read holding", `modbus: access read holding;`, readHold, true},
		{"access read input", `modbus: access read input;`, readInput, true},
		{"access read coils on holding", `modbus: access read coils;`, readHold, false},
		{"address in span", `modbus: access read holding, address 18;`, readHold, true},
		{"address past span", `modbus: access read holding, address 20;`, readHold, false},
		{"address less", `modbus: access read, address <17;`, readHold, true},
		{"address less miss", `modbus: access read, address <16;`, readHold, false},
		{"address greater", `modbus: access read, address >18;`, readHold, true},
		{"address greater miss", `modbus: access read, address >19;`, readHold, false},
		{"address between", `modbus: access read, address 18<>30;`, readHold, true},
		{"address between exclusive", `modbus: access read, address 19<>30;`, readHold, false},
		{"address between miss", `modbus: access read, address 20<>30;`, readHold, false},
		{"write address", `modbus: access write holding, address 32;`, writeReg, true},
		{"write value", `modbus: access write holding, address 32, value 4660;`, writeReg, true},
		{"write value other", `modbus: access write holding, address 32, value 4661;`, writeReg, false},
		{"write value greater", `modbus: access write, address >10, value >4000;`, writeReg, true},
		{"write value between", `modbus: access write, address 30<>40, value 5000<>6000;`, writeReg, false},
		{"write coils", `modbus: access write coils, address 115;`, writeCoils, true},
		{"write coils value", `modbus: access write coils, address 100, value 65280;`, writeCoils, true},
		{"unit", `modbus: unit 10;`, writeReg, true},
		{"unit other", `modbus: unit 11;`, writeReg, false},
		{"unit range", `modbus: unit 5<>20;`, writeReg, true},
		{"unit less", `modbus: unit <5;`, writeReg, false},
		{"unit function", `modbus: unit 10, function 6;`, writeReg, true},
		{"unit function other unit", `modbus: unit 1, function 6;`, writeReg, false},
		{"unit access", `modbus: unit >1, access write holding, address 32, value 4660;`, writeReg, true},
		{"unit access miss", `modbus: unit >1, access read;`, writeReg, false},
		{"two keywords and", `modbus: function 3; modbus: unit 1;`, readHold, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := txFires(t, ruleparser.DialectSuricata, `alert modbus any any -> any any (`+tc.opts+` sid:1;)`, "modbus", true, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`modbus: function 0;`, `modbus: function 128;`, `modbus: function bogus;`,
		`modbus: function assigned, subfunction 1;`, `modbus: access delete;`, `modbus: access write input;`,
		`modbus: access read, value 3;`, `modbus: access read, address 1, value 3;`, `modbus: access write, address 5<>2;`,
		`modbus: unit 70000;`, `modbus: bogus 1;`, `modbus: function 3, unit 1;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert modbus any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}
