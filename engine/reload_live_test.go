//go:build linux

package engine_test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vigil/detect"
	"vigil/engine"
	"vigil/engine/config"
	"vigil/engine/decode"
	"vigil/internal/testutil"
	"vigil/rules"
	"vigil/rules/version"
)

// reloadVariant loads and compiles paths (files or directories) with the
// default variables, as a reload would.
func reloadVariant(paths []string) (*engine.Ruleset, error) {
	c := config.Default()
	opts := rules.LoadOptions{Paths: paths, Keywords: detect.Keywords(),
		Vars: rules.Vars{Address: c.Vars.AddressGroups, Port: c.Vars.PortGroups}}
	if cf := rules.SiblingFile(paths, "classification.config"); cf != "" {
		if cl, _ := rules.LoadClassifications(cf); cl != nil {
			opts.Classifications = cl
		}
	}
	rs, _ := rules.Load(opts)
	files, err := rules.ExpandPaths(paths)
	if err != nil {
		return nil, err
	}
	gen, err := version.GenerationOfFiles(files)
	if err != nil {
		return nil, err
	}
	prints := version.PrintsOf(rs)
	refs := rs.References()
	eng, _, err := detect.Compile(rs, detect.Options{})
	if err != nil {
		return nil, err
	}
	return &engine.Ruleset{Engine: eng, References: refs, Generation: gen, Prints: prints}, nil
}

func rss() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	var size, res uint64
	fmt.Sscan(string(b), &size, &res)
	return res * uint64(os.Getpagesize())
}

// TestLiveReloadNoLoss sends numbered UDP datagrams at a fixed rate
// through the veth while the rules are reloaded again and again,
// alternating two variants; the rule present in both must alert on every
// datagram sent, with no kernel drop, and every reload writes an engine
// record. The default is light (small rule files, 5 reloads);
// VIGIL_RELOADTEST=1 reloads all of ET Open (with and without one file)
// 20 times.
func TestLiveReloadNoLoss(t *testing.T) {
	testutil.RequirePrivileges(t)
	marker := filepath.Join("testdata", "reload", "marker.rules")
	variants := [2][]string{{marker, filepath.Join("testdata", "reload", "a.rules")},
		{marker, filepath.Join("testdata", "reload", "a.rules"), filepath.Join("testdata", "reload", "extra.rules")}}
	reloads, rate := 5, 1000
	if os.Getenv("VIGIL_RELOADTEST") == "1" {
		et := testutil.SharedPath(t, "rules", "et-open")
		if _, err := os.Stat(et); err != nil {
			t.Skipf("ET Open not found at %s", et)
		}
		// Variant B: ET Open without one file (a copy of the tree).
		etB := filepath.Join(t.TempDir(), "et-open")
		if err := os.CopyFS(etB, os.DirFS(et)); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(etB, "emerging-chat.rules")); err != nil {
			t.Fatal(err)
		}
		variants = [2][]string{{marker, et}, {marker, etB}}
		reloads = 20
	}
	n := testutil.NewTestNet(t, "10.77.9")
	rss0 := rss()
	first, err := reloadVariant(variants[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Engine.Close() })
	nrules := len(first.Engine.Sigs()) // Close (after the first reload) empties the engine
	var next atomic.Int32
	cfg := engine.Config{Workers: 1, LogDir: t.TempDir(), EVE: engine.DefaultEVE(), Rules: first.Engine, References: first.References}
	cfg.EVE.Flow = false
	cfg.Decode.Checksum = decode.ChecksumNone // veth frames carry partial checksums
	// The light variants differ by 2 rules of 5: below the default ratio.
	cfg.Reload = engine.ReloadConfig{Generation: first.Generation, Prints: first.Prints, MinRatio: 0.5,
		Build: func() (*engine.Ruleset, error) { return reloadVariant(variants[next.Add(1)%2]) }}
	lr := startLive(t, n, cfg, engine.LiveOptions{NoEBPF: true})
	rss1 := rss()

	// The sender: numbered datagrams at a fixed rate until stopped.
	var sent atomic.Uint64
	stop := make(chan struct{})
	senderDone := make(chan error, 1)
	go func() {
		senderDone <- testutil.InNetns(n.NSB, func() error {
			c, err := net.Dial("udp4", net.JoinHostPort(n.A4.String(), "5000"))
			if err != nil {
				return err
			}
			defer c.Close()
			tick := time.NewTicker(time.Second / time.Duration(rate))
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return nil
				case <-tick.C:
				}
				if _, err := fmt.Fprintf(c, "VIGILSEQ %08d", i); err == nil {
					sent.Add(1)
				}
			}
		})
	}()
	var peak atomic.Uint64
	samplerDone := make(chan struct{})
	go func() {
		defer close(samplerDone)
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if r := rss(); r > peak.Load() {
				peak.Store(r)
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	var durs, swaps []float64
	var peaks, afters []string
	for i := 0; i < reloads; i++ {
		p0 := peak.Load()
		peak.Store(0)
		res := lr.run.Reload(true)
		if res.Result != engine.ReloadPublished {
			t.Fatalf("reload %d: %+v", i, res)
		}
		durs = append(durs, res.DurationMs)
		swaps = append(swaps, res.SwapMs)
		peaks = append(peaks, fmt.Sprint(peak.Load()>>20))
		afters = append(afters, fmt.Sprint(rss()>>20))
		peak.Store(max(p0, peak.Load()))
	}
	t.Logf("per reload: peak RSS MB %s; RSS after MB %s", strings.Join(peaks, " "), strings.Join(afters, " "))
	time.Sleep(300 * time.Millisecond)
	close(stop)
	if err := <-senderDone; err != nil {
		t.Fatal(err)
	}
	<-samplerDone
	sum := lr.stop()

	data, err := os.ReadFile(filepath.Join(cfg.LogDir, "eve.json"))
	if err != nil {
		t.Fatal(err)
	}
	alerts := bytes.Count(data, []byte(`"signature_id":9000001`))
	engines := bytes.Count(data, []byte(`"module":"rules"`))
	drops, _ := sum.Counter("capture.kernel_drops")
	if uint64(alerts) != sent.Load() {
		t.Errorf("marker rule alerted %d times, %d datagrams sent", alerts, sent.Load())
	}
	if drops != 0 {
		t.Errorf("kernel drops %d, want 0", drops)
	}
	if engines != reloads {
		t.Errorf("%d engine records, want %d", engines, reloads)
	}
	var tot, maxd float64
	for _, d := range durs {
		tot += d
		maxd = max(maxd, d)
	}
	eng := float64(rss1) - float64(rss0)
	t.Logf("%d reloads of %d rules: mean %.0f ms, max %.0f ms (swap %v ms); %d datagrams, %d alerts, %d kernel drops; RSS before load %d MB, with one engine %d MB, peak %d MB = %.2fx the process with one engine, peak growth %.2fx one engine's RSS",
		reloads, nrules, tot/float64(len(durs)), maxd, strings.Trim(fmt.Sprint(swaps), "[]"),
		sent.Load(), alerts, drops, rss0>>20, rss1>>20, peak.Load()>>20, float64(peak.Load())/float64(rss1),
		(float64(peak.Load())-float64(rss0))/max(eng, 1))
}
