package eve_test

import (
	"strings"
	"testing"

	"vigil/output/eve"
	"vigil/output/evetest"
)

// TestObjectRecords encodes one record of each type that uses Object and
// checks the text and the schema.
func TestObjectRecords(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  eve.EventType
		fill func(r *eve.Record)
		want string
	}{
		{"mqtt", eve.EventMQTT, func(r *eve.Record) {
			o := r.AddObject("mqtt")
			o.Open("subscribe")
			o.Uint("qos", 1)
			o.OpenArray("topics")
			o.Open("")
			o.Bytes("topic", []byte("a/b"))
			o.Uint("qos", 0)
			o.Close()
			o.Close()
			o.Close()
			o.Open("publish")
			o.Open("properties")
			o.Pair([]byte(`k"ey`), []byte("v\x01"))
			o.Close()
			o.Close()
		}, `"mqtt":{"subscribe":{"qos":1,"topics":[{"topic":"a/b","qos":0}]},"publish":{"properties":{"k\"ey":"v\u0001"}}}`},
		{"smtp", eve.EventSMTP, func(r *eve.Record) {
			o := r.AddObject("smtp")
			o.Bytes("helo", []byte("h\xff"))
			o.OpenArray("rcpt_to")
			o.Bytes("", []byte("<a>"))
			o.Bytes("", []byte("<b>"))
			o.Close()
			e := r.AddObject("email")
			e.String("status", "PARSE_DONE")
			e.OpenArray("attachment") // left open: closed at the end
			e.Bytes("", []byte("a.txt"))
		}, `"smtp":{"helo":"h\\xff","rcpt_to":["<a>","<b>"]},"email":{"status":"PARSE_DONE","attachment":["a.txt"]}`},
		{"fileinfo", eve.EventFileinfo, func(r *eve.Record) {
			r.HTTP = &eve.HTTP{Hostname: []byte("x"), URL: []byte("/f")}
			o := r.AddObject("fileinfo")
			o.Bytes("filename", []byte("/f"))
			o.Bool("gaps", false)
			o.String("state", "CLOSED")
			o.Bool("stored", false)
			o.Uint("size", 3)
			o.Uint("tx_id", 0)
			r.AppProto.Proto = "http"
		}, `"http":{"hostname":"x","url":"/f","length":0},"fileinfo":{"filename":"/f","gaps":false,"state":"CLOSED","stored":false,"size":3,"tx_id":0},"app_proto":"http"`},
		{"alert", eve.EventAlert, func(r *eve.Record) {
			r.Alert = eve.Alert{Action: "allowed", GID: 1, SignatureID: 1, Signature: "x"}
			var f eve.Object
			f.Reset("fileinfo")
			f.Bytes("filename", []byte(`\eicar`))
			f.Uint("size", 68)
			files := r.AddObject("files")
			files.Array = true
			files.Embed("", &f)
			files.Embed("", &f)
		}, `"files":[{"filename":"\\eicar","size":68},{"filename":"\\eicar","size":68}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r eve.Record
			r.Type, r.Time, r.Proto = tc.typ, evetest.T0, 6
			tc.fill(&r)
			line := string((&eve.Encoder{}).Encode(&r))
			if !strings.Contains(line, `"event_type":"`+tc.name+`"`) || !strings.Contains(line, tc.want) {
				t.Errorf("got  %s\nwant ... %s ...", line, tc.want)
			}
			evetest.Validate(t, []byte(line))
		})
	}
}
