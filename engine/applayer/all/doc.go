// Package all binds Vigil's app-layer parsers to the detection table of
// package applayer: Registry returns the default applayer.Registry whose
// entries carry probes and parser constructors (HTTP, TLS, SSH, DNS over UDP
// and TCP, SMTP, FTP, ...).
//
// It exists so that package applayer does not import its subpackages. The
// returned Registry is immutable and safe for concurrent use.
package all
