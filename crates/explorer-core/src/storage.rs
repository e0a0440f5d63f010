//! What persists where: every volume of every workload, and what happens to its data when the
//! pod goes away (kept on a PersistentVolume, lost with an emptyDir, rebuilt from a ConfigMap
//! or Secret). Derived from the pod specs and the `mounts-pvc` / `pvc-binding` edges.

use serde::Serialize;

use crate::flows::{fact, Fact};
use crate::graph::Graph;
use crate::model::{Body, Model, Object};

/// What happens to a volume's data when its pod is deleted or rescheduled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fate {
    /// On a PersistentVolume (through a claim): outlives the pod.
    Kept,
    /// On the node's disk (hostPath): kept, but only on that node.
    Node,
    /// Written from a ConfigMap, Secret or the downward API: comes back as it was.
    FromObject,
    /// emptyDir: lost with the pod.
    Lost,
}

impl Fate {
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Kept => "kept",
            Fate::Node => "node",
            Fate::FromObject => "from-object",
            Fate::Lost => "lost",
        }
    }
}

/// One volume of one workload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Volume {
    /// Graph node of the workload.
    pub node: String,
    pub workload: String,
    pub volume: String,
    /// `container:/path`, every mount.
    pub mounts: Vec<String>,
    pub fate: Fate,
    /// In words: where the data is and what happens to it.
    pub text: String,
    pub facts: Vec<Fact>,
}

/// Every volume, kept ones first.
pub fn volumes(model: &Model, graph: &Graph) -> Vec<Volume> {
    let mut out = Vec::new();
    for w in model.workloads() {
        let Some(pod) = w.pod() else { continue };
        for v in pod.spec.volumes.iter().flatten() {
            let mounts: Vec<String> = pod
                .all_containers()
                .flat_map(|c| {
                    c.volume_mounts
                        .iter()
                        .flatten()
                        .filter(|m| m.name == v.name)
                        .map(move |m| format!("{}:{}", c.name, m.mount_path))
                })
                .collect();
            let field = format!("volumes[{}]", v.name);
            let (fate, text, facts) = if let Some(c) = &v.persistent_volume_claim {
                claim(model, graph, w, &field, &c.claim_name)
            } else if let Some(e) = &v.empty_dir {
                let memory = e.medium.as_deref() == Some("Memory");
                let size = e
                    .size_limit
                    .as_ref()
                    .map(|q| format!(", at most {}", q.0))
                    .unwrap_or_default();
                (
                    Fate::Lost,
                    format!(
                        "An emptyDir{}{size}: lost when the pod is deleted or rescheduled.",
                        if memory { " in memory" } else { "" }
                    ),
                    vec![fact(w, field, "emptyDir")],
                )
            } else if let Some(h) = &v.host_path {
                (
                    Fate::Node,
                    format!(
                        "A directory on the node at {}: kept, but only on that node.",
                        h.path
                    ),
                    vec![fact(w, format!("{field}.hostPath.path"), h.path.clone())],
                )
            } else if let Some(c) = &v.config_map {
                (
                    Fate::FromObject,
                    format!(
                        "Files from the ConfigMap {}: rebuilt from it in every pod.",
                        c.name
                    ),
                    vec![fact(w, format!("{field}.configMap.name"), c.name.clone())],
                )
            } else if let Some(s) = &v.secret {
                let name = s.secret_name.clone().unwrap_or_default();
                (
                    Fate::FromObject,
                    format!("Files from the Secret {name}: rebuilt from it in every pod."),
                    vec![fact(w, format!("{field}.secret.secretName"), name)],
                )
            } else {
                (
                    Fate::FromObject,
                    "Written by Kubernetes for the pod (projected or downward API).".to_string(),
                    vec![fact(w, field, "other")],
                )
            };
            out.push(Volume {
                node: w.id.to_string(),
                workload: w.id.name.clone(),
                volume: v.name.clone(),
                mounts,
                fate,
                text,
                facts,
            });
        }
    }
    // Unique keys (a workload's volume names are unique).
    crate::sort::sort_by(&mut out, |a, b| {
        (a.fate, &a.workload, &a.volume).cmp(&(b.fate, &b.workload, &b.volume))
    });
    out
}

fn claim(
    model: &Model,
    graph: &Graph,
    w: &Object,
    field: &str,
    claim: &str,
) -> (Fate, String, Vec<Fact>) {
    let mut facts = vec![fact(
        w,
        format!("{field}.persistentVolumeClaim.claimName"),
        claim,
    )];
    let pvc = graph
        .outgoing(&w.id.to_string())
        .filter(|e| e.rule == "mounts-pvc")
        .filter_map(|e| model.get_str(&e.to))
        .find(|o| o.id.name == claim);
    let Some(pvc) = pvc else {
        return (
            Fate::Kept,
            format!("The claim {claim}, which these manifests do not define: where the data lives depends on the cluster."),
            facts,
        );
    };
    if let Body::PersistentVolumeClaim(c) = &pvc.body {
        if let Some(s) = c
            .spec
            .as_ref()
            .and_then(|s| s.resources.as_ref())
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
        {
            facts.push(fact(pvc, "spec.resources.requests.storage", s.0.clone()));
        }
    }
    let pv = graph
        .outgoing(&pvc.id.to_string())
        .filter(|e| e.rule == "pvc-binding")
        .find_map(|e| model.get_str(&e.to));
    let Some(pv) = pv else {
        return (
            Fate::Kept,
            format!("The claim {claim}: a volume the cluster provisions (no PersistentVolume in these manifests); kept across pod restarts."),
            facts,
        );
    };
    let mut text = format!(
        "The claim {claim}, bound to the PersistentVolume {}",
        pv.id.name
    );
    if let Body::PersistentVolume(p) = &pv.body {
        if let Some(spec) = &p.spec {
            if let Some(h) = &spec.host_path {
                text.push_str(&format!(", a directory on the node at {}", h.path));
                facts.push(fact(pv, "spec.hostPath.path", h.path.clone()));
            }
            let policy = spec
                .persistent_volume_reclaim_policy
                .as_deref()
                .unwrap_or("Retain");
            text.push_str(&format!(
                ": kept across pod restarts; when the claim is deleted the volume is {}.",
                match policy {
                    "Delete" => "deleted with its data",
                    "Recycle" => "wiped",
                    _ => "kept (Retain)",
                }
            ));
            facts.push(fact(pv, "spec.persistentVolumeReclaimPolicy", policy));
        }
    }
    (Fate::Kept, text, facts)
}
