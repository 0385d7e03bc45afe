//! The pods the benchmarks run on: the upstream comparison pods from `../shared/bench-pods` (when
//! present) and pods built here, each as JSON bytes and as a k8s-openapi `Pod`.
//!
//! The benchmarks themselves are in `benches/`; run them with `cargo bench -p pss-benches`.

use k8s_openapi::api::core::v1::Pod;
use serde_json::{json, Value};

/// The pods upstream's Go figures (`../shared/perf.md`) were measured on, in `bench-pods/`.
pub const SHARED_PODS: [&str; 3] = ["privileged", "restricted2", "large20c10v"];

/// A pod to benchmark.
#[derive(Debug, Clone)]
pub struct BenchPod {
    /// A short name for benchmark ids (the file stem for the shared pods).
    pub name: String,
    /// The pod as JSON, as an admission request carries it.
    pub json: Vec<u8>,
    /// The same pod decoded into k8s-openapi's `Pod`.
    pub typed: Pod,
}

impl BenchPod {
    /// A pod from JSON bytes.
    ///
    /// # Panics
    /// When the JSON is not a pod k8s-openapi can decode.
    pub fn new(name: impl Into<String>, json: Vec<u8>) -> Self {
        let name = name.into();
        let typed = serde_json::from_slice(&json).unwrap_or_else(|e| panic!("{name}: not a Pod: {e}"));
        BenchPod { name, json, typed }
    }
}

pub use pss_testgen::shared::shared_dir;

/// The upstream comparison pods; prints a loud note and returns none when they are absent.
pub fn shared_pods() -> Vec<BenchPod> {
    let Some(dir) = shared_dir().map(|d| d.join("bench-pods")).filter(|d| d.is_dir()) else {
        eprintln!(
            "\n\n*** ../shared/bench-pods not found (looked beside the repository and in $PSS_SHARED_DIR).\n\
             *** Benchmarking only the built-in pods: NO number here compares with upstream's Go figures.\n"
        );
        return Vec::new();
    };
    SHARED_PODS
        .iter()
        .map(|name| {
            let path = dir.join(format!("{name}.json"));
            let json = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            BenchPod::new(*name, json)
        })
        .collect()
}

/// The mixed corpus `../shared/bench-corpus/pods.jsonl` (18,000 pods, one JSON object per line,
/// 84% denied at restricted:latest), which upstream's "Mixed corpus" figures in `perf.md` measure.
#[derive(Debug)]
pub struct Corpus {
    /// The whole file, as read.
    pub bytes: Vec<u8>,
    /// Each line's byte range in [`Corpus::bytes`] (empty lines left out).
    pub lines: Vec<core::ops::Range<usize>>,
}

impl Corpus {
    /// Each pod's JSON.
    pub fn pods(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        self.lines.iter().map(|r| &self.bytes[r.clone()])
    }

    /// Every pod decoded with serde_json into k8s-openapi's `Pod` (what the typed benchmarks
    /// evaluate; decoded once, outside the timed loop).
    ///
    /// # Panics
    /// When a line is not a pod k8s-openapi can decode.
    pub fn typed(&self) -> Vec<Pod> {
        self.pods()
            .enumerate()
            .map(|(i, json)| serde_json::from_slice(json).unwrap_or_else(|e| panic!("pods.jsonl line {}: {e}", i + 1)))
            .collect()
    }
}

/// The mixed corpus; prints a loud note and returns `None` when it is absent.
pub fn corpus() -> Option<Corpus> {
    let Some(path) = shared_dir().map(|d| d.join("bench-corpus/pods.jsonl")).filter(|p| p.is_file()) else {
        eprintln!(
            "\n\n*** ../shared/bench-corpus/pods.jsonl not found (looked beside the repository and in $PSS_SHARED_DIR).\n\
             *** The corpus benchmarks do not run.\n"
        );
        return None;
    };
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate().chain([(bytes.len(), &b'\n')]) {
        if b == b'\n' {
            if i > start {
                lines.push(start..i);
            }
            start = i + 1;
        }
    }
    Some(Corpus { bytes, lines })
}

/// The pods built here (they need nothing from `../shared`):
///
/// - `minimal`: one container with a name and an image. Allowed at baseline, four violations at
///   restricted.
/// - `violating`: fails every check that runs: all 12 at baseline:latest and all 15 at
///   restricted:latest (which replaces four baseline checks), most of them in several places.
/// - `annotations`: compliant with restricted, with 100 annotations and a
///   `kubectl.kubernetes.io/last-applied-configuration` (whose escaped quotes the JSON path must
///   copy), as `kubectl apply` leaves on a pod.
pub fn own_pods() -> Vec<BenchPod> {
    vec![
        BenchPod::new("minimal", to_bytes(&minimal())),
        BenchPod::new("violating", to_bytes(&violating())),
        BenchPod::new("annotations", to_bytes(&annotations())),
    ]
}

/// [`shared_pods`] then [`own_pods`].
pub fn all_pods() -> Vec<BenchPod> {
    let mut pods = shared_pods();
    pods.extend(own_pods());
    pods
}

fn to_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).expect("a Value serialises")
}

fn minimal() -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "minimal"},
           "spec": {"containers": [{"name": "app", "image": "nginx"}]}})
}

fn violating() -> Value {
    let bad_sc = json!({
        "privileged": true,
        "allowPrivilegeEscalation": true,
        "procMount": "Unmasked",
        "runAsNonRoot": false,
        "runAsUser": 0,
        "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"], "drop": ["NET_RAW"]},
        "seccompProfile": {"type": "Unconfined"},
        "appArmorProfile": {"type": "Unconfined"},
        "seLinuxOptions": {"type": "unconfined_t", "user": "root", "role": "sysadm_r"},
        "windowsOptions": {"hostProcess": true}
    });
    let container = |name: &str| {
        json!({
            "name": name,
            "image": "registry.example.com/tools/debug:1.0",
            "ports": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 443, "hostPort": 8443}],
            "livenessProbe": {"httpGet": {"host": "10.0.0.1", "port": 80}},
            "readinessProbe": {"tcpSocket": {"host": "metadata.internal", "port": 80}},
            "lifecycle": {"preStop": {"httpGet": {"host": "169.254.169.254", "path": "/", "port": 80}}},
            "securityContext": bad_sc
        })
    };
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "everything-wrong",
            "namespace": "default",
            "annotations": {
                "container.apparmor.security.beta.kubernetes.io/app": "unconfined",
                "container.apparmor.security.beta.kubernetes.io/sidecar": "unconfined",
                "seccomp.security.alpha.kubernetes.io/pod": "unconfined"
            }
        },
        "spec": {
            "hostNetwork": true,
            "hostPID": true,
            "hostIPC": true,
            "securityContext": {
                "runAsNonRoot": false,
                "runAsUser": 0,
                "seLinuxOptions": {"type": "spc_t"},
                "seccompProfile": {"type": "Unconfined"},
                "appArmorProfile": {"type": "Unconfined"},
                "windowsOptions": {"hostProcess": true},
                "sysctls": [{"name": "kernel.msgmax", "value": "65536"}, {"name": "net.core.somaxconn", "value": "1"}]
            },
            "volumes": [
                {"name": "root", "hostPath": {"path": "/"}},
                {"name": "docker", "hostPath": {"path": "/var/run/docker.sock"}},
                {"name": "share", "nfs": {"server": "nfs.example.com", "path": "/export"}},
                {"name": "repo", "gitRepo": {"repository": "https://example.com/repo.git"}}
            ],
            "initContainers": [container("init")],
            "containers": [container("app"), container("sidecar")],
            "ephemeralContainers": [container("debugger")]
        }
    })
}

/// A restricted-compliant spec (the pod-level part of what `restricted2` has).
fn compliant_spec() -> Value {
    json!({
        "securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{
            "name": "app",
            "image": "registry.example.com/web/app:1.4.2",
            "ports": [{"containerPort": 8080}],
            "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
        }],
        "volumes": [{"name": "tmp", "emptyDir": {}}]
    })
}

fn annotations() -> Value {
    let spec = compliant_spec();
    let mut annotations = serde_json::Map::new();
    for i in 0..100 {
        annotations.insert(
            format!("example.com/annotation-{i:03}"),
            Value::String(format!("value {i} of a pod with many annotations")),
        );
    }
    let applied = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "annotated"}, "spec": spec});
    annotations.insert("kubectl.kubernetes.io/last-applied-configuration".into(), Value::String(applied.to_string()));
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "annotated", "namespace": "default", "annotations": annotations},
        "spec": spec
    })
}

#[cfg(test)]
mod tests {
    use pss_core::{evaluate, evaluate_json, Level, LevelVersion, Version};

    use super::*;

    fn at(level: Level) -> LevelVersion {
        LevelVersion::new(level, Version::LATEST)
    }

    #[test]
    fn own_pods_are_what_their_docs_say() {
        let pods = own_pods();
        let by_name = |n: &str| pods.iter().find(|p| p.name == n).unwrap();

        let minimal = by_name("minimal");
        assert!(evaluate(at(Level::Baseline), &minimal.typed).allowed());
        assert_eq!(evaluate(at(Level::Restricted), &minimal.typed).len(), 4);

        let violating = by_name("violating");
        let result = evaluate_json(at(Level::Restricted), &violating.json).unwrap();
        assert_eq!(result.len(), 15, "{}", result.forbidden_reason());
        let result = evaluate_json(at(Level::Baseline), &violating.json).unwrap();
        assert_eq!(result.len(), 12, "{}", result.forbidden_reason());

        let annotated = by_name("annotations");
        assert_eq!(annotated.typed.metadata.annotations.as_ref().unwrap().len(), 101);
        assert!(evaluate(at(Level::Restricted), &annotated.typed).allowed());
        assert!(evaluate_json(at(Level::Restricted), &annotated.json).unwrap().allowed());
    }

    #[test]
    fn typed_and_json_agree() {
        for pod in all_pods() {
            for level in [Level::Baseline, Level::Restricted] {
                let typed = evaluate(at(level), &pod.typed);
                let json = evaluate_json(at(level), &pod.json).unwrap();
                assert_eq!(typed, json, "{} at {level:?}", pod.name);
            }
        }
    }

    /// The corpus's README: 18,000 pods, 2,905 allowed and 15,095 denied at restricted:latest.
    #[test]
    fn corpus_is_what_its_readme_says() {
        let Some(corpus) = corpus() else {
            assert!(std::env::var_os("CI").is_none(), "../shared/bench-corpus must be present under CI");
            return;
        };
        assert_eq!(corpus.lines.len(), 18_000);
        let allowed =
            corpus.pods().filter(|json| evaluate_json(at(Level::Restricted), json).unwrap().allowed()).count();
        assert_eq!(allowed, 2_905);
    }

    #[test]
    fn shared_pods_are_the_upstream_ones() {
        let pods = shared_pods();
        if pods.is_empty() {
            assert!(std::env::var_os("CI").is_none(), "../shared/bench-pods must be present under CI");
            return;
        }
        let verdicts: Vec<bool> =
            pods.iter().map(|p| evaluate_json(at(Level::Restricted), &p.json).unwrap().allowed()).collect();
        // perf.md: privileged is denied, restricted2 and large20c10v are allowed.
        assert_eq!(verdicts, [false, true, true]);
    }
}
