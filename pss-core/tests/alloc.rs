//! What touches the heap, counted with a per-thread counting global allocator:
//!
//! - evaluating a compliant pod allocates nothing, typed or decoded, at every level and version;
//! - the JSON path copies no string it can borrow: 1000x longer strings cost exactly the same
//!   allocations, while an escape sequence (which must be copied) does allocate;
//! - `evaluate_json` makes an exact, known number of allocations per pod;
//! - only violations allocate, and a fixed number of times: a denied pod's violations are recorded
//!   as facts in four buffers shared by all of them, however many places violate (a buffer that
//!   outgrows its typical size is reallocated; a list a detail names that is longer than eight
//!   entries adds one allocation); the buffers are kept by the thread when the facts are dropped,
//!   so a thread's first denied pod makes [`FIRST_VIOLATION_ALLOCS`] allocations and the later ones
//!   [`VIOLATION_ALLOCS`];
//! - reading a violation's detail and paths into a buffer of the caller's allocates nothing;
//! - the aggregate texts (`forbidden_detail`, `denial_message`) of a typical denied pod allocate
//!   once each.
//!
//! Run `cargo test -p pss-core --test alloc -- --nocapture` to see the counts.

mod common;

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pss_alloc_count::{measure, CountingAlloc, Counts};
use pss_core::{evaluate, evaluate_json, evaluate_json_str, Level, LevelVersion, PodDocument, PodParts, Version};

#[global_allocator]
static ALLOC: CountingAlloc = CountingAlloc;

/// The allocations of a denied pod's violations, whatever the pod, on a thread that kept the fact
/// buffers of an earlier denied pod: the shared `Arc` holding the facts, and the `Vec<Violation>`.
const VIOLATION_ALLOCS: u64 = 2;

/// The same on a thread's first denied pod (or when the kept buffers are in use, or were let go
/// because they grew too large): the copied strings, the lists the details name, the detail pieces
/// and the fields too.
const FIRST_VIOLATION_ALLOCS: u64 = VIOLATION_ALLOCS + 4;

/// Makes this thread keep a set of fact buffers: a denied pod evaluated and dropped.
fn warm() {
    let result = evaluate_json_str(RESTRICTED, r#"{"spec":{"containers":[{"name":"app"}]}}"#).unwrap();
    assert!(!result.allowed());
}

/// `measure` on a thread that keeps a set of fact buffers (see [`warm`]).
fn measure_warm<T>(f: impl FnOnce() -> T) -> (T, Counts) {
    warm();
    measure(f)
}

const RESTRICTED: LevelVersion = LevelVersion::new(Level::Restricted, Version::LATEST);
const BASELINE: LevelVersion = LevelVersion::new(Level::Baseline, Version::LATEST);

/// Baseline and restricted at every version with its own rules, and a version past the newest check change.
fn every_level_version() -> Vec<LevelVersion> {
    let versions = Version::every().chain([Version::v1(99)]);
    versions.flat_map(|v| [Level::Baseline, Level::Restricted].map(|l| LevelVersion::new(l, v))).collect()
}

/// Fails when the counting allocator is not installed, so "allocates nothing" cannot pass vacuously.
fn assert_counting() {
    assert!(pss_alloc_count::is_active(), "CountingAlloc is not the global allocator");
}

// ---- pods built here ------------------------------------------------------------------------

/// A pod compliant with restricted at every version, exercising every field the checks read:
/// annotations (an AppArmor one among them), pod and container security contexts, sysctls,
/// volumes, probes and lifecycle handlers, init, regular and ephemeral containers.
///
/// Every string the checks read or skip is `n` times longer for a larger `n`, apart from the
/// values the checks compare with a fixed set (sysctl names, profile types, capabilities). With
/// `hosts`, the probes and handlers set a host: compliant before v1.34 only.
fn kitchen_sink(n: usize, hosts: bool) -> String {
    let long = |s: &str| s.repeat(n);
    let host = |s: &str| if hosts { format!(r#","host":"{}""#, long(s)) } else { String::new() };
    let container = |name: &str| {
        format!(
            r#"{{"name":"{name}","image":"registry.example.com/{image}:1.0","args":["{arg}"],
            "env":[{{"name":"MODE","value":"{arg}"}}],"ports":[{{"containerPort":8080,"name":"http"}}],
            "livenessProbe":{{"httpGet":{{"path":"/{arg}","port":8080{h1}}},"periodSeconds":5}},
            "readinessProbe":{{"tcpSocket":{{"port":8080{h2}}}}},
            "lifecycle":{{"preStop":{{"httpGet":{{"path":"/stop","port":8080{h3}}}}}}},
            "securityContext":{{"allowPrivilegeEscalation":false,"privileged":false,"procMount":"Default",
              "runAsNonRoot":true,"capabilities":{{"drop":["ALL"],"add":["NET_BIND_SERVICE"]}},
              "seccompProfile":{{"type":"RuntimeDefault"}},"appArmorProfile":{{"type":"RuntimeDefault"}},
              "seLinuxOptions":{{"type":"container_init_t","level":"{arg}"}}}}}}"#,
            image = long(name),
            arg = long("x"),
            h1 = host("live"),
            h2 = host("ready"),
            h3 = host("stop"),
        )
    };
    let app = long("app");
    format!(
        r#"{{"apiVersion":"v1","kind":"Pod",
        "metadata":{{"name":"{name}","namespace":"{ns}","labels":{{"app":"{name}","{label}":"{name}"}},
          "annotations":{{"container.apparmor.security.beta.kubernetes.io/{app}":"localhost/{profile}",
            "example.com/{label}":"{note}","note":"{note}"}}}},
        "spec":{{"os":{{"name":"linux"}},"hostNetwork":false,"hostPID":false,"hostIPC":false,
          "securityContext":{{"runAsNonRoot":true,"runAsUser":1000,"seLinuxOptions":{{"type":"container_t","level":"{note}"}},
            "seccompProfile":{{"type":"Localhost","localhostProfile":"{profile}"}},
            "appArmorProfile":{{"type":"Localhost","localhostProfile":"{profile}"}},
            "sysctls":[{{"name":"kernel.shm_rmid_forced","value":"1"}},{{"name":"net.ipv4.ip_local_port_range","value":"{note}"}}],
            "windowsOptions":{{"gmsaCredentialSpecName":"{note}"}}}},
          "volumes":[{{"name":"{vol}-config","configMap":{{"name":"{note}"}}}},{{"name":"{vol}-tmp","emptyDir":{{}}}},
            {{"name":"{vol}-secret","secret":{{"secretName":"{note}"}}}},{{"name":"{vol}-data","persistentVolumeClaim":{{"claimName":"{note}"}}}},
            {{"name":"{vol}-token","projected":{{"sources":[{{"serviceAccountToken":{{"path":"{note}"}}}}]}}}}],
          "initContainers":[{init}],
          "containers":[{app_c},{sidecar}],
          "ephemeralContainers":[{debug}]}}}}"#,
        name = long("web"),
        ns = long("prod"),
        label = long("tier"),
        note = long("n"),
        profile = long("profile"),
        vol = long("vol"),
        init = container("init"),
        app_c = container("app"),
        sidecar = container("sidecar"),
        debug = container("debug"),
    )
}

/// A pod with `k` containers, each setting `privileged: true` (denied at baseline when k > 0).
fn privileged_containers(k: usize) -> String {
    let containers: Vec<String> = (0..k)
        .map(|i| format!(r#"{{"name":"c{i}","image":"nginx","securityContext":{{"privileged":true}}}}"#))
        .chain([r#"{"name":"ok","image":"nginx"}"#.to_owned()])
        .collect();
    format!(r#"{{"metadata":{{"name":"p"}},"spec":{{"containers":[{}]}}}}"#, containers.join(","))
}

/// One container with a name and an image, built as k8s-openapi structs.
fn minimal_typed() -> (ObjectMeta, PodSpec) {
    let meta = ObjectMeta { name: Some("minimal".into()), ..Default::default() };
    let spec = PodSpec {
        containers: vec![Container { name: "app".into(), image: Some("nginx".into()), ..Default::default() }],
        ..Default::default()
    };
    (meta, spec)
}

fn typed(json: &str) -> Pod {
    serde_json::from_str(json).expect("a pod k8s-openapi decodes")
}

/// The shared bench pods by name, or none (with a loud note; a failure under CI) when absent.
fn shared_pods() -> Vec<(&'static str, String)> {
    let Some(dir) = common::shared_dir().map(|d| d.join("bench-pods")).filter(|d| d.is_dir()) else {
        common::missing("../shared/bench-pods");
        return Vec::new();
    };
    ["privileged", "restricted2", "large20c10v"]
        .into_iter()
        .map(|name| (name, std::fs::read_to_string(dir.join(format!("{name}.json"))).expect("bench pod readable")))
        .collect()
}

// ---- compliant pods allocate nothing --------------------------------------------------------

/// Evaluates at every level and version; each must allow the pod and allocate nothing.
fn assert_allowed_without_allocating<P: pss_core::PodSource + ?Sized>(what: &str, pod: &P, lvs: &[LevelVersion]) {
    for &lv in lvs {
        let (result, counts) = measure(|| evaluate(lv, pod));
        assert!(result.allowed(), "{what} at {lv}: {}", result.forbidden_detail());
        assert!(counts.is_zero(), "{what} at {lv} touched the heap: {counts:?}");
    }
}

#[test]
fn compliant_typed_pods_allocate_nothing() {
    assert_counting();
    let all = every_level_version();
    let before_34: Vec<LevelVersion> =
        all.iter().copied().filter(|lv| matches!(lv.version.minor(), Some(m) if m < 34)).collect();

    for n in [1, 1000] {
        let pod = typed(&kitchen_sink(n, false));
        assert_allowed_without_allocating(&format!("kitchen sink x{n}"), &pod, &all);
        let parts = PodParts::from(&pod);
        assert_allowed_without_allocating(&format!("kitchen sink x{n} as PodParts"), &parts, &all);
        let with_hosts = typed(&kitchen_sink(n, true));
        assert_allowed_without_allocating(&format!("kitchen sink x{n} with hosts"), &with_hosts, &before_34);
    }

    let (meta, spec) = minimal_typed();
    let baseline: Vec<LevelVersion> = all.iter().copied().filter(|lv| lv.level == Level::Baseline).collect();
    assert_allowed_without_allocating("minimal", &PodParts::new(Some(&meta), Some(&spec)), &baseline);
    assert_allowed_without_allocating("empty PodParts", &PodParts::new(None, None), &all);

    for (name, json) in shared_pods() {
        if name == "privileged" {
            continue; // denied
        }
        assert_allowed_without_allocating(name, &typed(&json), &all);
    }
}

#[test]
fn compliant_decoded_pods_allocate_nothing_to_evaluate() {
    assert_counting();
    let all = every_level_version();
    let text = kitchen_sink(1, false);
    let doc = PodDocument::from_str(&text).unwrap();
    assert_allowed_without_allocating("decoded kitchen sink", &doc, &all);
    for (name, json) in shared_pods() {
        if name == "privileged" {
            continue;
        }
        let doc = PodDocument::from_str(&json).unwrap();
        assert_allowed_without_allocating(name, &doc, &all);
    }
}

// ---- the JSON path borrows ------------------------------------------------------------------

/// Decoding and evaluating `json` at `lv`, counted; the pod must be allowed.
fn json_counts(json: &str, lv: LevelVersion) -> Counts {
    let (result, counts) = measure(|| evaluate_json(lv, json.as_bytes()).unwrap());
    assert!(result.allowed(), "at {lv}: {}", result.forbidden_detail());
    counts
}

#[test]
fn json_path_copies_no_string_it_can_borrow() {
    assert_counting();
    let lvs = [RESTRICTED, BASELINE, LevelVersion::new(Level::Restricted, Version::v1(33))];
    for hosts in [false, true] {
        let short = kitchen_sink(1, hosts);
        let long = kitchen_sink(1000, hosts);
        assert!(long.len() > 20 * short.len(), "{} vs {}", long.len(), short.len());
        for lv in lvs {
            if hosts && lv.version.minor().is_none() {
                continue; // a host is a violation from v1.34 on
            }
            let s = json_counts(&short, lv);
            assert!(s.allocs > 0, "decoding allocates its lists: {s:?}");
            assert_eq!(s, json_counts(&long, lv), "1000x longer strings changed the allocations at {lv}");
        }
        let (_, s) = measure(|| PodDocument::from_str(&short).unwrap());
        let (_, l) = measure(|| PodDocument::from_str(&long).unwrap());
        assert_eq!(s, l, "decoding alone");
    }
}

#[test]
fn an_escaped_string_is_copied() {
    assert_counting();
    // The same pod with one container name spelled with an escape: the verdict cannot change, but
    // the name must be unescaped into a new string. This proves the comparison above can fail.
    let plain = kitchen_sink(1, false);
    let escaped = plain.replacen(r#""name":"sidecar""#, r#""name":"side\u0063ar""#, 1);
    assert_ne!(plain, escaped);
    let p = json_counts(&plain, RESTRICTED);
    let e = json_counts(&escaped, RESTRICTED);
    assert_eq!(e.allocs, p.allocs + 1, "plain {p:?}, escaped {e:?}");
    assert!(e.bytes > p.bytes);

    // A long escaped annotation value costs its length.
    let long_escaped = plain.replacen(r#""note":"n""#, &format!(r#""note":"\"{}\"""#, "n".repeat(10_000)), 1);
    let l = json_counts(&long_escaped, RESTRICTED);
    assert_eq!(l.allocs, p.allocs + 1);
    assert!(l.bytes >= p.bytes + 10_000, "plain {p:?}, long escaped {l:?}");
}

// ---- exact counts ---------------------------------------------------------------------------

/// What `evaluate_json` of one pod at one level must do.
struct Expected {
    pod: &'static str,
    json: String,
    lv: LevelVersion,
    allocs: u64,
    reallocs: u64,
    violations: usize,
}

impl Expected {
    fn new(pod: &'static str, json: &str, lv: LevelVersion, (allocs, reallocs): (u64, u64), violations: usize) -> Self {
        Expected { pod, json: json.to_owned(), lv, allocs, reallocs, violations }
    }
}

/// The exact heap operations of `evaluate_json`. The numbers are deterministic (the decoder's
/// lists grow the same way every time); a change in decoding or in how violations are built
/// changes them, and this test is the place to update them, with the reason, in the same commit.
#[test]
fn evaluate_json_makes_a_known_number_of_allocations() {
    assert_counting();
    let sink = kitchen_sink(1, false);
    let minimal = r#"{"spec":{"containers":[{"name":"app","image":"nginx"}]}}"#;
    let mut cases = vec![
        // The lists of volumes, containers, annotations and sysctls, and the five seLinuxOptions
        // (boxed, as they are rare: a container is smaller to move without them). 12 when the
        // labels were kept (`evaluate_json` decodes for the checks: labels and the annotations no
        // check reads are checked and dropped); 19 when each container's ports and capability
        // lists, 12 in all, were lists of their own (an array of plain strings is now kept as its
        // text, and ports only by their non-zero hostPorts) and seLinuxOptions were not boxed.
        Expected::new("kitchen sink", &sink, RESTRICTED, (11, 1), 0),
        Expected::new("kitchen sink", &sink, BASELINE, (11, 1), 0),
        // One allocation: the containers list. The four restricted violations add the rest.
        Expected::new("minimal", minimal, BASELINE, (1, 0), 0),
        // The violations' facts: VIOLATION_ALLOCS, whatever the number of violations (22 when
        // every message, path and container name was a string of its own).
        Expected::new("minimal", minimal, RESTRICTED, (1 + VIOLATION_ALLOCS, 0), 4),
    ];
    for (name, json) in shared_pods() {
        // Go (perf.md, restricted): 65, 130 and 767 allocations for decode + evaluate.
        let (restricted, baseline) = match name {
            // The containers list, then the violations' facts (one more when the labels were kept;
            // 28 allocations and a realloc at restricted, 8 at baseline, when every message, path
            // and name was a string of its own).
            "privileged" => (((1 + VIOLATION_ALLOCS, 0), 5), ((1 + VIOLATION_ALLOCS, 0), 1)),
            // 4 when the labels and the annotation no check reads (prometheus.io/scrape) were
            // kept; 9 when each container's capability lists and ports were lists of their own.
            "restricted2" => (((2, 0), 0), ((2, 0), 0)),
            // 5 when the labels were kept (its AppArmor annotation still is); 45 when each
            // container's capability lists and ports were lists of their own.
            "large20c10v" => (((4, 5), 0), ((4, 5), 0)),
            _ => unreachable!("{name}"),
        };
        cases.push(Expected::new(name, &json, RESTRICTED, restricted.0, restricted.1));
        cases.push(Expected::new(name, &json, BASELINE, baseline.0, baseline.1));
    }

    let mut failures = Vec::new();
    eprintln!("{:<14} {:<18} {:>6} {:>8} {:>7} {:>10}", "pod", "level", "allocs", "reallocs", "bytes", "violations");
    for e in cases {
        let (result, c) = measure_warm(|| evaluate_json_str(e.lv, &e.json).unwrap());
        let n = result.len();
        eprintln!("{:<14} {:<18} {:>6} {:>8} {:>7} {n:>10}", e.pod, e.lv.to_string(), c.allocs, c.reallocs, c.bytes);
        if (c.allocs, c.reallocs, n) != (e.allocs, e.reallocs, e.violations) {
            failures.push(format!(
                "{} at {}: {} allocs, {} reallocs, {n} violations; expected {}, {}, {}",
                e.pod, e.lv, c.allocs, c.reallocs, e.allocs, e.reallocs, e.violations
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---- only violations allocate ---------------------------------------------------------------

#[test]
fn violations_allocate_a_fixed_number_of_times() {
    assert_counting();
    // Evaluating an already decoded pod: nothing for an allowed pod, and VIOLATION_ALLOCS for a
    // denied one, however many containers are privileged.
    let mut per_k = Vec::new();
    for k in 0..=200 {
        let json = privileged_containers(k);
        let doc = PodDocument::from_str(&json).unwrap();
        let (result, counts) = measure_warm(|| evaluate(BASELINE, &doc));
        assert_eq!(result.allowed(), k == 0);
        assert_eq!(result.iter().map(|v| v.fields().len()).sum::<usize>(), k);
        per_k.push(counts);
    }
    assert!(per_k[0].is_zero(), "{:?}", per_k[0]);
    for (k, counts) in per_k.iter().enumerate().skip(1) {
        // Up to eight containers the names a detail lists stay on the stack and every buffer keeps
        // its typical size; past that, the list spills to the heap once and buffers grow.
        let allocs = if k <= 8 { VIOLATION_ALLOCS } else { VIOLATION_ALLOCS + 1 };
        assert_eq!(counts.allocs, allocs, "{k} privileged containers: {counts:?}");
        if k <= 8 {
            assert_eq!(counts.reallocs, 0, "{k} privileged containers: {counts:?}");
        }
        // Buffers double: each of the four that grow with k (strings, lists, fields, the spilled
        // names) reallocates about log2(k) times at most.
        let log2 = u64::from(usize::BITS - k.leading_zeros());
        assert!(counts.reallocs <= 4 * log2, "{k} privileged containers: {counts:?}");
    }
    let step = per_k[2].bytes - per_k[1].bytes;
    assert_eq!(step, 0, "the typical buffers hold a few containers' facts: {per_k:?}");

    // Decoding does not depend on the verdict: the same shape decodes with the same allocations
    // whether the containers are privileged or not.
    let denied = privileged_containers(3);
    let allowed = denied.replace(r#""privileged":true"#, r#""privileged":false"#);
    let (_, d) = measure(|| PodDocument::from_str(&denied).unwrap());
    let (_, a) = measure(|| PodDocument::from_str(&allowed).unwrap());
    assert_eq!(d, a);
    let (_, full_denied) = measure_warm(|| evaluate_json_str(BASELINE, &denied).unwrap());
    let (_, full_allowed) = measure_warm(|| evaluate_json_str(BASELINE, &allowed).unwrap());
    assert_eq!(full_allowed.allocs, a.allocs);
    assert_eq!(full_denied.allocs, d.allocs + per_k[3].allocs);
}

/// A thread keeps the buffers of the last facts it dropped, one set at most, and gives them to its
/// next denied pod; a set in use, or one that grew past four times its typical size, is not there
/// to take.
#[test]
fn a_thread_keeps_one_set_of_fact_buffers() {
    assert_counting();
    let denied = privileged_containers(2);
    let (_, decoding) = measure(|| PodDocument::from_str(&denied).unwrap());
    let evaluate_counted = || {
        let (result, counts) = measure(|| evaluate_json_str(BASELINE, &denied).unwrap());
        assert_eq!(result.len(), 1);
        (result, counts.allocs - decoding.allocs)
    };
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                // A new thread keeps nothing yet.
                let (first, allocs) = evaluate_counted();
                assert_eq!(allocs, FIRST_VIOLATION_ALLOCS);
                // While the first result holds its facts, a second pod allocates its own.
                let (second, allocs) = evaluate_counted();
                assert_eq!(allocs, FIRST_VIOLATION_ALLOCS);
                drop(first);
                drop(second); // one set is kept, the other released
                let (third, allocs) = evaluate_counted();
                assert_eq!(allocs, VIOLATION_ALLOCS);
                let (fourth, allocs) = evaluate_counted();
                assert_eq!(allocs, FIRST_VIOLATION_ALLOCS);
                // A clone holds the facts too: dropping the result alone gives nothing back.
                let kept = fourth[0].clone();
                drop(fourth);
                drop(third);
                let (fifth, allocs) = evaluate_counted();
                assert_eq!(allocs, VIOLATION_ALLOCS);
                // The texts read the same from kept buffers.
                assert_eq!(kept.detail().to_string(), fifth[0].detail().to_string());
                assert_eq!(fifth[0].detail(), r#"containers "c0", "c1" must not set securityContext.privileged=true"#);
                drop(kept);
                drop(fifth);

                // Facts that grew past four times their typical size are released, not kept.
                let (large, _) = measure(|| evaluate_json_str(BASELINE, &privileged_containers(100)).unwrap());
                drop(large);
                let (_, allocs) = evaluate_counted();
                assert_eq!(allocs, FIRST_VIOLATION_ALLOCS);
            })
            .join()
            .unwrap();

        // Facts dropped on another thread than the one that recorded them are kept there.
        let (result, _) = scope.spawn(evaluate_counted).join().unwrap();
        scope
            .spawn(move || {
                drop(result);
                let (_, allocs) = evaluate_counted();
                assert_eq!(allocs, VIOLATION_ALLOCS);
            })
            .join()
            .unwrap();
    });
}

/// A violation's texts are rendered when read; into a buffer with room, that allocates nothing.
#[test]
fn reading_texts_into_a_buffer_allocates_nothing() {
    assert_counting();
    let mut pods: Vec<(&str, String)> = vec![("privileged x3", privileged_containers(3))];
    pods.extend(shared_pods());
    pods.push(("kitchen sink with hosts", kitchen_sink(1, true)));
    for (name, json) in pods {
        for lv in [RESTRICTED, BASELINE, "restricted:v1.33".parse().unwrap()] {
            let result = evaluate_json_str(lv, &json).unwrap();
            let mut out = String::with_capacity(64 * 1024);
            let (_, counts) = measure(|| {
                for v in result.iter() {
                    v.detail().write_to(&mut out);
                    for f in v.fields() {
                        f.path().write_to(&mut out);
                        out.push_str(f.container().unwrap_or(""));
                    }
                }
            });
            assert!(counts.is_zero(), "{name} at {lv}: {counts:?}");
            // What was written is what the texts read as one by one.
            let mut expected = String::new();
            for v in result.iter() {
                expected.push_str(&v.detail().to_string());
                for f in v.fields() {
                    expected.push_str(&f.path().to_string());
                    expected.push_str(f.container().unwrap_or(""));
                }
            }
            assert_eq!(out, expected);
        }
    }
}

/// The aggregate texts render each detail once, straight into a buffer with room for a typical
/// detail: one allocation each for a typical denied pod, and a longer text only grows its buffer.
#[test]
fn aggregate_texts_allocate_once() {
    assert_counting();
    let mut pods: Vec<(&str, String)> = vec![("privileged x3", privileged_containers(3))];
    pods.extend(shared_pods().into_iter().filter(|(name, _)| *name == "privileged"));
    for (name, json) in pods {
        for lv in [RESTRICTED, BASELINE] {
            let result = evaluate_json_str(lv, &json).unwrap();
            assert!(!result.allowed(), "{name} at {lv}");
            let (detail, counts) = measure(|| result.forbidden_detail());
            assert_eq!((counts.allocs, counts.reallocs), (1, 0), "{name} at {lv}: {detail}");
            let (message, counts) = measure(|| result.denial_message("pod").unwrap());
            assert_eq!((counts.allocs, counts.reallocs), (1, 0), "{name} at {lv}: {message}");
            assert!(message.ends_with(&detail));
        }
    }
    // 200 containers named in one detail: well past the room for a typical one.
    let result = evaluate_json_str(BASELINE, &privileged_containers(200)).unwrap();
    let (detail, counts) = measure(|| result.forbidden_detail());
    assert!(detail.len() > 1000, "{detail}");
    assert_eq!(counts.allocs, 1, "{counts:?}");
    assert!(counts.reallocs > 0, "{counts:?}");
}

// ---- objects decoded for the checks -----------------------------------------------------------

/// A Deployment of a pod (its metadata in the template), with labels of its own and a selector.
fn deployment_of(pod: &str) -> String {
    let pod: serde_json::Value = serde_json::from_str(pod).unwrap();
    serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": pod["metadata"], "spec": pod["spec"]}},
    })
    .to_string()
}

/// An object decoded for the checks keeps no list for its labels, nor for its template's, nor for
/// annotations no check reads: the exact counts of decoding the bench pods as Deployments, whole
/// and for the checks.
#[test]
fn an_object_decoded_for_the_checks_keeps_no_labels() {
    assert_counting();
    for (name, json) in shared_pods() {
        let text = deployment_of(&json);
        let (whole, w) = measure(|| pss_core::ObjectDocument::from_str(&text).unwrap());
        let (object, c) = measure(|| pss_core::ObjectDocument::from_str_for_checks(&text).unwrap());
        eprintln!("{name}: whole {w:?}, for the checks {c:?}");
        let expected = match name {
            // The containers list; whole, also the Deployment's labels and the template's.
            "privileged" => ((3, 0), (1, 0)),
            // The containers and volumes lists; whole, also both sets of labels and the template's
            // annotation no check reads (prometheus.io/scrape).
            "restricted2" => ((5, 0), (2, 0)),
            // The template's lists (its AppArmor annotation is kept); whole, also both sets of labels.
            "large20c10v" => ((6, 5), (4, 5)),
            _ => unreachable!("{name}"),
        };
        assert_eq!(((w.allocs, w.reallocs), (c.allocs, c.reallocs)), expected, "{name}");
        assert_eq!((whole.header().labels().count(), object.header().labels().count()), (2, 0), "{name}");
        for lv in [RESTRICTED, BASELINE] {
            assert_eq!(pss_core::evaluate_object(lv, &object), pss_core::evaluate_object(lv, &whole), "{name} at {lv}");
        }
    }
}
