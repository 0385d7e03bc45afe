//go:build !pss_pkgconfig

package pss

// By default the package links the static library built in this repository
// (cargo build --release -p pss-capi). To link an installed copy instead, build
// with -tags pss_pkgconfig (see link_pkgconfig.go).

// #cgo LDFLAGS: ${SRCDIR}/../../target/release/libpss_capi.a -lm -ldl -lpthread
import "C"
