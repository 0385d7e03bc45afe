#!/usr/bin/env python3
"""Writes N varied pods as JSON Lines, for timing `pss check` (scripts/bench-cli.sh).

The mix resembles a real cluster's pods: mostly compliant workloads of 1-4 containers with
resources, env, probes and volumes, plus a share of each kind of violation (privileged containers,
host namespaces, hostPath volumes, added capabilities, host ports, seccomp and AppArmor settings,
sysctls, running as root). Deterministic for a given --seed. Python standard library only.
"""

import argparse
import json
import random
import sys

IMAGES = ["nginx:1.27", "registry.k8s.io/pause:3.9", "quay.io/prometheus/node-exporter:v1.8.2",
          "ghcr.io/example/api:2.3.1", "docker.io/library/redis:7.2", "busybox:1.36",
          "gcr.io/distroless/static:nonroot", "registry.example.com/team/worker:0.14.0"]
NAMESPACES = ["default", "kube-system", "monitoring", "payments", "web", "batch", "data"]


def container(rng, name, restricted):
    c = {
        "name": name,
        "image": rng.choice(IMAGES),
        "imagePullPolicy": rng.choice(["IfNotPresent", "Always"]),
        "resources": {
            "requests": {"cpu": f"{rng.choice([50, 100, 250, 500])}m", "memory": f"{rng.choice([64, 128, 256])}Mi"},
            "limits": {"cpu": f"{rng.choice([500, 1000])}m", "memory": f"{rng.choice([256, 512, 1024])}Mi"},
        },
        "env": [{"name": f"VAR_{i}", "value": f"value-{rng.randrange(10**6)}"} for i in range(rng.randrange(0, 5))],
        "ports": [{"containerPort": rng.choice([80, 443, 8080, 9090]), "protocol": "TCP"}],
        "volumeMounts": [{"name": "config", "mountPath": "/etc/config", "readOnly": True}],
        "terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File",
    }
    if rng.random() < 0.5:
        c["livenessProbe"] = {"httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 10}
        c["readinessProbe"] = {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 5}
    if restricted:
        c["securityContext"] = {
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"], **({"add": ["NET_BIND_SERVICE"]} if rng.random() < 0.2 else {})},
            "readOnlyRootFilesystem": True,
            "runAsNonRoot": True,
        }
    elif rng.random() < 0.5:
        c["securityContext"] = {"readOnlyRootFilesystem": rng.random() < 0.5}
    return c


def violate(rng, pod, kind):
    spec = pod["spec"]
    c0 = spec["containers"][0]
    sc = c0.setdefault("securityContext", {})
    if kind == "privileged":
        sc["privileged"] = True
    elif kind == "host":
        spec[rng.choice(["hostNetwork", "hostPID", "hostIPC"])] = True
    elif kind == "hostPath":
        spec["volumes"].append({"name": "host", "hostPath": {"path": "/var/log", "type": "Directory"}})
    elif kind == "caps":
        sc.setdefault("capabilities", {})["add"] = rng.sample(["SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "NET_RAW"], 2)
    elif kind == "hostPort":
        c0["ports"][0]["hostPort"] = c0["ports"][0]["containerPort"]
    elif kind == "seccomp":
        spec.setdefault("securityContext", {})["seccompProfile"] = {"type": "Unconfined"}
    elif kind == "apparmor":
        pod["metadata"].setdefault("annotations", {})[
            f"container.apparmor.security.beta.kubernetes.io/{c0['name']}"] = "unconfined"
    elif kind == "sysctl":
        spec.setdefault("securityContext", {})["sysctls"] = [{"name": "kernel.msgmax", "value": "65536"}]
    elif kind == "root":
        sc["runAsUser"] = 0
        sc["allowPrivilegeEscalation"] = True
    elif kind == "procMount":
        sc["procMount"] = "Unmasked"


def pod(rng, i):
    restricted = rng.random() < 0.6
    n = rng.choice([1, 1, 1, 2, 2, 3, 4])
    app = f"app-{rng.randrange(400)}"
    p = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": f"{app}-{i:06d}-{rng.randrange(16**5):05x}",
            "namespace": rng.choice(NAMESPACES),
            "labels": {"app": app, "pod-template-hash": f"{rng.randrange(16**8):08x}", "tier": rng.choice(["web", "db", "cache"])},
            "annotations": {"kubectl.kubernetes.io/restartedAt": "2026-06-01T12:00:00Z"},
            "uid": f"{rng.randrange(16**8):08x}-0000-4000-8000-{rng.randrange(16**12):012x}",
        },
        "spec": {
            "containers": [container(rng, f"c{k}", restricted) for k in range(n)],
            "volumes": [{"name": "config", "configMap": {"name": f"{app}-config", "defaultMode": 420}}],
            "restartPolicy": "Always",
            "dnsPolicy": "ClusterFirst",
            "serviceAccountName": app,
            "nodeName": f"node-{rng.randrange(50)}",
            "tolerations": [{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                             "tolerationSeconds": 300}],
        },
        "status": {"phase": "Running", "podIP": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"},
    }
    if rng.random() < 0.25:
        p["spec"]["initContainers"] = [container(rng, "init", restricted)]
    if restricted:
        p["spec"]["securityContext"] = {"runAsNonRoot": True, "runAsUser": 10000 + rng.randrange(1000),
                                        "seccompProfile": {"type": "RuntimeDefault"}, "fsGroup": 2000}
    if rng.random() < 0.3:
        violate(rng, p, rng.choice(["privileged", "host", "hostPath", "caps", "hostPort", "seccomp",
                                    "apparmor", "sysctl", "root", "procMount"]))
    return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=18000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for i in range(args.count):
        out.write(json.dumps(pod(rng, i), separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
