#!/usr/bin/env python3
"""Runs every red-team text through the scrubber and reports leaks and lost keeps.

Usage: check.py [--bin PATH] [--mode text|markdown|both] [-v] [NAME-FILTER]

`text` scrubs each file as one text (`commonplace scrub`). `markdown` runs each file through the
Markdown import and then the submission scrub (`commonplace scrub --markdown`), and checks every
field of the result together: a leak in a timeline entry or an action item counts. Files the
import cannot read (no heading to take a title from) are listed as not importable. `both` (the
default) does both and fails if either fails.

A `leak` string must not appear in the output: case-insensitive, and not counted when it is glued
to letters or digits on either side (the same rule as the Rust test in tests/it/scrub.rs).
A `keep` string must appear verbatim (case-sensitive).
A `known_leak` string is a value the scrubber is known to miss; it is reported, not failed.
"""
import argparse
import glob
import json
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


def strings(value):
    """Every string in a JSON value, in document order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for v in value:
            yield from strings(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v)


def run(binary, profile, text, mode):
    """The scrubbed output as one string, or None when the import cannot read the text."""
    cmd = [binary, "scrub", "--profile", profile]
    if mode == "markdown":
        cmd.append("--markdown")
    r = subprocess.run(cmd, input=text, capture_output=True, text=True)
    if r.returncode != 0:
        if mode == "markdown" and "Markdown document" in r.stderr:
            return None
        raise RuntimeError(r.stderr.strip())
    if mode == "markdown":
        # Fields are joined by a blank line, so no leak or keep can span two fields.
        return "\n\n".join(strings(json.loads(r.stdout)))
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.environ.get("COMMONPLACE_BIN", "/work/main/target/release/commonplace"))
    ap.add_argument("-v", action="store_true", help="print the scrubbed text of failing files")
    ap.add_argument("--mode", choices=["text", "markdown", "both"], default="both")
    ap.add_argument("filter", nargs="?", default="")
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        print(f"no scrubber binary at {args.bin} (build it, or pass --bin)")
        return 2
    counts = {"text": [0, 0, 0], "markdown": [0, 0, 0]}
    not_importable = 0
    for md in sorted(glob.glob(os.path.join(HERE, "[0-9]*.md"))):
        base = md[:-3]
        if args.filter not in os.path.basename(base):
            continue
        with open(base + ".expect.toml", "rb") as f:
            expect = tomllib.load(f)
        with open(md, encoding="utf-8") as f:
            text = f.read()
        modes = ["text", "markdown"] if args.mode == "both" else [args.mode]
        for mode in modes:
            label = os.path.basename(base) + ("" if mode == "text" else " [markdown]")
            try:
                out = run(args.bin, base + ".profile.json", text, mode)
            except RuntimeError as e:
                print(f"{label}: scrub failed: {e}")
                return 2
            if out is None:
                not_importable += 1
                if args.v:
                    print(f"{label}: not importable")
                continue
            leaks = [s for s in expect.get("leak", []) if contains_word(out, s)]
            lost = [s for s in expect.get("keep", []) if s not in out]
            known = [s for s in expect.get("known_leak", []) if contains_word(out, s)]
            counts[mode][0] += len(leaks)
            counts[mode][1] += len(lost)
            counts[mode][2] += len(known)
            status = "ok" if not leaks and not lost else "FAIL"
            print(f"{label}: {status}")
            for s in leaks:
                print(f"    leak: {s!r}")
            for s in lost:
                print(f"    lost keep: {s!r}")
            for s in known:
                print(f"    known leak: {s!r}")
            if args.v and (leaks or lost):
                print("    ---\n" + "\n".join("    | " + l for l in out.splitlines()))
    for mode in (["text", "markdown"] if args.mode == "both" else [args.mode]):
        leaks, lost, known = counts[mode]
        extra = f", {not_importable} not importable" if mode == "markdown" else ""
        print(f"total ({mode}): {leaks} leaks, {lost} lost keeps, {known} known leaks{extra}")
    failed = any(c[0] or c[1] for c in counts.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
