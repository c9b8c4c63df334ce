package ike

import (
	"vigil/engine/applayer/ike/isakmp"

	"encoding/binary"
	"strconv"

	"vigil/engine/applayer"
)

// IKEv2 payload and transform types (RFC 7296 section 3.2, 3.3.2).
const (
	v2PayloadSA        = 33
	v2PayloadNotify    = 41
	v2PayloadEncrypted = 46

	v2TransEncr  = 1
	v2TransPRF   = 2
	v2TransInteg = 3
	v2TransDH    = 4
	v2TransESN   = 5
)

// V2Transform is one transform of a responder's SA payload.
type V2Transform struct {
	Type uint8
	ID   uint16
}

// V2Chosen are the algorithms a responder chose in the flow so far.
type V2Chosen struct {
	Enc, Auth, PRF, DH, ESN uint16
}

// v2 fills t from an IKEv2 message: payload types, the responder's
// transforms, notify types. The payload chain ends at an Encrypted
// payload.
func (p *Parser) v2(t *Tx, h isakmp.Header, body []byte) {
	typ := h.NextPayload
	for len(body) >= 4 && typ != 0 {
		next := body[0]
		l := int(binary.BigEndian.Uint16(body[2:]))
		if l < 4 || l > len(body) {
			break
		}
		data := body[4:l]
		t.PayloadTypes = append(t.PayloadTypes, next)
		switch typ {
		case v2PayloadSA:
			p.v2Proposals(t, data)
		case v2PayloadNotify:
			if len(data) >= 4 {
				n := binary.BigEndian.Uint16(data[2:])
				if n < 16384 {
					t.Errors++
				}
				t.Notify = append(t.Notify, n)
			}
		}
		if typ == v2PayloadEncrypted {
			break
		}
		body, typ = body[l:], next
	}
	t.V2Chosen = p.chosen
	for _, x := range t.V2Transforms {
		if a := v2SAType(x.Type); a != 0 {
			t.sa = appendSA(t.sa, a, uint32(x.ID))
		}
	}
}

// v2SAType maps an IKEv2 transform type to the attribute type
// ike.chosen_sa_attribute names it by (0: none).
func v2SAType(t uint8) uint16 {
	switch t {
	case v2TransEncr:
		return 1 // alg_enc
	case v2TransInteg:
		return 3 // alg_auth
	case v2TransDH:
		return 4 // alg_dh
	case v2TransPRF:
		return 13 // alg_prf
	}
	return 0
}

// v2Proposals reads the proposals of an SA payload; the responder's
// transforms are the chosen ones.
func (p *Parser) v2Proposals(t *Tx, b []byte) {
	for len(b) >= 8 {
		l := int(binary.BigEndian.Uint16(b[2:]))
		if l < 8 || l > len(b) {
			return
		}
		prop := b[8:l]
		spi := int(b[6])
		if spi > len(prop) {
			return
		}
		prop = prop[spi:]
		for len(prop) >= 8 {
			tl := int(binary.BigEndian.Uint16(prop[2:]))
			if tl < 8 || tl > len(prop) {
				break
			}
			x := V2Transform{Type: prop[4], ID: binary.BigEndian.Uint16(prop[6:])}
			if t.dir == applayer.ToClient {
				t.V2Transforms = append(t.V2Transforms, x)
				switch x.Type {
				case v2TransEncr:
					p.chosen.Enc = x.ID
				case v2TransInteg:
					p.chosen.Auth = x.ID
				case v2TransPRF:
					p.chosen.PRF = x.ID
				case v2TransDH:
					p.chosen.DH = x.ID
				case v2TransESN:
					p.chosen.ESN = x.ID
				}
			}
			prop = prop[tl:]
		}
		b = b[l:]
	}
}

// Names of IKEv2 values as Suricata's record writes them (the IANA
// registry names of the ipsec-parser crate); unknown values are written
// as the type name and the number.
var (
	v2PayloadNames = map[uint8]string{0: "NoNextPayload", 33: "SecurityAssociation", 34: "KeyExchange",
		35: "IdentInitiator", 36: "IdentResponder", 37: "Certificate", 38: "CertificateRequest",
		39: "Authentication", 40: "Nonce", 41: "Notify", 42: "Delete", 43: "VendorID",
		44: "TrafficSelectorInitiator", 45: "TrafficSelectorResponder", 46: "EncryptedAndAuthenticated",
		47: "Configuration", 48: "ExtensibleAuthentication"}
	encNames = map[uint16]string{0: "ENCR_NULL", 1: "ENCR_DES_IV64", 2: "ENCR_DES", 3: "ENCR_3DES", 4: "ENCR_RC5",
		5: "ENCR_IDEA", 6: "ENCR_CAST", 7: "ENCR_BLOWFISH", 8: "ENCR_3IDEA", 9: "ENCR_DES_IV32", 11: "ENCR_NULL",
		12: "ENCR_AES_CBC", 13: "ENCR_AES_CTR", 14: "ENCR_AES_CCM_8", 15: "ENCR_AES_CCM_12", 16: "ENCR_AES_CCM_16",
		18: "ENCR_AES_GCM_8", 19: "ENCR_AES_GCM_12", 20: "ENCR_AES_GCM_16", 21: "ENCR_NULL_AUTH_AES_GMAC",
		23: "ENCR_CAMELLIA_CBC", 24: "ENCR_CAMELLIA_CTR", 25: "ENCR_CAMELLIA_CCM_8", 26: "ENCR_CAMELLIA_CCM_12",
		27: "ENCR_CAMELLIA_CCM_16", 28: "ENCR_CHACHA20_POLY1305"}
	authNames = map[uint16]string{0: "NONE", 1: "AUTH_HMAC_MD5_96", 2: "AUTH_HMAC_SHA1_96", 3: "AUTH_DES_MAC",
		4: "AUTH_KPDK_MD5", 5: "AUTH_AES_XCBC_96", 6: "AUTH_HMAC_MD5_128", 7: "AUTH_HMAC_SHA1_160",
		8: "AUTH_AES_CMAC_96", 9: "AUTH_AES_128_GMAC", 10: "AUTH_AES_192_GMAC", 11: "AUTH_AES_256_GMAC",
		12: "AUTH_HMAC_SHA2_256_128", 13: "AUTH_HMAC_SHA2_384_192", 14: "AUTH_HMAC_SHA2_512_256"}
	prfNames = map[uint16]string{0: "PRF_NULL", 1: "PRF_HMAC_MD5", 2: "PRF_HMAC_SHA1", 3: "PRF_HMAC_TIGER",
		4: "PRF_AES128_XCBC", 5: "PRF_HMAC_SHA2_256", 6: "PRF_HMAC_SHA2_384", 7: "PRF_HMAC_SHA2_512",
		8: "PRF_AES128_CMAC"}
	dhNames = map[uint16]string{0: "None", 1: "Modp768", 2: "Modp1024", 5: "Modp1536", 14: "Modp2048",
		15: "Modp3072", 16: "Modp4096", 17: "Modp6144", 18: "Modp8192", 19: "Ecp256", 20: "Ecp384", 21: "Ecp521",
		22: "Modp1024s160", 23: "Modp2048s224", 24: "Modp2048s256", 25: "Ecp192", 26: "Ecp224",
		27: "BrainpoolP224r1", 28: "BrainpoolP256r1", 29: "BrainpoolP384r1", 30: "BrainpoolP512r1",
		31: "Curve25519", 32: "Curve448"}
	esnNames    = map[uint16]string{0: "NoESN", 1: "ESN"}
	notifyNames = map[uint16]string{1: "UNSUPPORTED_CRITICAL_PAYLOAD", 4: "INVALID_IKE_SPI",
		5: "INVALID_MAJOR_VERSION", 7: "INVALID_SYNTAX", 9: "INVALID_MESSAGE_ID", 11: "INVALID_SPI",
		14: "NO_PROPOSAL_CHOSEN", 17: "INVALID_KE_PAYLOAD", 24: "AUTHENTICATION_FAILED",
		34: "SINGLE_PAIR_REQUIRED", 35: "NO_ADDITIONAL_SAS", 36: "INTERNAL_ADDRESS_FAILURE",
		37: "FAILED_CP_REQUIRED", 38: "TS_UNACCEPTABLE", 39: "INVALID_SELECTORS", 43: "TEMPORARY_FAILURE",
		44: "CHILD_SA_NOT_FOUND", 16384: "INITIAL_CONTACT", 16385: "SET_WINDOW_SIZE",
		16386: "ADDITIONAL_TS_POSSIBLE", 16387: "IPCOMP_SUPPORTED", 16388: "NAT_DETECTION_SOURCE_IP",
		16389: "NAT_DETECTION_DESTINATION_IP", 16390: "COOKIE", 16391: "USE_TRANSPORT_MODE",
		16392: "HTTP_CERT_LOOKUP_SUPPORTED", 16393: "REKEY_SA", 16394: "ESP_TFC_PADDING_NOT_SUPPORTED",
		16395: "NON_FIRST_FRAGMENTS_ALSO", 16404: "MULTIPLE_AUTH_SUPPORTED", 16405: "ANOTHER_AUTH_FOLLOWS",
		16406: "REDIRECT_SUPPORTED", 16430: "IKEV2_FRAGMENTATION_SUPPORTED", 16431: "SIGNATURE_HASH_ALGORITHMS"}
)

func name16(m map[uint16]string, typ string, v uint16) string {
	if n, ok := m[v]; ok {
		return n
	}
	return typ + "(" + strconv.Itoa(int(v)) + ")"
}
