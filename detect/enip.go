package detect

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// ENIP/CIP keywords (rules/enip-keyword.html). The app layer gives each
// transaction its command, status and protocol version per direction, a
// record per CIP message for cip_service, and lists of the request path
// values and response statuses; the identity and service fields are
// fixed-size buffers, product and service names sticky buffers.

// enipCommands are the command names enip_command accepts
// (case-insensitive).
var enipCommands = map[string]uint64{
	"nop": 0, "list_services": 4, "list_identity": 0x63, "list_interfaces": 0x64,
	"register_session": 0x65, "unregister_session": 0x66, "send_r_r_data": 0x6f,
	"send_unit_data": 0x70, "indicate_status": 0x72, "cancel": 0x73,
}

// enipStatuses are the encapsulation status names enip.status accepts.
var enipStatuses = map[string]uint64{
	"success": 0, "invalid_cmd": 1, "no_resources": 2, "incorrect_data": 3,
	"invalid_session": 0x64, "invalid_length": 0x65, "unsupported_prot_rev": 0x69,
	"encap_header_error": 0x6a,
}

func byName(m map[string]uint64) func(string) (uint64, bool) {
	return func(s string) (uint64, bool) {
		v, ok := m[strings.ToLower(s)]
		return v, ok
	}
}

func noNames(string) (uint64, bool) { return 0, false }

// enipUint returns the setup of an ENIP integer keyword over a
// fixed-size big-endian buffer of size bytes.
func enipUint(buf Buf, size int, names func(string) (uint64, bool)) func(*sigBuilder, *ruleparser.Text) error {
	return func(b *sigBuilder, t *ruleparser.Text) error {
		c, err := parseUintEnum(t.Value, 1<<(8*size)-1, names)
		if err != nil {
			return err
		}
		return b.addValueList(buf, &valueItem{size: size, cmp: c})
	}
}

// enipList returns the setup of an ENIP integer keyword over a list
// buffer: it matches when any element matches.
func enipList(buf Buf, size int) func(*sigBuilder, *ruleparser.Text) error {
	return func(b *sigBuilder, t *ruleparser.Text) error {
		c, err := parseUintEnum(t.Value, 1<<(8*size)-1, noNames)
		if err != nil {
			return err
		}
		return b.addValueList(buf, &indexItem{cmp: c, size: size})
	}
}

// cipServiceItem is cip_service:service[,class[,attribute]]. The buffer
// holds one record per CIP message (the message, then the messages a
// Multiple Service Packet embeds): service, class count and values,
// attribute count and values.
type cipServiceItem struct {
	service          byte
	class, attribute uint32
	hasClass, hasAtt bool
}

type cipRecord struct {
	service       byte
	classes, atts []byte // 4-byte big-endian values
}

func readCIPRecord(b []byte) (cipRecord, []byte, bool) {
	var r cipRecord
	if len(b) < 2 {
		return r, nil, false
	}
	r.service = b[0]
	b = b[1:]
	for _, dst := range []*[]byte{&r.classes, &r.atts} {
		if len(b) < 1 || len(b) < 1+4*int(b[0]) {
			return r, nil, false
		}
		n := 4 * int(b[0])
		*dst, b = b[1:1+n], b[1+n:]
	}
	return r, b, true
}

func hasValue(list []byte, v uint32) bool {
	for i := 0; i+4 <= len(list); i += 4 {
		if binary.BigEndian.Uint32(list[i:]) == v {
			return true
		}
	}
	return false
}

func (c *cipServiceItem) matchRecord(r cipRecord) bool {
	if !c.hasClass {
		return true
	}
	if !hasValue(r.classes, c.class) {
		return false
	}
	return !c.hasAtt || hasValue(r.atts, c.attribute)
}

func (c *cipServiceItem) relative() bool { return false }
func (c *cipServiceItem) retry() bool    { return false }
func (c *cipServiceItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	top, rest, ok := readCIPRecord(buf)
	if !ok {
		return cursor, cursor, false
	}
	if top.service == c.service {
		return cursor, cursor, c.matchRecord(top)
	}
	if top.service != 0x0a {
		return cursor, cursor, false
	}
	for len(rest) > 0 {
		var r cipRecord
		if r, rest, ok = readCIPRecord(rest); !ok {
			break
		}
		if r.service == c.service && c.matchRecord(r) {
			return cursor, cursor, true
		}
	}
	return cursor, cursor, false
}

// setupCIPService is cip_service: a service below 0x80, then optionally
// a class and an attribute (a negated attribute is ignored, as in
// Suricata). Docs: rules/enip-keyword.html#cip-service
func setupCIPService(b *sigBuilder, t *ruleparser.Text) error {
	parts := strings.Split(t.Value, ",")
	if len(parts) > 3 {
		return errBadValue("want service[,class[,attribute]]")
	}
	svc, err := strconv.ParseUint(strings.TrimSpace(parts[0]), 10, 8)
	if err != nil || svc >= 0x80 {
		return errBadValue(fmt.Sprintf("service %q: want an integer below 128", parts[0]))
	}
	it := &cipServiceItem{service: byte(svc)}
	if len(parts) > 1 {
		v, err := strconv.ParseUint(strings.TrimSpace(parts[1]), 10, 32)
		if err != nil {
			return errBadValue(fmt.Sprintf("class %q", parts[1]))
		}
		it.class, it.hasClass = uint32(v), true
	}
	if len(parts) > 2 {
		a := strings.TrimSpace(parts[2])
		neg := strings.HasPrefix(a, "!")
		v, err := strconv.ParseUint(strings.TrimPrefix(a, "!"), 10, 32)
		if err != nil {
			return errBadValue(fmt.Sprintf("attribute %q", parts[2]))
		}
		it.attribute, it.hasAtt = uint32(v), !neg
	}
	return b.addValueList(bufid.ENIPCIPService, it)
}
