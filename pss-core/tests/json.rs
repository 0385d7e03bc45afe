//! The JSON way in decodes as the API server does, and rejects what it cannot read with an error
//! that names the problem and where it is.

use pss_core::{
    evaluate_json, evaluate_json_str, evaluate_object, ErrorKind, Level, LevelVersion, ObjectDocument, ObjectHeader,
    PodDocument, Version, MAX_DEPTH,
};

mod common;

fn baseline(json: &str) -> pss_core::Evaluation {
    evaluate_json_str(LevelVersion::default(), json).unwrap()
}

fn err(json: &str) -> pss_core::Error {
    evaluate_json_str(LevelVersion::default(), json).unwrap_err()
}

fn privileged_pod(sc: &str) -> String {
    format!(r#"{{"spec": {{"containers": [{{"name": "c", "securityContext": {sc}}}]}}}}"#)
}

#[test]
fn keys_are_case_sensitive() {
    assert!(baseline(&privileged_pod(r#"{"Privileged": true}"#)).allowed());
    assert!(baseline(r#"{"Spec": {"hostNetwork": true}}"#).allowed());
    assert!(!baseline(&privileged_pod(r#"{"privileged": true}"#)).allowed());
}

#[test]
fn escaped_keys_and_values_decode() {
    assert!(!baseline(&privileged_pod(r#"{"privil\u0065ged": true}"#)).allowed());
    let e = baseline(r#"{"spec": {"volumes": [{"name": "v\"1\u00e9", "hostPath": {}}]}}"#);
    // joinQuote quotes without escaping, as upstream.
    assert_eq!(e[0].detail(), "volume \"v\"1\u{e9}\"");
    let e = baseline(r#"{"spec": {"volumes": [{"name": "\ud83d\ude00 \ud800x", "hostPath": {}}]}}"#);
    assert_eq!(e[0].detail(), "volume \"\u{1f600} \u{fffd}x\"");
}

#[test]
fn unknown_fields_are_skipped_but_must_be_well_formed() {
    let pod = r#"{"status": {"a": [1, 2.5e3, -0.1, true, false, null, {"b": "\n\u0041"}]}, "spec": {"x": [[[]]], "hostPID": true}}"#;
    assert_eq!(baseline(pod)[0].detail(), "hostPID=true");
    let e = err(r#"{"status": {"a": [1, 2,]}, "spec": {}}"#);
    assert!(e.is_syntax(), "{e}");
    // Inside skipped values the path names the unknown field; the position is exact.
    assert_eq!(e.to_string(), "status: unexpected character ']', expected a value at line 1 column 24");
    // A field the checks don't read at this level is not type-checked (Go ignores unknown fields).
    assert!(baseline(r#"{"spec": {"securityContext": {"privileged": "yes"}}}"#).allowed());
}

#[test]
fn a_repeated_key_decodes_over_the_earlier_one() {
    assert!(baseline(&privileged_pod(r#"{"privileged": true, "privileged": false}"#)).allowed());
    assert!(!baseline(&privileged_pod(r#"{"privileged": false, "privileged": true}"#)).allowed());
    // Objects merge (Go decodes into the existing struct).
    let merged = r#"{"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}, "securityContext": {"runAsUser": 1}}]}}"#;
    assert!(!baseline(merged).allowed());
    // `null` clears a pointer.
    let cleared = r#"{"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}, "securityContext": null}]}}"#;
    assert!(baseline(cleared).allowed());
    // Arrays decode element-wise into the earlier elements and then take the new length.
    let arrays = r#"{"spec": {"containers": [{"name": "a", "securityContext": {"privileged": true}}, {"name": "b"}],
                              "containers": [{"name": "z"}]}}"#;
    assert_eq!(baseline(arrays)[0].detail(), r#"container "z" must not set securityContext.privileged=true"#);
    // Maps merge; a null value is "".
    let maps = r#"{"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"},
                                "annotations": {"seccomp.security.alpha.kubernetes.io/pod": null}}, "spec": {}}"#;
    let e = evaluate_json_str("baseline:v1.18".parse().unwrap(), maps).unwrap();
    assert_eq!(e[0].detail(), r#"forbidden annotation seccomp.security.alpha.kubernetes.io/pod="""#);
    // The small structs (read by one member reader) merge too: a repeated struct without the member
    // keeps the earlier value, one with it replaces it.
    let restricted = |pod: &str| evaluate_json_str("restricted:latest".parse().unwrap(), pod).unwrap();
    let windows = r#"{"spec": {"os": {"name": "windows"}, "os": {}, "securityContext": {"runAsNonRoot": true},
                               "containers": [{"name": "w"}]}}"#;
    assert!(restricted(windows).allowed(), "{:?}", restricted(windows));
    let se_linux = r#"{"spec": {"containers": [{"name": "c", "securityContext": {"seLinuxOptions": {"type": "spc_t", "type": "container_t"},
                                 "seLinuxOptions": {"user": "u", "role": "r"}}}]}}"#;
    // The later type (container_t) is allowed; user and role are not.
    assert_eq!(
        baseline(se_linux)[0].detail(),
        r#"container "c" set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set"#
    );
    let caps = r#"{"spec": {"containers": [{"name": "c", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"], "drop": ["ALL"]},
                             "capabilities": {"add": ["CHOWN"]}}}]}}"#;
    assert!(baseline(caps).allowed());
    let host_path = r#"{"spec": {"volumes": [{"name": "v", "hostPath": {"path": "/a", "type": "Directory"}, "hostPath": {"type": ""}}]}}"#;
    let e = baseline(host_path);
    assert_eq!(e[0].detail(), r#"volume "v""#);
}

#[test]
fn null_means_absent() {
    let pod = r#"{"metadata": null, "spec": {"hostNetwork": null, "hostUsers": null, "os": null, "securityContext": null,
                  "volumes": null, "containers": [{"name": "c", "securityContext": {"privileged": null, "capabilities": null}, "ports": null}]}}"#;
    assert!(baseline(pod).allowed());
    assert!(evaluate_json_str("restricted:latest".parse().unwrap(), r#"{"spec": null}"#).unwrap().allowed());
}

#[test]
fn errors_name_the_field_and_position() {
    let e = err(&privileged_pod(r#"{"privileged": "true"}"#));
    assert!(e.is_invalid_type());
    assert_eq!(e.kind(), ErrorKind::InvalidType);
    assert_eq!(e.path(), Some("spec.containers[0].securityContext.privileged"));
    assert_eq!(e.message(), "expected a boolean, found a string");
    let pos = e.position().unwrap();
    assert_eq!((pos.line, pos.column, pos.offset), (1, 74, 73));

    let e = err("{\n  \"spec\": {\n    \"volumes\": {}\n  }\n}");
    assert_eq!(e.to_string(), "spec.volumes: expected an array, found an object at line 3 column 16");

    let e = err(r#"{"metadata": {"annotations": {"k": 1}}}"#);
    assert_eq!(e.to_string(), "metadata.annotations[k]: expected a string, found a number at line 1 column 36");

    let e = err(r#"{"spec": {"volumes": [{"name": "v", "hostPath": "/"}]}}"#);
    assert_eq!(e.path(), Some("spec.volumes[0].hostPath"));
    assert!(e.is_invalid_type());

    // A key with escapes is named decoded; one with a bad escape is an error at the escape.
    let e = err(&privileged_pod(r#"{"privil\u0065ged": 1, "capabilities": {"\u00e9": 2}}"#));
    assert_eq!(e.path(), Some("spec.containers[0].securityContext.privileged"));
    let e = err(&privileged_pod(r#"{"capabilities": {"drop": [], "\u00e9\"": {"x\n": []}, "add": 2}}"#));
    assert_eq!(e.path(), Some("spec.containers[0].securityContext.capabilities.add"));
    let e = err(&privileged_pod(r#"{"capabilities": {"dr\x": []}}"#));
    assert_eq!(e.to_string(), "spec.containers[0].securityContext.capabilities: unexpected character 'x', expected an escape character (one of \"\\/bfnrtu) at line 1 column 81");
}

#[test]
fn numbers_must_fit() {
    let port = |v: &str| {
        format!(
            r#"{{"spec": {{"containers": [{{"name": "c", "ports": [{{"containerPort": 1, "hostPort": {v}}}]}}]}}}}"#
        )
    };
    assert_eq!(baseline(&port("-1"))[0].detail(), r#"container "c" uses hostPort -1"#);
    assert!(baseline(&port("0")).allowed());
    assert!(baseline(&port("-0")).allowed());
    let e = err(&port("2147483648"));
    assert!(e.is_number_out_of_range());
    assert_eq!(e.to_string(), "spec.containers[0].ports[0].hostPort: number 2147483648 is out of range for a 32-bit integer at line 1 column 83");
    assert!(err(&port("1e400")).is_invalid_type());
    assert!(err(&port("80.0")).is_invalid_type());
    assert!(err(&port("01")).is_syntax());

    let user = |v: &str| format!(r#"{{"spec": {{"securityContext": {{"runAsUser": {v}}}}}}}"#);
    let restricted: LevelVersion = "restricted:latest".parse().unwrap();
    let e = evaluate_json_str(restricted, &user("-0")).unwrap();
    assert!(e.iter().any(|v| v.detail() == "pod must not set runAsUser=0"));
    assert!(evaluate_json_str(restricted, &user("9223372036854775807"))
        .unwrap()
        .iter()
        .all(|v| v.reason() != "runAsUser=0"));
    assert!(evaluate_json_str(restricted, &user("-9223372036854775808")).is_ok());
    assert!(evaluate_json_str(restricted, &user("9223372036854775808")).unwrap_err().is_number_out_of_range());
    assert!(evaluate_json_str(restricted, &user("1.5")).unwrap_err().is_invalid_type());
}

#[test]
fn malformed_documents() {
    for (text, want) in [
        ("", "unexpected end of input, expected a JSON object at line 1 column 1"),
        ("[]", "expected a JSON object, found an array at line 1 column 1"),
        ("null", "expected a JSON object, found null at line 1 column 1"),
        ("\u{feff}{}", r"unexpected character '\u{feff}', expected a JSON object at line 1 column 1"),
        (r#"{"spec": {}"#, "unexpected end of input, expected ',' or '}' after an object member at line 1 column 12"),
        (r#"{"spec": {}} x"#, "unexpected character 'x', expected the end of input after the top-level value at line 1 column 14"),
        ("{\"a\": \"x\ny\"}", "a: unexpected byte 0x0a, expected a character in string (control characters must be escaped) at line 1 column 9"),
        (r#"{"a": "\q"}"#, "a: unexpected character 'q', expected an escape character (one of \"\\/bfnrtu) at line 1 column 9"),
        (r#"{"a" 1}"#, "unexpected character '1', expected ':' after an object key at line 1 column 6"),
        (r#"{a: 1}"#, "unexpected character 'a', expected a string key at line 1 column 2"),
        (r#"{"a": tru}"#, "a: unexpected character 't', expected a value at line 1 column 7"),
    ] {
        let e = err(text);
        assert_eq!(e.to_string(), want, "{text:?}");
    }
    assert!(err("[]").is_not_an_object());
    assert!(err(r#"{"spec": {}"#).is_syntax());
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let e = evaluate_json(LevelVersion::default(), b"{\"a\":\n \"\xff\"}").unwrap_err();
    assert!(e.is_invalid_utf8());
    assert_eq!(e.to_string(), "invalid UTF-8 at line 2 column 3");
}

/// Long documents are checked in 64-byte blocks (with SIMD where the CPU has it): every kind of bad
/// sequence, at every offset of the blocks around it, is found at the byte the standard library
/// names, and valid multi-byte text across the block boundaries decodes.
#[test]
fn invalid_utf8_is_found_anywhere_in_a_long_document() {
    let bad: [&[u8]; 7] = [
        b"\xff",
        b"\x80",
        b"\xc3",             // a lead byte without its continuation
        b"\xe2\x82",         // three-byte sequence cut short
        b"\xed\xa0\x80",     // a surrogate
        b"\xc0\xaf",         // overlong
        b"\xf4\x90\x80\x80", // above U+10FFFF
    ];
    let good = "é€😀";
    for pad in 0..140 {
        let head = format!(r#"{{"metadata": {{"name": "{}"#, "a".repeat(pad));
        let tail =
            format!(r#"{good}"}}, "spec": {{"containers": [{{"name": "c", "image": "{}"}}]}}}}"#, "b".repeat(70));
        let valid = format!("{head}{tail}");
        let doc = PodDocument::from_slice(valid.as_bytes()).unwrap();
        assert!(doc.name().unwrap().ends_with(good), "{pad}");
        for seq in bad {
            let mut text = head.clone().into_bytes();
            text.extend_from_slice(seq);
            text.extend_from_slice(tail.as_bytes());
            let e = PodDocument::from_slice(&text).unwrap_err();
            let at = core::str::from_utf8(&text).unwrap_err().valid_up_to();
            assert_eq!(at, head.len(), "{pad} {seq:?}");
            assert!(e.is_invalid_utf8(), "{pad} {seq:?}: {e}");
            assert_eq!(e.to_string(), format!("invalid UTF-8 at line 1 column {}", at + 1), "{pad} {seq:?}");
        }
    }
}

#[test]
fn nesting_is_limited_like_go() {
    let nested = |n: usize| format!(r#"{{"x": {}{}, "spec": {{"hostIPC": true}}}}"#, "[".repeat(n), "]".repeat(n));
    // The document itself is one level.
    assert_eq!(baseline(&nested(MAX_DEPTH - 1))[0].detail(), "hostIPC=true");
    let e = err(&nested(MAX_DEPTH));
    assert!(e.is_too_deep(), "{e}");
    assert_eq!(e.path(), Some("x"));
    let objects = format!(r#"{{"x": {}1{}}}"#, r#"{"a":"#.repeat(50_000), "}".repeat(50_000));
    assert!(err(&objects).is_too_deep());
    // Mismatched brackets deep inside are still caught.
    let bad = format!(r#"{{"x": {}]}}"#, "[{\"a\":".repeat(200).trim_end_matches("{\"a\":"));
    assert!(err(&bad).is_syntax());
}

#[test]
fn header_reads_any_kind() {
    let h = ObjectHeader::from_str(
        r#"{"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "d", "namespace": "n",
        "labels": {"b": "2", "a": "1"}}, "spec": {"template": {"spec": {"containers": "not a list here"}}}}"#,
    )
    .unwrap();
    assert_eq!(
        (h.kind(), h.api_version(), h.name(), h.namespace()),
        (Some("Deployment"), Some("apps/v1"), Some("d"), Some("n"))
    );
    assert_eq!(h.labels().collect::<Vec<_>>(), [("a", "1"), ("b", "2")]);
    assert!(ObjectHeader::from_slice(b"[1]").unwrap_err().is_not_an_object());

    let pod =
        PodDocument::from_str(r#"{"kind": "Pod", "metadata": {"name": "p", "annotations": {"z": "1", "a": "2"}}}"#)
            .unwrap();
    assert_eq!(pod.kind(), Some("Pod"));
    assert_eq!(pod.annotations().collect::<Vec<_>>(), [("a", "2"), ("z", "1")]);
}

/// Each violation's fields, as `path=value`, in order.
fn fields(e: &pss_core::Evaluation) -> Vec<String> {
    e.iter()
        .flat_map(|v| v.fields().iter().map(|f| format!("{}={:?}", f.path(), f.value())).collect::<Vec<_>>())
        .collect()
}

/// The decoder keeps an array of plain strings (capabilities) as its text, ports by their non-zero
/// hostPorts and only the probe and lifecycle hosts that are set; each decodes as Go does all the
/// same, whatever the lists were decoded over, and reports the same errors. (The expected values
/// were checked against the decoder that kept every element and handler.)
#[test]
fn compact_lists_and_hosts_decode_as_go_does() {
    let restricted = |pod: &str| evaluate_json_str("restricted:latest".parse().unwrap(), pod);
    let container = |body: &str| format!(r#"{{"spec": {{"containers": [{{"name": "c", {body}}}]}}}}"#);
    let caps = |caps: &str| container(&format!(r#""securityContext": {{"capabilities": {caps}}}"#));

    // A repeated list decodes element by element over the earlier one: `null` keeps an element,
    // a shorter list drops the rest, `null` clears the list.
    let e = baseline(&caps(r#"{"add": ["SYS_ADMIN", "NET_RAW"], "add": [null, "CHOWN"]}"#));
    assert_eq!(fields(&e), [r#"spec.containers[0].securityContext.capabilities.add[0]=String("SYS_ADMIN")"#]);
    assert!(baseline(&caps(r#"{"add": ["SYS_ADMIN", "NET_RAW"], "add": ["CHOWN"]}"#)).allowed());
    assert!(baseline(&caps(r#"{"add": ["SYS_ADMIN"], "add": null}"#)).allowed());
    let e = baseline(&caps(r#"{"add": ["NET_RAW"], "add": ["CHOWN", "SYS_TIME", "SYS_ADMIN"]}"#));
    assert_eq!(
        e[0].detail(),
        r#"container "c" must not include "SYS_ADMIN", "SYS_TIME" in securityContext.capabilities.add"#
    );
    // Whitespace, escapes, empty strings and lists.
    let e = baseline(&caps(" {\"add\" : [ \"SYS_ADMIN\" ,\n\t\"\" , \"NET_\\u0052AW\" ] } "));
    assert_eq!(
        fields(&e),
        [
            r#"spec.containers[0].securityContext.capabilities.add[0]=String("SYS_ADMIN")"#,
            r#"spec.containers[0].securityContext.capabilities.add[1]=String("")"#,
            r#"spec.containers[0].securityContext.capabilities.add[2]=String("NET_RAW")"#,
        ]
    );
    assert!(restricted(&caps(r#"{"drop": ["\u0041LL"]}"#))
        .unwrap()
        .iter()
        .all(|v| v.reason() != "unrestricted capabilities"));
    let e = restricted(&caps(r#"{"drop": ["ALL"], "drop": [], "add": []}"#)).unwrap();
    assert!(fields(&e).contains(&r#"spec.containers[0].securityContext.capabilities.drop=Unset"#.to_owned()));
    let e = restricted(&caps(r#"{"drop": ["NET_RAW", "ALL"], "drop": ["KILL"]}"#)).unwrap();
    assert!(fields(&e).contains(&r#"spec.containers[0].securityContext.capabilities.drop=List(["KILL"])"#.to_owned()));
    // Errors name the element.
    let e = err(&caps(r#"{"add": ["CHOWN", 1]}"#));
    assert_eq!(
        e.to_string(),
        "spec.containers[0].securityContext.capabilities.add[1]: expected a string, found a number at line 1 column 94"
    );
    let e = err(&caps(r#"{"add": ["CHOWN" "KILL"]}"#));
    assert_eq!(e.to_string(), "spec.containers[0].securityContext.capabilities.add: unexpected character '\"', expected ',' or ']' after an array element at line 1 column 93");
    let e = err(&caps(r#"{"add": ["CH\qOWN"]}"#));
    assert_eq!(e.to_string(), "spec.containers[0].securityContext.capabilities.add[0]: unexpected character 'q', expected an escape character (one of \"\\/bfnrtu) at line 1 column 89");

    // Ports: an element decodes over the earlier one (hostPort `null` keeps it), a shorter list drops the rest.
    let e = baseline(&container(
        r#""ports": [{"hostPort": 80}, {"containerPort": 1}, {"hostPort": 82}], "ports": [{"containerPort": 2}, {"hostPort": 81, "hostPort": null}]"#,
    ));
    assert_eq!(
        fields(&e),
        ["spec.containers[0].ports[0].hostPort=Int(80)", "spec.containers[0].ports[1].hostPort=Int(81)"]
    );
    assert!(baseline(&container(r#""ports": [{"hostPort": 80}], "ports": [{"hostPort": 0}]"#)).allowed());
    assert!(baseline(&container(r#""ports": [{"hostPort": 80}], "ports": null, "ports": [{}]"#)).allowed());
    let e = baseline(&container(r#""ports": [{}, {}, {"hostPort": 7}, {"hostPort": 0}]"#));
    assert_eq!(fields(&e), ["spec.containers[0].ports[2].hostPort=Int(7)"]);
    let e = err(&container(r#""ports": [{}, {"hostPort": "80"}]"#));
    assert_eq!(
        e.to_string(),
        "spec.containers[0].ports[1].hostPort: expected an integer, found a string at line 1 column 67"
    );
    let e = err(&container(r#""ports": [{}, 3]"#));
    assert_eq!(e.to_string(), "spec.containers[0].ports[1]: expected an object, found a number at line 1 column 54");

    // Hosts: a repeated probe or action decodes over the earlier one; `null` clears it; an empty
    // host is none; they are listed in upstream's order, not the document's.
    let hosts = container(
        r#""lifecycle": {"postStart": {"tcpSocket": {"host": "d"}}, "preStop": {"httpGet": {"host": "e"}}},
           "livenessProbe": {"httpGet": {"host": "a"}, "tcpSocket": {"host": "b"}},
           "livenessProbe": {"httpGet": {"port": 1}, "tcpSocket": null},
           "readinessProbe": {"tcpSocket": {"host": "x"}}, "readinessProbe": null,
           "startupProbe": {"httpGet": {"host": ""}, "tcpSocket": {"host": "c", "host": null}},
           "lifecycle": {"preStop": null}"#,
    );
    let e = restricted(&hosts).unwrap();
    let hosts_fields: Vec<String> = fields(&e).into_iter().filter(|f| f.contains(".host=")).collect();
    assert_eq!(
        hosts_fields,
        [
            r#"spec.containers[0].livenessProbe.httpGet.host=String("a")"#,
            r#"spec.containers[0].startupProbe.tcpSocket.host=String("c")"#,
            r#"spec.containers[0].lifecycle.postStart.tcpSocket.host=String("d")"#,
        ]
    );
    let e =
        restricted(&container(r#""lifecycle": {"preStop": {"httpGet": {"host": "e"}}}, "lifecycle": null"#)).unwrap();
    assert!(e.iter().all(|v| v.reason() != "probe or lifecycle host"));
    let e = err(&container(r#""livenessProbe": {"httpGet": {"host": 1}}"#));
    assert_eq!(
        e.to_string(),
        "spec.containers[0].livenessProbe.httpGet.host: expected a string, found a number at line 1 column 78"
    );
    let e = err(&container(r#""lifecycle": {"preStop": {"tcpSocket": []}}"#));
    assert_eq!(
        e.to_string(),
        "spec.containers[0].lifecycle.preStop.tcpSocket: expected an object, found an array at line 1 column 79"
    );

    // The pod's sysctls go with its security context: kept when it is decoded again, cleared with it.
    let sysctls = |sc: &str| {
        format!(
            r#"{{"spec": {{"securityContext": {{"sysctls": [{{"name": "kernel.a"}}, {{"name": "kernel.b"}}]}}, {sc}}}}}"#
        )
    };
    let e = baseline(&sysctls(r#""securityContext": {"sysctls": [{"value": "1"}]}"#));
    assert_eq!(fields(&e), [r#"spec.securityContext.sysctls[0].name=String("kernel.a")"#]);
    assert!(baseline(&sysctls(r#""securityContext": null"#)).allowed());
    assert_eq!(baseline(&sysctls(r#""securityContext": {}"#))[0].fields().len(), 2);
    let e = baseline(&sysctls(r#""securityContext": null, "securityContext": {"seLinuxOptions": {"role": "r"}}"#));
    assert_eq!(fields(&e), [r#"spec.securityContext.seLinuxOptions.role=String("r")"#]);

    // Skipped containers: well-formed ones of any shape, and errors inside them with exact positions.
    let skipped = container(
        r#""resources": {"limits": {"cpu": "1", "m\u0065m": "2Gi"}, "x": [[], {}, [0.5e-1, -0, true, null]]}"#,
    );
    assert!(baseline(&skipped).allowed());
    let e = err(&container(r#""env": [{"name": "A", "value": 01}]"#));
    assert_eq!(e.to_string(), "spec.containers[0].env: unexpected character '1', expected ',' or '}' after an object member at line 1 column 72");
    let e = err(&container(r#""env": [{"name": "A\x"}]"#));
    assert_eq!(e.to_string(), "spec.containers[0].env: unexpected character 'x', expected an escape character (one of \"\\/bfnrtu) at line 1 column 60");
}

/// `text` with whitespace around every `{`, `[`, `,`, `:`, `}` and `]` outside strings, and at both
/// ends, and where each byte of `text` went (one entry more, for the end of input). The whitespace cycles
/// through all four kinds JSON has.
fn spread(text: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len() * 3);
    let mut moved = Vec::with_capacity(text.len() + 1);
    let mut kinds = [" ", "\n", "\t", "\r\n", "  "].into_iter().cycle();
    let mut in_string = false;
    let mut escaped = false;
    out.push_str(kinds.next().unwrap());
    for c in text.chars() {
        let token = !in_string && matches!(c, '{' | '[' | ',' | ':' | '}' | ']');
        if token && matches!(c, '}' | ']' | ',' | ':') {
            out.push_str(kinds.next().unwrap());
        }
        moved.extend((0..c.len_utf8()).map(|i| out.len() + i));
        out.push(c);
        if token && matches!(c, '{' | '[' | ',' | ':') {
            out.push_str(kinds.next().unwrap());
        }
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
        }
    }
    out.push_str(kinds.next().unwrap());
    // The end of input is past the whitespace at the end.
    moved.push(out.len());
    (out, moved)
}

/// Whitespace between tokens changes nothing: the same evaluation, or the same error at the same
/// token (the reader takes a shorter path for the compact JSON most documents are, and falls back
/// to skipping whitespace; both must agree). Over documents of this file, malformed ones, and the
/// bench corpus's pods when ../shared is present.
#[test]
fn whitespace_between_tokens_changes_nothing() {
    let mut docs: Vec<String> = [
        r#"{"spec": {}"#,
        r#"{"spec": {}} x"#,
        r#"{"a" 1}"#,
        r#"{a: 1}"#,
        r#"{"a": tru}"#,
        r#"{"spec": {"containers": [{"name": "c"} {"name": "d"}]}}"#,
        r#"{"spec": {"containers": [{"name": "c"},]}}"#,
        r#"{"spec": {"containers": [{"name": "c",}]}}"#,
        r#"{"spec": {"containers": {"name": "c"}}}"#,
        r#"{"spec": {"hostPID": "yes"}}"#,
        r#"{"metadata": {"labels": {"a": "b", "a": null, "c": 1}}, "spec": {}}"#,
        r#"{"metadata": {"annotations": {"container.seccomp.security.alpha.kubernetes.io/c": "unconfined"}}, "spec": {"containers": [{"name": "c"}]}}"#,
        r#"{"spec": {"containers": [{"name": "c", "ports": [{"hostPort": 80}, {}], "livenessProbe": {"httpGet": {"host": "h"}}}], "volumes": [{"name": "v", "hostPath": {"path": "/"}}, {"name": "w", "emptyDir": {}}]}}"#,
        r#"{"spec": {"securityContext": {"sysctls": [{"name": "kernel.x"}], "seLinuxOptions": {"type": "t"}, "windowsOptions": {"hostProcess": true}}}}"#,
        r#"{"spec": {"containers": [{"name": "c", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"], "drop": []}, "procMount": "Unmasked"}}]}}"#,
        r#"{"spec": {"unknown": [[], {}, [1, -2.5e3, true, false, null, "s", {"k": [{}]}]]}}"#,
    ]
    .map(String::from)
    .to_vec();
    docs.push(privileged_pod(r#"{"privileged": true}"#));
    match common::shared_dir().map(|d| d.join("bench-corpus/pods.jsonl")).filter(|p| p.is_file()) {
        Some(corpus) => docs.extend(std::fs::read_to_string(corpus).unwrap().lines().step_by(9).map(String::from)),
        None if std::env::var_os("CI").is_some() => {
            panic!("../shared/bench-corpus/pods.jsonl must be present under CI")
        }
        None => eprintln!("*** ../shared/bench-corpus/pods.jsonl not found: the bench pods are left out of this test"),
    }
    let lv = LevelVersion::new(Level::Restricted, Version::LATEST);
    for doc in &docs {
        let (wide, moved) = spread(doc);
        match (evaluate_json_str(lv, doc), evaluate_json_str(lv, &wide)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "{doc}"),
            (Err(a), Err(b)) => {
                assert_eq!((a.kind(), a.message(), a.path()), (b.kind(), b.message(), b.path()), "{doc}");
                let at = a.position().unwrap().offset;
                assert_eq!(b.position().unwrap().offset, moved[at], "{doc}\n{wide}");
            }
            (a, b) => panic!("{doc}: {a:?} but spread out {b:?}"),
        }
    }
}

/// The annotations a check reads, written from upstream's `check_appArmorProfile.go` and
/// `check_seccompProfile_baseline.go` (not from pss-core's constants).
fn read_by_a_check(key: &str) -> bool {
    key.starts_with("container.apparmor.security.beta.kubernetes.io/")
        || key == "seccomp.security.alpha.kubernetes.io/pod"
        || key.starts_with("container.seccomp.security.alpha.kubernetes.io/")
}

/// Metadata with labels, annotations (those the checks read and others) and owner references, in
/// the edge cases of decoding and with errors in each, for comparing a document decoded for the
/// checks with the whole (the checks' container is named `c`).
fn metadata_cases() -> Vec<String> {
    let app_armor = "container.apparmor.security.beta.kubernetes.io/c";
    let seccomp_pod = "seccomp.security.alpha.kubernetes.io/pod";
    let seccomp_c = "container.seccomp.security.alpha.kubernetes.io/c";
    vec![
        r#"{"labels": {"app": "web", "tier": "front"}, "annotations": {"note": "x"}}"#.to_owned(),
        format!(r#"{{"annotations": {{"{app_armor}": "unconfined", "note": "x", "{seccomp_c}": "unconfined"}}}}"#),
        format!(r#"{{"annotations": {{"{seccomp_pod}": "unconfined", "z": null, "{app_armor}": "runtime/default"}}}}"#),
        // The later of two equal keys wins; an escaped key is the same key.
        format!(r#"{{"annotations": {{"{app_armor}": "unconfined", "{app_armor}": "localhost/p"}}}}"#),
        format!(r#"{{"annotations": {{"{app_armor}": "localhost/p", "{app_armor}": "unconfined"}}}}"#),
        r#"{"annotations": {"container.apparmor.security.beta.kubernetes.io\/c": "unconfined"}}"#.to_owned(),
        r#"{"annotations": {"\u0063ontainer.apparmor.security.beta.kubernetes.io/c": "unconfined"}}"#.to_owned(),
        // A null value is ""; a null map clears the map read before it (a repeated metadata).
        format!(r#"{{"annotations": {{"{app_armor}": null}}}}"#),
        format!(r#"{{"annotations": {{"{app_armor}": "unconfined"}}, "annotations": null}}"#),
        r#"{"labels": {"a": "b"}, "labels": null, "name": "n"}"#.to_owned(),
        // Errors: the same wherever they are, kept or dropped.
        r#"{"labels": {"app": 1}}"#.to_owned(),
        r#"{"labels": ["app"]}"#.to_owned(),
        r#"{"labels": "app"}"#.to_owned(),
        r#"{"annotations": {"note": 5}}"#.to_owned(),
        format!(r#"{{"annotations": {{"{app_armor}": true}}}}"#),
        r#"{"annotations": {"note": "x", "n\ote": "y"}}"#.to_owned(),
        r#"{"labels": {"a": "\ud800"}, "annotations": {"b": "\udc00x"}}"#.to_owned(),
        r#"{"labels": {"a": "b",}}"#.to_owned(),
        r#"{"labels": {"a": "b"}"#.to_owned(),
        // Owner references: read and checked, and dropped.
        r#"{"ownerReferences": [{"uid": "u1", "controller": false}, {"uid": "u2", "controller": true, "kind": 1}]}"#
            .to_owned(),
        r#"{"ownerReferences": [{"uid": "u1", "controller": true}], "ownerReferences": null}"#.to_owned(),
        r#"{"ownerReferences": [{"uid": 5}]}"#.to_owned(),
        r#"{"ownerReferences": [{"uid": "u"}, {"controller": "yes"}]}"#.to_owned(),
        r#"{"ownerReferences": [[]]}"#.to_owned(),
        r#"{"ownerReferences": {"uid": "u"}}"#.to_owned(),
        r#"{"ownerReferences": [{"uid": "u"}, ]}"#.to_owned(),
    ]
}

/// Two decodings' errors, as comparable values.
fn same_error(a: &pss_core::Error, b: &pss_core::Error, doc: &str) {
    let at = |e: &pss_core::Error| e.position().map(|p| p.offset);
    assert_eq!((a.kind(), a.message(), a.path(), at(a)), (b.kind(), b.message(), b.path(), at(b)), "{doc}");
}

/// Asserts `same` at both levels and six versions (around the checks' version changes); gives how
/// many it asserted.
fn at_every_policy(mut same: impl FnMut(LevelVersion)) -> usize {
    let versions =
        [Version::v1(0), Version::v1(18), Version::v1(19), Version::v1(29), Version::v1(30), Version::LATEST];
    let mut n = 0;
    for level in [Level::Baseline, Level::Restricted] {
        for version in versions {
            same(LevelVersion::new(level, version));
            n += 1;
        }
    }
    n
}

/// A pod decoded for the checks keeps no labels and no owner, and of the annotations of the pod
/// decoded whole exactly those a check reads.
fn assert_kept_for_checks(pod: &PodDocument<'_>, whole: &PodDocument<'_>, doc: &str) {
    assert_eq!((pod.labels().count(), pod.controller_uid()), (0, None), "{doc}");
    let kept: Vec<_> = whole.annotations().filter(|(k, _)| read_by_a_check(k)).collect();
    assert_eq!(pod.annotations().collect::<Vec<_>>(), kept, "{doc}");
}

#[test]
fn a_pod_decoded_for_the_checks_evaluates_and_fails_as_the_whole_pod() {
    let pod = |meta: &str| format!(r#"{{"metadata": {meta}, "spec": {{"containers": [{{"name": "c"}}]}}}}"#);
    let mut docs: Vec<String> = metadata_cases().iter().map(|meta| pod(meta)).collect();
    docs.push(r#"{"metadata": {"labels": {"a": "b"}}, "metadata": {"labels": {"c": 2}}, "spec": {}}"#.to_owned());
    docs.push(r#"{"metadata": {"labels": {"a": "b"}}, "containers": []}"#.to_owned());
    docs.push(r#"{"kind": "Deployment", "metadata": {"labels": {"a": "b"}}}"#.to_owned());
    match common::shared_dir() {
        Some(shared) => {
            let corpus = std::fs::read_to_string(shared.join("bench-corpus/pods.jsonl")).expect("pods.jsonl");
            docs.extend(corpus.lines().step_by(5).map(String::from));
            // Upstream's fixtures of the checks that read annotations.
            let mut stack = vec![shared.join("conformance/upstream")];
            while let Some(dir) = stack.pop() {
                for entry in std::fs::read_dir(&dir).expect("conformance/upstream") {
                    let path = entry.unwrap().path();
                    let name = path.file_name().unwrap().to_string_lossy().to_lowercase();
                    if path.is_dir() {
                        stack.push(path);
                    } else if name.ends_with(".yaml") && (name.contains("apparmor") || name.contains("seccomp")) {
                        docs.push(common::yaml_to_json(&std::fs::read_to_string(&path).unwrap()));
                    }
                }
            }
        }
        None => common::missing("../shared/bench-corpus and ../shared/conformance (pods with annotations)"),
    }
    let mut compared = 0;
    for doc in &docs {
        let for_checks = PodDocument::from_str_for_checks(doc);
        match (PodDocument::from_str(doc), &for_checks) {
            (Ok(whole), Ok(pod)) => {
                assert_eq!(
                    (pod.kind(), pod.name(), pod.namespace()),
                    (whole.kind(), whole.name(), whole.namespace()),
                    "{doc}"
                );
                assert_kept_for_checks(pod, &whole, doc);
                compared += at_every_policy(|lv| {
                    assert_eq!(pss_core::evaluate(lv, pod), pss_core::evaluate(lv, &whole), "{lv}: {doc}")
                });
            }
            (Err(a), Err(b)) => same_error(&a, b, doc),
            (a, b) => panic!("{doc}: decoded whole {a:?}, for the checks {b:?}"),
        }
        let from_bytes = PodDocument::from_slice_for_checks(doc.as_bytes());
        assert_eq!(
            from_bytes.map(|p| p.name().map(String::from)).ok(),
            for_checks.map(|p| p.name().map(String::from)).ok()
        );
    }
    assert!(compared > 100, "only {compared} evaluations compared");
}

#[test]
fn an_object_decoded_for_the_checks_evaluates_and_fails_as_the_whole_object() {
    let spec = r#"{"containers": [{"name": "c", "image": "nginx"}]}"#;
    let mut docs = Vec::new();
    for meta in metadata_cases() {
        let template = format!(r#"{{"metadata": {meta}, "spec": {spec}}}"#);
        let deployment = |meta: &str, template: &str| {
            format!(
                r#"{{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {meta}, "spec": {{"template": {template}}}}}"#
            )
        };
        // The metadata of the object, of its pod template, or both; a pod's; a CronJob's job
        // template's and pod template's; a kind met after the spec (read in two passes).
        docs.push(deployment(&meta, &format!(r#"{{"spec": {spec}}}"#)));
        docs.push(deployment(r#"{"name": "web"}"#, &template));
        docs.push(deployment(&meta, &template));
        docs.push(format!(r#"{{"kind": "Pod", "metadata": {meta}, "spec": {spec}}}"#));
        docs.push(format!(
            r#"{{"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {meta},
                "spec": {{"jobTemplate": {{"metadata": {meta}, "spec": {{"template": {template}}}}}}}}}"#
        ));
        docs.push(format!(r#"{{"spec": {{"template": {template}}}, "apiVersion": "apps/v1", "kind": "StatefulSet"}}"#));
        docs.push(format!(
            r#"{{"apiVersion": "v1", "kind": "PodTemplate", "metadata": {meta}, "template": {template}}}"#
        ));
        docs.push(format!(r#"{{"apiVersion": "v1", "kind": "Service", "metadata": {meta}}}"#));
    }
    match common::shared_dir() {
        // Every object kubectl reads from the real-world manifests, a third of them.
        Some(shared) => {
            let lines = std::fs::read_to_string(shared.join("realworld/kubectl.jsonl")).expect("kubectl.jsonl");
            for line in lines.lines().step_by(3) {
                let value: serde_json::Value = serde_json::from_str(line).expect("a kubectl.jsonl line");
                if let Some(json) = value.get("json").filter(|j| j.is_object()) {
                    docs.push(json.to_string());
                }
            }
        }
        None => common::missing("../shared/realworld/kubectl.jsonl (real-world objects)"),
    }
    let mut compared = 0;
    for doc in &docs {
        match (ObjectDocument::from_str(doc), ObjectDocument::from_str_for_checks(doc)) {
            (Ok(whole), Ok(object)) => {
                let header = |o: &ObjectDocument<'_>| {
                    let h = o.header();
                    (h.api_version().map(String::from), h.kind().map(String::from), o.workload_kind())
                };
                assert_eq!(
                    (header(&object), object.name(), object.namespace()),
                    (header(&whole), whole.name(), whole.namespace()),
                    "{doc}"
                );
                let kept: Vec<_> = whole.header().annotations().filter(|(k, _)| read_by_a_check(k)).collect();
                assert_eq!(object.header().labels().count(), 0, "{doc}");
                assert_eq!(object.header().annotations().collect::<Vec<_>>(), kept, "{doc}");
                if let (Ok(whole), Ok(pod)) = (whole.template(), object.template()) {
                    assert_kept_for_checks(pod, whole, doc);
                }
                compared += at_every_policy(|lv| {
                    assert_eq!(evaluate_object(lv, &object), evaluate_object(lv, &whole), "{lv}: {doc}")
                });
            }
            (Err(a), Err(b)) => same_error(&a, &b, doc),
            (a, b) => panic!("{doc}: decoded whole {a:?}, for the checks {b:?}"),
        }
        let from_bytes = ObjectDocument::from_slice_for_checks(doc.as_bytes()).map(|o| o.name().map(String::from));
        assert_eq!(from_bytes.ok(), ObjectDocument::from_str_for_checks(doc).map(|o| o.name().map(String::from)).ok());
    }
    assert!(compared > 1_000, "only {compared} evaluations compared");
}
