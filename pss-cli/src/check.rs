//! `pss check`: every Pod and pod controller read is reviewed as PodSecurity admission would review
//! it in its namespace, Namespace objects as namespace creations; the rest is skipped and counted.

use std::io::Write;

use pss_core::{evaluate_object, Evaluation, Exemption, ObjectDocument, Violation, WorkloadKind};

use crate::documents::{Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::namespaces::Namespaces;
use crate::objects::{classify, namespace_of, Class};
use crate::report::{Loc, NamespaceOutcome, Outcome, Report, Summary};

/// Reviews the objects of every source and reports them.
#[derive(Debug)]
pub struct Checker<W, E> {
    namespaces: Namespaces,
    username: String,
    report: Report<W, E>,
    summary: Summary,
}

impl<W: Write, E: Write> Checker<W, E> {
    /// A checker with what is known of namespaces, the requesting user (empty when unknown), and
    /// where to report.
    pub fn new(namespaces: Namespaces, username: String, report: Report<W, E>) -> Self {
        Checker { namespaces, username, report, summary: Summary::default() }
    }

    /// Starts the output.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self) -> Result<(), OutputError> {
        Ok(self.report.begin()?)
    }

    /// Writes the summary and returns the counts.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(mut self) -> Result<Summary, OutputError> {
        self.report.finish(&self.summary)?;
        Ok(self.summary)
    }

    /// Reviews a pod or pod controller in its namespace.
    fn workload(&mut self, obj: &ObjectDocument<'_>, kind: WorkloadKind, at: &Loc<'_>) -> Result<(), OutputError> {
        let name = obj.name().unwrap_or("");
        let namespace = namespace_of(obj.namespace(), self.namespaces.default_namespace());
        let labels = self.namespaces.labels(namespace);
        let pairs = || labels.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let admission = self.namespaces.admission();
        let Ok(decision) = admission.review(obj, name, namespace, pairs(), &self.username) else {
            // Only objects that are not pod controllers have no decision; `kind` says it is one.
            self.summary.skipped += 1;
            return Ok(self.report.skipped(at, obj.kind(), obj.name())?);
        };
        // Admission never denies a controller; the pods it creates are what would be denied. They
        // are created by the controller, so the exemption of the user who creates the controller
        // does not cover them; the namespace's and the runtime class's do.
        let created: Option<Evaluation> = if kind == WorkloadKind::Pod {
            None
        } else {
            let pods_exempt = match decision.exemption() {
                None => false,
                Some(Exemption::User) => admission
                    .review(obj, name, namespace, pairs(), "")
                    .is_ok_and(|without_user| without_user.exemption().is_some()),
                Some(_) => true,
            };
            if pods_exempt {
                None
            } else {
                // A ReplicationController without a template creates no pods: allowed, as upstream.
                evaluate_object(decision.policy().enforce, obj).ok()
            }
        };
        let controller_denial = created.as_ref().and_then(|e| controller_denial(kind, name, e));
        let (denial, violations): (Option<&str>, &[Violation]) = match &created {
            _ if kind == WorkloadKind::Pod => {
                (decision.denial(), decision.enforce().map_or(&[][..], Evaluation::violations))
            }
            Some(created) => (controller_denial.as_deref(), created.violations()),
            None => (None, &[][..]),
        };

        if kind == WorkloadKind::Pod {
            self.summary.pods += 1;
        } else {
            self.summary.controllers += 1;
        }
        if denial.is_some() {
            self.summary.denied += 1;
        } else {
            self.summary.allowed += 1;
        }
        if !decision.warnings().is_empty() {
            self.summary.warned += 1;
        }
        if decision.exemption().is_some() {
            self.summary.exempt += 1;
        }
        let outcome =
            Outcome { kind, name: obj.name(), namespace: obj.namespace(), decision: &decision, denial, violations };
        Ok(self.report.workload(at, &outcome)?)
    }

    /// Reviews a Namespace object as a namespace creation: invalid PodSecurity labels are denied,
    /// an exempt namespace with a policy gets upstream's warning.
    fn namespace(&mut self, obj: &ObjectDocument<'_>, at: &Loc<'_>) -> Result<(), OutputError> {
        let name = obj.name().unwrap_or("");
        let admission = self.namespaces.admission();
        let review = admission.review_namespace(name, None::<[(&str, &str); 0]>, obj.header().labels(), &[]);
        let exempt = !name.is_empty() && admission.config().exemptions().namespaces.iter().any(|n| n == name);
        self.summary.namespaces += 1;
        if review.allowed() {
            self.summary.allowed += 1;
        } else {
            self.summary.denied += 1;
        }
        if !review.warnings().is_empty() {
            self.summary.warned += 1;
        }
        Ok(self.report.namespace(at, &NamespaceOutcome { name, review: &review, exempt })?)
    }
}

/// What `pss` says of a controller whose pods would be denied, in the words of the API server's
/// denial of such a pod: `deployments "web" (pods it creates would be denied): violates
/// PodSecurity "baseline:latest": ...`. `None` when they would be allowed.
pub fn controller_denial(kind: WorkloadKind, name: &str, created: &Evaluation) -> Option<String> {
    // The pod's message quotes the name as Go does; take the quoted name from it.
    let pod_message = created.admission_message(name)?;
    let tail = format!("violates PodSecurity \"{}\": {}", created.level_version(), created.forbidden_detail());
    let quoted = pod_message
        .strip_prefix("pods")
        .and_then(|m| m.strip_suffix(tail.as_str()))
        .and_then(|m| m.strip_suffix("is forbidden: "))
        .map_or_else(|| format!("{name:?}"), |m| m.trim().to_owned());
    let resource = kind.resource();
    Some(if quoted.is_empty() {
        format!("{resource} (pods it creates would be denied): {tail}")
    } else {
        format!("{resource} {quoted} (pods it creates would be denied): {tail}")
    })
}

impl<W: Write, E: Write> Visitor for Checker<W, E> {
    fn source(&mut self) {
        self.summary.sources += 1;
    }

    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        let obj = match ObjectDocument::from_slice(text) {
            Ok(obj) => obj,
            Err(error) => {
                self.input_error(&InputError::Document { at: at.place(), error, origin })?;
                return Ok(Visit::Done);
            }
        };
        match classify(obj.header().api_version(), obj.kind()) {
            Class::Workload(kind) => self.workload(&obj, kind, at)?,
            Class::Namespace => self.namespace(&obj, at)?,
            Class::List if !in_list => return Ok(Visit::List),
            Class::List | Class::Other => {
                self.summary.skipped += 1;
                self.report.skipped(at, obj.kind(), obj.name())?;
            }
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.summary.errors += 1;
        Ok(self.report.input_error(error)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pss_core::LevelVersion;

    fn deployment(name: &str) -> String {
        format!(
            r#"{{"apiVersion":"apps/v1","kind":"Deployment","metadata":{{"name":{name:?}}},
               "spec":{{"template":{{"spec":{{"hostNetwork":true,"containers":[{{"name":"c"}}]}}}}}}}}"#
        )
    }

    #[test]
    fn controller_denials_quote_names_as_go_does() {
        let lv = LevelVersion::default();
        let text = deployment("web");
        let obj = ObjectDocument::from_str(&text).unwrap();
        let e = evaluate_object(lv, &obj).unwrap();
        assert_eq!(
            controller_denial(WorkloadKind::Deployment, "web", &e).unwrap(),
            r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
        );
        assert_eq!(
            controller_denial(WorkloadKind::Job, "", &e).unwrap(),
            r#"jobs (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
        );
        // Go's %q: a tab is \t, an ASCII control character \x.., a non-printable rune \u.....
        assert_eq!(
            controller_denial(WorkloadKind::CronJob, "a\tb\u{1}\u{200b}", &e).unwrap(),
            "cronjobs \"a\\tb\\x01\\u200b\" (pods it creates would be denied): violates PodSecurity \
             \"baseline:latest\": host namespaces (hostNetwork=true)"
        );
        let allowed = evaluate_object("privileged:latest".parse().unwrap(), &obj).unwrap();
        assert_eq!(controller_denial(WorkloadKind::Deployment, "web", &allowed), None);
    }
}
