#!/usr/bin/env bash
# Times `pss check --level restricted --format jsonl` reading YAML: over ../shared/realworld/corpus (10,196 files,
# YAML and JSON) and over one generated multi-document YAML file (Deployments, Services and ConfigMaps in turn,
# DOCS documents, default 60,000: about 20 MB). Prints CPU time (user + system), wall time and peak memory of the
# best of RUNS runs (default 5); CPU time is the figure to compare on a shared machine. Release build.
#
#   scripts/bench-manifests.sh
#   DOCS=200000 RUNS=3 scripts/bench-manifests.sh
source "$(dirname "$0")/lib.sh"
ensure_rust
cd "$ROOT"
docs="${DOCS:-60000}"
runs="${RUNS:-5}"
[ -x /usr/bin/time ] || apt_install time
say "cargo build --release -p pss-cli"
cargo build --release -q -p pss-cli
pss="$ROOT/target/release/pss"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 - "$docs" >"$work/stream.yaml" <<'PY'
import sys
n = int(sys.argv[1])
for i in range(n):
    if i % 3 == 0:
        print(f"""---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-{i}
  labels: {{app: web, tier: "{i}"}}
spec:
  replicas: 3
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: {{type: RuntimeDefault}}
      containers:
      - name: nginx
        image: nginx:1.27
        ports:
        - containerPort: 8080
        securityContext:
          allowPrivilegeEscalation: false
          capabilities:
            drop: ["ALL"]
          privileged: {'true' if i % 7 == 0 else 'false'}
        resources:
          limits: {{cpu: 500m, memory: 128Mi}}""")
    elif i % 3 == 1:
        print(f"""---
apiVersion: v1
kind: Service
metadata:
  name: web-{i}
spec:
  selector: {{app: web}}
  ports:
  - port: 80
    targetPort: 8080""")
    else:
        print(f"""---
# configuration
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-{i}
data:
  nginx.conf: |
    server {{
      listen 8080;
      location / {{ return 200 'ok {i}'; }}
    }}
  enabled: "yes\"""")
PY
measure() {
  local name="$1"; shift
  local best=""
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%U %S %e %M" -o "$work/time" "$pss" check --level restricted --format jsonl "$@" >/dev/null 2>&1 || true
    read -r user sys wall rss < <(tail -n 1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$best" ] || awk -v a="$cpu" -v b="$best" 'BEGIN { exit !(a < b) }'; then
      best="$cpu"; best_line="$(printf '%-40s CPU %5.2f s (user %s, sys %s)  wall %5.2f s  peak %6d KB' "$name" "$cpu" "$user" "$sys" "$wall" "$rss")"
    fi
  done
  echo "$best_line"
}
bytes=$(wc -c <"$work/stream.yaml")
say "best of $runs runs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
if shared="$(cd "$ROOT/../shared/realworld/corpus" 2>/dev/null && pwd)"; then
  measure "realworld corpus ($(du -sm "$shared" | cut -f1) MB on disk)" "$shared"
else
  echo "../shared/realworld/corpus not found: skipped"
fi
measure "generated stream ($docs documents, $((bytes / 1048576)) MB)" "$work/stream.yaml"
