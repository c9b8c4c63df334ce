package all

import (
	"os"
	"testing"
)

func TestZZDebug(t *testing.T) {
	f := os.Getenv("DBG_PCAP")
	if f == "" {
		t.Skip()
	}
	res := runCapture(t, f)
	for _, tx := range res.http {
		t.Logf("%d %s %s %q -> %s len=%d gap=%v/%v", tx.ID(), tx.Req.Method, tx.Req.URI, tx.Req.Get("Host"), tx.Resp.Status, tx.Resp.WireLen, tx.Req.Gap, tx.Resp.Gap)
	}
}
