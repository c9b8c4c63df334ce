package verdict

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"time"
)

// ControlRequest is one command on the control socket: one JSON object a
// line, answered by one ControlResponse line.
type ControlRequest struct {
	// Cmd is "list", "unblock" (Addr), "flush" or "resume".
	Cmd  string `json:"cmd"`
	Addr string `json:"addr,omitempty"`
}

// ControlResponse answers a ControlRequest.
type ControlResponse struct {
	Error   string  `json:"error,omitempty"`
	Mode    string  `json:"mode,omitempty"`
	Tripped bool    `json:"breaker_tripped,omitempty"`
	Blocks  []Block `json:"blocks,omitempty"`
	// Lifted counts the blocks an unblock or flush lifted.
	Lifted int `json:"lifted,omitempty"`
}

// ListenControl listens on a unix socket at path (replacing a stale
// socket file), mode 0600: whoever can write it can unblock.
func ListenControl(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket != 0 {
		os.Remove(path)
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	return ln, nil
}

// Serve answers control requests on ln until it is closed.
func (s *Stage) Serve(ln net.Listener) error {
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go s.serveConn(c)
	}
}

func (s *Stage) serveConn(c net.Conn) {
	defer c.Close()
	sc := bufio.NewScanner(c)
	enc := json.NewEncoder(c)
	for sc.Scan() {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		var req ControlRequest
		var resp ControlResponse
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			resp.Error = "bad request: " + err.Error()
		} else {
			resp = s.Do(req)
		}
		if enc.Encode(&resp) != nil {
			return
		}
	}
}

// Do executes one control request.
func (s *Stage) Do(req ControlRequest) ControlResponse {
	var resp ControlResponse
	switch req.Cmd {
	case "list":
		resp.Blocks = s.List()
	case "unblock":
		a, err := netip.ParseAddr(req.Addr)
		if err != nil {
			resp.Error = fmt.Sprintf("unblock: bad address %q", req.Addr)
			break
		}
		if !s.Unblock(a) {
			resp.Error = fmt.Sprintf("unblock: %s is not blocked", a)
			break
		}
		resp.Lifted = 1
	case "flush":
		resp.Lifted = s.Flush()
	case "resume":
		s.Resume()
	default:
		resp.Error = fmt.Sprintf("unknown command %q: want list, unblock, flush or resume", req.Cmd)
	}
	resp.Mode, resp.Tripped = s.pol.Mode().String(), s.pol.Tripped()
	return resp
}

// Call sends one request to the control socket at path and returns the
// answer; an answer carrying an error is returned as an error too.
func Call(path string, req ControlRequest) (ControlResponse, error) {
	var resp ControlResponse
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return resp, fmt.Errorf("control socket: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	if err := json.NewEncoder(c).Encode(&req); err != nil {
		return resp, fmt.Errorf("control socket: %w", err)
	}
	sc := bufio.NewScanner(c)
	sc.Buffer(nil, 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return resp, fmt.Errorf("control socket: %w", err)
		}
		return resp, errors.New("control socket: no answer")
	}
	if err := json.Unmarshal(sc.Bytes(), &resp); err != nil {
		return resp, fmt.Errorf("control socket: %w", err)
	}
	if resp.Error != "" {
		return resp, errors.New(resp.Error)
	}
	return resp, nil
}
