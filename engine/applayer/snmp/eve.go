package snmp

import (
	"net/netip"
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// pduNames are the pdu_type values of Suricata's snmp record.
var pduNames = [...]string{
	PDUGetRequest: "get_request", PDUGetNextRequest: "get_next_request",
	PDUResponse: "response", PDUSetRequest: "set_request", PDUTrapV1: "trap_v1",
	PDUGetBulkRequest: "get_bulk_request", PDUInformRequest: "inform_request",
	PDUTrapV2: "trap_v2", PDUReport: "report",
}

// trapNames name the generic-trap values of a v1 trap (RFC 1157 section
// 4.1.6) as Suricata writes them.
var trapNames = [...]string{"ColdStart", "WarmStart", "LinkDown", "LinkUp",
	"AuthenticationFailure", "EgpNeighborLoss", "EnterpriseSpecific"}

// FillEVE adds Suricata's "snmp" object: version, pdu_type ("encrypted"
// for an encrypted v3 payload), v1 trap fields, the names of the variable
// bindings, community or USM user name.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("snmp")
	o.Uint("version", uint64(t.Version))
	if t.Encrypted {
		o.String("pdu_type", "encrypted")
		return true
	}
	if t.HasPDU && int(t.PDUType) < len(pduNames) {
		o.String("pdu_type", pduNames[t.PDUType])
	}
	if t.HasTrap {
		if t.TrapGeneric >= 0 && t.TrapGeneric < int64(len(trapNames)) {
			o.String("trap_type", trapNames[t.TrapGeneric])
		} else {
			o.String("trap_type", strconv.FormatInt(t.TrapGeneric, 10))
		}
		o.String("trap_oid", FormatOID(t.TrapOID))
		if a, ok := netip.AddrFromSlice(t.TrapAddr); ok && a.Is4() {
			o.String("trap_address", a.String())
		}
	}
	if len(t.Vars) > 0 {
		o.OpenArray("vars")
		for _, v := range t.Vars {
			o.String("", FormatOID(v))
		}
		o.Close()
	}
	if t.Community != nil {
		o.Bytes("community", t.Community)
	}
	if t.HasUser {
		o.Bytes("usm", t.User)
	}
	return true
}

// FormatOID writes the content of an OBJECT IDENTIFIER in dotted form
// (X.690 section 8.19). Malformed input (a truncated or overlong
// subidentifier) yields what was decoded up to that point.
func FormatOID(b []byte) string {
	var out []byte
	first := true
	var v uint64
	for i, c := range b {
		if v > 1<<56 {
			break
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 != 0 {
			if i == len(b)-1 {
				break
			}
			continue
		}
		if first {
			// The first subidentifier packs the first two arcs.
			a := v / 40
			if a > 2 {
				a = 2
			}
			out = strconv.AppendUint(out, a, 10)
			out = append(out, '.')
			out = strconv.AppendUint(out, v-a*40, 10)
			first = false
		} else {
			out = append(out, '.')
			out = strconv.AppendUint(out, v, 10)
		}
		v = 0
	}
	return string(out)
}
