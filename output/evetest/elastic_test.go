package evetest

import (
	"strings"
	"testing"
)

func TestElasticChecker(t *testing.T) {
	c, err := NewElasticChecker()
	if err != nil {
		t.Fatal(err)
	}
	good := `{"timestamp":"2021-03-01T06:00:00.123456+0000","flow_id":1234,"pcap_cnt":3,"event_type":"alert","src_ip":"10.0.0.1","src_port":1,"dest_ip":"::1","dest_port":80,"proto":"TCP","tx_id":0,"alert":{"signature_id":2000001,"rev":3,"gid":1,"severity":2},"flow":{"start":"2021-03-01T06:00:00.000000+0000"}}`
	if err := c.CheckLine([]byte(good)); err != nil {
		t.Errorf("good line: %v", err)
	}
	for _, tc := range []struct{ line, want string }{
		{`{"event_type":"alert"}`, "no timestamp"},
		{`{"timestamp":"01/03/2021 06:00"}`, "timestamp: want an ISO 8601 date"},
		{`{"timestamp":"2021-03-01T06:00:00Z","flow_id":18446744073709551615}`, "flow_id: want an integer within int64"},
		{`{"timestamp":"2021-03-01T06:00:00Z","alert":{"signature_id":"2000001"}}`, "alert.signature_id: want an integer"},
		{`{"timestamp":"2021-03-01T06:00:00Z","src_ip":"10.0.0"}`, "src_ip: want an IP"},
		{`{"timestamp":"2021-03-01T06:00:00Z","dest_port":70000000000}`, "dest_port: want an integer within int32"},
		{`{"timestamp":"2021-03-01T06:00:00Z","stats":{"decoder":{"pkts":-1.5}}}`, "stats.decoder.pkts: want an integer within int64"},
		{`{"timestamp":"2021-03-01T06:00:00Z","tls":{"sni":5}}`, "tls.sni: want a string"},
	} {
		err := c.CheckLine([]byte(tc.line))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.line, err, tc.want)
		}
	}
	c.CheckLine([]byte(`{"timestamp":"2021-03-01T06:00:00Z","tls":{"sni":"a"}}`))
	got := strings.Join(c.Conflicts(), "\n")
	for _, want := range []string{"alert.signature_id: number|string", "tls.sni: number|string"} {
		if !strings.Contains(got, want) {
			t.Errorf("conflicts %q lack %q", got, want)
		}
	}
}
