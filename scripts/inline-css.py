#!/usr/bin/env python3
"""Moves the build's stylesheets into dist/index.html as one <style>, so the first frame
needs no second request before it can paint (interleaved A/B of 15 cold loads each:
first contentful paint 344 -> 292 ms median on the 2-core test machine; README, issue 11).

The Content-Security-Policy keeps style-src 'self' and allows this one <style> by its hash,
which lives in the nginx ConfigMap (k8s/nginx/configmap.yml). When the CSS changes, the
hash does: the build stops and says so, and `make csp` writes the new hash there.

usage: inline-css.py DIST CONFIGMAP [--update-csp]"""
import base64
import hashlib
import pathlib
import re
import sys

args = [a for a in sys.argv[1:] if not a.startswith("--")]
update = "--update-csp" in sys.argv
dist, configmap = pathlib.Path(args[0]), pathlib.Path(args[1])
index = dist / "index.html"
html = index.read_text()
# Trunk's minified links: <link href=/explorer/NAME-HASH.css integrity="sha384-..." rel=stylesheet>
link = re.compile(r'<link\b[^>]*\bhref="?/explorer/(?P<file>[\w.-]+\.css)"?[^>]*>')
links = list(link.finditer(html))
if not links:
    if "<style>" in html:
        sys.exit(0)  # already done
    sys.exit(f"inline-css: no stylesheet link in {index}")
css = "".join((dist / m.group("file")).read_text() for m in links)
if "</style" in css.lower():
    sys.exit("inline-css: the CSS contains '</style'")
source = f"'sha256-{base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()}'"

conf = configmap.read_text()
style_src = re.compile(r"style-src 'self'(?: 'sha256-[A-Za-z0-9+/]{43}=')?;")
found = style_src.findall(conf)
if len(found) != 1:
    sys.exit(f"inline-css: {configmap} should have one CSP with style-src 'self' [hash]; found {len(found)}")
wanted = f"style-src 'self' {source};"
if found[0] != wanted:
    if not update:
        sys.exit(f"inline-css: the CSS changed, so the CSP in {configmap} must allow its new hash:\n"
                 f"  {wanted}\nRun `make csp` to write it there (then `make dist` again).")
    configmap.write_text(style_src.sub(wanted, conf))
    print(f"inline-css: {configmap}: {wanted}")
    sys.exit(0)
if update:
    print(f"inline-css: {configmap} already allows {source}")
    sys.exit(0)

first = links[0]
out = html[: first.start()] + f"<style>{css}</style>" + html[first.end():]
for m in links[1:]:
    out = out.replace(m.group(0), "", 1)
index.write_text(out)
for m in links:
    (dist / m.group("file")).unlink()
print(f"inline-css: {len(links)} stylesheet(s), {len(css)} B, into index.html; CSP {source}")
