//! Helpers shared by the integration tests: finding ../shared, reading YAML fixtures, evaluating an
//! object through k8s-openapi's type for its kind.

#![allow(dead_code)]

#[allow(unused_imports)] // not every test file looks for ../shared
pub use pss_testgen::shared::{missing, shared_dir};

/// A YAML document as JSON text (the fixtures are YAML).
pub fn yaml_to_json(yaml: &str) -> String {
    let value: serde_json::Value = serde_saphyr::from_str(yaml).expect("fixture is valid YAML");
    serde_json::to_string(&value).unwrap()
}

/// The object of `kind` (`Pod`, `Deployment`, ...) in `text`, decoded as k8s-openapi's type for that
/// kind and evaluated.
pub fn typed_object(kind: &str, lv: pss_core::LevelVersion, text: &str) -> pss_core::Evaluation {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
    use k8s_openapi::api::batch::v1::{CronJob, Job};
    use k8s_openapi::api::core::v1::{Pod, PodTemplate, ReplicationController};
    macro_rules! eval {
        ($t:ty) => {{
            let o: $t = serde_json::from_str(text).unwrap();
            pss_core::evaluate_object(lv, &o).unwrap()
        }};
    }
    match kind {
        "Pod" => eval!(Pod),
        "PodTemplate" => eval!(PodTemplate),
        "ReplicationController" => eval!(ReplicationController),
        "ReplicaSet" => eval!(ReplicaSet),
        "Deployment" => eval!(Deployment),
        "StatefulSet" => eval!(StatefulSet),
        "DaemonSet" => eval!(DaemonSet),
        "Job" => eval!(Job),
        "CronJob" => eval!(CronJob),
        other => unreachable!("{other} is not a workload kind"),
    }
}
