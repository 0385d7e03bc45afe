//! Kyverno CLI test files (`kyverno-test.yaml`, `cli.kyverno.io/v1alpha1` `Test`) and what
//! `kyverno test` makes of them: each expected result checked against the rule results, reported
//! in Kyverno's table.

use std::collections::BTreeMap;

use super::decode::{objects, string, strings};
use super::exception::PolicyException;
use super::policy::{ApplyContext, KyvernoPolicy};
use super::result::{PolicyResult, RuleStatus};
use super::version::KyvernoVersion;
use crate::error::Error;
use crate::json::reader::{PathStyle, Reader};
use crate::workload::ObjectDocument;

/// One expected result of a test file (`results[]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExpectedResult {
    policy: String,
    rule: String,
    resources: Vec<String>,
    kind: String,
    result: String,
    /// `resources` (or `resource`) was given: only then does Kyverno read `resourceSpecs`.
    resources_given: bool,
    /// `resourceSpecs`: group, version, namespace and name.
    resource_specs: Vec<ResourceSpec>,
    /// `operation` (empty: the test's, else CREATE).
    operation: String,
    /// A field pss does not check (`patchedResources`, `generatedResource`, `cloneSourceResource`).
    unchecked: Option<&'static str>,
}

/// One `resourceSpecs` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct ResourceSpec {
    group: String,
    version: String,
    namespace: String,
    name: String,
}

impl ExpectedResult {
    /// `policy` (`name`, or `namespace/name` for a `Policy`).
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// `rule` (empty: every rule of the policy).
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// `resources` (names, or `namespace/name`), with the deprecated `resource` appended.
    pub fn resources(&self) -> &[String] {
        &self.resources
    }

    /// `kind`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// `result` (or the deprecated `status`): `pass`, `fail`, `skip`, `warn` or `error`.
    pub fn result(&self) -> &str {
        &self.result
    }

    /// `operation`: `CREATE`, `UPDATE` or `DELETE` (empty: the test's `request.operation`, else
    /// CREATE).
    pub fn operation(&self) -> &str {
        &self.operation
    }
}

/// A Kyverno CLI test file, decoded (JSON; convert YAML first). Paths are as written, relative to
/// the file's directory.
///
/// ```
/// use pss_core::kyverno::KyvernoTest;
///
/// let test = KyvernoTest::from_json_str(r#"{"apiVersion": "cli.kyverno.io/v1alpha1", "kind": "Test",
///   "metadata": {"name": "psa"}, "policies": ["policy.yaml"], "resources": ["pods.yaml"],
///   "results": [{"policy": "psa", "rule": "baseline", "resources": ["bad"], "kind": "Pod", "result": "fail"}]}"#)?;
/// assert_eq!(test.name(), "psa");
/// assert_eq!(test.policies(), ["policy.yaml"]);
/// assert_eq!(test.results()[0].result(), "fail");
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KyvernoTest {
    name: String,
    policies: Vec<String>,
    resources: Vec<String>,
    exceptions: Vec<String>,
    variables: Option<String>,
    values: Option<KyvernoValues>,
    userinfo: Option<String>,
    results: Vec<ExpectedResult>,
    /// Test-level fields pss does not run (`jsonPayload`, `clusterResources`, ...).
    unused: Vec<String>,
}

impl KyvernoTest {
    /// Decodes a test file.
    ///
    /// # Errors
    /// Malformed JSON or a field of the wrong type.
    pub fn from_json_str(text: &str) -> Result<KyvernoTest, Error> {
        let mut test = KyvernoTest::default();
        let mut r = Reader::new(text);
        r.object(
            |r, key| match key.as_ref() {
                "metadata" => r
                    .object(
                        |r, key| if key == "name" { string(r).map(|n| test.name = n) } else { r.skip() },
                        PathStyle::Field,
                    )
                    .map(|_| ()),
                "name" => string(r).map(|n| {
                    if test.name.is_empty() {
                        test.name = n
                    }
                }),
                "policies" => strings(r).map(|v| test.policies = unique(v)),
                "resources" => strings(r).map(|v| test.resources = unique(v)),
                "exceptions" => strings(r).map(|v| test.exceptions = v),
                "variables" => string(r).map(|v| test.variables = Some(v).filter(|v| !v.is_empty())),
                "values" => {
                    let mut values = KyvernoValues::default();
                    if r.object(|r, key| values.field(r, &key), PathStyle::Field)? {
                        test.values = Some(values);
                    }
                    Ok(())
                }
                "userinfo" => string(r).map(|v| test.userinfo = Some(v).filter(|v| !v.is_empty())),
                "results" => objects(r, |r, key, e: &mut ExpectedResult| match key {
                    "policy" => string(r).map(|v| e.policy = v),
                    "rule" => string(r).map(|v| e.rule = v),
                    "resources" => {
                        let given = !r.null()?;
                        e.resources_given |= given;
                        if given {
                            e.resources.extend(strings(r)?);
                        }
                        Ok(())
                    }
                    "resource" => string(r).map(|v| {
                        if !v.is_empty() {
                            e.resources_given = true;
                            e.resources.push(v)
                        }
                    }),
                    "resourceSpecs" => objects(r, |r, key, spec: &mut ResourceSpec| match key {
                        "group" => string(r).map(|v| spec.group = v),
                        "version" => string(r).map(|v| spec.version = v),
                        "namespace" => string(r).map(|v| spec.namespace = v),
                        "name" => string(r).map(|v| spec.name = v),
                        _ => r.skip(),
                    })
                    .map(|v| e.resource_specs = v),
                    "operation" => string(r).map(|v| e.operation = v),
                    "kind" => string(r).map(|v| e.kind = v),
                    "result" | "status" => string(r).map(|v| {
                        if !v.is_empty() {
                            e.result = v
                        }
                    }),
                    "patchedResources" | "patchedResource" => unchecked(r, e, "patchedResources"),
                    "generatedResource" | "generatedResources" => unchecked(r, e, "generatedResource"),
                    "cloneSourceResource" => unchecked(r, e, "cloneSourceResource"),
                    _ => r.skip(),
                })
                .map(|v| test.results = v),
                "apiVersion" | "kind" => r.skip(),
                other => {
                    if !r.null()? {
                        r.skip()?;
                        test.unused.push(other.to_owned());
                    }
                    Ok(())
                }
            },
            PathStyle::Field,
        )
        .map_err(Error::finish)?;
        Ok(test)
    }

    /// `metadata.name` (or the deprecated `name`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy files.
    pub fn policies(&self) -> &[String] {
        &self.policies
    }

    /// The resource files.
    pub fn resources(&self) -> &[String] {
        &self.resources
    }

    /// The PolicyException files.
    pub fn exceptions(&self) -> &[String] {
        &self.exceptions
    }

    /// The values file (`variables`): its `namespaceSelector` entries give namespaces' labels.
    pub fn variables(&self) -> Option<&str> {
        self.variables.as_deref()
    }

    /// The values given in the test itself (`values`); when present, Kyverno does not read the
    /// [`variables`](KyvernoTest::variables) file.
    pub fn values(&self) -> Option<&KyvernoValues> {
        self.values.as_ref()
    }

    /// The user info file (`userinfo`): pss does not read it (rules whose outcome depends on the
    /// requesting user are not evaluated).
    pub fn userinfo(&self) -> Option<&str> {
        self.userinfo.as_deref()
    }

    /// The expected results.
    pub fn results(&self) -> &[ExpectedResult] {
        &self.results
    }

    /// Fields of the test pss does not run (`jsonPayload`, `clusterResources`, ...).
    pub fn unused_fields(&self) -> &[String] {
        &self.unused
    }

    /// Runs the test as `kyverno test` does: every policy applied to every resource (with the
    /// exceptions), then each expected result compared with the results of its rules (`rule`,
    /// `autogen-rule` and `autogen-cronjob-rule`) for each resource it names, in rows numbered
    /// from 1.
    ///
    /// A resource it names that is not among the resources makes Kyverno check every resource; a
    /// policy that matches none of a resource's rules gives a passing `Excluded` row; a policy
    /// not loaded gives a failed `Not found` row (or a skipped `Invalid Policy` one). A rule pss
    /// cannot evaluate gives a failed `Not evaluated` row, skipped with `allow_unevaluated`.
    ///
    /// A resource is in its `metadata.namespace`; without one (or with an empty one) it is in
    /// `default`, whatever its kind up to Kyverno 1.18, and from 1.19 in none when its kind is
    /// cluster-scoped ([`crate::is_cluster_scoped`]), as Kyverno's CLI reads resource files.
    pub fn run(&self, inputs: &TestInputs<'_>) -> TestReport {
        let mut keyed: Vec<(String, Vec<PolicyResult>)> = Vec::new();
        for resource in inputs.resources {
            let key = resource_key(resource, inputs.kyverno);
            if keyed.iter().any(|(k, _)| *k == key) {
                continue;
            }
            let namespace = resource_namespace(resource, inputs.kyverno);
            let ctx = ApplyContext::new(namespace)
                .namespace_labels(inputs.namespace_labels.get(namespace))
                .exceptions(inputs.exceptions);
            let results = inputs.policies.iter().map(|p| p.apply_with(resource, &ctx)).collect();
            keyed.push((key, results));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        let mut report = TestReport::default();
        for expected in &self.results {
            let mut keys: Vec<&str> = Vec::new();
            for wanted in &expected.resources {
                for (key, _) in &keyed {
                    let parts: Vec<&str> = key.split(',').collect();
                    let hit = match wanted.split_once('/') {
                        None => parts[parts.len() - 1] == wanted,
                        Some((ns, name)) => parts[parts.len() - 2] == ns && parts[parts.len() - 1] == name,
                    };
                    if hit {
                        keys.push(key);
                    }
                }
            }
            // Kyverno reads `resourceSpecs` only when `resources` is given.
            for spec in expected.resource_specs.iter().filter(|_| expected.resources_given) {
                let api_version = if spec.group.is_empty() {
                    spec.version.clone()
                } else {
                    format!("{}/{}", spec.group, spec.version)
                };
                for (key, _) in &keyed {
                    let parts: Vec<&str> = key.split(',').collect();
                    if parts[0] == api_version
                        && parts[parts.len() - 2] == spec.namespace
                        && parts[parts.len() - 1] == spec.name
                    {
                        keys.push(key);
                    }
                }
            }
            if keys.is_empty() {
                keys = keyed.iter().map(|(k, _)| k.as_str()).collect();
            }
            // UPDATE and DELETE requests need the object's previous state: not evaluated.
            let operation = if expected.operation.is_empty() { inputs.operation } else { &expected.operation };
            let request = (!matches!(operation, "" | "CREATE" | "CONNECT")).then_some(operation);
            let policy_name = expected.policy.rsplit('/').next().unwrap_or("");
            for key in keys {
                let display = key.replace(',', "/");
                let results = &keyed.iter().find(|(k, _)| k == key).expect("a listed key").1;
                let mut rows = 0;
                let mut found = false;
                for result in results.iter().filter(|r| r.policy() == policy_name) {
                    found = true;
                    let before = report.rows.len();
                    for rule in result.rules().iter().filter(|r| {
                        expected.rule.is_empty()
                            || r.name() == expected.rule
                            || r.name() == format!("autogen-{}", expected.rule)
                            || r.name() == format!("autogen-cronjob-{}", expected.rule)
                    }) {
                        let unevaluated = if inputs.allow_unevaluated { TestOutcome::Skip } else { TestOutcome::Fail };
                        let (outcome, reason) = if rule.status() == RuleStatus::Unsupported {
                            (unevaluated, "Not evaluated".to_owned())
                        } else if let Some(op) = request {
                            (unevaluated, format!("Not evaluated ({op} request)"))
                        } else if let Some(field) = expected.unchecked {
                            (TestOutcome::Fail, format!("Not evaluated ({field})"))
                        } else {
                            let got = rule.status().as_str();
                            if got == expected.result {
                                (TestOutcome::Pass, "Ok".to_owned())
                            } else {
                                (TestOutcome::Fail, format!("Want {}, got {got}", expected.result))
                            }
                        };
                        report.push(TestRow {
                            policy: expected.policy.clone(),
                            rule: rule.name().to_owned(),
                            resource: display.clone(),
                            outcome,
                            reason,
                            message: rule.message().to_owned(),
                            expected_skip: expected.result == "skip",
                        });
                    }
                    if report.rows.len() == before {
                        // No rule result: the resource was excluded, a pass.
                        report.push(TestRow {
                            policy: expected.policy.clone(),
                            rule: expected.rule.clone(),
                            resource: display.clone(),
                            outcome: TestOutcome::Pass,
                            reason: "Excluded".into(),
                            message: "Excluded".into(),
                            expected_skip: true,
                        });
                    }
                    rows += report.rows.len() - before;
                }
                if !found && rows == 0 {
                    let skipped = inputs.invalid_policies.iter().find(|(name, _)| name == policy_name);
                    let row = match skipped {
                        Some((_, message)) => TestRow {
                            policy: expected.policy.clone(),
                            rule: expected.rule.clone(),
                            resource: display.clone(),
                            outcome: TestOutcome::Skip,
                            reason: "Invalid Policy".into(),
                            message: message.clone(),
                            expected_skip: true,
                        },
                        None => TestRow {
                            policy: expected.policy.clone(),
                            rule: expected.rule.clone(),
                            resource: display.clone(),
                            outcome: TestOutcome::Fail,
                            reason: "Not found".into(),
                            message: "Not found".into(),
                            expected_skip: false,
                        },
                    };
                    report.push(row);
                }
            }
        }
        report
    }
}

/// The strings in order, repeats left out (Kyverno's `cleanTest`).
fn unique(strings: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(strings.len());
    for s in strings {
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

fn unchecked(r: &mut Reader<'_>, e: &mut ExpectedResult, field: &'static str) -> crate::json::reader::Result<()> {
    if !r.null()? {
        let raw = r.raw_value()?;
        if !matches!(raw.trim(), "\"\"" | "[]") {
            e.unchecked = Some(field);
        }
    }
    Ok(())
}

/// A Kyverno CLI values file (`cli.kyverno.io/v1alpha1` `Values`, a test's `variables`) or a
/// test's inline `values`: what pss reads of it are the namespaces' labels, for
/// `namespaceSelector`s (`namespaceSelector: [{name, labels}]`, then `namespaces: [Namespace]`,
/// which take precedence, as in Kyverno). Policy variables (`globalValues`, `policies`) are only
/// read by rules pss does not evaluate.
///
/// ```
/// use pss_core::kyverno::KyvernoValues;
///
/// let values = KyvernoValues::from_json_str(r#"{"apiVersion": "cli.kyverno.io/v1alpha1", "kind": "Values",
///   "namespaceSelector": [{"name": "prod", "labels": {"env": "prod"}}],
///   "namespaces": [{"metadata": {"name": "lab", "labels": {"env": "lab"}}}]}"#)?;
/// assert_eq!(values.namespace_labels()["prod"]["env"], "prod");
/// assert_eq!(values.namespace_labels()["lab"]["env"], "lab");
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KyvernoValues {
    selectors: Vec<(String, BTreeMap<String, String>)>,
    namespaces: Vec<(String, BTreeMap<String, String>)>,
    operation: String,
}

impl KyvernoValues {
    /// Decodes a values document (JSON; convert YAML first).
    ///
    /// # Errors
    /// Malformed JSON or a field of the wrong type.
    pub fn from_json_str(text: &str) -> Result<KyvernoValues, Error> {
        let mut values = KyvernoValues::default();
        let mut r = Reader::new(text);
        r.object(|r, key| values.field(r, &key), PathStyle::Field).map_err(Error::finish)?;
        Ok(values)
    }

    fn field(&mut self, r: &mut Reader<'_>, key: &str) -> crate::json::reader::Result<()> {
        let labels = |r: &mut Reader<'_>, out: &mut BTreeMap<String, String>| {
            r.object(
                |r, key| {
                    let value = string(r)?;
                    out.insert(key.into_owned(), value);
                    Ok(())
                },
                PathStyle::Key,
            )
            .map(|_| ())
        };
        match key {
            "namespaceSelector" => {
                let entries = objects(r, |r, key, e: &mut (String, BTreeMap<String, String>)| match key {
                    "name" => string(r).map(|v| e.0 = v),
                    "labels" => labels(r, &mut e.1),
                    _ => r.skip(),
                })?;
                self.selectors = entries;
                Ok(())
            }
            "namespaces" => {
                let entries = objects(r, |r, key, e: &mut (String, BTreeMap<String, String>)| match key {
                    "metadata" => r
                        .object(
                            |r, key| match key.as_ref() {
                                "name" => string(r).map(|v| e.0 = v),
                                "labels" => labels(r, &mut e.1),
                                _ => r.skip(),
                            },
                            PathStyle::Field,
                        )
                        .map(|_| ()),
                    _ => r.skip(),
                })?;
                self.namespaces = entries;
                Ok(())
            }
            "globalValues" => r
                .object(
                    |r, key| {
                        // A value that is not a string is no operation, as in Kyverno.
                        if key == "request.operation" && r.peek() == Some(b'"') {
                            self.operation = r.string()?.into_owned();
                            Ok(())
                        } else {
                            r.skip()
                        }
                    },
                    PathStyle::Key,
                )
                .map(|_| ()),
            _ => r.skip(),
        }
    }

    /// `globalValues["request.operation"]`: the operation of results without their own (empty
    /// when not given).
    pub fn operation(&self) -> &str {
        &self.operation
    }

    /// The namespaces' labels: `namespaceSelector` entries, then `namespaces`, a later entry for
    /// a name replacing an earlier one.
    pub fn namespace_labels(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        self.selectors.iter().chain(&self.namespaces).map(|(n, l)| (n.clone(), l.clone())).collect()
    }
}

/// The namespace Kyverno's CLI (`kyverno test`, `kyverno apply`) puts a resource read from a file
/// in: its `metadata.namespace`, or `default` when that is missing or empty, whatever the kind up
/// to 1.18; from 1.19, none for a cluster-scoped kind ([`crate::is_cluster_scoped`]).
pub(crate) fn resource_namespace<'r>(resource: &'r ObjectDocument<'_>, kyverno: KyvernoVersion) -> &'r str {
    let header = resource.header();
    let unset = header.namespace().is_none_or(str::is_empty);
    if unset
        && kyverno.keeps_cluster_scoped_out_of_default()
        && crate::is_cluster_scoped(header.api_version(), header.kind().unwrap_or(""))
    {
        return "";
    }
    crate::namespace_of(header.namespace(), crate::DEFAULT_NAMESPACE)
}

/// `apiVersion,kind,namespace,name`, the namespace as `kyverno` puts the resource in.
fn resource_key(resource: &ObjectDocument<'_>, kyverno: KyvernoVersion) -> String {
    let header = resource.header();
    format!(
        "{},{},{},{}",
        header.api_version().unwrap_or(""),
        resource.kind().unwrap_or(""),
        resource_namespace(resource, kyverno),
        resource.name().unwrap_or("")
    )
}

/// What a test runs on: the loaded policies (and those not loaded, with why), the resources, the
/// PolicyExceptions and the namespaces' labels.
#[derive(Debug, Clone, Copy)]
pub struct TestInputs<'a> {
    /// The policies.
    pub policies: &'a [KyvernoPolicy],
    /// Policies refused as invalid: their names and errors.
    pub invalid_policies: &'a [(String, String)],
    /// The resources, in the order read.
    pub resources: &'a [ObjectDocument<'a>],
    /// The PolicyExceptions.
    pub exceptions: &'a [PolicyException],
    /// Namespaces' labels, for `namespaceSelector`s.
    pub namespace_labels: &'a BTreeMap<String, BTreeMap<String, String>>,
    /// The test's `request.operation` (its values' `globalValues`), for results without an
    /// `operation`: `""` or `CREATE` (UPDATE and DELETE results are not evaluated).
    pub operation: &'a str,
    /// Rows of rules pss cannot evaluate are skipped, not failed.
    pub allow_unevaluated: bool,
    /// The Kyverno release whose CLI is run (the policies' and exceptions' own): where it puts a
    /// resource without a namespace (see [`KyvernoTest::run`]).
    pub kyverno: KyvernoVersion,
}

impl TestInputs<'_> {
    /// The line `kyverno test` prints before applying ([`test_applying_line`]): the policies
    /// (invalid ones included), the resources (repeats of one `apiVersion`, kind, namespace and
    /// name counted once) and the exceptions.
    pub fn applying_line(&self) -> String {
        let mut keys: Vec<String> = self.resources.iter().map(|r| resource_key(r, self.kyverno)).collect();
        keys.sort_unstable();
        keys.dedup();
        test_applying_line(self.policies.len() + self.invalid_policies.len(), keys.len(), self.exceptions.len())
    }
}

/// A row's outcome (Kyverno's `RESULT` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TestOutcome {
    /// The expectation holds.
    Pass,
    /// It does not.
    Fail,
    /// Not checked (an invalid policy; an unevaluated rule allowed).
    Skip,
}

impl TestOutcome {
    /// `Pass`, `Fail` or `Skip`, as Kyverno prints it.
    pub const fn as_str(self) -> &'static str {
        match self {
            TestOutcome::Pass => "Pass",
            TestOutcome::Fail => "Fail",
            TestOutcome::Skip => "Skip",
        }
    }
}

/// One row of Kyverno's result table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRow {
    policy: String,
    rule: String,
    resource: String,
    outcome: TestOutcome,
    reason: String,
    message: String,
    expected_skip: bool,
}

impl TestRow {
    /// The policy, as the test names it.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The rule.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// `apiVersion/kind/namespace/name`.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// Whether the expectation held.
    pub fn outcome(&self) -> TestOutcome {
        self.outcome
    }

    /// `Ok`, `Want pass, got fail`, `Excluded`, `Not found`, `Invalid Policy`, `Not evaluated`.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The rule's message.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// The rows of a test and their counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TestReport {
    rows: Vec<TestRow>,
    pass: usize,
    skip: usize,
    fail: usize,
}

impl TestReport {
    fn push(&mut self, row: TestRow) {
        match row.outcome {
            TestOutcome::Pass if row.expected_skip => self.skip += 1,
            TestOutcome::Pass => self.pass += 1,
            TestOutcome::Skip => self.skip += 1,
            TestOutcome::Fail => self.fail += 1,
        }
        self.rows.push(row);
    }

    /// The rows, in order (their IDs are their positions plus one).
    pub fn rows(&self) -> &[TestRow] {
        &self.rows
    }

    /// Rows whose expectation held (`Pass` rows, `Skip` rows included, as Kyverno counts them).
    pub fn passed(&self) -> usize {
        self.pass + self.skip
    }

    /// Rows whose expectation failed.
    pub fn failed(&self) -> usize {
        self.fail
    }

    /// Adds another test's counts (for the summary over several tests).
    pub fn add_counts(&mut self, other: &TestReport) {
        self.pass += other.pass;
        self.skip += other.skip;
        self.fail += other.fail;
    }

    /// Adds another test's failed rows (and their counts): `kyverno test --fail-only` prints the
    /// failed rows of every test in one table.
    pub fn add_failed_rows(&mut self, other: &TestReport) {
        for row in other.rows.iter().filter(|r| r.outcome == TestOutcome::Fail) {
            self.push(row.clone());
        }
    }

    /// Kyverno's table of the rows (without colours), rows numbered from 1; `detailed` adds the
    /// `MESSAGE` column.
    pub fn table(&self, detailed: bool) -> String {
        let mut headers: Vec<String> =
            ["id", "policy", "rule", "resource", "result", "reason"].iter().map(|h| (*h).to_owned()).collect();
        if detailed {
            headers.push("message".into());
        }
        if self.rows.len() > 10 {
            headers[0] = format!("id ({}) ", self.rows.len());
        }
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut row = vec![
                    (i + 1).to_string(),
                    r.policy.clone(),
                    r.rule.clone(),
                    r.resource.clone(),
                    r.outcome.as_str().to_owned(),
                    r.reason.clone(),
                ];
                if detailed {
                    row.push(r.message.clone());
                }
                row
            })
            .collect();
        render_table(&headers, &cells)
    }

    /// `Test Summary: N tests passed and M tests failed`.
    pub fn summary(&self) -> String {
        format!("Test Summary: {} tests passed and {} tests failed", self.passed(), self.failed())
    }
}

/// `kataras/tablewriter` as `kyverno test` configures it: borders all round, `│` and `─`, a line
/// under the headers, every column left-aligned, headers upper-cased.
fn render_table(headers: &[String], rows: &[Vec<String>]) -> String {
    let width = |s: &str| s.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(width(cell));
        }
    }
    let mut out = String::new();
    let line = |out: &mut String| {
        out.push('│');
        for w in &widths {
            out.push_str(&"─".repeat(w + 2));
            out.push('│');
        }
        out.push('\n');
    };
    let cells = |out: &mut String, cells: &[String]| {
        let lines: Vec<Vec<&str>> = cells.iter().map(|c| c.split('\n').collect()).collect();
        let height = lines.iter().map(Vec::len).max().unwrap_or(1);
        for x in 0..height {
            for (y, col) in lines.iter().enumerate() {
                let cell = col.get(x).copied().unwrap_or("");
                out.push('│');
                out.push(' ');
                out.push_str(cell);
                out.push_str(&" ".repeat(widths[y].saturating_sub(cell.chars().count())));
                out.push(' ');
            }
            out.push('│');
            out.push('\n');
        }
    };
    line(&mut out);
    let titles: Vec<String> = headers.iter().map(|h| title(h)).collect();
    cells(&mut out, &titles);
    line(&mut out);
    for row in rows {
        cells(&mut out, row);
    }
    line(&mut out);
    out
}

/// tablewriter's `Title`: `_` becomes a space, as does a `.` next to a letter; trimmed; upper case.
fn title(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let num_or_space = |c: char| c.is_ascii_digit() || c == ' ';
    let mapped: String = chars
        .iter()
        .enumerate()
        .map(|(i, &c)| match c {
            '_' => ' ',
            '.' if (i != 0 && !num_or_space(chars[i - 1])) || (i + 1 != chars.len() && !num_or_space(chars[i + 1])) => {
                ' '
            }
            c => c,
        })
        .collect();
    let trimmed = mapped.trim();
    if trimmed.is_empty() && !name.is_empty() {
        return " ".into();
    }
    trimmed.to_uppercase()
}

/// The line `kyverno test` prints before applying: `  Applying 1 policy to 2 resources with 0
/// exceptions ...`.
pub fn test_applying_line(policies: usize, resources: usize, exceptions: usize) -> String {
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    format!(
        "  Applying {policies} {} to {resources} {} with {exceptions} {} ...",
        plural(policies, "policy", "policies"),
        plural(resources, "resource", "resources"),
        plural(exceptions, "exception", "exceptions")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_tablewriters() {
        let rows = vec![vec![
            "1".to_owned(),
            "psa".into(),
            "baseline".into(),
            "v1/Pod/default/bad".into(),
            "Pass".into(),
            "Ok".into(),
        ]];
        let headers: Vec<String> =
            ["id", "policy", "rule", "resource", "result", "reason"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            render_table(&headers, &rows),
            "\
│────│────────│──────────│────────────────────│────────│────────│
│ ID │ POLICY │ RULE     │ RESOURCE           │ RESULT │ REASON │
│────│────────│──────────│────────────────────│────────│────────│
│ 1  │ psa    │ baseline │ v1/Pod/default/bad │ Pass   │ Ok     │
│────│────────│──────────│────────────────────│────────│────────│
"
        );
        assert_eq!(title("id (11) "), "ID (11)");
        assert_eq!(title("a_b.c"), "A B C");
        assert_eq!(test_applying_line(1, 2, 0), "  Applying 1 policy to 2 resources with 0 exceptions ...");
    }

    const POLICY: &str = r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "psa"},
      "spec": {"rules": [{"name": "baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
      "validate": {"failureAction": "Enforce", "podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#;

    fn pod(namespace: &str, name: &str, privileged: bool) -> String {
        format!(
            r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "{name}", "namespace": "{namespace}"}},
              "spec": {{"containers": [{{"name": "c", "securityContext": {{"privileged": {privileged}}}}}]}}}}"#
        )
    }

    fn run(test: &str, operation: &str, allow_unevaluated: bool) -> TestReport {
        let test = KyvernoTest::from_json_str(test).unwrap();
        let policies = [KyvernoPolicy::from_json_str(POLICY).unwrap()];
        let texts = [pod("a", "bad", true), pod("b", "bad", false), pod("a", "bad", true)];
        let resources: Vec<ObjectDocument<'_>> = texts.iter().map(|t| ObjectDocument::from_str(t).unwrap()).collect();
        let labels = BTreeMap::new();
        let inputs = TestInputs {
            policies: &policies,
            invalid_policies: &[],
            resources: &resources,
            exceptions: &[],
            namespace_labels: &labels,
            operation,
            allow_unevaluated,
            kyverno: KyvernoVersion::NEWEST,
        };
        assert_eq!(inputs.applying_line(), "  Applying 1 policy to 2 resources with 0 exceptions ...");
        test.run(&inputs)
    }

    /// Kyverno's CLI puts a resource without a namespace in `default`, a cluster-scoped one too up
    /// to 1.18 (`resource.go`'s `YamlToUnstructured`), not from 1.19.
    #[test]
    fn resources_without_a_namespace_are_in_default_as_the_release_puts_them() {
        let object = |text: &'static str| ObjectDocument::from_str(text).unwrap();
        let pod = object(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ""}}"#);
        let own = object(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"}}"#);
        let namespace = object(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}"#);
        let role = object(
            r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}"#,
        );
        let custom = object(r#"{"apiVersion": "example.com/v1", "kind": "Namespace", "metadata": {"name": "c"}}"#);
        let named = object(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}}"#);
        for version in [KyvernoVersion::V1_11, KyvernoVersion::V1_18, KyvernoVersion::V1_19] {
            let cluster = if version >= KyvernoVersion::V1_19 { "" } else { "default" };
            let placed: Vec<&str> =
                [&pod, &own, &namespace, &role, &custom, &named].map(|r| resource_namespace(r, version)).to_vec();
            assert_eq!(placed, ["default", "prod", cluster, cluster, "default", "x"], "{version}");
            assert_eq!(resource_key(&namespace, version), format!("v1,Namespace,{cluster},n"));
        }
    }

    #[test]
    fn resource_specs_select_by_api_version_namespace_and_name() {
        let report = run(
            r#"{"policies": ["p.yaml", "p.yaml"], "results": [{"policy": "psa", "rule": "baseline", "resources": [],
              "resourceSpecs": [{"version": "v1", "namespace": "a", "name": "bad"}], "kind": "Pod", "result": "fail"}]}"#,
            "",
            false,
        );
        let rows: Vec<(&str, TestOutcome)> = report.rows().iter().map(|r| (r.resource(), r.outcome())).collect();
        assert_eq!(rows, [("v1/Pod/a/bad", TestOutcome::Pass)]);
        // Without `resources`, Kyverno ignores resourceSpecs and checks every resource.
        let report = run(
            r#"{"results": [{"policy": "psa", "rule": "baseline",
              "resourceSpecs": [{"version": "v1", "namespace": "a", "name": "bad"}], "kind": "Pod", "result": "fail"}]}"#,
            "",
            false,
        );
        let rows: Vec<(&str, &str)> = report.rows().iter().map(|r| (r.resource(), r.reason())).collect();
        assert_eq!(rows, [("v1/Pod/a/bad", "Ok"), ("v1/Pod/b/bad", "Want fail, got pass")]);
    }

    #[test]
    fn update_and_delete_requests_are_not_evaluated() {
        let test = r#"{"results": [{"policy": "psa", "rule": "baseline", "resources": ["a/bad"], "kind": "Pod",
            "result": "fail", "operation": "UPDATE"}, {"policy": "psa", "rule": "baseline", "resources": ["a/bad"],
            "kind": "Pod", "result": "fail"}]}"#;
        let report = run(test, "", false);
        let rows: Vec<(&str, TestOutcome)> = report.rows().iter().map(|r| (r.reason(), r.outcome())).collect();
        assert_eq!(rows, [("Not evaluated (UPDATE request)", TestOutcome::Fail), ("Ok", TestOutcome::Pass)]);
        assert_eq!((report.passed(), report.failed()), (1, 1));
        let report = run(test, "DELETE", true);
        let rows: Vec<(&str, TestOutcome)> = report.rows().iter().map(|r| (r.reason(), r.outcome())).collect();
        assert_eq!(
            rows,
            [
                ("Not evaluated (UPDATE request)", TestOutcome::Skip),
                ("Not evaluated (DELETE request)", TestOutcome::Skip)
            ]
        );
        let mut failed = TestReport::default();
        failed.add_failed_rows(&run(test, "", false));
        assert_eq!(failed.rows().len(), 1);
        assert_eq!(failed.failed(), 1);
    }

    #[test]
    fn values_give_labels_and_the_operation() {
        let values = KyvernoValues::from_json_str(
            r#"{"globalValues": {"request.operation": "UPDATE", "x": 1},
              "namespaceSelector": [{"name": "a", "labels": {"env": "prod"}}, {"name": "b", "labels": {"env": "dev"}}],
              "namespaces": [{"metadata": {"name": "a", "labels": {"env": "lab"}}}]}"#,
        )
        .unwrap();
        assert_eq!(values.operation(), "UPDATE");
        let labels = values.namespace_labels();
        assert_eq!(labels["a"]["env"], "lab");
        assert_eq!(labels["b"]["env"], "dev");
        let not_a_string = KyvernoValues::from_json_str(r#"{"globalValues": {"request.operation": 3}}"#).unwrap();
        assert_eq!(not_a_string.operation(), "");
        let test = KyvernoTest::from_json_str(r#"{"policies": ["a", "b", "a"], "values": {"namespaceSelector": []}}"#)
            .unwrap();
        assert_eq!(test.policies(), ["a", "b"]);
        assert!(test.values().is_some());
    }
}
