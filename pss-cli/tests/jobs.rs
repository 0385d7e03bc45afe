//! `pss check --jobs N`: reading sources on several threads writes the same bytes, in the same
//! order, with the same exit status, as reading them one after the other (`--jobs 1`), in every
//! output format; over hand-made inputs with the hard parts (a Namespace declared after the objects
//! in it and again in a later file, input errors between results, standard input among the files,
//! a path that does not exist, Lists, empty files) and over ../shared/realworld.

mod common;

use std::fmt::Write as _;

use common::{pss_in, Output, TempDir};

const PRIVILEGED: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: NAME
  namespace: NS
spec:
  hostNetwork: true
  containers:
  - name: app
    image: nginx
    securityContext:
      privileged: true
"#;

const RESTRICTED: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: NAME
  namespace: NS
spec:
  securityContext:
    runAsNonRoot: true
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: nginx
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: [ALL]
"#;

fn namespace(name: &str, level: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n  labels:\n    \
         pod-security.kubernetes.io/enforce: {level}\n    pod-security.kubernetes.io/warn: restricted\n"
    )
}

fn pod(template: &str, name: &str, ns: &str) -> String {
    template.replace("NAME", name).replace("NS", ns)
}

/// A directory of sources whose results depend on one another only through namespaces, with
/// enough files of uneven size for threads to overtake each other.
fn inputs() -> TempDir {
    let dir = TempDir::new("jobs");
    // Objects in namespaces declared later (and `twice` declared again, more strictly, later still).
    dir.write("a-first.yaml", [pod(PRIVILEGED, "early", "late"), pod(RESTRICTED, "fine", "twice")].join("---\n"));
    // A Deployment, a ConfigMap (skipped), a broken document between results, then a pod.
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: twice\nspec:\n  \
                      template:\n    spec:\n      hostPID: true\n      containers:\n      - name: c\n        image: x\n";
    dir.write(
        "b-mixed.yaml",
        [
            deployment.to_owned(),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n".to_owned(),
            "kind: Pod\nmetadata: [unclosed\n".to_owned(),
            pod(PRIVILEGED, "after-error", "default"),
        ]
        .join("---\n"),
    );
    // A JSON List of pods, an empty file, a file of comments, a file that is not a manifest at all.
    let list = r#"{"apiVersion": "v1", "kind": "List", "items": [
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "listed"},
        "spec": {"hostIPC": true, "containers": [{"name": "c", "image": "x"}]}},
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "listed-ok", "namespace": "relaxed"},
        "spec": {"containers": [{"name": "c", "image": "x"}]}}]}"#;
    dir.write("c-list.json", list);
    dir.write("d-empty.yaml", "");
    dir.write("e-comments.yaml", "# nothing here\n---\n# nor here\n");
    dir.write("f-broken.json", "[1, 2");
    // Many small files of uneven size and verdict.
    for i in 0..60 {
        let mut text = String::new();
        for j in 0..(i % 7 + 1) {
            let template = if (i + j) % 3 == 0 { RESTRICTED } else { PRIVILEGED };
            let ns = ["default", "late", "twice", "relaxed"][(i * 7 + j) % 4];
            let _ = writeln!(text, "{}---", pod(template, &format!("p{i}-{j}"), ns));
        }
        dir.write(&format!("g/{i:03}.yaml"), text);
    }
    dir.write("y-namespaces.yaml", [namespace("twice", "baseline"), namespace("relaxed", "privileged")].join("---\n"));
    dir.write("z-namespaces.yaml", [namespace("late", "restricted"), namespace("twice", "restricted")].join("---\n"));
    dir
}

fn run(dir: &TempDir, jobs: usize, format: &str, stdin: &[u8]) -> Output {
    let jobs = jobs.to_string();
    let args = [
        "check",
        "--jobs",
        &jobs,
        "--format",
        format,
        "--verbose",
        "--level",
        "baseline",
        "a-first.yaml",
        "-",
        "no-such-file.yaml",
        ".",
    ];
    pss_in(dir.path(), &args, stdin)
}

fn assert_same(one: &Output, many: &Output, what: &str) {
    assert_eq!(one.code, many.code, "{what}: exit status");
    assert_eq!(one.stderr, many.stderr, "{what}: standard error");
    if one.stdout != many.stdout {
        let at = one.stdout.bytes().zip(many.stdout.bytes()).take_while(|(a, b)| a == b).count();
        let from = at.saturating_sub(200);
        panic!(
            "{what}: standard output differs at byte {at}:\n--jobs 1: {}\nother:    {}",
            &one.stdout[from..(at + 200).min(one.stdout.len())],
            &many.stdout[from..(at + 200).min(many.stdout.len())]
        );
    }
}

#[test]
fn every_format_writes_the_same_bytes_with_any_number_of_jobs() {
    let dir = inputs();
    let stdin = pod(PRIVILEGED, "from-stdin", "late");
    for format in ["text", "json", "jsonl", "sarif", "junit"] {
        let one = run(&dir, 1, format, stdin.as_bytes());
        // The inputs have denied objects and input errors: exit status 2, results and errors.
        assert_eq!(one.code, 2, "{format}: {}", one.stderr);
        assert!(one.stderr.contains("no-such-file.yaml") && one.stderr.contains("f-broken.json"), "{}", one.stderr);
        if format != "junit" && format != "sarif" {
            assert!(one.stdout.contains("from-stdin"), "{format}: {}", one.stdout);
        }
        if format == "jsonl" {
            // The namespaces declared in the last files decide for the objects before them: `late`
            // is restricted, `twice` restricted (declared baseline first, then restricted).
            for record in common::json_lines(&one.stdout) {
                let expected = match record["namespace"].as_str() {
                    Some("late" | "twice") => "restricted:latest",
                    Some("relaxed") => "privileged:latest",
                    _ if record["kind"] == "Namespace" => continue,
                    _ => "baseline:latest",
                };
                assert_eq!(record["policy"]["enforce"], expected, "{record}");
            }
        }
        for jobs in [2, 3, 8] {
            assert_same(&one, &run(&dir, jobs, format, stdin.as_bytes()), &format!("{format}, --jobs {jobs}"));
        }
    }
}

#[test]
fn json_output_is_one_document_whichever_thread_wrote_the_first_record() {
    // The first sources hold no result at all: the first record comes from a later file.
    let dir = TempDir::new("jobs-json-first");
    for i in 0..20 {
        dir.write(&format!("a{i:02}.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    }
    dir.write("b.yaml", pod(PRIVILEGED, "p", "default"));
    dir.write("c.yaml", pod(RESTRICTED, "q", "default"));
    for jobs in ["1", "2", "4"] {
        let out = pss_in(dir.path(), &["check", "-j", jobs, "--format", "json", "."], b"");
        assert_eq!(out.code, 1, "{}", out.stderr);
        let doc: serde_json::Value =
            serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
        assert_eq!(doc["results"].as_array().map(Vec::len), Some(2), "{}", out.stdout);
        assert!(out.stdout.starts_with("{\"results\":[\n{"), "{}", out.stdout);
    }
}

#[test]
fn jobs_must_be_a_positive_number() {
    let dir = TempDir::new("jobs-zero");
    let out = pss_in(dir.path(), &["check", "--jobs", "0", "-"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--jobs"), "{}", out.stderr);
}

#[test]
fn realworld_manifests_give_the_same_bytes_with_any_number_of_jobs() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/realworld (the real-world manifests)");
    };
    let corpus = shared.join("realworld/corpus");
    let corpus = corpus.to_str().expect("a UTF-8 path");
    let root = common::repo_root();
    for format in ["jsonl", "json", "text"] {
        let run = |jobs: &str| {
            pss_in(&root, &["check", "--jobs", jobs, "--level", "restricted", "--format", format, "-v", corpus], b"")
        };
        let one = run("1");
        assert!(one.stdout.len() > 1_000_000, "{format}: {} bytes", one.stdout.len());
        assert_same(&one, &run("3"), &format!("realworld, {format}"));
    }
}
