//! Workload → ConfigMap / Secret / PVC references, and the configuration values a workload
//! consumes through them.

use std::collections::{BTreeMap, BTreeSet};

use crate::index::Index;
use crate::model::{Object, PodView};
use crate::redact::{secret_value, service_predicate};

use super::{Emit, Severity};

/// A reference from a pod spec to a ConfigMap or Secret.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigRef {
    /// `ConfigMap` or `Secret`.
    pub kind: &'static str,
    pub name: String,
    pub optional: bool,
    /// How it is used, e.g. `envFrom`, `env DB_HOST key host`, `volume cfg at /etc/x`.
    pub via: String,
    /// Keys read; `None` means all keys. Each key comes with the env var it feeds, if any.
    pub keys: Option<Vec<(String, Option<String>)>>,
}

/// A reference from a pod spec to a PersistentVolumeClaim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PvcRef {
    pub claim: String,
    pub via: String,
}

fn mount_paths(pod: &PodView<'_>, volume: &str) -> Vec<String> {
    let mut paths: Vec<String> = pod
        .all_containers()
        .flat_map(|c| c.volume_mounts.iter().flatten())
        .filter(|m| m.name == volume)
        .map(|m| m.mount_path.clone())
        .collect();
    crate::sort::sort(&mut paths);
    paths.dedup();
    paths
}

fn volume_via(pod: &PodView<'_>, volume: &str) -> String {
    let paths = mount_paths(pod, volume);
    if paths.is_empty() {
        format!("volume {volume}")
    } else {
        format!("volume {volume} at {}", paths.join(", "))
    }
}

fn items_keys(
    items: Option<&Vec<k8s_openapi::api::core::v1::KeyToPath>>,
) -> Option<Vec<(String, Option<String>)>> {
    items
        .filter(|i| !i.is_empty())
        .map(|i| i.iter().map(|k| (k.key.clone(), None)).collect())
}

/// Every ConfigMap/Secret reference of a pod spec, in spec order.
pub fn config_refs(pod: &PodView<'_>) -> Vec<ConfigRef> {
    let mut out = Vec::new();
    for v in pod.spec.volumes.iter().flatten() {
        if let Some(cm) = &v.config_map {
            out.push(ConfigRef {
                kind: "ConfigMap",
                name: cm.name.clone(),
                optional: cm.optional.unwrap_or(false),
                via: volume_via(pod, &v.name),
                keys: items_keys(cm.items.as_ref()),
            });
        }
        if let Some(s) = &v.secret {
            if let Some(name) = &s.secret_name {
                out.push(ConfigRef {
                    kind: "Secret",
                    name: name.clone(),
                    optional: s.optional.unwrap_or(false),
                    via: volume_via(pod, &v.name),
                    keys: items_keys(s.items.as_ref()),
                });
            }
        }
        for src in v.projected.iter().flat_map(|p| p.sources.iter().flatten()) {
            if let Some(cm) = &src.config_map {
                out.push(ConfigRef {
                    kind: "ConfigMap",
                    name: cm.name.clone(),
                    optional: cm.optional.unwrap_or(false),
                    via: format!("projected {}", volume_via(pod, &v.name)),
                    keys: items_keys(cm.items.as_ref()),
                });
            }
            if let Some(s) = &src.secret {
                out.push(ConfigRef {
                    kind: "Secret",
                    name: s.name.clone(),
                    optional: s.optional.unwrap_or(false),
                    via: format!("projected {}", volume_via(pod, &v.name)),
                    keys: items_keys(s.items.as_ref()),
                });
            }
        }
    }
    for c in pod.all_containers() {
        for ef in c.env_from.iter().flatten() {
            if let Some(cm) = &ef.config_map_ref {
                out.push(ConfigRef {
                    kind: "ConfigMap",
                    name: cm.name.clone(),
                    optional: cm.optional.unwrap_or(false),
                    via: format!("envFrom in {}", c.name),
                    keys: None,
                });
            }
            if let Some(s) = &ef.secret_ref {
                out.push(ConfigRef {
                    kind: "Secret",
                    name: s.name.clone(),
                    optional: s.optional.unwrap_or(false),
                    via: format!("envFrom in {}", c.name),
                    keys: None,
                });
            }
        }
        for e in c.env.iter().flatten() {
            let Some(vf) = &e.value_from else { continue };
            if let Some(k) = &vf.config_map_key_ref {
                out.push(ConfigRef {
                    kind: "ConfigMap",
                    name: k.name.clone(),
                    optional: k.optional.unwrap_or(false),
                    via: format!("env {} (key {})", e.name, k.key),
                    keys: Some(vec![(k.key.clone(), Some(e.name.clone()))]),
                });
            }
            if let Some(k) = &vf.secret_key_ref {
                out.push(ConfigRef {
                    kind: "Secret",
                    name: k.name.clone(),
                    optional: k.optional.unwrap_or(false),
                    via: format!("env {} (key {})", e.name, k.key),
                    keys: Some(vec![(k.key.clone(), Some(e.name.clone()))]),
                });
            }
        }
    }
    for s in pod.spec.image_pull_secrets.iter().flatten() {
        out.push(ConfigRef {
            kind: "Secret",
            name: s.name.clone(),
            optional: false,
            via: "imagePullSecrets".into(),
            keys: Some(Vec::new()),
        });
    }
    out
}

/// Every PVC a pod spec mounts.
pub fn pvc_refs(pod: &PodView<'_>) -> Vec<PvcRef> {
    pod.spec
        .volumes
        .iter()
        .flatten()
        .filter_map(|v| {
            v.persistent_volume_claim.as_ref().map(|c| PvcRef {
                claim: c.claim_name.clone(),
                via: volume_via(pod, &v.name),
            })
        })
        .collect()
}

fn uses_config(index: &Index, o: &Object, emit: &mut Emit, kind: &'static str) {
    let Some(pod) = o.pod() else { return };
    let ns = o.namespace.as_deref();
    let mut missing: BTreeMap<String, (bool, Vec<String>)> = BTreeMap::new();
    for r in config_refs(&pod).into_iter().filter(|r| r.kind == kind) {
        match index.get(kind, ns, &r.name) {
            Some(target) => emit.edge(
                &o.id,
                &target.id,
                format!("{}: {} {}", o.name, r.via, r.name),
            ),
            None => {
                let entry = missing.entry(r.name.clone()).or_insert((true, Vec::new()));
                entry.0 &= r.optional;
                entry.1.push(r.via);
            }
        }
    }
    for (name, (optional, vias)) in missing {
        if optional {
            continue;
        }
        emit.broken(
            &o.id,
            Severity::Error,
            format!(
                "{kind} {}/{name} is not in the set (referenced by {})",
                ns.unwrap_or(""),
                vias.join("; ")
            ),
        );
    }
}

pub(super) fn uses_configmap(index: &Index, o: &Object, emit: &mut Emit) {
    uses_config(index, o, emit, "ConfigMap");
}

pub(super) fn uses_secret(index: &Index, o: &Object, emit: &mut Emit) {
    uses_config(index, o, emit, "Secret");
}

pub(super) fn mounts_pvc(index: &Index, o: &Object, emit: &mut Emit) {
    let Some(pod) = o.pod() else { return };
    let ns = o.namespace.as_deref();
    for r in pvc_refs(&pod) {
        match index.get("PersistentVolumeClaim", ns, &r.claim) {
            Some(t) => emit.edge(
                &o.id,
                &t.id,
                format!("{}: {} claim {}", o.name, r.via, r.claim),
            ),
            None => emit.broken(
                &o.id,
                Severity::Error,
                format!(
                    "PersistentVolumeClaim {}/{} is not in the set (referenced by {})",
                    ns.unwrap_or(""),
                    r.claim,
                    r.via
                ),
            ),
        }
    }
}

/// One configuration value a workload consumes.
#[derive(Clone, Debug)]
pub struct ConfigValue<'m> {
    /// The ConfigMap or Secret.
    pub source: &'m Object,
    pub key: String,
    /// The env var the key feeds, when read through `*KeyRef`.
    pub env_name: Option<String>,
    /// The value; for Secrets its redacted form, so relations never depend on a secret.
    pub value: String,
}

/// The ConfigMap/Secret values a workload consumes (envFrom, *KeyRef, volumes), each once.
pub fn consumed_values<'m>(index: &Index<'m>, o: &Object) -> Vec<ConfigValue<'m>> {
    let Some(pod) = o.pod() else {
        return Vec::new();
    };
    let ns = o.namespace.as_deref().unwrap_or("default");
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::new();
    for r in config_refs(&pod) {
        let Some(source) = index.get(r.kind, Some(ns), &r.name) else {
            continue;
        };
        let data = source.string_data();
        let is_secret = r.kind == "Secret";
        let is_service = service_predicate(index, ns);
        let wanted: Vec<(String, Option<String>)> = match &r.keys {
            Some(keys) => keys.clone(),
            None => data.keys().map(|k| (k.clone(), None)).collect(),
        };
        for (key, env_name) in wanted {
            let Some(raw) = data.get(&key) else { continue };
            if !seen.insert((source.id.to_string(), key.clone())) {
                continue;
            }
            let value = if is_secret {
                secret_value(&key, raw, &is_service)
            } else {
                raw.clone()
            };
            out.push(ConfigValue {
                source,
                key,
                env_name,
                value,
            });
        }
    }
    out
}
