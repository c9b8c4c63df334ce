package detect

import (
	"encoding/binary"
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
	"vigil/ruleparser"
)

// ldapOpsBuf is a responses operation list.
func ldapOpsBuf(ops ...byte) string {
	var b []byte
	for _, o := range ops {
		b = append(b, 1, o)
	}
	return string(b)
}

// ldapCodesBuf is a responses result code list; a negative code is a
// response without one.
func ldapCodesBuf(codes ...int) string {
	var b []byte
	for _, c := range codes {
		if c < 0 {
			b = append(b, 0, 0, 0, 0, 0)
			continue
		}
		b = binary.BigEndian.AppendUint32(append(b, 1), uint32(c))
	}
	return string(b)
}

func TestLDAPKeywords(t *testing.T) {
	search := mapTx{bufid.LDAPResponsesOperation: {ldapOpsBuf(4, 4, 5)}, bufid.LDAPResponsesResultCode: {ldapCodesBuf(-1, -1, 0)},
		bufid.LDAPResponsesCount: {u32s(3)}}
	for _, tc := range []struct {
		name, opts string
		tx         mapTx
		want       bool
	}{
		{"request op number", `ldap.request.operation:0;`, mapTx{bufid.LDAPRequestOperation: {"\x00"}}, true},
		{"request op name", `ldap.request.operation:bind_request;`, mapTx{bufid.LDAPRequestOperation: {"\x00"}}, true},
		{"request op name case", `ldap.request.operation:Bind_Request;`, mapTx{bufid.LDAPRequestOperation: {"\x00"}}, true},
		{"request op name other", `ldap.request.operation:search_request;`, mapTx{bufid.LDAPRequestOperation: {"\x00"}}, false},
		{"request op negated name", `ldap.request.operation:!search_request;`, mapTx{bufid.LDAPRequestOperation: {"\x00"}}, true},
		{"request op range", `ldap.request.operation:2-4;`, mapTx{bufid.LDAPRequestOperation: {"\x03"}}, true},
		{"request op none", `ldap.request.operation:!3;`, mapTx{bufid.LDAPResponsesCount: {u32s(1)}}, false},
		{"responses op default any", `ldap.responses.operation:search_result_done;`, search, true},
		{"responses op number", `ldap.responses.operation:4;`, search, true},
		{"responses op any", `ldap.responses.operation:bind_response,any;`, search, false},
		{"responses op index", `ldap.responses.operation:search_result_done,2;`, search, true},
		{"responses op index other", `ldap.responses.operation:search_result_done,1;`, search, false},
		{"responses op index past end", `ldap.responses.operation:search_result_entry,3;`, search, false},
		{"responses op all", `ldap.responses.operation:search_result_entry,all;`, search, false},
		{"responses op all match", `ldap.responses.operation:<6,all;`, search, true},
		{"responses op last", `ldap.responses.operation:search_result_done,-1;`, search, true},
		{"responses op back", `ldap.responses.operation:search_result_entry,-3;`, search, true},
		{"responses op back past start", `ldap.responses.operation:search_result_entry,-4;`, search, false},
		{"responses count", `ldap.responses.count:3;`, search, true},
		{"responses count less", `ldap.responses.count:<3;`, search, false},
		{"responses count ge", `ldap.responses.count:>=2;`, search, true},
		{"responses count zero", `ldap.responses.count:0;`, mapTx{bufid.LDAPResponsesCount: {u32s(0)}}, true},
		{"result code number", `ldap.responses.result_code:0;`, search, true},
		{"result code name any", `ldap.responses.result_code:success,any;`, search, true},
		{"result code index without code", `ldap.responses.result_code:0,0;`, search, false},
		{"result code last", `ldap.responses.result_code:success,-1;`, search, true},
		{"result code all skips absent", `ldap.responses.result_code:success,all;`, search, true},
		{"result code name case", `ldap.responses.result_code:SUCCESS,-1;`, search, true},
		{"result code all fails", `ldap.responses.result_code:unavailable,all;`, search, false},
		{"result code name", `ldap.responses.result_code:unavailable,1;`, mapTx{bufid.LDAPResponsesResultCode: {ldapCodesBuf(0, 52)}}, true},
		{"result code range", `ldap.responses.result_code:48-54;`, mapTx{bufid.LDAPResponsesResultCode: {ldapCodesBuf(49)}}, true},
		{"request dn", `ldap.request.dn; content:"dc=example,dc=com";`, mapTx{bufid.LDAPRequestDN: {"uid=jdoe,dc=example,dc=com"}}, true},
		{"request dn case", `ldap.request.dn; content:"DC=example";`, mapTx{bufid.LDAPRequestDN: {"uid=jdoe,dc=example,dc=com"}}, false},
		{"responses dn second", `ldap.responses.dn; content:"dc=example";`, mapTx{bufid.LDAPResponsesDN: {"", "dc=example,dc=com"}}, true},
		{"responses message", `ldap.responses.message; content:"Size limit exceeded";`, mapTx{bufid.LDAPResponsesMessage: {"", "Size limit exceeded"}}, true},
		{"request attribute type", `ldap.request.attribute_type; content:"objectClass";`, mapTx{bufid.LDAPRequestAttributeType: {"cn", "objectClass"}}, true},
		{"responses attribute type", `ldap.responses.attribute_type; content:"dc"; endswith;`, mapTx{bufid.LDAPResponsesAttributeType: {"objectClass", "dc"}}, true},
		{"op and dn", `ldap.request.operation:search_request; ldap.request.dn; content:"dc=example";`,
			mapTx{bufid.LDAPRequestOperation: {"\x03"}, bufid.LDAPRequestDN: {"dc=example,dc=com"}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rule := `alert ldap any any -> any any (` + tc.opts + ` sid:1;)`
			// Either direction's packet may carry the transaction's buffers.
			got := txFires(t, ruleparser.DialectSuricata, rule, "ldap", true, tc.tx) ||
				txFires(t, ruleparser.DialectSuricata, rule, "ldap", false, tc.tx)
			if got != tc.want {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	for _, bad := range []string{`ldap.request.operation:bogus;`, `ldap.request.operation:256;`,
		`ldap.responses.operation:bind_response,first;`, `ldap.responses.result_code:nope;`} {
		if _, rep := compileText(t, mpm.Reference{}, `alert ldap any any -> any any (`+bad+` sid:1;)`); rep.Loaded != 0 {
			t.Errorf("%s: loaded", bad)
		}
	}
}
