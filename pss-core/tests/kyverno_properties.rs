//! Properties of exclusions over generated pods (`pss-testgen`): with pss's own exclusion model
//! (the standalone `evaluate_*_excluding` and the warnings of Kyverno rules), removing an exclusion
//! never turns a denied pod into an allowed one, and excluding the fields of one container never
//! hides another container's violation; and whatever a Kyverno release predicts, a pod it admits
//! that the standard forbids (the same exemptions applied right) carries warnings: no silent pass.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Pod;
use proptest::prelude::*;
use proptest::sample::select;
use pss_core::kyverno::{evaluate_object_excluding, KyvernoPolicy, KyvernoVersion, PodSecurityExclusion, RuleStatus};
use pss_core::{Level, LevelVersion, ObjectDocument, Version};
use pss_testgen::pod;
use serde_json::{json, Value};

/// The pod with an image for every container (`img-0`, `img-1`, ... in visiting order), so that
/// exclusions can select containers.
fn with_images(pod: &Pod) -> Value {
    let mut doc = serde_json::to_value(pod).unwrap();
    let mut n = 0;
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        if let Some(cs) = doc["spec"][list].as_array_mut() {
            for c in cs {
                c["image"] = json!(format!("img-{n}"));
                n += 1;
            }
        }
    }
    doc
}

/// An exclude entry: a control, images, restrictedField and values (some combinations invalid,
/// dropped by the tests).
#[derive(Debug, Clone)]
struct Entry {
    control: &'static str,
    images: Vec<String>,
    field: &'static str,
    values: Vec<&'static str>,
}

const CONTROLS: [&str; 15] = [
    "HostProcess",
    "Host Namespaces",
    "Privileged Containers",
    "Capabilities",
    "HostPath Volumes",
    "Host Ports",
    "AppArmor",
    "SELinux",
    "/proc Mount Type",
    "Seccomp",
    "Sysctls",
    "Volume Types",
    "Privilege Escalation",
    "Running as Non-root",
    "Running as Non-root user",
];

const FIELDS: [&str; 10] = [
    "spec.containers[*].securityContext.runAsNonRoot",
    "spec.initContainers[*].securityContext.runAsNonRoot",
    "spec.securityContext.runAsNonRoot",
    "spec.containers[*].securityContext.seccompProfile.type",
    "spec.securityContext.seccompProfile.type",
    "spec.containers[*].securityContext.capabilities.add",
    "spec.containers[*].securityContext.privileged",
    "spec.volumes[*].hostPath",
    "spec.hostNetwork",
    "spec.securityContext.sysctls[*].name",
];

fn entry() -> impl Strategy<Value = Entry> {
    (
        select(&CONTROLS[..]),
        prop_oneof![
            Just(Vec::new()),
            prop::collection::vec((0..5usize).prop_map(|i| format!("img-{i}")), 1..3),
            Just(vec!["*".to_owned()])
        ],
        prop_oneof![Just(""), select(&FIELDS[..])],
        prop::collection::vec(
            select(vec!["*", "true", "false", "Unconfined", "NET_RAW", "SYS_ADMIN", "0", "", "kernel.*"]),
            1..3,
        ),
    )
        .prop_map(|(control, images, field, values)| Entry {
            control,
            images,
            field,
            values: if field.is_empty() { Vec::new() } else { values },
        })
}

fn exclusions(entries: &[Entry]) -> Option<Vec<PodSecurityExclusion>> {
    entries
        .iter()
        .map(|e| PodSecurityExclusion::new(e.control, e.images.iter().cloned(), e.field, e.values.iter().copied()).ok())
        .collect()
}

/// The offending fields left: (check, path).
fn fields(lv: LevelVersion, obj: &ObjectDocument<'_>, excl: &[PodSecurityExclusion]) -> BTreeSet<(String, String)> {
    evaluate_object_excluding(lv, obj, excl)
        .unwrap()
        .iter()
        .flat_map(|v| v.fields().iter().map(move |f| (v.check().as_str().to_owned(), f.path().to_string())))
        .collect()
}

fn level_version() -> impl Strategy<Value = LevelVersion> {
    (
        select(vec![Level::Baseline, Level::Restricted]),
        prop_oneof![(0u64..=40).prop_map(Version::v1), Just(Version::LATEST)],
    )
        .prop_map(|(l, v)| LevelVersion::new(l, v))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn removing_an_exclusion_never_turns_a_denied_pod_allowed(
        pod in pod(), entries in prop::collection::vec(entry(), 1..4), lv in level_version(), drop in 0..4usize,
    ) {
        let Some(all) = exclusions(&entries) else { return Ok(()) };
        let text = with_images(&pod).to_string();
        let obj = ObjectDocument::from_str(&text).unwrap();
        let mut fewer = all.clone();
        fewer.remove(drop % all.len());
        let with_all = fields(lv, &obj, &all);
        let with_fewer = fields(lv, &obj, &fewer);
        prop_assert!(with_all.is_subset(&with_fewer), "{with_all:?} ⊄ {with_fewer:?}");
        let allowed = |e: &[PodSecurityExclusion]| evaluate_object_excluding(lv, &obj, e).unwrap().allowed();
        if allowed(&fewer) {
            prop_assert!(allowed(&all));
        }
    }

    #[test]
    fn excluding_one_container_never_hides_another(
        pod in pod(), controls in prop::collection::vec(select(&CONTROLS[..]), 1..6), lv in level_version(), pick in 0..8usize,
    ) {
        let doc = with_images(&pod);
        let text = doc.to_string();
        let obj = ObjectDocument::from_str(&text).unwrap();
        let containers: Vec<(String, String)> = ["initContainers", "containers", "ephemeralContainers"]
            .iter()
            .flat_map(|l| doc["spec"][*l].as_array().cloned().unwrap_or_default())
            .map(|c| (c["name"].as_str().unwrap_or("").to_owned(), c["image"].as_str().unwrap().to_owned()))
            .collect();
        prop_assume!(!containers.is_empty());
        let (name, image) = containers[pick % containers.len()].clone();
        let excl: Vec<PodSecurityExclusion> = controls
            .iter()
            .filter_map(|c| PodSecurityExclusion::new(c, [image.clone()], "", Vec::<String>::new()).ok())
            .collect();
        let before = evaluate_object_excluding(lv, &obj, &[]).unwrap();
        let after = fields(lv, &obj, &excl);
        for v in before.iter() {
            for f in v.fields() {
                // Fields of other containers (names may repeat: those of the same name are the
                // container's too) and of the pod stay.
                if f.container() != Some(name.as_str()) {
                    prop_assert!(
                        after.contains(&(v.check().as_str().to_owned(), f.path().to_string())),
                        "{} of {:?} hidden by excluding {name}", f.path(), f.container()
                    );
                }
            }
        }
    }

    /// Excluding every field of one container leaves every check the other containers and the pod
    /// fail without it: an implicit violation (a container leaving `runAsNonRoot` or
    /// `seccompProfile` unset) is not hidden by excluding another container's explicit one.
    #[test]
    fn the_others_violations_survive_excluding_one_container(
        pod in pod(), lv in level_version(), pick in 0..8usize,
    ) {
        let doc = with_images(&pod);
        let lists = ["initContainers", "containers", "ephemeralContainers"];
        let containers: Vec<(&str, usize, String, String)> = lists
            .iter()
            .flat_map(|l| {
                doc["spec"][*l].as_array().cloned().unwrap_or_default().into_iter().enumerate().map(move |(i, c)| {
                    (*l, i, c["name"].as_str().unwrap_or("").to_owned(), c["image"].as_str().unwrap().to_owned())
                })
            })
            .collect();
        prop_assume!(!containers.is_empty());
        let names: BTreeSet<&str> = containers.iter().map(|c| c.2.as_str()).collect();
        prop_assume!(names.len() == containers.len());
        let (list, index, _, image) = containers[pick % containers.len()].clone();
        let excl: Vec<PodSecurityExclusion> = CONTROLS
            .iter()
            .filter_map(|c| PodSecurityExclusion::new(c, [image.clone()], "", Vec::<String>::new()).ok())
            .collect();
        let mut without = doc.clone();
        without["spec"][list].as_array_mut().unwrap().remove(index);
        let without_text = without.to_string();
        let others = evaluate_object_excluding(lv, &ObjectDocument::from_str(&without_text).unwrap(), &[]).unwrap();
        let text = doc.to_string();
        let excluded = evaluate_object_excluding(lv, &ObjectDocument::from_str(&text).unwrap(), &excl).unwrap();
        for v in others.iter() {
            prop_assert!(
                excluded.iter().any(|e| e.check() == v.check()),
                "{} of the others is hidden by excluding {image}: {text}", v.check()
            );
        }
    }

    /// Whatever the release predicts, a pod it admits is either allowed by the standard with the
    /// same exclusions, or carries warnings.
    #[test]
    fn no_release_admits_silently(
        pod in pod(), entries in prop::collection::vec(entry(), 0..3), lv in level_version(),
        release in select(KyvernoVersion::ALL.to_vec()),
    ) {
        let Some(excl) = exclusions(&entries) else { return Ok(()) };
        let exclude: Vec<Value> = entries
            .iter()
            .map(|e| {
                let mut x = json!({"controlName": e.control});
                if !e.images.is_empty() { x["images"] = json!(e.images); }
                if !e.field.is_empty() { x["restrictedField"] = json!(e.field); x["values"] = json!(e.values); }
                x
            })
            .collect();
        let policy = json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
            "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "r",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {"podSecurity": {"level": lv.level.as_str(), "version": lv.version.to_string(), "exclude": exclude}}}]}});
        // A policy this release refuses (a restricted control at baseline, AppArmor images before
        // 1.14, ...) predicts nothing.
        let Ok(policy) = KyvernoPolicy::from_json_str_for(&policy.to_string(), release) else { return Ok(()) };
        let text = with_images(&pod).to_string();
        let obj = ObjectDocument::from_str(&text).unwrap();
        let result = policy.apply(&obj, "default", None);
        let rule = &result.rules()[0];
        if rule.status() == RuleStatus::Pass && rule.warnings().is_empty() {
            let truth = evaluate_object_excluding(lv, &obj, &excl).unwrap();
            prop_assert!(truth.allowed(), "Kyverno {release} passes {text} silently: {:?}", truth.violations());
        }
    }
}
