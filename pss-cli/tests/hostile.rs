//! Hostile input in the middle of a stream: every bad document is reported with its file, document
//! and position, the documents around it are still checked, memory stays bounded, and the exit
//! status says an input error happened (README: "Limits and decoding").

mod common;

use common::{pss_in, TempDir};

const GOOD: &[u8] =
    br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"good"},"spec":{"containers":[{"name":"c"}]}}"#;
const PRIVILEGED: &[u8] = br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"priv"},"spec":{"containers":[{"name":"c","securityContext":{"privileged":true}}]}}"#;
const DENIED: &str =
    r#"(document 13, line 13): pods "priv" is forbidden: violates PodSecurity "baseline:latest": privileged"#;

fn json_stream() -> Vec<u8> {
    let deep = format!("{}1{}", r#"{"a":"#.repeat(20_000), "}".repeat(20_000));
    let docs: Vec<Vec<u8>> = vec![
        GOOD.to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"badtype"},"spec":{"hostPID":"yes"}}"#.to_vec(),
        deep.into_bytes(),
        br#"{"kind":"Pod","metadata":{"name":"huge-port"},"spec":{"containers":[{"name":"c","ports":[{"hostPort":1e400}]}]}}"#.to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"minus-one"},"spec":{"securityContext":{"runAsUser":-1},"containers":[{"name":"c"}]}}"#.to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"too-big"},"spec":{"securityContext":{"runAsUser":9223372036854775808},"containers":[{"name":"c"}]}}"#.to_vec(),
        b"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"bad-\xff-utf8\"},\"spec\":{}}".to_vec(),
        b"{\"kind\":\"Pod\",\"metadata\":{\"name\":\"nul\x00\"},\"spec\":{}}".to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"case"},"spec":{"HostPID":true,"containers":[{"name":"c"}]}}"#.to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"dup"},"spec":{"hostPID":true,"hostPID":false,"containers":[{"name":"c"}]}}"#.to_vec(),
        br#"{"kind":"Pod","metadata":{"name":"nulls"},"spec":{"hostPID":null,"securityContext":null,"containers":[{"name":"c","securityContext":null}]}}"#.to_vec(),
        format!(r#"{{"kind":"Pod","metadata":{{"name":"many"}},"spec":{{"containers":[{}]}}}}"#, vec![r#"{"name":"c"}"#; 5000].join(",")).into_bytes(),
        PRIVILEGED.to_vec(),
    ];
    let mut out = b"\xEF\xBB\xBF".to_vec();
    for doc in docs {
        out.extend_from_slice(&doc);
        out.push(b'\n');
    }
    out
}

#[test]
fn hostile_json_documents_are_reported_and_the_rest_checked() {
    let dir = TempDir::new("hostile-json");
    dir.write("stream.jsonl", json_stream());
    let out = pss_in(dir.path(), &["check", "stream.jsonl"], b"");
    let errors: Vec<&str> = out.stderr.lines().collect();
    let expected = [
        "pss: error: stream.jsonl (document 2, line 2): spec.hostPID: expected a boolean, found a string at line 2 column 63",
        "pss: error: stream.jsonl (document 3, line 3): a: nesting deeper than 10000 levels at line 3 column 50001",
        "pss: error: stream.jsonl (document 4, line 4): spec.containers[0].ports[0].hostPort: expected an integer, found the number 1e400 at line 4 column 102",
        "pss: error: stream.jsonl (document 6, line 6): spec.securityContext.runAsUser: number 9223372036854775808 is out of range for a 64-bit integer at line 6 column 84",
        "pss: error: stream.jsonl (document 8, line 8): metadata.name: unexpected byte 0x00, expected a character in string (control characters must be escaped) at line 8 column 38",
    ];
    assert_eq!(errors, expected, "{}", out.stderr);
    // runAsUser -1, a case-changed key (unknown, ignored), a repeated key (the last wins), nulls,
    // invalid UTF-8 (U+FFFD, as kubectl's file reader hands it on) and 5000 containers are all valid
    // pods the API server admits at baseline; the privileged pod is denied.
    assert!(out.stdout.contains(DENIED), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("checked 8 pods at baseline:latest: 7 allowed, 1 denied; skipped 0 objects (not a workload); 5 input errors\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 2);
}

fn yaml_stream() -> Vec<u8> {
    let laughs = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_owned()
        + &(b'b'..=b'i')
            .map(|c| {
                let prev = (c - 1) as char;
                let c = c as char;
                format!("{c}: &{c} [{}]\n", vec![format!("*{prev}"); 9].join(", "))
            })
            .collect::<String>()
        + "kind: Pod\n";
    let docs: Vec<Vec<u8>> = vec![
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: good}\nspec: {containers: [{name: c}]}\n".to_vec(),
        b"kind: Pod\nmetadata: {name: broken\nspec: [\n".to_vec(),
        b"kind: Pod\nmetadata: {name: \"bad-\xff\"}\n".to_vec(),
        laughs.into_bytes(),
        format!("kind: Pod\nmetadata: {{name: deep}}\nspec: {}{}\n", "[".repeat(2000), "]".repeat(2000)).into_bytes(),
        b"kind: Pod\nmetadata: {name: yes-bool}\nspec: {hostPID: yes, containers: [{name: c}]}\n".to_vec(),
        b"kind: Pod\nmetadata: {name: string-bool}\nspec: {hostPID: \"true\", containers: [{name: c}]}\n".to_vec(),
        b"kind: Pod\nmetadata: {name: huge}\nspec: {containers: [{name: c, ports: [{hostPort: 1e400}]}]}\n".to_vec(),
        b"apiVersion: v1\nkind: Pod\nmetadata: {name: priv}\nspec: {containers: [{name: c, securityContext: {privileged: true}}]}\n".to_vec(),
        b"kind: Pod\nmetadata: {name: infinite}\nspec: {containers: [{name: c, ports: [{hostPort: .inf}]}]}\n".to_vec(),
    ];
    let mut out = b"\xEF\xBB\xBF".to_vec();
    for (i, doc) in docs.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"---\n");
        }
        out.extend_from_slice(doc);
    }
    out
}

#[test]
fn hostile_yaml_documents_are_reported_and_the_rest_checked() {
    let dir = TempDir::new("hostile-yaml");
    dir.write("stream.yaml", yaml_stream());
    let out = pss_in(dir.path(), &["check", "stream.yaml"], b"");
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 6, "{}", out.stderr);
    let starts = [
        "pss: error: stream.yaml (document 2, line 6): invalid YAML: while parsing a flow mapping, did not find expected ',' or '}' at line 8 column 5",
        // The billion laughs stop at go-yaml v2's aliasing check, as kubectl: an error, not gigabytes.
        "pss: error: stream.yaml (document 4, line 13): invalid YAML: document contains excessive aliasing",
        "pss: error: stream.yaml (document 5, line 24): invalid YAML: recursion limit exceeded",
        "pss: error: stream.yaml (document 7, line 32): spec.hostPID: expected a boolean, found a string",
        // Beyond a float's range, `1e400` is the string "1e400" to go-yaml v2 (as to kubectl).
        "pss: error: stream.yaml (document 8, line 36): spec.containers[0].ports[0].hostPort: expected an integer, found a string",
        // JSON cannot hold `.inf`: kubectl fails to convert the document.
        "pss: error: stream.yaml (document 10, line 45): invalid YAML: non-finite float `.inf`: JSON cannot hold it (kubectl cannot convert it) at line 47 column 50",
    ];
    for (line, start) in errors.iter().zip(starts) {
        assert!(line.starts_with(start), "{line:?} does not start with {start:?}");
    }
    // `yes` is YAML 1.1's true, as Kubernetes' YAML reader has it.
    assert!(out.stdout.contains(r#"(document 6, line 28): pods "yes-bool" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)"#), "{}", out.stdout);
    assert!(out.stdout.contains(r#"(document 9, line 40): pods "priv" is forbidden"#), "{}", out.stdout);
    // Invalid UTF-8 reads as U+FFFD, as kubectl's file reader hands it on: the pod is allowed.
    assert!(out.stdout.ends_with("checked 4 pods at baseline:latest: 2 allowed, 2 denied; skipped 0 objects (not a workload); 6 input errors\n"), "{}", out.stdout);
    assert_eq!(out.code, 2);
}

/// `--max-document-size`: a longer document, JSON or YAML, is an input error naming its place and
/// size; it is not read into memory, and the documents after it are still checked.
#[test]
fn documents_over_the_size_limit_are_reported_and_the_rest_checked() {
    let dir = TempDir::new("too-large");
    let big_json = format!(
        r#"{{"kind":"Pod","metadata":{{"name":"big","annotations":{{"a":"{}"}}}},"spec":{{"containers":[{{"name":"c"}}]}}}}"#,
        "x".repeat(5000)
    );
    let mut json = GOOD.to_vec();
    json.push(b'\n');
    json.extend_from_slice(big_json.as_bytes());
    json.push(b'\n');
    json.extend_from_slice(PRIVILEGED);
    dir.write("stream.json", &json);
    let big_yaml = format!("kind: Pod\nmetadata:\n  name: big\n  annotations: {{a: {}}}\n", "y".repeat(5000));
    dir.write(
        "stream.yaml",
        format!("kind: Pod\nmetadata: {{name: good}}\nspec: {{containers: [{{name: c}}]}}\n---\n{big_yaml}---\nkind: Pod\nmetadata: {{name: priv}}\nspec: {{containers: [{{name: c, securityContext: {{privileged: true}}}}]}}\n"),
    );

    let out = pss_in(dir.path(), &["check", "--max-document-size", "4Ki", "stream.json", "stream.yaml"], b"");
    let errors: Vec<&str> = out.stderr.lines().collect();
    let expected = [
        format!(
            "pss: error: stream.json (document 2, line 2): the document is {} bytes, larger than the limit of 4 KiB (raise it with --max-document-size)",
            big_json.len()
        ),
        format!(
            "pss: error: stream.yaml (document 2, line 5): the document is {} bytes, larger than the limit of 4 KiB (raise it with --max-document-size)",
            big_yaml.len()
        ),
    ];
    assert_eq!(errors, expected, "{}", out.stderr);
    assert!(out.stdout.contains(r#"stream.json (document 3, line 3): pods "priv" is forbidden"#), "{}", out.stdout);
    assert!(out.stdout.contains(r#"stream.yaml (document 3, line 10): pods "priv" is forbidden"#), "{}", out.stdout);
    assert_eq!(out.code, 2);

    // The default limit (128 MiB) takes them, as does the option given after the paths.
    let out = pss_in(dir.path(), &["check", "stream.json", "stream.yaml"], b"");
    assert_eq!(out.stderr, "", "{}", out.stderr);
    assert_eq!(out.code, 1);
    let out = pss_in(dir.path(), &["check", "stream.json", "--max-document-size", "6000"], b"");
    assert_eq!(out.stderr, "");

    // A bad size is a usage error.
    let out = pss_in(dir.path(), &["check", "--max-document-size", "0", "stream.json"], b"");
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("invalid size \"0\": must be at least 1 byte"), "{}", out.stderr);
}

/// Standard input larger than what is kept in memory (16 MiB) is buffered on disk and still read
/// by every pass: the Namespace at its end applies to the pods before it.
#[test]
fn long_standard_input_is_read_by_every_pass() {
    let dir = TempDir::new("long-stdin");
    let mut input = Vec::new();
    let pod = br#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"prod"},"spec":{"hostNetwork":true,"containers":[{"name":"c"}]}}"#;
    let mut pods = 0;
    while input.len() <= 17 << 20 {
        input.extend_from_slice(pod);
        input.push(b'\n');
        pods += 1;
    }
    input.extend_from_slice(
        br#"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"prod","labels":{"pod-security.kubernetes.io/enforce":"privileged"}}}"#,
    );
    let out = pss_in(dir.path(), &["check", "-"], &input);
    assert_eq!(out.stderr, "");
    // Enforced at privileged by the Namespace (else the pods would be denied); warned at baseline.
    let summary = format!(
        "checked {pods} pods and 1 namespace by namespace labels (default baseline:latest): {} allowed, 0 denied, \
         {pods} with warnings; skipped 0 objects (not a workload); 0 input errors\n",
        pods + 1
    );
    assert!(out.stdout.ends_with(&summary), "{}", &out.stdout[out.stdout.len().saturating_sub(300)..]);
    assert_eq!(out.code, 0);
}

#[test]
fn integral_yaml_floats_are_integers_as_kubectl_sends_them() {
    // sigs.k8s.io/yaml converts YAML to JSON through Go's encoding/json, which writes the float 0.0 as
    // `0` and -0.0 as `-0`: the API server reads the integers, so `runAsUser: 0.0` is root.
    let dir = TempDir::new("integral-floats");
    dir.write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: floats\nspec:\n  securityContext:\n    runAsNonRoot: true\n    runAsUser: 0.0\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: c\n    securityContext:\n      runAsUser: -0.0\n      allowPrivilegeEscalation: false\n      capabilities: {drop: [ALL]}\n",
    );
    let out = pss_in(dir.path(), &["check", "--level", "restricted", "pod.yaml"], b"");
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.contains(
            r#"violates PodSecurity "restricted:latest": runAsUser=0 (pod and container "c" must not set runAsUser=0)"#
        ),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 1);
}

/// Found by the `manifest_stream` fuzz target (fuzz/regressions/manifest_stream): serde_json's
/// private raw-value marker as a YAML key (first in its mapping, where serde_json's `Value` looks for
/// it). It is an ordinary key; the pod around it is checked.
#[test]
fn serde_json_marker_keys_in_yaml_are_ordinary_keys() {
    let dir = TempDir::new("raw-value-key");
    dir.write(
        "pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  $serde_json::private::RawValue: web\n  name: marked\nspec:\n  hostPID: true\n  containers:\n  - name: c\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: inner\nspec:\n  containers:\n  - name: c\n    securityContext:\n      $serde_json::private::RawValue: '{\"privileged\": true}'\n",
    );
    let out = pss_in(dir.path(), &["check", "pods.yaml"], b"");
    assert_eq!(out.stderr, "");
    assert!(
        out.stdout.contains(r#"pods.yaml (document 1, line 1): pods "marked" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true)"#),
        "{}",
        out.stdout
    );
    // The marker's value is not read as embedded JSON: the second pod has no privileged container.
    assert!(
        out.stdout.ends_with("checked 2 pods at baseline:latest: 1 allowed, 1 denied; skipped 0 objects (not a workload); 0 input errors\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 1);
}

/// Found with the YAML-form seeds (fuzz/yamlforms.py): kubectl and the API server read YAML with
/// go-yaml v2, which applies a merge key (`<<`) where it stands, over the keys before it. A
/// `privileged: false` written before the merge does not hide the merged `privileged: true`.
#[test]
fn merge_keys_apply_where_they_stand_as_kubectl_reads_them() {
    let dir = TempDir::new("merge-keys");
    dir.write(
        "pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: before}\nspec:\n  containers:\n  - name: c\n    securityContext: {privileged: false, <<: {privileged: true}}\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: after}\nspec:\n  containers:\n  - name: c\n    securityContext:\n      <<: {privileged: true}\n      privileged: false\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: anchored}\nspec:\n  containers:\n  - name: a\n    securityContext: &sc {privileged: true}\n  - name: b\n    securityContext: {privileged: false, <<: [*sc, {privileged: false}]}\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: scalar}\nspec:\n  containers:\n  - name: c\n    securityContext: {<<: true}\n",
    );
    let out = pss_in(dir.path(), &["check", "pods.yaml"], b"");
    assert!(out.stdout.contains(r#"pods "before" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#), "{}", out.stdout);
    assert!(out.stdout.contains(r#"pods "anchored" is forbidden: violates PodSecurity "baseline:latest": privileged (containers "a", "b" must not set securityContext.privileged=true)"#), "{}", out.stdout);
    assert!(!out.stdout.contains(r#"pods "after""#), "{}", out.stdout);
    assert!(
        out.stderr.starts_with("pss: error: pods.yaml (document 4, line 29): invalid YAML: map merge requires map or sequence of maps as the value"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.ends_with("checked 3 pods at baseline:latest: 1 allowed, 2 denied; skipped 0 objects (not a workload); 1 input error\n"), "{}", out.stdout);
    assert_eq!(out.code, 2);
}

/// kubectl and the API server read plain YAML scalars as go-yaml v2 resolves them: `fAlSe` is a
/// string (only `false`, `False`, `FALSE`, `n`, `no`, `off` and their capitalisations in its table
/// are booleans), so the API server rejects it where a boolean belongs; `0X50` is the integer 80.
#[test]
fn plain_scalars_are_read_as_kubectl_reads_them() {
    let dir = TempDir::new("go-yaml-scalars");
    dir.write(
        "pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: mixed-case}\nspec:\n  hostNetwork: fAlSe\n  containers: [{name: c}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: hex}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: 0X50, hostPort: 0X50}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: null-key}\nspec:\n  containers: [{name: c, ~: x}]\n",
    );
    let out = pss_in(dir.path(), &["check", "pods.yaml"], b"");
    assert!(
        out.stderr.contains(
            "pss: error: pods.yaml (document 1, line 1): spec.hostNetwork: expected a boolean, found a string"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains(r#"pods "hex" is forbidden: violates PodSecurity "baseline:latest": hostPort (container "c" uses hostPort 80)"#), "{}", out.stdout);
    assert!(
        out.stderr.contains("pss: error: pods.yaml (document 3, line 16): invalid YAML: the mapping key `~` is null, which Kubernetes cannot make a JSON key of at line 20 column 26"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.ends_with("checked 1 pod at baseline:latest: 0 allowed, 1 denied; skipped 0 objects (not a workload); 2 input errors\n"), "{}", out.stdout);
    assert_eq!(out.code, 2);
}

/// Tags are decoded as go-yaml v2 decodes them (kubectl's reading): a core tag's type is checked,
/// other tags keep the text.
#[test]
fn tagged_scalars_are_read_as_kubectl_reads_them() {
    let dir = TempDir::new("go-yaml-tags");
    dir.write(
        "pods.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: bool-tag}\nspec:\n  hostNetwork: !!bool fAlSe\n  containers: [{name: c}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: int-tag}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: !!int \"0X50\", hostPort: !!int \"0X50\"}]\n\
         ---\napiVersion: v1\nkind: Pod\nmetadata: {name: local-tag}\nspec:\n  hostPID: !custom true\n  containers: [{name: c}]\n",
    );
    let out = pss_in(dir.path(), &["check", "pods.yaml"], b"");
    assert!(
        out.stderr.contains(
            "pss: error: pods.yaml (document 1, line 1): invalid YAML: cannot decode !!str `fAlSe` as a !!bool: the scalar is a !!str to Kubernetes, not the !!bool its tag asks for at line 5 column 23"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.contains(r#"pods "int-tag" is forbidden: violates PodSecurity "baseline:latest": hostPort (container "c" uses hostPort 80)"#), "{}", out.stdout);
    // `!custom true` is the string "true" to go-yaml v2, which the API server refuses for a boolean.
    assert!(
        out.stderr
            .contains("pss: error: pods.yaml (document 3, line 16): spec.hostPID: expected a boolean, found a string"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.ends_with("checked 1 pod at baseline:latest: 0 allowed, 1 denied; skipped 0 objects (not a workload); 2 input errors\n"), "{}", out.stdout);
    assert_eq!(out.code, 2);
}
