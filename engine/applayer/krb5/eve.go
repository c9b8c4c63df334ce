package krb5

import (
	"strconv"

	"vigil/engine/applayer"
	"vigil/output/eve"
)

// msgNames are the msg_type values of Suricata's krb5 record.
var msgNames = map[uint32]string{
	MsgASReq: "KRB_AS_REQ", MsgASRep: "KRB_AS_REP", MsgTGSReq: "KRB_TGS_REQ",
	MsgTGSRep: "KRB_TGS_REP", MsgAPReq: "KRB_AP_REQ", MsgAPRep: "KRB_AP_REP",
	MsgSafe: "KRB_SAFE", MsgPriv: "KRB_PRIV", MsgCred: "KRB_CRED", MsgError: "KRB_ERROR",
}

// etypeNames are the encryption type names (RFC 3961 section 8 and the
// RFCs after it, Microsoft's negative private types) as Suricata writes
// them.
var etypeNames = map[int32]string{
	1: "des-cbc-crc", 2: "des-cbc-md4", 3: "des-cbc-md5", 5: "des3-cbc-md5",
	7: "des3-cbc-sha1", 9: "dsaWithSHA1-CmsOID", 10: "md5WithRSAEncryption-CmsOID",
	11: "sha1WithRSAEncryption-CmsOID", 12: "rc2CBC-EnvOID", 13: "rsaEncryption-EnvOID",
	14: "rsaES-OAEP-ENV-OID", 15: "des-ede3-cbc-Env-OID", 16: "des3-cbc-sha1-kd",
	17: "aes128-cts-hmac-sha1-96", 18: "aes256-cts-hmac-sha1-96",
	19: "aes128-cts-hmac-sha256-128", 20: "aes256-cts-hmac-sha384-192",
	23: "rc4-hmac", 24: "rc4-hmac-exp", 25: "camellia128-cts-cmac", 26: "camellia256-cts-cmac",
	65: "subkey-keymaterial", -128: "rc4-md4", -129: "rc4-plain2", -130: "rc4-lm",
	-131: "rc4-sha", -132: "des-plain", -133: "rc4-hmac-OLD", -134: "rc4-plain-OLD",
	-135: "rc4-hmac-OLD-exp", -136: "rc4-plain-OLD-exp", -140: "rc4-plain", -141: "rc4-plain-exp",
}

// errNames are the KRB-ERROR codes of RFC 4120 section 7.5.9 and RFC 4556
// section 3.1.3 under their RFC names.
var errNames = map[int32]string{
	0: "KDC_ERR_NONE", 1: "KDC_ERR_NAME_EXP", 2: "KDC_ERR_SERVICE_EXP", 3: "KDC_ERR_BAD_PVNO",
	4: "KDC_ERR_C_OLD_MAST_KVNO", 5: "KDC_ERR_S_OLD_MAST_KVNO", 6: "KDC_ERR_C_PRINCIPAL_UNKNOWN",
	7: "KDC_ERR_S_PRINCIPAL_UNKNOWN", 8: "KDC_ERR_PRINCIPAL_NOT_UNIQUE", 9: "KDC_ERR_NULL_KEY",
	10: "KDC_ERR_CANNOT_POSTDATE", 11: "KDC_ERR_NEVER_VALID", 12: "KDC_ERR_POLICY",
	13: "KDC_ERR_BADOPTION", 14: "KDC_ERR_ETYPE_NOSUPP", 15: "KDC_ERR_SUMTYPE_NOSUPP",
	16: "KDC_ERR_PADATA_TYPE_NOSUPP", 17: "KDC_ERR_TRTYPE_NOSUPP", 18: "KDC_ERR_CLIENT_REVOKED",
	19: "KDC_ERR_SERVICE_REVOKED", 20: "KDC_ERR_TGT_REVOKED", 21: "KDC_ERR_CLIENT_NOTYET",
	22: "KDC_ERR_SERVICE_NOTYET", 23: "KDC_ERR_KEY_EXPIRED", 24: "KDC_ERR_PREAUTH_FAILED",
	25: "KDC_ERR_PREAUTH_REQUIRED", 26: "KDC_ERR_SERVER_NOMATCH", 27: "KDC_ERR_MUST_USE_USER2USER",
	28: "KDC_ERR_PATH_NOT_ACCEPTED", 29: "KDC_ERR_SVC_UNAVAILABLE", 31: "KRB_AP_ERR_BAD_INTEGRITY",
	32: "KRB_AP_ERR_TKT_EXPIRED", 33: "KRB_AP_ERR_TKT_NYV", 34: "KRB_AP_ERR_REPEAT",
	35: "KRB_AP_ERR_NOT_US", 36: "KRB_AP_ERR_BADMATCH", 37: "KRB_AP_ERR_SKEW",
	38: "KRB_AP_ERR_BADADDR", 39: "KRB_AP_ERR_BADVERSION", 40: "KRB_AP_ERR_MSG_TYPE",
	41: "KRB_AP_ERR_MODIFIED", 42: "KRB_AP_ERR_BADORDER", 44: "KRB_AP_ERR_BADKEYVER",
	45: "KRB_AP_ERR_NOKEY", 46: "KRB_AP_ERR_MUT_FAIL", 47: "KRB_AP_ERR_BADDIRECTION",
	48: "KRB_AP_ERR_METHOD", 49: "KRB_AP_ERR_BADSEQ", 50: "KRB_AP_ERR_INAPP_CKSUM",
	51: "KRB_AP_PATH_NOT_ACCEPTED", 52: "KRB_ERR_RESPONSE_TOO_BIG", 60: "KRB_ERR_GENERIC",
	61: "KRB_ERR_FIELD_TOOLONG", 62: "KDC_ERROR_CLIENT_NOT_TRUSTED",
	63: "KDC_ERROR_KDC_NOT_TRUSTED", 64: "KDC_ERROR_INVALID_SIG", 65: "KDC_ERR_KEY_TOO_WEAK",
	66: "KDC_ERR_CERTIFICATE_MISMATCH", 67: "KRB_AP_ERR_NO_TGT", 68: "KDC_ERR_WRONG_REALM",
	69: "KRB_AP_ERR_USER_TO_USER_REQUIRED", 70: "KDC_ERR_CANT_VERIFY_CERTIFICATE",
	71: "KDC_ERR_INVALID_CERTIFICATE", 72: "KDC_ERR_REVOKED_CERTIFICATE",
	73: "KDC_ERR_REVOCATION_STATUS_UNKNOWN", 74: "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE",
	75: "KDC_ERR_CLIENT_NAME_MISMATCH", 76: "KDC_ERR_KDC_NAME_MISMATCH",
}

// name returns names[v], or "Type(v / 0xhex)" for a value without a
// name, the form Suricata writes for unknown values.
func name[K int32 | uint32](names map[K]string, typ string, v K) string {
	if s, ok := names[v]; ok {
		return s
	}
	n := int64(v)
	return typ + "(" + strconv.FormatInt(n, 10) + " / 0x" + strconv.FormatUint(uint64(n)&0xffffffff, 16) + ")"
}

// Weak reports whether an encryption type is weak: every type but the
// AES and Camellia ones (RFC 3962, RFC 6803, RFC 8009).
func Weak(etype int32) bool {
	switch etype {
	case 17, 18, 19, 20, 25, 26:
		return false
	}
	return true
}

// FillEVE adds Suricata's "krb5" fields: msg_type (with failed_request
// and error_code for a KRB-ERROR), cname, realm and sname ("<empty>" when
// absent), the reply's encryption ("<none>" otherwise) and the ticket's.
func (t *Tx) FillEVE(r *eve.Record, _ applayer.Direction) bool {
	o := r.AddObject("krb5")
	o.String("msg_type", name(msgNames, "MessageType", t.Type))
	if t.HasErrCode {
		if t.FailedReq != 0 {
			o.String("failed_request", name(msgNames, "MessageType", t.FailedReq))
		} else {
			o.String("failed_request", "UNKNOWN")
		}
		o.String("error_code", name(errNames, "ErrorCode", t.ErrCode))
	}
	appendPrincipal(o, "cname", t.CName)
	if t.Realm != nil {
		o.Bytes("realm", t.Realm)
	} else {
		o.String("realm", "<empty>")
	}
	appendPrincipal(o, "sname", t.SName)
	if t.HasEtype {
		o.String("encryption", name(etypeNames, "EncryptionType", t.Etype))
	} else {
		o.String("encryption", "<none>")
	}
	o.Bool("weak_encryption", t.HasEtype && Weak(t.Etype))
	if t.HasTicketEtype {
		o.String("ticket_encryption", name(etypeNames, "EncryptionType", t.TicketEtype))
		o.Bool("ticket_weak_encryption", Weak(t.TicketEtype))
	}
	return true
}

// appendPrincipal adds a principal name, its components joined by "/".
func appendPrincipal(o *eve.Object, key string, parts [][]byte) {
	switch len(parts) {
	case 0:
		if parts == nil {
			o.String(key, "<empty>")
		} else {
			o.String(key, "")
		}
	case 1:
		o.Bytes(key, parts[0])
	default:
		n := len(parts) - 1
		for _, p := range parts {
			n += len(p)
		}
		b := make([]byte, 0, n)
		for i, p := range parts {
			if i > 0 {
				b = append(b, '/')
			}
			b = append(b, p...)
		}
		o.Bytes(key, b)
	}
}
