package pss_test

import (
	"errors"
	"fmt"

	pss "github.com/pss-rs/pss/pss-capi/go"
)

// What `kubectl run privileged-pod --image=nginx --restart=Never --privileged` sends.
var privilegedPod = []byte(`{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod","creationTimestamp":null,` +
	`"labels":{"run":"privileged-pod"}},"spec":{"containers":[{"name":"privileged-pod","image":"nginx","resources":{},` +
	`"securityContext":{"privileged":true}}],"restartPolicy":"Never","dnsPolicy":"ClusterFirst"},"status":{}}`)

func ExampleEvaluate() {
	result, err := pss.Evaluate(privilegedPod, pss.LevelVersion{Level: pss.Baseline, Version: "latest"})
	if err != nil {
		panic(err)
	}
	fmt.Println(result.Allowed)
	fmt.Println(result.Message)
	for _, v := range result.Violations {
		for _, f := range v.Fields {
			fmt.Printf("%s: %s = %s (container %q)\n", v.Check, f.Path, f.Value, f.Container)
		}
	}
	// Output:
	// false
	// pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)
	// privileged: spec.containers[0].securityContext.privileged = true (container "privileged-pod")
}

func ExampleEvaluate_restricted() {
	pod := []byte(`{"metadata": {"name": "web"}, "spec": {"hostNetwork": true, "containers": [{"name": "app"}]}}`)
	result, err := pss.Evaluate(pod, pss.LevelVersion{Level: pss.Restricted, Version: "v1.30"})
	if err != nil {
		panic(err)
	}
	fmt.Println(result.Reason)
	// Output:
	// host namespaces, allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile
}

// A bare pod spec, as it appears in a pod or a pod template: evaluated with
// paths relative to the spec, and refused as a pod (never an allowed empty pod).
func ExampleEvaluateSpec() {
	spec := []byte(`{"containers": [{"name": "c", "securityContext": {"privileged": true}}]}`)
	baseline := pss.LevelVersion{Level: pss.Baseline, Version: "latest"}
	result, err := pss.EvaluateSpec(spec, baseline)
	if err != nil {
		panic(err)
	}
	fmt.Println(result.Allowed, result.Violations[0].Fields[0].Path)
	fmt.Println(result.Message)
	_, err = pss.Evaluate(spec, baseline)
	fmt.Println(errors.Is(err, pss.ErrBarePodSpec))
	// Output:
	// false containers[0].securityContext.privileged
	// pods is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)
	// true
}

func ExampleError() {
	_, err := pss.Evaluate([]byte(`{"spec": {"hostPID": "yes"}}`), pss.LevelVersion{Level: pss.Baseline})
	fmt.Println(errors.Is(err, pss.ErrInvalidType))
	var e *pss.Error
	if errors.As(err, &e) {
		fmt.Println(e.Path, e.Line, e.Column)
	}
	fmt.Println(err)
	// Output:
	// true
	// spec.hostPID 1 22
	// spec.hostPID: expected a boolean, found a string at line 1 column 22
}

func ExampleParseLevel() {
	level, err := pss.ParseLevel("restricted")
	fmt.Println(level, err)
	_, err = pss.ParseLevel("Restricted")
	fmt.Println(errors.Is(err, pss.ErrInvalidLevel))
	fmt.Println(err)
	// Output:
	// restricted <nil>
	// true
	// invalid level "Restricted": must be one of privileged, baseline, restricted
}
