package detect

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// The modbus keyword (rules/modbus-keyword.html) tests a request's
// decoded fields (the ModbusRequest buffer): unit id, function code or
// category with an optional subfunction, access type with optional
// address and written value ranges. Forms:
//
//	modbus: function <num|!num|category|!category>
//	modbus: function <num>, subfunction <num>
//	modbus: access read|write [discretes|coils|input|holding]
//	modbus: access ..., address <range>[, value <range>]
//	modbus: unit <range>[, function ...|, access ...]
//
// A range is n, <n, >n or n<>m (exclusive bounds).

// modbusCategories are the category names of "function".
var modbusCategories = map[string]uint8{
	"assigned": 1 << bufid.ModbusCatPublicAssigned, "unassigned": 1 << bufid.ModbusCatPublicUnassigned,
	"public": 1<<bufid.ModbusCatPublicAssigned | 1<<bufid.ModbusCatPublicUnassigned,
	"user":   1 << bufid.ModbusCatUserDefined, "reserved": 1 << bufid.ModbusCatReserved,
	"all": 1<<bufid.ModbusCatPublicAssigned | 1<<bufid.ModbusCatPublicUnassigned | 1<<bufid.ModbusCatUserDefined | 1<<bufid.ModbusCatReserved,
}

// modbusTables are the access table names.
var modbusTables = map[string]uint8{
	"discretes": bufid.ModbusAccessDiscretes, "coils": bufid.ModbusAccessCoils,
	"input": bufid.ModbusAccessInput, "holding": bufid.ModbusAccessHolding,
}

// modbusRange is a range of a 16-bit field: eq (lo), lt (<hi), gt (>lo)
// or between (lo<>hi, exclusive).
type modbusRange struct {
	set    bool
	op     ruleparser.CmpOp
	lo, hi uint16
}

func parseModbusRange(s string) (modbusRange, error) {
	s = strings.TrimSpace(s)
	num := func(v string) (uint16, error) {
		n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 16)
		if err != nil {
			return 0, errBadValue(fmt.Sprintf("bad range value %q", v))
		}
		return uint16(n), nil
	}
	r := modbusRange{set: true}
	var err error
	switch {
	case strings.Contains(s, "<>"):
		a, b, _ := strings.Cut(s, "<>")
		r.op = ruleparser.CmpRange
		if r.lo, err = num(a); err == nil {
			r.hi, err = num(b)
		}
		if err == nil && r.lo >= r.hi {
			err = errBadValue("range bounds out of order")
		}
	case strings.HasPrefix(s, "<"):
		r.op = ruleparser.CmpLt
		r.hi, err = num(s[1:])
	case strings.HasPrefix(s, ">"):
		r.op = ruleparser.CmpGt
		r.lo, err = num(s[1:])
	default:
		r.op = ruleparser.CmpEq
		r.lo, err = num(s)
	}
	return r, err
}

// value reports whether v is in the range.
func (r modbusRange) value(v uint16) bool {
	switch r.op {
	case ruleparser.CmpLt:
		return v < r.hi
	case ruleparser.CmpGt:
		return v > r.lo
	case ruleparser.CmpRange:
		return v > r.lo && v < r.hi
	}
	return v == r.lo
}

// span reports whether some address of [start, start+qty) is in the range.
func (r modbusRange) span(start, qty uint16) bool {
	if qty == 0 {
		qty = 1
	}
	end := uint32(start) + uint32(qty) - 1
	switch r.op {
	case ruleparser.CmpLt:
		return start < r.hi
	case ruleparser.CmpGt:
		return end > uint32(r.lo)
	case ruleparser.CmpRange:
		return uint32(r.lo) < end && start < r.hi
	}
	return r.lo >= start && uint32(r.lo) <= end
}

// modbusItem is one modbus keyword.
type modbusItem struct {
	unit           modbusRange
	hasFunc        bool
	fn             uint8
	cats           uint8 // category mask (function by category)
	neg            bool
	hasSub         bool
	sub            uint16
	access, table  uint8
	address, value modbusRange
}

func (m *modbusItem) relative() bool { return false }
func (m *modbusItem) retry() bool    { return false }
func (m *modbusItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	return cursor, cursor, len(buf) >= bufid.ModbusReqValues && m.match(buf)
}

func (m *modbusItem) match(b []byte) bool {
	u16 := func(i int) uint16 { return binary.BigEndian.Uint16(b[i:]) }
	if m.unit.set && !m.unit.value(uint16(b[bufid.ModbusReqUnit])) {
		return false
	}
	if m.hasFunc {
		var ok bool
		if m.cats != 0 {
			ok = m.cats&(1<<b[bufid.ModbusReqCategory]) != 0
		} else {
			ok = b[bufid.ModbusReqFunc] == m.fn
		}
		if ok == m.neg {
			return false
		}
		if m.hasSub && (b[bufid.ModbusReqFlags]&bufid.ModbusFlagSub == 0 || u16(bufid.ModbusReqSub) != m.sub) {
			return false
		}
	}
	if m.access != 0 {
		a := b[bufid.ModbusReqAccess]
		if a&m.access == 0 || (m.table != 0 && a&m.table == 0) {
			return false
		}
		if m.address.set {
			var ok bool
			if m.access == bufid.ModbusAccessRead && b[bufid.ModbusReqFlags]&bufid.ModbusFlagRead != 0 {
				ok = m.address.span(u16(bufid.ModbusReqReadAddr), u16(bufid.ModbusReqReadQty))
			} else if m.access == bufid.ModbusAccessWrite && b[bufid.ModbusReqFlags]&bufid.ModbusFlagWrite != 0 {
				ok = m.address.span(u16(bufid.ModbusReqWriteAddr), u16(bufid.ModbusReqWriteQty))
			}
			if !ok {
				return false
			}
		}
		if m.value.set {
			ok := false
			for i := bufid.ModbusReqValues; i+1 < len(b); i += 2 {
				if m.value.value(u16(i)) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

// setupModbus is the modbus keyword.
// Docs: rules/modbus-keyword.html
func setupModbus(b *sigBuilder, t *ruleparser.Text) error {
	m, err := parseModbus(t.Value)
	if err != nil {
		return err
	}
	return b.addValueList(bufid.ModbusRequest, m)
}

func parseModbus(v string) (*modbusItem, error) {
	v = strings.Trim(strings.TrimSpace(v), `"`)
	parts := strings.Split(v, ",")
	m := &modbusItem{}
	var err error
	i := 0
	next := func() (string, string) {
		w, rest, _ := strings.Cut(strings.TrimSpace(parts[i]), " ")
		i++
		return strings.ToLower(w), strings.TrimSpace(rest)
	}
	w, arg := next()
	if w == "unit" {
		if m.unit, err = parseModbusRange(arg); err != nil {
			return nil, err
		}
		if i == len(parts) {
			return m, nil
		}
		w, arg = next()
	}
	switch w {
	case "function":
		m.hasFunc = true
		if strings.HasPrefix(arg, "!") {
			m.neg, arg = true, strings.TrimSpace(arg[1:])
		}
		if c, ok := modbusCategories[strings.ToLower(arg)]; ok {
			m.cats = c
		} else {
			n, err := strconv.ParseUint(arg, 10, 8)
			if err != nil || n == 0 || n > 127 {
				return nil, errBadValue(fmt.Sprintf("bad function %q", arg))
			}
			m.fn = uint8(n)
		}
		if i < len(parts) {
			w, arg = next()
			if w != "subfunction" || m.neg || m.cats != 0 {
				return nil, errBadValue("only subfunction may follow a function code")
			}
			n, err := strconv.ParseUint(arg, 10, 16)
			if err != nil {
				return nil, errBadValue(fmt.Sprintf("bad subfunction %q", arg))
			}
			m.hasSub, m.sub = true, uint16(n)
		}
	case "access":
		typ, table, _ := strings.Cut(arg, " ")
		switch strings.ToLower(typ) {
		case "read":
			m.access = bufid.ModbusAccessRead
		case "write":
			m.access = bufid.ModbusAccessWrite
		default:
			return nil, errBadValue(fmt.Sprintf("bad access type %q", typ))
		}
		if table = strings.ToLower(strings.TrimSpace(table)); table != "" {
			tb, ok := modbusTables[table]
			if !ok || (m.access == bufid.ModbusAccessWrite && tb&(bufid.ModbusAccessDiscretes|bufid.ModbusAccessInput) != 0) {
				return nil, errBadValue(fmt.Sprintf("bad access table %q", table))
			}
			m.table = tb
		}
		for i < len(parts) {
			w, arg = next()
			switch {
			case w == "address" && !m.address.set:
				if m.address, err = parseModbusRange(arg); err != nil {
					return nil, err
				}
			case w == "value" && m.address.set && !m.value.set && m.access == bufid.ModbusAccessWrite:
				if m.value, err = parseModbusRange(arg); err != nil {
					return nil, err
				}
			default:
				return nil, errBadValue(fmt.Sprintf("unexpected %q after access", w))
			}
		}
	default:
		return nil, errBadValue(fmt.Sprintf("want function, access or unit, got %q", w))
	}
	if i < len(parts) {
		return nil, errBadValue("trailing options")
	}
	return m, nil
}
