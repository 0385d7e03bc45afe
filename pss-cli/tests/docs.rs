//! The examples in the documentation are true: every `$ pss ...` session in docs/*.md is run with
//! the built binary from the repository root, and what it prints (standard output, then standard
//! error) and its exit status (`$ echo $?`) must be what the page shows, byte for byte. A session
//! piped to `jq .` is compared as JSON.

mod common;

use common::{pss, repo_root};
use serde_json::Value;

/// One `$ pss ...` command of a page, and what the page shows after it.
#[derive(Debug)]
struct Session {
    page: String,
    line: usize,
    args: Vec<String>,
    jq: bool,
    shown: String,
    status: Option<i32>,
}

/// Splits a command line the way the pages write them (words separated by spaces, no quoting).
fn words(command: &str) -> Vec<String> {
    command.split_whitespace().map(str::to_owned).collect()
}

fn sessions(page: &str) -> Vec<Session> {
    let text = std::fs::read_to_string(repo_root().join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
    let mut out: Vec<Session> = Vec::new();
    let mut in_text_block = false;
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("```") {
            in_text_block = line == "```text";
            continue;
        }
        if !in_text_block {
            continue;
        }
        if let Some(command) = line.strip_prefix("$ ") {
            if command == "echo $?" {
                let last = out.last_mut().expect("`echo $?` after a command");
                last.status = Some(-1);
                continue;
            }
            let (command, jq) = match command.strip_suffix(" | jq .") {
                Some(c) => (c, true),
                None => (command, false),
            };
            let args = words(command);
            assert_eq!(args.first().map(String::as_str), Some("pss"), "{page}:{}: {command}", i + 1);
            out.push(Session {
                page: page.to_owned(),
                line: i + 1,
                args: args[1..].to_vec(),
                jq,
                shown: String::new(),
                status: None,
            });
        } else if let Some(last) = out.last_mut() {
            if last.status == Some(-1) {
                last.status = Some(line.trim().parse().expect("a status after `echo $?`"));
            } else {
                last.shown.push_str(line);
                last.shown.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_pss_session_in_the_docs_prints_what_the_page_shows() {
    let pages = ["docs/cli.md", "docs/kyverno.md", "docs/fix.md"];
    let all: Vec<Session> = pages.iter().flat_map(|p| sessions(p)).collect();
    assert!(all.len() >= 8, "the docs have lost their examples: {all:?}");
    let mut failures = Vec::new();
    for s in &all {
        let args: Vec<&str> = s.args.iter().map(String::as_str).collect();
        let run = pss(&args);
        let printed = format!("{}{}", run.stdout, run.stderr);
        let same = if s.jq {
            let shown: Value = serde_json::from_str(&s.shown).expect("the page shows JSON");
            serde_json::from_str::<Value>(&run.stdout).is_ok_and(|v| v == shown)
        } else {
            printed == s.shown
        };
        if !same {
            failures.push(format!(
                "{}:{}: pss {}\n--- page\n{}--- pss\n{printed}",
                s.page,
                s.line,
                args.join(" "),
                s.shown
            ));
        }
        if let Some(status) = s.status {
            if run.code != status {
                failures.push(format!("{}:{}: exit status {} (the page says {status})", s.page, s.line, run.code));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
