// Package ber is a small reader for ASN.1 BER/DER encodings (ITU-T X.690),
// shared by the app-layer parsers of protocols that frame their messages
// in ASN.1: SNMP (RFC 3416, RFC 3412) and Kerberos 5 (RFC 4120).
//
// It decodes one tag-length-value element at a time and leaves the meaning
// of each element to its caller; there is no schema and no reflection.
// Only definite lengths are accepted (SNMP and Kerberos encoders use DER or
// definite-length BER), and lengths are capped at MaxLen, so a hostile
// length can never make a caller allocate or loop.
//
// Buffer ownership: decoded elements alias the input slice; nothing is
// copied and nothing is allocated. All functions are pure and safe for
// concurrent use.
package ber
