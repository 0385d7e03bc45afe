#!/usr/bin/env bash
# Formatting, lints, and every Rust test in the workspace (unit, integration, conformance against
# ../shared/conformance, property tests, doc tests), plus one pass of each benchmark in test mode, and
# the API docs built with rustdoc's warnings (broken links and the like) as errors.
source "$(dirname "$0")/lib.sh"
ensure_rust
cd "$ROOT"
say "cargo fmt --check"
cargo fmt --all -- --check
say "cargo clippy --all-targets -- -D warnings"
cargo clippy --workspace --all-targets -q -- -D warnings
say "pss-core without default features, and with each feature alone (clippy, warnings are errors)"
for features in "" admission kyverno serde remediate; do
  cargo clippy -p pss-core --no-default-features --features "$features" -q -- -D warnings
done
say "cargo test --workspace --all-targets"
cargo test --workspace --all-targets
say "cargo test --workspace --doc"
cargo test --workspace --doc
say "cargo doc --workspace --no-deps (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
