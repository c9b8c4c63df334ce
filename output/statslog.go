package output

import (
	"fmt"
	"strconv"
	"time"
)

// stats.log: the text table of counters Suricata's stats output writes,
// one table per stats interval, appended to LOGDIR/stats.log (a FileSink,
// reopened on SIGHUP like the other files).

const statsLogRule = "------------------------------------------------------------------------------------\n"

// StatsLogFormat formats stats.log tables.
type StatsLogFormat struct {
	// NullValues writes counters that are zero (Suricata's null-values;
	// off by default, as in Suricata).
	NullValues bool
}

// Append appends one table: the time t of the counters, the uptime, then
// a "Counter | TM Name | Value" row per counter (TM Name is Total: the
// counters are summed over workers). names and values are parallel.
func (f StatsLogFormat) Append(b []byte, t time.Time, uptime time.Duration, names []string, values []uint64) []byte {
	b = append(b, statsLogRule...)
	up := int64(uptime / time.Second)
	b = fmt.Appendf(b, "Date: %d/%d/%04d -- %02d:%02d:%02d (uptime: %dd, %02dh %02dm %02ds)\n",
		int(t.Month()), t.Day(), t.Year(), t.Hour(), t.Minute(), t.Second(),
		up/86400, up%86400/3600, up%3600/60, up%60)
	b = append(b, statsLogRule...)
	b = fmt.Appendf(b, "%-45s | %-25s | %s\n", "Counter", "TM Name", "Value")
	b = append(b, statsLogRule...)
	for i, n := range names {
		if values[i] == 0 && !f.NullValues {
			continue
		}
		b = fmt.Appendf(b, "%-45s | %-25s | ", n, "Total")
		b = strconv.AppendUint(b, values[i], 10)
		b = append(b, '\n')
	}
	return b
}
