//! The lean decoder: builds the k8s-openapi bodies of [`Body`] by walking the parsed
//! [`Value`] by hand, filling only the fields the explorer reads and leaving the rest at
//! their defaults.
//!
//! Why it exists: wasm size. serde `Deserialize` of the full k8s-openapi structs (every
//! field of every nested type, plus `jiff` for timestamps) measured about 180 KiB of the
//! SPA's gzipped wasm. The SPA builds the core without the `full-decode` feature and loads
//! through this module only; the CLI keeps the full serde decode (its `bundle` re-serialises
//! whole bodies).
//!
//! The two decoders must agree on everything the explorer derives. `tests/decoders.rs` loads
//! every corpus (k8s/, the shared fixtures, the benchmark's synthetic apps and
//! `tests/fixtures/kitchen-sink.yaml`, which uses every field listed here) with both and
//! compares errors, graph, details of every node, resources and the diagram. A field the
//! core starts reading must be added to the table below and used in the kitchen sink; until
//! it is, that test is blind to it.
//!
//! Strictness follows k8s-openapi 0.29 over `serde_yaml::from_value`, for the fields read:
//! - a wrong type is an error naming the path (`spec.template.spec.containers[0].ports[1].
//!   containerPort: expected an integer, found a string`), and the loader reports the line
//!   of the offending node;
//! - an absent or `null` field is `None`, or the type's default for a required field
//!   (k8s-openapi 0.29 decodes required fields as `Option` and then `unwrap_or_default()`,
//!   so a missing required field is not an error there either);
//! - `null` where a struct, list or map is expected (a list element, say) is the empty
//!   value, where a string, number or bool is expected it is an error;
//! - YAML tags (`!foo x`) are looked through, except for `Quantity` and `IntOrString`,
//!   which serde reads with `deserialize_any` and so reject a tagged value;
//! - struct mappings must have string keys (serde reads them as field identifiers); a
//!   tagged key (`!t spec: …`) is not recognised, where serde would look through the tag.
//!
//! Fields nobody reads are not checked, so a document that is invalid only in such a
//! field (say `status` or `affinity`) loads here and fails under the full decoder.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetSpec, Deployment, DeploymentSpec, StatefulSet, StatefulSetSpec,
};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HorizontalPodAutoscaler, HorizontalPodAutoscalerSpec,
};
use k8s_openapi::api::batch::v1::{CronJob, CronJobSpec, Job, JobSpec, JobTemplateSpec};
use k8s_openapi::api::core::v1::{
    CSIVolumeSource, ConfigMap, ConfigMapEnvSource, ConfigMapKeySelector, ConfigMapProjection,
    ConfigMapVolumeSource, Container, ContainerPort, DownwardAPIProjection,
    DownwardAPIVolumeSource, EmptyDirVolumeSource, EnvFromSource, EnvVar, EnvVarSource,
    EphemeralVolumeSource, ExecAction, GRPCAction, HTTPGetAction, HostPathVolumeSource, KeyToPath,
    LocalObjectReference, Namespace, ObjectFieldSelector, ObjectReference, PersistentVolume,
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimVolumeSource,
    PersistentVolumeSpec, Pod, PodSpec, PodTemplateSpec, Probe, ProjectedVolumeSource,
    ResourceFieldSelector, ResourceRequirements, Secret, SecretEnvSource, SecretKeySelector,
    SecretProjection, SecretVolumeSource, Service, ServiceAccount, ServiceAccountTokenProjection,
    ServicePort, ServiceSpec, TCPSocketAction, Volume, VolumeMount, VolumeProjection,
    VolumeResourceRequirements,
};
use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicySpec, ServiceBackendPort,
};
use k8s_openapi::api::rbac::v1::{
    ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, RoleRef, Subject,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, ObjectMeta,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::ByteString;
use serde_yaml::{Mapping, Value};

use crate::model::Body;

/// One step of the path to a failing node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// A decoding failure: what was wrong and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeanError {
    /// Innermost segment first (segments are pushed while the error bubbles up).
    rev_path: Vec<Segment>,
    message: String,
}

impl LeanError {
    /// The path from the document root to the failing node.
    pub fn path(&self) -> Vec<Segment> {
        self.rev_path.iter().rev().cloned().collect()
    }

    /// The path as text: `spec.template.spec.containers[0].ports[1].containerPort`.
    pub fn path_text(&self) -> String {
        let mut out = String::new();
        for s in self.rev_path.iter().rev() {
            match s {
                Segment::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Segment::Index(i) => {
                    out.push('[');
                    out.push_str(&i.to_string());
                    out.push(']');
                }
            }
        }
        out
    }

    /// What was wrong, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The 1-based line of the failing node in `text` (the document the value was parsed
    /// from), found by walking the text with serde_yaml down the path.
    pub fn line_in(&self, text: &str) -> Option<usize> {
        locate::line(text, &self.path())
    }
}

impl fmt::Display for LeanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.rev_path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path_text(), self.message)
        }
    }
}

impl std::error::Error for LeanError {}

/// How a value shows in an error. Strings are not quoted: they may be Secret data.
fn found(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) if n.is_f64() => format!("float {n}"),
        Value::Number(n) => format!("integer {n}"),
        Value::String(_) => "a string".into(),
        Value::Sequence(_) => "a sequence".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

/// Looks through YAML tags, as serde_yaml does for every type but `deserialize_any` ones.
fn untag(mut v: &Value) -> &Value {
    while let Value::Tagged(t) = v {
        v = &t.value;
    }
    v
}

/// Where the decoder is and the first error it met. Decoding does not stop at an error:
/// the failing value becomes its default and the error is kept, so building a struct is a
/// straight run of field reads with no early return (and no drop code for half-built
/// structs; that kept the lean decoder small in wasm).
#[derive(Default)]
pub struct Cx<'v> {
    path: Vec<Seg<'v>>,
    error: Option<LeanError>,
}

#[derive(Clone, Copy)]
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

impl<'v> Cx<'v> {
    /// Records `message` at the current path, unless an earlier error was recorded.
    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(LeanError {
                rev_path: self
                    .path
                    .iter()
                    .rev()
                    .map(|s| match *s {
                        Seg::Key(k) => Segment::Key(k.to_string()),
                        Seg::Index(i) => Segment::Index(i),
                    })
                    .collect(),
                message,
            });
        }
    }

    /// `expected {what}, found {v}` at the current path.
    fn expected(&mut self, what: &str, v: &Value) {
        if self.error.is_none() {
            self.fail(format!("expected {what}, found {}", found(v)));
        }
    }

    /// Reads `v` as a `T` one step below the current path.
    fn below<T: Lean>(&mut self, seg: Seg<'v>, v: &'v Value) -> T {
        if self.error.is_some() {
            return T::default();
        }
        self.path.push(seg);
        let t = T::read(v, self);
        self.path.pop();
        t
    }
}

/// A type the lean decoder can build from a YAML value.
///
/// `Default` is the value of an absent or `null` field, as in k8s-openapi, and what a
/// value that fails to decode becomes while the error is recorded in [`Cx`].
pub trait Lean: Sized + Default {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self;

    /// Decodes a whole value: the first error wins.
    fn lean(v: &Value) -> Result<Self, LeanError> {
        let mut cx = Cx::default();
        let t = Self::read(v, &mut cx);
        match cx.error {
            Some(e) => Err(e),
            None => Ok(t),
        }
    }
}

/// The field `key` of a struct mapping (`None` stands for a `null` struct).
fn field<'v, T: Lean>(cx: &mut Cx<'v>, m: Option<&'v Mapping>, key: &'static str) -> T {
    match m.and_then(|m| m.get(key)) {
        None | Some(Value::Null) => T::default(),
        Some(v) => cx.below(Seg::Key(key), v),
    }
}

/// The mapping of a struct; `None` for `null` (serde_yaml reads it as an empty mapping).
fn struct_mapping<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Option<&'v Mapping> {
    match untag(v) {
        Value::Null => None,
        Value::Mapping(m) => match m.keys().find(|k| !untag(k).is_string()) {
            Some(k) => {
                cx.expected("a string field name", k);
                None
            }
            None => Some(m),
        },
        other => {
            cx.expected("a mapping", other);
            None
        }
    }
}

/// Implements [`Lean`] for k8s-openapi structs: `Type { rust_field: "yamlKey", … }`.
/// Unlisted fields keep their defaults.
macro_rules! lean_structs {
    ($($ty:ident { $($field:ident: $key:literal),* $(,)? })*) => {$(
        impl Lean for $ty {
            // Some lists name every field of their type; the update stays so that fields a
            // later k8s-openapi adds default instead of breaking the build.
            #[allow(clippy::needless_update)]
            fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
                #[allow(unused_variables)]
                let m = struct_mapping(v, cx);
                $ty {
                    $($field: field(cx, m, $key),)*
                    ..Default::default()
                }
            }
        }
    )*};
}

impl Lean for String {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match untag(v) {
            Value::String(s) => s.clone(),
            other => {
                cx.expected("a string", other);
                String::new()
            }
        }
    }
}

/// An integer that must fit in 32 bits.
fn int32(n: &serde_yaml::Number, cx: &mut Cx<'_>) -> i32 {
    match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
        Some(i) => i,
        None => {
            cx.fail(format!("expected a 32-bit integer, found integer {n}"));
            0
        }
    }
}

impl Lean for i32 {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match untag(v) {
            Value::Number(n) if !n.is_f64() => int32(n, cx),
            other => {
                cx.expected("an integer", other);
                0
            }
        }
    }
}

impl Lean for bool {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match untag(v) {
            Value::Bool(b) => *b,
            other => {
                cx.expected("a boolean", other);
                false
            }
        }
    }
}

impl<T: Lean> Lean for Option<T> {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match v {
            Value::Null => None,
            _ => Some(T::read(v, cx)),
        }
    }
}

impl<T: Lean> Lean for Vec<T> {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match untag(v) {
            Value::Null => Vec::new(),
            Value::Sequence(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, x) in items.iter().enumerate() {
                    out.push(cx.below(Seg::Index(i), x));
                }
                out
            }
            other => {
                cx.expected("a sequence", other);
                Vec::new()
            }
        }
    }
}

impl<T: Lean> Lean for BTreeMap<String, T> {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        let mut out = BTreeMap::new();
        match untag(v) {
            Value::Null => {}
            Value::Mapping(m) => {
                for (k, x) in m {
                    let key = String::read(k, cx);
                    let t = cx.below(Seg::Key(k.as_str().unwrap_or_default()), x);
                    out.insert(key, t);
                }
            }
            other => cx.expected("a mapping", other),
        }
        out
    }
}

/// A number becomes its decimal text, as k8s-openapi's visitor does (`0.5` → `"0.5"`).
impl Lean for Quantity {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match v {
            Value::String(s) => Quantity(s.clone()),
            Value::Number(n) => Quantity(if let Some(u) = n.as_u64() {
                u.to_string()
            } else if let Some(i) = n.as_i64() {
                i.to_string()
            } else {
                n.as_f64().unwrap_or_default().to_string()
            }),
            other => {
                cx.expected("a quantity (string or number)", other);
                Quantity::default()
            }
        }
    }
}

impl Lean for IntOrString {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        match v {
            Value::String(s) => IntOrString::String(s.clone()),
            Value::Number(n) if !n.is_f64() => IntOrString::Int(int32(n, cx)),
            other => {
                cx.expected("an integer or a string", other);
                IntOrString::default()
            }
        }
    }
}

/// Standard base64 with padding, as k8s-openapi decodes it; `null` is empty.
impl Lean for ByteString {
    fn read<'v>(v: &'v Value, cx: &mut Cx<'v>) -> Self {
        use base64::Engine as _;
        // serde reads it as an option: only an untagged null is `None`.
        if v.is_null() {
            return ByteString(Vec::new());
        }
        match untag(v) {
            Value::String(s) => match base64::engine::general_purpose::STANDARD.decode(s) {
                Ok(bytes) => ByteString(bytes),
                Err(e) => {
                    cx.fail(format!("invalid base64: {e}"));
                    ByteString(Vec::new())
                }
            },
            other => {
                cx.expected("a base64-encoded string", other);
                ByteString(Vec::new())
            }
        }
    }
}

// Every field the core reads, per type. Types that are only tested for presence
// (`v.csi.is_some()`) list no field: a present mapping becomes `Some(Default::default())`.
lean_structs! {
    // Labels and annotations are read from pod templates, and decoded on every object so
    // that a label value that is not a string fails here as under the full decoder. Name and
    // namespace (`Object` has its own) keep a written-back body loadable (`bundle`).
    ObjectMeta { name: "name", namespace: "namespace", labels: "labels", annotations: "annotations" }
    LabelSelector { match_labels: "matchLabels", match_expressions: "matchExpressions" }
    LabelSelectorRequirement { key: "key", operator: "operator", values: "values" }

    // Workloads.
    Deployment { metadata: "metadata", spec: "spec" }
    DeploymentSpec { replicas: "replicas", template: "template" }
    StatefulSet { metadata: "metadata", spec: "spec" }
    StatefulSetSpec { replicas: "replicas", template: "template" }
    DaemonSet { metadata: "metadata", spec: "spec" }
    DaemonSetSpec { template: "template" }
    Job { metadata: "metadata", spec: "spec" }
    JobSpec { parallelism: "parallelism", completions: "completions", template: "template" }
    CronJob { metadata: "metadata", spec: "spec" }
    CronJobSpec { schedule: "schedule", job_template: "jobTemplate" }
    JobTemplateSpec { spec: "spec" }
    Pod { metadata: "metadata", spec: "spec" }
    PodTemplateSpec { metadata: "metadata", spec: "spec" }

    // Pod spec.
    PodSpec {
        containers: "containers",
        init_containers: "initContainers",
        volumes: "volumes",
        service_account_name: "serviceAccountName",
        service_account: "serviceAccount",
        image_pull_secrets: "imagePullSecrets",
    }
    LocalObjectReference { name: "name" }
    Container {
        name: "name",
        image: "image",
        restart_policy: "restartPolicy",
        command: "command",
        args: "args",
        resources: "resources",
        ports: "ports",
        readiness_probe: "readinessProbe",
        liveness_probe: "livenessProbe",
        startup_probe: "startupProbe",
        env: "env",
        env_from: "envFrom",
        volume_mounts: "volumeMounts",
    }
    ResourceRequirements { limits: "limits", requests: "requests" }
    ContainerPort { name: "name", container_port: "containerPort", protocol: "protocol" }
    Probe {
        http_get: "httpGet",
        exec: "exec",
        tcp_socket: "tcpSocket",
        grpc: "grpc",
        initial_delay_seconds: "initialDelaySeconds",
        period_seconds: "periodSeconds",
    }
    HTTPGetAction { scheme: "scheme", path: "path", port: "port" }
    ExecAction { command: "command" }
    TCPSocketAction { port: "port" }
    GRPCAction { port: "port" }
    EnvVar { name: "name", value: "value", value_from: "valueFrom" }
    EnvVarSource {
        secret_key_ref: "secretKeyRef",
        config_map_key_ref: "configMapKeyRef",
        field_ref: "fieldRef",
        resource_field_ref: "resourceFieldRef",
    }
    SecretKeySelector { name: "name", key: "key", optional: "optional" }
    ConfigMapKeySelector { name: "name", key: "key", optional: "optional" }
    ObjectFieldSelector { field_path: "fieldPath" }
    ResourceFieldSelector { resource: "resource" }
    EnvFromSource { prefix: "prefix", secret_ref: "secretRef", config_map_ref: "configMapRef" }
    SecretEnvSource { name: "name", optional: "optional" }
    ConfigMapEnvSource { name: "name", optional: "optional" }
    VolumeMount { name: "name", mount_path: "mountPath", read_only: "readOnly" }

    // Volumes.
    Volume {
        name: "name",
        config_map: "configMap",
        secret: "secret",
        persistent_volume_claim: "persistentVolumeClaim",
        empty_dir: "emptyDir",
        host_path: "hostPath",
        projected: "projected",
        downward_api: "downwardAPI",
        ephemeral: "ephemeral",
        csi: "csi",
    }
    ConfigMapVolumeSource { name: "name", optional: "optional", items: "items" }
    SecretVolumeSource { secret_name: "secretName", optional: "optional", items: "items" }
    KeyToPath { key: "key" }
    PersistentVolumeClaimVolumeSource { claim_name: "claimName" }
    HostPathVolumeSource { path: "path" }
    ProjectedVolumeSource { sources: "sources" }
    VolumeProjection {
        config_map: "configMap",
        secret: "secret",
        service_account_token: "serviceAccountToken",
        downward_api: "downwardAPI",
    }
    ConfigMapProjection { name: "name", optional: "optional", items: "items" }
    SecretProjection { name: "name", optional: "optional", items: "items" }
    ServiceAccountTokenProjection {}
    DownwardAPIProjection {}
    DownwardAPIVolumeSource {}
    EmptyDirVolumeSource {}
    EphemeralVolumeSource {}
    CSIVolumeSource {}

    // Services and ingress.
    Service { metadata: "metadata", spec: "spec" }
    ServiceSpec { ports: "ports", type_: "type", cluster_ip: "clusterIP", selector: "selector" }
    ServicePort {
        name: "name",
        port: "port",
        target_port: "targetPort",
        node_port: "nodePort",
        protocol: "protocol",
    }
    Ingress { metadata: "metadata", spec: "spec" }
    IngressSpec { default_backend: "defaultBackend", rules: "rules" }
    IngressRule { host: "host", http: "http" }
    HTTPIngressRuleValue { paths: "paths" }
    HTTPIngressPath { path: "path", backend: "backend" }
    IngressBackend { service: "service" }
    IngressServiceBackend { name: "name", port: "port" }
    ServiceBackendPort { number: "number", name: "name" }
    NetworkPolicy { metadata: "metadata", spec: "spec" }
    NetworkPolicySpec { pod_selector: "podSelector", policy_types: "policyTypes", ingress: "ingress" }
    NetworkPolicyIngressRule { from: "from" }
    NetworkPolicyPeer { namespace_selector: "namespaceSelector", pod_selector: "podSelector" }

    // Configuration and storage.
    Namespace { metadata: "metadata" }
    ConfigMap { metadata: "metadata", data: "data", binary_data: "binaryData" }
    Secret { metadata: "metadata", data: "data", string_data: "stringData", type_: "type" }
    PersistentVolume { metadata: "metadata", spec: "spec" }
    PersistentVolumeSpec {
        capacity: "capacity",
        host_path: "hostPath",
        persistent_volume_reclaim_policy: "persistentVolumeReclaimPolicy",
        access_modes: "accessModes",
        storage_class_name: "storageClassName",
        claim_ref: "claimRef",
        volume_mode: "volumeMode",
    }
    ObjectReference { name: "name", namespace: "namespace" }
    PersistentVolumeClaim { metadata: "metadata", spec: "spec" }
    PersistentVolumeClaimSpec {
        resources: "resources",
        storage_class_name: "storageClassName",
        access_modes: "accessModes",
        volume_name: "volumeName",
        volume_mode: "volumeMode",
        selector: "selector",
    }
    VolumeResourceRequirements { requests: "requests" }

    // RBAC and autoscaling.
    ServiceAccount { metadata: "metadata" }
    Role { metadata: "metadata", rules: "rules" }
    ClusterRole { metadata: "metadata", rules: "rules" }
    PolicyRule { api_groups: "apiGroups", resources: "resources", verbs: "verbs" }
    RoleBinding { metadata: "metadata", role_ref: "roleRef", subjects: "subjects" }
    ClusterRoleBinding { metadata: "metadata", role_ref: "roleRef", subjects: "subjects" }
    RoleRef { kind: "kind", name: "name" }
    Subject { kind: "kind", name: "name", namespace: "namespace" }
    HorizontalPodAutoscaler { metadata: "metadata", spec: "spec" }
    HorizontalPodAutoscalerSpec {
        scale_target_ref: "scaleTargetRef",
        min_replicas: "minReplicas",
        max_replicas: "maxReplicas",
    }
    CrossVersionObjectReference { kind: "kind", name: "name" }
}

fn typed<T: Lean>(value: &Value, wrap: fn(Box<T>) -> Body) -> Result<Body, LeanError> {
    T::lean(value).map(|t| wrap(Box::new(t)))
}

/// Decodes a document into its [`Body`]: the same 20 kinds as the full decoder, anything
/// else stays [`Body::Generic`].
pub fn decode(api_version: &str, kind: &str, value: Value) -> Result<Body, LeanError> {
    let v = &value;
    match (api_version, kind) {
        ("v1", "Namespace") => typed(v, Body::Namespace),
        ("v1", "Pod") => typed(v, Body::Pod),
        ("v1", "Service") => typed(v, Body::Service),
        ("v1", "ConfigMap") => typed(v, Body::ConfigMap),
        ("v1", "Secret") => typed(v, Body::Secret),
        ("v1", "PersistentVolume") => typed(v, Body::PersistentVolume),
        ("v1", "PersistentVolumeClaim") => typed(v, Body::PersistentVolumeClaim),
        ("v1", "ServiceAccount") => typed(v, Body::ServiceAccount),
        ("apps/v1", "Deployment") => typed(v, Body::Deployment),
        ("apps/v1", "StatefulSet") => typed(v, Body::StatefulSet),
        ("apps/v1", "DaemonSet") => typed(v, Body::DaemonSet),
        ("batch/v1", "Job") => typed(v, Body::Job),
        ("batch/v1", "CronJob") => typed(v, Body::CronJob),
        ("networking.k8s.io/v1", "Ingress") => typed(v, Body::Ingress),
        ("networking.k8s.io/v1", "NetworkPolicy") => typed(v, Body::NetworkPolicy),
        ("rbac.authorization.k8s.io/v1", "Role") => typed(v, Body::Role),
        ("rbac.authorization.k8s.io/v1", "ClusterRole") => typed(v, Body::ClusterRole),
        ("rbac.authorization.k8s.io/v1", "RoleBinding") => typed(v, Body::RoleBinding),
        ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding") => {
            typed(v, Body::ClusterRoleBinding)
        }
        ("autoscaling/v2", "HorizontalPodAutoscaler") => typed(v, Body::HorizontalPodAutoscaler),
        _ => Ok(Body::Generic(value)),
    }
}

/// Finding the line of a node by its path: serde_yaml attaches the position of the event
/// being deserialised to an error raised there, so the seeker walks the document text down
/// the path (skipping everything else) and fails on purpose at the target.
mod locate {
    use std::fmt;

    use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess};

    use super::Segment;

    pub(super) fn line(text: &str, path: &[Segment]) -> Option<usize> {
        let de = serde_yaml::Deserializer::from_str(text);
        match (Seek { path }).deserialize(de) {
            Err(e) => e.location().map(|l| l.line()),
            Ok(()) => None,
        }
    }

    /// Succeeds when the path is not in the document; fails at the target otherwise.
    struct Seek<'p> {
        path: &'p [Segment],
    }

    impl<'de> DeserializeSeed<'de> for Seek<'_> {
        type Value = ();
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> de::Visitor<'de> for Seek<'_> {
        type Value = ();

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any YAML value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            let (want, rest) = match self.path.split_first() {
                None => return self.target(),
                Some((Segment::Key(k), rest)) => (Some(k.as_str()), rest),
                Some((Segment::Index(_), rest)) => (None, rest),
            };
            // Every entry is consumed (serde_yaml insists); keys are read as values and
            // only a plain string key can match.
            while let Some(k) = map.next_key::<serde_yaml::Value>()? {
                if want.is_some() && k.as_str() == want {
                    map.next_value_seed(Seek { path: rest })?;
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(())
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            let (want, rest) = match self.path.split_first() {
                None => return self.target(),
                Some((Segment::Index(i), rest)) => (Some(*i), rest),
                Some((Segment::Key(_), rest)) => (None, rest),
            };
            for i in 0.. {
                let more = if want == Some(i) {
                    seq.next_element_seed(Seek { path: rest })?.is_some()
                } else {
                    seq.next_element::<IgnoredAny>()?.is_some()
                };
                if !more {
                    break;
                }
            }
            Ok(())
        }

        fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<(), A::Error> {
            // A tagged node: the path goes on inside it.
            let (_, variant) = data.variant::<IgnoredAny>()?;
            de::VariantAccess::newtype_variant_seed(variant, self)
        }

        fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
            self.target()
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
            self.target()
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
            self.target()
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
            self.target()
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
            self.target()
        }
        fn visit_unit<E: de::Error>(self) -> Result<(), E> {
            self.target()
        }
    }

    impl Seek<'_> {
        /// At the target the error carries its position; a scalar before the end of the
        /// path means the path is not there.
        fn target<E: de::Error>(&self) -> Result<(), E> {
            if self.path.is_empty() {
                Err(E::custom("found"))
            } else {
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn err<T: Lean + fmt::Debug>(text: &str) -> LeanError {
        T::lean(&yaml(text)).unwrap_err()
    }

    #[test]
    fn int_or_string_from_int_and_string() {
        assert_eq!(IntOrString::lean(&yaml("8080")), Ok(IntOrString::Int(8080)));
        assert_eq!(IntOrString::lean(&yaml("-1")), Ok(IntOrString::Int(-1)));
        assert_eq!(
            IntOrString::lean(&yaml("http")),
            Ok(IntOrString::String("http".into()))
        );
        assert_eq!(
            IntOrString::lean(&yaml("'80'")),
            Ok(IntOrString::String("80".into()))
        );
        let e = err::<IntOrString>("4294967296");
        assert_eq!(
            e.to_string(),
            "expected a 32-bit integer, found integer 4294967296"
        );
        assert!(IntOrString::lean(&yaml("1.5")).is_err());
        assert!(IntOrString::lean(&yaml("true")).is_err());
        assert!(IntOrString::lean(&yaml("!foo http")).is_err());
    }

    #[test]
    fn quantity_from_string_and_number() {
        assert_eq!(Quantity::lean(&yaml("100m")), Ok(Quantity("100m".into())));
        assert_eq!(Quantity::lean(&yaml("2")), Ok(Quantity("2".into())));
        assert_eq!(Quantity::lean(&yaml("-3")), Ok(Quantity("-3".into())));
        assert_eq!(Quantity::lean(&yaml("0.5")), Ok(Quantity("0.5".into())));
        assert_eq!(Quantity::lean(&yaml("1e3")), Ok(Quantity("1000".into())));
        assert!(Quantity::lean(&yaml("[1]")).is_err());
        assert!(Quantity::lean(&yaml("~")).is_err());
    }

    #[test]
    fn byte_string_is_base64() {
        assert_eq!(
            ByteString::lean(&yaml("aHVudGVyMg==")),
            Ok(ByteString(b"hunter2".to_vec()))
        );
        assert_eq!(ByteString::lean(&yaml("~")), Ok(ByteString(Vec::new())));
        assert!(err::<ByteString>("not base64!")
            .to_string()
            .starts_with("invalid base64"));
        assert!(ByteString::lean(&yaml("aHVudGVyMg")).is_err(), "padding");
        assert!(ByteString::lean(&yaml("12")).is_err());
    }

    #[test]
    fn primitives_are_strict() {
        assert_eq!(
            err::<String>("5").to_string(),
            "expected a string, found integer 5"
        );
        assert_eq!(
            err::<i32>("two").to_string(),
            "expected an integer, found a string"
        );
        assert_eq!(
            err::<i32>("1.0").to_string(),
            "expected an integer, found float 1.0"
        );
        assert!(i32::lean(&yaml("3000000000")).is_err());
        assert_eq!(i32::lean(&yaml("!!int 7")), Ok(7));
        assert_eq!(bool::lean(&yaml("true")), Ok(true));
        assert!(bool::lean(&yaml("'true'")).is_err());
        assert_eq!(Option::<String>::lean(&yaml("~")), Ok(None));
        assert_eq!(Vec::<String>::lean(&yaml("~")), Ok(Vec::new()));
        assert!(Vec::<String>::lean(&yaml("[a, ~]")).is_err());
    }

    #[test]
    fn absent_and_null_fields_default_like_k8s_openapi() {
        let c = Container::lean(&yaml("image: x\nports: [{name: http}]\n")).unwrap();
        assert_eq!(c.name, "");
        assert_eq!(c.image.as_deref(), Some("x"));
        let ports = c.ports.unwrap();
        assert_eq!(ports[0].container_port, 0);
        let c = Container::lean(&yaml("name: ~\nresources: ~\n")).unwrap();
        assert_eq!((c.name.as_str(), c.resources), ("", None));
        // A null list element of struct type is an empty struct.
        let s = PodSpec::lean(&yaml("containers: [~]\n")).unwrap();
        assert_eq!(s.containers, vec![Container::default()]);
    }

    #[test]
    fn presence_only_sources_become_some_default() {
        let v = Volume::lean(&yaml("name: d\ncsi: {driver: x}\nemptyDir: {}\n")).unwrap();
        assert_eq!(v.csi, Some(CSIVolumeSource::default()));
        assert_eq!(v.empty_dir, Some(EmptyDirVolumeSource::default()));
        assert_eq!(v.ephemeral, None);
    }

    #[test]
    fn errors_name_the_path() {
        let text = "\
spec:
  template:
    spec:
      containers:
      - name: a
        ports: [{containerPort: 80}, {containerPort: abc}]
";
        let e = Deployment::lean(&yaml(text)).unwrap_err();
        assert_eq!(
            e.to_string(),
            "spec.template.spec.containers[0].ports[1].containerPort: \
             expected an integer, found a string"
        );
        assert_eq!(e.line_in(text), Some(6));
        let e = err::<Deployment>("metadata:\n  labels:\n    version: 2\n");
        assert_eq!(e.path_text(), "metadata.labels.version");
        assert_eq!(
            e.path(),
            vec![
                Segment::Key("metadata".into()),
                Segment::Key("labels".into()),
                Segment::Key("version".into())
            ]
        );
        let e = err::<Deployment>("spec: [1]\n");
        assert_eq!(e.to_string(), "spec: expected a mapping, found a sequence");
        let e = err::<Deployment>("spec:\n  1: x\n");
        assert_eq!(
            e.to_string(),
            "spec: expected a string field name, found integer 1"
        );
    }

    #[test]
    fn line_of_a_path() {
        let text = "a:\n  b: [x, {c: 1}]\n  d: !t\n    e: 2\n";
        let key = |k: &str| Segment::Key(k.into());
        assert_eq!(locate::line(text, &[key("a")]), Some(2));
        assert_eq!(
            locate::line(text, &[key("a"), key("b"), Segment::Index(1), key("c")]),
            Some(2)
        );
        assert_eq!(locate::line(text, &[key("a"), key("d"), key("e")]), Some(4));
        assert_eq!(locate::line(text, &[key("zz")]), None);
        assert_eq!(
            locate::line(text, &[key("a"), key("b"), Segment::Index(5)]),
            None
        );
    }

    #[test]
    fn unknown_kinds_stay_generic() {
        let v = yaml("kind: Thing\nspec: {x: 1}\n");
        assert_eq!(
            decode("example.com/v1", "Thing", v.clone()),
            Ok(Body::Generic(v))
        );
    }

    /// The lean result matches serde's on the fields read (the rest stays default).
    #[cfg(feature = "full-decode")]
    #[test]
    fn agrees_with_serde_on_read_fields() {
        let text = "\
name: web
image: nginx
command: [sh, -c]
ports: [{containerPort: 80, name: http, protocol: UDP}]
resources: {limits: {cpu: 1, memory: 0.5}, requests: {cpu: 100m}}
readinessProbe: {httpGet: {port: http, path: /x, scheme: HTTPS}, periodSeconds: 3}
env: [{name: A, valueFrom: {secretKeyRef: {name: s, key: k, optional: true}}}]
volumeMounts: [{name: v, mountPath: /v, readOnly: true}]
";
        let lean = Container::lean(&yaml(text)).unwrap();
        let full: Container = serde_yaml::from_str(text).unwrap();
        assert_eq!(lean, full);
    }
}
