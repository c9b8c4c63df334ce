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

// HTTPEvent is one bit of the HTTPEvents buffer.
type HTTPEvent uint32

// HTTP events raised by engine/applayer/http.
const (
	HTTPInvalidTERequest HTTPEvent = 1 << iota
	HTTPAuthUnrecognized
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
}
