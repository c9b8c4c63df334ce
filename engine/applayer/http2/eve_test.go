package http2

import (
	"bytes"
	"encoding/base64"
	"testing"

	"golang.org/x/net/http2/hpack"

	"vigil/engine/applayer/http"
	"vigil/output/eve"
	"vigil/output/evetest"
)

// fill encodes tx's http object (schema-checked) and returns it.
func fill(t *testing.T, tx *Tx) map[string]any {
	t.Helper()
	return evetest.FillObject(t, eve.EventHTTP, "http", func(r *eve.Record) bool {
		return tx.FillEVE(r, up)
	})
}

// TestFillEVEStream checks a stream's record: headers of both directions
// in order (the request's split by a CONTINUATION, with a size update),
// the common fields taken from them, and the http2 object.
func TestFillEVEStream(t *testing.T) {
	var cb, sb bytes.Buffer
	ce, se := hpack.NewEncoder(&cb), hpack.NewEncoder(&sb)
	blk := block(t, ce, &cb, ":method", "GET", ":path", "/a", ":authority", "example.com",
		"user-agent", "ua/1", "host", "h.example")
	blk = append([]byte{0x3f, 0xe1, 0x1f}, blk...) // size update to 4096
	cut := len(blk) / 2
	// HEADERS with priority weight 42, then a CONTINUATION.
	in := append([]byte(preface), frame(FrameHeaders, flagPriority, 1, append([]byte{0, 0, 0, 0, 42}, blk[:cut]...))...)
	in = append(in, frame(FrameContinuation, flagEndHeaders|flagEndStream, 1, blk[cut:])...)
	in = append(in, frame(FramePriority, 0, 1, []byte{0, 0, 0, 0, 7})...)
	out := frame(FrameHeaders, flagEndHeaders, 1, block(t, se, &sb, ":status", "200", "content-length", "12"))
	out = append(out, frame(FrameData, flagEndStream, 1, []byte("hello world!"))...)
	out = append(out, frame(FrameRSTStream, 0, 1, []byte{0, 0, 0, 8})...)
	out = append(out, frame(FrameRSTStream, 0, 1, []byte{0, 0, 1, 0})...)
	p := New(Config{})
	p.Parse(up, in)
	p.Parse(down, out)
	all := txs(p)
	if len(all) != 1 {
		t.Fatalf("%d transactions, want 1", len(all))
	}
	got := fill(t, all[0])
	evetest.Diff(t, "stream", got, map[string]any{
		"version": "2",
		"request_headers": []any{
			map[string]any{"table_size_update": 4096},
			map[string]any{"name": ":method", "value": "GET"},
			map[string]any{"name": ":path", "value": "/a"},
			map[string]any{"name": ":authority", "value": "example.com"},
			map[string]any{"name": "user-agent", "value": "ua/1"},
			map[string]any{"name": "host", "value": "h.example"},
		},
		"response_headers": []any{
			map[string]any{"name": ":status", "value": "200"},
			map[string]any{"name": "content-length", "value": "12"},
		},
		"http_method":     "GET",
		"url":             "/a",
		"hostname":        "h.example",
		"http_user_agent": "ua/1",
		"status":          200,
		"length":          12,
		"protocol":        nil,
		"http2": map[string]any{
			"stream_id": 1,
			"request":   map[string]any{"priority": 42, "has_multiple": "priority"},
			"response":  map[string]any{"error_code": "CANCEL", "has_multiple": "error_code"},
		},
	})
}

// TestFillEVEGlobal checks the stream 0 transactions: SETTINGS lists its
// known parameters, GOAWAY its error code (unknown ones as "unknown-N"),
// and PING or WINDOW_UPDATE make no record.
func TestFillEVEGlobal(t *testing.T) {
	in := append([]byte(preface), frame(FrameSettings, 0, 0, settingsPayload(3, 100, 0x77, 1, 4, 65535))...)
	in = append(in, frame(FramePing, 0, 0, make([]byte, 8))...)
	in = append(in, frame(FrameWindowUpdate, 0, 0, []byte{0, 0, 0x10, 0})...)
	in = append(in, frame(FrameGoAway, 0, 0, []byte{0, 0, 0, 1, 0, 0, 0, 99})...)
	p := New(Config{})
	p.Parse(up, in)
	p.Parse(down, frame(FrameSettings, 0, 0, settingsPayload(1, 8192)))
	all := txs(p)
	if len(all) != 5 {
		t.Fatalf("%d transactions, want 5", len(all))
	}
	evetest.Diff(t, "settings", fill(t, all[0]), map[string]any{
		"request_headers": nil,
		"http2": map[string]any{"stream_id": 0, "request": map[string]any{"settings": []any{
			map[string]any{"settings_id": "SETTINGSMAXCONCURRENTSTREAMS", "settings_value": 100},
			map[string]any{"settings_id": "SETTINGSINITIALWINDOWSIZE", "settings_value": 65535},
		}}},
	})
	for _, i := range []int{1, 2} {
		if all[i].FillEVE(&eve.Record{}, up) {
			t.Errorf("tx %d (%+v) filled a record", i, all[i].Frames(up))
		}
	}
	evetest.Diff(t, "goaway", fill(t, all[3]), map[string]any{
		"http2": map[string]any{"stream_id": 0, "request": map[string]any{"error_code": "unknown-99"}},
	})
	evetest.Diff(t, "server settings", fill(t, all[4]), map[string]any{
		"http2": map[string]any{"stream_id": 0, "response": map[string]any{"settings": []any{
			map[string]any{"settings_id": "SETTINGSHEADERTABLESIZE", "settings_value": 8192},
		}}},
	})
}

// TestFillEVEUpgrade checks stream 1 of an h2c upgrade: its request is
// the HTTP/1 one (Host as :authority), its response HTTP/2.
func TestFillEVEUpgrade(t *testing.T) {
	p := upgraded(t)
	var s1 *Tx
	for _, tx := range txs(p) {
		if !tx.Global() && tx.StreamID() == 1 {
			s1 = tx
		}
	}
	if s1 == nil {
		t.Fatal("no stream 1")
	}
	got := fill(t, s1)
	evetest.Diff(t, "upgrade", got, map[string]any{"http_method": "GET", "url": "/robots.txt", "status": 200,
		"http2": map[string]any{"stream_id": 1}})
	hdrs, _ := got["request_headers"].([]any)
	found := false
	for _, h := range hdrs {
		if m, _ := h.(map[string]any); m["name"] == ":authority" && m["value"] == "example.org" {
			found = true
		}
	}
	if !found {
		t.Errorf("no :authority in %v", hdrs)
	}
}

// upgraded is an h2c upgrade of "GET /robots.txt" answered on stream 1.
func upgraded(t *testing.T) *Parser {
	t.Helper()
	settings := base64.RawURLEncoding.EncodeToString(settingsPayload(3, 100))
	req := "GET /robots.txt HTTP/1.1\r\nHost: example.org\r\nConnection: Upgrade, HTTP2-Settings\r\n" +
		"Upgrade: h2c\r\nHTTP2-Settings: " + settings + "\r\n\r\n"
	h1 := http.New(http.Config{})
	h1.Parse(up, []byte(req))
	h1.Parse(down, []byte("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n"))
	if _, _, ok := h1.Handover(); !ok {
		t.Fatal("no handover")
	}
	var b bytes.Buffer
	se := hpack.NewEncoder(&b)
	p := New(Config{})
	p.Adopt(h1)
	p.Parse(down, frame(FrameHeaders, flagEndHeaders|flagEndStream, 1, block(t, se, &b, ":status", "200")))
	return p
}

func TestDecimal(t *testing.T) {
	for _, c := range []struct {
		in string
		n  uint64
		ok bool
	}{{"200", 200, true}, {"0", 0, true}, {"", 0, false}, {"12a", 0, false}, {"-1", 0, false},
		{"9999999999999999999", 9999999999999999999, true}, {"99999999999999999999", 0, false}} {
		if n, ok := decimal([]byte(c.in)); n != c.n || ok != c.ok {
			t.Errorf("decimal(%q) = %d, %v; want %d, %v", c.in, n, ok, c.n, c.ok)
		}
	}
}

// TestFillEVEAllocs: filling a reused record allocates nothing.
func TestFillEVEAllocs(t *testing.T) {
	p := upgraded(t)
	var r eve.Record
	n := testing.AllocsPerRun(100, func() {
		for i := 0; i < p.TxCount(); i++ {
			if tx, ok := p.TxAt(i).(*Tx); ok {
				r.Reset()
				tx.FillEVE(&r, up)
			}
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per fill", n)
	}
}
