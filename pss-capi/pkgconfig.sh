#!/usr/bin/env bash
# Writes pss.pc (pkg-config metadata for the pss C library) to stdout.
#
#   pss-capi/pkgconfig.sh PREFIX [LIBDIR] [INCLUDEDIR] > DIR/pss.pc
#
# LIBDIR defaults to PREFIX/lib and INCLUDEDIR to PREFIX/include (where libpss_capi.a / .so and pss.h are installed).
# The version comes from the PSS_VERSION_* macros of include/pss.h. Then: pkg-config --cflags --libs [--static] pss.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:?usage: pkgconfig.sh PREFIX [LIBDIR] [INCLUDEDIR]}"
libdir="${2:-\${prefix\}/lib}"
includedir="${3:-\${prefix\}/include}"
macro() { sed -n "s/^#define $1 \([0-9][0-9]*\)\$/\1/p" "$here/include/pss.h"; }
version="$(macro PSS_VERSION_MAJOR).$(macro PSS_VERSION_MINOR).$(macro PSS_VERSION_PATCH)"
cat <<PC
prefix=$prefix
libdir=$libdir
includedir=$includedir

Name: pss
Description: Kubernetes Pod Security Standards, evaluated exactly as the PodSecurity admission controller does
Version: $version
URL: https://github.com/pss-rs/pss
Cflags: -I\${includedir}
Libs: -L\${libdir} -lpss_capi
Libs.private: -lpthread -ldl -lm
PC
