package engine

import (
	"encoding/binary"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"vigil/engine/decode"
)

// TestFlowFloodMemory sends one million distinct UDP flows through a
// worker whose flow table is capped at 64 MiB: the table must evict
// (counted) instead of growing, and the process must stay under the bound
// stated here: 64 MiB of flows plus 96 MiB for everything else (rules,
// buffers, runtime), 160 MiB of heap in use.
func TestFlowFloodMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a million flows")
	}
	const (
		flows    = 1_000_000
		memcap   = 64 << 20
		heapCap  = 96 << 20 // the 64 MiB memcap plus half for what the table does not charge
		frameLen = 14 + 20 + 8 + 4
	)
	cfg := Config{Workers: 1, LogDir: t.TempDir()}
	cfg.Flow.Memcap = memcap
	cfg.Decode.Checksum = decode.ChecksumNone
	cfg.EVE = DefaultEVE()
	cfg.EVE.Flow = false // a million flow records would measure the output, not the table
	pl, err := newPipeline(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pl.close()
	w := pl.workers[0]

	// Ethernet + IPv4 + UDP + 4 bytes; source address and port vary.
	f := make([]byte, frameLen)
	binary.BigEndian.PutUint16(f[12:], 0x0800)
	ip := f[14:]
	ip[0], ip[8], ip[9] = 0x45, 64, 17
	binary.BigEndian.PutUint16(ip[2:], 20+8+4)
	copy(ip[16:], []byte{192, 0, 2, 1})
	udp := ip[20:]
	binary.BigEndian.PutUint16(udp[2:], 9999)
	binary.BigEndian.PutUint16(udp[4:], 8+4)
	copy(udp[8:], "test")

	// The bound is on what the flood adds: other tests of the package
	// (compiled rulesets kept for reuse) may hold heap of their own.
	var peak uint64
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	ts := int64(1_700_000_000e9)
	for i := 0; i < flows; i++ {
		ip[12], ip[13], ip[14], ip[15] = 10, byte(i>>16), byte(i>>8), byte(i)
		binary.BigEndian.PutUint16(udp[0:], uint16(1024+i%50000))
		ts += 1000
		w.Process(f, 1, ts, uint64(i+1), frameLen)
		if i%100_000 == 0 {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	runtime.ReadMemStats(&ms)
	peak = max(peak, ms.HeapInuse)
	peak -= min(peak, base)
	c := w.flows.Counters()
	t.Logf("flows created %d, evicted %d, active %d, table memuse %d MiB, peak heap in use above the start %d MiB, RSS %s",
		c.Created, c.Evicted, c.Active, c.Memuse>>20, peak>>20, rss())
	if c.Created != flows {
		t.Errorf("created %d flows, want %d", c.Created, flows)
	}
	if c.Evicted == 0 {
		t.Error("no flow was evicted: the memcap did not bite")
	}
	if c.Memuse > memcap {
		t.Errorf("table memuse %d exceeds the %d cap", c.Memuse, memcap)
	}
	if peak > heapCap {
		t.Errorf("peak heap in use %d MiB above the start, over the %d MiB bound", peak>>20, heapCap>>20)
	}
}

// rss returns the process's resident set size from /proc (Linux).
func rss() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "?"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmRSS:") {
			f := strings.Fields(l)
			if len(f) >= 2 {
				if kb, err := strconv.Atoi(f[1]); err == nil {
					return strconv.Itoa(kb>>10) + " MiB"
				}
			}
		}
	}
	return "?"
}
