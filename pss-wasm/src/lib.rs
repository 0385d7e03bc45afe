//! WASM bindings (work in progress)
