//! `pss fix`: manifests edited byte for byte where a fix says and nowhere else (block and flow
//! YAML, JSON, multi-document files, Lists, CRLF, anchors), its outputs and exit status, and every
//! real-world manifest in ../shared/realworld fixed, written, read back and evaluated again.

mod common;

use std::path::PathBuf;

use common::{json_lines, pss_in, TempDir};
use pss_cli::fix::{run, FixArgs, FixFormat};
use pss_cli::limits::Limits;
use pss_core::{evaluate_object, Level, LevelVersion, ObjectDocument, Version};
use serde_json::Value;

const MULTI: &str = "\
# Shop: the web tier and its service.
apiVersion: v1
kind: Service
metadata: {name: web}   # flow style stays
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web  # the app
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/web: unconfined
        prometheus.io/scrape: \"true\"
    spec:
      hostNetwork: true          # for the old proxy
      containers:
        - name: web
          image: 'nginx:1.27'
          ports:
            - {containerPort: 8080, hostPort: 8080}
          securityContext: {privileged: true, runAsUser: 1000}
---
# A config map, untouched.
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  nginx.conf: |
    server {
      listen 8080;
    }
";

const MULTI_BASELINE: &str = "\
# Shop: the web tier and its service.
apiVersion: v1
kind: Service
metadata: {name: web}   # flow style stays
spec:
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web  # the app
spec:
  replicas: 3
  template:
    metadata:
      annotations:
        prometheus.io/scrape: \"true\"
    spec:
      hostNetwork: false          # for the old proxy
      containers:
        - name: web
          image: 'nginx:1.27'
          ports:
            - {containerPort: 8080}
          securityContext: {privileged: false, runAsUser: 1000}
---
# A config map, untouched.
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
data:
  nginx.conf: |
    server {
      listen 8080;
    }
";

fn args(level: Level, paths: Vec<PathBuf>) -> FixArgs {
    FixArgs { level, version: Version::LATEST, safe_only: false, write: false, format: FixFormat::Diff, paths }
}

/// Runs `pss fix` in-process: (stdout, stderr, exit code).
fn fix(args: &FixArgs, stdin: &[u8]) -> (String, String, u8) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let summary = run(args, Limits::default(), &mut &stdin[..], &mut out, &mut err).expect("pss fix runs");
    (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap(), summary.exit_code())
}

#[test]
fn writes_only_what_the_fix_changes() {
    let dir = TempDir::new("fix-write");
    let path = dir.write("shop.yaml", MULTI);
    let out = pss_in(dir.path(), &["fix", "--level", "baseline", "--write", "shop.yaml"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), MULTI_BASELINE);
    assert_eq!(
        out.stderr,
        "pss fix baseline:latest: 1 workload, 1 changed, 0 still violating; 1 file written; 0 errors\n"
    );
    // Fixed once, there is nothing more to change.
    let again = pss_in(dir.path(), &["fix", "--level", "baseline", "shop.yaml"], b"");
    assert_eq!((again.code, again.stdout.as_str()), (0, ""));
    let check = pss_in(dir.path(), &["check", "--level", "baseline", "shop.yaml"], b"");
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_stays_a_link_to_the_fixed_file() {
    let dir = TempDir::new("fix-symlink");
    let target = dir.write("real/shop.yaml", MULTI);
    std::os::unix::fs::symlink(&target, dir.path().join("link.yaml")).unwrap();
    let out = pss_in(dir.path(), &["fix", "--level", "baseline", "--write", "link.yaml"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(std::fs::symlink_metadata(dir.path().join("link.yaml")).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), MULTI_BASELINE);
}

#[test]
fn prints_a_unified_diff_by_default() {
    let dir = TempDir::new("fix-diff");
    dir.write("shop.yaml", MULTI);
    let out = pss_in(dir.path(), &["fix", "--level", "baseline", "shop.yaml"], b"");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "\
--- shop.yaml
+++ shop.yaml
@@ -16,16 +16,15 @@
   template:
     metadata:
       annotations:
-        container.apparmor.security.beta.kubernetes.io/web: unconfined
         prometheus.io/scrape: \"true\"
     spec:
-      hostNetwork: true          # for the old proxy
+      hostNetwork: false          # for the old proxy
       containers:
         - name: web
           image: 'nginx:1.27'
           ports:
-            - {containerPort: 8080, hostPort: 8080}
-          securityContext: {privileged: true, runAsUser: 1000}
+            - {containerPort: 8080}
+          securityContext: {privileged: false, runAsUser: 1000}
 ---
 # A config map, untouched.
 apiVersion: v1
"
    );
    // The file itself is not touched.
    assert_eq!(std::fs::read_to_string(dir.path().join("shop.yaml")).unwrap(), MULTI);
}

#[test]
fn restricted_adds_settings_in_the_style_around_them() {
    let (stdout, stderr, code) = fix(&args(Level::Restricted, vec![PathBuf::from("-")]), MULTI.as_bytes());
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        stdout,
        "\
--- <stdin>
+++ <stdin>
@@ -16,16 +16,19 @@
   template:
     metadata:
       annotations:
-        container.apparmor.security.beta.kubernetes.io/web: unconfined
         prometheus.io/scrape: \"true\"
     spec:
-      hostNetwork: true          # for the old proxy
+      hostNetwork: false          # for the old proxy
       containers:
         - name: web
           image: 'nginx:1.27'
           ports:
-            - {containerPort: 8080, hostPort: 8080}
-          securityContext: {privileged: true, runAsUser: 1000}
+            - {containerPort: 8080}
+          securityContext: {privileged: false, runAsUser: 1000, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
+      securityContext:
+        runAsNonRoot: true
+        seccompProfile:
+          type: RuntimeDefault
 ---
 # A config map, untouched.
 apiVersion: v1
"
    );
}

#[test]
fn crlf_json_and_lists() {
    let dir = TempDir::new("fix-formats");
    let crlf = MULTI.replace('\n', "\r\n");
    let crlf_path = dir.write("crlf.yaml", &crlf);
    let json = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"List\",\n  \"items\": [\n    {\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n      \"metadata\": {\"name\": \"a\"},\n      \"spec\": {\n        \"containers\": [{\"name\": \"c\", \"image\": \"i\", \"securityContext\": {\"privileged\": true}}]\n      }\n    },\n    {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}},\n    {\n      \"apiVersion\": \"v1\",\n      \"kind\": \"Pod\",\n      \"metadata\": {\"name\": \"c\"},\n      \"spec\": {\"hostPID\": true, \"containers\": []}\n    }\n  ]\n}\n";
    let json_path = dir.write("list.json", json);
    let mut a = args(Level::Baseline, vec![crlf_path.clone(), json_path.clone()]);
    a.write = true;
    let (stdout, stderr, code) = fix(&a, b"");
    assert_eq!((code, stdout.as_str()), (0, ""), "{stderr}");
    assert_eq!(std::fs::read_to_string(&crlf_path).unwrap(), MULTI_BASELINE.replace('\n', "\r\n"));
    assert_eq!(
        std::fs::read_to_string(&json_path).unwrap(),
        json.replace("{\"privileged\": true}", "{\"privileged\": false}")
            .replace("\"hostPID\": true", "\"hostPID\": false")
    );
}

#[test]
fn jsonl_reports_each_workload() {
    let dir = TempDir::new("fix-jsonl");
    dir.write("shop.yaml", MULTI);
    let out =
        pss_in(dir.path(), &["fix", "--level", "restricted", "--safe-only", "--format", "jsonl", "shop.yaml"], b"");
    assert_eq!(out.code, 1, "{}", out.stderr);
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["source"], "shop.yaml");
    assert_eq!(r["document"], 1);
    assert_eq!(r["kind"], "Deployment");
    assert_eq!(r["name"], "web");
    assert_eq!(r["fixed"], false);
    let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["document", "fixed", "kind", "name", "object", "patch", "source", "unfixable"]);
    let patch = r["patch"].as_array().unwrap();
    assert!(patch.iter().all(|op| op["safety"] == "safe"), "{patch:?}");
    assert_eq!(
        patch[0],
        serde_json::json!({"op": "remove",
            "path": "/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1web",
            "safety": "safe",
            "cures": [{"check": "appArmorProfile", "path": "spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]", "value": "unconfined"}],
            "explanation": "remove the annotation container.apparmor.security.beta.kubernetes.io/web=\"unconfined\"; the container runtime's default profile applies"})
    );
    // What is left, with why; the object as fixed.
    let left: Vec<(&str, &str)> = r["unfixable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["path"].as_str().unwrap(), u["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        left,
        [
            ("spec.template.spec.hostNetwork", "breaking"),
            ("spec.template.spec.containers[0].ports[0].hostPort", "breaking"),
            ("spec.template.spec.containers[0].securityContext.privileged", "breaking"),
            ("spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation", "privileged"),
        ]
    );
    assert_eq!(r["object"]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"], true);
    // The JSON lines say what is left; standard error has the summary alone.
    assert_eq!(
        out.stderr,
        "pss fix restricted:latest (safe changes only): 1 workload, 1 changed, 1 still violating; 1 file to change; 0 errors\n"
    );
}

#[test]
fn anchors_and_aliases_are_left_alone_with_a_clear_error() {
    let text = "\
apiVersion: v1
kind: Pod
metadata: {name: a}
spec:
  containers:
  - name: a
    image: i
    securityContext: &sc
      privileged: true
  - name: b
    image: i
    securityContext: *sc
---
apiVersion: v1
kind: Pod
metadata: {name: b}
spec:
  hostIPC: true
  containers: []
";
    let dir = TempDir::new("fix-anchors");
    let path = dir.write("pods.yaml", text);
    let out = pss_in(dir.path(), &["fix", "--level", "baseline", "--write", "pods.yaml"], b"");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "pss: error: pods.yaml (document 1, line 1): the fix cannot be written into the text (line 8: the field is inside &sc, which an alias repeats elsewhere; edit it by hand); the document is left as it is"
        ),
        "{}",
        out.stderr
    );
    // The other document is fixed all the same.
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text.replace("hostIPC: true", "hostIPC: false"));
}

#[test]
fn usage_and_exit_status() {
    let dir = TempDir::new("fix-usage");
    dir.write("pod.yaml", "kind: Pod\nspec:\n  hostPID: true\n  containers: []\n");
    let out = pss_in(dir.path(), &["fix", "--write", "--level", "baseline", "-"], b"kind: Pod\n");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("standard input cannot be written in place"), "{}", out.stderr);
    let out = pss_in(dir.path(), &["fix", "pod.yaml"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("--level"), "{}", out.stderr);
    // Only breaking fixes would do: with --safe-only the pod still violates.
    let out = pss_in(dir.path(), &["fix", "--level", "baseline", "--safe-only", "pod.yaml"], b"");
    assert_eq!((out.code, out.stdout.as_str()), (1, ""));
    assert!(out.stderr.contains("pod.yaml (document 1, line 1): Pod (no name): not fixed at baseline:latest: hostNamespaces spec.hostPID: its fix may change what the workload does"), "{}", out.stderr);
    let out = pss_in(dir.path(), &["fix", "--level", "privileged", "pod.yaml", "missing.yaml"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("pss: error: missing.yaml: "), "{}", out.stderr);
    let help = pss_in(dir.path(), &["fix", "--help"], b"");
    assert!(help.stdout.contains("Exit status:") && help.stdout.contains("--safe-only"), "{}", help.stdout);
}

// ---- real-world manifests -------------------------------------------------------------------

/// Every file of the corpus holding a workload, fixed and written (in a copy), read back: each
/// workload reads as the fixed object the JSON lines give and evaluates to what is left; the
/// other documents read as before. A sample of the files at each setting keeps a debug build's
/// run short; together the two settings cover half of them.
#[test]
fn realworld_manifests_are_fixed_in_place() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/realworld (the real-world manifests)");
    };
    let corpus = shared.join("realworld");
    let kubectl = std::fs::read_to_string(corpus.join("kubectl.jsonl")).unwrap();
    let mut files: Vec<String> = Vec::new();
    for line in kubectl.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        let kind = v["json"]["kind"].as_str().unwrap_or_default();
        let workload = ObjectDocument::from_str(&v["json"].to_string()).is_ok_and(|d| d.workload_kind().is_some());
        if (workload || kind.ends_with("List")) && files.last() != v["file"].as_str().map(str::to_owned).as_ref() {
            files.push(v["file"].as_str().unwrap().to_owned());
        }
    }
    files.dedup();
    assert!(files.len() > 3000, "{}", files.len());
    let dir = TempDir::new("fix-realworld");
    let mut totals = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for (setting, level, safe_only) in [(0, Level::Restricted, false), (1, Level::Baseline, true)] {
        for (n, file) in files.iter().enumerate().filter(|(n, _)| n % 4 == setting * 2) {
            let original = std::fs::read(corpus.join(file)).unwrap();
            let copy = dir.write(&format!("{setting}-{n}.yaml"), &original);
            let mut a = args(level, vec![copy.clone()]);
            a.safe_only = safe_only;
            a.write = true;
            a.format = FixFormat::Jsonl;
            let (stdout, stderr, _) = fix(&a, b"");
            let written = std::fs::read(&copy).unwrap();
            let records = json_lines(&stdout);
            totals.0 += 1;
            totals.1 += records.len();
            totals.2 += usize::from(written != original);
            let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("pss: error:")).collect();
            // pss-core's decoding errors are the input's; anything about the text is a failure.
            if let Some(e) = errors.iter().find(|e| e.contains("cannot be written")) {
                failures.push(format!("{file}: {e}"));
                continue;
            }
            if let Err(e) = compare(&original, &written, &records, LevelVersion::new(level, Version::LATEST)) {
                failures.push(format!("{file} ({level}, safe_only={safe_only}): {e}"));
            }
        }
    }
    eprintln!("realworld: {} files, {} workloads, {} files changed", totals.0, totals.1, totals.2);
    assert!(
        failures.is_empty(),
        "{} failures, the first:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    assert!(totals.2 > 500, "{totals:?}");
}

/// Every document of `bytes`, as kubectl reads it: (document, item) -> JSON.
fn documents(bytes: &[u8]) -> Vec<((usize, Option<usize>), Value)> {
    let mut out = Vec::new();
    let mut reader = pss_manifest::Reader::new(bytes);
    while let Some(doc) = reader.next_document().unwrap() {
        let Ok(doc) = doc else { continue };
        let json: Value = serde_json::from_slice(doc.json()).unwrap();
        if json["kind"].as_str().is_some_and(|k| k.ends_with("List")) {
            if let Ok(items) = doc.items() {
                for item in items {
                    out.push(((doc.index(), Some(item.index())), serde_json::from_slice(item.json()).unwrap()));
                }
            }
        }
        out.push(((doc.index(), None), json));
    }
    out
}

fn compare(original: &[u8], written: &[u8], records: &[Value], lv: LevelVersion) -> Result<(), String> {
    let before = documents(original);
    let after = documents(written);
    if before.len() != after.len() {
        return Err(format!("{} documents before, {} after", before.len(), after.len()));
    }
    for ((at, old), (at2, new)) in before.iter().zip(&after) {
        if at != at2 {
            return Err("the documents moved".into());
        }
        let record = records
            .iter()
            .find(|r| r["document"].as_u64() == Some(at.0 as u64) && r["item"].as_u64().map(|i| i as usize) == at.1);
        let Some(record) = record else {
            // Not a workload (or a List, compared item by item): as it was, unless an item changed.
            if at.1.is_none() && new["kind"].as_str().is_some_and(|k| k.ends_with("List")) {
                continue;
            }
            if old != new {
                return Err(format!("document {at:?} changed without a fix"));
            }
            continue;
        };
        if *new != record["object"] {
            return Err(format!("document {at:?} does not read as the fixed object"));
        }
        let eval = evaluate_object(lv, &ObjectDocument::from_str(&new.to_string()).unwrap()).unwrap();
        let left: Vec<String> = eval.iter().flat_map(|v| v.fields().iter().map(|f| f.path().to_string())).collect();
        let reported: Vec<String> =
            record["unfixable"].as_array().unwrap().iter().map(|u| u["path"].as_str().unwrap().to_owned()).collect();
        if left != reported || eval.allowed() != record["fixed"] {
            return Err(format!("document {at:?}: left {left:?}, reported {reported:?}"));
        }
    }
    Ok(())
}

// ---- generated pods, written in many styles ------------------------------------------------

/// A small deterministic random source for the writer's choices.
struct Choices(u64);

impl Choices {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn one_in(&mut self, n: u64) -> bool {
        self.next() % n == 0
    }
}

/// A YAML writer with random choices of style: block or flow collections, indentation step,
/// indented or indentless lists, quoting, comments, line endings.
struct Writer {
    choices: Choices,
    step: usize,
    indentless: bool,
    out: String,
}

fn plain(s: &str) -> bool {
    const SPECIAL: [&str; 12] = ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan"];
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || "._/-".contains(c))
        && !SPECIAL.iter().any(|w| w.eq_ignore_ascii_case(s))
}

impl Writer {
    fn scalar(&mut self, v: &Value) -> String {
        match v {
            Value::String(s) if plain(s) && !self.choices.one_in(4) => s.clone(),
            Value::String(s)
                if !s.contains(['\'', '\n', '\\']) && s.chars().all(|c| c >= ' ') && self.choices.one_in(2) =>
            {
                format!("'{s}'")
            }
            Value::String(s) => serde_json::to_string(s).unwrap(),
            other => other.to_string(),
        }
    }

    fn key(&mut self, k: &str) -> String {
        if plain(k) {
            k.to_owned()
        } else {
            serde_json::to_string(k).unwrap()
        }
    }

    fn flow(&mut self, v: &Value) -> String {
        match v {
            Value::Object(m) => {
                let members: Vec<String> =
                    m.iter().map(|(k, v)| format!("{}: {}", self.key(k), self.flow(v))).collect();
                format!("{{{}}}", members.join(", "))
            }
            Value::Array(a) => format!("[{}]", a.iter().map(|v| self.flow(v)).collect::<Vec<_>>().join(", ")),
            other => self.scalar(other),
        }
    }

    fn comment(&mut self) -> &'static str {
        if self.choices.one_in(5) {
            " # note"
        } else {
            ""
        }
    }

    /// The members of a mapping at `indent`, the first one after `first` (`- ` or nothing).
    fn map(&mut self, m: &serde_json::Map<String, Value>, indent: usize, compact_first: bool) {
        for (i, (k, v)) in m.iter().enumerate() {
            if !(i == 0 && compact_first) {
                if self.choices.one_in(8) {
                    self.out.push_str(&format!("{}# about {k}\n", " ".repeat(indent)));
                }
                self.out.push_str(&" ".repeat(indent));
            }
            let key = self.key(k);
            self.out.push_str(&key);
            self.out.push(':');
            self.value(v, indent);
        }
    }

    /// A mapping's value, after `key:`; the key at `indent`.
    fn value(&mut self, v: &Value, indent: usize) {
        let empty = matches!(v, Value::Object(m) if m.is_empty()) || matches!(v, Value::Array(a) if a.is_empty());
        match v {
            Value::Object(m) if !empty && !self.choices.one_in(6) => {
                let c = self.comment();
                self.out.push_str(&format!("{c}\n"));
                self.map(m, indent + self.step, false);
            }
            Value::Array(a) if !empty && !self.choices.one_in(4) => {
                let c = self.comment();
                self.out.push_str(&format!("{c}\n"));
                let dash = if self.indentless { indent } else { indent + self.step };
                for item in a {
                    self.out.push_str(&format!("{}- ", " ".repeat(dash)));
                    match item {
                        Value::Object(m) if !m.is_empty() => self.map(m, dash + 2, true),
                        other => {
                            let text = self.flow(other);
                            let c = self.comment();
                            self.out.push_str(&format!("{text}{c}\n"));
                        }
                    }
                }
            }
            other => {
                let text = self.flow(other);
                let c = self.comment();
                self.out.push_str(&format!(" {text}{c}\n"));
            }
        }
    }
}

/// `object` written as YAML or JSON in a style the seed picks.
fn write(object: &Value, seed: u64) -> String {
    let mut choices = Choices(seed | 1);
    let crlf = choices.one_in(5);
    let text = if choices.one_in(4) {
        if choices.one_in(2) {
            serde_json::to_string_pretty(object).unwrap()
        } else {
            object.to_string()
        }
    } else {
        let step = [2, 2, 4, 3][(choices.next() % 4) as usize];
        let indentless = choices.one_in(2);
        let mut w = Writer { choices, step, indentless, out: String::from("# generated\n") };
        w.map(object.as_object().unwrap(), 0, false);
        w.out
    };
    if crlf {
        text.replace('\n', "\r\n")
    } else {
        text
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 192, ..Default::default() })]

    /// Generated workloads written in random styles: their fix is written into the text, which
    /// then reads exactly as the fixed object (or the editor refuses, never anything else).
    #[test]
    fn generated_manifests_are_edited_exactly(
        pod in pss_testgen::pod(),
        k in 0..pss_testgen::KINDS.len(),
        seed in proptest::prelude::any::<u64>(),
        restricted in proptest::prelude::any::<bool>(),
        safe_only in proptest::prelude::any::<bool>(),
    ) {
        let object = pss_testgen::workload(pss_testgen::KINDS[k], &pod, None);
        let text = write(&object, seed);
        // The writer's text must read as the object (else the case says nothing).
        let read = pss_manifest::yaml_to_json(&text, &Default::default()).ok().flatten();
        let read: Option<Value> = read.and_then(|j| serde_json::from_slice(&j).ok());
        proptest::prop_assume!(read.as_ref() == Some(&object));
        let dir = TempDir::new(&format!("fix-gen-{seed}"));
        let path = dir.write("w.yaml", &text);
        let level = if restricted { Level::Restricted } else { Level::Baseline };
        let mut a = args(level, vec![path.clone()]);
        a.safe_only = safe_only;
        a.write = true;
        a.format = FixFormat::Jsonl;
        let (stdout, stderr, _) = fix(&a, b"");
        let records = json_lines(&stdout);
        proptest::prop_assert_eq!(records.len(), 1, "{}", stderr);
        let written = std::fs::read_to_string(&path).unwrap();
        if stderr.contains("cannot be written") {
            // Refused: the file is left exactly as it was.
            proptest::prop_assert_eq!(&written, &text);
            proptest::prop_assert!(false, "refused: {}\n{}", stderr, text);
        }
        let result = compare(text.as_bytes(), written.as_bytes(), &records, LevelVersion::new(level, Version::LATEST));
        proptest::prop_assert!(result.is_ok(), "{:?}\n--- before\n{}\n--- after\n{}", result, text, written);
        // Full-line comments outside what a fix removes stay: the header, at least.
        proptest::prop_assert_eq!(text.starts_with("# generated"), written.starts_with("# generated"));
    }
}
