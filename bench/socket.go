package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// RunCaptures replays each capture through one Suricata process in unix-socket
// mode, so that the rules are loaded once and every capture starts from an
// empty flow table (as the reference alerts in ../shared/pcaps were made).
// Each capture's EVE goes to outDirs[i], which must exist. logDir receives
// Suricata's own log.
func (s *Suricata) RunCaptures(ctx context.Context, captures, outDirs []string, logDir string) error {
	if len(captures) != len(outDirs) {
		return errors.New("run captures: one output directory per capture")
	}
	sock := filepath.Join(logDir, "suricata.sock")
	os.Remove(sock)
	args := append(s.common(logDir), "-S", s.RuleFile, "--runmode", "single", "--unix-socket="+sock)
	cmd := exec.CommandContext(ctx, s.Bin, args...)
	tail := &tailBuffer{max: 4 << 10}
	cmd.Stderr = tail
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start suricata: %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Kill() // ours, by pid; an error means it already exited
		<-done
	}

	conn, err := dialSocket(ctx, sock, done)
	if err != nil {
		stop()
		return fmt.Errorf("suricata unix socket: %w (stderr: %s)", err, tail.b)
	}
	defer conn.Close()
	c := &socketClient{enc: json.NewEncoder(conn), dec: json.NewDecoder(conn)}
	if _, err := c.call(map[string]any{"version": "0.2"}); err != nil {
		stop()
		return fmt.Errorf("suricata unix socket: handshake: %w", err)
	}
	for i, capPath := range captures {
		abs, err := filepath.Abs(capPath)
		if err != nil {
			stop()
			return fmt.Errorf("run captures: %w", err)
		}
		out, err := filepath.Abs(outDirs[i])
		if err != nil {
			stop()
			return fmt.Errorf("run captures: %w", err)
		}
		if _, err := c.call(map[string]any{"command": "pcap-file",
			"arguments": map[string]any{"filename": abs, "output-dir": out}}); err != nil {
			stop()
			return fmt.Errorf("suricata unix socket: add %s: %w", capPath, err)
		}
	}
	// Wait until the queue is empty and no file is being processed.
	for {
		select {
		case <-ctx.Done():
			stop()
			return ctx.Err()
		case err := <-done:
			done <- err // for a later stop
			return fmt.Errorf("suricata exited while replaying: %v (stderr: %s)", err, tail.b)
		case <-time.After(200 * time.Millisecond):
		}
		n, err := c.call(map[string]any{"command": "pcap-file-number"})
		if err != nil {
			stop()
			return fmt.Errorf("suricata unix socket: %w", err)
		}
		cur, err := c.call(map[string]any{"command": "pcap-current"})
		if err != nil {
			stop()
			return fmt.Errorf("suricata unix socket: %w", err)
		}
		var num int
		var name string
		json.Unmarshal(n, &num)
		json.Unmarshal(cur, &name)
		if num == 0 && name == "None" {
			break
		}
	}
	c.call(map[string]any{"command": "shutdown"})
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		stop()
	}
	return nil
}

// dialSocket waits for the socket to accept a connection; loading all rules
// takes tens of seconds on a busy machine.
func dialSocket(ctx context.Context, path string, exited chan error) (net.Conn, error) {
	for {
		if c, err := net.Dial("unix", path); err == nil {
			return c, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case err := <-exited:
			exited <- err
			return nil, fmt.Errorf("suricata exited before opening its socket: %v", err)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

type socketClient struct {
	enc *json.Encoder
	dec *json.Decoder
}

// call sends one command and returns the "message" of an OK reply.
func (c *socketClient) call(msg map[string]any) (json.RawMessage, error) {
	if err := c.enc.Encode(msg); err != nil {
		return nil, err
	}
	var rep struct {
		Return  string          `json:"return"`
		Message json.RawMessage `json:"message"`
	}
	if err := c.dec.Decode(&rep); err != nil {
		return nil, fmt.Errorf("read reply: %w", err)
	}
	if rep.Return != "OK" {
		return nil, fmt.Errorf("%v: %s", msg["command"], rep.Message)
	}
	return rep.Message, nil
}
