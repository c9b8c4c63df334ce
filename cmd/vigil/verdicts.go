package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"os"
	"strings"

	"vigil/engine/config"
	"vigil/engine/verdict"
	"vigil/engine/verdict/hook"
	"vigil/engine/verdict/nft"
	"vigil/engine/verdict/shape"
)

// setupVerdicts builds and starts the verdict stage from the
// vigil.verdicts.* keys (YAML and --set) with the hooks they enable, and
// the control socket when control is not empty. The returned stop closes
// them; the stage is nil when nothing asks for verdicts (no on-drop-rules,
// no hook) so that the engine skips the work.
func setupVerdicts(cfg *config.Config, control string, log *slog.Logger) (*verdict.Stage, func(), error) {
	o, err := verdict.ParseOptions(cfg, os.ReadFile)
	if err != nil {
		return nil, nil, err
	}
	var extra []verdict.Hook
	if o.NFT.Enabled {
		h, err := nft.New(nft.Options{Table: o.NFT.Table, ManageTable: o.NFT.ManageTable, MaxBlocked: o.MaxBlocked, Timeout: o.Durations[0]})
		if err != nil {
			return nil, nil, fmt.Errorf("%snftables: %w", verdict.Prefix, err)
		}
		extra = append(extra, h)
	}
	if o.Shaping.Enabled {
		h, err := shape.New(shape.Options{})
		if err != nil {
			closeHooks(extra)
			return nil, nil, fmt.Errorf("%sshaping: %w", verdict.Prefix, err)
		}
		extra = append(extra, h)
	}
	if len(o.Exec.Command) > 0 {
		h, err := hook.NewExec(o.Exec)
		if err != nil {
			closeHooks(extra)
			return nil, nil, fmt.Errorf("%sexec.command: %w", verdict.Prefix, err)
		}
		extra = append(extra, h)
	}
	if o.Webhook.URL != "" {
		extra = append(extra, hook.NewWebhook(o.Webhook))
	}
	if !o.OnDropRules && len(extra) == 0 && control == "" {
		return nil, func() {}, nil
	}
	var self []netip.Prefix
	if o.AllowSelf {
		if self, err = verdict.SelfPrefixes(); err != nil {
			closeHooks(extra)
			return nil, nil, fmt.Errorf("%sallow-self: %w", verdict.Prefix, err)
		}
	}
	pol, err := verdict.NewPolicy(o, self...)
	if err != nil {
		closeHooks(extra)
		return nil, nil, err
	}
	st := verdict.New(o, pol, log, extra...)
	if err := st.Start(context.Background()); err != nil {
		st.Close()
		return nil, nil, err
	}
	// The control socket is served by run (control.go).
	return st, func() { st.Close() }, nil
}

func closeHooks(hs []verdict.Hook) {
	for _, h := range hs {
		if c, ok := h.(verdict.Closer); ok {
			c.Close()
		}
	}
}

// cmdVerdicts is `vigil verdicts list|unblock ADDR|flush|resume`: a client
// of a running `vigil run --control PATH`.
func cmdVerdicts(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("verdicts", "vigil verdicts [--control PATH] list|unblock ADDR|flush|resume", stderr)
	control := fs.String("control", "/run/vigil/control.sock", "control socket of the running vigil run")
	asJSON := fs.Bool("json", false, "print the answer as JSON")
	if rc := parseFlags(fs, args); rc >= 0 {
		return rc
	}
	req := verdict.ControlRequest{Cmd: fs.Arg(0)}
	switch {
	case req.Cmd == "unblock" && fs.NArg() == 2:
		req.Addr = fs.Arg(1)
	case (req.Cmd == "list" || req.Cmd == "flush" || req.Cmd == "resume") && fs.NArg() == 1:
	default:
		fs.Usage()
		return 2
	}
	resp, err := verdict.Call(*control, req)
	if err != nil {
		fmt.Fprintf(stderr, "vigil verdicts %s: %v\n", req.Cmd, err)
		return 1
	}
	if *asJSON {
		json.NewEncoder(stdout).Encode(&resp)
		return 0
	}
	fmt.Fprintf(stdout, "mode: %s", resp.Mode)
	if resp.Tripped {
		fmt.Fprint(stdout, " (circuit breaker tripped)")
	}
	fmt.Fprintln(stdout)
	switch req.Cmd {
	case "list":
		for _, b := range resp.Blocks {
			state := "enforced"
			if b.DryRun {
				state = "dry-run"
			}
			var rules []string
			for _, r := range b.Rules {
				rules = append(rules, fmt.Sprintf("%d:%d", r.GID, r.SID))
			}
			fmt.Fprintf(stdout, "%-40s %-8s offence %d until %s  %s %s\n", b.Addr, state, b.Offence,
				b.Until.Format("2006-01-02T15:04:05Z07:00"), b.Reason, strings.Join(rules, ","))
		}
		fmt.Fprintf(stdout, "%d blocked\n", len(resp.Blocks))
	case "unblock", "flush":
		fmt.Fprintf(stdout, "%d lifted\n", resp.Lifted)
	}
	return 0
}
