package engine

import (
	"vigil/detect/bufid"
	"vigil/engine/applayer/ftp"
	"vigil/engine/applayer/ftpdata"
	"vigil/engine/flow"
)

// FTP data connections (Suricata's app-layer expectations): an FTP
// control flow's RETR/STOR files an expectation with the pipeline's
// shared table (Config.expect); a TCP flow between the same hosts to the
// expected port takes it at its first data and becomes ftp-data.

// ftpExpect files the data connection control flow e just announced.
func (w *Worker) ftpExpect(e *flow.Entry[flowData]) {
	p, ok := e.Value.parser.(*ftp.Parser)
	if !ok {
		return
	}
	x, ok := p.TakeExpectation()
	if !ok {
		return
	}
	cmd := ftpdata.CmdNone
	switch x.Command {
	case ftp.CmdRETR:
		cmd = ftpdata.CmdRETR
	case ftp.CmdSTOR:
		cmd = ftpdata.CmdSTOR
	}
	a, _ := e.Client()
	b, _ := e.Server()
	w.expect.Add(ftpdata.Expectation{A: a, B: b, Port: x.Port, Command: cmd,
		FileName: append([]byte(nil), x.FileName...)})
}

// ftpDataFlow makes flow e an ftp-data flow when an expectation names
// it; false when none does.
func (w *Worker) ftpDataFlow(e *flow.Entry[flowData]) bool {
	c, _ := e.Client()
	s, sport := e.Server()
	x, ok := w.expect.Take(c, s, sport)
	if !ok {
		return false
	}
	fd := &e.Value
	fd.proto = bufid.ProtoFTPData
	w.Stats.AppLayer[bufid.ProtoFTPData]++
	fd.parser = ftpdata.New(x.Command, x.FileName)
	return true
}
