package detect

import (
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// WebSocket keywords (rules/websocket-keywords.html): websocket.payload
// is a sticky buffer; websocket.opcode and websocket.flags are unsigned
// 8-bit values with names, websocket.mask an unsigned 32-bit value, each
// read from its one-frame buffer (package engine/applayer/websocket).

// wsOpcodes are the opcode names websocket.opcode accepts.
var wsOpcodes = map[string]uint64{"continuation": 0, "text": 1, "binary": 2, "close": 8, "ping": 9, "pong": 10}

// parseWSOpcode parses websocket.opcode: an unsigned 8-bit comparison or
// an opcode name, optionally negated with '!'.
func parseWSOpcode(v string) (ruleparser.UintCmp, error) {
	v = strings.TrimSpace(v)
	name, neg := strings.CutPrefix(v, "!")
	if n, ok := wsOpcodes[strings.TrimSpace(name)]; ok {
		if neg {
			return ruleparser.UintCmp{Op: ruleparser.CmpNe, A: n}, nil
		}
		return ruleparser.UintCmp{Op: ruleparser.CmpEq, A: n}, nil
	}
	c, err := ruleparser.ParseUintCmp(v)
	if err != nil {
		return c, errBadValue("websocket.opcode: want a number, comparison or opcode name, got " + strconv.Quote(v))
	}
	if c.Op == 0 || c.A > 255 || c.B > 255 {
		return c, errBadValue("websocket.opcode: value out of range for an unsigned 8-bit integer")
	}
	return c, nil
}

func setupWSOpcode(b *sigBuilder, o *ruleparser.Text) error {
	c, err := parseWSOpcode(o.Value)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.WebSocketOpcode, &valueItem{size: 1, cmp: c})
}

// wsFlagsItem is websocket.flags: a comparison of the flags byte, or a
// bitmask test (flags & mask) == want.
type wsFlagsItem struct {
	cmp        ruleparser.UintCmp
	mask, want uint8
	bitmask    bool
	negate     bool // bitmask form with "!=": (flags & mask) != want
}

func (w *wsFlagsItem) relative() bool { return false }
func (w *wsFlagsItem) retry() bool    { return false }
func (w *wsFlagsItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 1 {
		return cursor, cursor, false
	}
	if !w.bitmask {
		return cursor, cursor, w.cmp.Match(uint64(buf[0]))
	}
	return cursor, cursor, (buf[0]&w.mask == w.want) != w.negate
}

// parseWSFlags parses websocket.flags: a u8 comparison, a bitmask test
// "&M=V" or "&M!=V", or a comma-separated list of flag names (fin, comp),
// each optionally negated with '!': the named bits must be set, the
// negated ones clear.
func parseWSFlags(v string) (*wsFlagsItem, error) {
	v = strings.TrimSpace(v)
	if rest, ok := strings.CutPrefix(v, "&"); ok {
		neg := false
		m, want, found := strings.Cut(rest, "!=")
		if found {
			neg = true
		} else if m, want, found = strings.Cut(rest, "="); !found {
			return nil, errBadValue("websocket.flags: bitmask form is &MASK=VALUE")
		}
		mv, err1 := strconv.ParseUint(strings.TrimSpace(m), 0, 8)
		wv, err2 := strconv.ParseUint(strings.TrimSpace(want), 0, 8)
		if err1 != nil || err2 != nil {
			return nil, errBadValue("websocket.flags: bad bitmask " + strconv.Quote(v))
		}
		return &wsFlagsItem{bitmask: true, mask: uint8(mv), want: uint8(wv), negate: neg}, nil
	}
	if c, err := ruleparser.ParseUintCmp(v); err == nil {
		if c.Op == 0 || c.A > 255 || c.B > 255 {
			return nil, errBadValue("websocket.flags: value out of range for an unsigned 8-bit integer")
		}
		return &wsFlagsItem{cmp: c}, nil
	}
	it := &wsFlagsItem{bitmask: true}
	for _, f := range strings.Split(v, ",") {
		f = strings.TrimSpace(f)
		name, neg := strings.CutPrefix(f, "!")
		var bit uint8
		switch name {
		case "fin":
			bit = 0x80
		case "comp":
			bit = 0x40
		default:
			return nil, errBadValue("websocket.flags: unknown flag " + strconv.Quote(f))
		}
		if it.mask&bit != 0 {
			return nil, errBadValue("websocket.flags: repeated flag " + name)
		}
		it.mask |= bit
		if !neg {
			it.want |= bit
		}
	}
	return it, nil
}

func setupWSFlags(b *sigBuilder, o *ruleparser.Text) error {
	it, err := parseWSFlags(o.Value)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.WebSocketFlags, it)
}
