package output

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SyslogFormat frames records as local syslog messages (RFC 3164 as
// syslog daemons read them from /dev/log): "<PRI>Mmm dd hh:mm:ss
// IDENT[PID]: record".
type SyslogFormat struct {
	// Facility and Severity make PRI (facility*8 + severity); see
	// ParseSyslogFacility and ParseSyslogLevel.
	Facility, Severity int
	// Identity is the tag (Suricata's identity; default "suricata", the
	// name Suricata users' syslog rules match).
	Identity string
}

// syslogFacilities are the facility names Suricata's facility setting
// takes, by code.
var syslogFacilities = []string{
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp",
	"", "", "", "", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7",
}

// syslogLevels are the level names Suricata's level setting takes, by
// severity.
var syslogLevels = []string{"emergency", "alert", "critical", "error", "warning", "notice", "info", "debug"}

// ParseSyslogFacility returns the code of a facility name (local5).
func ParseSyslogFacility(name string) (int, error) {
	for i, f := range syslogFacilities {
		if f != "" && strings.EqualFold(f, name) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("syslog facility %q: want one of kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, local0 to local7", name)
}

// ParseSyslogLevel returns the severity of a level name (Info).
func ParseSyslogLevel(name string) (int, error) {
	for i, l := range syslogLevels {
		if strings.EqualFold(l, name) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("syslog level %q: want one of Emergency, Alert, Critical, Error, Warning, Notice, Info, Debug", name)
}

// Append appends one message carrying msg (a record without its newline).
func (f *SyslogFormat) Append(dst []byte, now time.Time, pid int, msg []byte) []byte {
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(f.Facility*8+f.Severity), 10)
	dst = append(dst, '>')
	dst = now.AppendFormat(dst, time.Stamp)
	dst = append(dst, ' ')
	id := f.Identity
	if id == "" {
		id = "suricata"
	}
	dst = append(dst, id...)
	dst = append(dst, '[')
	dst = strconv.AppendInt(dst, int64(pid), 10)
	dst = append(dst, "]: "...)
	return append(dst, msg...)
}
