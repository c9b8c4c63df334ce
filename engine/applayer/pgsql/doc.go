// Package pgsql is Vigil's PostgreSQL frontend/backend protocol parser
// (protocol 3.0, https://www.postgresql.org/docs/current/protocol.html)
// for TCP, port 5432 and wherever a probe recognises it.
//
// Messages are framed by their length field and grouped into
// transactions as Suricata 8 groups them: a transaction opens with a
// request that starts an exchange (SSLRequest, StartupMessage, a password
// or SASL message, a simple query, CancelRequest, Terminate, the first
// CopyData of a COPY FROM STDIN) and collects the backend messages that
// follow until one that ends the exchange (ReadyForQuery, an SSL answer,
// an authentication request, CopyInResponse). DataRow and CopyData
// messages are counted and summed, never kept. A transaction exposes its
// simple query to the Suricata 8 keyword pgsql.query, raises Suricata's
// pgsql.* app-layer events and fills the "pgsql" EVE record.
//
// Buffer ownership: kept fields are copied out of the stream buffer. A
// Parser belongs to one flow (one worker) and is not safe for concurrent
// use.
package pgsql
