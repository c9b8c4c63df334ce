package mpm

/*
#include <hs.h>
*/
import "C"

// HyperscanVersion returns the version string of the Hyperscan (or
// Vectorscan) library linked at run time, from hs_version().
func HyperscanVersion() string { return C.GoString(C.hs_version()) }
