#!/usr/bin/env python3
"""Checks tandem-linedata's PDFs with poppler, independently of the crate.

For every fixture in crates/linedata/tests/fixtures (written by
make-linedata-fixtures.py) the PDF made by the `render` example must have
  - the expected number of pages (pdfinfo),
  - every word of every printed line, overprints included, at the expected
    page, line and column (pdftotext -bbox; line and column computed from the
    word box and the layout's margins, spacing and pitch),
  - the original text in order (pdftotext -layout: the expected lines of each
    page appear in order, blanks normalised),
and the mail pieces it reports must match the expected documents.

    scripts/check-linedata.py RENDER_BINARY OUT_DIR
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

FIX = Path(__file__).resolve().parent.parent / "crates/linedata/tests/fixtures"
MM = 72 / 25.4


def words_of(text, column):
    for m in re.finditer(r"\S+", text):
        yield column + m.start(), m.group()


def main():
    render, out = sys.argv[1], Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    failures = 0
    for opts in sorted(FIX.glob("*.options.toml")):
        name = opts.name.removesuffix(".options.toml")
        expected = json.loads((FIX / f"{name}.expected.json").read_text())
        options = tomllib.loads(opts.read_text())["line_data"]
        layout = tomllib.loads((FIX / options["layout"]).read_text())
        pdf = out / f"{name}.pdf"
        pieces = json.loads(subprocess.run(
            [render, str(opts), str(FIX / f"{name}.listing"), str(pdf), "LD-"],
            check=True, capture_output=True, text=True).stdout)
        problems = []

        got_docs = [{"first_page": p["first_page"], "page_count": p["page_count"], "plz": p["plz"]}
                    for p in pieces]
        if got_docs != expected["documents"]:
            problems.append(f"pieces {got_docs} != {expected['documents']}")
        if [p["piece_id"] for p in pieces] != [f"LD-{i:06}" for i in range(1, len(pieces) + 1)]:
            problems.append("piece ids")

        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        if pages != len(expected["pages"]):
            problems.append(f"{pages} pages, expected {len(expected['pages'])}")

        # Positions: every word at its page, line and column.
        top = layout.get("margin_top_mm", 10.0) * MM
        left = layout.get("margin_left_mm", 15.0) * MM
        spacing = layout.get("line_spacing_pt", 12.0)
        pitch = layout.get("column_pitch_pt", 0.6 * layout["fonts"][0]["size_pt"])
        bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True,
                              capture_output=True, text=True).stdout
        got = set()
        for page_no, page in enumerate(bbox.split("<page ")[1:], start=1):
            for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', page):
                x, y0, y1 = float(m.group(1)), float(m.group(2)), float(m.group(3))
                line = int(((y0 + y1) / 2 - top) // spacing) + 1
                col = round((x - left) / pitch) + 1
                word = m.group(4).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
                got.add((page_no, line, col, word))
        want = {(p["number"], l["line"], c, w)
                for p in expected["pages"] for l in p["lines"] for c, w in words_of(l["text"], l["column"])}
        if got != want:
            problems.append(f"word positions: missing {sorted(want - got)[:5]}, unexpected {sorted(got - want)[:5]}")

        # Text in order.
        layout_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                                     capture_output=True, text=True).stdout
        norm = lambda s: " ".join(s.split())
        got_pages = [[norm(l) for l in p.splitlines() if l.strip()] for p in layout_text.split("\f")]
        want_pages = [[norm(l) for l in p.splitlines() if l.strip()]
                      for p in (FIX / f"{name}.expected.txt").read_text().split("\f")]
        for i, want_lines in enumerate(want_pages):
            have = iter(got_pages[i] if i < len(got_pages) else [])
            missing = [l for l in want_lines if not any(l == h for h in have)]
            if missing:
                problems.append(f"page {i + 1}: text not found in order: {missing[:3]}")

        status = "ok" if not problems else "FAIL"
        print(f"{status:4} {name}: {pages} pages, {len(pieces)} pieces, {len(want)} words placed")
        for p in problems:
            print(f"     {p}")
        failures += bool(problems)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
