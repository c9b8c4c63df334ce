package detect

// SMTP and email keywords (Suricata 8 rules/smtp-keywords.html and
// rules/email-keywords.html) are sticky buffers of the client's side of an
// SMTP transaction (a Buf each, proto "smtp", bufid.ToServer):
//
//   - smtp.helo: the flow's first HELO/EHLO argument, on every transaction;
//   - smtp.mail_from: the transaction's first MAIL FROM argument;
//   - smtp.rcpt_to: each RCPT TO argument (multi-buffer);
//   - email.from, email.subject, email.to, email.cc, email.date,
//     email.message_id, email.x_mailer: the value of the first message
//     header of that name, once the message headers ended;
//   - email.received: each Received header (multi-buffer).
//
// SMTP transactions also carry the file buffers (files.go): file.data,
// file.name, filemd5 and filesize have one instance per MIME attachment,
// so a rule's file.data list matches when any one attachment matches.
// email.url is not supported: its rules are skipped.
