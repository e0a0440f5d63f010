#!/usr/bin/env python3
"""Prints the gzipped size of the release .wasm + .js + .css in dist/ (the CSS is inline in
index.html: its <style>, compressed on its own) and fails the build above the budget.

The guard is 700,000 bytes (each file compressed on its own, as the server sends it: the
.gz beside the file, which nginx serves with gzip_static, else gzip -9): a ceiling, not the
goal; what counts is what the user feels.
SIZE_BUDGET_BYTES overrides it, for measuring a trial build that is over."""
import gzip
import os
import pathlib
import re
import sys

BUDGET = int(os.environ.get("SIZE_BUDGET_BYTES", "700000"))
dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
total = 0
for f in sorted(dist.iterdir()):
    if f.suffix in {".wasm", ".js", ".css"}:
        raw = f.read_bytes()
        served = f.with_name(f.name + ".gz")
        gz9 = len(gzip.compress(raw, 9))
        gz = served.stat().st_size if served.exists() else gz9
        if served.exists() and gzip.decompress(served.read_bytes()) != raw:
            sys.exit(f"{served} is not {f.name} compressed")
        total += gz
        print(f"  {f.name:48} {len(raw):>9} B  served {gz:>8} B  (gzip -9 {gz9:>8} B)")
page = dist / "index.html"
if page.exists():
    raw = page.read_bytes()
    styles = re.findall(rb"<style>(.*?)</style>", raw, flags=re.S)
    for css in styles:
        gz = len(gzip.compress(css, 9))
        total += gz
        print(f"  {'inline CSS of index.html':48} {len(css):>9} B  gzip -9  {gz:>8} B")
    print(f"  {'index.html (first frame; not in the guard)':48} {len(raw):>9} B  gzip {len(gzip.compress(raw, 9)):>8} B")
left = BUDGET - total
verdict = f"{left} B to spare" if left >= 0 else f"OVER by {-left} B"
print(f"size: wasm+js+css gzipped = {total} B ({total / 1000:.1f} KB, {total / 1024:.1f} KiB); "
      f"budget {BUDGET} B: {verdict}")
if left < 0:
    sys.exit(f"size budget exceeded: {total} B > {BUDGET} B")
