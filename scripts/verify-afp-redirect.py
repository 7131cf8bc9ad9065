#!/usr/bin/env python3
"""Independent check of the AFP output of `tandem redirect`.

Reads every AFP run file named in OUT_DIR/manifest.json with the pure-Python
PyPI decoder `afp` (not Tandem's reader) and checks it against the manifest,
the partner profile and the job ticket:

* structure: one named page group per manifest piece, in manifest order,
  whose PieceId TLE is the piece; the page count is the manifest's;
* page order: each page's text (TRN runs, e.g. "A0007 Seite 2 von 4")
  names the piece and the page the plan puts there (reversed sets last
  sheet first); a blank back carries no text; a duplex sheet is two pages;
* marks, as an inserter camera sees them: every PTOCA rule of a page is
  painted in stream order (colour of the medium = white, anything else
  black) into a 300 dpi bitmap, the bitmaps go into a PDF, and the shared
  `read-marks.py` reads the partner's OMR strip. Fronts must show exactly
  the tracks the profile's rules give for the sheet (sequence from the
  manifest), backs nothing; the origin's bars, drawn across the same strip
  in the input, must be gone (the white-out);
* DataMatrix: each front has one BCOCA object whose BDD says Data Matrix
  and whose BDA data is the profile's template filled for the sheet, placed
  where the profile says.

Usage:
    /opt/tandem-verify/bin/python scripts/verify-afp-redirect.py OUT_DIR \\
        --job examples/jobs/afp-letters/job.toml \\
        --profile examples/centre-nord.toml --tools ../shared/tools

Exit status 0 when every check passes, 1 otherwise.
"""

import argparse
import importlib.util
import json
import os
import re
import sys
import tempfile
import tomllib

import afp
from PIL import Image, ImageDraw

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("verify_demo", os.path.join(HERE, "verify-demo.py"))
verify_demo = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(verify_demo)

DPI = 300
# Structured-field ids (the decoder reports them as integers).
BNG, ENG, BPG, EPG = 0xD3A8AD, 0xD3A9AD, 0xD3A8AF, 0xD3A9AF
BPT, PTX, TLE, PGD, PTD = 0xD3A89B, 0xD3EE9B, 0xD3A090, 0xD3A6AF, 0xD3B19B
BBC, EBC, OBD, OBP, BDD, BDA = 0xD3A8EB, 0xD3A9EB, 0xD3A66B, 0xD3AC6B, 0xD3A6EB, 0xD3EEEB
# PTOCA function types (chained = odd, unchained = even).
AMI, AMB, RMI, RMB, STC, DIR, DBR, TRN = 0xC6, 0xD2, 0xC8, 0xD4, 0x74, 0xE4, 0xE6, 0xDA
SEC = 0x80
COLOR_OF_MEDIUM = 0xFF08
# PTOCA subsets PT1-PT3 accept rule widths up to X'00C0' units.
MAX_RULE_WIDTH = 192
DATA_MATRIX = 0x1C


class Page:
    def __init__(self):
        self.units = 240.0  # per inch, replaced by the PTD/PGD
        self.size = (1984, 2806)
        self.rules = []  # (x, y, w, h, white) in units
        self.texts = []
        self.codes = []  # (symbology, data bytes, x, y in units)
        self.unplaced = 0  # rules drawn after text at an unknown position
        self.too_wide = 0  # rules wider than the PT1-PT3 subsets allow


def read_pages(path):
    """Page groups as (name, tles, [Page]) with every page's rules, text and
    bar codes, read with the `afp` package."""
    groups = []
    page = None
    inline_known = True
    colour_white = False
    bdd = None
    with open(path, "rb") as f:
        stream = afp.stream(f, allow_unknown_fields=True, allow_unknown_triplets=True,
                            allow_unknown_functions=True)
        for sf in stream:
            t = sf["SFTypeID"]
            if t == BNG:
                groups.append({"name": sf.get("PGrpName", ""), "tles": {}, "pages": []})
            elif t == TLE and groups and page is None:
                name = value = None
                for tr in sf.get("Triplets", []):
                    if tr.get("Tid") == 0x02 and tr.get("FQNType") == 0x0B:
                        name = tr.get("FQName")
                    if tr.get("Tid") == 0x36:
                        value = tr.get("AttVal")
                groups[-1]["tles"][name] = value
            elif t == BPG:
                page = Page()
            elif t == PGD and page is not None:
                page.units = sf["XpgUnits"] / 10.0
                page.size = (sf["XpgSize"], sf["YpgSize"])
            elif t == PTD and page is not None:
                page.units = sf["XPUNITVL"] / 10.0
            elif t == BPT:
                # Every text object starts in the default (black) colour.
                colour_white = False
                x = y = 0
                inline_known = True
            elif t == PTX and page is not None:
                for cs in sf.get("PTOCAdat", []):
                    ft = cs["TYPE"] & 0xFE
                    if ft == AMI:
                        x, inline_known = cs["DSPLCMNT"], True
                    elif ft == AMB:
                        y = cs["DSPLCMNT"]
                    elif ft == RMI:
                        x += cs["INCRMENT"]
                    elif ft == RMB:
                        y += cs["INCRMENT"]
                    elif ft == STC:
                        colour_white = cs["FRGCOLOR"] == COLOR_OF_MEDIUM
                    elif ft == SEC:
                        # Not in the decoder's table: raw parameters. Colour
                        # space X'01' is RGB; 8-bit white leaves the paper.
                        d = cs.get("DATA", [])
                        colour_white = (len(d) >= 13 and d[1] == 0x01
                                        and d[6:9] == [8, 8, 8] and d[10:13] == [255, 255, 255])
                    elif ft == TRN:
                        page.texts.append(cs.get("TRNDATA", ""))
                        inline_known = False  # text advances by glyph widths
                    elif ft in (DIR, DBR):
                        length = cs["RLENGTH"]
                        width = cs.get("RWIDTH", 0) >> 8  # 2-byte integer + fraction
                        if width > MAX_RULE_WIDTH:
                            page.too_wide += 1
                        if not inline_known:
                            page.unplaced += 1
                            continue
                        if ft == DIR:
                            page.rules.append((x, y, length, width, colour_white))
                        else:
                            page.rules.append((x, y, width, length, colour_white))
            elif t == BDD and page is not None:
                bdd = bytes(sf["Data"])
            elif t == BDA and page is not None:
                data = bytes(sf["Data"])
                symbology = bdd[12] if bdd and len(bdd) > 12 else None
                # flags (1), x (2), y (2); Data Matrix: 10 parameter bytes
                text = data[15:] if symbology == DATA_MATRIX else data[5:]
                page.codes.append((symbology, text))
            elif t == EPG and page is not None:
                if not groups:
                    groups.append({"name": "", "tles": {}, "pages": []})
                groups[-1]["pages"].append(page)
                page = None
    return groups


def obp_offsets(path):
    """(x, y, units per inch) of every bar code object's area (BBC…EBC): its
    OBP offsets in the units its OBD declares (10-inch base), in file order,
    parsed from the raw field bytes of an X'5A'-framed file (the decoder's
    names for these parameters vary by version)."""
    out = []
    units = None
    with open(path, "rb") as f:
        data = f.read()
    i = 0
    in_bar_code = False
    while i + 9 <= len(data):
        length = int.from_bytes(data[i + 1:i + 3], "big")
        sfid = int.from_bytes(data[i + 3:i + 6], "big")
        if sfid == BBC:
            in_bar_code = True
        elif sfid == EBC:
            in_bar_code = False
        elif sfid == OBD and in_bar_code:
            units = None
            d = data[i + 9:i + 1 + length]
            j = 0
            while j + 1 < len(d):  # triplets: X'4B' measurement units
                if d[j + 1] == 0x4B and d[j] >= 8 and d[j + 2] == 0:
                    units = int.from_bytes(d[j + 4:j + 6], "big") / 10.0  # per inch
                j += max(d[j], 1)
        elif sfid == OBP and in_bar_code:
            d = data[i + 9:i + 1 + length]
            out.append((int.from_bytes(d[2:5], "big"), int.from_bytes(d[5:8], "big"), units))
        i += 1 + length
    return out


def render(pages, pdf_path, width_mm):
    """Paints each page's rules (left `width_mm` of the page) into a
    bitmap and writes them as one PDF at DPI."""
    images = []
    for p in pages:
        scale = DPI / p.units
        w = int(width_mm / 25.4 * DPI)
        h = int(p.size[1] * scale)
        img = Image.new("L", (w, h), 255)
        draw = ImageDraw.Draw(img)
        for (x, y, rw, rh, white) in p.rules:
            x0, x1 = sorted((x * scale, (x + rw) * scale))
            y0, y1 = sorted((y * scale, (y + rh) * scale))
            draw.rectangle([x0, y0, x1 - 1, y1 - 1], fill=255 if white else 0)
        images.append(img.convert("1"))
    images[0].save(pdf_path, save_all=True, append_images=images[1:], resolution=DPI)


def omr_bars(tools, pdf, n, strip):
    recs = verify_demo.read_marks(tools, sys.executable, pdf, list(range(1, n + 1)), DPI,
                                  strip, "pdftoppm", "DataMatrix")
    if "error" in recs:
        raise SystemExit(recs["error"])
    return {p: [b["y_mm"] for b in recs[p]["omr"][0]["bars"]] for p in range(1, n + 1)}


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--job", required=True)
    ap.add_argument("--profile", required=True)
    ap.add_argument("--tools", required=True)
    args = ap.parse_args()

    rep = verify_demo.Report()
    man = json.load(open(os.path.join(args.out_dir, "manifest.json")))
    prof = tomllib.load(open(args.profile, "rb"))
    job = tomllib.load(open(args.job, "rb"))
    job_dir = os.path.dirname(os.path.abspath(args.job))
    duplex = job.get("plex") == "duplex"
    omr = prof["marks"]["omr"]
    dm = prof["marks"].get("data_matrix")
    strip = (omr["left_mm"], omr["left_mm"] + omr["bar_length_mm"])
    zone = job.get("origin_mark_zone")

    id_tle = job.get("documents", {}).get("afp_page_groups", {}).get("piece_id_tle", "PieceId")

    # Every piece of the input is in the manifest once, and nothing else.
    source = os.path.join(job_dir, job["print_files"][0]["path"])
    src_groups = read_pages(source)
    src_ids = sorted(g["tles"].get(id_tle) for g in src_groups)
    out_ids = sorted(e["piece_id"] for e in man["pieces"])
    rep.check(src_ids == out_ids, f"manifest pieces differ from the input's {id_tle} TLEs: "
              f"{sorted(set(src_ids) ^ set(out_ids))[:10]}", "structure")

    # The white-out check is only worth something if the input has bars in
    # the strip: read the origin's first fronts the same way.
    src_pages = [p for g in src_groups for p in g["pages"]][:6]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, "source.pdf")
        render(src_pages, pdf, 40)
        bars = omr_bars(args.tools, pdf, len(src_pages), strip)
        in_zone = [y for p in bars.values() for y in p
                   if zone and zone["y"] <= y <= zone["y"] + zone["height"]]
        rep.check(len(in_zone) > 0, "the input shows no origin bars in the partner's strip "
                  "(the white-out check would prove nothing)", "setup")

    for run in man["runs"]:
        path = os.path.join(args.out_dir, run["file"])
        groups = read_pages(path)
        offsets = obp_offsets(path)
        entries = [e for e in man["pieces"] if e["file"] == run["file"]]
        rep.check(len(groups) == len(entries),
                  f"{run['file']}: {len(groups)} page groups, manifest lists {len(entries)}",
                  "structure")
        pages = [p for g in groups for p in g["pages"]]
        rep.check(len(pages) == run["pages"],
                  f"{run['file']}: {len(pages)} pages, manifest says {run['pages']}", "structure")
        with tempfile.TemporaryDirectory() as tmp:
            pdf = os.path.join(tmp, "marks.pdf")
            render(pages, pdf, 40)
            bars = omr_bars(args.tools, pdf, len(pages), strip)
        page_no = 0
        code_no = 0
        for g, e in zip(groups, entries):
            where = f"{run['file']} piece {e['piece_id']}"
            rep.check(g["tles"].get(id_tle) == e["piece_id"],
                      f"{where}: page group {g['name']} has {id_tle} {g['tles'].get(id_tle)}",
                      "structure")
            per_sheet = 2 if duplex else 1
            if not rep.check(len(g["pages"]) == e["sheets"] * per_sheet,
                             f"{where}: {len(g['pages'])} pages for {e['sheets']} sheets",
                             "structure"):
                page_no += len(g["pages"])
                continue
            for k in range(e["sheets"]):
                s = e["sheets"] - 1 - k if e["reverse_order"] else k
                sequence = e["first_sequence"] + k
                sides = [(s * per_sheet + 1, True)]
                if duplex:
                    sides.append((s * 2 + 2, False))
                for side, (number, front) in enumerate(sides):
                    page = g["pages"][k * per_sheet + side]
                    page_no += 1
                    text = " ".join(page.texts)
                    m = re.search(r"([A-Z]\d{4}) Seite (\d+) von (\d+)", text)
                    if number <= e["pages"]:
                        rep.check(bool(m) and (m.group(1), int(m.group(2)), int(m.group(3)))
                                  == (e["piece_id"], number, e["pages"]),
                                  f"{where} output page {page_no}: footer {m and m.group(0)!r}, "
                                  f"expected page {number} of {e['pages']}", "order")
                    else:
                        rep.check(not text.strip(), f"{where} page {page_no}: blank back has text",
                                  "order")
                    rep.check(page.unplaced == 0,
                              f"{where} page {page_no}: rules after text at unknown positions",
                              "marks")
                    rep.check(page.too_wide == 0,
                              f"{where} page {page_no}: {page.too_wide} rules wider than "
                              f"{MAX_RULE_WIDTH} units (PTOCA PT1-PT3)", "marks")
                    got = bars.get(page_no, [])
                    if front:
                        want = verify_demo.expected_tracks(omr["tracks"], omr["parity"], k + 1,
                                                           e["sheets"], sequence)
                        marked = [False] * len(want)
                        stray = []
                        for y in got:
                            t = (y - omr["top_mm"]) / omr["pitch_mm"]
                            if abs(t - round(t)) < 0.1 and 0 <= round(t) < len(want):
                                marked[round(t)] = True
                            else:
                                stray.append(y)
                        rep.check(marked == want and not stray,
                                  f"{where} sheet {k + 1} (page {page_no}): tracks {marked}, "
                                  f"expected {want}, stray bars at {stray}", "marks")
                        if dm:
                            codes = page.codes
                            want_text = verify_demo.fill_template(
                                dm["template"], job=man["job_id"], piece=e["piece_id"],
                                sheet=k + 1, sheets=e["sheets"], sequence=sequence)
                            ok = (len(codes) == 1 and codes[0][0] == DATA_MATRIX
                                  and codes[0][1].decode("ascii", "replace") == want_text)
                            rep.check(ok, f"{where} sheet {k + 1}: bar codes "
                                      f"{[(c[0], c[1]) for c in codes]}, expected {want_text!r}",
                                      "datamatrix")
                            at = offsets[code_no] if code_no < len(offsets) else None
                            ok = at is not None and at[2] is not None
                            if ok:
                                x, y, units = at
                                ok = (abs(x / units * 25.4 - dm["x_mm"]) < 0.2
                                      and abs(y / units * 25.4 - dm["y_mm"]) < 0.2)
                            rep.check(ok, f"{where} sheet {k + 1}: DataMatrix object area at {at}",
                                      "datamatrix")
                            code_no += len(codes)
                    else:
                        rep.check(not got and not page.codes,
                                  f"{where} back (page {page_no}): bars {got}, codes {page.codes}",
                                  "marks")

    for f in rep.failures[:40]:
        print("FAIL", f)
    print(f"verify-afp-redirect: {rep.passed} passed, {len(rep.failures)} failed"
          + (f" {rep.failed_by_kind}" if rep.failures else ""))
    sys.exit(1 if rep.failures else 0)


if __name__ == "__main__":
    main()
