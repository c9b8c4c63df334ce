package tls

// EVE holds the fields of Suricata's EVE "tls" object. Empty strings mean
// absent (omit from JSON).
type EVE struct {
	Subject        string   // "subject"
	IssuerDN       string   // "issuerdn"
	Serial         string   // "serial"
	Fingerprint    string   // "fingerprint"
	SNI            string   // "sni"
	Version        string   // "version"
	NotBefore      string   // "notbefore", "2006-01-02T15:04:05"
	NotAfter       string   // "notafter"
	JA3            Hash     // "ja3": {"hash","string"}
	JA3S           Hash     // "ja3s"
	JA4            string   // "ja4"
	ClientALPNs    []string // "client_alpns"
	ServerALPNs    []string // "server_alpns"
	SessionResumed bool     // "session_resumed"
}

// Hash is a fingerprint string with its hash.
type Hash struct {
	Hash, String string
}

// timeFormat is how Suricata prints certificate validity.
const timeFormat = "2006-01-02T15:04:05"

// EVE returns the EVE fields of t (output path; allocates).
func (t *Tx) EVE() EVE {
	var e EVE
	if len(t.Certs) > 0 {
		c := t.Certs[0]
		e.Subject, e.IssuerDN, e.Serial, e.Fingerprint = c.Subject, c.Issuer, c.Serial, c.Fingerprint
		if !c.NotBefore.IsZero() {
			e.NotBefore = c.NotBefore.Format(timeFormat)
			e.NotAfter = c.NotAfter.Format(timeFormat)
		}
	}
	e.SNI = string(t.Client.SNI)
	e.Version = VersionString(t.Version())
	if t.ja3 != nil {
		e.JA3 = Hash{Hash: string(t.ja3Hash), String: string(t.ja3)}
		e.JA4 = string(t.ja4)
	}
	if t.ja3s != nil {
		e.JA3S = Hash{Hash: string(t.ja3sHash), String: string(t.ja3s)}
	}
	for _, a := range t.Client.ALPN {
		e.ClientALPNs = append(e.ClientALPNs, string(a))
	}
	if t.Server.ALPN != nil {
		e.ServerALPNs = []string{string(t.Server.ALPN)}
	}
	// Resumption: the server echoed a non-empty client session id, and no
	// Certificate followed (TLS <= 1.2).
	if t.HasServerHello && len(t.Server.SessionID) > 0 && string(t.Server.SessionID) == string(t.Client.SessionID) && t.Certs == nil && t.Server.SelectedVersion == 0 {
		e.SessionResumed = true
	}
	return e
}
