package detect

import (
	"encoding/hex"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// DCERPC keywords: dcerpc.iface (dce_iface), dcerpc.opnum (dce_opnum) and
// the dcerpc.stub_data sticky buffer (a Buf). They apply to DCERPC over
// TCP and UDP (app-layer dcerpc, connection-oriented and connectionless)
// and to DCERPC over SMB named pipes: a rule
// written for dcerpc (or made dcerpc by these keywords) also runs on SMB
// flows, and an smb rule may use them and stays smb, as Suricata's
// AppProtoEquals allows. Docs: rules/dcerpc-keywords.html
//
// The transaction shows them to detection as buffers (layouts in package
// engine/applayer/dcerpc): bufid.DCERPCIface holds one 19-byte record per
// interface the transaction may use (UUID in text byte order, major
// version little endian, flags: bit 0 the bind had PFC_FIRST_FRAG),
// bufid.DCERPCOpnum the request's opnum (2 bytes little endian), bufid.DCERPCEndian
// one byte, 1 when the PDU of the inspected direction is big endian (for
// byte_test/byte_jump/byte_extract with the dce option).

// dceOnSMB reports whether a buffer of protocol bufProto may be used by a
// rule of protocol ruleProto other than its own: DCERPC buffers on SMB.
func dceOnSMB(bufProto, ruleProto bufid.Proto) bool {
	return bufProto == bufid.ProtoDCERPC && ruleProto == bufid.ProtoSMB
}

// appProtoMatch reports whether a rule of app-layer protocol sig applies
// to a flow of protocol flow: the same one, or a dcerpc rule on SMB.
func appProtoMatch(sig, flow bufid.Proto) bool {
	return sig == flow || sig == bufid.ProtoDCERPC && flow == bufid.ProtoSMB || httpProtoMatch(sig, flow) ||
		sig == bufid.ProtoFile && isFileProto(flow) // files.go
}

// txGroupProtos lists the app-layer protocols whose transactions a tx
// rule of protocol ap runs on.
func txGroupProtos(ap bufid.Proto) []bufid.Proto {
	switch ap {
	case bufid.ProtoDCERPC:
		return dcerpcGroups
	case bufid.ProtoHTTP:
		return httpGroups // http2.go
	case bufid.ProtoHTTP1:
		return http1Groups
	case bufid.ProtoFile:
		return fileProtos // files.go
	}
	return []bufid.Proto{ap}
}

var dcerpcGroups = []bufid.Proto{bufid.ProtoDCERPC, bufid.ProtoSMB}

// dceBigEndian reports whether the transaction's DCERPC data in the
// inspected direction is big endian.
func dceBigEndian(tx Tx) bool {
	b, ok := tx.Buffer(bufid.DCERPCEndian, 0)
	return ok && len(b) == 1 && b[0] == 1
}

// dceIfaceItem matches an interface record of bufid.DCERPCIface.
type dceIfaceItem struct {
	uuid    [16]byte
	ver     *ruleparser.UintCmp
	anyFrag bool
}

func (d *dceIfaceItem) relative() bool { return false }
func (d *dceIfaceItem) retry() bool    { return false }
func (d *dceIfaceItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 19 || string(buf[:16]) != string(d.uuid[:]) {
		return cursor, cursor, false
	}
	if !d.anyFrag && buf[18]&1 == 0 {
		return cursor, cursor, false
	}
	if d.ver != nil && !d.ver.Match(uint64(buf[16])|uint64(buf[17])<<8) {
		return cursor, cursor, false
	}
	return cursor, cursor, true
}

// setupDceIface is dcerpc.iface:<uuid>[,<op><version>][,any_frag]: the
// request's context was bound to that interface (and version) and the
// bind_ack accepted it. Without any_frag the bind must have carried the
// first-fragment flag. Docs: rules/dcerpc-keywords.html#dcerpc-iface
func setupDceIface(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	parse := parseDceIface
	if isSnort3DceIface(arg) {
		parse = parseDceIfaceSnort3 // dcesnort.go
	}
	it, err := parse(arg)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.DCERPCIface, it)
}

func parseDceIface(arg string) (*dceIfaceItem, error) {
	parts := strings.Split(arg, ",")
	it := &dceIfaceItem{}
	u := strings.TrimSpace(parts[0])
	if len(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' {
		return nil, errBadValue("bad interface uuid " + strconv.Quote(u))
	}
	raw, err := hex.DecodeString(strings.ReplaceAll(u, "-", ""))
	if err != nil || len(raw) != 16 {
		return nil, errBadValue("bad interface uuid " + strconv.Quote(u))
	}
	copy(it.uuid[:], raw)
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "any_frag" {
			it.anyFrag = true
			continue
		}
		c, err := parseVersionCmp(p)
		if err != nil || it.ver != nil {
			return nil, errBadValue("bad interface version " + strconv.Quote(p))
		}
		it.ver = &c
	}
	return it, nil
}

// parseVersionCmp parses "<1", ">1", "=1", "!1" (a 16-bit version).
func parseVersionCmp(s string) (ruleparser.UintCmp, error) {
	if s == "" {
		return ruleparser.UintCmp{}, errBadValue("empty")
	}
	var op ruleparser.CmpOp
	switch s[0] {
	case '<':
		op = ruleparser.CmpLt
	case '>':
		op = ruleparser.CmpGt
	case '=':
		op = ruleparser.CmpEq
	case '!':
		op = ruleparser.CmpNe
	default:
		return ruleparser.UintCmp{}, errBadValue("operator must be <, >, = or !")
	}
	v, err := strconv.ParseUint(strings.TrimSpace(s[1:]), 10, 16)
	if err != nil {
		return ruleparser.UintCmp{}, errBadValue("version must be 0 to 65535")
	}
	return ruleparser.UintCmp{Op: op, A: v}, nil
}

// dceOpnumItem matches bufid.DCERPCOpnum against a list of opnums and ranges.
type dceOpnumItem struct{ ranges [][2]uint16 }

func (d *dceOpnumItem) relative() bool { return false }
func (d *dceOpnumItem) retry() bool    { return false }
func (d *dceOpnumItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 2 {
		return cursor, cursor, false
	}
	v := uint16(buf[0]) | uint16(buf[1])<<8
	for _, r := range d.ranges {
		if v >= r[0] && v <= r[1] {
			return cursor, cursor, true
		}
	}
	return cursor, cursor, false
}

// setupDceOpnum is dcerpc.opnum:<n>|<n>-<m>[,...]: the request's
// operation number is one of them. Docs:
// rules/dcerpc-keywords.html#dcerpc-opnum
func setupDceOpnum(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	it, err := parseDceOpnum(arg)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.DCERPCOpnum, it)
}

func parseDceOpnum(arg string) (*dceOpnumItem, error) {
	it := &dceOpnumItem{}
	for _, p := range strings.Split(arg, ",") {
		p = strings.TrimSpace(p)
		lo, hi, isRange := strings.Cut(p, "-")
		a, err := strconv.ParseUint(strings.TrimSpace(lo), 10, 16)
		if err != nil {
			return nil, errBadValue("bad opnum " + strconv.Quote(p))
		}
		c := a
		if isRange {
			if c, err = strconv.ParseUint(strings.TrimSpace(hi), 10, 16); err != nil || c <= a {
				return nil, errBadValue("bad opnum range " + strconv.Quote(p))
			}
		}
		it.ranges = append(it.ranges, [2]uint16{uint16(a), uint16(c)})
	}
	return it, nil
}
