package rfb

import (
	"encoding/hex"
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// FillEVE adds Suricata's "rfb" object: both protocol versions, the
// authentication (security type, VNC challenge and response in hex,
// security result), the ClientInit shared flag and the ServerInit
// framebuffer. The failure reason is not written: the EVE schema has no
// field for it.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("rfb")
	version := func(key string, v *Version) {
		o.Open(key)
		o.Bytes("major", v.Major[:])
		o.Bytes("minor", v.Minor[:])
		o.Close()
	}
	if t.HasServerVersion {
		version("server_protocol_version", &t.ServerVersion)
	}
	if t.HasClientVersion {
		version("client_protocol_version", &t.ClientVersion)
	}
	o.Open("authentication")
	if t.HasSecType {
		o.Uint("security_type", uint64(t.SecType))
		if t.SecType == SecVNCAuth {
			o.Open("vnc")
			if t.HasChallenge {
				o.String("challenge", hex.EncodeToString(t.Challenge[:]))
			}
			if t.HasResponse {
				o.String("response", hex.EncodeToString(t.Response[:]))
			}
			o.Close()
		}
	}
	if t.HasSecResult {
		switch t.SecResult {
		case ResultOK:
			o.String("security_result", "OK")
		case ResultFail:
			o.String("security_result", "FAIL")
		case ResultTooMany:
			o.String("security_result", "TOOMANY")
		default:
			o.String("security_result", "UNKNOWN ("+strconv.FormatUint(uint64(t.SecResult), 10)+")")
		}
	}
	o.Close()
	if t.HasClientInit {
		o.Bool("screen_shared", t.Shared != 0)
	}
	if t.HasServerInit {
		o.Open("framebuffer")
		o.Uint("width", uint64(t.Width))
		o.Uint("height", uint64(t.Height))
		o.Bytes("name", t.Name)
		pf := &t.PixelFormat
		o.Open("pixel_format")
		o.Uint("bits_per_pixel", uint64(pf.BitsPerPixel))
		o.Uint("depth", uint64(pf.Depth))
		o.Bool("big_endian", pf.BigEndian != 0)
		o.Bool("true_color", pf.TrueColour != 0)
		o.Uint("red_max", uint64(pf.RedMax))
		o.Uint("green_max", uint64(pf.GreenMax))
		o.Uint("blue_max", uint64(pf.BlueMax))
		o.Uint("red_shift", uint64(pf.RedShift))
		o.Uint("green_shift", uint64(pf.GreenShift))
		o.Uint("blue_shift", uint64(pf.BlueShift))
		o.Close()
		o.Close()
	}
	return true
}
