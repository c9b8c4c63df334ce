package output

import (
	"strings"
	"testing"
	"time"
)

func TestStatsLogFormat(t *testing.T) {
	ts := time.Date(2021, 3, 1, 6, 0, 8, 0, time.UTC)
	got := string(StatsLogFormat{}.Append(nil, ts, 90061*time.Second,
		[]string{"decoder.pkts", "decoder.invalid", "flow.total"}, []uint64{120, 0, 7}))
	want := statsLogRule +
		"Date: 3/1/2021 -- 06:00:08 (uptime: 1d, 01h 01m 01s)\n" +
		statsLogRule +
		"Counter                                       | TM Name                   | Value\n" +
		statsLogRule +
		"decoder.pkts                                  | Total                     | 120\n" +
		"flow.total                                    | Total                     | 7\n"
	if got != want {
		t.Errorf("stats.log table:\n%s\nwant:\n%s", got, want)
	}
	all := string(StatsLogFormat{NullValues: true}.Append(nil, ts, 0, []string{"decoder.invalid"}, []uint64{0}))
	if !strings.Contains(all, "decoder.invalid                               | Total                     | 0\n") {
		t.Errorf("null-values: zero counter missing:\n%s", all)
	}
}
