package detect

import (
	"testing"

	"vigil/detect/bufid"
	"vigil/detect/mpm"
)

// BenchmarkRuleEvaluation runs the packet and transaction rules of
// engineRules (prefilter plus full inspection) over one HTTP request.
func BenchmarkRuleEvaluation(b *testing.B) {
	e, _ := compileText(b, mpm.Hyperscan{}, engineRules)
	m, err := e.NewMatcher()
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	p := tcpPacket("GET /admin/index.html HTTP/1.1\r\nHost: example.test\r\nUser-Agent: curl/8\r\n\r\n", true)
	tx := mapTx{bufid.HTTPURI: {"/admin/index.html"}, bufid.HTTPUserAgent: {"curl/8"}, bufid.HTTPMethod: {"GET"}}
	txp := tcpPacket("", true)
	txp.AppProto = bufid.ProtoHTTP
	var out []Alert
	b.ReportAllocs()
	for b.Loop() {
		out = m.MatchPacket(p, out[:0])
		var st TxState
		out = m.MatchTx(txp, tx, 0, true, &st, out[:0])
	}
}
