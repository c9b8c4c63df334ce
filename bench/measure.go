package bench

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// Usage is what one finished process cost, from wait4's rusage.
type Usage struct {
	Wall      time.Duration
	User      time.Duration
	Sys       time.Duration
	MaxRSSKiB int64 // peak resident set size (ru_maxrss, KiB on Linux)
	ExitCode  int
	Output    string // last few KiB of stdout and stderr together
}

// CPU returns user plus system time.
func (u Usage) CPU() time.Duration { return u.User + u.Sys }

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// Measure runs name with args and returns its wall time and rusage. The tail
// of stdout and stderr (interleaved) is kept. A non-zero exit is not an error (the
// caller decides); failing to start, or ctx ending, is.
func Measure(ctx context.Context, dir string, name string, args ...string) (Usage, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	tail := &tailBuffer{max: 8 << 10}
	cmd.Stdout, cmd.Stderr = tail, tail
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	var u Usage
	u.Wall = wall
	u.Output = string(bytes.TrimSpace(tail.b))
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			u.User = time.Duration(ru.Utime.Nano())
			u.Sys = time.Duration(ru.Stime.Nano())
			u.MaxRSSKiB = ru.Maxrss
		}
		u.ExitCode = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() != nil {
		return u, fmt.Errorf("run %s: %w", name, ctx.Err())
	}
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		return u, fmt.Errorf("run %s: %w", name, err)
	}
	return u, nil
}
