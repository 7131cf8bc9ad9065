#!/usr/bin/env python3
"""verify-demo.py - independent end-to-end check of Tandem's demo output.

Usage:
  verify-demo.py DEMO_DIR [--profile examples/centre-sued.toml]
                 [--tools ../shared/tools] [--dpi 150] [--sample N] [--jobs N]

DEMO_DIR is what `tandem demo` writes: DEMO_DIR/job/{job.toml,letters.pdf,
letters.csv} and DEMO_DIR/out/{manifest.json,manifest.csv,<run files>.pdf}.

Nothing here uses Tandem's Rust code; the facts come from the files
(manifest, job.toml, partner profile) and the PDFs are inspected with
external tools only:
  * qpdf (--check, --show-npages), hashlib          -> structure, sha256
  * read-marks.py (MuPDF render + zxing-cpp)         -> OMR bars, DataMatrix
  * pdftoppm (poppler render) + numpy                -> old mark zone is white
  * pdftotext (poppler)                              -> page order via footers
so marks and white-out are judged by two different renderers.

Speed: read-marks.py renders one page per renderer call. With pdftoppm it
writes PNGs (~0.45 s/page at 150 dpi), so MuPDF is the default. By default
read-marks.py reads a temporary copy whose CropBox (set with pikepdf, content
untouched) is the left strip around the OMR and DataMatrix areas, about 3x
faster than whole pages; marks or barcodes placed outside that strip are then
not seen (--no-crop reads whole pages). 150 dpi gives ~3 px per 0.5 mm
module/bar, which zxing-cpp and the bar finder read reliably. The tool runs
are spread over --jobs worker threads (one subprocess each).

Checks (each counted as one pass/fail):
  manifest   totals add up; every piece once; pieces tile each run file
             without gap/overlap; sequences continuous job-wide; pieces agree
             with letters.csv and manifest.csv; input sha256/page count
  file       per run: exists, sha256, bytes, qpdf --check, page count
  marks      per front page: exactly the expected OMR tracks (y, thickness,
             x extent), exactly one DataMatrix with the expected text at
             (x_mm, y_mm), nothing else in the OMR strip;
             per back page: no bars in the strip, no barcode at all
  size       per page: the paper size of the profile
  whiteout   per page: no dark pixel inside job.toml's origin_mark_zone
             (minus the partner's own OMR/DataMatrix areas, if they overlap)
  text       per page: footer "Brief <piece> - Seite n von m" is the right
             piece and page; the blank back page of an odd piece is empty

Output: one line per failure (capped by --max-lines), then exactly
`verify-demo: N passed, M failed`. Exit 0 only when M == 0; 2 on usage or
setup errors.
"""
import argparse
import concurrent.futures as cf
import csv
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib

import numpy as np

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)
MM_PER_INCH = 25.4
PAPER_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0), "a5": (148.0, 210.0),
            "letter": (215.9, 279.4)}
FOOTER_RE = re.compile(r"Brief\s+(P\d+)\s+-\s+Seite\s+(\d+)\s+von\s+(\d+)")


def die(msg):
    print(f"verify-demo: {msg}", file=sys.stderr)
    sys.exit(2)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def qpdf_npages(path):
    r = run(["qpdf", "--show-npages", path])
    return int(r.stdout.strip()) if r.returncode == 0 and r.stdout.strip().isdigit() else None


class Report:
    """Counts checks; keeps the failure lines in the order they were found.

    `kind` labels the following checks (manifest, file, marks, ...) for the
    per-kind failure summary."""

    def __init__(self):
        self.passed = 0
        self.failures = []
        self.kind = "manifest"
        self.failed_by_kind = {}

    def check(self, ok, msg, kind=None):
        if ok:
            self.passed += 1
        else:
            self.failures.append(msg)
            k = kind or self.kind
            self.failed_by_kind[k] = self.failed_by_kind.get(k, 0) + 1
        return ok


# --------------------------------------------------------------------------
# Expected marks, derived from the profile only
# --------------------------------------------------------------------------

def expected_tracks(tracks, parity, sheet, sheets, sequence):
    """Bool per track (top to bottom) for one front page."""
    seq = sequence % 8
    bits = {"benchmark": True, "safety": True, "end-of-set": sheet == sheets,
            "sequence-1": bool(seq & 1), "sequence-2": bool(seq & 2),
            "sequence-4": bool(seq & 4)}
    marks = []
    for t in tracks:
        if t == "parity":
            marks.append(None)  # filled in below, depends on all the others
        elif t in bits:
            marks.append(bits[t])
        else:
            die(f"profile: unknown OMR track {t!r}")
    others = sum(1 for m in marks if m)
    for i, m in enumerate(marks):
        if m is None:
            # parity bar makes the total count of marked tracks even/odd
            want_odd = parity == "odd"
            marks[i] = (others % 2 == 1) != want_odd
    return marks


def fill_template(template, **values):
    out = template
    for k, v in values.items():
        out = out.replace("{" + k + "}", str(v))
    return out


# Square DataMatrix sizes (modules) and their data capacity in codewords.
# Used only to bound the symbol's area when excluding it from the white-out
# check (one codeword per character is an upper bound for ASCII text).
DM_SIZES = [(10, 3), (12, 5), (14, 8), (16, 12), (18, 18), (20, 22), (22, 30),
            (24, 36), (26, 44), (32, 62), (36, 86), (40, 114), (44, 144),
            (48, 174), (52, 204), (64, 280), (72, 368), (80, 456), (88, 576)]


def dm_size_mm(max_text_len, module_mm):
    for modules, cap in DM_SIZES:
        if max_text_len <= cap:
            return modules * module_mm
    return 88 * module_mm


# --------------------------------------------------------------------------
# Per-page expectation built from the manifest
# --------------------------------------------------------------------------

def sampled(e, n):
    """True when the sheet of plan entry e is in the 1-in-n marks sample."""
    return (e["piece"]["first_sequence"] + e["sheet"] - 2) % n == 0


def page_plan(pieces, npages, duplex):
    """page number -> dict(piece, sheet, side, src) for one run file.

    src is the page number within the letter (1..m) or None for the blank
    back page of a letter with an odd page count. sheet is the sheet number
    in print order (what the marks count); with reverse_order the partner's
    inserter wants the letter's sheets last to first (address last)."""
    plan = {}
    for pc in pieces:
        per_sheet = 2 if duplex else 1
        for k in range(1, pc["sheets"] + 1):
            letter_sheet = pc["sheets"] - k + 1 if pc.get("reverse_order") else k
            for side in range(per_sheet):
                p = pc["first_page"] + (k - 1) * per_sheet + side
                src = (letter_sheet - 1) * per_sheet + side + 1
                if 1 <= p <= npages and p <= pc["last_page"]:
                    plan[p] = {"piece": pc, "sheet": k,
                               "side": "back" if side else "front",
                               "src": src if src <= pc["pages"] else None}
    return plan


# --------------------------------------------------------------------------
# Manifest / structure checks
# --------------------------------------------------------------------------

def check_manifest(rep, man, job, prof, demo, duplex):
    out_dir = os.path.join(demo, "out")
    job_dir = os.path.join(demo, "job")
    runs, pieces, tot = man["runs"], man["pieces"], man["totals"]
    M = "manifest:"

    rep.check(man.get("job_id") == job.get("id"),
              f"{M} job_id {man.get('job_id')!r} != job.toml id {job.get('id')!r}")
    rep.check(man.get("target_centre") == prof["centre"]["id"],
              f"{M} target_centre {man.get('target_centre')!r} != profile centre "
              f"{prof['centre']['id']!r}")
    rep.check(man.get("plex") == job.get("plex"),
              f"{M} plex {man.get('plex')!r} != job.toml plex {job.get('plex')!r}")

    # totals
    for key, want, what in [
            ("runs", len(runs), "number of runs"),
            ("pieces", len(pieces), "number of pieces"),
            ("pieces", sum(r["pieces"] for r in runs), "sum of run pieces"),
            ("sheets", sum(r["sheets"] for r in runs), "sum of run sheets"),
            ("sheets", sum(p["sheets"] for p in pieces), "sum of piece sheets"),
            ("pages", sum(p["pages"] for p in pieces), "sum of piece pages"),
            ("pages", man["input"]["pages"], "input pages"),
            ("output_pages", sum(r["pages"] for r in runs), "sum of run pages")]:
        rep.check(tot.get(key) == want, f"{M} totals.{key} = {tot.get(key)} but {what} = {want}")
    rep.check(sorted(r["run"] for r in runs) == list(range(1, len(runs) + 1)),
              f"{M} run numbers {[r['run'] for r in runs]} not 1..{len(runs)}")

    # input file
    inp = os.path.join(job_dir, man["input"]["file"])
    if rep.check(os.path.exists(inp), f"{M} input {inp} missing"):
        rep.check(sha256_file(inp) == man["input"]["sha256"], f"{M} input sha256 differs from {inp}")
        n = qpdf_npages(inp)
        rep.check(n == man["input"]["pages"], f"{M} input pages {man['input']['pages']} but {inp} has {n}")
    for pf in job.get("print_files", []):
        if os.path.basename(pf.get("path", "")) == man["input"]["file"] and "sha256" in pf:
            rep.check(pf["sha256"] == man["input"]["sha256"], f"{M} input sha256 != job.toml print_files sha256")

    # every piece exactly once, consistent with letters.csv
    ids = [p["piece_id"] for p in pieces]
    dupes = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    rep.check(not dupes, f"{M} pieces listed more than once: {dupes[:10]}")
    idx = job.get("documents", {}).get("index")
    if idx and os.path.exists(os.path.join(job_dir, idx)):
        with open(os.path.join(job_dir, idx), newline="", encoding="utf-8") as f:
            letters = {r["piece_id"]: r for r in csv.DictReader(f)}
        missing = sorted(set(letters) - set(ids))
        extra = sorted(set(ids) - set(letters))
        rep.check(not missing and not extra,
                  f"{M} pieces vs {idx}: missing {missing[:10]} unknown {extra[:10]}")
        for p in pieces:
            l = letters.get(p["piece_id"])
            if l is None:
                continue
            rep.check(int(l["first_page"]) == p["source_first_page"] and int(l["page_count"]) == p["pages"],
                      f"{M} piece {p['piece_id']}: source pages {p['source_first_page']}+{p['pages']} "
                      f"but {idx} says {l['first_page']}+{l['page_count']}")

    # manifest.csv must say the same as manifest.json
    mcsv = os.path.join(out_dir, "manifest.csv")
    if os.path.exists(mcsv):
        with open(mcsv, newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        def as_csv(v):  # JSON null and booleans as the CSV writes them
            return "" if v is None else str(v).lower() if isinstance(v, bool) else str(v)
        same = len(rows) == len(pieces) and all(
            all(as_csv(p.get(k)) == v for k, v in r.items()) for r, p in zip(rows, pieces))
        rep.check(same, f"{M} manifest.csv does not match manifest.json pieces")

    # per piece: sheets/pages/sequence arithmetic
    per_sheet = 2 if duplex else 1
    run_by_no = {r["run"]: r for r in runs}
    for p in pieces:
        pid = p["piece_id"]
        errs = []
        r = run_by_no.get(p["run"])
        if r is None or r["file"] != p["file"]:
            errs.append(f"run {p['run']}/file {p['file']} not in runs")
        want_sheets = math.ceil(p["pages"] / 2) if duplex else p["pages"]
        if p["sheets"] != want_sheets:
            errs.append(f"sheets {p['sheets']} for {p['pages']} pages (want {want_sheets})")
        if p["last_page"] - p["first_page"] + 1 != p["sheets"] * per_sheet:
            errs.append(f"pages {p['first_page']}..{p['last_page']} for {p['sheets']} sheets")
        if p["last_sequence"] - p["first_sequence"] + 1 != p["sheets"]:
            errs.append(f"sequence {p['first_sequence']}..{p['last_sequence']} for {p['sheets']} sheets")
        if duplex and p["first_page"] % 2 != 1:
            errs.append(f"first_page {p['first_page']} is not a front (odd) page")
        rep.check(not errs, f"{M} piece {pid}: " + "; ".join(errs))

    # tiling per run file, and job-wide continuous sheet sequence
    seq_next = 1
    for r in sorted(runs, key=lambda r: r["run"]):
        rp = sorted((p for p in pieces if p["run"] == r["run"]), key=lambda p: p["first_page"])
        rep.check(len(rp) == r["pieces"], f"{M} run {r['run']}: {r['pieces']} pieces but {len(rp)} listed")
        rep.check(sum(p["sheets"] for p in rp) == r["sheets"],
                  f"{M} run {r['run']}: {r['sheets']} sheets but pieces sum to {sum(p['sheets'] for p in rp)}")
        rep.check(r["pages"] == r["sheets"] * per_sheet,
                  f"{M} run {r['run']}: {r['pages']} pages for {r['sheets']} sheets")
        nxt, errs = 1, []
        for p in rp:
            if p["first_page"] != nxt:
                errs.append(f"{p['piece_id']} starts at page {p['first_page']}, expected {nxt}")
            nxt = p["last_page"] + 1
            rep.check(p["first_sequence"] == seq_next,
                      f"{M} piece {p['piece_id']}: first_sequence {p['first_sequence']}, "
                      f"expected {seq_next} (continuous job-wide)")
            seq_next = p["last_sequence"] + 1
        if nxt != r["pages"] + 1:
            errs.append(f"pieces end at page {nxt - 1}, file has {r['pages']}")
        rep.check(not errs, f"{M} run {r['run']} tiling: " + "; ".join(errs[:5]))


def check_file(rep, r, path):
    f = f"{r['file']}:"
    if not rep.check(os.path.exists(path), f"{f} missing"):
        return False
    rep.check(os.path.getsize(path) == r["bytes"], f"{f} {os.path.getsize(path)} bytes, manifest {r['bytes']}")
    rep.check(sha256_file(path) == r["sha256"], f"{f} sha256 differs from manifest")
    q = run(["qpdf", "--check", path])
    rep.check(q.returncode == 0, f"{f} qpdf --check exit {q.returncode}: "
                                 f"{(q.stderr or q.stdout).strip().splitlines()[-1:] }")
    n = qpdf_npages(path)
    rep.check(n == r["pages"], f"{f} {n} pages, manifest {r['pages']}")
    return True


# --------------------------------------------------------------------------
# External tool runs (executed in a thread pool; the work is in subprocesses)
# --------------------------------------------------------------------------

def read_marks(tools, py, path, pages, dpi, strip, renderer, formats, offset=(0.0, 0.0)):
    """Run read-marks.py once for a list of pages; return {page: record}.

    offset = (x, y) in mm of the rendered area's top-left corner on the page
    (non-zero for a cropped copy); positions are shifted back to page mm."""
    ox, oy = offset
    cmd = [py, os.path.join(tools, "read-marks.py"), path, "--json", "--dpi", str(dpi),
           "--renderer", renderer, "--strip", f"{strip[0] - ox}:{strip[1] - ox}", "--formats", formats,
           "--pages", ",".join(compress_ranges(pages))]
    r = run(cmd)
    recs = {}
    for line in r.stdout.splitlines():
        if not line.startswith("{"):
            continue
        rec = json.loads(line)
        for b in rec.get("barcodes", []):
            b["center_mm"] = [b["center_mm"][0] + ox, b["center_mm"][1] + oy]
            x0, y0, x1, y1 = b["bbox_mm"]
            b["bbox_mm"] = [x0 + ox, y0 + oy, x1 + ox, y1 + oy]
        for o in rec.get("omr", []):
            for b in o["bars"]:
                for k in ("y_mm", "top_mm"):
                    b[k] = round(b[k] + oy, 2)
                for k in ("x_from_mm", "x_to_mm"):
                    b[k] = round(b[k] + ox, 2)
        recs[rec["page"]] = rec
    if r.returncode != 0:
        recs["error"] = f"read-marks.py exit {r.returncode}: {r.stderr.strip()[-300:]}"
    return recs


def crop_copy(src, dst, box_mm):
    """Write a copy of src whose pages' CropBox is box_mm = (x0, y0, x1, y1)
    (mm from the top-left corner); return [(width, height) mm of MediaBox].

    Only the CropBox changes, the content streams are untouched. MuPDF then
    rasterises and zxing-cpp scans ~7 % of each page instead of all of it,
    which makes the mark reading about 3x faster."""
    import pikepdf
    pt = 72 / MM_PER_INCH
    sizes = []
    with pikepdf.open(src) as pdf:
        for page in pdf.pages:
            llx, lly, urx, ury = (float(v) for v in page.mediabox)
            sizes.append(((urx - llx) / pt, (ury - lly) / pt))
            x0, y0, x1, y1 = box_mm
            page.cropbox = pikepdf.Array([llx + x0 * pt, ury - y1 * pt, llx + x1 * pt, ury - y0 * pt])
        pdf.save(dst)
    return sizes


def compress_ranges(pages):
    out, i = [], 0
    while i < len(pages):
        j = i
        while j + 1 < len(pages) and pages[j + 1] == pages[j] + 1:
            j += 1
        out.append(str(pages[i]) if i == j else f"{pages[i]}-{pages[j]}")
        i = j + 1
    return out


def render_zone(path, first, last, dpi, box_px):
    """Render only the crop box of pages first..last with pdftoppm (poppler).

    Returns {page: 2-D uint8 array}. PGM output: no PNG encoding cost."""
    x, y, w, h = box_px
    with tempfile.TemporaryDirectory() as tmp:
        r = run(["pdftoppm", "-r", str(dpi), "-gray", "-x", str(x), "-y", str(y),
                 "-W", str(w), "-H", str(h), "-f", str(first), "-l", str(last),
                 path, os.path.join(tmp, "z")])
        imgs = {}
        for name in os.listdir(tmp):
            m = re.match(r"z-0*(\d+)\.pgm$", name)
            if m:
                imgs[int(m.group(1))] = read_pgm(os.path.join(tmp, name))
        if r.returncode != 0:
            imgs["error"] = f"pdftoppm exit {r.returncode}: {r.stderr.strip()[-300:]}"
        return imgs


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    # header: P5 <w> <h> <maxval> then one whitespace byte, then pixels
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return np.frombuffer(data, dtype=np.uint8, offset=m.end(), count=w * h).reshape(h, w)


def page_texts(path):
    r = run(["pdftotext", "-layout", "-enc", "UTF-8", path, "-"])
    if r.returncode != 0:
        return None
    parts = r.stdout.split("\f")
    # pdftotext ends every page with a form feed, so the last part is empty
    if parts and parts[-1].strip() == "":
        parts = parts[:-1]
    return parts


# --------------------------------------------------------------------------
# Per-page judgement
# --------------------------------------------------------------------------

class MarkSpec:
    def __init__(self, prof, man, dpi, tol):
        omr = prof["marks"]["omr"]
        dm = prof["marks"]["data_matrix"]
        self.top, self.left, self.pitch = omr["top_mm"], omr["left_mm"], omr["pitch_mm"]
        self.length, self.thick = omr["bar_length_mm"], omr["bar_thickness_mm"]
        self.tracks, self.parity = omr["tracks"], omr.get("parity", "even")
        if self.parity not in ("even", "odd"):
            die(f"profile: parity must be even or odd, not {self.parity!r}")
        self.dm_x, self.dm_y, self.module = dm["x_mm"], dm["y_mm"], dm["module_mm"]
        self.template = dm["template"]
        self.job = man["job_id"]
        self.tol = tol
        px = MM_PER_INCH / dpi
        # measured thickness is quantised to whole pixels
        self.thick_tol = max(0.25, 1.5 * px)
        # reading head: inside the bar length, 1 mm in from both ends
        self.strip = (round(self.left + 1.0, 2), round(self.left + self.length - 1.0, 2))
        # y window in which OMR tracks may appear
        self.win = (self.top - self.pitch / 2, self.top + (len(self.tracks) - 0.5) * self.pitch)
        n = len(self.tracks)
        pad = 0.5
        self.omr_rect = (self.left - pad, self.top - self.thick / 2 - pad,
                         self.left + self.length + pad, self.top + (n - 1) * self.pitch + self.thick / 2 + pad)

    def dm_text(self, pc, sheet):
        return fill_template(self.template, job=self.job, piece=pc["piece_id"], sheet=sheet,
                             sheets=pc["sheets"], sequence=pc["first_sequence"] + sheet - 1)

    def judge(self, rec, e):
        """Return a list of problems for one read-marks record."""
        errs = []
        bcs = rec.get("barcodes", [])
        bars = rec["omr"][0]["bars"] if rec.get("omr") else []
        # DataMatrix rows can cross the reading strip; ignore bars inside any
        # decoded symbol (a missing symbol is reported on its own)
        def in_symbol(b):
            return any(c["bbox_mm"][1] - 0.5 <= b["y_mm"] <= c["bbox_mm"][3] + 0.5 for c in bcs)
        bars = [b for b in bars if not in_symbol(b)]
        if e["side"] == "back":
            if bars:
                errs.append(f"back page: expected no OMR bars, found y={[b['y_mm'] for b in bars]}")
            if bcs:
                errs.append(f"back page: expected no barcode, found {[(c['format'], c['text']) for c in bcs]}")
            return errs

        pc, sheet = e["piece"], e["sheet"]
        seq = pc["first_sequence"] + sheet - 1
        want = expected_tracks(self.tracks, self.parity, sheet, pc["sheets"], seq)
        want_idx = [i for i, m in enumerate(want) if m]
        got_idx, bad = [], []
        for b in bars:
            if not (self.win[0] <= b["y_mm"] <= self.win[1]):
                bad.append(f"stray bar at y={b['y_mm']}")
                continue
            i = round((b["y_mm"] - self.top) / self.pitch)
            exp_y = self.top + i * self.pitch
            if abs(b["y_mm"] - exp_y) > self.tol:
                bad.append(f"bar y={b['y_mm']} is {b['y_mm'] - exp_y:+.2f} mm off track {i} ({exp_y:.2f})")
            if abs(b["thickness_mm"] - self.thick) > self.thick_tol:
                bad.append(f"bar y={b['y_mm']} thickness {b['thickness_mm']} (want {self.thick})")
            if (abs(b["x_from_mm"] - self.left) > self.tol + 0.2 or
                    abs(b["x_to_mm"] - (self.left + self.length)) > self.tol + 0.2):
                bad.append(f"bar y={b['y_mm']} spans x {b['x_from_mm']}..{b['x_to_mm']} "
                           f"(want {self.left}..{self.left + self.length})")
            got_idx.append(i)
        if sorted(got_idx) != want_idx:
            errs.append(f"OMR sheet {sheet}/{pc['sheets']} seq {seq}: expected tracks {want_idx} "
                        f"(y={[round(self.top + i * self.pitch, 2) for i in want_idx]}), "
                        f"found y={[b['y_mm'] for b in bars]}")
        errs += bad
        dms = [c for c in bcs if c["format"] == "DataMatrix"]
        others = [c for c in bcs if c["format"] != "DataMatrix"]
        text = self.dm_text(pc, sheet)
        if len(dms) != 1 or dms[0]["text"] != text:
            errs.append(f"DataMatrix: expected one {text!r}, found {[c['text'] for c in dms]}")
        elif (abs(dms[0]["bbox_mm"][0] - self.dm_x) > self.tol + self.module or
              abs(dms[0]["bbox_mm"][1] - self.dm_y) > self.tol + self.module):
            errs.append(f"DataMatrix at ({dms[0]['bbox_mm'][0]}, {dms[0]['bbox_mm'][1]}) mm, "
                        f"expected ({self.dm_x}, {self.dm_y})")
        if others:
            errs.append(f"unexpected barcodes {[(c['format'], c['text']) for c in others]}")
        return errs


def where(rfile, page, e):
    pid = e["piece"]["piece_id"] if e else "-"
    side = f" {e['side']} sheet {e['sheet']}" if e else ""
    return f"{rfile} p{page} {pid}{side}:"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("demo_dir")
    ap.add_argument("--profile", default=os.path.join(REPO_ROOT, "examples", "centre-sued.toml"))
    ap.add_argument("--tools", default=os.path.join(REPO_ROOT, "..", "shared", "tools"))
    ap.add_argument("--dpi", type=int, default=150, help="render resolution (default 150)")
    ap.add_argument("--sample", type=int, default=1,
                    help="check marks on every N-th sheet only (default 1 = all)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--chunk", type=int, default=0,
                    help="pages per read-marks.py call (default: spread evenly over the jobs)")
    ap.add_argument("--renderer", choices=["mutool", "pdftoppm"], default="mutool",
                    help="read-marks.py renderer; mutool is ~10x faster here because "
                         "read-marks.py has pdftoppm write PNGs (default mutool)")
    ap.add_argument("--formats", default="DataMatrix",
                    help="zxing-cpp formats read-marks.py looks for; 'all' also catches stray "
                         "barcodes of other kinds but costs ~50%% more time (default DataMatrix)")
    ap.add_argument("--no-crop", dest="crop", action="store_false",
                    help="let read-marks.py render whole pages (slower; by default a copy with "
                         "the CropBox around the mark areas is read, mutool renderer only)")
    ap.add_argument("--tol-mm", type=float, default=0.35, help="position tolerance (0.35)")
    ap.add_argument("--max-lines", type=int, default=50)
    a = ap.parse_args()
    if a.sample < 1:
        ap.error("--sample must be >= 1")
    t0 = time.monotonic()

    demo = a.demo_dir
    try:
        with open(os.path.join(demo, "out", "manifest.json"), encoding="utf-8") as f:
            man = json.load(f)
        with open(os.path.join(demo, "job", "job.toml"), "rb") as f:
            job = tomllib.load(f)
        with open(a.profile, "rb") as f:
            prof = tomllib.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read inputs: {e}")
    if not os.path.exists(os.path.join(a.tools, "read-marks.py")):
        die(f"read-marks.py not found in {a.tools}")

    rep = Report()
    duplex = man.get("plex") == "duplex"
    try:
        spec = MarkSpec(prof, man, a.dpi, a.tol_mm)
        check_manifest(rep, man, job, prof, demo, duplex)
    except (KeyError, TypeError) as e:
        die(f"manifest, job.toml or profile lacks a field: {e!r}")

    sizes = [PAPER_MM[s] for s in prof.get("printer", {}).get("sheet_sizes", []) if s in PAPER_MM]

    # white-out box: the origin zone, inset by half a millimetre so that
    # anti-aliased edges of content just outside it do not count
    z = job["origin_mark_zone"]
    inset = 0.5
    zx0, zy0 = z["x"] + inset, z["y"] + inset
    zx1, zy1 = z["x"] + z["width"] - inset, z["y"] + z["height"] - inset
    s = a.dpi / MM_PER_INCH
    box_px = (int(math.ceil(zx0 * s)), int(math.ceil(zy0 * s)),
              int((zx1 - zx0) * s), int((zy1 - zy0) * s))
    # the partner's own marks may legitimately sit inside the zone
    max_text = max((len(spec.dm_text(p, p["sheets"])) for p in man["pieces"]), default=0)
    dm_mm = dm_size_mm(max_text, spec.module)
    allowed = [spec.omr_rect,
               (spec.dm_x - 0.5, spec.dm_y - 0.5, spec.dm_x + dm_mm + 0.5, spec.dm_y + dm_mm + 0.5)]
    mask = np.ones((box_px[3], box_px[2]), dtype=bool)   # True = must be white
    for (ax0, ay0, ax1, ay1) in allowed:
        c0 = max(0, int(ax0 * s) - box_px[0]); c1 = max(0, int(math.ceil(ax1 * s)) - box_px[0])
        r0 = max(0, int(ay0 * s) - box_px[1]); r1 = max(0, int(math.ceil(ay1 * s)) - box_px[1])
        mask[r0:r1, c0:c1] = False

    py = sys.executable
    if a.chunk <= 0:
        # several chunks per worker so that the pool stays busy until the end
        total = sum(r["pages"] for r in man["runs"]) // a.sample
        a.chunk = min(400, max(40, total // (4 * max(1, a.jobs)) + 1))
    out_dir = os.path.join(demo, "out")
    pool = cf.ThreadPoolExecutor(max_workers=max(1, a.jobs))
    tmp = tempfile.TemporaryDirectory(prefix="verify-demo-")
    rep.kind = "file"
    runs = []
    for r in sorted(man["runs"], key=lambda r: r["run"]):
        path = os.path.join(out_dir, r["file"])
        if check_file(rep, r, path):
            runs.append((r, path))

    # Render area for the marks. Its corners are whole inches, so that they
    # fall on pixel boundaries at any integer dpi and shift no bar.
    # Only MuPDF honours the CropBox; pdftoppm renders the MediaBox.
    crop = None
    if a.crop and a.renderer == "mutool":
        margin = 6.0   # quiet zone around the symbol, room for misplaced marks
        x1 = max(spec.left + spec.length, spec.dm_x + dm_mm) + margin
        y0 = max(0.0, min(spec.top - spec.pitch, spec.dm_y) - margin)
        y1 = max(spec.win[1], spec.dm_y + dm_mm) + margin
        inch = MM_PER_INCH
        crop = (0.0, math.floor(y0 / inch) * inch, math.ceil(x1 / inch) * inch, math.ceil(y1 / inch) * inch)
    sources, page_sizes = {}, {}
    if crop:
        futs = {r["file"]: pool.submit(crop_copy, path, os.path.join(tmp.name, r["file"]), crop)
                for r, path in runs}
        for r, path in runs:
            try:
                page_sizes[r["file"]] = futs[r["file"]].result()
                sources[r["file"]] = os.path.join(tmp.name, r["file"])
            except Exception as e:  # a broken file still gets the other checks
                rep.check(False, f"{r['file']}: pikepdf cannot copy it: {e}")
                sources[r["file"]] = path

    work = []   # (kind, run, future)
    plans = {}
    for r, path in runs:
        npages = qpdf_npages(path) or 0
        plan = page_plan([p for p in man["pieces"] if p["run"] == r["run"]], npages, duplex)
        plans[r["file"]] = (plan, npages)
        src = sources.get(r["file"], path)
        offset = (crop[0], crop[1]) if crop and src != path else (0.0, 0.0)
        # marks: all pages of the sampled sheets (front and back)
        mpages = [p for p in range(1, npages + 1) if p in plan and sampled(plan[p], a.sample)]
        for i in range(0, len(mpages), a.chunk):
            work.append(("marks", r, pool.submit(read_marks, a.tools, py, src, mpages[i:i + a.chunk],
                                                 a.dpi, spec.strip, a.renderer, a.formats, offset)))
        for first in range(1, npages + 1, 1000):
            work.append(("whiteout", r, pool.submit(render_zone, path, first,
                                                    min(npages, first + 999), a.dpi, box_px)))
        work.append(("text", r, pool.submit(page_texts, path)))

    marks_seen, whiteout_seen = {}, {}
    for kind, r, fut in work:
        res = fut.result()
        rfile = r["file"]
        plan, npages = plans[rfile]
        rep.kind = kind
        if kind == "marks":
            if "error" in res:
                rep.check(False, f"{rfile}: {res.pop('error')}")
            for p, rec in res.items():
                marks_seen.setdefault(rfile, set()).add(p)
                e = plan.get(p)
                psz = page_sizes[rfile][p - 1] if rfile in page_sizes else rec["size_mm"]
                size_ok = not sizes or any(abs(psz[0] - w) <= 1 and abs(psz[1] - h) <= 1 for w, h in sizes)
                rep.check(size_ok, f"{where(rfile, p, e)} page size {[round(v, 1) for v in psz]} mm "
                                   f"not in profile sizes {sizes}", kind="size")
                errs = spec.judge(rec, e)
                rep.check(not errs, f"{where(rfile, p, e)} " + "; ".join(errs))
        elif kind == "whiteout":
            if "error" in res:
                rep.check(False, f"{rfile}: {res.pop('error')}")
            for p, img in sorted(res.items()):
                whiteout_seen.setdefault(rfile, set()).add(p)
                dark = (img[: mask.shape[0], : mask.shape[1]] < 128) & mask[: img.shape[0], : img.shape[1]]
                if dark.any():
                    ys, xs = np.nonzero(dark)
                    bb = [round((box_px[0] + xs.min()) / s, 1), round((box_px[1] + ys.min()) / s, 1),
                          round((box_px[0] + xs.max() + 1) / s, 1), round((box_px[1] + ys.max() + 1) / s, 1)]
                    rep.check(False, f"{where(rfile, p, plan.get(p))} origin mark zone not white: "
                                     f"{int(dark.sum())} dark px in x {bb[0]}..{bb[2]} y {bb[1]}..{bb[3]} mm")
                else:
                    rep.check(True, "")
        elif kind == "text":
            if not rep.check(res is not None, f"{rfile}: pdftotext failed"):
                continue
            rep.check(len(res) == npages, f"{rfile}: pdftotext found {len(res)} pages, file has {npages}")
            for i, txt in enumerate(res[:npages], start=1):
                e = plan.get(i)
                found = [(m.group(1), int(m.group(2)), int(m.group(3))) for m in FOOTER_RE.finditer(txt)]
                if e is None:
                    rep.check(False, f"{rfile} p{i}: page not covered by any piece (footer {found})")
                elif e["src"] is None:
                    rep.check(txt.strip() == "",
                              f"{where(rfile, i, e)} blank back page has text {txt.strip()[:60]!r}")
                else:
                    want = (e["piece"]["piece_id"], e["src"], e["piece"]["pages"])
                    rep.check(found == [want], f"{where(rfile, i, e)} footer expected "
                                               f"'Brief {want[0]} - Seite {want[1]} von {want[2]}', "
                                               f"found {found}")
    pool.shutdown()
    tmp.cleanup()

    # every page must have come back from the renderers
    rep.kind = "file"
    for rfile, (plan, npages) in plans.items():
        lost = sorted(set(range(1, npages + 1)) - whiteout_seen.get(rfile, set()))
        rep.check(not lost, f"{rfile}: pdftoppm returned no image for pages {compress_ranges(lost)[:10]}")
    # every page we asked read-marks.py for must have come back
    for rfile, (plan, npages) in plans.items():
        want = {p for p, e in plan.items() if sampled(e, a.sample)}
        lost = sorted(want - marks_seen.get(rfile, set()))
        rep.check(not lost, f"{rfile}: read-marks.py returned no result for pages {compress_ranges(lost)[:10]}")

    for line in rep.failures[: a.max_lines]:
        print(line)
    if len(rep.failures) > a.max_lines:
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(rep.failed_by_kind.items()))
        print(f"... {len(rep.failures) - a.max_lines} more failures not shown (failed checks by kind: {kinds})")
    sys.stdout.flush()
    print(f"(checked {sum(n for _, n in plans.values())} pages in {len(plans)} files, "
          f"dpi {a.dpi}, marks sample 1/{a.sample}, {time.monotonic() - t0:.1f} s)", file=sys.stderr, flush=True)
    print(f"verify-demo: {rep.passed} passed, {len(rep.failures)} failed")
    sys.exit(0 if not rep.failures else 1)


if __name__ == "__main__":
    main()
