// Package testutil holds helpers shared by Vigil's tests: locating the module
// root and the read-only shared test data (../shared relative to the module
// root), and skipping with a clear message when that data is absent.
//
// It is imported only from _test files. Every function takes a testing.TB and
// reports failures through it; none keeps state between calls except a cached
// module root lookup, which is safe for concurrent use.
package testutil
