package pcre

/*
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

static int vigil_pcre_version(char *buf, size_t len) {
	if (len < 24) return -1;
	return pcre2_config(PCRE2_CONFIG_VERSION, buf);
}
*/
import "C"

import "unsafe"

// Version returns the version of the PCRE2 library linked at run time
// (e.g. "10.42 2022-12-11"), asked from the library itself.
func Version() string {
	var buf [64]C.char
	if C.vigil_pcre_version(&buf[0], C.size_t(len(buf))) < 0 {
		return "unknown"
	}
	return C.GoString((*C.char)(unsafe.Pointer(&buf[0])))
}
