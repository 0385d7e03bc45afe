//! Helpers shared by the integration tests: running the built `pss`, temporary directories,
//! finding ../shared.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What a run of `pss` printed and returned.
#[derive(Debug)]
pub struct Output {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// The repository root (examples/ lives there).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("pss-cli is in the workspace").to_path_buf()
}

/// Runs `pss ARGS` in `dir` with `stdin` as standard input, NO_COLOR and CI-like surroundings unset.
pub fn pss_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    pss_env(dir, args, stdin, &[])
}

/// As [`pss_in`] with extra environment variables.
pub fn pss_env(dir: &Path, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_pss"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("run pss");
    let mut input = child.stdin.take().expect("stdin");
    let stdin = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // pss may finish without reading everything (a usage error); that is not a test failure.
        let _ = input.write_all(&stdin);
    });
    let out = child.wait_with_output().expect("wait for pss");
    writer.join().expect("stdin writer");
    Output {
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        code: out.status.code().expect("pss exited normally"),
    }
}

/// Runs `pss ARGS` at the repository root with empty standard input.
pub fn pss(args: &[&str]) -> Output {
    pss_in(&repo_root(), args, b"")
}

/// A directory under the system's temporary directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("pss-cli-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `contents` to `name` (creating parent directories).
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, contents).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The example files `pss` ships (examples/ may hold files for other tools too, which `pss check`
/// skips); tests over the directory copy these into a temporary `examples/` to see exactly them.
pub const EXAMPLES: [&str; 8] = [
    "admission-config.yaml",
    "cronjob.yaml",
    "deployment.yaml",
    "multi-document.yaml",
    "namespace.yaml",
    "pod-list.json",
    "privileged-pod.yaml",
    "restricted-pod.yaml",
];

/// A temporary directory with `examples/` holding a copy of [`EXAMPLES`].
pub fn examples_copy(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    for file in EXAMPLES {
        let text = std::fs::read(repo_root().join("examples").join(file)).expect("read an example");
        dir.write(&format!("examples/{file}"), text);
    }
    dir
}

/// Parses each line of JSON Lines output.
pub fn json_lines(stdout: &str) -> Vec<serde_json::Value> {
    stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect()
}

#[allow(unused_imports)] // not every test file looks for ../shared
pub use pss_testgen::shared::{missing, shared_dir};
