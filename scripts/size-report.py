#!/usr/bin/env python3
"""Prints the gzipped size of the release .wasm + .js + .css in dist/ and fails
above the budget (400 KB)."""
import gzip
import pathlib
import sys

BUDGET = 400 * 1024
dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
total = 0
for f in sorted(dist.iterdir()):
    if f.suffix in {".wasm", ".js", ".css"}:
        raw = f.read_bytes()
        gz = len(gzip.compress(raw, 9))
        total += gz
        print(f"  {f.name:48} {len(raw):>9} B  gzip {gz:>8} B")
print(f"size: wasm+js+css gzipped = {total} B ({total / 1024:.1f} KiB), budget {BUDGET // 1024} KiB")
if total > BUDGET:
    sys.exit("size budget exceeded")
