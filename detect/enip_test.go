package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

func TestENIPKeywords(t *testing.T) {
	// A Multiple Service Packet (class 2) embedding Get Attributes
	// Single on class 0xf5 attribute 5 and Get Attribute List on class 1
	// listing attribute 7.
	multi := "\x0a\x01\x00\x00\x00\x02\x00" + "\x0e\x01\x00\x00\x00\xf5\x01\x00\x00\x00\x05" + "\x03\x01\x00\x00\x00\x01\x01\x00\x00\x00\x07"
	tx := mapTx{
		bufid.ENIPCommand: {"\x00\x70"}, bufid.ENIPStatus: {"\x00\x00\x00\x01"}, bufid.ENIPProtocolVersion: {"\x00\x01"},
		bufid.ENIPCIPService: {multi}, bufid.ENIPCIPClass: {"\x01\x00\x00\x00\x02\x01\x00\x00\x00\xf5"},
		bufid.ENIPCIPInstance: {"\x01\x00\x00\x00\x01"}, bufid.ENIPCIPAttribute: {"\x01\x00\x00\x00\x05\x01\x00\x00\x00\x07"},
		bufid.ENIPCIPStatus: {"\x01\x1e\x01\x00"}, bufid.ENIPCIPExtStatus: {"\x01\x01\x05"},
	}
	ident := mapTx{bufid.ENIPVendorID: {"\x00\x01"}, bufid.ENIPDeviceType: {"\x00\x0e"}, bufid.ENIPProductCode: {"\x00\x36"},
		bufid.ENIPRevision: {"\x14\x0b"}, bufid.ENIPIdentityStatus: {"\x00\x30"}, bufid.ENIPSerial: {"\x12\x34\x56\x78"},
		bufid.ENIPState: {"\x03"}, bufid.ENIPProductName: {"1756-L61/B LOGIX5561"}, bufid.ENIPCapabilities: {"\x01\x20"},
		bufid.ENIPServiceName: {"Communications"}}
	single := mapTx{bufid.ENIPCIPService: {"\x0e\x01\x00\x00\x00\xf5\x01\x00\x00\x00\x05"}}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"command number", `enip_command:112;`, tx, true},
		{"command name", `enip_command:send_unit_data;`, tx, true},
		{"command name case", `enip_command:SEND_UNIT_DATA;`, tx, true},
		{"command other", `enip_command:99;`, tx, false},
		{"command range", `enip_command:100-120;`, tx, true},
		{"status name", `enip.status:invalid_cmd;`, tx, true},
		{"status compare", `enip.status:>106;`, tx, false},
		{"protocol version", `enip.protocol_version:1;`, tx, true},
		{"service top", `cip_service:10;`, tx, true},
		{"service embedded", `cip_service:14;`, tx, true},
		{"service class", `cip_service:14,245;`, tx, true},
		{"service class other", `cip_service:14,1;`, tx, false},
		{"service attribute", `cip_service:14,245,5;`, tx, true},
		{"service attribute other", `cip_service:14,245,6;`, tx, false},
		{"service negated attribute ignored", `cip_service:14,245,!5;`, tx, true},
		{"service listed attribute", `cip_service:3,1,7;`, tx, true},
		{"service top only when top matches", `cip_service:14,245,6;`, single, false},
		{"service single", `cip_service:14;`, single, true},
		{"service embedded needs multiple", `cip_service:3;`, single, false},
		{"cip class", `enip.cip_class:245;`, tx, true},
		{"cip class compare", `enip.cip_class:>300;`, tx, false},
		{"cip instance", `enip.cip_instance:1;`, tx, true},
		{"cip attribute listed", `enip.cip_attribute:7;`, tx, true},
		{"cip attribute range", `enip.cip_attribute:8-20;`, tx, false},
		{"cip status embedded", `enip.cip_status:0;`, tx, true},
		{"cip status", `enip.cip_status:>30;`, tx, false},
		{"cip extended status other", `enip.cip_extendedstatus:262;`, tx, false},
		{"cip extended status decimal", `enip.cip_extendedstatus:261;`, tx, true},
		{"vendor", `enip.vendor_id:1;`, ident, true},
		{"device type", `enip.device_type:<20;`, ident, true},
		{"product code", `enip.product_code:54;`, ident, true},
		{"revision", `enip.revision:5131;`, ident, true},
		{"identity status", `enip.identity_status:48;`, ident, true},
		{"serial", `enip.serial:305419896;`, ident, true},
		{"state", `enip.state:>3;`, ident, false},
		{"capabilities", `enip.capabilities:288;`, ident, true},
		{"product name", `enip.product_name; content:"LOGIX";`, ident, true},
		{"service name", `enip.service_name; content:"Communications";`, ident, true},
		{"identity absent", `enip.vendor_id:!1;`, tx, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := txFires(t, ruleparser.DialectSuricata, `alert enip any any -> any any (`+tc.opts+` sid:1;)`, "enip", true, tc.tx); got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`cip_service:128;`, `cip_service:1,2,3,4;`, `cip_service:x;`, `enip_command:bogus;`,
		`enip_command:65536;`, `enip.state:256;`, `enip.status:nope;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert enip any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}
