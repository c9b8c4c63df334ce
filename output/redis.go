package output

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisMode is how records reach Redis (Suricata's redis.mode).
type RedisMode uint8

// The modes. Suricata's aliases: list = lpush, channel = publish,
// stream = xadd.
const (
	RedisLPush   RedisMode = iota // LPUSH key record (a list, newest first)
	RedisRPush                    // RPUSH key record (a list, oldest first)
	RedisPublish                  // PUBLISH key record (a channel)
	RedisXAdd                     // XADD key [MAXLEN ~ n] * eve record (a stream)
)

// ParseRedisMode reads Suricata's redis.mode values.
func ParseRedisMode(s string) (RedisMode, error) {
	switch strings.ToLower(s) {
	case "", "list", "lpush":
		return RedisLPush, nil
	case "rpush":
		return RedisRPush, nil
	case "channel", "publish":
		return RedisPublish, nil
	case "stream", "xadd":
		return RedisXAdd, nil
	}
	return 0, fmt.Errorf("redis mode %q: want list, lpush, rpush, channel, publish, stream or xadd", s)
}

// RedisStreamField is the field of a stream entry that holds the record,
// as Suricata names it.
const RedisStreamField = "eve"

// RedisOptions configures a RedisSink.
type RedisOptions struct {
	// Network is "tcp" (Addr host:port) or "unix" (Addr a socket path).
	Network, Addr string
	// Key is the list, channel or stream (default "suricata").
	Key  string
	Mode RedisMode
	// StreamMaxLen caps a stream (XADD MAXLEN); 0 leaves it unbounded.
	// StreamTrimExact trims to exactly that length instead of "~".
	StreamMaxLen    int64
	StreamTrimExact bool
	// BatchSize is the number of commands sent in one round trip
	// (Suricata's pipelining.batch-size; 0 or 1: one command per round
	// trip). The stage also sends what it holds whenever its queue runs
	// empty, so a light load does not wait for a full batch.
	BatchSize int
	// Backoff is the reconnection policy (zero: DefaultBackoff).
	Backoff Backoff
	// Timeout bounds dialing and each round trip (default 2s).
	Timeout time.Duration
}

// RedisSink sends each record (without its newline) to Redis as one
// command. While Redis is unreachable, writes fail at once with
// ErrSinkDown and the Stage drops and counts the records; the sink tries
// again after its backoff. It is used by one Stage goroutine.
type RedisSink struct {
	opt    RedisOptions
	c      *redis.Client
	r      redial
	ctx    context.Context
	sent   atomic.Uint64
	errors atomic.Uint64
}

// OpenRedis returns a sink for opt. It does not connect: Redis may come up
// later.
func OpenRedis(opt RedisOptions) (*RedisSink, error) {
	if opt.Addr == "" {
		return nil, errors.New("redis output: no server address")
	}
	if opt.Network == "" {
		opt.Network = "tcp"
	}
	if opt.Key == "" {
		opt.Key = "suricata"
	}
	if opt.BatchSize <= 0 {
		opt.BatchSize = 1
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	quietRedis.Do(func() { redis.SetLogger(quietLogger{}) })
	c := redis.NewClient(&redis.Options{
		Network: opt.Network, Addr: opt.Addr,
		MaxRetries:    -1, // a failed batch is dropped and counted, not retried
		DialerRetries: 1,  // the sink's Backoff paces reconnection
		DialTimeout:   opt.Timeout, ReadTimeout: opt.Timeout, WriteTimeout: opt.Timeout,
		PoolSize: 1, MinIdleConns: 0, DisableIdentity: true, Protocol: 2,
	})
	return &RedisSink{opt: opt, c: c, r: redial{b: opt.Backoff}, ctx: context.Background()}, nil
}

// Sent returns the number of records Redis accepted.
func (s *RedisSink) Sent() uint64 { return s.sent.Load() }

// Write sends the lines of p in batches of BatchSize commands. It returns
// the bytes of the leading lines Redis accepted; the Stage counts the rest
// as dropped.
func (s *RedisSink) Write(p []byte) (int, error) {
	if !s.r.ready() {
		return 0, down("redis %s: waiting to reconnect", s.opt.Addr)
	}
	done := 0
	for done < len(p) {
		// One batch: up to BatchSize lines.
		pipe := s.c.Pipeline()
		end := done
		for i := 0; i < s.opt.BatchSize && end < len(p); i++ {
			j := bytes.IndexByte(p[end:], '\n')
			next := len(p)
			line := p[end:]
			if j >= 0 {
				line, next = p[end:end+j], end+j+1
			}
			s.queue(pipe, line)
			end = next
		}
		cmds, err := pipe.Exec(s.ctx)
		if err != nil {
			ok := 0
			for _, c := range cmds {
				if c.Err() != nil {
					break
				}
				ok++
			}
			s.sent.Add(uint64(ok))
			s.errors.Add(1)
			s.r.failed()
			n := done
			for ; ok > 0; ok-- {
				n += bytes.IndexByte(p[n:], '\n') + 1
			}
			return n, down("redis %s: %w", s.opt.Addr, err)
		}
		s.r.ok()
		s.sent.Add(uint64(len(cmds)))
		done = end
	}
	return done, nil
}

func (s *RedisSink) queue(pipe redis.Pipeliner, line []byte) {
	switch s.opt.Mode {
	case RedisLPush:
		pipe.LPush(s.ctx, s.opt.Key, line)
	case RedisRPush:
		pipe.RPush(s.ctx, s.opt.Key, line)
	case RedisPublish:
		pipe.Publish(s.ctx, s.opt.Key, line)
	case RedisXAdd:
		pipe.XAdd(s.ctx, &redis.XAddArgs{Stream: s.opt.Key, MaxLen: s.opt.StreamMaxLen,
			Approx: s.opt.StreamMaxLen > 0 && !s.opt.StreamTrimExact, Values: []any{RedisStreamField, line}})
	}
}

// quietLogger silences go-redis's own log lines (a failed dial per
// attempt): the sink counts failures, and the stage reports them.
type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

var quietRedis sync.Once

// Close closes the client.
func (s *RedisSink) Close() error { return s.c.Close() }
