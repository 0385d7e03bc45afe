//! `wasm-bindgen-test-runner`: cargo's runner for `wasm32-unknown-unknown` tests written with
//! `wasm-bindgen-test` (in Node, or in a headless browser through WebDriver). wasm-bindgen-cli's
//! runner, at the version pinned by the workspace's Cargo.lock.

use std::process::ExitCode;

fn main() -> ExitCode {
    env_logger::init();
    match wasm_bindgen_cli::wasm_bindgen_test_runner::run_cli_with_args(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:?}");
            ExitCode::FAILURE
        }
    }
}
