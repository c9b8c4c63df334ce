package eve

// XFFMode is how an output uses the client address an HTTP transaction's
// X-Forwarded-For header gives (Record.XFF): Suricata's eve-log xff mode.
type XFFMode uint8

const (
	// XFFOff ignores it.
	XFFOff XFFMode = iota
	// XFFExtraData logs it as alert.xff (http records carry the raw
	// header as http.xff already).
	XFFExtraData
	// XFFOverwrite logs it as dest_ip when the record's packet goes to
	// the client, as src_ip otherwise.
	XFFOverwrite
)

// xffMode is the mode that applies to r under e.
func (e *Encoder) xffMode(r *Record) XFFMode {
	if len(r.XFF) == 0 {
		return XFFOff
	}
	switch r.Type {
	case EventAlert:
		return e.XFFAlert
	case EventHTTP:
		return e.XFFHTTP
	}
	return XFFOff
}
