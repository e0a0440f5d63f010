"""scripts/inline-css.py: the build's stylesheets go into index.html as one <style>, and the
nginx ConfigMap's CSP allows exactly that <style> by its hash (style-src 'self' 'sha256-…')."""
import base64
import hashlib
import pathlib
import re
import shutil
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "inline-css.py"
CONFIGMAP = ROOT / "k8s" / "nginx" / "configmap.yml"
PAGE = ('<!doctype html><html lang=en><meta charset=utf-8><title>t</title>'
        '<link href=/explorer/palette-0123456789abcdef.css integrity="sha384-x" rel=stylesheet>'
        '<link href=/explorer/explorer-fedcba9876543210.css integrity="sha384-y" rel=stylesheet>'
        '<body><explorer-first-frame></explorer-first-frame></body></html>')


def build(tmp: pathlib.Path, a=":root{--a:#fff}", b="body{margin:0}"):
    dist = tmp / "dist"
    dist.mkdir()
    (dist / "index.html").write_text(PAGE)
    (dist / "palette-0123456789abcdef.css").write_text(a)
    (dist / "explorer-fedcba9876543210.css").write_text(b)
    conf = tmp / "configmap.yml"
    shutil.copy(CONFIGMAP, conf)
    return dist, conf


def run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *map(str, args)], capture_output=True, text=True)


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_a_changed_css_stops_the_build_and_names_the_hash(tmp_path):
    dist, conf = build(tmp_path)
    before = conf.read_text()
    r = run(dist, conf)
    assert r.returncode != 0
    assert sha(":root{--a:#fff}body{margin:0}") in r.stderr and "make csp" in r.stderr
    assert conf.read_text() == before and "<link" in (dist / "index.html").read_text()


def test_update_writes_the_hash_then_the_build_inlines_the_css(tmp_path):
    dist, conf = build(tmp_path)
    assert run(dist, conf, "--update-csp").returncode == 0
    css = ":root{--a:#fff}body{margin:0}"
    policy = re.search(r'Content-Security-Policy "([^"]*)"', conf.read_text()).group(1)
    assert f"style-src 'self' {sha(css)};" in policy
    r = run(dist, conf)
    assert r.returncode == 0, r.stderr
    html = (dist / "index.html").read_text()
    assert re.findall(r"<style>(.*?)</style>", html) == [css]
    assert "<link" not in html and not list(dist.glob("*.css"))
    # The hash allows exactly what the page carries.
    assert sha(re.search(r"<style>(.*?)</style>", html).group(1)) in policy


def test_the_committed_configmap_allows_the_committed_css_only_as_built(tmp_path):
    # One hash, and the rest of the policy as it was: no 'unsafe-inline', scripts 'self' only.
    policy = re.search(r'Content-Security-Policy "([^"]*)"', CONFIGMAP.read_text()).group(1)
    assert len(re.findall(r"'sha256-", policy)) == 1
    assert "unsafe-inline" not in policy and "script-src 'self' 'wasm-unsafe-eval';" in policy


def test_a_style_end_tag_in_the_css_is_refused(tmp_path):
    dist, conf = build(tmp_path, b="a::after{content:'</style><script>'}")
    r = run(dist, conf, "--update-csp")
    assert r.returncode != 0 and "</style" in r.stderr
