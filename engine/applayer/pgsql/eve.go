package pgsql

import (
	"unicode/utf8"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// paramNames are the parameter names Suricata logs under its own
// spelling; others are logged under the name the traffic carries.
var paramNames = map[string]string{
	"DateStyle": "date_style", "IntervalStyle": "interval_style", "TimeZone": "time_zone",
}

// fieldNames name the ErrorResponse and NoticeResponse fields by type.
var fieldNames = map[byte]string{
	'S': "severity_localizable", 'V': "severity_non_localizable", 'C': "code", 'M': "message",
	'D': "detail", 'H': "hint", 'P': "position", 'p': "internal_position", 'q': "internal_query",
	'W': "where", 's': "schema_name", 't': "table_name", 'c': "column_name", 'd': "data_type",
	'n': "constraint_name", 'F': "file", 'L': "line", 'R': "routine",
}

// FillEVE adds Suricata's "pgsql" object: the transaction id (counted
// from 1, as Suricata numbers them), the request and the response.
// Passwords are not logged (Suricata's default: password_redacted).
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("pgsql")
	o.Uint("tx_id", t.id+1)
	if len(t.Requests) > 0 {
		o.Open("request")
		for i := range t.Requests {
			request(o, &t.Requests[i])
		}
		o.Close()
	}
	if len(t.Responses) > 0 {
		o.Open("response")
		inParams := false
		for i := range t.Responses {
			m := &t.Responses[i]
			if m.Kind == KindParameterStatus {
				if !inParams {
					o.OpenArray("parameter_status")
					inParams = true
				}
				o.Open("")
				param(o, m.Param)
				o.Close()
				continue
			}
			if inParams {
				o.Close()
				inParams = false
			}
			response(o, m)
		}
		if inParams {
			o.Close()
		}
		o.Close()
	}
	return true
}

func param(o *eve.Object, p Param) {
	if n, ok := paramNames[string(p.Name)]; ok {
		o.Bytes(n, p.Value)
		return
	}
	if !utf8.Valid(p.Name) {
		o.Bytes("unknown_parameter", p.Value)
		return
	}
	o.Pair(p.Name, p.Value)
}

func request(o *eve.Object, m *Message) {
	switch m.Kind {
	case KindStartup:
		o.String("protocol_version", uitoa(uint64(m.Major))+"."+uitoa(uint64(m.Minor)))
		o.Open("startup_parameters")
		o.Bytes("user", m.User)
		if len(m.Params) > 0 {
			o.OpenArray("optional_parameters")
			for _, p := range m.Params {
				o.Open("")
				param(o, p)
				o.Close()
			}
			o.Close()
		}
		o.Close()
	case KindSSLRequest:
		o.String("message", "SSL Request")
	case KindSASLInitialResponse:
		o.String("sasl_authentication_mechanism", m.Mechanism)
		o.Bytes("sasl_param", m.Payload)
	case KindPassword:
		o.Bool("password_redacted", true)
	case KindSASLResponse:
		o.Bytes("sasl_response", m.Payload)
	case KindSimpleQuery:
		o.Bytes("simple_query", m.Payload)
	case KindCopyFail:
		o.Bytes("copy_fail", m.Payload)
	case KindCancelRequest:
		o.String("message", "cancel_request")
		o.Uint("process_id", uint64(m.PID))
		o.Uint("secret_key", uint64(m.Key))
	case KindCopyDataIn:
		o.Open("copy_data_in")
		o.Uint("msg_count", m.Rows)
		o.Uint("data_size", m.Size)
		o.Close()
	case KindCopyDoneIn:
		o.String("message", "copy_done")
	case KindTerminate:
		o.String("message", "termination_message")
	}
}

func response(o *eve.Object, m *Message) {
	switch m.Kind {
	case KindSSLAccepted:
		o.Bool("ssl_accepted", true)
	case KindSSLRejected:
		o.Bool("ssl_accepted", false)
	case KindErrorResponse, KindNoticeResponse:
		for _, f := range m.Fields {
			name, ok := fieldNames[f.Type]
			if !ok {
				name = "unknown_field_type"
			}
			o.Bytes(name, f.Value)
		}
	case KindAuthMD5:
		o.Bytes("authentication_md5_password", m.Payload)
	case KindAuthSSPI:
		o.Bytes("authentication_sspi", m.Payload)
	case KindAuthSASLFinal:
		o.Bytes("authentication_sasl_final", m.Payload)
	case KindCommandComplete:
		o.Bytes("command_completed", m.Payload)
	case KindAuthOK:
		o.String("message", "authentication_ok")
	case KindAuthCleartext:
		o.String("message", "authentication_cleartext_password")
	case KindAuthSASL:
		o.String("message", "authentication_sasl")
	case KindAuthSASLContinue:
		o.String("message", "authentication_sasl_continue")
	case KindCopyDoneOut:
		o.String("message", "copy_done")
	case KindCopyOutResponse, KindCopyInResponse:
		name := "copy_out_response"
		if m.Kind == KindCopyInResponse {
			name = "copy_in_response"
		}
		o.Open(name)
		o.Uint("columns", uint64(m.Count))
		o.Close()
	case KindBackendKeyData:
		o.Uint("process_id", uint64(m.PID))
		o.Uint("secret_key", uint64(m.Key))
	case KindCopyDataOut:
		o.Open("copy_data_out")
		o.Uint("row_count", m.Rows)
		o.Uint("data_size", m.Size)
		o.Close()
	case KindRowDescription:
		o.Uint("field_count", uint64(m.Count))
	case KindDataRow:
		o.Uint("data_rows", m.Rows)
		o.Uint("data_size", m.Size)
	case KindNotification:
		o.Uint("pid", uint64(m.PID))
		o.Bytes("channel_name", m.Channel)
		o.Bytes("payload", m.Payload)
	}
}

func uitoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}
