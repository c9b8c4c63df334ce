package quic

import (
	"vigil/engine/applayer"
	"vigil/engine/applayer/quic/header"
	"vigil/output/eve"
)

// extNames are the names Suricata's quic record gives TLS extensions
// (IANA TLS ExtensionType registry); unnamed types are logged by number.
var extNames = map[uint16]string{
	0: "server_name", 1: "max_fragment_length", 2: "client_certificate_url", 3: "trusted_ca_keys",
	4: "truncated_hmac", 5: "status_request", 6: "user_mapping", 7: "client_authz", 8: "server_authz",
	9: "cert_type", 10: "supported_groups", 11: "ec_point_formats", 12: "srp", 13: "signature_algorithms",
	14: "use_srtp", 15: "heartbeat", 16: "alpn", 17: "status_request_v2", 18: "signed_certificate_timestamp",
	19: "client_certificate_type", 20: "server_certificate_type", 21: "padding", 22: "encrypt_then_mac",
	23: "extended_master_secret", 24: "token_binding", 25: "cached_info", 26: "tls_lts",
	27: "compress_certificate", 28: "record_size_limit", 29: "pwd_protect", 30: "pwd_clear",
	31: "password_salt", 32: "ticket_pinning", 33: "tls_cert_with_extern_psk", 34: "delegated_credentials",
	35: "session_ticket", 36: "tlmsp", 37: "tlmsp_proxying", 38: "tlmsp_delegate",
	39: "supported_ekt_ciphers", 41: "pre_shared_key", 42: "early_data", 43: "supported_versions",
	44: "cookie", 45: "psk_key_exchange_modes", 47: "certificate_authorities", 48: "oid_filters",
	49: "post_handshake_auth", 50: "signature_algorithms_cert", 51: "key_share", 52: "transparency_info",
	53: "connection_id_deprecated", 54: "connection_id", 55: "external_id_hash", 56: "external_session_id",
	57: "quic_transport_parameters", 58: "ticket_request", 59: "dnssec_chain",
	13172: "next_protocol_negotiation", 65281: "renegotiation_info",
}

// PacketDirRecord marks the quic record as one written with the tuple of
// its packet, as Suricata does.
func (t *Tx) PacketDirRecord() {}

// FillEVE adds Suricata 8's "quic" object: version (the version's name,
// for packets that carry one), SNI and user agent, CYU fingerprints, JA3
// (client) or JA3S (server), JA4 and the hello's extensions with their
// logged values. Output path: allocates the object.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("quic")
	o.String("version", header.VersionString(t.Version))
	if t.SNI != nil {
		o.Bytes("sni", t.SNI)
	}
	if t.UA != nil {
		o.Bytes("ua", t.UA)
	}
	if len(t.Cyu) > 0 {
		o.OpenArray("cyu")
		for _, c := range t.Cyu {
			o.Open("")
			o.Bytes("hash", c.Hash)
			o.Bytes("string", c.String)
			o.Close()
		}
		o.Close()
	}
	if t.ja3 != nil {
		if t.dir == applayer.ToServer {
			o.Open("ja3")
		} else {
			o.Open("ja3s")
		}
		o.Bytes("hash", t.ja3Hash)
		o.Bytes("string", t.ja3)
		o.Close()
	}
	if t.ja4 != nil {
		o.Bytes("ja4", t.ja4)
	}
	if len(t.Extensions) > 0 {
		o.OpenArray("extensions")
		for _, e := range t.Extensions {
			o.Open("")
			if n, ok := extNames[e.Type]; ok {
				o.String("name", n)
			}
			o.Uint("type", uint64(e.Type))
			if len(e.Values) > 0 {
				o.OpenArray("values")
				for _, v := range e.Values {
					o.Bytes("", v)
				}
				o.Close()
			}
			o.Close()
		}
		o.Close()
	}
	return true
}
