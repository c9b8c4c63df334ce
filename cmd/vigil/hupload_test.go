//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"vigil/internal/testutil"
)

// TestRunSIGHUPUnderLoad is logrotate against a busy sensor: `vigil run`
// (this test binary as vigil, in a network namespace) captures a steady
// stream of UDP datagrams, each of which alerts, while eve.json is renamed
// away and SIGHUP sent 10 times. The process must stay up through every
// HUP, exit 0 on SIGTERM, and lose no record: the records across the
// renamed files and the final eve.json add up to what the run says it
// wrote, and there is one alert per datagram sent. Along the way: live
// stats records every stats.interval of a -c config without outputs, and
// pkt_src "wire/pcap" on live alerts.
func TestRunSIGHUPUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("live run of several seconds")
	}
	n := testutil.NewTestNet(t, "10.79.0") // skips unless root with ip
	dir := t.TempDir()
	rules := writeFile(t, dir, "hup.rules",
		`alert udp any any -> any 9999 (msg:"hup load"; content:"vigil-hup"; sid:1; rev:1;)`+"\n")
	// Stats every second: periodic live records land in the rotated files.
	cfg := writeFile(t, dir, "vigil.yaml",
		"vars:\n  address-groups:\n    HOME_NET: any\n    EXTERNAL_NET: any\nstats:\n  interval: 1\n")
	logDir := filepath.Join(dir, "log")
	if err := os.Mkdir(logDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A listener on side A, so that the datagrams are not answered with
	// ICMP port unreachable.
	var sink net.PacketConn
	n.Do(t, n.NSA, func() (err error) { sink, err = net.ListenPacket("udp", n.A4.String()+":9999"); return })
	defer sink.Close()
	go func() {
		buf := make([]byte, 2048)
		for {
			if _, _, err := sink.ReadFrom(buf); err != nil {
				return
			}
		}
	}()

	var stderr syncBuffer
	cmd := exec.Command("ip", "netns", "exec", n.NSA, os.Args[0], "run", "-i", n.IfA, "-c", cfg, "-S", rules, "-l", logDir,
		"--workers", "1", "--set", "vigil.capture.ebpf=no")
	cmd.Env = append(os.Environ(), "VIGIL_TEST_AS_MAIN=1")
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; stderr:\n%s", what, stderr.String())
			}
			select {
			case err := <-exited:
				t.Fatalf("vigil run exited (%v) while waiting for %s; stderr:\n%s", err, what, stderr.String())
			default:
			}
		}
	}
	eve := filepath.Join(logDir, "eve.json")
	waitFor("the capture", func() bool { return strings.Contains(stderr.String(), "msg=capturing") })

	// A datagram every 2 ms from side B until told to stop.
	var conn net.Conn
	n.Do(t, n.NSB, func() (err error) { conn, err = net.Dial("udp", n.A4.String()+":9999"); return })
	stop, sent := make(chan struct{}), make(chan int, 1)
	go func() {
		defer conn.Close()
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		k := 0
		for {
			select {
			case <-stop:
				sent <- k
				return
			case <-tick.C:
				if _, err := fmt.Fprintf(conn, "vigil-hup %d", k); err == nil {
					k++
				}
			}
		}
	}()

	var moved []string
	for i := range 10 {
		time.Sleep(120 * time.Millisecond)
		// The reopened file appears at the first flush after a HUP.
		waitFor("eve.json", func() bool { _, err := os.Stat(eve); return err == nil })
		to := fmt.Sprintf("%s.%d", eve, i)
		if err := os.Rename(eve, to); err != nil {
			t.Fatal(err)
		}
		moved = append(moved, to)
		if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatalf("SIGHUP %d: %v", i+1, err)
		}
		waitFor(fmt.Sprintf("SIGHUP %d handled", i+1), func() bool {
			return strings.Count(stderr.String(), "SIGHUP: reopening output files") == i+1
		})
	}
	time.Sleep(120 * time.Millisecond)
	close(stop)
	datagrams := <-sent
	time.Sleep(300 * time.Millisecond) // the last datagrams reach the ring
	select {
	case err := <-exited:
		t.Fatalf("vigil run exited (%v) before SIGTERM; stderr:\n%s", err, stderr.String())
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("vigil run: %v (want exit 0); stderr:\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("vigil run did not stop on SIGTERM; stderr:\n%s", stderr.String())
	}

	m := regexp.MustCompile(`eve\.json \((\d+) records written\)`).FindStringSubmatch(stderr.String())
	if m == nil {
		t.Fatalf("no records-written count in the summary; stderr:\n%s", stderr.String())
	}
	written, _ := strconv.Atoi(m[1])
	records, alerts, stats, statsAlerts, badSrc := 0, 0, 0, -1, 0
	for _, p := range append(moved, eve) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r struct {
				EventType string `json:"event_type"`
				PktSrc    string `json:"pkt_src"`
				Stats     struct {
					Detect struct {
						Alert *int `json:"alert"`
					} `json:"detect"`
				} `json:"stats"`
			}
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				t.Fatalf("%s: %v: %s", p, err, sc.Bytes())
			}
			records++
			switch r.EventType {
			case "alert":
				alerts++
				if r.PktSrc != "wire/pcap" { // Suricata's value, live or not
					badSrc++
				}
			case "stats":
				stats++
				if r.Stats.Detect.Alert != nil {
					statsAlerts = *r.Stats.Detect.Alert // the last one is the final record
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d datagrams, %d records in %d files (%d alerts, %d stats), summary says %d written",
		datagrams, records, len(moved)+1, alerts, stats, written)
	if stats < 2 {
		t.Errorf("%d stats records: want periodic ones (stats.interval 1, the run lasts over 2 s) and the final one", stats)
	}
	if badSrc > 0 {
		t.Errorf("%d alerts without pkt_src wire/pcap", badSrc)
	}
	if datagrams < 200 {
		t.Errorf("only %d datagrams sent: no load", datagrams)
	}
	if records != written {
		t.Errorf("%d records in the files, the run wrote %d", records, written)
	}
	if alerts != datagrams || statsAlerts != datagrams {
		t.Errorf("%d alerts in the files, final stats detect.alert %d, %d datagrams sent", alerts, statsAlerts, datagrams)
	}
}
