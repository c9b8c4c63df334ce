// Package ftpdata follows FTP data connections the way Suricata 8 does
// (its ftp-data app-layer and app-layer expectations): a data connection
// is never recognised from its own bytes but from the control channel
// that announced it.
//
// The control parser (engine/applayer/ftp) notes the data port a PORT,
// EPRT, PASV or EPSV negotiated; when the client then sends RETR or STOR,
// the engine files an Expectation here with the control flow's two
// addresses, that port, the command and its argument (the file name). A
// new TCP flow between the same two hosts whose server port is the
// expected one takes the expectation (once) and becomes an ftp-data flow
// parsed by Parser: one transaction that carries the transferred file.
//
// The transaction gives detection ftpdata_command (1 byte, 1 RETR, 2 STOR)
// and the file buffers (file.name from the command argument, file.data in
// the direction the bytes flow), and output Suricata's ftp_data object
// (command, filename) and a fileinfo record (size, state, gaps).
//
// Expectations is shared by all workers (a control flow and its data flow
// may be on different ones): a mutex guards it, and an atomic count lets
// the new-flow check skip the lock while no expectation is pending.
package ftpdata
