//go:build pss_pkgconfig

package pss

// With -tags pss_pkgconfig the package finds the library and header through
// pkg-config (pss.pc; set PKG_CONFIG_PATH to its directory), for an installed
// copy of the C library.

// #cgo pkg-config: --static pss
import "C"
