package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"vigil/engine"
	"vigil/engine/verdict"
)

// The control socket of `vigil run --control PATH`: one JSON request a
// line, one JSON answer a line. Commands starting with "rules." go to the
// rule reloader ({"cmd":"rules.reload","wait":true} answers with the
// reload's result and diff under "reload"); the others are the verdict
// stage's (list, unblock, flush, resume: `vigil verdicts`), answered as
// verdict.ControlResponse.

// controlRequest is one request: the verdict stage's fields and Wait.
type controlRequest struct {
	Cmd  string `json:"cmd"`
	Addr string `json:"addr,omitempty"`
	// Wait makes rules.reload answer once the reload ended.
	Wait bool `json:"wait,omitempty"`
}

// controlResponse answers a controlRequest.
type controlResponse struct {
	verdict.ControlResponse
	Reload *engine.ReloadResult `json:"reload,omitempty"`
}

// controlMux routes control requests.
type controlMux struct {
	verdicts *verdict.Stage                  // nil: no verdict stage
	live     *atomic.Pointer[engine.LiveRun] // nil until the capture runs
}

func (m *controlMux) do(req controlRequest) controlResponse {
	var resp controlResponse
	switch {
	case req.Cmd == "rules.reload":
		r := m.live.Load()
		if r == nil {
			resp.Error = "rules.reload: the capture is not running yet"
			break
		}
		res := r.Reload(req.Wait)
		resp.Reload = &res
	case strings.HasPrefix(req.Cmd, "rules."):
		resp.Error = fmt.Sprintf("unknown command %q: want rules.reload", req.Cmd)
	case m.verdicts == nil:
		resp.Error = fmt.Sprintf("%s: no verdict stage", req.Cmd)
	default:
		resp.ControlResponse = m.verdicts.Do(verdict.ControlRequest{Cmd: req.Cmd, Addr: req.Addr})
	}
	return resp
}

// serve answers requests on ln until it is closed.
func (m *controlMux) serve(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			sc := bufio.NewScanner(c)
			enc := json.NewEncoder(c)
			for sc.Scan() {
				var req controlRequest
				var resp controlResponse
				if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
					resp.Error = "bad request: " + err.Error()
				} else {
					resp = m.do(req)
				}
				c.SetWriteDeadline(time.Now().Add(10 * time.Second))
				if enc.Encode(&resp) != nil {
					return
				}
			}
		}()
	}
}

// callControl sends one request to the control socket at path and
// decodes the answer into resp; an answer carrying an error is returned as
// an error too. A reload of a large ruleset takes a while: the deadline
// is generous.
func callControl(path string, req controlRequest, resp *controlResponse) error {
	c, err := net.DialTimeout("unix", path, 5*time.Second)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Minute))
	if err := json.NewEncoder(c).Encode(&req); err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	sc := bufio.NewScanner(c)
	sc.Buffer(nil, 64<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return fmt.Errorf("control socket: %w", err)
		}
		return errors.New("control socket: no answer")
	}
	if err := json.Unmarshal(sc.Bytes(), resp); err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if resp.Error != "" {
		return errors.New(resp.Error)
	}
	return nil
}
