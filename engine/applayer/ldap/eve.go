package ldap

import (
	"encoding/hex"
	"strconv"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
	"vigil/output/eve"
)

// opNames are the operation names of Suricata's ldap record (the names
// ldap.request.operation and ldap.responses.operation accept).
var opNames = [32]string{
	OpBindRequest: "bind_request", OpBindResponse: "bind_response", OpUnbindRequest: "unbind_request",
	OpSearchRequest: "search_request", OpSearchResultEntry: "search_result_entry",
	OpSearchResultDone: "search_result_done", OpModifyRequest: "modify_request",
	OpModifyResponse: "modify_response", OpAddRequest: "add_request", OpAddResponse: "add_response",
	OpDelRequest: "del_request", OpDelResponse: "del_response", OpModDNRequest: "mod_dn_request",
	OpModDNResponse: "mod_dn_response", OpCompareRequest: "compare_request",
	OpCompareResponse: "compare_response", OpAbandonRequest: "abandon_request",
	OpSearchResultReference: "search_result_reference", OpExtendedRequest: "extended_request",
	OpExtendedResponse: "extended_response", OpIntermediateResponse: "intermediate_response",
}

// changeOps name the operation of a ModifyRequest change.
var changeOps = [3]string{"add", "delete", "replace"}

// FillEVE adds Suricata 8's "ldap" object: the request (message_id,
// operation and the operation's fields) and the responses array (each
// with its operation, its message_id when the transaction has no request,
// and its fields). Search filters and controls are not logged: the EVE
// schema has no place for them.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("ldap")
	if m := t.Request; m != nil {
		o.Open("request")
		o.Uint("message_id", uint64(m.ID))
		o.String("operation", opNames[m.Op&31])
		request(o, m)
		o.Close()
	}
	if len(t.Responses) > 0 {
		o.OpenArray("responses")
		for i := range t.Responses {
			m := &t.Responses[i]
			o.Open("")
			o.String("operation", opNames[m.Op&31])
			if t.Request == nil {
				o.Uint("message_id", uint64(m.ID))
			}
			response(o, m)
			o.Close()
		}
		o.Close()
	}
	return true
}

func request(o *eve.Object, m *Message) {
	switch m.Op {
	case OpSearchRequest:
		o.Open("search_request")
		o.Bytes("base_object", m.DN)
		o.Uint("scope", uint64(m.Scope))
		o.Uint("deref_alias", uint64(m.Deref))
		o.Uint("size_limit", uint64(m.SizeLimit))
		o.Uint("time_limit", uint64(m.TimeLimit))
		o.Bool("types_only", m.TypesOnly)
		if len(m.Names) > 0 {
			o.OpenArray("attributes")
			for _, a := range m.Names {
				o.Bytes("", a)
			}
			o.Close()
		}
		o.Close()
	case OpBindRequest:
		o.Open("bind_request")
		o.Uint("version", uint64(m.Version))
		o.Bytes("name", m.DN)
		if m.SASL {
			o.Open("sasl")
			o.Bytes("mechanism", m.Mechanism)
			if m.HasSASLCred {
				o.String("credentials", hex.EncodeToString(m.SASLCred))
			}
			o.Close()
		}
		o.Close()
	case OpModifyRequest:
		o.Open("modify_request")
		o.Bytes("object", m.DN)
		if len(m.Changes) > 0 {
			o.OpenArray("changes")
			for _, c := range m.Changes {
				o.Open("")
				if c.Op < 3 {
					o.String("operation", changeOps[c.Op])
				} else {
					o.String("operation", strconv.FormatUint(uint64(c.Op), 10))
				}
				o.Open("modification")
				o.Bytes("attribute_type", c.Type)
				values(o, "attribute_values", c.Values)
				o.Close()
				o.Close()
			}
			o.Close()
		}
		o.Close()
	case OpAddRequest:
		o.Open("add_request")
		o.Bytes("entry", m.DN)
		attributes(o, "name", m.Attrs)
		o.Close()
	case OpDelRequest:
		o.Open("del_request")
		o.Bytes("dn", m.DN)
		o.Close()
	case OpModDNRequest:
		o.Open("mod_dn_request")
		o.Bytes("entry", m.DN)
		o.Bytes("new_rdn", m.NewRDN)
		o.Bool("delete_old_rdn", m.DeleteOld)
		if m.HasNewSuperior {
			o.Bytes("new_superior", m.NewSuperior)
		}
		o.Close()
	case OpCompareRequest:
		o.Open("compare_request")
		o.Bytes("entry", m.DN)
		o.Open("attribute_value_assertion")
		o.Bytes("description", m.AVADesc)
		o.Bytes("value", m.AVAValue)
		o.Close()
		o.Close()
	case OpExtendedRequest:
		o.Open("extended_request")
		o.Bytes("name", m.Name)
		if m.HasValue {
			o.Bytes("value", m.Value)
		}
		o.Close()
	case OpAbandonRequest:
		o.Open("abandon_request")
		o.Uint("message_id", uint64(m.AbandonID))
		o.Close()
	}
}

func values(o *eve.Object, key string, vs [][]byte) {
	if len(vs) == 0 {
		return
	}
	o.OpenArray(key)
	for _, v := range vs {
		o.Bytes("", v)
	}
	o.Close()
}

func attributes(o *eve.Object, typeKey string, as []Attribute) {
	if len(as) == 0 {
		return
	}
	o.OpenArray("attributes")
	for _, a := range as {
		o.Open("")
		o.Bytes(typeKey, a.Type)
		values(o, "values", a.Values)
		o.Close()
	}
	o.Close()
}

func response(o *eve.Object, m *Message) {
	name := opNames[m.Op&31]
	switch m.Op {
	case OpSearchResultEntry:
		o.Open(name)
		o.Bytes("base_object", m.DN)
		attributes(o, "type", m.Attrs)
		o.Close()
	case OpIntermediateResponse:
		o.Open(name)
		if m.HasName {
			o.Bytes("name", m.Name)
		}
		if m.HasValue {
			o.Bytes("value", m.Value)
		}
		o.Close()
	case OpBindResponse, OpSearchResultDone, OpModifyResponse, OpAddResponse, OpDelResponse,
		OpModDNResponse, OpCompareResponse, OpExtendedResponse:
		o.Open(name)
		if n, ok := bufid.LDAPResultCodes[m.Result.Code]; ok {
			o.String("result_code", n)
		} else {
			o.String("result_code", "unknown-"+strconv.FormatUint(uint64(m.Result.Code), 10))
		}
		o.Bytes("matched_dn", m.Result.MatchedDN)
		o.Bytes("message", m.Result.Message)
		switch {
		case m.Op == OpBindResponse && m.HasValue:
			o.String("server_sasl_creds", hex.EncodeToString(m.Value))
		case m.Op == OpExtendedResponse:
			if m.HasName {
				o.Bytes("name", m.Name)
			}
			if m.HasValue {
				o.Bytes("value", m.Value)
			}
		}
		o.Close()
	}
}
