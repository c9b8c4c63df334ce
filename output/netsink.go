package output

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"time"
)

// ErrSinkDown is the class of errors of a network sink whose peer is
// unreachable (refused, closed, not yet back). The Stage counts the records
// as dropped and goes on; it is not an error of the run, and the sink
// connects again by itself (see Backoff).
var ErrSinkDown = errors.New("output sink down")

// Backoff is how a network sink reconnects: after a failure it refuses
// writes (they are dropped and counted) for Min, then twice as long after
// each further failure, up to Max, and tries again at the first write after
// that. A success resets it.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff waits 100ms after the first failure and at most 10s.
var DefaultBackoff = Backoff{Min: 100 * time.Millisecond, Max: 10 * time.Second}

// redial tracks a sink's reconnection schedule. It is used by the sink's
// Stage goroutine only.
type redial struct {
	b     Backoff
	delay time.Duration
	next  time.Time
}

func (r *redial) ready() bool { return r.next.IsZero() || !time.Now().Before(r.next) }

func (r *redial) failed() {
	if r.b.Min <= 0 {
		r.b = DefaultBackoff
	}
	if r.delay == 0 {
		r.delay = r.b.Min
	} else {
		r.delay = min(2*r.delay, r.b.Max)
	}
	r.next = time.Now().Add(r.delay)
}

func (r *redial) ok() { r.delay, r.next = 0, time.Time{} }

// downError wraps err in ErrSinkDown.
type downError struct{ err error }

func (e downError) Error() string        { return e.err.Error() }
func (e downError) Unwrap() []error      { return []error{ErrSinkDown, e.err} }
func down(format string, a ...any) error { return downError{fmt.Errorf(format, a...)} }

// SocketOptions configures a SocketSink.
type SocketOptions struct {
	// Network is "unixgram" (Suricata's unix_dgram: one datagram per
	// record, newline included) or "unix" (unix_stream: the lines as a
	// byte stream).
	Network string
	// Addr is the socket path.
	Addr string
	// Syslog, when set, frames each record as one syslog message (and
	// drops its newline): the sink is Suricata's filetype syslog, with
	// Addr the local syslog socket (/dev/log).
	Syslog *SyslogFormat
	// Backoff is the reconnection policy (zero: DefaultBackoff).
	Backoff Backoff
	// Timeout bounds each write (default 2s): a peer that stops reading
	// costs the stage at most this, then its records are dropped.
	Timeout time.Duration
}

// SocketSink writes whole lines to a unix socket, connecting at the first
// write and again after a failure (see Backoff). When the peer is absent,
// writes fail at once with ErrSinkDown, so the Stage drops and counts the
// records instead of stalling. It is used by one Stage goroutine.
type SocketSink struct {
	opt   SocketOptions
	conn  net.Conn
	r     redial
	msg   []byte // syslog framing buffer
	pid   int
	conns atomic.Uint64
}

// OpenSocket returns a sink for opt. It does not connect: the peer may come
// up later.
func OpenSocket(opt SocketOptions) (*SocketSink, error) {
	switch opt.Network {
	case "unix", "unixgram":
	default:
		return nil, fmt.Errorf("socket output %s: network %q: want unix or unixgram", opt.Addr, opt.Network)
	}
	if opt.Addr == "" {
		return nil, errors.New("socket output: no socket path")
	}
	if opt.Timeout <= 0 {
		opt.Timeout = 2 * time.Second
	}
	return &SocketSink{opt: opt, r: redial{b: opt.Backoff}, pid: os.Getpid()}, nil
}

// Connects returns how many times the sink connected.
func (s *SocketSink) Connects() uint64 { return s.conns.Load() }

func (s *SocketSink) connect() error {
	if s.conn != nil {
		return nil
	}
	if !s.r.ready() {
		return down("%s %s: waiting to reconnect", s.opt.Network, s.opt.Addr)
	}
	c, err := net.DialTimeout(s.opt.Network, s.opt.Addr, s.opt.Timeout)
	if err != nil {
		s.r.failed()
		return downError{err}
	}
	s.r.ok()
	s.conn = c
	s.conns.Add(1)
	return nil
}

func (s *SocketSink) drop(err error) error {
	if s.conn != nil {
		s.conn.Close()
		s.conn = nil
	}
	s.r.failed()
	return downError{err}
}

// Write sends p, which holds whole lines. It returns the bytes of the lines
// sent before a failure, so the Stage counts the rest as dropped.
func (s *SocketSink) Write(p []byte) (int, error) {
	if err := s.connect(); err != nil {
		return 0, err
	}
	s.conn.SetWriteDeadline(time.Now().Add(s.opt.Timeout))
	if s.opt.Network == "unix" && s.opt.Syslog == nil {
		n, err := s.conn.Write(p)
		if err != nil {
			// The peer may hold part of a line; a reader of a stream
			// socket resynchronises on the next newline.
			return n, s.drop(err)
		}
		return n, nil
	}
	done := 0
	for done < len(p) {
		end := bytes.IndexByte(p[done:], '\n')
		if end < 0 {
			end = len(p)
		} else {
			end += done + 1
		}
		line := p[done:end]
		if s.opt.Syslog != nil {
			s.msg = s.opt.Syslog.Append(s.msg[:0], time.Now(), s.pid, bytes.TrimSuffix(line, []byte{'\n'}))
			line = s.msg
		}
		if _, err := s.conn.Write(line); err != nil {
			return done, s.drop(err)
		}
		done = end
	}
	return done, nil
}

// Close closes the connection.
func (s *SocketSink) Close() error {
	if s.conn != nil {
		err := s.conn.Close()
		s.conn = nil
		return err
	}
	return nil
}
