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
    dir.write(
        "a-first.yaml",
        [pod(PRIVILEGED, "early", "late"), pod(RESTRICTED, "fine", "twice"), pod(PRIVILEGED, "wide-pod", "wide")]
            .join("---\n"),
    );
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
    // A Namespace in a UTF-16 file (its bytes do not hold the word as UTF-8 does).
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(namespace("wide", "privileged").encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    dir.write("x-utf16.yaml", utf16);
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
    same_text(&one.stderr, &many.stderr, &format!("{what}: standard error"));
    same_text(&one.stdout, &many.stdout, &format!("{what}: standard output"));
}

/// Equal texts, or a failure showing where they part (outputs run to megabytes).
fn same_text(one: &str, many: &str, what: &str) {
    if one != many {
        let at = one.bytes().zip(many.bytes()).take_while(|(a, b)| a == b).count();
        let show = |text: &str| {
            let bytes = &text.as_bytes()[at.saturating_sub(200)..(at + 200).min(text.len())];
            String::from_utf8_lossy(bytes).into_owned()
        };
        panic!("{what} differs at byte {at}:\n--jobs 1: {}\nother:    {}", show(one), show(many));
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
                    Some("relaxed" | "wide") => "privileged:latest",
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

/// Standard input as a long JSON stream, read in pieces on several threads: pods in every layout,
/// malformed texts, Lists, texts that are not objects, and a Namespace at the end that sets the
/// policy of pods before it; given twice (the second `-` finds it read) and among files.
#[test]
fn a_json_stream_on_standard_input_gives_the_same_bytes_with_any_number_of_jobs() {
    let dir = TempDir::new("jobs-stdin");
    dir.write("file.yaml", pod(PRIVILEGED, "in-a-file", "late"));
    let mut stream = String::new();
    for i in 0..3000 {
        let ns = ["default", "late", "other"][i % 3];
        let privileged = i % 4 != 0;
        let spec = if privileged {
            r#"{"hostNetwork": true, "containers": [{"name": "app", "image": "x", "securityContext": {"privileged": true}}]}"#
        } else {
            r#"{"containers": [{"name": "app", "image": "x"}]}"#
        };
        let text = match i % 50 {
            7 => format!(r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "bad{i}"}}, "spec": [}}"#),
            13 => "42".to_owned(),
            21 => format!(
                r#"{{"apiVersion": "v1", "kind": "List", "items": [{{"apiVersion": "v1", "kind": "Pod",
                   "metadata": {{"name": "item{i}", "namespace": "{ns}"}}, "spec": {spec}}}]}}"#
            ),
            33 => format!("{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {{\"name\": \"pretty{i}\"}},\n  \"spec\": {spec}\n}}"),
            _ => format!(r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "p{i}", "namespace": "{ns}"}}, "spec": {spec}}}"#),
        };
        stream.push_str(&text);
        stream.push_str(if i % 17 == 0 { " " } else { "\n" });
    }
    stream.push_str(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}}"#);
    stream.push('\n');
    // 3000 texts: 60 malformed pods and 60 numbers are input errors, each List one pod.
    assert_same_with_any_jobs_on_stdin(&dir, &stream, 3000 - 120 + 1 + 1, "standard input");
}

/// A helm-like YAML stream of `count` documents (see the test below), ending with a Namespace
/// that makes `late` privileged.
fn yaml_stream(count: usize) -> String {
    let mut stream = String::from("---\n");
    for i in 0..count {
        let ns = ["default", "late", "other"][i % 3];
        let template = if i % 4 == 0 { RESTRICTED } else { PRIVILEGED };
        let name = format!("p{i}");
        let document = match i % 50 {
            3 => "# Source: chart/templates/empty.yaml\n".to_owned(),
            7 => format!("kind: Pod\nmetadata:\n  name: bad{i}\nspec: [\n"),
            13 => "~\n".to_owned(),
            21 => format!("apiVersion: v1\nkind: List\nitems:\n- {}", pod(template, &name, ns).trim_end().replace('\n', "\n  ") + "\n"),
            29 => format!("{}--- not a separator\n", pod(template, &name, ns)),
            33 => pod(template, &name, ns).replace('\n', "\r\n"),
            41 => format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\n  namespace: {ns}\nspec:\n  template:\n    \
                 spec:\n      hostPID: true\n      containers:\n      - name: c\n        image: x\n"
            ),
            _ => format!("# Source: chart/templates/pod{i}.yaml\n{}", pod(template, &name, ns)),
        };
        stream.push_str(&document);
        stream.push_str(if i % 17 == 0 { "--- # next\n" } else { "---\n" });
    }
    stream.push_str(&namespace("late", "privileged"));
    stream
}

/// Standard input as a long YAML stream (`helm template | pss check -`), read in pieces on several
/// threads: pods and Deployments, documents that read as nothing (comments, `~`) and take no
/// index, malformed documents, a bad separator, a List, CRLF, and a Namespace at the end that sets
/// the policy of pods before it.
#[test]
fn a_yaml_stream_on_standard_input_gives_the_same_bytes_with_any_number_of_jobs() {
    let dir = TempDir::new("jobs-yaml-stdin");
    dir.write("file.yaml", pod(PRIVILEGED, "in-a-file", "late"));
    // 3000 documents: 120 read as nothing, 60 malformed and 60 with a bad separator (errors);
    // each List one pod.
    assert_same_with_any_jobs_on_stdin(&dir, &yaml_stream(3000), 3000 - 240 + 1 + 1, "YAML on standard input");
}

/// `pss check -v -l restricted - file.yaml -` in `dir` with `stream` (several pieces long, ending
/// with a Namespace that makes `late` privileged) on standard input, given twice (the second `-`
/// finds it read): in every output format, the same bytes and exit status (2) with one job as with
/// two and three; with one, `records` JSON Lines records, and the pods in `late` allowed by the
/// Namespace after them.
fn assert_same_with_any_jobs_on_stdin(dir: &TempDir, stream: &str, records: usize, what: &str) {
    assert!(stream.len() > 4 * 128 * 1024, "{what}: several pieces: {} bytes", stream.len());
    for format in ["text", "json", "jsonl", "sarif", "junit"] {
        let run = |jobs: &str| {
            let args = ["check", "-j", jobs, "--format", format, "-v", "-l", "restricted", "-", "file.yaml", "-"];
            pss_in(dir.path(), &args, stream.as_bytes())
        };
        let one = run("1");
        assert_eq!(one.code, 2, "{what}, {format}: {}", one.stderr);
        if format == "jsonl" {
            let lines = common::json_lines(&one.stdout);
            assert_eq!(lines.len(), records, "{what}, {format}");
            // The Namespace at the end of the stream decides for the pods before it in `late`.
            let late = lines.iter().filter(|r| r["namespace"] == "late").collect::<Vec<_>>();
            assert!(late.len() > 900, "{what}: {} in late", late.len());
            assert!(
                late.iter().all(|r| r["policy"]["enforce"] == "privileged:latest" && r["allowed"] == true),
                "{what}"
            );
        }
        for jobs in ["2", "3"] {
            assert_same(&one, &run(jobs), &format!("{what}, {format}, --jobs {jobs}"));
        }
    }
}

/// Files larger than a megabyte (a YAML stream and JSON Lines) are held and read in pieces on
/// several threads, among small files, standard input, a missing path and one another.
#[test]
fn large_files_give_the_same_bytes_with_any_number_of_jobs() {
    let dir = TempDir::new("jobs-large");
    let yaml = yaml_stream(6000);
    assert!(yaml.len() > 1 << 20, "larger than a whole file: {} bytes", yaml.len());
    dir.write("a-helm.yaml", &yaml);
    let mut lines = String::new();
    for i in 0..7000 {
        let spec = if i % 4 == 0 {
            r#"{"containers": [{"name": "app", "image": "x"}]}"#
        } else {
            r#"{"hostIPC": true, "containers": [{"name": "app", "image": "x"}]}"#
        };
        let ns = ["default", "late"][i % 2];
        let _ = writeln!(
            lines,
            r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "j{i}", "namespace": "{ns}"}}, "spec": {spec}}}"#
        );
        if i % 700 == 3 {
            lines.push_str("{\"kind\": \"Pod\", \"spec\": [}\n");
        }
    }
    assert!(lines.len() > 1 << 20, "larger than a whole file: {} bytes", lines.len());
    dir.write("b-pods.jsonl", &lines);
    dir.write("c-small.yaml", pod(RESTRICTED, "small", "late"));
    // One List of the same pods: a file held that cannot be cut (one text), read whole from memory.
    let items: Vec<&str> = lines.lines().filter(|line| line.contains("\"name\"")).collect();
    dir.write(
        "d-list.json",
        format!("{{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n{}\n]}}\n", items.join(",\n")),
    );
    let stdin = pod(PRIVILEGED, "from-stdin", "late");
    // SARIF and JUnit are written from one thread (the other tests cover them).
    for format in ["text", "json", "jsonl"] {
        let run = |jobs: &str| {
            let args = [
                "check",
                "-j",
                jobs,
                "--format",
                format,
                "-v",
                "-l",
                "restricted",
                "b-pods.jsonl",
                "-",
                "missing.yaml",
                "a-helm.yaml",
                "c-small.yaml",
                "d-list.json",
                "b-pods.jsonl",
            ];
            pss_in(dir.path(), &args, stdin.as_bytes())
        };
        let one = run("1");
        assert_eq!(one.code, 2, "{format}: {}", one.stderr);
        if format == "jsonl" {
            let records = common::json_lines(&one.stdout);
            assert_eq!(records.len(), 3 * 7000 + 1 + (6000 - 480 + 1) + 1, "{format}");
        }
        assert_same(&one, &run("2"), &format!("large files, {format}, --jobs 2"));
        // The List alone: one unit, its items reviewed on several threads.
        let alone = |jobs: &str| {
            let args = ["check", "-j", jobs, "--format", format, "-v", "-l", "restricted", "d-list.json"];
            pss_in(dir.path(), &args, b"")
        };
        assert_same(&alone("1"), &alone("2"), &format!("a large List, {format}, --jobs 2"));
    }
}

/// A long List read alone (`kubectl get pods -A -o json`, and a YAML PodList file), reviewed a
/// chunk of items at a time on several threads: items in every state (denied, allowed, malformed,
/// a Namespace among them that sets the policy of items before it, a nested List not walked).
#[test]
fn a_long_list_read_alone_gives_the_same_bytes_with_any_number_of_jobs() {
    let dir = TempDir::new("jobs-list");
    let mut items = Vec::new();
    for i in 0..1000 {
        let ns = ["default", "late", "other"][i % 3];
        let item = match i % 97 {
            5 => "42".to_owned(),
            11 => format!(r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "bad{i}"}}, "spec": []}}"#),
            17 => r#"{"apiVersion": "v1", "kind": "List", "items": []}"#.to_owned(),
            23 => format!(r#"{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "cm{i}"}}}}"#),
            _ => {
                let spec = if i % 4 == 0 {
                    r#"{"containers": [{"name": "app", "image": "x"}]}"#
                } else {
                    r#"{"hostPID": true, "containers": [{"name": "app", "image": "x", "securityContext": {"privileged": true}}]}"#
                };
                format!(
                    "{{\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n      \"metadata\": {{\"name\": \"p{i}\", \"namespace\": \"{ns}\"}},\n      \"spec\": {spec}\n    }}"
                )
            }
        };
        items.push(item);
    }
    items.push(
        r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "late", "labels": {"pod-security.kubernetes.io/enforce": "privileged"}}}"#
            .to_owned(),
    );
    let list = format!(
        "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {}\n  ]\n}}\n",
        items.join(",\n    ")
    );
    // The same pods as a YAML PodList in a file.
    let mut yaml = String::from("apiVersion: v1\nkind: PodList\nitems:\n");
    for i in 0..400 {
        let privileged = i % 3 != 0;
        let _ = write!(
            yaml,
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: y{i}\n    namespace: {}\n  spec:\n    hostNetwork: {privileged}\n    containers:\n    - name: c\n      image: x\n",
            ["default", "late"][i % 2]
        );
    }
    dir.write("pods.yaml", yaml);
    for format in ["text", "json", "jsonl", "sarif", "junit"] {
        for (input, args) in [(list.as_bytes(), vec!["-"]), (&b""[..], vec!["pods.yaml"])] {
            let run = |jobs: &str| {
                let mut all = vec!["check", "-j", jobs, "--format", format, "-v", "-l", "restricted"];
                all.extend(&args);
                pss_in(dir.path(), &all, input)
            };
            let one = run("1");
            assert!(one.code == 1 || one.code == 2, "{format} {args:?}: {}", one.stderr);
            if format == "jsonl" && args == ["-"] {
                let records = common::json_lines(&one.stdout);
                let late: Vec<_> = records.iter().filter(|r| r["namespace"] == "late").collect();
                assert!(late.len() > 300 && late.iter().all(|r| r["policy"]["enforce"] == "privileged:latest"));
            }
            for jobs in ["2", "3"] {
                assert_same(&one, &run(jobs), &format!("a List, {format} {args:?}, --jobs {jobs}"));
            }
        }
    }
}
