package hook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"time"

	"vigil/engine/verdict"
)

// sign returns "sha256=<hex>" of body under key.
func sign(key, body []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// retry runs try up to 1+d.Retries times with exponential backoff,
// stopping when ctx is done.
func retry(ctx context.Context, d verdict.Delivery, try func(context.Context) error) error {
	var err error
	back := d.Backoff
	for i := 0; i <= d.Retries; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return errors.Join(err, ctx.Err())
			case <-time.After(back):
			}
			back *= 2
		}
		actx, cancel := context.WithTimeout(ctx, d.Timeout)
		err = try(actx)
		cancel()
		if err == nil {
			return nil
		}
	}
	return err
}

// Exec runs a program per verdict.
type Exec struct {
	opts verdict.ExecOptions
}

// NewExec returns the exec hook; the command must be an absolute path or
// found in PATH now.
func NewExec(o verdict.ExecOptions) (*Exec, error) {
	if len(o.Command) == 0 {
		return nil, errors.New("exec hook: no command")
	}
	if _, err := exec.LookPath(o.Command[0]); err != nil {
		return nil, fmt.Errorf("exec hook: %w", err)
	}
	return &Exec{opts: o}, nil
}

// Name is "exec".
func (e *Exec) Name() string { return "exec" }

// Concurrency is the configured number of programs run at once.
func (e *Exec) Concurrency() int { return max(e.opts.Concurrency, 1) }

// MaxBatch is 1: one program run per verdict.
func (e *Exec) MaxBatch() int { return 1 }

// Apply runs the program for each verdict, its JSON on stdin.
func (e *Exec) Apply(ctx context.Context, vs []*verdict.Verdict) error {
	var errs []error
	for _, v := range vs {
		body, err := json.Marshal(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		env := []string{"VIGIL_VERDICT_ID=" + v.ID, "VIGIL_ACTION=" + v.Action.String(), "VIGIL_ADDR=" + v.Addr.String(),
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
		if len(e.opts.Secret) > 0 {
			env = append(env, "VIGIL_SIGNATURE="+sign(e.opts.Secret, body))
		}
		errs = append(errs, retry(ctx, e.opts.Delivery, func(ctx context.Context) error {
			cmd := exec.CommandContext(ctx, e.opts.Command[0], e.opts.Command[1:]...)
			cmd.Stdin = bytes.NewReader(body)
			cmd.Env = env
			cmd.WaitDelay = time.Second // a child holding the pipes open does not hang Wait
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if ctx.Err() != nil {
				return fmt.Errorf("exec hook %s: killed after %s", e.opts.Command[0], e.opts.Timeout)
			}
			if err != nil {
				return fmt.Errorf("exec hook %s: %w: %s", e.opts.Command[0], err, bytes.TrimSpace(stderr.Bytes()))
			}
			return nil
		}))
	}
	return errors.Join(errs...)
}

// Webhook POSTs each verdict.
type Webhook struct {
	opts   verdict.WebhookOptions
	client *http.Client
}

// NewWebhook returns the webhook hook.
func NewWebhook(o verdict.WebhookOptions) *Webhook {
	return &Webhook{opts: o, client: &http.Client{}}
}

// Name is "webhook".
func (w *Webhook) Name() string { return "webhook" }

// Concurrency is the configured number of requests in flight.
func (w *Webhook) Concurrency() int { return max(w.opts.Concurrency, 1) }

// MaxBatch is 1: one POST per verdict.
func (w *Webhook) MaxBatch() int { return 1 }

// Apply POSTs each verdict; a 2xx answer is success, anything else is
// retried.
func (w *Webhook) Apply(ctx context.Context, vs []*verdict.Verdict) error {
	var errs []error
	for _, v := range vs {
		body, err := json.Marshal(v)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, retry(ctx, w.opts.Delivery, func(ctx context.Context) error {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.opts.URL, bytes.NewReader(body))
			if err != nil {
				return err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", v.ID)
			if len(w.opts.Secret) > 0 {
				req.Header.Set("X-Vigil-Signature", sign(w.opts.Secret, body))
			}
			resp, err := w.client.Do(req)
			if err != nil {
				return fmt.Errorf("webhook: %w", err)
			}
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
			if resp.StatusCode/100 != 2 {
				return fmt.Errorf("webhook: %s", resp.Status)
			}
			return nil
		}))
	}
	return errors.Join(errs...)
}
