// Where the upstream conformance data is (../shared next to the repository), and what to do without it.
const fs = require("node:fs");
const path = require("node:path");

const sharedDir = path.resolve(__dirname, "..", "..", "..", "shared");
const conformanceDir = path.join(sharedDir, "conformance");
const benchPodsDir = path.join(sharedDir, "bench-pods");

/** The reason to skip a test needing ../shared, or false when it is there. Fails under CI. */
function needShared(dir) {
  if (fs.existsSync(dir)) return false;
  const message = `${dir} is absent: SKIPPING the tests that need the upstream fixtures`;
  if (process.env.CI) throw new Error(`${message}, which CI requires`);
  console.error(`\n!!! ${message} !!!\n`);
  return message;
}

/** `kubectl run privileged-pod --image=nginx --restart=Never --privileged`, as the API server receives it. */
const privilegedPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "privileged-pod", labels: { run: "privileged-pod" } },
  spec: {
    containers: [{ name: "privileged-pod", image: "nginx", securityContext: { privileged: true } }],
    restartPolicy: "Never",
  },
};

const privilegedMessage =
  'pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged ' +
  '(container "privileged-pod" must not set securityContext.privileged=true)';

module.exports = { sharedDir, conformanceDir, benchPodsDir, needShared, privilegedPod, privilegedMessage };
