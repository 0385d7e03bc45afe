//! Each YAML document of the given files read by [`pss_manifest::yaml_to_json`], one JSON line per
//! document: `{"file", "document", "text", "json"}` or, if it is refused, `"error"` instead of
//! `"json"`. Documents are cut at lines starting with `---` that kubectl takes as separators (a
//! `---` followed by something else stays in the text, which then reads as kubectl reads it).
//!
//! The Rust side of the differential check against sigs.k8s.io/yaml (`fuzz/differential/`).
//!
//! ```text
//! cargo run -q -p pss-manifest --example yaml_to_json -- examples/*.yaml
//! ```

use std::io::{self, Write};
use std::process::ExitCode;

fn separator(line: &str) -> bool {
    line.strip_prefix("---").is_some_and(|rest| {
        let rest = rest.trim();
        rest.is_empty() || rest.starts_with('#')
    })
}

/// Writes `text` as a JSON string.
fn string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn main() -> ExitCode {
    let options = pss_manifest::Options::default();
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
        let text = String::from_utf8_lossy(&bytes);
        let mut documents = vec![String::new()];
        for line in text.split_inclusive('\n') {
            if separator(line) {
                documents.push(String::new());
            } else if let Some(last) = documents.last_mut() {
                last.push_str(line);
            }
        }
        for (index, document) in documents.iter().filter(|d| !d.is_empty()).enumerate() {
            let mut line = String::from("{\"file\":");
            string(&mut line, &name);
            line.push_str(&format!(",\"document\":{},\"text\":", index + 1));
            string(&mut line, document);
            match pss_manifest::yaml_to_json(document, &options) {
                Ok(Some(json)) => {
                    line.push_str(",\"json\":");
                    line.push_str(&String::from_utf8_lossy(&json));
                }
                Ok(None) => line.push_str(",\"json\":null"),
                Err(error) => {
                    line.push_str(",\"error\":");
                    string(&mut line, &error.to_string());
                }
            }
            line.push_str("}\n");
            if let Err(error) = out.write_all(line.as_bytes()) {
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
