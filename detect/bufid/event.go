package bufid

// App-layer events: anomalies a protocol parser raises on a message, named
// as Suricata names them so that app-layer-event rules written for
// Suricata work unchanged. The parser sets the event's bit in its
// message's event buffer (Buf); the app-layer-event keyword tests it.
//
// The table lists only events a Vigil parser raises. A Suricata event name
// missing here (any of Suricata's other http.*, smtp.*, tls.*, dns.*,
// applayer_* events ...) makes a rule using it unsupported: the rule is
// skipped and counted, never loaded to silently never match.
//
// Mapping (Suricata name -> where Vigil raises it):
//
//	http.invalid_transfer_encoding_value_in_request
//	    engine/applayer/http, request headers complete: a Transfer-Encoding
//	    header whose value is not a list holding the token "chunked", or
//	    chunked on a request older than HTTP/1.1 (libhtp's
//	    HTP_REQUEST_INVALID_T_E, which Suricata turns into this event).
//	http.request_auth_unrecognized
//	    engine/applayer/http, request headers complete: an Authorization
//	    header whose scheme is not Basic, Digest or Bearer (libhtp's
//	    HTP_AUTH_UNRECOGNIZED).
//	http.request_line_missing_protocol
//	    engine/applayer/http: a request line without protocol that more
//	    than white space follows, parsed as HTTP/1.x rather than 0.9.
//	http.unable_to_match_response_to_request
//	    engine/applayer/http: a response with no request left to answer.
//	http.request_header_repetition, http.response_header_repetition
//	    engine/applayer/http: a header name seen a second time in one
//	    message (once per name).
//	http.response_body_unexpected
//	    engine/applayer/http: bytes after a complete response, in the
//	    same data, that do not start a status line: taken as more body.
//	ldap.too_many_transactions, ldap.invalid_data, ldap.request_not_found,
//	ldap.incomplete_data, ldap.too_many_responses
//	    engine/applayer/ldap, as Suricata 8 raises them: on the newest
//	    transaction when the transaction cap drops one, when a message does
//	    not decode, when a response (other than an unsolicited extended
//	    response) has no request, when a datagram ends inside its message,
//	    and when a transaction has more responses than it keeps.
//	dnp3.flooded, dnp3.len_too_small, dnp3.bad_link_crc,
//	dnp3.bad_transport_crc, dnp3.malformed, dnp3.unknown_object,
//	dnp3.too_many_points, dnp3.too_many_objects, dnp3.too_long_reassembly
//	    engine/applayer/dnp3, on the newest transaction as Suricata does:
//	    the transaction cap dropped one, a length field below the headers
//	    it must hold, a link header or user data block failing its CRC, a
//	    fragment too short for its application header, an object without
//	    a decoder, more points or objects than decoded, a fragment over
//	    63*255 octets.
//	enip.too_many_transactions, enip.invalid_pdu
//	    engine/applayer/enip: the transaction cap closed the open
//	    transactions; a PDU whose payload does not decode.
//	modbus.invalid_protocol_id, modbus.unsolicited_response,
//	modbus.invalid_length, modbus.invalid_function_code,
//	modbus.invalid_value, modbus.invalid_exception_code,
//	modbus.value_mismatch, modbus.flooded
//	    engine/applayer/modbus, on the message's transaction: a protocol
//	    id other than 0, a response without a request of its transaction
//	    id, a length field outside 2-254 or a PDU shorter or longer than
//	    its function's layout, function code 0 or with bit 7 set in a
//	    request, a quantity or byte count out of range or a coil value
//	    other than 0 and 0xff00, an unknown exception code, a response
//	    whose function or write echo differs from its request, and the
//	    transaction cap dropping one.
//	dhcp.truncated_options, dhcp.malformed_options
//	    engine/applayer/dhcp: a datagram shorter than the BOOTP header
//	    and magic cookie; an option running past the datagram.
//	pgsql.too_many_transactions, pgsql.malformed_request,
//	pgsql.malformed_response, pgsql.invalid_length
//	    engine/applayer/pgsql, as Suricata 8 raises them: on the newest
//	    transaction when the transaction cap drops one; on a new
//	    transaction for a startup packet of an unknown protocol (request)
//	    or an unknown authentication code (response), and for a length
//	    field below its message's minimum (the direction stops there).
//	pop3.too_many_transactions, pop3.request_too_long,
//	pop3.incorrect_argument_count, pop3.unknown_command,
//	pop3.response_too_long
//	    engine/applayer/pop3, as Suricata 8 (sawp-pop3) raises them: on
//	    the newest transaction when the cap drops one; on a command line
//	    over 256 octets, a known command with the wrong number of
//	    arguments, an unknown alphanumeric command, a status line over 512
//	    octets.
//	ntp.malformed_data
//	    engine/applayer/ntp: a datagram that does not decode, on the
//	    newest transaction when there is one (as Suricata 8, which never
//	    raises ntp.unsolicited_response).

// HTTPEvent is one bit of the HTTPEvents buffer.
type HTTPEvent uint32

// HTTP events raised by engine/applayer/http.
const (
	HTTPInvalidTERequest HTTPEvent = 1 << iota
	HTTPAuthUnrecognized
	HTTPRequestLineMissingProtocol
	HTTPUnableToMatchResponse
	HTTPRequestHeaderRepetition
	HTTPResponseHeaderRepetition
	HTTPResponseBodyUnexpected
)

// AppEvent is one entry of the event table.
type AppEvent struct {
	Name string // Suricata's name, "proto.event"
	Buf  ID     // the event buffer the parser fills
	Bit  uint32
}

// AppEvents is the list of events Vigil raises, by Suricata name.
var AppEvents = []AppEvent{
	{Name: "http.invalid_transfer_encoding_value_in_request", Buf: HTTPEvents, Bit: uint32(HTTPInvalidTERequest)},
	{Name: "http.request_auth_unrecognized", Buf: HTTPEvents, Bit: uint32(HTTPAuthUnrecognized)},
	{Name: "http.request_line_missing_protocol", Buf: HTTPEvents, Bit: uint32(HTTPRequestLineMissingProtocol)},
	{Name: "http.unable_to_match_response_to_request", Buf: HTTPEvents, Bit: uint32(HTTPUnableToMatchResponse)},
	{Name: "http.request_header_repetition", Buf: HTTPEvents, Bit: uint32(HTTPRequestHeaderRepetition)},
	{Name: "http.response_header_repetition", Buf: HTTPEvents, Bit: uint32(HTTPResponseHeaderRepetition)},
	{Name: "http.response_body_unexpected", Buf: HTTPEvents, Bit: uint32(HTTPResponseBodyUnexpected)},
	// Bits as engine/applayer/ldap defines them.
	{Name: "ldap.too_many_transactions", Buf: LDAPEvents, Bit: 1 << 0},
	{Name: "ldap.invalid_data", Buf: LDAPEvents, Bit: 1 << 1},
	{Name: "ldap.request_not_found", Buf: LDAPEvents, Bit: 1 << 2},
	{Name: "ldap.incomplete_data", Buf: LDAPEvents, Bit: 1 << 3},
	{Name: "ldap.too_many_responses", Buf: LDAPEvents, Bit: 1 << 4},
	// Bits as engine/applayer/dnp3 defines them.
	{Name: "dnp3.flooded", Buf: DNP3Events, Bit: 1 << 0},
	{Name: "dnp3.len_too_small", Buf: DNP3Events, Bit: 1 << 1},
	{Name: "dnp3.bad_link_crc", Buf: DNP3Events, Bit: 1 << 2},
	{Name: "dnp3.bad_transport_crc", Buf: DNP3Events, Bit: 1 << 3},
	{Name: "dnp3.malformed", Buf: DNP3Events, Bit: 1 << 4},
	{Name: "dnp3.unknown_object", Buf: DNP3Events, Bit: 1 << 5},
	{Name: "dnp3.too_many_points", Buf: DNP3Events, Bit: 1 << 6},
	{Name: "dnp3.too_many_objects", Buf: DNP3Events, Bit: 1 << 7},
	{Name: "dnp3.too_long_reassembly", Buf: DNP3Events, Bit: 1 << 8},
	// Bits as engine/applayer/enip defines them.
	{Name: "enip.too_many_transactions", Buf: ENIPEvents, Bit: 1 << 0},
	{Name: "enip.invalid_pdu", Buf: ENIPEvents, Bit: 1 << 1},
	// Bits as engine/applayer/modbus defines them.
	{Name: "modbus.invalid_protocol_id", Buf: ModbusEvents, Bit: 1 << 0},
	{Name: "modbus.unsolicited_response", Buf: ModbusEvents, Bit: 1 << 1},
	{Name: "modbus.invalid_length", Buf: ModbusEvents, Bit: 1 << 2},
	{Name: "modbus.invalid_unit_identifier", Buf: ModbusEvents, Bit: 1 << 3},
	{Name: "modbus.invalid_function_code", Buf: ModbusEvents, Bit: 1 << 4},
	{Name: "modbus.invalid_value", Buf: ModbusEvents, Bit: 1 << 5},
	{Name: "modbus.invalid_exception_code", Buf: ModbusEvents, Bit: 1 << 6},
	{Name: "modbus.value_mismatch", Buf: ModbusEvents, Bit: 1 << 7},
	{Name: "modbus.flooded", Buf: ModbusEvents, Bit: 1 << 8},
	// Bits as engine/applayer/dhcp defines them.
	{Name: "dhcp.truncated_options", Buf: DHCPEvents, Bit: 1 << 0},
	{Name: "dhcp.malformed_options", Buf: DHCPEvents, Bit: 1 << 1},
	// Bits as engine/applayer/pgsql defines them.
	{Name: "pgsql.too_many_transactions", Buf: PgSQLEvents, Bit: 1 << 0},
	{Name: "pgsql.malformed_request", Buf: PgSQLEvents, Bit: 1 << 1},
	{Name: "pgsql.malformed_response", Buf: PgSQLEvents, Bit: 1 << 2},
	{Name: "pgsql.invalid_length", Buf: PgSQLEvents, Bit: 1 << 3},
	// Bits as engine/applayer/pop3 defines them.
	{Name: "pop3.too_many_transactions", Buf: POP3Events, Bit: 1 << 0},
	{Name: "pop3.request_too_long", Buf: POP3Events, Bit: 1 << 1},
	{Name: "pop3.incorrect_argument_count", Buf: POP3Events, Bit: 1 << 2},
	{Name: "pop3.unknown_command", Buf: POP3Events, Bit: 1 << 3},
	{Name: "pop3.response_too_long", Buf: POP3Events, Bit: 1 << 4},
	// Bits as engine/applayer/ntp defines them.
	{Name: "ntp.malformed_data", Buf: NTPEvents, Bit: 1 << 0},
}
