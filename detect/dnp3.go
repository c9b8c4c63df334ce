package detect

import (
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// DNP3 keywords (rules/dnp3-keywords.html). The app layer gives each
// transaction its function code, internal indications and object list in
// the direction of its message; dnp3_data is a sticky buffer.

// dnp3Funcs are the function code names dnp3_func accepts (Snort's).
var dnp3Funcs = map[string]uint8{
	"confirm": 0, "read": 1, "write": 2, "select": 3, "operate": 4, "direct_operate": 5,
	"direct_operate_nr": 6, "immed_freeze": 7, "immed_freeze_nr": 8, "freeze_clear": 9,
	"freeze_clear_nr": 10, "freeze_at_time": 11, "freeze_at_time_nr": 12, "cold_restart": 13,
	"warm_restart": 14, "initialize_data": 15, "initialize_appl": 16, "start_appl": 17,
	"stop_appl": 18, "save_config": 19, "enable_unsolicited": 20, "disable_unsolicited": 21,
	"assign_class": 22, "delay_measure": 23, "record_current_time": 24, "open_file": 25,
	"close_file": 26, "delete_file": 27, "get_file_info": 28, "authenticate_file": 29,
	"abort_file": 30, "activate_config": 31, "authenticate_req": 32, "authenticate_err": 33,
	"response": 129, "unsolicited_response": 130, "authenticate_resp": 131,
}

// dnp3Indicators are the internal indication names of dnp3_ind, as bits
// of IIN1 (high octet) and IIN2 (low octet).
var dnp3Indicators = map[string]uint16{
	"device_restart": 0x8000, "device_trouble": 0x4000, "local_control": 0x2000, "need_time": 0x1000,
	"class_3_events": 0x0800, "class_2_events": 0x0400, "class_1_events": 0x0200, "all_stations": 0x0100,
	"reserved_1": 0x0080, "reserved_2": 0x0040, "config_corrupt": 0x0020, "already_executing": 0x0010,
	"event_buffer_overflow": 0x0008, "parameter_error": 0x0004, "object_unknown": 0x0002,
	"no_func_code_support": 0x0001,
}

// parseCUint parses an integer in C's strtoul base 0: decimal, 0x hex or
// leading-0 octal.
func parseCUint(s string, bits int) (uint64, error) {
	return strconv.ParseUint(strings.TrimSpace(s), 0, bits)
}

// setupDNP3Func is dnp3_func: a function code 0-255 or its name.
// Docs: rules/dnp3-keywords.html#dnp3-func
func setupDNP3Func(b *sigBuilder, t *ruleparser.Text) error {
	v := strings.TrimSpace(t.Value)
	n, err := strconv.ParseUint(v, 10, 8)
	if err != nil {
		fc, ok := dnp3Funcs[strings.ToLower(v)]
		if !ok {
			return errBadValue(fmt.Sprintf("unknown function code %q", v))
		}
		n = uint64(fc)
	}
	return b.addValueList(bufid.DNP3Func, &valueItem{size: 1, cmp: ruleparser.UintCmp{Op: ruleparser.CmpEq, A: n}})
}

// dnp3IndItem matches when any of the flags is set in a response's
// internal indications. As in Suricata, only the low four bits of IIN2
// are tested (already_executing, config_corrupt and the reserved bits
// never match).
type dnp3IndItem struct{ flags uint16 }

func (d *dnp3IndItem) relative() bool { return false }
func (d *dnp3IndItem) retry() bool    { return false }
func (d *dnp3IndItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 2 {
		return cursor, cursor, false
	}
	return cursor, cursor, buf[0]&byte(d.flags>>8) != 0 || buf[1]&byte(d.flags&0xf) != 0
}

// setupDNP3Ind is dnp3_ind: a 16-bit integer (IIN1 in the high octet) or
// a comma-separated list of indicator names.
// Docs: rules/dnp3-keywords.html#dnp3-ind
func setupDNP3Ind(b *sigBuilder, t *ruleparser.Text) error {
	var flags uint16
	if n, err := parseCUint(t.Value, 16); err == nil {
		flags = uint16(n)
	} else {
		for _, f := range strings.Split(t.Value, ",") {
			f = strings.TrimSpace(f)
			v, ok := dnp3Indicators[f]
			if !ok {
				return errBadValue(fmt.Sprintf("unknown indicator %q", f))
			}
			flags |= v
		}
	}
	return b.addValueList(bufid.DNP3Ind, &dnp3IndItem{flags: flags})
}

// dnp3ObjItem matches when some object of the message has the group and
// variation.
type dnp3ObjItem struct{ group, variation byte }

func (d *dnp3ObjItem) relative() bool { return false }
func (d *dnp3ObjItem) retry() bool    { return false }
func (d *dnp3ObjItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	for i := 0; i+1 < len(buf); i += 2 {
		if buf[i] == d.group && buf[i+1] == d.variation {
			return cursor, cursor, true
		}
	}
	return cursor, cursor, false
}

// setupDNP3Obj is dnp3_obj:group,variation, both 0-255.
// Docs: rules/dnp3-keywords.html#dnp3-obj
func setupDNP3Obj(b *sigBuilder, t *ruleparser.Text) error {
	g, v, ok := strings.Cut(t.Value, ",")
	if !ok {
		return errBadValue("want group,variation")
	}
	gn, err1 := parseCUint(g, 8)
	vn, err2 := parseCUint(v, 8)
	if err1 != nil || err2 != nil {
		return errBadValue("group and variation must be integers 0 to 255")
	}
	return b.addValueList(bufid.DNP3Obj, &dnp3ObjItem{group: byte(gn), variation: byte(vn)})
}
