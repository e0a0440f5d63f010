#!/usr/bin/env python3
"""Prints the gzipped size of the release .wasm + .js + .css in dist/.

Two figures: the goal (400 KiB, issue 5), reported as met or not, and a hard
ceiling that fails the build so the size cannot creep up unnoticed. The ceiling
sits a little above today's figure; lower it as the size comes down."""
import gzip
import os
import pathlib
import sys

GOAL = 400 * 1024
CEILING = int(os.environ.get("SIZE_CEILING_KIB", "480")) * 1024
dist = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "dist")
total = 0
for f in sorted(dist.iterdir()):
    if f.suffix in {".wasm", ".js", ".css"}:
        raw = f.read_bytes()
        gz = len(gzip.compress(raw, 9))
        total += gz
        print(f"  {f.name:48} {len(raw):>9} B  gzip {gz:>8} B")
verdict = "within" if total <= GOAL else f"OVER by {(total - GOAL) / 1024:.1f} KiB"
print(f"size: wasm+js+css gzipped = {total} B ({total / 1024:.1f} KiB); goal {GOAL // 1024} KiB: {verdict}; "
      f"ceiling {CEILING // 1024} KiB")
if total > CEILING:
    sys.exit(f"size ceiling exceeded: {total / 1024:.1f} KiB > {CEILING // 1024} KiB")
