//! Markup of the security and storage reference pages, on [`Html`] (escaped by construction),
//! for the same reason as [`crate::walk`]: static tables redrawn whole cost less as one writer
//! than as a compiled `view!` tree each.

use explorer_core::security::Security;
use explorer_core::storage::{Fate, Volume};

use crate::html;
use crate::html::Html;
use crate::url;
use crate::walk;

fn node_link(h: &mut Html, base: &str, node: &str, name: &str) {
    html!(
        h,
        r#"<a href="{}/?node={}">{}</a>"#,
        base,
        url::encode(node),
        name
    );
}

fn list(h: &mut Html, items: &[String]) {
    if items.is_empty() {
        h.push_static(r#"<span class="muted">none</span>"#);
        return;
    }
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            h.push_static(", ");
        }
        html!(h, "{}", x);
    }
}

/// The security page's sections: exposure, network policies, Secret keys, RBAC, findings.
pub fn security(s: &Security, base: &str) -> Html {
    let mut h = Html::new();
    h.push_static(r#"<h2>Reachable from outside</h2>"#);
    if s.exposures.is_empty() {
        h.push_static(r#"<p data-testid="exposure">Nothing: no LoadBalancer or NodePort Service and no Ingress.</p>"#);
    } else {
        h.push_static(r#"<ul class="plain" data-testid="exposure">"#);
        for e in &s.exposures {
            h.push_static("<li><strong>");
            node_link(&mut h, base, &e.node, &e.name);
            h.push_static("</strong>: ");
            list(&mut h, &e.how);
            h.push_static("</li>");
        }
        h.push_static("</ul>");
    }

    h.push_static(r#"<h2>Network policies</h2>"#);
    if s.policies.is_empty() {
        h.push_static(r#"<p data-testid="policies">None: every pod accepts traffic from every other pod.</p>"#);
    } else {
        h.push_static(concat!(
            r#"<table class="findings" data-testid="policies"><thead><tr><th scope="col">Policy</th>"#,
            r#"<th scope="col">Applies to</th><th scope="col">Lets in</th></tr></thead><tbody>"#
        ));
        for p in &s.policies {
            h.push_static(r#"<tr><th scope="row">"#);
            node_link(&mut h, base, &p.node, &p.name);
            h.push_static("</th><td>");
            list(&mut h, &p.applies_to);
            h.push_static("</td><td>");
            if p.denies_all {
                h.push_static("nothing (denies all ingress)");
            } else {
                list(&mut h, &p.allows_from);
            }
            h.push_static("</td></tr>");
        }
        h.push_static("</tbody></table>");
    }

    h.push_static(r#"<h2>Who reads which Secret</h2><p class="muted">Keys only: values never leave the build.</p>"#);
    if s.secret_reads.is_empty() {
        h.push_static(r#"<p data-testid="secret-reads">No workload reads a Secret.</p>"#);
    } else {
        h.push_static(concat!(
            r#"<table class="findings" data-testid="secret-reads"><thead><tr><th scope="col">Workload</th>"#,
            r#"<th scope="col">Secret</th><th scope="col">How</th></tr></thead><tbody>"#
        ));
        for r in &s.secret_reads {
            html!(
                h,
                r#"<tr><th scope="row">{}</th><td>{}</td><td>"#,
                r.workload,
                r.secret
            );
            list(&mut h, &r.uses);
            h.push_static("</td></tr>");
        }
        h.push_static("</tbody></table>");
    }

    h.push_static(r#"<h2>What each ServiceAccount may do</h2>"#);
    if s.grants.is_empty() {
        h.push_static(r#"<p data-testid="grants">No role is granted to a ServiceAccount.</p>"#);
    } else {
        h.push_static(concat!(
            r#"<table class="findings" data-testid="grants"><thead><tr><th scope="col">Account</th>"#,
            r#"<th scope="col">Used by</th><th scope="col">Role</th><th scope="col">May</th></tr></thead><tbody>"#
        ));
        for g in &s.grants {
            html!(h, r#"<tr><th scope="row">{}</th><td>"#, g.account);
            list(&mut h, &g.used_by);
            html!(
                h,
                "</td><td>{}{}</td><td>",
                g.role,
                if g.cluster_wide {
                    " (cluster-wide)"
                } else {
                    ""
                }
            );
            list(&mut h, &g.rules);
            h.push_static("</td></tr>");
        }
        h.push_static("</tbody></table>");
    }

    h.push_static(r#"<h2>Findings</h2>"#);
    if s.findings.is_empty() {
        h.push_static(r#"<p data-testid="security-findings">None.</p>"#);
    } else {
        h.push_static(concat!(
            r#"<table class="findings" data-testid="security-findings"><thead><tr><th scope="col">Severity</th>"#,
            r#"<th scope="col">Object</th><th scope="col">Finding</th><th scope="col">Fix</th></tr></thead><tbody>"#
        ));
        for f in &s.findings {
            let name = f.object.rsplit('/').next().unwrap_or(&f.object);
            html!(
                h,
                r#"<tr data-rule="{}"><td><span class="sev sev-{}">{}</span></td><th scope="row">"#,
                f.rule,
                f.severity.to_string(),
                f.severity.to_string()
            );
            node_link(&mut h, base, &f.object, name);
            html!(h, "</th><td>{}", f.message);
            h.push_html(&walk::facts_inline(&f.facts));
            html!(h, r#"</td><td data-testid="fix">{}</td></tr>"#, f.fix);
        }
        h.push_static("</tbody></table>");
    }
    h
}

/// The storage page's table: every volume, kept ones first.
pub fn storage(volumes: &[Volume], base: &str) -> Html {
    let mut h = Html::new();
    if volumes.is_empty() {
        h.push_static(
            r#"<p data-testid="no-volumes">No workload in these manifests declares a volume.</p>"#,
        );
        return h;
    }
    h.push_static(concat!(
        r#"<table class="findings storage" data-testid="volumes"><thead><tr><th scope="col">Workload</th>"#,
        r#"<th scope="col">Volume</th><th scope="col">Mounted at</th><th scope="col">On restart</th>"#,
        r#"<th scope="col">Where the data is</th></tr></thead><tbody>"#
    ));
    for v in volumes {
        html!(h, r#"<tr data-fate="{}"><th scope="row">"#, v.fate.as_str());
        node_link(&mut h, base, &v.node, &v.workload);
        html!(h, "</th><td><code>{}</code></td><td>", v.volume);
        for (i, m) in v.mounts.iter().enumerate() {
            if i > 0 {
                h.push_static("<br>");
            }
            html!(h, "<code>{}</code>", m);
        }
        html!(
            h,
            r#"</td><td><span class="fate fate-{}">{}</span></td><td>{}"#,
            v.fate.as_str(),
            match v.fate {
                Fate::Kept => "kept",
                Fate::Node => "kept on that node",
                Fate::FromObject => "rebuilt",
                Fate::Lost => "lost",
            },
            v.text
        );
        h.push_html(&walk::facts_inline(&v.facts));
        h.push_static("</td></tr>");
    }
    h.push_static("</tbody></table>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use explorer_core::security::Exposure;

    #[test]
    fn escapes_and_says_when_empty() {
        let mut s = Security::default();
        let empty = security(&s, "/x").into_string();
        assert!(empty.contains("Nothing: no LoadBalancer"));
        assert!(empty.contains("every pod accepts traffic"));
        s.exposures.push(Exposure {
            node: "Service/a/<b>".into(),
            name: "<b>".into(),
            how: vec!["port \"80\"".into()],
        });
        let out = security(&s, "/x").into_string();
        assert!(out.contains("&lt;b&gt;") && !out.contains("<b>"), "{out}");
        assert!(out.contains("port &quot;80&quot;"));
        assert!(storage(&[], "/x").into_string().contains("no-volumes"));
    }
}
