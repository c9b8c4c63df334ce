// Package ftp is Vigil's parser for the FTP control channel (RFC 959,
// RFC 2428 for EPRT/EPSV), so that rules can inspect FTP commands and
// replies with the Suricata 8 ftp.* keywords (rules/ftp-keywords.html)
// instead of raw stream bytes.
//
// It consumes the in-order reassembled bytes of both directions of one TCP
// flow and produces one transaction per client command, as Suricata does:
// a request line names the command (looked up in Suricata's command table;
// a line naming no known command makes no transaction) and the server's
// reply lines attach to the oldest transaction still waiting for its reply.
// A multi-line reply ("211-...", ..., "211 ...") stays with one
// transaction; a 1yz preliminary reply keeps the transaction open for the
// final one. Reply lines arriving when no transaction exists (the 220
// greeting) make a transaction without a command, which the ftp.*
// keywords never match.
//
// Lines are bounded by MaxLine (Suricata's max-line-length, 4 KiB): a
// longer line is cut there and flagged truncated, and the rest of it is
// discarded up to its end; nothing is buffered beyond one partial line per
// direction. Live transactions per flow (MaxTx) and the reply lines and
// bytes kept per transaction are capped too. After AUTH TLS/SSL is
// accepted (234) the rest of the flow is encrypted and no longer parsed;
// after a gap the parser stops, as Suricata's does.
//
// FillEVE (eve.go) writes Suricata 8's "ftp" object for the ftp record
// and for alerts: command, command_data, the reply lines' codes and texts,
// dynamic_port, mode, reply_received and the truncation flags.
//
// The data channel: a RETR or STOR after a negotiated data port announces
// a data connection (TakeExpectation), which the engine files with
// engine/applayer/ftpdata so that the data flow becomes ftp-data.
//
// Buffer ownership: request and reply lines are copied; input slices are
// never kept. A Parser belongs to one flow (one worker) and is not safe
// for concurrent use.
package ftp
