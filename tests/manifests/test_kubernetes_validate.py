"""Every Kubernetes document under k8s/ validates in strict mode (unknown fields are errors) against
the bundled OpenAPI schemas, through kubernetes-validate's Python API.

The CLI only *warns* when it has no schema for an apiVersion/kind (SchemaNotFoundError); here that
is a failure, so a typo such as apps/v2 or kind Deploymnet cannot slip through."""
from __future__ import annotations

import pytest
import kubernetes_validate
from kubernetes_validate.utils import SchemaNotFoundError, ValidationError, latest_version

import k8slib

# k3d's default k3s line, and the newest schema the package bundles.
VERSIONS = sorted({"1.31.0", latest_version()})
DOCS = k8slib.load_documents()


def strict_validate(doc: dict, version: str) -> None:
    """kubernetes_validate.validate in strict mode, with a missing schema turned into a failure."""
    if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
        pytest.fail(f"not a Kubernetes object (no apiVersion/kind): {doc!r:.120}")
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except SchemaNotFoundError as e:
        pytest.fail(f"unknown apiVersion/kind: {e.message}")
    except ValidationError as e:
        path = ".".join(str(p) for p in e.path)
        pytest.fail(f"{doc['kind']}/{doc.get('metadata', {}).get('name')}: {path}: {e.message}")


def test_there_are_documents():
    assert len(DOCS) >= 29


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("doc", [d for _, _, d in DOCS],
                         ids=[f"{f}#{i}:{d.get('kind')}/{d.get('metadata', {}).get('name')}" for f, i, d in DOCS])
def test_document_is_valid(doc, version):
    strict_validate(doc, version)


# The wrapper itself: it must reject what the CLI would only warn about, and unknown fields.

def test_unknown_kind_fails():
    with pytest.raises(pytest.fail.Exception, match="unknown apiVersion/kind"):
        strict_validate({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "x"}}, VERSIONS[0])


def test_unknown_api_version_fails():
    with pytest.raises(pytest.fail.Exception, match="unknown apiVersion/kind"):
        strict_validate({"apiVersion": "apps/v2", "kind": "Deployment", "metadata": {"name": "x"}}, VERSIONS[0])


def test_unknown_field_fails_in_strict_mode():
    doc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
           "spec": {"ports": [{"port": 80}], "selectr": {"a": "b"}}}
    with pytest.raises(pytest.fail.Exception, match="selectr"):
        strict_validate(doc, VERSIONS[0])


def test_valid_object_passes():
    strict_validate({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"},
                     "spec": {"ports": [{"port": 80}]}}, VERSIONS[0])
