#!/usr/bin/env python3
"""Extra fuzz seeds for `kyverno`: well-formed Kyverno policies, each paired with a resource, built from every
shape pss-core's policy decoder and matcher read.

Random mutation rarely builds a deep structure that is valid all the way down: after five rounds of fuzzing no
corpus input held a label selector with `matchExpressions`, and few policies were valid enough to get generated
`autogen-` rules. This writes such inputs directly: ClusterPolicies and Policies with `match`/`exclude` in their
direct, `any` and `all` forms, resource descriptions (kinds in every spelling, names and namespaces with wildcards,
annotations, label selectors with each operator and with wildcards, operations), user-info filters, failure actions and their
overrides, `applyRules`, the autogen annotation, other rule types, and `podSecurity` rules (level, version,
exclusions with images, restricted fields and values, valid and invalid); and resources of every pod controller
kind (and a few others), with labels, annotations and pod specs that break and keep each control.

Each input is drawn from a random generator with a fixed seed, so a run writes the same files every time; they are
named by SHA-1, as libFuzzer names them.

    python3 fuzz/shapes.py /tmp/seeds/kyverno-shapes --count 3000   # then pass the directory to `cargo fuzz run`

Like typeswap.py's, the seeds go to the fuzzer, which keeps those that reach new coverage.
"""

import argparse
import hashlib
import json
import os
import random

KINDS = ["Pod", "Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "CronJob", "ReplicationController"]
KIND_SPELLINGS = [
    "Pod", "v1/Pod", "*/Pod", "Pod/status", "Pod/ephemeralcontainers", "Deployment", "apps/v1/Deployment",
    "apps/*/Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job", "batch/v1/Job", "CronJob",
    "batch/v1/CronJob", "ReplicationController", "*", "ConfigMap", "Namespace", "Dep*", "Po?",
]
GROUPS = {"Pod": "v1", "ReplicationController": "v1", "Job": "batch/v1", "CronJob": "batch/v1"}
CONTROLS = [
    "HostProcess", "Host Namespaces", "Privileged Containers", "Capabilities", "HostPath Volumes", "Host Ports",
    "AppArmor", "SELinux", "/proc Mount Type", "Seccomp", "Sysctls", "Volume Types", "Privilege Escalation",
    "Running as Non-root", "Running as Non-root user",
]
CONTAINER_CONTROLS = {"Capabilities", "Privileged Containers", "Host Ports", "/proc Mount Type", "Privilege Escalation"}
FIELDS = [
    "spec.containers[*].securityContext.privileged", "spec.initContainers[*].securityContext.privileged",
    "spec.containers[*].securityContext.capabilities.add", "spec.containers[*].securityContext.capabilities.add[*]",
    "spec.containers[*].ports[*].hostPort", "spec.containers[*].securityContext.procMount",
    "spec.containers[*].securityContext.allowPrivilegeEscalation", "spec.containers[*].securityContext.runAsUser",
    "spec.containers[*].securityContext.runAsNonRoot", "spec.containers[*].securityContext.seccompProfile.type",
    "spec.containers[*].securityContext.seLinuxOptions.type", "spec.hostNetwork", "spec.hostPID", "spec.hostIPC",
    "spec.volumes[*].hostPath", "spec.volumes[*].nfs", "spec.securityContext.sysctls[*].name",
    "spec.securityContext.runAsNonRoot", "spec.securityContext.runAsUser", "spec.securityContext.seccompProfile.type",
    "spec.ephemeralContainers[*].securityContext.privileged",
    "metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]",
    "spec.containers[*].securityContext.windowsOptions.hostProcess",
]
VALUES = [
    "true", "false", "0", "80", "1000", "NET_ADMIN", "SYS_ADMIN", "ALL", "Unmasked", "Unconfined", "RuntimeDefault",
    "Localhost", "spc_t", "kernel.shm_rmid_forced", "net.core.somaxconn", "unconfined", "runtime/default", "*", "",
]
IMAGES = ["nginx:1.27", "nginx", "busybox", "registry.example/app:v2", "ghcr.io/x/sidecar@sha256:00", ""]
IMAGE_PATTERNS = ["nginx*", "nginx", "*", "busy?ox", "registry.example/*", "*sidecar*", "", "?"]
NAMES = ["web", "web-1", "api", "batch-7", "x", ""]
NAME_PATTERNS = ["web", "web-?", "web*", "*", "api", "?", "", "*-1"]
NAMESPACES = ["default", "prod", "dev", "kube-system", ""]
NAMESPACE_PATTERNS = ["prod", "pr*", "*", "dev", "kube-*", "?ev", ""]
LABELS = {"app": ["web", "api"], "tier": ["front", "back"], "env": ["prod", "dev"], "a.b/c": ["d", ""]}
LABEL_KEY_PATTERNS = ["a*", "*", "ti?r", "a.b/*", "?"]
LABEL_VALUE_PATTERNS = ["w*", "*", "?ev", "pro?", "?"]
ANNOTATION_KEYS = ["team", "te*", "container.apparmor.security.beta.kubernetes.io/app", "*", "note"]
ANNOTATION_VALUES = ["blue", "bl?e", "*", "unconfined", "runtime/default", ""]
OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist", "in", "Gt", ""]
OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT", "create", "*"]
ACTIONS = ["Audit", "Enforce", "audit", "enforce", "Deny", ""]
LEVELS = ["baseline", "restricted", "privileged", "Baseline", "", None]
VERSIONS = ["latest", "v1.0", "v1.19", "v1.22", "v1.25", "v1.29", "v1.35", "v1.99", "", "v2", "1.25", None]
AUTOGEN = ["none", "Deployment", "Deployment,CronJob", "CronJob", "DaemonSet,Job,StatefulSet", "all", "Pod", ""]
OTHER_VALIDATE = {"pattern": {"spec": {"hostNetwork": False}}, "anyPattern": [{}], "deny": {"conditions": []},
                  "foreach": [{"list": "x"}], "cel": {"expressions": []}, "manifests": {"attestors": []}}


class Draw:
    """A seeded random source with the few helpers the shapes need."""

    def __init__(self, seed):
        self.r = random.Random(seed)

    def p(self, chance):
        return self.r.random() < chance

    def one(self, items):
        return self.r.choice(items)

    def some(self, items, most=3, least=0):
        return self.r.sample(items, self.r.randint(least, min(most, len(items))))


def selector(d):
    sel = {}
    if d.p(0.7):
        # Kyverno matches a matchLabels key or value holding `*` or `?` as a wildcard.
        sel["matchLabels"] = {
            (d.one(LABEL_KEY_PATTERNS) if d.p(0.2) else k): (d.one(LABEL_VALUE_PATTERNS) if d.p(0.2) else d.one(LABELS[k]))
            for k in d.some(list(LABELS), 2)
        }
    if d.p(0.7):
        exprs = []
        for _ in range(d.r.randint(0, 3)):
            e = {"key": d.one(list(LABELS) + ["missing"]), "operator": d.one(OPERATORS)}
            if d.p(0.7):
                e["values"] = d.some([v for vs in LABELS.values() for v in vs], 3)
            exprs.append(e)
        sel["matchExpressions"] = exprs
    return sel


def description(d, pod_kinds):
    desc = {}
    if d.p(0.9):
        desc["kinds"] = d.some(KIND_SPELLINGS, 3, 1) if not pod_kinds else ["Pod"] + d.some(["Deployment", "CronJob"], 1)
    if d.p(0.2):
        desc["name"] = d.one(NAME_PATTERNS)
    if d.p(0.25):
        desc["names"] = d.some(NAME_PATTERNS, 2)
    if d.p(0.3):
        desc["namespaces"] = d.some(NAMESPACE_PATTERNS, 2)
    if d.p(0.2):
        desc["annotations"] = {d.one(ANNOTATION_KEYS): d.one(ANNOTATION_VALUES) for _ in range(d.r.randint(1, 2))}
    if d.p(0.3):
        desc["selector"] = selector(d)
    if d.p(0.15):
        desc["namespaceSelector"] = selector(d)
    if d.p(0.25):
        desc["operations"] = d.some(OPERATIONS, 2)
    return desc


def user_info(d, block):
    for key in d.some(["subjects", "roles", "clusterRoles"], 1):
        block[key] = d.one([[{"kind": "User", "name": "alice"}], ["admin"], [], None])


def filter_(d, pod_kinds):
    f = {"resources": description(d, pod_kinds)}
    if d.p(0.1):
        user_info(d, f)
    return f


def match_block(d, pod_kinds):
    form = d.one(["direct", "direct", "any", "all", "both", "empty"])
    if form == "direct":
        m = {"resources": description(d, pod_kinds)}
        if d.p(0.08):
            user_info(d, m)
    elif form in ("any", "all"):
        m = {form: [filter_(d, pod_kinds) for _ in range(d.r.randint(1, 3))]}
    elif form == "both":
        m = {"any": [filter_(d, pod_kinds)], "all": [filter_(d, pod_kinds)]}
    else:
        m = {}
    return m


def overrides(d):
    out = []
    for _ in range(d.r.randint(0, 2)):
        o = {"action": d.one(ACTIONS)}
        if d.p(0.7):
            o["namespaces"] = None if d.p(0.1) else d.some(NAMESPACE_PATTERNS, 2)
        if d.p(0.3):
            o["namespaceSelector"] = selector(d)
        out.append(o)
    return out


def exclusion(d, careful):
    control = d.one(CONTROLS + ["Nope"]) if not careful else d.one(CONTROLS)
    e = {"controlName": control}
    wants_images = control in CONTAINER_CONTROLS
    if (wants_images if careful else d.p(0.6)):
        e["images"] = d.some(IMAGE_PATTERNS, 2, 1)
    if d.p(0.45):
        e["restrictedField"] = d.one(FIELDS)
        if careful or d.p(0.8):
            e["values"] = d.some(VALUES, 3, 1)
    elif not careful and d.p(0.1):
        e["values"] = d.some(VALUES, 2, 1)
    return e


def pod_security(d, careful):
    ps = {}
    level = d.one(["baseline", "restricted", "privileged"]) if careful else d.one(LEVELS)
    if level is not None:
        ps["level"] = level
    version = d.one(VERSIONS[:8]) if careful else d.one(VERSIONS)
    if version is not None:
        ps["version"] = version
    if d.p(0.6):
        ps["exclude"] = [exclusion(d, careful) for _ in range(d.r.randint(1, 4))]
    if careful and level == "baseline":
        baseline_only = {"Running as Non-root", "Running as Non-root user", "Volume Types", "Privilege Escalation"}
        ps["exclude"] = [e for e in ps.get("exclude", []) if e["controlName"] not in baseline_only] or [
            {"controlName": "Host Namespaces"}]
    return ps


def rule(d, i, careful):
    pod_kinds = careful and d.p(0.6)
    r = {"name": d.one([f"rule-{i}", "baseline", "autogen-old", "x" * 70, ""])}
    r["match"] = match_block(d, pod_kinds)
    if d.p(0.35):
        r["exclude"] = match_block(d, pod_kinds)
    kind = d.one(["podSecurity"] * 6 + ["other", "mutate", "generate", "verifyImages", "two", "none"])
    if careful:
        kind = "podSecurity"
    validate = {}
    if kind == "podSecurity":
        validate["podSecurity"] = pod_security(d, careful)
    elif kind == "other":
        name = d.one(list(OTHER_VALIDATE))
        validate[name] = OTHER_VALIDATE[name]
    elif kind == "two":
        validate["podSecurity"] = pod_security(d, careful)
        validate["deny"] = {}
    elif kind == "mutate":
        r["mutate"] = d.one([{"patchesJson6902": "- op: add"}, {"foreach": [{"patchesJson6902": ""}]},
                             {"patchStrategicMerge": {}}])
    elif kind in ("generate", "verifyImages"):
        r[kind] = d.one([{"kind": "ConfigMap"}, [{"imageReferences": ["*"]}], {}])
    if validate or d.p(0.1):
        if d.p(0.3):
            validate["failureAction"] = d.one(ACTIONS)
        if d.p(0.2):
            validate["failureActionOverrides"] = overrides(d)
        if d.p(0.1):
            validate["message"] = "no"
        r["validate"] = validate
    if not careful and d.p(0.1):
        r[d.one(["context", "preconditions", "celPreconditions"])] = d.one([[{"name": "x"}], {"all": []}, [], {}])
    return r


def policy(d, careful):
    kind = d.one(["ClusterPolicy"] * 3 + ["Policy"]) if careful else d.one(["ClusterPolicy", "Policy", "Pod", ""])
    api = d.one(["kyverno.io/v1", "kyverno.io/v2beta1"]) if careful else d.one(
        ["kyverno.io/v1", "kyverno.io/v2", "other.io/v1", "kyverno.io", ""])
    meta = {"name": d.one(["psa", "baseline-policy", "restricted", ""])}
    if kind == "Policy" or d.p(0.1):
        meta["namespace"] = d.one(NAMESPACES)
    if d.p(0.35):
        meta["annotations"] = {"pod-policies.kyverno.io/autogen-controllers": d.one(AUTOGEN)}
    spec = {"rules": [rule(d, i, careful) for i in range(d.r.randint(1, 3))]}
    if d.p(0.4):
        spec["validationFailureAction"] = d.one(ACTIONS)
    if d.p(0.25):
        spec["validationFailureActionOverrides"] = overrides(d)
    if d.p(0.2):
        spec["applyRules"] = d.one(["One", "All", "one"])
    if d.p(0.1):
        spec["background"] = d.p(0.5)
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}


def container(d, name):
    c = {"name": name, "image": d.one(IMAGES)}
    sc = {}
    if d.p(0.3):
        sc["privileged"] = d.p(0.6)
    if d.p(0.3):
        caps = {}
        if d.p(0.8):
            caps["add"] = d.some(["NET_ADMIN", "SYS_ADMIN", "CHOWN", "NET_BIND_SERVICE", "ALL"], 2, 1)
        if d.p(0.5):
            caps["drop"] = d.one([["ALL"], ["NET_RAW"], []])
        sc["capabilities"] = caps
    if d.p(0.3):
        sc["allowPrivilegeEscalation"] = d.p(0.5)
    if d.p(0.3):
        sc["runAsNonRoot"] = d.p(0.5)
    if d.p(0.25):
        sc["runAsUser"] = d.one([0, 1000, 65534])
    if d.p(0.25):
        sc["seccompProfile"] = {"type": d.one(["RuntimeDefault", "Unconfined", "Localhost"])}
    if d.p(0.1):
        sc["procMount"] = d.one(["Unmasked", "Default"])
    if d.p(0.1):
        sc["seLinuxOptions"] = {"type": d.one(["spc_t", "container_t"])}
    if d.p(0.05):
        sc["windowsOptions"] = {"hostProcess": True}
    if sc or d.p(0.1):
        c["securityContext"] = sc
    if d.p(0.2):
        c["ports"] = [{"containerPort": 80, "hostPort": d.one([0, 80, 8080])}]
    return c


def pod_spec(d):
    spec = {"containers": [container(d, n) for n in d.some(["app", "sidecar", "web"], 2, 1)]}
    if d.p(0.2):
        spec["initContainers"] = [container(d, "init")]
    if d.p(0.08):
        spec["ephemeralContainers"] = [container(d, "debug")]
    for key in ("hostNetwork", "hostPID", "hostIPC"):
        if d.p(0.12):
            spec[key] = d.p(0.7)
    if d.p(0.2):
        spec["volumes"] = [d.one([{"name": "h", "hostPath": {"path": "/"}}, {"name": "e", "emptyDir": {}},
                                  {"name": "n", "nfs": {"server": "s", "path": "/"}}])]
    psc = {}
    if d.p(0.15):
        psc["sysctls"] = [{"name": d.one(["kernel.shm_rmid_forced", "net.core.somaxconn"]), "value": "1"}]
    if d.p(0.2):
        psc["runAsNonRoot"] = d.p(0.6)
    if d.p(0.2):
        psc["seccompProfile"] = {"type": d.one(["RuntimeDefault", "Unconfined"])}
    if psc:
        spec["securityContext"] = psc
    return spec


def metadata(d):
    meta = {"name": d.one(NAMES)}
    if d.p(0.7):
        meta["namespace"] = d.one(NAMESPACES)
    if d.p(0.6):
        meta["labels"] = {k: d.one(LABELS[k]) for k in d.some(list(LABELS), 3)}
    if d.p(0.3):
        meta["annotations"] = {d.one(["team", "note", "container.apparmor.security.beta.kubernetes.io/app"]):
                               d.one(["blue", "unconfined", "runtime/default"])}
    return meta


def resource(d):
    kind = d.one(KINDS + ["ConfigMap"])
    meta = metadata(d)
    if kind == "ConfigMap":
        return {"apiVersion": "v1", "kind": kind, "metadata": meta, "data": {"a": "b"}}
    api = GROUPS.get(kind, "apps/v1")
    if kind == "Pod":
        return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": pod_spec(d)}
    template = {"metadata": metadata(d), "spec": pod_spec(d)}
    if kind == "CronJob":
        spec = {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}
    else:
        spec = {"template": template}
    return {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="directory to write the seeds to (created)")
    parser.add_argument("--count", type=int, default=3000, help="how many inputs to write (default 3000)")
    parser.add_argument("--seed", type=int, default=6, help="the random generator's seed (default 6)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    written = set()
    for i in range(args.count):
        d = Draw(args.seed * 1_000_003 + i)
        # Half the policies are drawn to pass Kyverno's validation (they reach evaluation and autogen).
        text = json.dumps(policy(d, careful=i % 2 == 0), separators=(",", ":")).encode()
        if d.p(0.9):
            text += b"\0" + json.dumps(resource(d), separators=(",", ":")).encode()
        name = hashlib.sha1(text).hexdigest()
        if name not in written:
            written.add(name)
            with open(os.path.join(args.out, name), "wb") as f:
                f.write(text)
    print(f"kyverno: {len(written)} seeds -> {args.out}")


if __name__ == "__main__":
    main()
