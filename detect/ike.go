package detect

import (
	"encoding/binary"
	"regexp"
	"strconv"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// IKE keywords (rules/ike-keywords.html). The sticky buffers and the
// numeric keywords read buffers of the IKE transaction (layouts in
// package engine/applayer/ike); ike.chosen_sa_attribute is an item of its
// own over bufid.IKEChosenSA.

// chosenSAArg is Suricata 8.0's form of ike.chosen_sa_attribute:
// <attribute>=<decimal value>.
var chosenSAArg = regexp.MustCompile(`^\s*(alg_enc|alg_hash|alg_auth|alg_dh|sa_group_type|sa_life_type|sa_life_duration|alg_prf|sa_key_length|sa_field_size)\s*=\s*([0-9]+)\s*$`)

// chosenSATypes are the IKEv1 attribute types of the names
// ike.chosen_sa_attribute accepts.
var chosenSATypes = map[string]uint16{
	"alg_enc": 1, "alg_hash": 2, "alg_auth": 3, "alg_dh": 4, "sa_group_type": 5,
	"sa_life_type": 11, "sa_life_duration": 12, "alg_prf": 13, "sa_key_length": 14, "sa_field_size": 15,
}

// chosenSAItem matches when the first attribute of its type in the
// transaction's chosen transform equals its value.
type chosenSAItem struct {
	typ uint16
	val uint32
}

func (c *chosenSAItem) relative() bool { return false }
func (c *chosenSAItem) retry() bool    { return false }
func (c *chosenSAItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	for ; len(buf) >= 6; buf = buf[6:] {
		if binary.BigEndian.Uint16(buf) == c.typ {
			return cursor, cursor, binary.BigEndian.Uint32(buf[2:]) == c.val
		}
	}
	return cursor, cursor, false
}

func parseChosenSA(arg string) (*chosenSAItem, error) {
	m := chosenSAArg.FindStringSubmatch(arg)
	if m == nil {
		return nil, errBadValue("expected <attribute>=<value>, got " + strconv.Quote(arg))
	}
	v, err := strconv.ParseUint(m[2], 10, 32)
	if err != nil {
		return nil, errBadValue("value " + m[2] + " out of range")
	}
	return &chosenSAItem{typ: chosenSATypes[m[1]], val: uint32(v)}, nil
}

// setupChosenSA is ike.chosen_sa_attribute:<attribute>=<value>.
func setupChosenSA(b *sigBuilder, o *ruleparser.Text) error {
	it, err := parseChosenSA(o.Value)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.IKEChosenSA, it)
}

// setupIKEExchType is ike.exchtype: an unsigned 8-bit comparison.
func setupIKEExchType(b *sigBuilder, c *ruleparser.Compare) error {
	if c.Cmp.Op == 0 {
		return errBadValue("unsupported comparison")
	}
	if c.Cmp.A > 255 || c.Cmp.B > 255 {
		return errBadValue("value out of range for an unsigned 8-bit integer")
	}
	return b.addItemToBuffer(bufid.IKEExchType, &valueItem{size: 4, cmp: c.Cmp})
}
