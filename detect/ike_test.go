package detect

import (
	"encoding/binary"
	"testing"

	"vigil/ruleparser"
)

// TestChosenSA: ike.chosen_sa_attribute accepts every attribute name of
// Suricata 8.0 with "=" and a decimal value (spaces allowed around),
// refuses other forms, and matches the first attribute of its type only.
func TestChosenSA(t *testing.T) {
	for _, arg := range []string{"alg_enc=7", "alg_hash=2", "alg_auth=1", "alg_dh=2", "sa_group_type=1",
		"sa_life_type=1", "sa_life_duration=86400", "alg_prf=2", "sa_key_length=128", "sa_field_size=0",
		" alg_enc = 7 "} {
		if _, err := parseChosenSA(arg); err != nil {
			t.Errorf("%q: %v", arg, err)
		}
	}
	for _, arg := range []string{"alg_enc", "alg_enc=", "alg_enc>7", "alg_esn=1", "sa_group_order=1", "alg_enc=x",
		"alg_enc=4294967296", "=7"} {
		if _, err := parseChosenSA(arg); err == nil {
			t.Errorf("%q accepted", arg)
		}
	}
	rec := func(typ uint16, v uint32) []byte {
		b := binary.BigEndian.AppendUint16(nil, typ)
		return binary.BigEndian.AppendUint32(b, v)
	}
	buf := append(append(rec(1, 7), rec(2, 2)...), rec(2, 5)...)
	for _, c := range []struct {
		arg  string
		want bool
	}{{"alg_enc=7", true}, {"alg_enc=8", false}, {"alg_hash=2", true}, {"alg_hash=5", false}, {"alg_dh=2", false}} {
		it, err := parseChosenSA(c.arg)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, got := it.find(nil, buf, 0, 0); got != c.want {
			t.Errorf("%s: %v", c.arg, got)
		}
	}
}

// TestIKEExchTypeRange: ike.exchtype is an unsigned 8-bit comparison.
func TestIKEExchTypeRange(t *testing.T) {
	for text, loads := range map[string]bool{
		`alert ike any any -> any any (ike.exchtype:2; sid:1;)`:      true,
		`alert ike any any -> any any (ike.exchtype:>=34; sid:1;)`:   true,
		`alert ike any any -> any any (ike.exchtype:32<>40; sid:1;)`: true,
		`alert ike any any -> any any (ike.exchtype:!5; sid:1;)`:     true,
		`alert ike any any -> any any (ike.exchtype:256; sid:1;)`:    false,
	} {
		rep := compileSample(t, ruleparser.DialectSuricata, text)
		if (rep.Loaded == 1) != loads {
			t.Errorf("%s: loaded %d", text, rep.Loaded)
		}
	}
}
