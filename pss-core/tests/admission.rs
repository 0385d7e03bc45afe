//! PodSecurity admission semantics, with upstream's words: labels to policy, the configuration
//! file, decisions for pods and controllers, exemptions, and the namespace label dry run.

use pss_core::admission::{Admission, AdmissionConfig, ConfigError, Exemption, Exemptions, Policy};
use pss_core::{Level, LevelVersion, ObjectDocument, PodDocument, Version};

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const ENFORCE_V: &str = "pod-security.kubernetes.io/enforce-version";
const AUDIT: &str = "pod-security.kubernetes.io/audit";
const AUDIT_V: &str = "pod-security.kubernetes.io/audit-version";
const WARN: &str = "pod-security.kubernetes.io/warn";
const WARN_V: &str = "pod-security.kubernetes.io/warn-version";

fn lv(s: &str) -> LevelVersion {
    s.parse().unwrap()
}

fn policy(labels: &[(&str, &str)]) -> (Policy, Vec<String>) {
    let (p, errs) = Policy::from_labels(labels.iter().copied(), Policy::PRIVILEGED);
    (p, errs.iter().map(|e| e.to_string()).collect())
}

#[test]
fn labels_to_policy() {
    let (p, errs) = policy(&[]);
    assert_eq!(p, Policy::PRIVILEGED);
    assert!(errs.is_empty());

    let (p, errs) = policy(&[(ENFORCE, "baseline"), (ENFORCE_V, "v1.22"), ("unrelated", "x")]);
    assert!(errs.is_empty());
    assert_eq!((p.enforce, p.warn, p.audit), (lv("baseline:v1.22"), lv("baseline:v1.22"), lv("privileged:latest")));

    // Warn follows enforce only when warn is unset and enforce is stricter.
    let (p, _) = policy(&[(ENFORCE, "restricted"), (WARN, "baseline")]);
    assert_eq!(p.warn, lv("baseline:latest"));
    let (p, _) = policy(&[(ENFORCE, "restricted"), (ENFORCE_V, "v1.10"), (WARN_V, "v1.20")]);
    assert_eq!(p.warn, lv("restricted:v1.20"));
    let (p, _) = policy(&[(ENFORCE_V, "v1.10")]);
    assert_eq!(p.warn, lv("privileged:latest"));

    // Invalid values: enforce falls back to restricted (and does not drive warn), audit and warn to
    // privileged, versions to latest; each with an error naming the label.
    let (p, errs) = policy(&[
        (ENFORCE, "Baseline"),
        (ENFORCE_V, "v1.0.1"),
        (AUDIT, "x"),
        (AUDIT_V, "1.2"),
        (WARN, ""),
        (WARN_V, "v1"),
    ]);
    assert_eq!(p.enforce, lv("restricted:latest"));
    assert_eq!(p.audit, lv("privileged:latest"));
    assert_eq!(p.warn, lv("privileged:latest"));
    assert_eq!(
        errs,
        [
            r#"metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "Baseline": must be one of privileged, baseline, restricted"#,
            r#"metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: "v1.0.1": must be "latest" or "v1.x""#,
            r#"metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "x": must be one of privileged, baseline, restricted"#,
            r#"metadata.labels[pod-security.kubernetes.io/audit-version]: Invalid value: "1.2": must be "latest" or "v1.x""#,
            r#"metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: "": must be one of privileged, baseline, restricted"#,
            r#"metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "v1": must be "latest" or "v1.x""#,
        ]
    );
    // Defaults fill what labels leave unset.
    let defaults = Policy { enforce: lv("baseline:v1.5"), audit: lv("restricted:latest"), warn: lv("restricted:v1.5") };
    let (p, _) = Policy::from_labels([(AUDIT, "baseline")], defaults);
    assert_eq!((p.enforce, p.audit, p.warn), (lv("baseline:v1.5"), lv("baseline:latest"), lv("restricted:v1.5")));
    assert_eq!(p.to_string(), "enforce=baseline:v1.5, audit=baseline:latest, warn=restricted:v1.5");
}

const CONFIG_HEAD: &str =
    r#""apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration""#;

#[test]
fn configuration_files() {
    for version in ["v1", "v1beta1", "v1alpha1"] {
        let text = format!(
            r#"{{"apiVersion": "pod-security.admission.config.k8s.io/{version}", "kind": "PodSecurityConfiguration",
                "defaults": {{"enforce": "baseline", "enforce-version": "v1.30", "audit": "restricted", "warn": "restricted"}},
                "exemptions": {{"usernames": ["admin"], "namespaces": ["kube-system"], "runtimeClasses": ["kata.io"]}}}}"#
        );
        let c = AdmissionConfig::from_json_str(&text).unwrap();
        assert_eq!(c.defaults().enforce, lv("baseline:v1.30"));
        assert_eq!(c.defaults().audit, lv("restricted:latest"));
        assert_eq!(c.exemptions().runtime_classes, ["kata.io"]);
    }
    let empty = AdmissionConfig::from_json_str(&format!("{{{CONFIG_HEAD}}}")).unwrap();
    assert_eq!(empty, AdmissionConfig::default());

    let invalid = |body: &str| match AdmissionConfig::from_json_str(&format!("{{{CONFIG_HEAD}, {body}}}")) {
        Err(ConfigError::Invalid(errs)) => errs.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
        other => panic!("{body}: {other:?}"),
    };
    assert_eq!(
        invalid(r#""defaults": {"audit": "none", "warn-version": "v2.0", "enforce-version": "next"}"#),
        [
            r#"defaults.enforce-version: Invalid value: "next": must be "latest" or "v1.x""#,
            r#"defaults.warn-version: Invalid value: "v2.0": must be "latest" or "v1.x""#,
            r#"defaults.audit: Invalid value: "none": must be one of privileged, baseline, restricted"#,
        ]
    );
    assert_eq!(
        invalid(
            r#""exemptions": {"namespaces": ["ok", "Bad_NS", "ok", "a.b"], "runtimeClasses": ["x..y", "r", "r"], "usernames": ["", "u", "u"]}"#
        ),
        [
            r#"exemptions.namespaces[1]: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"#,
            r#"exemptions.namespaces[2]: Duplicate value: "ok""#,
            r#"exemptions.namespaces[3]: Invalid value: "a.b": must not contain dots"#,
            r#"exemptions.runtimeClasses[0]: Invalid value: "x..y": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"#,
            r#"exemptions.runtimeClasses[2]: Duplicate value: "r""#,
            r#"exemptions.usernames[0]: Invalid value: "": username must not be empty"#,
            r#"exemptions.usernames[2]: Duplicate value: "u""#,
        ]
    );
    let long = "a".repeat(64);
    assert_eq!(
        invalid(&format!(r#""exemptions": {{"namespaces": ["{long}"]}}"#)),
        [format!(r#"exemptions.namespaces[0]: Invalid value: "{long}": must be no more than 63 characters"#)]
    );
    // Several errors aggregate as upstream prints them.
    let err =
        AdmissionConfig::from_json_str(&format!(r#"{{{CONFIG_HEAD}, "defaults": {{"enforce": "a", "warn": "b"}}}}"#))
            .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"[defaults.enforce: Invalid value: "a": must be one of privileged, baseline, restricted, defaults.warn: Invalid value: "b": must be one of privileged, baseline, restricted]"#
    );

    // Strict decoding: unknown and repeated fields, wrong kinds.
    let decode = |text: &str| match AdmissionConfig::from_json_str(text) {
        Err(ConfigError::Decode(e)) => e.to_string(),
        other => panic!("{text}: {other:?}"),
    };
    assert_eq!(
        decode(&format!(r#"{{{CONFIG_HEAD}, "defaults": {{"enforce": "baseline", "Enforce": "x"}}}}"#)),
        "defaults.Enforce: unknown field at line 1 column 142"
    );
    assert_eq!(
        decode(&format!(r#"{{{CONFIG_HEAD}, "exemptions": {{}}, "exemptions": {{}}}}"#)),
        "exemptions: duplicate field at line 1 column 127"
    );
    assert_eq!(
        decode(r#"{"apiVersion": "v1", "kind": "ConfigMap"}"#),
        r#"expected kind PodSecurityConfiguration in apiVersion pod-security.admission.config.k8s.io/v1, v1beta1 or v1alpha1, found kind "ConfigMap" in apiVersion "v1""#
    );

    // The PodSecurity plugin inside an API server AdmissionConfiguration.
    let wrapped = format!(
        r#"{{"apiVersion": "apiserver.config.k8s.io/v1", "kind": "AdmissionConfiguration", "plugins": [
            {{"name": "Other", "configuration": {{"x": 1}}}},
            {{"name": "PodSecurity", "configuration": {{{CONFIG_HEAD}, "defaults": {{"enforce": "restricted"}}}}}}]}}"#
    );
    assert_eq!(AdmissionConfig::from_json_str(&wrapped).unwrap().defaults().enforce, lv("restricted:latest"));
    let no_plugin = r#"{"apiVersion": "apiserver.config.k8s.io/v1", "kind": "AdmissionConfiguration", "plugins": []}"#;
    assert_eq!(decode(no_plugin), r#"the AdmissionConfiguration has no plugin named "PodSecurity""#);
}

const PRIVILEGED_POD: &str = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "privileged-pod"},
  "spec": {"containers": [{"name": "privileged-pod", "image": "nginx", "securityContext": {"privileged": true}}]}}"#;

fn admission(config: &str) -> Admission {
    Admission::new(AdmissionConfig::from_json_str(&format!("{{{CONFIG_HEAD}, {config}}}")).unwrap())
}

#[test]
fn pods_are_enforced_warned_and_audited() {
    let pod = ObjectDocument::from_str(PRIVILEGED_POD).unwrap();
    let a = Admission::default();
    let labels = [(ENFORCE, "baseline"), (AUDIT, "restricted"), (WARN, "restricted")];
    let d = a.review(&pod, "privileged-pod", "default", labels, "").unwrap();
    assert!(!d.allowed());
    assert_eq!(
        d.denial(),
        Some(
            r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        )
    );
    // No warnings on a denied request.
    assert!(d.warnings().is_empty());
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/enforce-policy"], "baseline:latest");
    assert!(d.audit_annotations()["pod-security.kubernetes.io/audit-violations"]
        .starts_with(r#"would violate PodSecurity "restricted:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true), allowPrivilegeEscalation != false (container "privileged-pod" must set securityContext.allowPrivilegeEscalation=false), "#));

    // Warn only.
    let d = a.review(&pod, "privileged-pod", "default", [(WARN, "baseline"), (WARN_V, "v1.20")], "").unwrap();
    assert!(d.allowed());
    assert_eq!(
        d.warnings(),
        [
            r#"would violate PodSecurity "baseline:v1.20": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        ]
    );
    assert_eq!(d.audit_annotations().keys().collect::<Vec<_>>(), ["pod-security.kubernetes.io/enforce-policy"]);
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/enforce-policy"], "privileged:latest");

    // Fully privileged namespaces short-circuit with the privileged:latest annotation.
    let d = a.review(&pod, "p", "default", [(ENFORCE, "privileged"), (ENFORCE_V, "v1.2")], "").unwrap();
    assert!(d.allowed() && d.warnings().is_empty() && d.enforce().is_none());
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/enforce-policy"], "privileged:latest");

    // Invalid labels: enforce falls back to restricted, and the error is audited.
    let d = a.review(&pod, "p", "default", [(ENFORCE, "strict")], "").unwrap();
    assert!(d.denial().unwrap().contains(r#"violates PodSecurity "restricted:latest": "#));
    assert_eq!(
        d.audit_annotations()["pod-security.kubernetes.io/error"],
        r#"Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted"#
    );

    // An unnamed pod (generateName) reads as the API server words it.
    let d = a.review(&pod, "", "default", [(ENFORCE, "baseline")], "").unwrap();
    assert!(d.denial().unwrap().starts_with("pods is forbidden: violates PodSecurity"));
}

#[test]
fn controllers_are_warned_and_audited_never_denied() {
    let deploy = ObjectDocument::from_str(
        r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "c"}]}}}}"#,
    )
    .unwrap();
    let a = Admission::default();
    let d = a.review(&deploy, "web", "default", [(ENFORCE, "restricted")], "").unwrap();
    assert!(d.allowed());
    assert!(d.enforce().is_none());
    assert!(!d.audit_annotations().contains_key("pod-security.kubernetes.io/enforce-policy"));
    assert_eq!(d.warnings().len(), 1);
    assert!(d.warnings()[0].starts_with(r#"would violate PodSecurity "restricted:latest": host namespaces (hostNetwork=true), allowPrivilegeEscalation != false"#));
    // Warn and audit privileged: nothing to do.
    let d = a.review(&deploy, "web", "default", [(ENFORCE, "restricted"), (WARN, "privileged")], "").unwrap();
    assert!(d.warnings().is_empty() && d.audit_annotations().is_empty());
    // Non-workloads are not PodSecurity's business.
    let svc = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Service"}"#).unwrap();
    assert!(a.review(&svc, "s", "default", [(ENFORCE, "restricted")], "").is_err());
}

#[test]
fn exemptions_apply_namespace_then_user_then_runtime_class() {
    let a = admission(
        r#""defaults": {"enforce": "restricted"}, "exemptions": {"namespaces": ["kube-system"], "usernames": ["admin"], "runtimeClasses": ["kata"]}"#,
    );
    let pod = ObjectDocument::from_str(PRIVILEGED_POD).unwrap();
    let no_labels: [(&str, &str); 0] = [];
    let d = a.review(&pod, "p", "kube-system", no_labels, "admin").unwrap();
    assert_eq!(d.exemption(), Some(Exemption::Namespace));
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/exempt"], "namespace");
    let d = a.review(&pod, "p", "default", no_labels, "admin").unwrap();
    assert_eq!(d.exemption(), Some(Exemption::User));
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/exempt"], "user");
    let kata = ObjectDocument::from_str(
        r#"{"apiVersion": "v1", "kind": "Pod", "spec": {"runtimeClassName": "kata", "hostPID": true}}"#,
    )
    .unwrap();
    let d = a.review(&kata, "p", "default", no_labels, "someone").unwrap();
    assert_eq!(d.exemption(), Some(Exemption::RuntimeClass));
    assert_eq!(d.audit_annotations()["pod-security.kubernetes.io/exempt"], "runtimeClass");
    // Without an exemption the configured default (restricted) denies.
    let d = a.review(&pod, "p", "default", no_labels, "someone").unwrap();
    assert!(d.denial().unwrap().contains(r#""restricted:latest""#));
    // Exemptions built in code are validated the same way.
    let bad = Exemptions { namespaces: vec!["Nope".into()], ..Default::default() };
    assert!(AdmissionConfig::new(Policy::PRIVILEGED, bad).is_err());
}

fn pod(name: &str, extra_spec: &str, meta: &str) -> String {
    format!(r#"{{"metadata": {{"name": "{name}"{meta}}}, "spec": {{"containers": [{{"name": "c"}}]{extra_spec}}}}}"#)
}

#[test]
fn namespace_label_changes() {
    let a = Admission::default();
    let none: &[PodDocument<'_>] = &[];
    let old_restricted_v1_0 = Some([(ENFORCE, "restricted"), (ENFORCE_V, "v1.0")]);
    // Creation only validates.
    let r = a.review_namespace("test", None::<[(&str, &str); 0]>, [(ENFORCE, "unknown")], none);
    assert_eq!(
        r.invalid(),
        Some(
            r#"Namespace "test" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "unknown": must be one of privileged, baseline, restricted"#
        )
    );
    assert!(a.review_namespace("test", None::<[(&str, &str); 0]>, [(ENFORCE, "restricted")], none).allowed());
    // Updates that keep or relax the enforce policy are not dry-run.
    for new in
        [vec![(ENFORCE, "restricted"), (ENFORCE_V, "v1.0")], vec![(ENFORCE, "baseline"), (ENFORCE_V, "v1.0")], vec![]]
    {
        let r = a.review_namespace("test", old_restricted_v1_0, new, none);
        assert!(r.allowed() && r.warnings().is_empty());
    }
    // Unchanged malformed labels are tolerated; new ones rejected.
    assert!(a.review_namespace("test", Some([(ENFORCE, "unknown")]), [(ENFORCE, "unknown")], none).allowed());
    let r = a.review_namespace("test", old_restricted_v1_0, [(ENFORCE, "privileged"), (ENFORCE_V, "unknown")], none);
    assert!(r.invalid().unwrap().ends_with(r#"Invalid value: "unknown": must be "latest" or "v1.x""#));

    // Tightening: existing pods are checked and grouped.
    let texts = [
        pod("b-host", r#", "hostNetwork": true"#, ""),
        pod("a-host", r#", "hostNetwork": true"#, ""),
        pod("c-host", r#", "hostNetwork": true"#, ""),
        pod("exempt", r#", "hostNetwork": true, "runtimeClassName": "kata""#, ""),
        pod("priv", r#", "hostPID": true, "volumes": [{"name": "v", "hostPath": {"path": "/"}}]"#, ""),
        pod("fine", "", ""),
    ];
    let pods: Vec<PodDocument<'_>> = texts.iter().map(|t| PodDocument::from_str(t).unwrap()).collect();
    let r = a.review_namespace("test", Some([(ENFORCE, "privileged")]), [(ENFORCE, "baseline")], &pods);
    assert_eq!(
        r.warnings(),
        [
            r#"existing pods in namespace "test" violate the new PodSecurity enforce level "baseline:latest""#,
            "a-host (and 3 other pods): host namespaces",
            "priv: host namespaces, hostPath volumes",
        ]
    );
    let kata = admission(r#""exemptions": {"runtimeClasses": ["kata"]}"#);
    let r = kata.review_namespace("test", Some([(ENFORCE, "privileged")]), [(ENFORCE, "baseline")], &pods);
    assert_eq!(r.warnings()[1], "a-host (and 2 other pods): host namespaces");

    // Exempt namespaces only get a notice.
    let exempt = admission(r#""exemptions": {"namespaces": ["test"]}"#);
    let labels = [(ENFORCE, "restricted"), (ENFORCE_V, "v1.0"), (AUDIT, "restricted"), (WARN, "baseline")];
    let r = exempt.review_namespace("test", Some([("x", "y")]), labels, &pods);
    assert_eq!(
        r.warnings(),
        [
            r#"namespace "test" is exempt from Pod Security, and the policy (enforce=restricted:v1.0, audit=restricted:latest, warn=baseline:latest) will be ignored"#
        ]
    );
    let r = exempt.review_namespace("test", None::<[(&str, &str); 0]>, [(ENFORCE, "restricted")], none);
    assert_eq!(
        r.warnings(),
        [r#"namespace "test" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored"#]
    );
}

#[test]
fn namespace_dry_run_limits_and_controllers() {
    // One pod per controller first, then the rest; at most 3000 pods.
    let mut texts = Vec::new();
    for i in 0..3001 {
        let owner = if i < 3 { r#", "ownerReferences": [{"uid": "rs1", "controller": true}]"# } else { "" };
        texts.push(pod(&format!("pod{i:04}"), r#", "hostIPC": true"#, owner));
    }
    let pods: Vec<PodDocument<'_>> = texts.iter().map(|t| PodDocument::from_str(t).unwrap()).collect();
    let r =
        Admission::default().review_namespace("big", Some([(ENFORCE, "privileged")]), [(ENFORCE, "baseline")], &pods);
    assert_eq!(
        r.warnings(),
        [
            "new PodSecurity enforce level only checked against the first 3000 of 3001 existing pods",
            r#"existing pods in namespace "big" violate the new PodSecurity enforce level "baseline:latest""#,
            "pod0000 (and 2999 other pods): host namespaces",
        ]
    );
    assert_eq!(r.policy().enforce, LevelVersion::new(Level::Baseline, Version::LATEST));
}
