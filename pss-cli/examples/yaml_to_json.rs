//! Each YAML document of the given files, as pss reads it, one JSON line per document:
//! `{"file", "document", "text", "json"}` or, if pss refuses it, `"error"` instead of `"json"`.
//!
//! The pss side of the differential check against sigs.k8s.io/yaml (`fuzz/differential/`): the
//! document is cut from the stream as the CLI cuts it, then read as the CLI reads it.
//!
//! ```text
//! cargo run -q -p pss-cli --example yaml_to_json -- examples/*.yaml
//! ```

use std::io::{self, Write};
use std::process::ExitCode;

use pss_cli::documents::yaml_options;
use pss_cli::yaml_json::from_yaml;
use pss_cli::yaml_stream::YamlStream;
use serde_json::{json, Value};

fn main() -> ExitCode {
    let options = yaml_options();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    for path in std::env::args_os().skip(1) {
        let name = path.to_string_lossy().into_owned();
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("yaml_to_json: {name}: {error}");
                return ExitCode::FAILURE;
            }
        };
        let mut stream = YamlStream::new(&bytes[..]);
        let mut document = 0;
        loop {
            let chunk = match stream.next_chunk() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(error) => {
                    eprintln!("yaml_to_json: {name}: {error}");
                    return ExitCode::FAILURE;
                }
            };
            document += 1;
            // A document that is not UTF-8 is an input error to both readers; there is no text to compare.
            let Ok(text) = std::str::from_utf8(&chunk.text) else { continue };
            let mut line = json!({"file": name, "document": document, "text": text});
            match from_yaml(text, &options) {
                Ok(value) => line["json"] = value,
                Err(error) => line["error"] = Value::String(error.to_string()),
            }
            let written =
                serde_json::to_writer(&mut out, &line).map_err(io::Error::from).and_then(|()| out.write_all(b"\n"));
            if let Err(error) = written {
                eprintln!("yaml_to_json: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    match out.flush() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("yaml_to_json: {error}");
            ExitCode::FAILURE
        }
    }
}
