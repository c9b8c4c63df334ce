package ike

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
)

// IKEv1 payload types (RFC 2408 section 3.1 and later registrations).
const (
	payloadSA          = 1
	payloadProposal    = 2
	payloadTransform   = 3
	payloadKeyExchange = 4
	payloadNonce       = 10
	payloadVendorID    = 13
)

// v1PayloadNames name the IKEv1 payload types as Suricata logs them.
var v1PayloadNames = map[uint8]string{
	0: "None", 1: "SecurityAssociation", 2: "Proposal", 3: "Transform", 4: "KeyExchange",
	5: "Identification", 6: "Certificate", 7: "CertificateRequest", 8: "Hash", 9: "Signature",
	10: "Nonce", 11: "Notification", 12: "Delete", 13: "VendorID", 15: "SaKekPayload",
	16: "SaTekPayload", 17: "KeyDownload", 18: "SequenceNumber", 19: "ProofOfPossession",
	20: "NatDiscovery", 21: "NatOriginalAddress", 22: "GroupAssociatedPolicy",
}

// Attribute is one SA attribute of an IKEv1 transform (RFC 2409
// appendix A). Numeric is set for the basic (TV) form and for 4-byte
// variable values; Hex holds other variable values.
type Attribute struct {
	Type uint16
	// Field is the attribute's 16-bit value or length field, which
	// Suricata names the value by.
	Field      uint16
	Value      uint32
	HasNumeric bool
	Hex        string
}

var errPayload = errors.New("ike: malformed payload")

// v1Message is what an IKEv1 message carries.
type v1Message struct {
	doi          uint32
	hasDOI       bool
	keyExchange  []byte
	nonce        []byte
	transforms   [][]Attribute
	vendorIDs    []string
	payloadTypes [256]bool
}

// payloads walks a chain of generic payload headers starting with type
// first, calling f for each body.
func payloads(b []byte, first uint8, f func(typ uint8, body []byte) error) error {
	typ := first
	for len(b) > 0 {
		if len(b) < 4 {
			return nil // trailing bytes that are no payload: left over
		}
		next := b[0]
		l := int(binary.BigEndian.Uint16(b[2:]))
		if l < 4 {
			l = 4
		}
		if l > len(b) {
			return nil // truncated: the payloads before it stand, as in Suricata
		}
		if err := f(typ, b[4:l]); err != nil {
			return err
		}
		b, typ = b[l:], next
	}
	return nil
}

// parse decodes one payload of type typ into m (recursing into SA and
// proposal payloads).
func (m *v1Message) parse(typ uint8, body []byte) error {
	m.payloadTypes[typ] = true
	switch typ {
	case payloadSA:
		if len(body) < 4 {
			return errPayload
		}
		m.doi, m.hasDOI = binary.BigEndian.Uint32(body), true
		if m.doi != 1 || len(body) < 8 {
			return nil
		}
		return payloads(body[8:], payloadProposal, m.parse)
	case payloadProposal:
		if len(body) < 4 {
			return errPayload
		}
		spi := int(body[2])
		if len(body) < 4+spi {
			return errPayload
		}
		return payloads(body[4+spi:], payloadTransform, m.parse)
	case payloadTransform:
		if len(body) < 4 {
			return nil
		}
		m.transforms = append(m.transforms, parseAttributes(body[4:]))
	case payloadKeyExchange:
		m.keyExchange = append([]byte(nil), body...)
	case payloadNonce:
		m.nonce = append([]byte(nil), body...)
	case payloadVendorID:
		m.vendorIDs = append(m.vendorIDs, hex.EncodeToString(body))
	}
	return nil
}

// parseAttributes decodes SA attributes until the data ends or an
// attribute is truncated.
func parseAttributes(b []byte) []Attribute {
	var out []Attribute
	for len(b) >= 4 {
		t := binary.BigEndian.Uint16(b)
		v := binary.BigEndian.Uint16(b[2:])
		b = b[4:]
		a := Attribute{Type: t & 0x7fff, Field: v}
		if t&0x8000 != 0 {
			a.Value, a.HasNumeric = uint32(v), true
		} else {
			if int(v) > len(b) {
				break
			}
			if v == 4 {
				a.Value, a.HasNumeric = binary.BigEndian.Uint32(b), true
			} else {
				a.Hex = hex.EncodeToString(b[:v])
			}
			b = b[v:]
		}
		out = append(out, a)
	}
	return out
}
