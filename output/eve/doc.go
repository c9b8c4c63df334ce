// Package eve defines Vigil's EVE-JSON records and encodes them exactly as
// Suricata 8 writes them: the same keys, key order, value types, timestamp
// format ("2006-01-02T15:04:05.000000+0000", UTC unless configured) and
// string escaping, so that every line validates against Suricata 8.0.6's EVE
// schema and existing pipelines (Filebeat, Logstash, Elasticsearch) read
// Vigil's output unchanged.
//
// It is part of the output stage and imports nothing from the project: the
// engine fills a Record (typed fields, no maps) that it owns and reuses, the
// app-layer parsers under engine filling their own objects (dns, http, ssh,
// tls) from typed values; values become text only here (DNS record types
// through this package's one rr-type table, addresses, dates), and
// an Encoder appends the record as one line to a byte slice. Frequent records
// (alert, flow, http, dns, tls, ssh, anomaly) are encoded by hand-written
// append code that allocates nothing once buffers have grown; stats records
// (rare) are built from dotted counter names by Stats.
//
// Buffer ownership: the Encoder reads the Record and the byte slices it
// points to only during Append/Encode and keeps nothing, so they may point
// into packet and parser buffers. Encode returns the Encoder's own buffer,
// valid until the next call. An Encoder is not safe for concurrent use: each
// worker owns one. Package-level functions are safe for concurrent use.
//
// Strings follow Suricata's JSON builder: valid UTF-8 is written as is with
// '"', '\\' and control characters escaped (\b \t \n \f \r, else \u00xx in
// lower case); a string that is not valid UTF-8 has every byte >= 0x80
// written as the text \xNN, so JSON readers see a backslash, 'x' and two hex
// digits.
package eve
