package detect

import (
	"encoding/binary"
	"strconv"
	"strings"

	"vigil/detect/bufid"
	"vigil/ruleparser"
)

// SNMP and Kerberos 5 integer keywords. The app layer exposes each value
// as a 4-byte big-endian buffer (packages snmp and krb5); the sticky
// buffers snmp.community, snmp.usm, krb5_cname and krb5_sname need no
// code here. Docs: rules/snmp-keywords.html, rules/kerberos-keywords.html

// u32BufSetup returns the setup of a u32 keyword (Suricata's unsigned
// 32-bit integer grammar: N, !N, <N, >=N, A-B, ...) over buffer buf:
// snmp.version, snmp.pdu_type, krb5_msg_type, krb5_err_code.
func u32BufSetup(buf Buf) func(*sigBuilder, *ruleparser.Compare) error {
	return func(b *sigBuilder, c *ruleparser.Compare) error {
		cmp := c.Cmp
		if err := checkU32(cmp); err != nil {
			return err
		}
		return b.addItemToBuffer(buf, &valueItem{size: 4, cmp: cmp})
	}
}

// krb5Etypes are the encryption type names krb5.ticket_encryption
// accepts (RFC 3961 section 8, RFC 3962, RFC 4757, RFC 6803, RFC 8009,
// and the negative values of Microsoft's private types).
var krb5Etypes = map[string]int32{
	"des-cbc-crc": 1, "des-cbc-md4": 2, "des-cbc-md5": 3, "des3-cbc-md5": 5,
	"des3-cbc-sha1": 7, "dsaWithSHA1-CmsOID": 9, "md5WithRSAEncryption-CmsOID": 10,
	"sha1WithRSAEncryption-CmsOID": 11, "rc2CBC-EnvOID": 12, "rsaEncryption-EnvOID": 13,
	"rsaES-OAEP-ENV-OID": 14, "des-ede3-cbc-Env-OID": 15, "des3-cbc-sha1-kd": 16,
	"aes128-cts-hmac-sha1-96": 17, "aes256-cts-hmac-sha1-96": 18,
	"aes128-cts-hmac-sha256-128": 19, "aes256-cts-hmac-sha384-192": 20,
	"rc4-hmac": 23, "rc4-hmac-exp": 24, "camellia128-cts-cmac": 25, "camellia256-cts-cmac": 26,
	"subkey-keymaterial": 65, "rc4-md4": -128, "rc4-plain2": -129, "rc4-lm": -130,
	"rc4-sha": -131, "des-plain": -132, "rc4-hmac-OLD": -133, "rc4-plain-OLD": -134,
	"rc4-hmac-OLD-exp": -135, "rc4-plain-OLD-exp": -136, "rc4-plain": -140, "rc4-plain-exp": -141,
}

// krb5Strong reports whether an etype is one of the AES and Camellia
// types; every other type counts as weak or deprecated.
func krb5Strong(e int32) bool {
	switch e {
	case 17, 18, 19, 20, 25, 26:
		return true
	}
	return false
}

// krb5EtypeItem is krb5.ticket_encryption: the ticket etype of an AS-REP
// or TGS-REP is weak (or not, for !weak), or one of a list.
type krb5EtypeItem struct {
	weak     bool // match on strength rather than on the list
	wantWeak bool
	list     []int32
}

func (k *krb5EtypeItem) relative() bool { return false }
func (k *krb5EtypeItem) retry() bool    { return false }
func (k *krb5EtypeItem) find(_ *Thread, buf []byte, cursor, _ int) (int, int, bool) {
	if len(buf) != 4 {
		return cursor, cursor, false
	}
	e := int32(binary.BigEndian.Uint32(buf))
	if k.weak {
		return cursor, cursor, !krb5Strong(e) == k.wantWeak
	}
	for _, v := range k.list {
		if v == e {
			return cursor, cursor, true
		}
	}
	return cursor, cursor, false
}

// setupKRB5TicketEncryption is krb5.ticket_encryption:[!]weak or a list
// of etype names or numbers separated by commas or spaces.
// Docs: rules/kerberos-keywords.html#krb5-ticket-encryption
func setupKRB5TicketEncryption(b *sigBuilder, o *ruleparser.Text) error {
	arg := o.Value
	it, err := parseKRB5TicketEncryption(arg)
	if err != nil {
		return err
	}
	return b.addItemToBuffer(bufid.KRB5TicketEtype, it)
}

func parseKRB5TicketEncryption(arg string) (*krb5EtypeItem, error) {
	arg = strings.TrimSpace(arg)
	switch arg {
	case "weak", "!weak":
		return &krb5EtypeItem{weak: true, wantWeak: arg == "weak"}, nil
	}
	it := &krb5EtypeItem{}
	for _, f := range strings.FieldsFunc(arg, func(r rune) bool { return r == ',' || r == ' ' }) {
		if v, ok := krb5Etypes[f]; ok {
			it.list = append(it.list, v)
			continue
		}
		n, err := strconv.ParseInt(f, 10, 32)
		if err != nil {
			return nil, errBadValue(strconv.Quote(f) + " is not an encryption type")
		}
		it.list = append(it.list, int32(n))
	}
	if len(it.list) == 0 {
		return nil, errBadValue("missing encryption type")
	}
	return it, nil
}
