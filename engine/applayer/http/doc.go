// Package http is Vigil's HTTP/1.x application-layer parser.
//
// It consumes the two reassembled byte streams of a TCP flow (Parse per
// direction, Gap for lost bytes) and produces transactions: one request and
// its response, matched in order on pipelined and keep-alive connections.
// Each Tx exposes Suricata 8's HTTP sticky buffers (http.uri, http.header,
// file.data, ...; see applayer.BufferID) and the typed fields of the EVE
// "http" object (FillEVE).
//
// Behaviour follows Suricata 8 with libhtp's defaults where it matters:
// request and response bodies are kept up to 100 KiB each (Config), chunked
// transfer coding is removed, gzip and deflate response bodies are
// decompressed up to the body limit (so a decompression bomb costs at most
// the limit), malformed responses are read as libhtp reads them so that
// evasions browsers accept do not hide the body (response.go,
// decompress.go), http.host is lowercased without port, http.uri is the path
// percent-decoded with dot segments removed and repeated slashes compressed,
// followed by the raw query. A 101 response switching to h2c hands the
// flow over to package http2 (h2c.go), a 2xx answer to a CONNECT hands it
// over to protocol detection (a tunnel, applayer.Tunneler). libhtp's
// anomalies that Vigil detects are raised as app-layer events on the
// transaction, for app-layer-event rules and anomaly records (events.go).
// Pieces of a file fetched with Range requests are put together within
// the connection, and the whole file is logged once complete (ranges.go). Not done: %u decoding, backslash
// conversion, UTF-8 best-fit, multipart files past the first, request body
// decompression.
//
// Buffer ownership: Parse copies what it keeps. Slices returned by Tx
// methods are owned by the Tx and stay valid until it is pruned (built
// buffers are cached in the Tx). A Parser is used by one worker only.
package http
