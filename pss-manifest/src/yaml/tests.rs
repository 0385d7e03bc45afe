//! YAML read as kubectl reads it. The expected JSON and refusals are sigs.k8s.io/yaml's (v1.4.0,
//! go-yaml v2), as `fuzz/differential/` gives them.

use serde_json::{json, Value};

use crate::{yaml_to_json, ErrorKind, Options, ScalarProblem};

fn read(yaml: &str) -> Value {
    let json = yaml_to_json(yaml, &Options::default()).unwrap_or_else(|e| panic!("{yaml:?}: {e}"));
    serde_json::from_slice(&json.expect("a document")).unwrap()
}

fn refused(yaml: &str) -> crate::Error {
    match yaml_to_json(yaml, &Options::default()) {
        Ok(json) => panic!("{yaml:?} read as {:?}", json.map(String::from_utf8)),
        Err(error) => error,
    }
}

#[test]
fn nodes_read_as_kubernetes_reads_them() {
    assert_eq!(
        read("a: yes\nb: 0755\nc: ~\nd: [1, -2, 1.5, 18446744073709551615]\ne: {}\n"),
        json!({"a": true, "b": 493, "c": null, "d": [1, -2, 1.5, 18446744073709551615u64], "e": {}})
    );
    assert_eq!(read("a: 1\na: 2\n"), json!({"a": 2}), "a repeated key replaces the earlier one");
    assert_eq!(read("a: {b: 1}\na: {c: 2}\n"), json!({"a": {"c": 2}}), "objects are replaced, not merged");
    assert_eq!(read("1: one\ntrue: t\n"), json!({"1": "one", "true": "t"}), "keys are strings");
    assert_eq!(read("$serde_json::private::RawValue: 1\n"), json!({"$serde_json::private::RawValue": 1}));
    assert_eq!(yaml_to_json("# only a comment\n", &Options::default()).unwrap(), None);
    assert_eq!(yaml_to_json("~\n", &Options::default()).unwrap().as_deref(), Some(&b"null"[..]));
    // Only the first document is read, as go-yaml v2's Unmarshal does.
    assert_eq!(read("a: 1\n...\nb: 2\n"), json!({"a": 1}));
    assert_eq!(read("{\"a\": 1}\n{\n"), json!({"a": 1}));
}

#[test]
fn plain_scalars_read_as_go_yaml_v2_resolves_them() {
    let cases = [
        ("tRuE", json!("tRuE")),
        ("Y", json!(true)),
        ("n", json!(false)),
        ("0X1F", json!(31)),
        ("0O17", json!(15)),
        ("-0B101", json!(-5)),
        ("1__0", json!(10)),
        ("0.5_0", json!(0.5)),
        ("1_e3", json!(1000)),
        ("08", json!(8)),
        ("1e400", json!("1e400")),
        ("0x8000000000000000", json!(9_223_372_036_854_775_808u64)),
        ("NaN", json!("NaN")),
        ("-0", json!(0)),
        ("2001-12-14", json!("2001-12-14")),
        ("1.0", json!(1)),
        ("1e21", json!(1e21)),
    ];
    for (text, want) in cases {
        let got = read(&format!("a: {text}\n"))["a"].clone();
        assert_eq!(got, want, "{text:?}");
        assert_eq!(got.is_f64(), want.is_f64(), "{text:?}: {got}");
    }
    // Go writes the float -0.0 as `-0`, which the API server reads as the integer 0.
    assert_eq!(yaml_to_json("a: -0.0\n", &Options::default()).unwrap().as_deref(), Some(&br#"{"a":-0}"#[..]));
    assert_eq!(
        read("yes: 1\n0x1F: 2\n1.50: 3\n1e6: 4\ntRuE: 5\nn: 7\n.inf: 8\n"),
        json!({"true": 1, "31": 2, "1.5": 3, "1e+06": 4, "tRuE": 5, "false": 7, ".inf": 8})
    );
    let error = refused("a: 1\nb:\n  ~: x\n");
    assert_eq!(error.kind(), &ErrorKind::Scalar { text: "~".into(), problem: ScalarProblem::NullKey }, "{error}");
    assert_eq!((error.position().unwrap().line, error.position().unwrap().column), (3, 3));
    assert!(matches!(
        refused("9223372036854775808: 1\n").kind(),
        ErrorKind::Scalar { problem: ScalarProblem::UnsignedKey, .. }
    ));
    assert_eq!(refused("? [a]\n: 1\n").kind(), &ErrorKind::CollectionKey);
}

#[test]
fn tagged_scalars_read_as_go_yaml_v2_decodes_them() {
    assert_eq!(
        read("a: !foo 123\nb: !!float 017\nc: !!int \"0X50\"\nd: !!str true\ne: !x\nf: !!binary aGVsbG8=\n!!int 7: k\ng: !!map {h: !!seq [1]}\n"),
        json!({"a": "123", "b": 15, "c": 80, "d": "true", "e": "", "f": "hello", "7": "k", "g": {"h": [1]}})
    );
    let error = refused("hostNetwork: !!bool fAlSe\n");
    assert_eq!(
        error.to_string(),
        "invalid YAML: cannot decode !!str `fAlSe` as a !!bool: the scalar is a !!str to Kubernetes, not the !!bool its \
         tag asks for at line 1 column 21"
    );
    // Block scalars and scalars over several lines are decoded alike.
    assert!(refused("a: !!int |\n  5\n").to_string().contains("cannot decode !!str `5\n` as a !!int"));
    assert_eq!(read("a: !!str |\n  5\n"), json!({"a": "5\n"}));
    assert!(refused("a: !!int \"0x\n  10\"\n").to_string().contains("cannot decode !!str `0x 10` as a !!int"));
}

#[test]
fn merge_keys_apply_where_they_stand_as_in_go_yaml_v2() {
    assert_eq!(read("a: 1\n<<: {a: 2, b: 2}\n"), json!({"a": 2, "b": 2}), "a merge replaces the keys before it");
    assert_eq!(read("<<: {a: 2, b: 2}\na: 1\n"), json!({"a": 1, "b": 2}), "and the keys after it replace it");
    assert_eq!(read("a: 0\n<<: [{a: 1}, {a: 2, b: 2}]\n"), json!({"a": 1, "b": 2}), "earlier mappings win");
    assert_eq!(
        read("base: &b {p: 1, q: 1}\nm:\n  p: 0\n  <<: *b\n  q: 2\n"),
        json!({"base": {"p": 1, "q": 1}, "m": {"p": 1, "q": 2}})
    );
    // A quoted `<<`, or one with another tag, is an ordinary key; `!!merge` merges.
    assert_eq!(read("\"<<\": {a: 1}\nb: 2\n"), json!({"<<": {"a": 1}, "b": 2}));
    assert_eq!(read("!foo <<: {a: 1}\nb: 2\n"), json!({"<<": {"a": 1}, "b": 2}));
    assert_eq!(read("!!merge <<: {a: 1}\nb: 2\n"), json!({"a": 1, "b": 2}));
    for yaml in ["<<: 1\n", "a: 1\n<<: [{b: 1}, 2]\n", "<<: ~\n", "m:\n  <<: [[]]\n", "x: &l [{a: 1}]\ny:\n  <<: *l\n"]
    {
        assert_eq!(refused(yaml).kind(), &ErrorKind::MergeNotMapping, "{yaml:?}");
    }
}

#[test]
fn aliases_decode_again_at_each_use() {
    // The key `*a` is the anchor's scalar read as a key; the anchored key read as a value is `true`.
    assert_eq!(read("k: &a yes\n*a : v\n"), json!({"k": true, "true": "v"}));
    assert_eq!(read("&a yes : 1\nb: *a\n"), json!({"true": 1, "b": true}));
    assert_eq!(refused("a: &a [*a]\n").kind(), &ErrorKind::RecursiveAlias("a".into()));
    // Anchor names: go-yaml v2 takes ASCII letters, digits, `_` and `-`.
    assert!(matches!(refused("a: &x.y 1\nb: *x.y\n").kind(), ErrorKind::AnchorName(name) if name == "x.y"));
    assert!(refused("a: &s: 1\n").to_string().starts_with("invalid YAML: "));
}

#[test]
fn billion_laughs_stop_at_go_yaml_v2s_check() {
    let mut yaml = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n".to_owned();
    for c in b'b'..=b'i' {
        let previous = (c - 1) as char;
        yaml.push_str(&format!("{}: &{} [{}]\n", c as char, c as char, vec![format!("*{previous}"); 9].join(", ")));
    }
    assert_eq!(refused(&yaml).kind(), &ErrorKind::ExcessiveAliasing);
    // A few aliases are fine.
    assert_eq!(read("a: &a [1, 2]\nb: [*a, *a]\n"), json!({"a": [1, 2], "b": [[1, 2], [1, 2]]}));
}

#[test]
fn what_json_cannot_hold_is_an_error_unless_replaced() {
    let error = refused("a: 1\nf: .inf\n");
    assert_eq!(
        error.to_string(),
        "invalid YAML: non-finite float `.inf`: JSON cannot hold it (kubectl cannot convert it) at line 2 column 4"
    );
    assert_eq!(read("a: .inf\na: 1\n"), json!({"a": 1}), "a later repeated key replaces it, as in a Go map");
}

#[test]
fn surrogate_escapes_are_refused_as_go_yaml_v2_refuses_them() {
    assert_eq!(refused("a: \"\\ud83d\\ude00\"\n").kind(), &ErrorKind::InvalidEscape("\\ud83d".into()));
    assert_eq!(read("a: \"\\U0001F600 \\u00e9\"\nb: '\\ud83d'\n"), json!({"a": "\u{1F600} \u{e9}", "b": "\\ud83d"}));
}

#[test]
fn depth_and_strict_keys() {
    let deep = format!("a: {}1{}\n", "[".repeat(70), "]".repeat(70));
    assert!(refused(&deep).to_string().contains("recursion limit exceeded"), "{}", refused(&deep));
    let strict = Options::strict();
    let error = yaml_to_json("a: 1\nb: 2\na: 3\n", &strict).unwrap_err();
    assert_eq!((error.kind(), error.position().map(|p| p.line)), (&ErrorKind::DuplicateKey("a".into()), Some(3)));
}

/// The fast path takes these texts, and reads each exactly as the event parser does (nodes, values,
/// positions); it declines the others.
#[test]
fn the_fast_path_reads_as_the_event_parser() {
    let taken = [
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # the name\n  labels: {app: web, \"tier\": 'front'}\nspec:\n  template:\n    spec:\n      containers:\n      - name: nginx\n        image: \"nginx:1.27\"\n        args: [\"--a\", b, '--c=''d''']\n        ports:\n          - containerPort: 80\n            hostPort: 0x50\n        securityContext:\n          capabilities: {drop: [ALL], add: []}\n      volumes:\n      -   name: v\n          emptyDir: {}\n",
        "a:\nb: # nothing\nc:\n  - x\n  - 'y'\nd: yes\ne: ~\n",
        "data:\n  script: |\n    #!/bin/sh\n\n    echo \"hi\"  \n      indented\n\n  keep: |+\n    k\n\n\n  strip: |-\n    s\n\n  next: 1\n",
        "f: >\n  folded\n  line\n\n  para\n    more indented\n  back\ng: >-\n  x\n  y\nh: >+\n  z\n\ni: 1\n",
        "description: a plain scalar\n  over lines,\n\n  with an empty line   \n  and more\nitems:\n- one\n  two\n- three\n",
        "name: é中文\nk: v\n\"é\": ü\n",
        "root: [a, [b, {c: d}], {}]\n",
    ];
    for text in taken {
        assert_eq!(crate::yaml::fast_path_agrees(text), Some(Ok(())), "{text}");
    }
    let declined = [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "? a\n: b\n",
        "a: \"esc\\n\"\n",
        "a: \"multi\n  line\"\n",
        "a:\tb\n",
        "a: b: c\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: |2\n   x\n",
        "a: |\n\n  x\n",
        "list:\n- - a\n",
        "a: [b,\n  c]\n",
        "a: 1\n b: 2\n",
        "a: x\n  - y\n",
        "a: x\n  b: y\n",
        "- \n- a\n",
        "a: 'x'#c\n",
        "a: \u{2028}\n",
        "# only a comment\n",
    ];
    for text in declined {
        assert_eq!(crate::yaml::fast_path_agrees(text), None, "{text:?} should be left to the event parser");
    }
}
