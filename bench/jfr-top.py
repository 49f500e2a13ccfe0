#!/usr/bin/env python3
"""Top methods of a JFR recording's execution samples: self (top frame) and total (anywhere on the stack).

usage: jfr-top.py FILE.jfr [N] [FILTER]  -- FILTER keeps samples whose stack names it (e.g. io.tasq)
"""
import collections, json, subprocess, sys

path = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 25
flt = sys.argv[3] if len(sys.argv) > 3 else None
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
self_c, total_c, threads = collections.Counter(), collections.Counter(), collections.Counter()
count = 0
for e in events:
    frames = e["values"]["stackTrace"]["frames"] if e["values"].get("stackTrace") else []
    names = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in frames]
    if flt and not any(flt in x for x in names):
        continue
    count += 1
    t = e["values"].get("sampledThread") or {}
    threads[(t.get("javaName") or t.get("osName") or "?").rstrip("0123456789-")] += 1
    if names:
        self_c[names[0]] += 1
    for m in set(names):
        total_c[m] += 1
print(f"{count} samples")
print("\nthreads:")
for k, v in threads.most_common(10):
    print(f"  {100.0 * v / count:5.1f}%  {k}")
print("\nself (top frame):")
for k, v in self_c.most_common(n):
    print(f"  {100.0 * v / count:5.1f}%  {k}")
print("\ntotal (on the stack), io.tasq and library entry points:")
for k, v in [kv for kv in total_c.most_common(400) if not kv[0].startswith(("java.", "jdk.", "sun."))][:n]:
    print(f"  {100.0 * v / count:5.1f}%  {k}")
