package http

import (
	"math/bits"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"vigil/detect/bufid"
	"vigil/engine/applayer"
)

func TestRequestEvents(t *testing.T) {
	for _, tc := range []struct {
		name, req string
		want      bufid.HTTPEvent
	}{
		{"plain", "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 0},
		{"chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 0},
		{"chunked in a list", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n0\r\n\r\n", 0},
		{"not chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: xchunked\r\nContent-Length: 0\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"identity", "POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"chunked on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", bufid.HTTPInvalidTERequest},
		{"basic auth", "GET / HTTP/1.1\r\nAuthorization: Basic dTpw\r\n\r\n", 0},
		{"digest and bearer", "GET / HTTP/1.1\r\nAuthorization: digest x=1\r\n\r\nGET / HTTP/1.1\r\nAuthorization: Bearer t\r\n\r\n", 0},
		{"unrecognized auth", "GET / HTTP/1.1\r\nAuthorization: NTLM TlRMTVNT\r\n\r\n", bufid.HTTPAuthUnrecognized},
		{"both", "POST / HTTP/1.1\r\nAuthorization: Token x\r\nTransfer-Encoding: x\r\n\r\n", bufid.HTTPAuthUnrecognized | bufid.HTTPInvalidTERequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			feed(p, up, tc.req, 0)
			if p.TxCount() == 0 {
				t.Fatal("no transaction")
			}
			var got bufid.HTTPEvent
			for i := 0; i < p.TxCount(); i++ {
				tx := p.TxAt(i).(*Tx)
				got |= tx.Req.Events()
				b := tx.Buffer(up, bufid.HTTPEvents)
				if (b != nil) != (tx.Req.Events() != 0) {
					t.Errorf("event buffer %x with events %b", b, tx.Req.Events())
				}
			}
			if got != tc.want {
				t.Errorf("events %b, want %b", got, tc.want)
			}
		})
	}
}

// TestAnomalyEvents: the events libhtp logs and Suricata writes as
// anomaly records, in the order raised, on the transaction they belong
// to (applayer.EventTx), and in the message's event bits.
func TestAnomalyEvents(t *testing.T) {
	type in struct {
		dir  applayer.Direction
		data string
	}
	type ev struct {
		tx   uint64
		name string
	}
	for _, tc := range []struct {
		name string
		in   []in
		want []ev
		bits [2]bufid.HTTPEvent // request, response bits of tx 0
	}{
		{"clean", []in{{up, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"}, {down, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"}}, nil, [2]bufid.HTTPEvent{}},
		{"missing protocol", []in{{up, "GET /\r\nHost: a\r\n\r\n"}},
			[]ev{{0, "REQUEST_LINE_MISSING_PROTOCOL"}}, [2]bufid.HTTPEvent{bufid.HTTPRequestLineMissingProtocol, 0}},
		{"missing protocol, white space only", []in{{up, "GET /\n" + strings.Repeat(" \n", 10) + "\n"}},
			[]ev{{0, "REQUEST_LINE_MISSING_PROTOCOL"}}, [2]bufid.HTTPEvent{bufid.HTTPRequestLineMissingProtocol, 0}},
		{"HTTP/0.9", []in{{up, "GET /\r\n\r\n"}}, nil, [2]bufid.HTTPEvent{}},
		{"response without request", []in{{down, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"}},
			[]ev{{0, "UNABLE_TO_MATCH_RESPONSE_TO_REQUEST"}}, [2]bufid.HTTPEvent{0, bufid.HTTPUnableToMatchResponse}},
		{"second response", []in{{up, "GET / HTTP/1.1\r\n\r\n"}, {down, "HTTP/1.1 204 No\r\n\r\nHTTP/1.1 204 No\r\n\r\n"}},
			[]ev{{1, "UNABLE_TO_MATCH_RESPONSE_TO_REQUEST"}}, [2]bufid.HTTPEvent{}},
		{"header repetition once per name", []in{{up, "GET / HTTP/1.1\r\nA: 1\r\na: 2\r\nA: 3\r\nB: 1\r\nB: 2\r\n\r\n"},
			{down, "HTTP/1.1 200 OK\r\nSet-Cookie: a\r\nSet-Cookie: b\r\nContent-Length: 0\r\n\r\n"}},
			[]ev{{0, "REQUEST_HEADER_REPETITION"}, {0, "REQUEST_HEADER_REPETITION"}, {0, "RESPONSE_HEADER_REPETITION"}},
			[2]bufid.HTTPEvent{bufid.HTTPRequestHeaderRepetition, bufid.HTTPResponseHeaderRepetition}},
		{"data after the body", []in{{up, "GET / HTTP/1.1\r\n\r\n"}, {down, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok\r\n"}},
			[]ev{{0, "RESPONSE_BODY_UNEXPECTED"}}, [2]bufid.HTTPEvent{0, bufid.HTTPResponseBodyUnexpected}},
		{"204 announcing a body", []in{{up, "GET / HTTP/1.1\r\n\r\n"}, {down, "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"}},
			[]ev{{0, "RESPONSE_BODY_UNEXPECTED"}}, [2]bufid.HTTPEvent{0, bufid.HTTPResponseBodyUnexpected}},
		{"304 without body", []in{{up, "GET / HTTP/1.1\r\n\r\n"}, {down, "HTTP/1.1 304 Not Modified\r\n\r\n"}}, nil, [2]bufid.HTTPEvent{}},
		{"next response after the body", []in{{up, "GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"},
			{down, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No\r\n\r\n"}}, nil, [2]bufid.HTTPEvent{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			for _, d := range tc.in {
				feed(p, d.dir, d.data, 0)
			}
			var got []ev
			for i := 0; i < p.TxCount(); i++ {
				tx := p.Tx(i)
				for k := 0; k < tx.EventCount(); k++ {
					got = append(got, ev{tx.ID(), tx.EventName(k)})
				}
			}
			if diff := cmp.Diff(tc.want, got, cmp.AllowUnexported(ev{})); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if p.TxCount() == 0 {
				t.Fatal("no transaction")
			}
			tx := p.Tx(0)
			if got := [2]bufid.HTTPEvent{tx.Req.Events(), tx.Resp.Events()}; got != tc.bits {
				t.Errorf("event bits %b, want %b", got, tc.bits)
			}
		})
	}
}

// TestEventNames: every HTTP event bit has an anomaly name and an
// app-layer-event entry.
func TestEventNames(t *testing.T) {
	n := 0
	for _, e := range bufid.AppEvents {
		if e.Buf == bufid.HTTPEvents {
			n++
			if b := bits.TrailingZeros32(e.Bit); b >= len(eventNames) {
				t.Errorf("%s: bit %d has no anomaly name", e.Name, b)
			} else if want := "http." + strings.ToLower(eventNames[b]); e.Name != want {
				t.Errorf("bit %d: app-layer-event %s, anomaly %s", b, e.Name, eventNames[b])
			}
		}
	}
	if n != len(eventNames) {
		t.Errorf("%d app-layer-event entries for %d anomaly names", n, len(eventNames))
	}
}
