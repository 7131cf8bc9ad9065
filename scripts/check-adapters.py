#!/usr/bin/env python3
"""check-adapters.py - read back every mark adapter of tandem-marks from PDFs.

Usage:
  check-adapters.py [--dir DIR] [--no-generate] [--sheets 200]
                    [--tools ../shared/tools] [--dpi 200] [--renderer mutool]
                    [--jobs 2] [--verbose]

Runs `cargo run --release -p tandem-core --example adapter_sheets -- DIR N`,
which draws N random sheets per adapter (Pitney Bowes OMR, Quadient OMR,
Code 39, Interleaved 2 of 5, Code 128, DataMatrix) with Tandem's PDF writer
into DIR/<adapter>.pdf and writes the adapter's configuration and each
page's control data to DIR/<adapter>.json. (--no-generate reuses DIR as it
is, e.g. to prove that a tampered JSON fails.)

Every page is then read by ../shared/tools/read-marks.py (a renderer plus
zxing-cpp; nothing of Tandem's code) and compared with what this script
derives on its own from the JSON, following DOMAIN.md section 3:
  OMR       the bars in the reading strip lie on exactly the expected tracks
            (y-centre within 0.35 mm, thickness within 0.2 mm, x extent
            within 0.3 mm), and the control data decoded from the read
            tracks (first/last sheet of the set, sequence mod 8, selective
            feeders, divert, parity) equals the page's control data;
  barcodes  exactly one symbol of the adapter's format, whose text equals
            the template filled in with the page's control data (Code 39:
            plus the modulo-43 check character; Interleaved 2 of 5: with a
            leading 0 for odd lengths), at the configured position.
One check per page. The last line is `check-adapters: N passed, M failed`;
the exit status is 0 only if M is 0.
"""
import argparse
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRACK_TOL_MM = 0.35
THICKNESS_TOL_MM = 0.2
X_TOL_MM = 0.3
POS_TOL_MM = 1.5
CODE39 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"
ZXING_FORMAT = {"code-39": "Code39", "interleaved-2-of-5": "ITF", "code-128": "Code128"}


def fill(template, s):
    """Fill a payload template (see tandem_marks::template) in Python."""
    values = {
        "job": s["job"], "piece": s["piece"], "sheet": str(s["sheet"]),
        "sheets": str(s["sheets"]), "set_size": str(s["sheets"]),
        "sequence": str(s["sequence"]), "feeders": "%02X" % s["feeders"],
        "divert": "1" if s["divert"] else "0",
    }
    out, i = [], 0
    while i < len(template):
        if template.startswith("{{", i) or template.startswith("}}", i):
            out.append(template[i])
            i += 2
        elif template[i] == "{":
            j = template.index("}", i)
            out.append(values[template[i + 1:j]])
            i = j + 1
        else:
            out.append(template[i])
            i += 1
    return "".join(out)


def omr_expected_tracks(code, s):
    """Marked track indices for control data s, from DOMAIN.md section 3."""
    first, last = s["sheet"] == 1, s["sheet"] == s["sheets"]
    seq = s["sequence"] % 8
    marks = []
    for f in code["tracks"]:
        if f in ("benchmark", "safety"):
            m = True
        elif f == "begin-of-set":
            m = first
        elif f == "not-begin-of-set":
            m = not first
        elif f == "end-of-set":
            m = last
        elif f == "not-end-of-set":
            m = not last
        elif f.startswith("sequence-"):
            m = bool(seq & int(f.split("-")[1]))
        elif f.startswith("selective-feed-"):
            m = bool(s["feeders"] >> (int(f.rsplit("-", 1)[1]) - 1) & 1)
        elif f == "divert":
            m = s["divert"]
        elif f == "parity":
            m = None
        else:
            raise ValueError(f"unknown OMR function {f}")
        marks.append(m)
    if "parity" in code["tracks"]:
        p = code["tracks"].index("parity")
        others = sum(1 for m in marks if m)
        want_even = code.get("parity", "even") == "even"
        marks[p] = (others % 2 == 1) if want_even else (others % 2 == 0)
    return [i for i, m in enumerate(marks) if m]


def omr_decode(code, tracks):
    """Control data as an inserter would read it from the marked tracks."""
    marked = set(tracks)
    names = code["tracks"]
    got = {"feeders": 0, "divert": False}
    for i, f in enumerate(names):
        on = i in marked
        if f in ("benchmark", "safety") and not on:
            got["incomplete"] = True
        elif f == "end-of-set":
            got["last"] = on
        elif f == "not-end-of-set":
            got["last"] = not on
        elif f == "begin-of-set":
            got["first"] = on
        elif f == "not-begin-of-set":
            got["first"] = not on
        elif f.startswith("sequence-") and on:
            got["seq"] = got.get("seq", 0) + int(f.split("-")[1])
        elif f.startswith("sequence-"):
            got.setdefault("seq", 0)
        elif f.startswith("selective-feed-") and on:
            got["feeders"] |= 1 << (int(f.rsplit("-", 1)[1]) - 1)
        elif f == "divert":
            got["divert"] = on
    if "parity" in names:
        even = len(marked) % 2 == 0
        got["parity_ok"] = even if code.get("parity", "even") == "even" else not even
    return got


def check_omr(code, s, rec):
    bars = rec["omr"][0]["bars"]
    want = omr_expected_tracks(code, s)
    top, pitch = code["top_mm"], code["pitch_mm"]
    got = []
    for b in bars:
        t = (b["y_mm"] - top) / pitch
        i = round(t)
        if abs(b["y_mm"] - (top + i * pitch)) > TRACK_TOL_MM:
            return f"bar at y={b['y_mm']} mm is off track (nearest track {i})"
        if abs(b["thickness_mm"] - code["bar_thickness_mm"]) > THICKNESS_TOL_MM:
            return f"bar at y={b['y_mm']} mm is {b['thickness_mm']} mm thick"
        if (abs(b["x_from_mm"] - code["left_mm"]) > X_TOL_MM
                or abs(b["x_to_mm"] - code["left_mm"] - code["bar_length_mm"]) > X_TOL_MM):
            return f"bar at y={b['y_mm']} mm spans x={b['x_from_mm']}..{b['x_to_mm']} mm"
        got.append(i)
    if got != want:
        return f"tracks {got}, expected {want}"
    decoded = omr_decode(code, got)
    expect = {"feeders": s["feeders"], "divert": s["divert"]}
    names = code["tracks"]
    if "end-of-set" in names or "not-end-of-set" in names:
        expect["last"] = s["sheet"] == s["sheets"]
    if "begin-of-set" in names or "not-begin-of-set" in names:
        expect["first"] = s["sheet"] == 1
    if "sequence-1" in names:
        expect["seq"] = s["sequence"] % 8
    if "parity" in names:
        expect["parity_ok"] = True
    if decoded != expect:
        return f"decoded {decoded}, control data {expect}"
    return None


def expected_text(code, s):
    payload = fill(code["template"], s)
    if code["kind"] == "barcode" and code["symbology"] == "code-39" and code.get("check_digit"):
        payload += CODE39[sum(CODE39.index(c) for c in payload) % 43]
    if code["kind"] == "barcode" and code["symbology"] == "interleaved-2-of-5":
        if code.get("check_digit"):
            total = sum(int(d) * (3 if k % 2 == 0 else 1) for k, d in enumerate(reversed(payload)))
            payload += str((10 - total % 10) % 10)
        if len(payload) % 2:
            payload = "0" + payload
    return payload


def check_code(code, s, rec):
    fmt = "DataMatrix" if code["kind"] == "data-matrix" else ZXING_FORMAT[code["symbology"]]
    found = rec.get("barcodes", [])
    if len(found) != 1:
        return f"{len(found)} barcodes read: {[(b['format'], b['text']) for b in found]}"
    b = found[0]
    want = expected_text(code, s)
    if b["format"] != fmt or b["text"] != want:
        return f"read {b['format']} {b['text']!r}, expected {fmt} {want!r}"
    x0, y0, x1, y1 = b["bbox_mm"]
    if code["kind"] == "data-matrix":
        if abs(x0 - code["x_mm"]) > POS_TOL_MM or abs(y0 - code["y_mm"]) > POS_TOL_MM:
            return f"symbol at ({x0}, {y0}) mm, expected ({code['x_mm']}, {code['y_mm']})"
    else:
        # Linear readers report the scan line, so only x and the band in y.
        if abs(x0 - code["x_mm"]) > POS_TOL_MM:
            return f"symbol starts at x={x0} mm, expected {code['x_mm']}"
        if not (code["y_mm"] - POS_TOL_MM <= y0 and y1 <= code["y_mm"] + code["height_mm"] + POS_TOL_MM):
            return f"symbol at y={y0}..{y1} mm, outside the bars' band"
    return None


def read(py, tools, pdf, code, a):
    cmd = [py, os.path.join(tools, "read-marks.py"), pdf, "--json", "--dpi", str(a.dpi),
           "--renderer", a.renderer]
    if code["kind"] == "omr":
        # The reading head: the middle of the bars, away from their ends.
        cmd += ["--strip", f"{code['left_mm'] + 2}:{code['left_mm'] + code['bar_length_mm'] - 2}",
                "--no-barcodes"]
    else:
        # Look for all the adapters' formats, so a wrong symbology shows.
        cmd += ["--formats", "DataMatrix,Code39,ITF,Code128"]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"read-marks.py failed ({r.returncode}): {r.stderr.strip()}")
    return {rec["page"]: rec for rec in map(json.loads, r.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dir", default=os.path.join(ROOT, "target", "check-adapters"))
    ap.add_argument("--no-generate", action="store_true")
    ap.add_argument("--sheets", type=int, default=200)
    ap.add_argument("--tools", default=os.path.join(os.path.dirname(ROOT), "shared", "tools"))
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--renderer", choices=["mutool", "pdftoppm"], default="mutool")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--verbose", action="store_true", help="print every failure, not the first 5 per adapter")
    a = ap.parse_args()
    started = time.time()
    if not a.no_generate:
        subprocess.run(["cargo", "run", "--release", "-q", "-p", "tandem-core", "--example",
                        "adapter_sheets", "--", a.dir, str(a.sheets)], cwd=ROOT, check=True)
    expected = {}
    for name in sorted(os.listdir(a.dir)):
        if name.endswith(".json"):
            with open(os.path.join(a.dir, name)) as f:
                expected[name[:-5]] = json.load(f)
    if not expected:
        sys.exit(f"check-adapters: no adapter files in {a.dir}")
    passed = failed = 0
    with cf.ThreadPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        futures = {name: pool.submit(read, sys.executable, a.tools, os.path.join(a.dir, name + ".pdf"),
                                     e["code"], a)
                   for name, e in expected.items()}
        for name, e in expected.items():
            code = e["code"]
            recs = futures[name].result()
            ok = bad = 0
            for s in e["pages"]:
                rec = recs.get(s["page"])
                if rec is None:
                    problem = "page not read"
                elif code["kind"] == "omr":
                    problem = check_omr(code, s, rec)
                else:
                    problem = check_code(code, s, rec)
                if problem is None:
                    ok += 1
                    continue
                bad += 1
                if a.verbose or bad <= 5:
                    print(f"FAIL {name} page {s['page']}: {problem}")
            if len(recs) != len(e["pages"]):
                bad += 1
                print(f"FAIL {name}: {len(recs)} pages in the PDF, {len(e['pages'])} expected")
            print(f"{name}: {ok} passed, {bad} failed")
            passed += ok
            failed += bad
    print(f"time: {time.time() - started:.1f} s ({a.dpi} dpi, {a.renderer}, {a.jobs} jobs)")
    print(f"check-adapters: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed > 0 else 1)


if __name__ == "__main__":
    main()
