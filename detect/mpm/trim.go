package mpm

/*
#include <malloc.h>
*/
import "C"

// ReleaseCompileMemory returns free C heap pages to the operating system.
// Hyperscan's compiler allocates and frees a lot of temporary memory,
// which glibc otherwise keeps mapped: call it once the databases of an
// engine are built.
func ReleaseCompileMemory() { C.malloc_trim(0) }
