package http

import (
	"fmt"
	"strings"
	"testing"

	"vigil/output/eve"
)

// TestRangeReassembly: pieces of one file (same host and name) fetched
// with Range requests, answered 206 in any order, make the whole file
// once they cover it: the response that completes it carries a third
// file with the full size (Suricata's range container). Whole-file
// ranges, pieces with a gap, other hosts and pieces of the wrong length
// do not count.
func TestRangeReassembly(t *testing.T) {
	type piece struct {
		host       string
		start, end int
		body       int // body length sent
		gap        bool
	}
	for _, tc := range []struct {
		name   string
		pieces []piece
		want   int // index of the transaction that completes the file, -1 none
	}{
		{"in order", []piece{{"a", 0, 3, 4, false}, {"a", 4, 7, 4, false}, {"a", 8, 9, 2, false}}, 2},
		{"out of order", []piece{{"a", 8, 9, 2, false}, {"a", 0, 3, 4, false}, {"a", 4, 7, 4, false}}, 2},
		{"overlapping", []piece{{"a", 0, 5, 6, false}, {"a", 4, 9, 6, false}}, 1},
		{"missing piece", []piece{{"a", 0, 3, 4, false}, {"a", 8, 9, 2, false}}, -1},
		{"two hosts", []piece{{"a", 0, 4, 5, false}, {"b", 5, 9, 5, false}}, -1},
		{"gap in a piece", []piece{{"a", 0, 4, 5, true}, {"a", 5, 9, 5, false}}, -1},
		{"short piece", []piece{{"a", 0, 4, 3, false}, {"a", 5, 9, 5, false}}, -1},
		{"whole file range", []piece{{"a", 0, 9, 10, false}}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := New(Config{})
			for i, pc := range tc.pieces {
				feed(p, up, fmt.Sprintf("GET /f.bin?x=%d HTTP/1.1\r\nHost: %s\r\nRange: bytes=%d-%d\r\n\r\n", i, pc.host, pc.start, pc.end), 0)
				feed(p, down, fmt.Sprintf("HTTP/1.1 206 Partial Content\r\nContent-Range: bytes %d-%d/10\r\nContent-Length: %d\r\n\r\n", pc.start, pc.end, pc.body), 0)
				if pc.gap {
					p.Gap(down, 1)
					feed(p, down, strings.Repeat("x", pc.body-1), 0)
				} else {
					feed(p, down, strings.Repeat("x", pc.body), 0)
				}
			}
			for i := 0; i < p.TxCount(); i++ {
				tx := p.Tx(i)
				r := eve.Record{Type: eve.EventFileinfo}
				got := tx.FileCount() == 3 && tx.FillFileEVE(&r, 2)
				if got != (i == tc.want) {
					t.Errorf("tx %d: whole file %v", i, got)
				}
				if got {
					line := string(new(eve.Encoder).Encode(&r))
					if want := fmt.Sprintf(`"fileinfo":{"filename":"/f.bin","gaps":false,"state":"CLOSED","stored":false,"size":10,"tx_id":%d}`, i); !strings.Contains(line, want) {
						t.Errorf("%s\nwant %s", line, want)
					}
				}
			}
		})
	}
}
