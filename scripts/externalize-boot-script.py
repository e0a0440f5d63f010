#!/usr/bin/env python3
"""Moves Trunk's inline boot <script type="module"> out of dist/index.html into a
content-hashed file, so the Content-Security-Policy can say script-src 'self'
(no 'unsafe-inline', no per-build hash in the nginx ConfigMap). The file starts with
scripts/boot-prelude.js (keeps a click made on the first frame before the app is ready)."""
import hashlib
import pathlib
import re
import sys

dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
index = dist / "index.html"
html = index.read_text()
# Trunk's minifier may drop the quotes: type=module or type="module".
pattern = re.compile(r'<script\s+type=["\']?module["\']?(?P<attrs>[^>]*)>(?P<body>.*?)</script>', re.S)
found = [m for m in pattern.finditer(html) if "src=" not in m.group("attrs")]
if not found:
    if "/explorer/boot-" in html:
        sys.exit(0)  # already done
    sys.exit("externalize: no inline module script in %s" % index)
prelude = (pathlib.Path(__file__).parent / "boot-prelude.js").read_text()
for m in reversed(found):
    body = prelude + m.group("body").strip() + "\n"
    digest = hashlib.sha256(body.encode()).hexdigest()[:16]
    name = f"boot-{digest}.js"
    (dist / name).write_text(body)
    html = html[: m.start()] + f'<script type="module" src="/explorer/{name}"></script>' + html[m.end():]
index.write_text(html)
print(f"externalize: moved {len(found)} inline script(s) out of index.html")
