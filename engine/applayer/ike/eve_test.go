package ike

import (
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks ike objects against the schema and the records
// Suricata writes for the same messages.
func TestFillEVE(t *testing.T) {
	p := mainMode(t)
	v2 := New()
	v2.ParseDatagram(applayer.ToServer, ikev2SAInit(false))
	v2.ParseDatagram(applayer.ToClient, ikev2SAInit(true))
	chosen := map[string]any{"alg_enc": "EncAesCbc", "alg_enc_raw": 7, "alg_hash": "HashSha", "alg_hash_raw": 2,
		"alg_auth": "AuthPreSharedKey", "alg_auth_raw": 1, "alg_dh": "GroupAlternate1024BitModpGroup", "alg_dh_raw": 2,
		"sa_life_type": "LifeTypeSeconds", "sa_life_type_raw": 1, "sa_life_duration": "Unknown",
		"sa_life_duration_raw": 86400, "sa_key_length": "Unknown", "sa_key_length_raw": 128}
	for _, c := range []struct {
		name string
		tx   *Tx
		want map[string]any
	}{
		{"v1 first", p.Tx(0), map[string]any{"version_major": 1, "version_minor": 0, "init_spi": "e47a591fd057587f",
			"resp_spi": "0000000000000000", "message_id": 0, "exchange_type": 2, "alg_enc": nil,
			"payload": []string{"SecurityAssociation", "Proposal", "Transform", "VendorID"},
			"ikev1": map[string]any{"doi": 1, "encrypted_payloads": false, "client": map[string]any{"proposals": []any{chosen}},
				"vendor_ids": []string{"4a131c81070358455c5728f20e95452f", "439b59f8ba676c4c7737ae22eab8f582",
					"7d9419a65310ca6f2c179d9215529d56", "90cb80913ebb696e086381b5ec427b1f"}}}},
		{"v1 response", p.Tx(1), map[string]any{"alg_enc": "EncAesCbc", "sa_life_duration_raw": 86400,
			"ikev1": map[string]any{"doi": 1, "encrypted_payloads": false, "client": map[string]any{},
				"vendor_ids": []string{"4a131c81070358455c5728f20e95452f"}}}},
		{"v1 encrypted", p.Tx(4), map[string]any{"payload": []string{"Identification"},
			"ikev1": map[string]any{"doi": 1, "encrypted_payloads": true}}},
		{"v2 request", v2.Tx(0), map[string]any{"version_major": 2, "exchange_type": 34, "role": "initiator", "alg_enc": nil,
			"payload": []string{"KeyExchange", "Nonce", "Notify", "NoNextPayload"},
			"ikev2":   map[string]any{"errors": 0, "notify": []string{"NAT_DETECTION_SOURCE_IP"}}}},
		{"v2 response", v2.Tx(1), map[string]any{"role": "responder", "alg_enc": "ENCR_AES_CBC",
			"alg_auth": "AUTH_HMAC_SHA1_96", "alg_dh": "Modp2048"}},
	} {
		got := evetest.FillObject(t, eve.EventIKE, "ike", func(r *eve.Record) bool {
			return c.tx.FillEVE(r, c.tx.Dir())
		})
		evetest.Diff(t, c.name, got, c.want)
	}
}
