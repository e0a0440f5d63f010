//! The loaded model: Kubernetes objects with identity, source and typed body.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::autoscaling::v2::{HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, Namespace, NamespaceSpec, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeClaimSpec, PersistentVolumeSpec, Pod, PodSpec, Secret, Service, ServiceAccount,
    ServiceSpec,
};
use k8s_openapi::api::networking::v1::{Ingress, IngressSpec, NetworkPolicy};
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use serde::{Serialize, Serializer};

/// Identity of an object: `Kind/namespace/name` (namespace empty when cluster-scoped).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectId {
    pub kind: String,
    /// `None` for cluster-scoped kinds.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectId {
    pub fn new(kind: &str, namespace: Option<&str>, name: &str) -> Self {
        ObjectId {
            kind: kind.to_string(),
            namespace: namespace.map(str::to_string),
            name: name.to_string(),
        }
    }

    /// Parses `Kind/namespace/name`; an empty namespace means cluster-scoped.
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '/');
        let kind = parts.next().filter(|k| !k.is_empty())?;
        let ns = parts.next()?;
        let name = parts.next().filter(|n| !n.is_empty())?;
        Some(ObjectId::new(kind, (!ns.is_empty()).then_some(ns), name))
    }

    /// The id of the synthetic node standing for the outside world.
    pub fn external() -> Self {
        ObjectId::new(EXTERNAL_KIND, None, EXTERNAL_NAME)
    }
}

pub const EXTERNAL_KIND: &str = "External";
pub const EXTERNAL_NAME: &str = "internet";
/// `External//internet`.
pub const EXTERNAL_ID: &str = "External//internet";

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{}/{}",
            self.kind,
            self.namespace.as_deref().unwrap_or(""),
            self.name
        )
    }
}

impl Serialize for ObjectId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Where a document came from.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SourceRef {
    pub path: String,
    /// 0-based index of the document in its file.
    pub doc_index: usize,
    /// 1-based line of the document start.
    pub line: usize,
}

/// The one table of the kinds the explorer decodes into k8s-openapi types: `Variant (kind) =>
/// apiVersion, type`, and for kinds with a status, `{ spec: SpecType, given | or_default }`
/// (see [`Decode`]). It generates [`Body`], [`TYPED_KINDS`] and the dispatch that decoding
/// ([`Body::decode`]), redaction and the bundle ([`Body::to_value`], [`Body::with_value`]) go
/// through. Adding a kind is one line here.
macro_rules! kinds {
    ($($variant:ident => $api:literal, $ty:ident $({ spec: $spec:ty, $take:ident })?;)*) => {
        $(decode_impl!($ty $(, $spec, $take)?);)*

        /// The typed body of an object. Unknown kinds stay generic YAML.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        pub enum Body {
            $($variant(Box<$ty>),)*
            Generic(serde_yaml::Value),
        }

        /// `(apiVersion, kind)` of every typed kind, in table order.
        pub const TYPED_KINDS: &[(&str, &str)] = &[$(($api, stringify!($variant)),)*];

        impl Body {
            /// Decodes a document's value with k8s-openapi's serde types (the one decoder, in
            /// the CLI and in the browser alike). A failure re-parses the document's `text` to
            /// find the offending line (1-based, inside `text`).
            pub fn decode(
                api_version: &str,
                kind: &str,
                value: serde_yaml::Value,
                text: &str,
            ) -> Result<Body, (Option<usize>, String)> {
                match (api_version, kind) {
                    $(($api, stringify!($variant)) => typed::<$ty>(value, text).map(|t| Body::$variant(Box::new(t))),)*
                    _ => Ok(Body::Generic(value)),
                }
            }

            /// The body as a YAML value (what the bundle writes).
            pub fn to_value(&self) -> Result<serde_yaml::Value, serde_yaml::Error> {
                match self {
                    $(Body::$variant(x) => serde_yaml::to_value(x),)*
                    Body::Generic(v) => Ok(v.clone()),
                }
            }

            /// A body of the same kind as `self`, decoded from `value` (after redaction).
            pub fn with_value(&self, value: serde_yaml::Value) -> Result<Body, serde_yaml::Error> {
                match self {
                    $(Body::$variant(_) => <$ty as Decode>::decode(value).map(|x| Body::$variant(Box::new(x))),)*
                    Body::Generic(_) => Ok(Body::Generic(value)),
                }
            }
        }
    };
}

/// How one typed kind is read from a document's value. The whole object for kinds without a
/// `status`; for the others, what the manifest declares (`metadata` and `spec`, with
/// k8s-openapi's own types and messages) and never the `status` block, which the cluster
/// writes and the explorer does not read. Leaving status out of the decoder keeps its ~50 types
/// (conditions, container states, load balancer and metric statuses) out of the wasm.
pub trait Decode: Sized {
    fn decode(value: serde_yaml::Value) -> Result<Self, serde_yaml::Error>;
}

/// `metadata` and `spec` of an object; other keys (apiVersion and kind, already dispatched on,
/// and status) are skipped, as k8s-openapi skips unknown keys.
#[derive(serde::Deserialize)]
struct Declared<S> {
    #[serde(default)]
    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    spec: Option<S>,
}

/// A kind's [`Decode`]: the whole object, or (with a spec type) metadata and spec only.
macro_rules! decode_impl {
    ($ty:ident) => {
        impl Decode for $ty {
            fn decode(value: serde_yaml::Value) -> Result<Self, serde_yaml::Error> {
                serde::Deserialize::deserialize(value)
            }
        }
    };
    ($ty:ident, $spec:ty, $take:ident) => {
        impl Decode for $ty {
            fn decode(value: serde_yaml::Value) -> Result<Self, serde_yaml::Error> {
                let d: Declared<$spec> = serde::Deserialize::deserialize(value)?;
                Ok($ty {
                    metadata: d.metadata,
                    spec: $take(d.spec),
                    status: None,
                })
            }
        }
    };
}

/// For kinds whose spec is optional in k8s-openapi.
fn given<S>(spec: Option<S>) -> Option<S> {
    spec
}

/// For kinds whose spec is required in k8s-openapi (absent: the default, as k8s-openapi does).
fn or_default<S: Default>(spec: Option<S>) -> S {
    spec.unwrap_or_default()
}

kinds! {
    Namespace => "v1", Namespace { spec: NamespaceSpec, given };
    Pod => "v1", Pod { spec: PodSpec, given };
    Service => "v1", Service { spec: ServiceSpec, given };
    ConfigMap => "v1", ConfigMap;
    Secret => "v1", Secret;
    PersistentVolume => "v1", PersistentVolume { spec: PersistentVolumeSpec, given };
    PersistentVolumeClaim => "v1", PersistentVolumeClaim { spec: PersistentVolumeClaimSpec, given };
    ServiceAccount => "v1", ServiceAccount;
    Deployment => "apps/v1", Deployment { spec: DeploymentSpec, or_default };
    StatefulSet => "apps/v1", StatefulSet { spec: StatefulSetSpec, or_default };
    DaemonSet => "apps/v1", DaemonSet { spec: DaemonSetSpec, or_default };
    Job => "batch/v1", Job { spec: JobSpec, given };
    CronJob => "batch/v1", CronJob { spec: CronJobSpec, or_default };
    Ingress => "networking.k8s.io/v1", Ingress { spec: IngressSpec, given };
    NetworkPolicy => "networking.k8s.io/v1", NetworkPolicy;
    Role => "rbac.authorization.k8s.io/v1", Role;
    ClusterRole => "rbac.authorization.k8s.io/v1", ClusterRole;
    RoleBinding => "rbac.authorization.k8s.io/v1", RoleBinding;
    ClusterRoleBinding => "rbac.authorization.k8s.io/v1", ClusterRoleBinding;
    HorizontalPodAutoscaler => "autoscaling/v2", HorizontalPodAutoscaler { spec: HorizontalPodAutoscalerSpec, or_default };
}

fn typed<T: Decode>(value: serde_yaml::Value, text: &str) -> Result<T, (Option<usize>, String)> {
    // One decode per kind, plain serde_yaml (see `decode` for why the failing field is found
    // afterwards); the line is found from that path in the text, by code shared by all kinds.
    T::decode(value).map_err(|e| {
        failed(e.to_string(), text, &|v| {
            T::decode(v).err().map(|e| e.to_string())
        })
    })
}

/// The line and message of a failed decode: the document again (only on error), searched for
/// the offending value, else narrowed by decoding again with `retry`.
fn failed(
    inner: String,
    text: &str,
    retry: &dyn Fn(serde_yaml::Value) -> Option<String>,
) -> (Option<usize>, String) {
    let budget = text.len().saturating_mul(4).saturating_add(1000);
    let path = crate::yaml::parse_value(text, budget)
        .ok()
        .and_then(|d| {
            crate::decode::locate(&d, &inner)
                .or_else(|| crate::decode::narrow(d, text.len(), &inner, retry))
        })
        .unwrap_or_default();
    let line = line_of_path(text, &path);
    let message = if path.is_empty() || path == "." {
        inner
    } else {
        format!("{path}: {inner}")
    };
    (line, message)
}

/// The 1-based line in `text` of the field at `path` (`spec.template.spec.containers[1].image`):
/// each key is looked for after the line of the one before it, and an index `[n]` moves to the
/// n-th entry of the block sequence that follows. `None` when a key is not found (flow style,
/// quoted keys): the error then points at the document. Linear in the text.
fn line_of_path(text: &str, path: &str) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut at = 0usize;
    let mut found = None;
    for seg in path.split('.') {
        let mut parts = seg.split('[');
        let key = parts.next().unwrap_or_default();
        if !key.is_empty() {
            let needle = format!("{key}:");
            let i = (at..lines.len()).find(|&i| {
                let t = lines[i].trim_start().trim_start_matches("- ");
                t.starts_with(&needle)
                    || lines[i].contains(&format!(" {needle}"))
                    || lines[i].contains(&format!("{{{needle}"))
            })?;
            at = i;
            found = Some(i + 1);
        }
        for index in parts {
            let n: usize = index.trim_end_matches(']').parse().ok()?;
            let first = (at + 1..lines.len()).find(|&i| lines[i].trim_start().starts_with('-'))?;
            let col = indent(lines[first]);
            let mut seen = 0;
            let mut i = first;
            loop {
                let l = lines.get(i)?;
                let t = l.trim_start();
                if !t.is_empty() && !t.starts_with('#') {
                    if indent(l) < col {
                        return found;
                    }
                    if indent(l) == col && t.starts_with('-') {
                        if seen == n {
                            break;
                        }
                        seen += 1;
                    }
                }
                i += 1;
            }
            // The entry's own line holds its first key; search from there.
            at = i;
            found = Some(i + 1);
        }
    }
    found
}

/// One loaded Kubernetes object.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Object {
    pub id: ObjectId,
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub source: SourceRef,
    pub body: Body,
}

/// A borrowed view of the pod template of a workload (or of a bare Pod).
#[derive(Clone, Copy, Debug)]
pub struct PodView<'a> {
    pub labels: Option<&'a BTreeMap<String, String>>,
    pub annotations: Option<&'a BTreeMap<String, String>>,
    pub spec: &'a PodSpec,
}

impl<'a> PodView<'a> {
    /// Init containers, then containers.
    pub fn all_containers(
        &self,
    ) -> impl Iterator<Item = &'a k8s_openapi::api::core::v1::Container> + 'a {
        let spec = self.spec;
        spec.init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter())
    }
}

/// Kinds that run pods.
pub const WORKLOAD_KINDS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Pod",
];

impl Object {
    pub fn is_workload(&self) -> bool {
        WORKLOAD_KINDS.contains(&self.kind.as_str())
    }

    /// The pod template (labels + spec) of a workload or Pod.
    pub fn pod(&self) -> Option<PodView<'_>> {
        fn tmpl(t: &k8s_openapi::api::core::v1::PodTemplateSpec) -> Option<PodView<'_>> {
            Some(PodView {
                labels: t.metadata.as_ref().and_then(|m| m.labels.as_ref()),
                annotations: t.metadata.as_ref().and_then(|m| m.annotations.as_ref()),
                spec: t.spec.as_ref()?,
            })
        }
        match &self.body {
            Body::Deployment(d) => tmpl(&d.spec.template),
            Body::StatefulSet(s) => tmpl(&s.spec.template),
            Body::DaemonSet(d) => tmpl(&d.spec.template),
            Body::Job(j) => tmpl(&j.spec.as_ref()?.template),
            Body::CronJob(c) => tmpl(&c.spec.job_template.spec.as_ref()?.template),
            Body::Pod(p) => Some(PodView {
                labels: Some(&self.labels),
                annotations: Some(&self.annotations),
                spec: p.spec.as_ref()?,
            }),
            _ => None,
        }
    }

    /// The images of the pod's app containers (not init containers), in order.
    pub fn images(&self) -> Vec<String> {
        self.pod()
            .map(|p| {
                p.spec
                    .containers
                    .iter()
                    .filter_map(|c| c.image.clone())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Declared replicas: Deployment/StatefulSet (default 1), Job parallelism, 1 for the rest.
    pub fn replicas(&self) -> Option<u32> {
        let clamp = |n: Option<i32>| n.unwrap_or(1).max(0) as u32;
        match &self.body {
            Body::Deployment(d) => Some(clamp(d.spec.replicas)),
            Body::StatefulSet(s) => Some(clamp(s.spec.replicas)),
            Body::DaemonSet(_) | Body::Pod(_) => Some(1),
            Body::Job(j) => Some(job_pods(j.spec.as_ref())),
            Body::CronJob(c) => Some(job_pods(c.spec.job_template.spec.as_ref())),
            _ => None,
        }
    }

    /// String data of a ConfigMap or Secret (Secret `data` decoded lossily as UTF-8).
    pub fn string_data(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        match &self.body {
            Body::ConfigMap(cm) => {
                for (k, v) in cm.data.iter().flatten() {
                    out.insert(k.clone(), v.clone());
                }
            }
            Body::Secret(s) => {
                for (k, v) in s.data.iter().flatten() {
                    out.insert(k.clone(), String::from_utf8_lossy(&v.0).into_owned());
                }
                for (k, v) in s.string_data.iter().flatten() {
                    out.insert(k.clone(), v.clone());
                }
            }
            _ => {}
        }
        out
    }
}

impl Body {
    /// Mutable pod spec of a workload body.
    pub fn pod_spec_mut(&mut self) -> Option<&mut PodSpec> {
        match self {
            Body::Deployment(d) => d.spec.template.spec.as_mut(),
            Body::StatefulSet(s) => s.spec.template.spec.as_mut(),
            Body::DaemonSet(d) => d.spec.template.spec.as_mut(),
            Body::Job(j) => j.spec.as_mut()?.template.spec.as_mut(),
            Body::CronJob(c) => c.spec.job_template.spec.as_mut()?.template.spec.as_mut(),
            Body::Pod(p) => p.spec.as_mut(),
            _ => None,
        }
    }
}

fn job_pods(spec: Option<&k8s_openapi::api::batch::v1::JobSpec>) -> u32 {
    let Some(spec) = spec else { return 1 };
    let parallelism = spec.parallelism.unwrap_or(1).max(0) as u32;
    match spec.completions {
        Some(c) if c >= 0 => parallelism.min(c as u32),
        _ => parallelism,
    }
}

/// A host port published by k3d (`ports: - port: "8889:80"`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HostPort {
    pub host: u16,
    pub container: u16,
    /// Node filters joined with `,` (e.g. `loadbalancer`).
    pub node_filter: String,
    /// The k3d config file it is declared in.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
}

/// The order a set's files are applied in: the manifest files a deploy script names (in the
/// order it names them), else a kustomization's `resources`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ApplyOrder {
    /// The script or kustomization the order comes from.
    pub source: String,
    /// The directory the order's paths are relative to (`k8s`), empty for the current one.
    pub base: String,
    /// Loaded file paths, in apply order, each once.
    pub files: Vec<String>,
}

impl ApplyOrder {
    /// The path of `file` relative to [`ApplyOrder::base`].
    pub fn relative<'a>(&self, file: &'a str) -> &'a str {
        if self.base.is_empty() {
            return file;
        }
        file.strip_prefix(self.base.as_str())
            .and_then(|r| r.strip_prefix('/'))
            .unwrap_or(file)
    }
}

/// A document that could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LoadError {
    pub path: String,
    pub doc_index: usize,
    /// 1-based line (0 when the error concerns the whole input).
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{} (document {}): {}", // documents count from 1 for people
            self.path,
            self.line,
            self.doc_index + 1,
            self.message
        )
    }
}

/// Everything loaded from a set of sources, objects sorted by id.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Model {
    pub objects: Vec<Object>,
    pub host_ports: Vec<HostPort>,
    /// The order the files are applied in, when a deploy script or a kustomization says.
    pub apply_order: Option<ApplyOrder>,
    pub errors: Vec<LoadError>,
}

impl Model {
    /// Looks an object up by id (objects are sorted by id).
    pub fn get(&self, id: &ObjectId) -> Option<&Object> {
        self.objects
            .binary_search_by(|o| o.id.cmp(id))
            .ok()
            .map(|i| &self.objects[i])
    }

    /// Looks an object up by its `Kind/namespace/name` string.
    pub fn get_str(&self, id: &str) -> Option<&Object> {
        self.get(&ObjectId::parse(id)?)
    }

    pub fn of_kind<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Object> + 'a {
        self.objects.iter().filter(move |o| o.kind == kind)
    }

    pub fn workloads(&self) -> impl Iterator<Item = &Object> {
        self.objects.iter().filter(|o| o.is_workload())
    }

    /// What the system is called, for titles: the most common
    /// `app.kubernetes.io/part-of` label; failing that, the most common
    /// namespace other than `default`; failing that, none. Ties go to the
    /// name that sorts first.
    pub fn system_name(&self) -> Option<String> {
        fn most_common<'a>(names: impl Iterator<Item = &'a str>) -> Option<String> {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for n in names.filter(|n| !n.trim().is_empty()) {
                *counts.entry(n).or_default() += 1;
            }
            // max_by_key keeps the last maximum; iterate in reverse for the first name.
            counts
                .into_iter()
                .rev()
                .max_by_key(|(_, c)| *c)
                .map(|(n, _)| n.to_string())
        }
        most_common(
            self.objects
                .iter()
                .filter_map(|o| o.labels.get(PART_OF_LABEL).map(String::as_str)),
        )
        .or_else(|| {
            most_common(
                self.objects
                    .iter()
                    .filter_map(|o| o.namespace.as_deref())
                    .filter(|ns| *ns != "default"),
            )
        })
    }
}

/// The recommended label naming the application an object is part of.
pub const PART_OF_LABEL: &str = "app.kubernetes.io/part-of";

/// Kinds that never have a namespace.
pub const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "Namespace",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "CustomResourceDefinition",
    "Node",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "CSIDriver",
    "CSINode",
    "VolumeSnapshotClass",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "ClusterIssuer",
    "PodSecurityPolicy",
];

pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED_KINDS.contains(&kind)
}

#[cfg(test)]
mod system_name_tests {
    use super::*;

    fn obj(ns: Option<&str>, name: &str, part_of: Option<&str>) -> Object {
        let mut labels = BTreeMap::new();
        if let Some(p) = part_of {
            labels.insert(PART_OF_LABEL.to_string(), p.to_string());
        }
        Object {
            id: ObjectId::new("ConfigMap", ns, name),
            api_version: "v1".into(),
            kind: "ConfigMap".into(),
            namespace: ns.map(str::to_string),
            name: name.into(),
            labels,
            annotations: BTreeMap::new(),
            source: SourceRef {
                path: "x.yaml".into(),
                doc_index: 0,
                line: 1,
            },
            body: Body::Generic(serde_yaml::Value::Null),
        }
    }

    #[test]
    fn part_of_label_then_namespace_then_none() {
        let mut m = Model::default();
        assert_eq!(m.system_name(), None);
        m.objects.push(obj(Some("default"), "a", None));
        assert_eq!(m.system_name(), None, "default says nothing");
        m.objects.push(obj(Some("shop"), "b", None));
        assert_eq!(m.system_name().as_deref(), Some("shop"));
        m.objects.push(obj(Some("shop"), "c", Some("zeta")));
        m.objects.push(obj(Some("shop"), "d", Some("alpha")));
        assert_eq!(
            m.system_name().as_deref(),
            Some("alpha"),
            "a tie goes to the first name"
        );
        m.objects.push(obj(Some("shop"), "e", Some("zeta")));
        assert_eq!(m.system_name().as_deref(), Some("zeta"));
    }
}
