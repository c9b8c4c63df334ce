package output

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// testLines returns n distinct record lines.
func testLines(n int) [][]byte {
	var out [][]byte
	for i := range n {
		out = append(out, fmt.Appendf(nil, `{"event_type":"alert","n":%d,"s":"a\"b"}`+"\n", i))
	}
	return out
}

// writeThrough submits lines through a deterministic Stage over sink and
// closes it.
func writeThrough(t *testing.T, sink interface{ Write([]byte) (int, error) }, lines [][]byte, det bool) StageStats {
	t.Helper()
	st := NewStage(sink, StageOptions{Name: "t", Deterministic: det, Block: !det})
	b := st.Batch()
	for i, l := range lines {
		b.Add(Key{Time: int64(i + 1), PcapCnt: uint64(i + 1)}, l)
		if b.Len() == 7 {
			st.Submit(b)
			b = st.Batch()
		}
	}
	st.Submit(b)
	if err := st.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	return st.Stats()
}

func TestSocketSinkStream(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eve.sock")
	ln, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			got <- nil
			return
		}
		var buf bytes.Buffer
		buf.ReadFrom(c)
		got <- buf.Bytes()
	}()
	s, err := OpenSocket(SocketOptions{Network: "unix", Addr: path})
	if err != nil {
		t.Fatal(err)
	}
	lines := testLines(50)
	st := writeThrough(t, s, lines, true)
	if want := bytes.Join(lines, nil); !bytes.Equal(<-got, want) {
		t.Fatalf("stream peer did not receive the lines in order")
	}
	if st.Written != 50 || st.Dropped != 0 {
		t.Fatalf("stats %+v; want 50 written, 0 dropped", st)
	}
}

// listenDgram returns a datagram listener at a new path and a function
// that reads n datagrams.
func listenDgram(t *testing.T) (string, func(n int) []string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dgram.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return path, func(n int) []string {
		var out []string
		buf := make([]byte, 1<<16)
		c.SetReadDeadline(time.Now().Add(5 * time.Second))
		for range n {
			k, err := c.Read(buf)
			if err != nil {
				t.Errorf("read datagram %d: %v", len(out), err) // may run in a goroutine
				return out
			}
			out = append(out, string(buf[:k]))
		}
		return out
	}
}

func TestSocketSinkDgram(t *testing.T) {
	path, read := listenDgram(t)
	s, err := OpenSocket(SocketOptions{Network: "unixgram", Addr: path})
	if err != nil {
		t.Fatal(err)
	}
	lines := testLines(20)
	ch := make(chan []string, 1)
	go func() { ch <- read(20) }() // a unix datagram queue holds ~10
	writeThrough(t, s, lines, true)
	got := <-ch
	if len(got) != len(lines) {
		t.Fatalf("received %d datagrams; want %d", len(got), len(lines))
	}
	for i, l := range lines {
		if got[i] != string(l) {
			t.Fatalf("datagram %d = %q; want %q (one record per datagram, newline included)", i, got[i], l)
		}
	}
}

func TestSyslogSink(t *testing.T) {
	path, read := listenDgram(t) // stands in for /dev/log
	fac, err := ParseSyslogFacility("local5")
	if err != nil {
		t.Fatal(err)
	}
	lvl, err := ParseSyslogLevel("Info")
	if err != nil {
		t.Fatal(err)
	}
	s, err := OpenSocket(SocketOptions{Network: "unixgram", Addr: path,
		Syslog: &SyslogFormat{Facility: fac, Severity: lvl, Identity: "vigil-test"}})
	if err != nil {
		t.Fatal(err)
	}
	lines := testLines(3)
	writeThrough(t, s, lines, true)
	// local5 = 21, info = 6: PRI 21*8+6 = 174.
	re := regexp.MustCompile(`^<174>[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d vigil-test\[\d+\]: (.*)$`)
	msgs := read(3)
	if len(msgs) != 3 {
		t.FailNow()
	}
	for i, m := range msgs {
		sub := re.FindStringSubmatch(m)
		if sub == nil || sub[1] != strings.TrimSuffix(string(lines[i]), "\n") {
			t.Fatalf("syslog message %d = %q; want <174>TIMESTAMP vigil-test[PID]: %s", i, m, lines[i])
		}
	}
	if _, err := ParseSyslogFacility("local9"); err == nil {
		t.Error("facility local9 accepted")
	}
	if _, err := ParseSyslogLevel("loud"); err == nil {
		t.Error("level loud accepted")
	}
}

// TestSocketSinkPeerAbsent: with no listener, records are dropped and
// counted at once, the run does not fail, and a listener that appears
// later gets the following records.
func TestSocketSinkPeerAbsent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "late.sock")
	s, err := OpenSocket(SocketOptions{Network: "unixgram", Addr: path, Backoff: Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	st := NewStage(s, StageOptions{Name: "late"})
	b := st.Batch()
	b.Add(Key{}, []byte("{}\n"))
	st.Submit(b)
	waitFor(t, func() bool { return st.Stats().Dropped == 1 }, "the record to the absent peer dropped")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	time.Sleep(10 * time.Millisecond) // past the backoff
	b = st.Batch()
	b.Add(Key{}, []byte(`{"late":1}`+"\n"))
	st.Submit(b)
	waitFor(t, func() bool { return st.Stats().Written == 1 }, "the record to the new peer written")
	if err := st.Close(); err != nil {
		t.Fatalf("close returned %v; a down peer is not a run error", err)
	}
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// redisServer is a redis-server the test started on a unix socket.
type redisServer struct {
	t    *testing.T
	dir  string
	sock string
	cmd  *exec.Cmd
}

// startRedis starts Debian's redis-server on a unix socket in a temporary
// directory (no TCP port), or skips the test when it is not installed.
func startRedis(t *testing.T) *redisServer {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Skip("redis-server not installed (apt-get install redis-server; scripts/deps.sh installs it)")
	}
	dir := t.TempDir()
	r := &redisServer{t: t, dir: dir, sock: filepath.Join(dir, "redis.sock")}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *redisServer) start() {
	r.t.Helper()
	os.Remove(r.sock)
	r.cmd = exec.Command("redis-server", "--port", "0", "--unixsocket", r.sock, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--dir", r.dir)
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	c := r.client()
	defer c.Close()
	waitFor(r.t, func() bool { return c.Ping(context.Background()).Err() == nil }, "redis-server to answer PING")
}

func (r *redisServer) stop() {
	if r.cmd != nil && r.cmd.Process != nil {
		r.cmd.Process.Kill()
		r.cmd.Wait()
		r.cmd = nil
	}
}

func (r *redisServer) client() *redis.Client {
	return redis.NewClient(&redis.Options{Network: "unix", Addr: r.sock, Protocol: 2, DisableIdentity: true})
}

// Contents returns what Redis holds at key for mode, oldest first.
func (r *redisServer) contents(mode RedisMode, key string) []string {
	r.t.Helper()
	c := r.client()
	defer c.Close()
	ctx := context.Background()
	switch mode {
	case RedisLPush, RedisRPush:
		l, err := c.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			r.t.Fatal(err)
		}
		if mode == RedisLPush {
			slices.Reverse(l)
		}
		return l
	case RedisXAdd:
		xs, err := c.XRange(ctx, key, "-", "+").Result()
		if err != nil {
			r.t.Fatal(err)
		}
		var out []string
		for _, x := range xs {
			out = append(out, x.Values[RedisStreamField].(string))
		}
		return out
	}
	r.t.Fatalf("contents: mode %d holds nothing", mode)
	return nil
}

func TestRedisSinkModes(t *testing.T) {
	srv := startRedis(t)
	lines := testLines(100)
	var want []string
	for _, l := range lines {
		want = append(want, strings.TrimSuffix(string(l), "\n"))
	}
	for _, tc := range []struct {
		mode  string
		batch int
	}{{"list", 1}, {"lpush", 10}, {"rpush", 7}, {"stream", 10}, {"xadd", 1}, {"channel", 10}, {"publish", 1}} {
		t.Run(fmt.Sprintf("%s/batch%d", tc.mode, tc.batch), func(t *testing.T) {
			mode, err := ParseRedisMode(tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			key := tc.mode + fmt.Sprint(tc.batch)
			var sub *redis.PubSub
			if mode == RedisPublish {
				c := srv.client()
				defer c.Close()
				sub = c.Subscribe(context.Background(), key)
				defer sub.Close()
				if _, err := sub.Receive(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			s, err := OpenRedis(RedisOptions{Network: "unix", Addr: srv.sock, Key: key, Mode: mode, BatchSize: tc.batch})
			if err != nil {
				t.Fatal(err)
			}
			st := writeThrough(t, s, lines, true)
			if st.Written != 100 || st.Dropped != 0 {
				t.Fatalf("stats %+v; want 100 written, 0 dropped", st)
			}
			var got []string
			if sub != nil {
				ch := sub.Channel()
				for range want {
					select {
					case m := <-ch:
						got = append(got, m.Payload)
					case <-time.After(5 * time.Second):
						t.Fatalf("received %d of %d published records", len(got), len(want))
					}
				}
			} else {
				got = srv.contents(mode, key)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("redis holds %d records, first %q; want the %d written lines in order", len(got), first(got), len(want))
			}
		})
	}
	if _, err := ParseRedisMode("queue"); err == nil {
		t.Error("mode queue accepted")
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// TestRedisSinkStreamMaxLen: stream-maxlen with exact trimming keeps the
// newest records.
func TestRedisSinkStreamMaxLen(t *testing.T) {
	srv := startRedis(t)
	s, err := OpenRedis(RedisOptions{Network: "unix", Addr: srv.sock, Key: "capped", Mode: RedisXAdd,
		StreamMaxLen: 10, StreamTrimExact: true, BatchSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	writeThrough(t, s, testLines(30), true)
	got := srv.contents(RedisXAdd, "capped")
	if len(got) != 10 || !strings.Contains(got[9], `"n":29`) {
		t.Fatalf("stream holds %d records, last %q; want the newest 10", len(got), got[len(got)-1])
	}
}

// TestRedisKilled: Redis dies while records flow. Submit never blocks, the
// records sent meanwhile are dropped and counted, and once Redis is back
// the sink reconnects and writes resume.
func TestRedisKilled(t *testing.T) {
	srv := startRedis(t)
	s, err := OpenRedis(RedisOptions{Network: "unix", Addr: srv.sock, Key: "k", Mode: RedisRPush, BatchSize: 8,
		Backoff: Backoff{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	st := NewStage(s, StageOptions{Name: "redis", QueueLen: 4})
	n := 0
	submit := func(k int) {
		for range k {
			b := st.Batch()
			for range 8 {
				b.Add(Key{}, fmt.Appendf(nil, `{"n":%d}`+"\n", n))
				n++
			}
			start := time.Now()
			st.Submit(b)
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Fatalf("Submit took %v; a dead sink must never stall the caller", d)
			}
			time.Sleep(time.Millisecond)
		}
	}
	// While Redis is up, each batch settles before the next is sent, so a
	// loaded machine cannot turn a full four-batch queue into drops here.
	for i := range 20 {
		submit(1)
		want := uint64(8 * (i + 1))
		waitFor(t, func() bool { s := st.Stats(); return s.Written+s.Dropped == want }, fmt.Sprintf("%d records settled while Redis is up", want))
	}
	up := st.Stats()
	if up.Written == 0 {
		t.Fatalf("Redis up: stats %+v; nothing written", up)
	}
	if up.Dropped != 0 {
		t.Logf("Redis up: %d records dropped (a write outlived its timeout on a loaded machine)", up.Dropped)
	}
	srv.stop()
	submit(50)
	waitFor(t, func() bool { return st.Stats().Queued == 0 }, "the queue to drain while Redis is down")
	down := st.Stats()
	if down.Dropped == up.Dropped {
		t.Fatalf("Redis down: stats %+v; want dropped records counted", down)
	}
	srv.start()
	waitFor(t, func() bool { submit(1); return st.Stats().Written > down.Written }, "writes to resume once Redis is back")
	if err := st.Close(); err != nil {
		t.Fatalf("close returned %v; a dead Redis is not a run error", err)
	}
	fin := st.Stats()
	if fin.Written+fin.Dropped != fin.Submitted {
		t.Fatalf("stats %+v: written + dropped != submitted", fin)
	}
	got := srv.contents(RedisRPush, "k")
	if uint64(len(got)) != fin.Written-up.Written {
		t.Fatalf("restarted Redis holds %d records; the stage wrote %d after the restart", len(got), fin.Written-up.Written)
	}
	t.Logf("submitted %d, written %d (%d after restart), dropped %d", fin.Submitted, fin.Written, len(got), fin.Dropped)
}
