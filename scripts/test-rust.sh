#!/usr/bin/env bash
# Formatting, lints, and every Rust test in the workspace (unit, integration, conformance against
# ../shared/conformance, property tests, doc tests), plus one pass of each benchmark in test mode, and
# the API docs built with rustdoc's warnings (broken links and the like) as errors. Every cargo command
# is --locked (Cargo.lock is used as it is, never resolved anew), and leaves out tools/ (pss-tools: the
# wasm-bindgen CLI, two calls into wasm-bindgen-cli's library, built by the wasm part), whose
# dependencies would cost a minute to check here.
source "$(dirname "$0")/lib.sh"
ensure_rust_lints
cd "$ROOT"
say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy --all-targets -- -D warnings"
cargo clippy --locked --workspace --exclude pss-tools --all-targets -q -- -D warnings
say "pss-core without default features, and with each feature alone (clippy, warnings are errors)"
for features in "" admission kyverno serde remediate; do
  cargo clippy --locked -p pss-core --no-default-features --features "$features" -q -- -D warnings
done
say "report schemas (SARIF 2.1.0, JUnit XML) and their validators, for pss-cli/tests/formats.rs"
export PSS_REPORT_SCHEMAS="$TARGET_DIR/report-schemas"
bash scripts/setup-report-schemas.sh
say "cargo test --workspace --all-targets"
cargo test --locked --workspace --exclude pss-tools --all-targets
say "cargo test --workspace --doc"
cargo test --locked --workspace --exclude pss-tools --doc
say "cargo doc --workspace --no-deps (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --locked --workspace --exclude pss-tools --no-deps -q
