// Package evetest validates EVE-JSON output in tests against Suricata 8.0.6's
// EVE schema, ../shared/eve/schema.json relative to the module root.
//
// The schema is compiled once per test binary. When the shared data is
// absent, Validate and ValidateFile skip the test with a clear message.
// The schema forbids unknown properties (additionalProperties: false) at the
// top level and in almost every object, and requires "timestamp" and
// "event_type" ("dns" objects also require "version"); so a misspelled or
// invented key fails validation. Failures name the line, the instance path
// and the failing schema keyword path. Samples returns example records of
// every kind for golden tests and benchmarks. The functions are safe for
// concurrent use; Schema-dependent ones call t.Skip when ../shared is
// absent, so call them last in a test.
package evetest
