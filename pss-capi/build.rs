//! The build script of pss-capi. With the feature `regenerate-header` it writes `include/pss.h`
//! from the crate's sources and `cbindgen.toml` with cbindgen (a build-dependency pinned in the
//! workspace's Cargo.lock), only when the text changes, and says so; without it, it does nothing.
//!
//! ```sh
//! cargo check -p pss-capi --features regenerate-header   # then review and commit include/pss.h
//! ```
//!
//! scripts/test-capi.sh does the same and fails when the checked-in header was not what cbindgen
//! generates.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    #[cfg(feature = "regenerate-header")]
    header::regenerate();
}

#[cfg(feature = "regenerate-header")]
mod header {
    use std::env;
    use std::path::PathBuf;

    pub(crate) fn regenerate() {
        let dir = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
        // What the header is made of: a change to any of them generates it again, and so does an
        // edit of the header itself (which is then replaced by the generated text).
        for input in ["src", "cbindgen.toml", "Cargo.toml", "include/pss.h"] {
            println!("cargo:rerun-if-changed={}", dir.join(input).display());
        }
        let config = cbindgen::Config::from_file(dir.join("cbindgen.toml"))
            .unwrap_or_else(|error| panic!("pss-capi/cbindgen.toml: {error}"));
        let bindings = cbindgen::Builder::new()
            .with_crate(&dir)
            .with_config(config)
            .generate()
            .unwrap_or_else(|error| panic!("cbindgen could not generate include/pss.h: {error}"));
        if bindings.write_to_file(dir.join("include").join("pss.h")) {
            println!(
                "cargo:warning=pss-capi/include/pss.h regenerated: it was not what cbindgen generates from the sources"
            );
        }
    }
}
