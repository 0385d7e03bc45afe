//! Kyverno `ClusterPolicy`/`Policy` documents and their `validate.podSecurity` rules, run offline.
//!
//! Kyverno's podSecurity rules evaluate the same Pod Security Standards checks as upstream, but
//! select, exclude, order and print them in their own way. This module reproduces that behaviour
//! with the rule message of Kyverno 1.8–1.11, and fixes the places where Kyverno's own
//! implementation is wrong. Each deviation is listed below.
//!
//! # What is read
//!
//! - `kyverno.io/*` `ClusterPolicy` and `Policy`. Any other document is
//!   [`PolicyError::UnsupportedKind`].
//! - `spec.rules[]`: `name`, `match`, `exclude`, `validate.podSecurity` (`level`, `version`,
//!   `exclude[]`), `validate.failureAction`, `validate.failureActionOverrides`.
//! - `spec.validationFailureAction`, `spec.validationFailureActionOverrides`, `spec.applyRules`.
//! - The annotation `pod-policies.kyverno.io/autogen-controllers`.
//!
//! Other rule types are loaded but never evaluated. Their result is [`RuleStatus::Unsupported`],
//! with a message naming the type, and they are never silently passed. This covers `mutate`,
//! `generate`, `verifyImages`, `validate.pattern`, `anyPattern`, `deny`, `foreach`, `cel`,
//! `manifests`, and podSecurity rules with `context`, `preconditions` or `celPreconditions`.
//!
//! # Validation
//!
//! A policy that Kyverno would reject is [`PolicyError::Invalid`], with Kyverno's field errors:
//!
//! - A container-level control (`Capabilities`, `Privileged Containers`, `Host Ports`,
//!   `/proc Mount Type`, `Privilege Escalation`) without `images`:
//!   `exclude.images must be specified for the container level control`.
//! - A pod-level control (`Host Namespaces`, `HostPath Volumes`, `Sysctls`, `Volume Types`) with
//!   `images`: `exclude.images must not be specified for the pod level control`.
//! - `restrictedField` without `values` (`values is required`), or `values` without
//!   `restrictedField` (`restrictedField is required`).
//! - A restricted-only control at `level: baseline`:
//!   `Invalid control name defined at the given level`.
//! - The CRD's checks: an unknown `controlName` or `level` is `Unsupported value`, and a missing
//!   `level` is `Required value`.
//! - The rule-shape checks: no operation or several operations in a rule, `any` together with
//!   `all`, and a `validate` with no element or several.
//!
//! Kyverno's own checks print paths without the `validate` segment:
//! `spec.rules[0].podSecurity.exclude[0].controlName`. The CRD's checks print it. `version` is
//! not checked against the CRD's enum: any `v1.N` runs. A version that does not parse is a rule
//! error: `failed to parse pod security api version: must be "latest" or "v1.x"`.
//!
//! # Evaluation
//!
//! - **Level.**
//!   - `baseline` runs the baseline checks.
//!   - `restricted` runs every check. As in Kyverno, upstream's overrides are ignored, so both
//!     `capabilities_baseline` and `capabilities_restricted` can be reported (and both seccomp
//!     checks, and both volume checks).
//!   - Exception: procMount. Upstream 1.35 split the check into `procMount` and
//!     `procMount_restricted`, and Kyverno's library predates the split. pss reports one entry:
//!     `procMount_restricted` at restricted (v1.35 on), `procMount` otherwise.
//!   - `privileged` allows every pod. *Kyverno runs every check at `privileged`; that is a bug.*
//! - **Version.** Each check runs at the newest of its versions not newer than the requested one.
//!   An empty version or `latest` means the newest. A check whose first version is newer than the
//!   requested one does not run. *Kyverno ≥1.12.6 runs such checks at their first version, and
//!   Kyverno ≤1.12.5 runs every older version of a check too.*
//! - **Order.** Checks are reported in Kyverno's `DefaultChecks` order (upstream's file names
//!   sorted), also when `exclude` is given. *Kyverno's order is random as soon as an exclusion
//!   exists.*
//! - **Exclusions.** This is Kyverno ≥1.12's field-level model, done right.
//!   - An entry covers the checks of its `controlName`. `hostProbesAndHostLifecycle` has no
//!     control name, so it cannot be excluded.
//!   - An entry removes single offending fields (see [`Violation::fields`]):
//!     - With `images`, it removes fields of containers (init, regular, ephemeral) whose image
//!       matches a pattern (`*` and `?` wildcards, whole string, case-sensitive).
//!     - Without `images`, it removes pod-level fields: the pod's own fields, and annotations not
//!       tied to a container. For pod-level controls that is the whole check.
//!   - `restrictedField` must equal the field's path relative to the pod template, with every
//!     array index written `[*]`: `spec.containers[*].securityContext.privileged`,
//!     `spec.securityContext.sysctls[*].name`. A field that is an element of a list also matches
//!     the list's path (`spec.containers[*].securityContext.capabilities.add`). Digits in names and
//!     annotation keys are kept. *Kyverno replaces every digit run.*
//!   - `values` must match every value of the field: strings as they are, booleans as
//!     `true`/`false`, integers in decimal, each element of a list.
//!   - A violation whose fields are all removed disappears. A partly excluded violation stays with
//!     its remaining fields, with its detail unchanged, as in Kyverno.
//!   - Deviations:
//!     - *Kyverno excludes a field with no value (unset where a value is required) whatever
//!       `values` says; pss does not exclude it when `values` is given.*
//!     - *Kyverno's pod-level probe adds a fake container, whose errors remove one real container
//!       field each; pss removes pod-level fields only.*
//!     - Added capabilities are one field per capability here (Kyverno has one field per list),
//!       so `values: [FOO]` removes `FOO` and keeps the others.
//!     - Volumes carry no value, so `values` cannot select a hostPath by its path.
//!   - The rule passes when no violation is left.
//! - **Pod controllers.** A controller is evaluated through its pod template, with the template's
//!   own metadata; a CronJob is no exception. *Kyverno reads `spec.jobTemplate.metadata` for
//!   CronJobs.* `restrictedField` stays pod-relative. A ReplicationController without a template
//!   is [`RuleStatus::Skip`]. Any other kind, and a `PodTemplate`, is Kyverno's rule error
//!   `Error while getting new resource: could not find correct resource type`.
//!
//! # Matching
//!
//! - `match` and `exclude` take `any`, `all` or the direct `resources`.
//! - Within a filter:
//!   - `kinds` are matched on group, version and kind: `Pod`, `v1/Pod`, `apps/v1/Deployment`,
//!     wildcards. A subresource selector such as `Pod/exec` never matches an object.
//!   - `name`, `names`, `namespaces` and `annotations` take wildcards.
//!   - `selector` takes `matchLabels` (wildcards allowed) and `matchExpressions` (`In`, `NotIn`,
//!     `Exists`, `DoesNotExist`).
//!   - `operations`: a request is always `CREATE`.
//! - Limitations offline:
//!   - `subjects`, `roles` and `clusterRoles` never hold, because there is no requesting user, so
//!     a filter that names them matches nothing. *`kyverno apply` ignores them in `match`.*
//!   - `namespaceSelector` matches only when the caller gives the namespace's labels.
//! - A `Policy` applies only in its own namespace, or `default` when it has none.
//!
//! # Generated rules (autogen)
//!
//! - When the whole policy allows it (Kyverno's `CanAutoGen`), every rule whose kinds name `Pod`
//!   gets two generated rules, appended after the policy's own rules:
//!   - `autogen-<name>` for DaemonSet, Deployment, Job, StatefulSet, ReplicaSet and
//!     ReplicationController;
//!   - `autogen-cronjob-<name>` for CronJob.
//!
//!   Names are cut to 63 bytes.
//! - `CanAutoGen` is false when a rule generates or patches with JSON 6902, when a block names
//!   resources by `name`, `names`, `selector` or `annotations`, or when `Pod` is listed among
//!   other kinds.
//! - The annotation `pod-policies.kyverno.io/autogen-controllers` takes `none`, `all`, or a comma
//!   list. Spaces around names are ignored. *Kyverno drops a name written after a space, and its
//!   newest releases generate nothing for `all`.*
//!
//! # Failure action
//!
//! A rule's action is resolved in this order, and the first one that applies wins:
//!
//! 1. the rule's `validate.failureActionOverrides`;
//! 2. the rule's `validate.failureAction`;
//! 3. the policy's `validationFailureActionOverrides` (action, namespaces with wildcards,
//!    `namespaceSelector`);
//! 4. the policy's `validationFailureAction`.
//!
//! `Enforce`/`enforce` enforce; anything else audits. A failed rule whose action is Enforce
//! blocks the request ([`blocked_message`]). Rule errors do not block.
//!
//! # Messages
//!
//! - A failed rule: `Validation rule '<rule>' failed. It violates PodSecurity "<level>:<version>": `
//!   followed by one `({Allowed:false ForbiddenReason:<reason> ForbiddenDetail:<detail>})` per
//!   check. The checks are joined by newlines, with no trailing newline. Level and version are
//!   printed as written (an omitted version prints empty).
//! - A passed rule: `Validation rule '<rule>' passed.`
//! - [`blocked_message`] builds the webhook's denial text.

mod autogen;
mod decode;
mod error;
mod matching;
mod pod_security;
mod policy;
mod result;

pub use error::{PolicyError, PolicyFieldError, PolicyFieldErrorKind};
pub use policy::{KyvernoPolicy, PolicyKind};
pub use result::{blocked_message, FailureAction, PolicyResult, RuleResult, RuleStatus};

#[cfg(doc)]
use crate::violation::Violation;
