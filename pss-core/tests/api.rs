//! Parsing of levels, versions and check ids, exactly as upstream accepts them; auto traits.

use pss_core::{CheckId, Error, Evaluation, Level, LevelVersion, PodDocument, Version, Violation};

#[test]
fn levels_parse_exactly() {
    for l in Level::ALL {
        assert_eq!(Level::parse(l.as_str()).unwrap(), l);
    }
    for bad in ["", "Baseline", "baseline ", "PRIVILEGED", "restrict", "none"] {
        let e = Level::parse(bad).unwrap_err();
        assert!(e.is_invalid_level());
        assert_eq!(e.to_string(), format!("invalid level {bad:?}: must be one of privileged, baseline, restricted"));
    }
}

#[test]
fn versions_parse_exactly() {
    for (s, v) in [
        ("latest", Version::LATEST),
        ("v1.0", Version::v1(0)),
        ("v1.9", Version::v1(9)),
        ("v1.10", Version::v1(10)),
        ("v1.37", Version::v1(37)),
        ("v1.9223372036854775807", Version::v1(9223372036854775807)),
    ] {
        assert_eq!(Version::parse(s).unwrap(), v, "{s}");
        assert_eq!(v.to_string(), s);
    }
    for bad in [
        "",
        "Latest",
        "v1",
        "v1.",
        "v1.00",
        "v1.01",
        "v2.0",
        "V1.0",
        "1.0",
        " v1.0",
        "v1.0\n",
        "v1.+1",
        "v1.-1",
        "v1.1.0",
        "v1.\u{ff11}",
        "v1.9223372036854775808",
    ] {
        let e = Version::parse(bad).unwrap_err();
        assert!(e.is_invalid_version(), "{bad:?}");
        assert_eq!(e.to_string(), format!("invalid version {bad:?}: must be \"latest\" or \"v1.x\""));
    }
    assert!(Version::v1(0) < Version::v1(10));
    assert!(Version::v1(u64::MAX >> 1) < Version::LATEST);
    assert_eq!(Version::LATEST.effective(), Version::v1(37));
    assert_eq!(Version::v1(12).effective(), Version::v1(12));
    assert_eq!(Version::LATEST.minor(), None);
}

#[test]
fn level_versions() {
    assert_eq!(LevelVersion::default().to_string(), "baseline:latest");
    assert_eq!("restricted:v1.40".parse::<LevelVersion>().unwrap().to_string(), "restricted:v1.40");
    assert!("restricted:".parse::<LevelVersion>().unwrap_err().is_invalid_version());
    assert!("strict:latest".parse::<LevelVersion>().unwrap_err().is_invalid_level());
}

#[test]
fn check_ids() {
    for id in CheckId::ALL {
        assert_eq!(id.as_str().parse::<CheckId>().unwrap(), id);
        assert!(id.versions().next().is_some());
    }
    let e = "Privileged".parse::<CheckId>().unwrap_err();
    assert!(e.to_string().starts_with(r#"unknown check "Privileged": must be one of appArmorProfile, "#));
    let at = |lv: &str| CheckId::for_level(lv.parse().unwrap()).count();
    assert_eq!(at("privileged:latest"), 0);
    assert_eq!(at("baseline:v1.0"), 11);
    assert_eq!(at("baseline:latest"), 12);
    // restricted:latest: 12 baseline - 4 overridden + 7 restricted.
    assert_eq!(at("restricted:latest"), 15);
    assert_eq!(at("restricted:v1.0"), 11 - 1 + 2);
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Error>();
    assert_send_sync::<Evaluation>();
    assert_send_sync::<Violation>();
    assert_send_sync::<Level>();
    assert_send_sync::<Version>();
    assert_send_sync::<LevelVersion>();
    assert_send_sync::<CheckId>();
    assert_send_sync::<PodDocument<'static>>();
    assert_send_sync::<pss_core::PodParts<'static>>();
}

#[test]
fn violations_serialize_with_their_fields() {
    let pod = br#"{"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true, "capabilities": {"drop": ["X"]}}}]}}"#;
    let e = pss_core::evaluate_json("restricted:latest".parse().unwrap(), pod).unwrap();
    let json = serde_json::to_value(&e[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"check": "privileged", "reason": "privileged",
            "detail": "container \"c\" must not set securityContext.privileged=true",
            "fields": [{"path": "spec.containers[0].securityContext.privileged", "value": true, "container": "c"}]})
    );
    let caps = e.iter().find(|v| v.check() == CheckId::CapabilitiesRestricted).unwrap();
    assert_eq!(serde_json::to_value(caps.fields()).unwrap()[0]["value"], serde_json::json!(["X"]));
    let ape = e.iter().find(|v| v.check() == CheckId::AllowPrivilegeEscalation).unwrap();
    assert_eq!(serde_json::to_value(ape.fields()).unwrap()[0]["value"], serde_json::Value::Null);
}

/// A writer that takes `room` bytes, then fails.
struct Limited {
    text: String,
    room: usize,
}

impl core::fmt::Write for Limited {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        if s.len() > self.room {
            return Err(core::fmt::Error);
        }
        self.room -= s.len();
        self.text.push_str(s);
        Ok(())
    }
}

/// The aggregate texts written into a writer: the same as the `String` forms, each violation's
/// spans pointing at its reason and detail; a writer that fails part way fails the call, having
/// been told of the violations it took whole and no other.
#[test]
fn aggregate_texts_written_into_a_writer() {
    let pod = br#"{"spec": {"hostNetwork": true, "containers": [{"name": "app", "image": "x",
      "securityContext": {"privileged": true, "capabilities": {"add": ["NET_ADMIN"]}}}]}}"#;
    let result = pss_core::evaluate_json(LevelVersion::new(Level::Restricted, Version::LATEST), pod).unwrap();
    let full = result.forbidden_detail();
    let mut text = String::new();
    let mut spans = Vec::new();
    result.write_forbidden_detail(&mut text, |_, at| spans.push(at)).unwrap();
    assert_eq!(text, full);
    assert_eq!(spans.len(), result.len());
    for (i, (at, v)) in spans.iter().zip(result.iter()).enumerate() {
        assert_eq!(at.violation, i);
        assert_eq!(&text[at.reason.clone()], v.reason());
        assert_eq!(text[at.detail.clone()], v.detail().to_string());
        assert_eq!(&text[at.detail.end..at.detail.end + 1], ")");
    }
    let mut reason = String::new();
    result.write_forbidden_reason(&mut reason).unwrap();
    assert_eq!(reason, result.forbidden_reason());

    for room in 0..=full.len() {
        let mut out = Limited { text: String::new(), room };
        let mut told = Vec::new();
        let written = result.write_forbidden_detail(&mut out, |w, at| {
            // The writer comes back with the violation written.
            assert!(w.text.len() >= at.detail.end);
            told.push(at);
        });
        assert_eq!(written.is_ok(), room == full.len(), "room {room}");
        assert!(full.starts_with(&out.text));
        assert_eq!(
            told,
            spans.iter().filter(|at| at.detail.end < out.text.len()).cloned().collect::<Vec<_>>(),
            "room {room}"
        );
        let mut out = Limited { text: String::new(), room: room.min(reason.len()) };
        assert_eq!(result.write_forbidden_reason(&mut out).is_ok(), room >= reason.len());
    }
}
