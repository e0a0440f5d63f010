//! Lookup structures over a [`Model`]: objects by (kind, namespace, name), workloads by pod
//! labels, Service DNS resolution and PVC → PV binding. Built once in O(n log n).

use std::collections::{BTreeMap, HashMap, HashSet};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use crate::model::{Body, Model, Object, ObjectId};
use crate::netref::{is_hostname, is_local_or_ip};
use crate::quantity::parse_memory;

/// What a host name in configuration refers to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HostResolution<'m> {
    /// A Service of the set.
    Service(&'m Object),
    /// A cluster DNS name whose Service is not in the set.
    Missing,
    /// Not a cluster name (loopback, IP, external domain).
    NotCluster,
}

type Key<'m> = (&'m str, &'m str, &'m str);

pub struct Index<'m> {
    pub model: &'m Model,
    by_key: HashMap<Key<'m>, &'m Object>,
    namespaces: HashSet<&'m str>,
    pod_labels: HashMap<Key<'m>, Vec<&'m Object>>,
    workloads_by_ns: HashMap<&'m str, Vec<&'m Object>>,
    services_by_ns: HashMap<&'m str, Vec<&'m Object>>,
    pvc_binding: HashMap<&'m ObjectId, (&'m Object, String)>,
}

/// True when every matchLabels pair and matchExpression holds for `labels`.
pub fn label_selector_matches(sel: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let pairs_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or(&[]);
        match e.operator.as_str() {
            "In" => labels.get(&e.key).is_some_and(|v| values.contains(v)),
            "NotIn" => labels.get(&e.key).is_none_or(|v| !values.contains(v)),
            "Exists" => labels.contains_key(&e.key),
            "DoesNotExist" => !labels.contains_key(&e.key),
            _ => false,
        }
    });
    pairs_ok && exprs_ok
}

/// Human form of a label selector: `app=x, tier in (a,b)`; `{}` when empty.
pub fn describe_selector(sel: &LabelSelector) -> String {
    let mut parts: Vec<String> = sel
        .match_labels
        .iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    for e in sel.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or(&[]).join(",");
        parts.push(match e.operator.as_str() {
            "Exists" => e.key.clone(),
            "DoesNotExist" => format!("!{}", e.key),
            op => format!("{} {} ({values})", e.key, op.to_ascii_lowercase()),
        });
    }
    if parts.is_empty() {
        "{}".to_string()
    } else {
        parts.join(", ")
    }
}

static EMPTY: BTreeMap<String, String> = BTreeMap::new();

impl<'m> Index<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut idx = Index {
            model,
            by_key: HashMap::with_capacity(model.objects.len()),
            namespaces: HashSet::new(),
            pod_labels: HashMap::new(),
            workloads_by_ns: HashMap::new(),
            services_by_ns: HashMap::new(),
            pvc_binding: HashMap::new(),
        };
        for o in &model.objects {
            let ns = o.namespace.as_deref().unwrap_or("");
            idx.by_key.insert((o.kind.as_str(), ns, o.name.as_str()), o);
            if o.kind == "Namespace" {
                idx.namespaces.insert(o.name.as_str());
            } else if !ns.is_empty() {
                idx.namespaces.insert(ns);
            }
            if o.kind == "Service" {
                idx.services_by_ns.entry(ns).or_default().push(o);
            }
            if let Some(pod) = o.pod() {
                idx.workloads_by_ns.entry(ns).or_default().push(o);
                for (k, v) in pod.labels.unwrap_or(&EMPTY) {
                    idx.pod_labels
                        .entry((ns, k.as_str(), v.as_str()))
                        .or_default()
                        .push(o);
                }
            }
        }
        idx.bind_claims();
        idx
    }

    /// An object by kind, namespace (`None` for cluster-scoped) and name.
    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&'m Object> {
        self.by_key
            .get(&(kind, namespace.unwrap_or(""), name))
            .copied()
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&'m Object> {
        self.get("Service", Some(namespace), name)
    }

    pub fn is_namespace(&self, ns: &str) -> bool {
        self.namespaces.contains(ns)
    }

    /// Workloads (and Pods) of a namespace, in id order.
    pub fn workloads_in(&self, namespace: &str) -> &[&'m Object] {
        self.workloads_by_ns
            .get(namespace)
            .map_or(&[], Vec::as_slice)
    }

    /// Services of a namespace, in id order.
    pub fn services_in(&self, namespace: &str) -> &[&'m Object] {
        self.services_by_ns
            .get(namespace)
            .map_or(&[], Vec::as_slice)
    }

    /// All namespaces that have workloads, sorted.
    pub fn workload_namespaces(&self) -> Vec<&'m str> {
        let mut v: Vec<&str> = self.workloads_by_ns.keys().copied().collect();
        crate::sort::sort(&mut v);
        v
    }

    /// Workloads of `namespace` whose pod labels contain every pair of `selector`.
    /// An empty selector selects nothing (a Service without selector has no pods).
    pub fn select(&self, namespace: &str, selector: &BTreeMap<String, String>) -> Vec<&'m Object> {
        let mut best: Option<&Vec<&Object>> = None;
        for (k, v) in selector {
            match self.pod_labels.get(&(namespace, k.as_str(), v.as_str())) {
                None => return Vec::new(),
                Some(c) if best.is_none_or(|b| c.len() < b.len()) => best = Some(c),
                Some(_) => {}
            }
        }
        let Some(candidates) = best else {
            return Vec::new();
        };
        candidates
            .iter()
            .copied()
            .filter(|o| {
                let labels = o.pod().and_then(|p| p.labels).unwrap_or(&EMPTY);
                selector.iter().all(|(k, v)| labels.get(k) == Some(v))
            })
            .collect()
    }

    /// Workloads of `namespace` matched by a LabelSelector (empty selects all).
    pub fn select_label_selector(&self, namespace: &str, sel: &LabelSelector) -> Vec<&'m Object> {
        let has_exprs = sel
            .match_expressions
            .as_ref()
            .is_some_and(|e| !e.is_empty());
        if !has_exprs {
            if let Some(ml) = sel.match_labels.as_ref().filter(|m| !m.is_empty()) {
                return self.select(namespace, ml);
            }
        }
        self.workloads_in(namespace)
            .iter()
            .copied()
            .filter(|o| {
                let labels = o.pod().and_then(|p| p.labels).unwrap_or(&EMPTY);
                label_selector_matches(sel, labels)
            })
            .collect()
    }

    /// Workloads selected by a Service (by its `spec.selector`).
    pub fn service_targets(&self, service: &Object) -> Vec<&'m Object> {
        let Body::Service(s) = &service.body else {
            return Vec::new();
        };
        let selector = s.spec.as_ref().and_then(|s| s.selector.as_ref());
        match (selector, service.namespace.as_deref()) {
            (Some(sel), Some(ns)) => self.select(ns, sel),
            _ => Vec::new(),
        }
    }

    /// Resolves a host name as a pod in `namespace` would: `svc`, `svc.ns`, `svc.ns.svc`,
    /// `svc.ns.svc.cluster.local` (and `pod.svc.ns.svc…` for headless Services).
    pub fn resolve_host(&self, host: &str, namespace: &str) -> HostResolution<'m> {
        if !is_hostname(host) || is_local_or_ip(host) {
            return HostResolution::NotCluster;
        }
        let h = host.trim_end_matches('.').to_ascii_lowercase();
        let parts: Vec<&str> = h.split('.').collect();
        let rest = h
            .strip_suffix(".svc.cluster.local")
            .or_else(|| h.strip_suffix(".svc"));
        let (name, ns) = if parts.len() == 1 {
            (parts[0], namespace)
        } else if let Some(rest) = rest {
            let r: Vec<&str> = rest.split('.').collect();
            if r.len() < 2 {
                return HostResolution::NotCluster;
            }
            (r[r.len() - 2], r[r.len() - 1])
        } else if parts.len() == 2 && self.is_namespace(parts[1]) {
            (parts[0], parts[1])
        } else {
            return HostResolution::NotCluster;
        };
        match self.service(ns, name) {
            Some(s) => HostResolution::Service(s),
            None => HostResolution::Missing,
        }
    }

    /// The PV a PVC binds to, and why.
    pub fn pv_for_pvc(&self, pvc: &ObjectId) -> Option<(&'m Object, &str)> {
        self.pvc_binding
            .get(pvc)
            .map(|(pv, why)| (*pv, why.as_str()))
    }

    fn bind_claims(&mut self) {
        let model = self.model;
        let pvs: Vec<&Object> = model.of_kind("PersistentVolume").collect();
        let pvcs: Vec<&Object> = model.of_kind("PersistentVolumeClaim").collect();
        let mut taken: HashSet<&ObjectId> = HashSet::new();
        // 1. spec.volumeName
        for pvc in &pvcs {
            let Body::PersistentVolumeClaim(c) = &pvc.body else {
                continue;
            };
            if let Some(vn) = c.spec.as_ref().and_then(|s| s.volume_name.as_deref()) {
                if let Some(pv) = self.get("PersistentVolume", None, vn) {
                    taken.insert(&pv.id);
                    self.pvc_binding
                        .insert(&pvc.id, (pv, format!("{}: volumeName {vn}", pvc.name)));
                }
            }
        }
        // 2. PV claimRef
        for pv in &pvs {
            let Body::PersistentVolume(v) = &pv.body else {
                continue;
            };
            let Some(cr) = v.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) else {
                continue;
            };
            let (Some(name), ns) = (
                cr.name.as_deref(),
                cr.namespace.as_deref().unwrap_or("default"),
            ) else {
                continue;
            };
            if let Some(pvc) = self.get("PersistentVolumeClaim", Some(ns), name) {
                if !self.pvc_binding.contains_key(&pvc.id) && taken.insert(&pv.id) {
                    self.pvc_binding
                        .insert(&pvc.id, (pv, format!("{}: claimRef {ns}/{name}", pv.name)));
                }
            }
        }
        // 3. Static matching: class, capacity, access modes, selector.
        for pvc in &pvcs {
            if self.pvc_binding.contains_key(&pvc.id) {
                continue;
            }
            let Body::PersistentVolumeClaim(c) = &pvc.body else {
                continue;
            };
            let Some(spec) = c.spec.as_ref() else {
                continue;
            };
            if spec.volume_name.is_some() {
                continue;
            }
            let class = spec.storage_class_name.as_deref().unwrap_or("");
            let request = spec
                .resources
                .as_ref()
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .and_then(|q| parse_memory(&q.0).ok())
                .unwrap_or(0);
            let modes = spec.access_modes.as_deref().unwrap_or(&[]);
            let mode = spec.volume_mode.as_deref().unwrap_or("Filesystem");
            let mut best: Option<(u64, &Object)> = None;
            for pv in &pvs {
                if taken.contains(&pv.id) {
                    continue;
                }
                let Body::PersistentVolume(v) = &pv.body else {
                    continue;
                };
                let Some(ps) = v.spec.as_ref() else { continue };
                if ps.claim_ref.is_some()
                    || ps.storage_class_name.as_deref().unwrap_or("") != class
                    || ps.volume_mode.as_deref().unwrap_or("Filesystem") != mode
                {
                    continue;
                }
                let pv_modes = ps.access_modes.as_deref().unwrap_or(&[]);
                if !modes.iter().all(|m| pv_modes.contains(m)) {
                    continue;
                }
                if let Some(sel) = &spec.selector {
                    if !label_selector_matches(sel, &pv.labels) {
                        continue;
                    }
                }
                let capacity = ps
                    .capacity
                    .as_ref()
                    .and_then(|c| c.get("storage"))
                    .and_then(|q| parse_memory(&q.0).ok())
                    .unwrap_or(0);
                if capacity < request {
                    continue;
                }
                if best.is_none_or(|(cap, _)| capacity < cap) {
                    best = Some((capacity, pv));
                }
            }
            if let Some((capacity, pv)) = best {
                taken.insert(&pv.id);
                let class_txt = if class.is_empty() { "\"\"" } else { class };
                let why = format!(
                    "{}: storageClassName {class_txt}, capacity {} ≥ {}{}",
                    pvc.name,
                    crate::quantity::format_memory(capacity),
                    crate::quantity::format_memory(request),
                    if modes.is_empty() {
                        String::new()
                    } else {
                        format!(", {}", modes.join(","))
                    }
                );
                self.pvc_binding.insert(&pvc.id, (pv, why));
            }
        }
    }
}
