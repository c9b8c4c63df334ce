package ike

import (
	"encoding/hex"
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// Attribute value names of IKEv1 (RFC 2409 appendix A) as Suricata's
// record writes them, by attribute type.
var (
	encValues  = []string{1: "EncDesCbc", 2: "EncIdeaCbc", 3: "EncBlowfishCbc", 4: "EncRc5R16B64Cbc", 5: "EncTripleDesCbc", 6: "EncCastCbc", 7: "EncAesCbc", 8: "EncCamelliaCbc"}
	hashValues = []string{1: "HashMd5", 2: "HashSha", 3: "HashTiger", 4: "HashSha2_256", 5: "HashSha2_384", 6: "HashSha2_512"}
	authValues = []string{1: "AuthPreSharedKey", 2: "AuthDssSignatures", 3: "AuthRsaSignatures", 4: "AuthEncryptionWithRsa",
		5: "AuthRevisedEncryptionWithRsa", 6: "AuthReserved", 7: "AuthReserved", 8: "AuthReserved",
		9: "AuthEcdsaSha256", 10: "AuthEcdsaSha384", 11: "AuthEcdsaSha512"}
	groupValues = []string{1: "GroupDefault768BitModp", 2: "GroupAlternate1024BitModpGroup", 3: "GroupEc2nOnGp2p155",
		4: "GroupEc2nOnGp2p185", 5: "GroupModp1536Bit", 6: "GroupEc2nOverGf2p163", 7: "GroupEc2nOverGf2p163",
		8: "GroupEc2nOverGf2p283", 9: "GroupEc2nOverGf2p283", 10: "GroupEc2nOverGf2p409", 11: "GroupEc2nOverGf2p409",
		12: "GroupEc2nOverGf2p571", 13: "GroupEc2nOverGf2p571", 14: "GroupModp2048Bit", 15: "GroupModp3072Bit",
		16: "GroupModp4096Bit", 17: "GroupModp6144Bit", 18: "GroupModp8192Bit", 19: "GroupRandomEcp256",
		20: "GroupRandomEcp384", 21: "GroupRandomEcp521", 22: "GroupModp1024With160BitPrime",
		23: "GroupModp2048With224BitPrime", 24: "GroupModp2048With256BitPrime", 25: "GroupRandomEcp192",
		26: "GroupRandomEcp224", 27: "GroupBrainpoolEcp224", 28: "GroupBrainpoolEcp256", 29: "GroupBrainpoolEcp384",
		30: "GroupBrainpoolEcp512"}
	lifeValues = []string{1: "LifeTypeSeconds", 2: "LifeTypeKilobytes"}
)

// valueName names an attribute's value ("Unknown" where Suricata has no
// name).
func valueName(a Attribute) string {
	var names []string
	switch a.Type {
	case 1:
		names = encValues
	case 2:
		names = hashValues
	case 3:
		names = authValues
	case 4:
		names = groupValues
	case 11:
		names = lifeValues
	}
	if int(a.Field) < len(names) && names[a.Field] != "" {
		return names[a.Field]
	}
	return "Unknown"
}

// loggedAttr lists the attributes the record carries: those of
// ../shared/eve/schema.json (Suricata 8 also writes the others, under
// names the schema does not allow).
func loggedAttr(t uint16) bool {
	switch t {
	case 1, 2, 3, 4, 11, 12, 14:
		return true
	}
	return false
}

// addAttributes writes a transform's attributes as name and name_raw
// pairs, the first of each type only.
func addAttributes(o *eve.Object, tr []Attribute) {
	var seen [17]bool
	for _, a := range tr {
		if a.Type > 16 || seen[a.Type] || !loggedAttr(a.Type) {
			continue
		}
		seen[a.Type] = true
		n := SAName(a.Type)
		o.String(n, valueName(a))
		if a.HasNumeric {
			o.Uint(n+"_raw", uint64(a.Value))
		}
	}
}

// PacketDirRecord marks the ike record as one written with the tuple of
// its packet, as Suricata does.
func (t *Tx) PacketDirRecord() {}

// FillEVE adds Suricata 8's "ike" object: header fields, the responder's
// chosen attributes (IKEv1) or algorithms (IKEv2 responder), the payload
// types, and the ikev1 (key exchange, nonce, proposals, vendor IDs) or
// ikev2 (errors, notify types) detail. Output path: allocates.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("ike")
	h := &t.Header
	o.Uint("version_major", uint64(h.Major))
	o.Uint("version_minor", uint64(h.Minor))
	o.Bytes("init_spi", t.spiI[:])
	o.Bytes("resp_spi", t.spiR[:])
	o.Uint("message_id", uint64(h.MsgID))
	o.Uint("exchange_type", uint64(h.ExchType))
	if t.Version == 1 {
		if t.Server.Transforms > 0 {
			addAttributes(o, t.Server.Transform)
		}
	} else if h.Flags&0x08 != 0 {
		o.String("role", "initiator")
	} else {
		o.String("role", "responder")
		o.String("alg_enc", name16(encNames, "IkeTransformEncType", t.V2Chosen.Enc))
		o.String("alg_auth", name16(authNames, "IkeTransformAuthType", t.V2Chosen.Auth))
		o.String("alg_dh", name16(dhNames, "IkeTransformDHType", t.V2Chosen.DH))
	}
	o.OpenArray("payload")
	for _, p := range t.PayloadTypes {
		m := v1PayloadNames
		if t.Version == 2 {
			m = v2PayloadNames
		}
		if n, ok := m[p]; ok {
			o.String("", n)
		} else if t.Version == 2 {
			o.String("", "IkePayloadType("+strconv.Itoa(int(p))+")")
		}
	}
	o.Close()
	if t.Version == 2 {
		o.Open("ikev2")
		o.Uint("errors", uint64(t.Errors))
		if len(t.Notify) > 0 {
			o.OpenArray("notify")
			for _, n := range t.Notify {
				o.String("", name16(notifyNames, "NotifyType", n))
			}
			o.Close()
		}
		o.Close()
		return true
	}
	o.Open("ikev1")
	if t.HasDOI {
		o.Uint("doi", uint64(t.DOI))
	}
	o.Bool("encrypted_payloads", t.Encrypted)
	if !t.Encrypted {
		o.Open("client")
		side(o, &t.Client)
		if t.dir == applayer.ToServer && len(t.Transforms) > 0 {
			o.OpenArray("proposals")
			for _, tr := range t.Transforms {
				o.Open("")
				addAttributes(o, tr)
				o.Close()
			}
			o.Close()
		}
		o.Close()
		if len(t.Server.KeyExchange) > 0 || len(t.Server.Nonce) > 0 {
			o.Open("server")
			side(o, &t.Server)
			o.Close()
		}
		if len(t.VendorIDs) > 0 {
			o.OpenArray("vendor_ids")
			for _, v := range t.VendorIDs {
				o.String("", v)
			}
			o.Close()
		}
	}
	o.Close()
	return true
}

func side(o *eve.Object, s *Side) {
	if len(s.KeyExchange) > 0 {
		o.String("key_exchange_payload", hex.EncodeToString(s.KeyExchange))
		o.Uint("key_exchange_payload_length", uint64(len(s.KeyExchange)))
	}
	if len(s.Nonce) > 0 {
		o.String("nonce_payload", hex.EncodeToString(s.Nonce))
		o.Uint("nonce_payload_length", uint64(len(s.Nonce)))
	}
}
