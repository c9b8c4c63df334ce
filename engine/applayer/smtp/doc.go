// Package smtp is Vigil's SMTP parser (RFC 5321, with PIPELINING from RFC
// 2920, CHUNKING/BDAT from RFC 3030 and STARTTLS from RFC 3207) and the
// MIME decoder (RFC 2045, 2046, 2231) for the mail it carries, so that
// rules can inspect mails and their attachments with the Suricata 8
// smtp.*, email.* and file keywords (rules/smtp-keywords.html,
// rules/email-keywords.html, rules/file-keywords.html) instead of raw
// stream bytes.
//
// It consumes the in-order reassembled bytes of both directions of one TCP
// flow and produces transactions the way Suricata does: a client line
// arriving while there is no transaction, or while the current one is done
// (other than RSET and QUIT), starts a new one, so a transaction runs from
// the first command (EHLO, or MAIL FROM of a later mail) to the end of the
// mail: the "." line after DATA, the last BDAT chunk, an accepted RSET, an
// accepted STARTTLS or a rejected DATA. Server replies are matched with the
// commands in order (pipelining), a multi-line reply ("250-...", ...,
// "250 ...") answering one command; DATA enters data mode on the 354 reply,
// or right away when the server announced PIPELINING, as Suricata does.
// After STARTTLS is accepted (220) the rest of the flow is encrypted and no
// longer parsed (StateEncrypted); Suricata hands such flows to its TLS
// parser, Vigil does not. After a gap the parser stops (StateGap).
//
// Mail data (between DATA and ".") is dot-unstuffed (RFC 5321 section
// 4.5.2) and MIME-decoded: the message headers are kept for the email.*
// keywords; multipart bodies are split at their boundaries, nested
// multiparts included (up to MaxDepth; Suricata 8 follows the outer
// boundary only); and every part that names a file (the filename parameter
// of Content-Disposition, else the name parameter of its first
// Content-Type, RFC 2231 continuations joined) becomes a file of the
// transaction, decoded from base64 or quoted-printable. As in Suricata 8,
// parts without a name (the text and HTML bodies) are not files, and BDAT
// chunks are counted but not decoded. Parameter names are compared
// case-insensitively.
//
// Limits: command, reply and MIME header lines are bounded by MaxLine (4
// KiB, Suricata's line buffer limit): longer command and reply lines are
// dropped (Suricata drops them too), longer header lines are cut, longer
// body lines are decoded piecewise. Live transactions (MaxTx), commands
// waiting for a reply (MaxCommands), recipients (MaxRcpt), headers per
// block (MaxHeaders, MaxHeaderBytes), boundary nesting (MaxDepth), files
// per transaction (MaxFiles), file name length (MaxFileName) and the
// decoded file bytes kept per transaction (Config.FileLimit, all files
// together) are all capped. A file cut by FileLimit still counts its size;
// its MD5 is only known when the whole file was kept.
//
// Buffer ownership: every value a transaction exposes is a copy; input
// slices are never kept. A Parser belongs to one flow (one worker) and is
// not safe for concurrent use.
package smtp
