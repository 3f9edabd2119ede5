#!/usr/bin/env python3
"""Runs every red-team text through the scrubber and reports leaks and lost keeps.

Usage: check.py [--bin PATH] [-v] [NAME-FILTER]

A `leak` string must not appear in the output: case-insensitive, and not counted when it is glued
to letters or digits on either side (the same rule as the Rust test in tests/it/scrub.rs).
A `keep` string must appear verbatim (case-sensitive).
A `known_leak` string is a value the scrubber is known to miss; it is reported, not failed.
"""
import argparse
import glob
import os
import subprocess
import sys
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))


def contains_word(text, term):
    lower, term = text.lower(), term.lower()
    start = 0
    while True:
        i = lower.find(term, start)
        if i < 0:
            return False
        before = lower[i - 1] if i > 0 else ""
        after = lower[i + len(term)] if i + len(term) < len(lower) else ""
        if not before.isalnum() and not after.isalnum():
            return True
        start = i + 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("COMMONPLACE_BIN", "/work/main/target/release/commonplace"))
    ap.add_argument("-v", action="store_true", help="print the scrubbed text of failing files")
    ap.add_argument("filter", nargs="?", default="")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        print(f"no scrubber binary at {args.bin} (build it, or pass --bin)")
        return 2
    total_leaks = total_lost = total_known = 0
    for md in sorted(glob.glob(os.path.join(HERE, "[0-9]*.md"))):
        base = md[:-3]
        if args.filter not in os.path.basename(base):
            continue
        with open(base + ".expect.toml", "rb") as f:
            expect = tomllib.load(f)
        with open(md, encoding="utf-8") as f:
            text = f.read()
        r = subprocess.run([args.bin, "scrub", "--profile", base + ".profile.json"],
                           input=text, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{os.path.basename(base)}: scrub failed: {r.stderr.strip()}")
            return 2
        out = r.stdout
        leaks = [s for s in expect.get("leak", []) if contains_word(out, s)]
        lost = [s for s in expect.get("keep", []) if s not in out]
        known = [s for s in expect.get("known_leak", []) if contains_word(out, s)]
        total_known += len(known)
        total_leaks += len(leaks)
        total_lost += len(lost)
        status = "ok" if not leaks and not lost else "FAIL"
        print(f"{os.path.basename(base)}: {status}")
        for s in leaks:
            print(f"    leak: {s!r}")
        for s in lost:
            print(f"    lost keep: {s!r}")
        for s in known:
            print(f"    known leak: {s!r}")
        if args.v and (leaks or lost):
            print("    ---\n" + "\n".join("    | " + l for l in out.splitlines()))
    print(f"total: {total_leaks} leaks, {total_lost} lost keeps, {total_known} known leaks")
    return 1 if total_leaks or total_lost else 0


if __name__ == "__main__":
    sys.exit(main())
