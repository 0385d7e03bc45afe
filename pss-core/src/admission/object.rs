//! One object of a set of manifests, as `pss check` and `@pss/wasm`'s `checkManifest` review it.

use super::{namespace_of, Admission, Decision, DeclaredNamespaces, NamespaceReview};
use crate::workload::{ObjectClass, ObjectDocument, WorkloadKind};

/// What PodSecurity admission says of one object of a set of manifests applied in order
/// (`kubectl apply -f`): see [`Admission::review_object`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum ObjectReview {
    /// A Pod or pod controller, decided in its namespace (its own `metadata.namespace`, else the
    /// default one) with the policy of that namespace's declared labels.
    Workload {
        /// Its kind.
        kind: WorkloadKind,
        /// The decision; for a controller, [`Decision::pods_denial`] and
        /// [`Decision::pods_violations`] say what the pods it creates would meet, and
        /// [`Decision::label_errors`] what is wrong with the namespace's labels.
        decision: Box<Decision>,
    },
    /// A Namespace, reviewed as its creation with its own labels.
    Namespace(Box<NamespaceReview>),
    /// A List that is not an item of a List: each of its items is an object to review on its own.
    List,
    /// Not reviewed, and never counted as allowed: an object of another kind, one without a
    /// `kind`, a List inside a List, or a workload kind PodSecurity does not look at. Its
    /// [`ObjectClass`](crate::ObjectClass) says which.
    Skipped,
}

impl Admission {
    /// Reviews one object of a set of manifests as the API server would once they are applied in
    /// order: a Pod or pod controller in its namespace (its `metadata.namespace`, else
    /// `default_namespace`), with the labels `namespaces` declares for it, requested by `username`
    /// (empty when unknown); a Namespace as its creation. A List read as an item of a List
    /// (`in_list`) is not expanded again. Decoding errors are the caller's: `object` is decoded.
    ///
    /// ```
    /// use pss_core::admission::{Admission, DeclaredNamespaces, ObjectReview};
    /// use pss_core::{ObjectDocument, ObjectHeader};
    ///
    /// let mut namespaces = DeclaredNamespaces::new();
    /// namespaces.record(&ObjectHeader::from_str(r#"{"apiVersion": "v1", "kind": "Namespace",
    ///   "metadata": {"name": "prod", "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}"#)?);
    /// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod",
    ///   "metadata": {"name": "web", "namespace": "prod"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}"#)?;
    /// let admission = Admission::default();
    /// let ObjectReview::Workload { decision, .. } = admission.review_object(&pod, &namespaces, "default", "", false) else {
    ///     panic!("a pod is a workload");
    /// };
    /// assert!(decision.denial().unwrap().starts_with(r#"pods "web" is forbidden: violates PodSecurity "restricted:latest""#));
    ///
    /// let config = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}"#)?;
    /// assert!(matches!(admission.review_object(&config, &namespaces, "default", "", false), ObjectReview::Skipped));
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn review_object(
        &self,
        object: &ObjectDocument<'_>,
        namespaces: &DeclaredNamespaces,
        default_namespace: &str,
        username: &str,
        in_list: bool,
    ) -> ObjectReview {
        match object.header().class() {
            ObjectClass::Workload(kind) => {
                let namespace = namespace_of(object.namespace(), default_namespace);
                let labels = namespaces.labels(namespace).iter().map(|(k, v)| (k.as_str(), v.as_str()));
                let name = object.name().unwrap_or("");
                match self.review(object, name, namespace, labels, username) {
                    Ok(decision) => ObjectReview::Workload { kind, decision: Box::new(decision) },
                    Err(_) => ObjectReview::Skipped,
                }
            }
            ObjectClass::Namespace => {
                let header = object.header();
                let name = header.name().unwrap_or("");
                let review = self.review_namespace(name, None::<[(&str, &str); 0]>, header.labels(), &[]);
                ObjectReview::Namespace(Box::new(review))
            }
            ObjectClass::List if !in_list => ObjectReview::List,
            _ => ObjectReview::Skipped,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admission::AdmissionConfig;
    use crate::ObjectHeader;

    fn object(json: &str) -> ObjectDocument<'_> {
        ObjectDocument::from_str(json).unwrap()
    }

    #[test]
    fn each_class_gets_its_review() {
        let mut namespaces = DeclaredNamespaces::new();
        let ns = r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod",
            "labels": {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "bogus"}}}"#;
        namespaces.record(&ObjectHeader::from_str(ns).unwrap());
        let admission = Admission::default();
        let review = |json: &str, default: &str, in_list| {
            admission.review_object(&object(json), &namespaces, default, "", in_list)
        };

        // A privileged pod with no namespace: in the default one given, here `prod`, which enforces baseline.
        let pod = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "i"}]}}"#;
        let ObjectReview::Workload { kind, decision } = review(pod, "prod", false) else { panic!() };
        assert_eq!(kind, WorkloadKind::Pod);
        assert!(decision.denial().unwrap().contains(r#"violates PodSecurity "baseline:latest": host namespaces"#));
        assert_eq!(decision.label_errors().len(), 1, "{:?}", decision.label_errors());
        // The same pod in a namespace nothing declares: the defaults (privileged) allow it.
        let ObjectReview::Workload { decision, .. } = review(pod, "dev", false) else { panic!() };
        assert!(decision.allowed() && decision.label_errors().is_empty());

        // A Deployment is never denied; the pods it creates would be.
        let deployment = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "prod"},
            "spec": {"template": {"spec": {"hostPID": true, "containers": [{"name": "c", "image": "i"}]}}}}"#;
        let ObjectReview::Workload { kind, decision, .. } = review(deployment, "default", false) else { panic!() };
        assert_eq!(kind, WorkloadKind::Deployment);
        assert!(decision.allowed());
        assert!(decision.pods_denial().unwrap().starts_with(r#"deployments "d" (pods it creates would be denied)"#));

        // A Namespace is reviewed as its creation: its invalid label denies it.
        let ObjectReview::Namespace(ns_review) = review(ns, "default", false) else { panic!() };
        assert!(!ns_review.allowed() && ns_review.invalid().is_some() && ns_review.errors().len() == 1);

        let list = r#"{"apiVersion": "v1", "kind": "List", "items": []}"#;
        assert!(matches!(review(list, "default", false), ObjectReview::List));
        assert!(matches!(review(list, "default", true), ObjectReview::Skipped));
        for other in
            [r#"{"apiVersion": "v1", "kind": "ConfigMap"}"#, r#"{"apiVersion": "v1", "metadata": {"name": "x"}}"#]
        {
            assert!(matches!(review(other, "default", false), ObjectReview::Skipped), "{other}");
        }
    }

    #[test]
    fn an_object_that_needs_only_its_header_reviews_as_its_header_members_alone() {
        let mut namespaces = DeclaredNamespaces::new();
        let prod = r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod",
            "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}"#;
        namespaces.record(&ObjectHeader::from_str(prod).unwrap());
        let admission = Admission::default();
        let objects = [
            // Namespaces, with an invalid label, and with members a header does not read.
            r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n",
                "labels": {"pod-security.kubernetes.io/enforce": "bogus"}}, "spec": {"finalizers": ["kubernetes"]},
                "status": {"phase": "Active"}}"#,
            r#"{"spec": {}, "kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "prod"}}"#,
            // Other kinds, and no kind, whatever their other members hold.
            r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"spec": "x"}}"#,
            r#"{"apiVersion": "apps/v1", "kind": "Namespace", "spec": {"template": {"spec": {"hostPID": true}}}}"#,
            r#"{"metadata": {"name": "x"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}"#,
            r#"{"apiVersion": "example.com/v1", "kind": "PodLike", "template": {"spec": {"hostNetwork": true}}}"#,
            // Classes that need more: a pod, a controller, a List.
            r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"namespace": "prod"}, "spec": {"hostPID": true}}"#,
            r#"{"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {}}}}}"#,
            r#"{"apiVersion": "v1", "kind": "PodList", "items": [{"apiVersion": "v1", "kind": "Pod"}]}"#,
        ];
        let mut needed = 0;
        for text in objects {
            let whole: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).unwrap();
            let header: serde_json::Map<String, serde_json::Value> =
                whole.into_iter().filter(|(key, _)| ObjectHeader::MEMBERS.contains(&key.as_str())).collect();
            let header = serde_json::to_string(&header).unwrap();
            let header_object = object(&header);
            if header_object.header().class().needs_more_than_header() {
                needed += 1;
                continue;
            }
            for in_list in [false, true] {
                let review = |obj: &ObjectDocument<'_>| {
                    format!("{:?}", admission.review_object(obj, &namespaces, "prod", "", in_list))
                };
                assert_eq!(review(&header_object), review(&object(text)), "{text}");
            }
        }
        assert_eq!(needed, 3);
    }

    #[test]
    fn exemptions_and_the_user_apply() {
        let config = AdmissionConfig::from_json_str(
            r#"{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
                "defaults": {"enforce": "restricted"}, "exemptions": {"usernames": ["admin"], "namespaces": ["kube-system"]}}"#,
        )
        .unwrap();
        let admission = Admission::new(config);
        let namespaces = DeclaredNamespaces::new();
        let pod = object(
            r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}"#,
        );
        let decide = |default: &str, user: &str| match admission.review_object(&pod, &namespaces, default, user, false)
        {
            ObjectReview::Workload { decision, .. } => decision,
            other => panic!("{other:?}"),
        };
        assert!(!decide("default", "").allowed());
        assert_eq!(decide("default", "admin").exemption(), Some(crate::admission::Exemption::User));
        assert_eq!(decide("kube-system", "").exemption(), Some(crate::admission::Exemption::Namespace));
    }
}
