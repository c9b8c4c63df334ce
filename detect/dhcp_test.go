package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

func TestDHCPKeywords(t *testing.T) {
	ack := mapTx{bufid.DHCPLeaseTime: {"\x00\x00\x0e\x10"}, bufid.DHCPRenewalTime: {"\x00\x00\x07\x08"},
		bufid.DHCPRebindingTime: {"\x00\x00\x0c\x4e"}}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"leasetime eq", `dhcp.leasetime:3600;`, ack, true},
		{"leasetime ne", `dhcp.leasetime:!3600;`, ack, false},
		{"leasetime gt", `dhcp.leasetime:>3000;`, ack, true},
		{"leasetime lt", `dhcp.leasetime:<3000;`, ack, false},
		{"leasetime ge", `dhcp.leasetime:>=3600;`, ack, true},
		{"leasetime le", `dhcp.leasetime:<=3599;`, ack, false},
		{"leasetime range", `dhcp.leasetime:3000-4000;`, ack, true},
		{"leasetime range exclusive", `dhcp.leasetime:3600-4000;`, ack, false},
		{"leasetime absent", `dhcp.leasetime:>0;`, mapTx{}, false},
		{"renewal eq", `dhcp.renewal_time:1800;`, ack, true},
		{"renewal gt", `dhcp.renewal_time:>1800;`, ack, false},
		{"rebinding eq", `dhcp.rebinding_time:3150;`, ack, true},
		{"rebinding lt", `dhcp.rebinding_time:<3150;`, ack, false},
		{"rebinding range", `dhcp.rebinding_time:3000<>3200;`, ack, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := txFires(t, ruleparser.DialectSuricata, `alert dhcp any any -> any any (`+tc.opts+` sid:1;)`, "dhcp", true, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`dhcp.leasetime:x;`, `dhcp.renewal_time:4294967296;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert dhcp any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}
