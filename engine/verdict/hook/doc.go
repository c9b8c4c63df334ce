// Package hook holds the verdict stage's generic hooks: Exec runs a
// program for each verdict and Webhook POSTs it. Both send the verdict as
// JSON (verdict.Verdict's encoding, with the EVE alert record under
// "record"), carry an idempotency id (the verdict id, also in the
// Idempotency-Key header or VIGIL_VERDICT_ID variable) so that a retried
// delivery can be recognised, and, with a secret, an HMAC-SHA256 of the
// body (header X-Vigil-Signature or variable VIGIL_SIGNATURE,
// "sha256=<hex>").
//
// Exec never uses a shell: the command is an argv list and the JSON goes
// to stdin, because EVE fields come from attackers. Each attempt has a
// timeout after which the process is killed; failed attempts are retried
// with exponential backoff. Concurrency is bounded by the stage (one
// goroutine per Delivery.Concurrency).
//
// These are the hooks for a SPAN-port sensor, which sees traffic but does
// not forward it and so cannot block or mark it itself: the program or
// the endpoint tells the device that forwards.
package hook
