#!/usr/bin/env python3
"""Cross-check tandem-afp's structured-field listing with the PyPI `afp` package.

For every file in ../shared/corpus/afp/*.afp (or the files given as arguments),
lists (offset, identifier, length) of every structured field with the
independent pure-Python decoder `afp` and compares with the output of
`cargo run -p tandem-afp --example afp_fields`. Exits 1 on any difference.

Run with the interpreter that has `afp` installed:

    /opt/tandem-verify/bin/python scripts/check-afp.py
"""

import glob
import os
import subprocess
import sys

import afp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "..", "shared", "corpus", "afp")


def python_fields(path):
    """(offset, id hex, length) per field, read with the PyPI `afp` package."""
    out = []
    with open(path, "rb") as f:
        offset = f.tell()
        stream = afp.stream(
            f,
            allow_unknown_fields=True,
            allow_unknown_triplets=True,
            allow_unknown_functions=True,
        )
        for sf in stream:
            out.append((offset, "{:06X}".format(sf["SFTypeID"]), sf["SFLength"]))
            offset = f.tell()
    return out


def rust_fields(path):
    """(offset, id hex, length) per field, from the tandem-afp example."""
    res = subprocess.run(
        ["cargo", "run", "-q", "-p", "tandem-afp", "--example", "afp_fields", "--", path],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    out = []
    for line in res.stdout.splitlines():
        offset, sf_id, _name, length = line.split()
        out.append((int(offset), sf_id, int(length)))
    return out


def main():
    files = sys.argv[1:] or sorted(glob.glob(os.path.join(CORPUS, "*.afp")))
    if not files:
        print("no AFP files found in", CORPUS)
        return 1
    failed = 0
    for path in files:
        name = os.path.basename(path)
        try:
            expected = python_fields(path)
        except afp.ParseError as e:
            print("{}: PyPI afp cannot read it ({}), skipped".format(name, e))
            continue
        got = rust_fields(path)
        if got == expected:
            print("{}: {} fields agree".format(name, len(got)))
        else:
            failed += 1
            print("{}: DIFFERENT".format(name))
            for i, (a, b) in enumerate(zip(expected, got)):
                if a != b:
                    print("  field {}: afp {} tandem {}".format(i, a, b))
                    break
            if len(expected) != len(got):
                print("  count: afp {} tandem {}".format(len(expected), len(got)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
