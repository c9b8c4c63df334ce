package ldap

import (
	"os"
	"testing"

	"vigil/engine/applayer"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestFillEVE checks the ldap object of each operation against the
// schema and Suricata 8's field names and values.
func TestFillEVE(t *testing.T) {
	p := New()
	p.Parse(applayer.ToClient, notice)
	p.Parse(applayer.ToServer, cat(bindSASL, searchReq, modifyReq, addReq, delReq, modDNReq, compareReq, extReq, abandonReq))
	p.Parse(applayer.ToClient, cat(bindRespErr, entry1, searchDone, extResp))
	want := []map[string]any{
		{"request": nil, "responses": []any{map[string]any{"operation": "extended_response", "message_id": 0,
			"extended_response": map[string]any{"result_code": "unavailable", "matched_dn": "", "message": "going down",
				"name": "1.3.6.1.4.1.1466.20036"}}}},
		{"request": map[string]any{"message_id": 2, "operation": "bind_request",
			"bind_request": map[string]any{"version": 3, "name": "", "sasl": map[string]any{"mechanism": "GSS-SPNEGO", "credentials": "0102"}}},
			"responses": []any{map[string]any{"operation": "bind_response", "bind_response": map[string]any{
				"result_code": "invalid_credentials", "matched_dn": "", "message": "invalid credentials", "server_sasl_creds": "ab"}}}},
		{"request": map[string]any{"message_id": 3, "operation": "search_request", "search_request": map[string]any{
			"base_object": "dc=example,dc=com", "scope": 2, "deref_alias": 0, "size_limit": 0, "time_limit": 30,
			"types_only": false, "attributes": []any{"cn", "objectClass"}}},
			"responses": []any{
				map[string]any{"operation": "search_result_entry", "search_result_entry": map[string]any{
					"base_object": "cn=a,dc=example,dc=com", "attributes": []any{
						map[string]any{"type": "cn", "values": []any{"a"}},
						map[string]any{"type": "objectClass", "values": []any{"top", "person"}}}}},
				map[string]any{"operation": "search_result_done", "search_result_done": map[string]any{
					"result_code": "size_limit_exceeded", "matched_dn": "dc=example,dc=com", "message": "Size limit exceeded"}}}},
		{"request": map[string]any{"message_id": 4, "operation": "modify_request", "modify_request": map[string]any{
			"object": "cn=a,dc=example,dc=com", "changes": []any{map[string]any{"operation": "replace",
				"modification": map[string]any{"attribute_type": "mail", "attribute_values": []any{"a@example.com"}}}}}}},
		{"request": map[string]any{"message_id": 5, "operation": "add_request", "add_request": map[string]any{
			"entry": "cn=c,dc=example,dc=com", "attributes": []any{map[string]any{"name": "objectClass", "values": []any{"person"}}}}}},
		{"request": map[string]any{"message_id": 6, "operation": "del_request", "del_request": map[string]any{"dn": "cn=c,dc=example,dc=com"}}},
		{"request": map[string]any{"message_id": 7, "operation": "mod_dn_request", "mod_dn_request": map[string]any{
			"entry": "cn=a,dc=example,dc=com", "new_rdn": "cn=z", "delete_old_rdn": true, "new_superior": "ou=x"}}},
		{"request": map[string]any{"message_id": 8, "operation": "compare_request", "compare_request": map[string]any{
			"entry": "cn=a,dc=example,dc=com", "attribute_value_assertion": map[string]any{"description": "sn", "value": "Doe"}}}},
		{"request": map[string]any{"message_id": 10, "operation": "extended_request", "extended_request": map[string]any{
			"name": "1.3.6.1.4.1.1466.20037"}},
			"responses": []any{map[string]any{"operation": "extended_response", "extended_response": map[string]any{
				"result_code": "success", "matched_dn": "", "message": "", "name": "1.3.6.1.4.1.1466.20037"}}}},
		{"request": map[string]any{"message_id": 9, "operation": "abandon_request", "abandon_request": map[string]any{"message_id": 3}}},
	}
	if p.TxCount() != len(want) {
		t.Fatalf("%d transactions; want %d", p.TxCount(), len(want))
	}
	for i, w := range want {
		got := evetest.FillObject(t, eve.EventLDAP, "ldap", func(r *eve.Record) bool {
			return p.Tx(i).FillEVE(r, applayer.ToServer)
		})
		evetest.Diff(t, "tx "+string(rune('0'+i)), got, w)
	}
}

// TestCaptured parses a search of a Windows client (Malcolm's KRB5
// sample) and checks its record against the schema.
func TestCaptured(t *testing.T) {
	req, err := os.ReadFile("testdata/search-request.tcp")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := os.ReadFile("testdata/search-response.tcp")
	if err != nil {
		t.Fatal(err)
	}
	p := New()
	p.Parse(applayer.ToServer, req)
	p.Parse(applayer.ToClient, resp)
	if p.TxCount() != 1 || p.Malformed != 0 {
		t.Fatalf("%d transactions, %d malformed", p.TxCount(), p.Malformed)
	}
	tx := p.Tx(0)
	if tx.Request.Op != OpSearchRequest || len(tx.Request.Names) != 15 || len(tx.Responses) != 2 || !tx.Complete(applayer.ToClient) {
		t.Errorf("op %d, %d attributes, %d responses", tx.Request.Op, len(tx.Request.Names), len(tx.Responses))
	}
	evetest.FillObject(t, eve.EventLDAP, "ldap", func(r *eve.Record) bool { return tx.FillEVE(r, applayer.ToClient) })
}
