#!/usr/bin/env python3
"""Writes the AFP example job `afp-letters` with Apache FOP: 40 letters of
origin centre Süd, to be redirected to another centre. Run from anywhere
(needs `fop`, and `pdftotext` for the self-check; standard library only):

    python3 examples/jobs/afp-letters/make-job.py

Outputs, next to this script:

- `logo.png`: a 60x30 grey-scale PNG (written with zlib + struct),
- `letters.fo`: the XSL-FO document, one fo:page-sequence per letter, each
  with the FOP AFP extensions tag-logical-element "PieceId" (A0001..A0040)
  and "PLZ" (5-digit postcode) and invoke-medium-map "MMDUPLEX",
- `letters.afp`: `fop -fo letters.fo -afp letters.afp`.

Layout (millimetres from the page's top-left, all pages DIN A4 portrait,
duplex, letter i has 1 + (i*7 mod 5) pages, no blank pages added):

- page 1: address block of 3 or 4 lines at x 25, y 50 (inside the DIN 5008
  address field x 20-105, y 45-90; text stays within x 22-100, y 47-85),
  logo at x 155-185, y 12-27, subject and body text from y 100, left margin
  25, right margin 20;
- every page: footer "A0007 Seite 2 von 4" with its top at y 282, x 25;
- front page of every sheet (pages 1, 3, 5 of a letter): Süd's OMR code
  (examples/centre-sued.toml): black bars x 6-18, 0.5 thick, centred on
  y = 110 + k * 3.175 for track k in 0..6: 0 benchmark, 1 end-of-set (last
  sheet of the letter), 2/3/4 sequence-1/2/4 (job-wide sheet number mod 8),
  5 parity (marked-track count even), 6 safety. Each bar is an absolutely
  positioned fo:block-container with a black background and no text; FOP
  writes it as a PTOCA rule (DIR) in the page's PTX.
- nothing else is printed at x < 25, so x 0-20 outside the bars is empty.

After writing, the script renders the FO to a temporary PDF and checks with
pdftotext that every page carries the right footer, that the address text
lies inside its zone and that no text is left of x 22; it also counts the
rules in the AFP per page. Deterministic: fixed data, same bytes every run.
"""
import importlib.util
import pathlib
import re
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
LETTERS = 40
PT_PER_MM = 72 / 25.4

# Leitregion (first digit) -> (base postcode, city)
CITIES = [
    (1067, "Dresden"), (10115, "Berlin"), (20095, "Hamburg"), (30159, "Hannover"),
    (40210, "Düsseldorf"), (50667, "Köln"), (60311, "Frankfurt am Main"),
    (70173, "Stuttgart"), (80331, "München"), (90402, "Nürnberg"),
]
FIRST_NAMES = [("Frau", "Erika"), ("Herr", "Max"), ("Frau", "Jana"), ("Herr", "Jürgen"),
               ("Frau", "Sören"), ("Herr", "Ömer"), ("Frau", "Lena"), ("Herr", "Paul")]
STREETS = ["Lindenweg", "Hauptstraße", "Am Mühlbach", "Gartenstraße", "Schillerplatz", "Kirchgasse"]
BODY = [
    "Sehr geehrte Damen und Herren,",
    "mit diesem Schreiben erhalten Sie die Unterlagen zu Ihrem Vorgang.",
    "Bitte prüfen Sie die Angaben sorgfältig und bewahren Sie das Schreiben auf.",
    "Rückfragen richten Sie bitte unter Angabe der Nummer oben an uns.",
    "Die Frist beginnt mit dem Tag nach der Zustellung dieses Schreibens.",
]
OMR_TOP, OMR_PITCH, OMR_LEFT, OMR_LEN, OMR_THICK = 110.0, 3.175, 6.0, 12.0, 0.5


def piece_id(i):
    return "A{:04d}".format(i)


def page_count(i):
    return 1 + (i * 7) % 5


def postcode(i):
    base, city = CITIES[(i * 3) % 10]
    return "{:05d}".format(base + 2 * (i % 5)), city


def address(i):
    anrede, first = FIRST_NAMES[i % len(FIRST_NAMES)]
    plz, city = postcode(i)
    lines = ["{} {} Muster {}".format(anrede, first, i)]
    if i % 3 == 0:
        lines.append("c/o Familie Beispiel")
    lines.append("{} {}".format(STREETS[i % len(STREETS)], (i * 7) % 97 + 1))
    lines.append("{} {}".format(plz, city))
    return lines


def _fixture_script():
    """The FOP test-fixture script, for its PNG writer (one copy of it)."""
    path = HERE.parents[2] / "crates" / "afp" / "tests" / "fixtures" / "fop" / "make-fixtures.py"
    spec = importlib.util.spec_from_file_location("make_fixtures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


png_bytes = _fixture_script().png_bytes


def logo_pixel(x, y):
    # a frame and a filled "S" like zig-zag: dark on white
    if x < 2 or x > 57 or y < 2 or y > 27:
        return 0
    if 8 <= y <= 21 and abs((x - 30) - (y - 15) * 2) < 4:
        return 30
    return 255


def omr_tracks(sheet_seq, last_sheet):
    marked = {0, 6}  # benchmark, safety
    if last_sheet:
        marked.add(1)
    for k, weight in ((2, 1), (3, 2), (4, 4)):
        if sheet_seq % 8 & weight:
            marked.add(k)
    if len(marked) % 2:
        marked.add(5)  # even parity
    return sorted(marked)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def box(left, top, width, height, content="<fo:block/>", extra=""):
    return ('<fo:block-container absolute-position="absolute" left="{}mm" top="{}mm" width="{}mm" '
            'height="{}mm"{}>{}</fo:block-container>'.format(left, top, width, height, extra, content))


def write_fo(path):
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<fo:root xmlns:fo="http://www.w3.org/1999/XSL/Format" '
           'xmlns:afp="http://xmlgraphics.apache.org/fop/extensions/afp">',
           '  <fo:layout-master-set>',
           '    <fo:simple-page-master master-name="a4" page-width="210mm" page-height="297mm">',
           '      <fo:region-body margin="0mm"/>',
           '    </fo:simple-page-master>',
           '  </fo:layout-master-set>']
    sheet_seq = 0
    omr = []  # per page: list of tracks (front pages) or [] (back pages)
    for i in range(1, LETTERS + 1):
        pid, pages = piece_id(i), page_count(i)
        sheets = (pages + 1) // 2
        plz, _city = postcode(i)
        out.append('  <fo:page-sequence master-reference="a4" force-page-count="no-force" '
                   'font-family="Helvetica" font-size="10pt" line-height="12pt">')
        out.append('    <afp:tag-logical-element name="PieceId" value="{}"/>'.format(pid))
        out.append('    <afp:tag-logical-element name="PLZ" value="{}"/>'.format(plz))
        out.append('    <afp:invoke-medium-map name="MMDUPLEX"/>')
        out.append('    <fo:flow flow-name="xsl-region-body">')
        for p in range(1, pages + 1):
            out.append('      <fo:block{}>'.format("" if p == 1 else ' break-before="page"'))
            if p % 2 == 1:
                sheet_seq += 1
                tracks = omr_tracks(sheet_seq, (p + 1) // 2 == sheets)
                omr.append(tracks)
                for k in tracks:
                    top = round(OMR_TOP + k * OMR_PITCH - OMR_THICK / 2, 4)
                    out.append('        ' + box(OMR_LEFT, top, OMR_LEN, OMR_THICK, extra=' background-color="black"'))
            else:
                omr.append([])
            if p == 1:
                lines = "".join("<fo:block>{}</fo:block>".format(esc(a)) for a in address(i))
                out.append('        ' + box(25, 50, 75, 35, lines))
                out.append('        ' + box(155, 12, 30, 15,
                                            '<fo:block line-height="0"><fo:external-graphic src="logo.png" '
                                            'content-width="30mm" content-height="15mm"/></fo:block>'))
                body = ['<fo:block font-weight="bold" font-size="11pt" space-after="4mm">'
                        'Ihr Schreiben Nr. {} vom Druckzentrum Süd</fo:block>'.format(pid)]
                body += ['<fo:block space-after="2mm">{}</fo:block>'.format(esc(t)) for t in BODY]
                out.append('        ' + box(25, 100, 165, 170, "".join(body)))
            else:
                body = ['<fo:block space-after="2mm">Seite {}, Absatz {}: {}</fo:block>'.format(p, n + 1, esc(BODY[(n + p) % len(BODY)]))
                        for n in range(6)]
                out.append('        ' + box(25, 25, 165, 245, "".join(body)))
            out.append('        ' + box(25, 282, 165, 5, '<fo:block font-size="8pt" line-height="9pt">'
                                        '{} Seite {} von {}</fo:block>'.format(pid, p, pages)))
            out.append('      </fo:block>')
        out.append('    </fo:flow>')
        out.append('  </fo:page-sequence>')
    out.append('</fo:root>')
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return omr


def run(*args, cwd=HERE):
    return subprocess.run(args, cwd=cwd, check=True, capture_output=True, text=True).stdout


def afp_rules_per_page(path):
    """Number of PTOCA I-axis rules (DIR, X'E4'/X'E5') per page of the AFP."""
    data = path.read_bytes()
    pages, i = [], 0
    while i < len(data):
        assert data[i] == 0x5A, i
        length = int.from_bytes(data[i + 1:i + 3], "big")
        sf = data[i + 3:i + 6].hex().upper()
        if sf == "D3A8AF":  # BPG
            pages.append(0)
        elif sf == "D3EE9B":  # PTX: walk the chained control sequences
            ptx = data[i + 9:i + 1 + length]
            j = 0
            while j < len(ptx):
                if ptx[j] == 0x2B and ptx[j + 1] == 0xD3:  # escape sequence starts a chain
                    j += 2
                    while j < len(ptx):
                        ln, code = ptx[j], ptx[j + 1]
                        if code in (0xE4, 0xE5):
                            pages[-1] += 1
                        j += ln
                        if code % 2 == 0:  # unchained: chain ends
                            break
                else:
                    j += 1
        i += 1 + length
    return pages


def check(omr):
    with tempfile.TemporaryDirectory() as tmp:
        pdf = pathlib.Path(tmp) / "check.pdf"
        run("fop", "-fo", "letters.fo", "-pdf", str(pdf))
        info = run("pdfinfo", str(pdf))
        total = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
        bbox = run("pdftotext", "-bbox", str(pdf), "-")
    expected_total = sum(page_count(i) for i in range(1, LETTERS + 1))
    assert total == expected_total, (total, expected_total)
    page_words = []
    for page in re.findall(r"<page [^>]*>(.*?)</page>", bbox, re.S):
        words = [(float(a) / PT_PER_MM, float(b) / PT_PER_MM, float(c) / PT_PER_MM, float(d) / PT_PER_MM, w)
                 for a, b, c, d, w in re.findall(
                     r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', page)]
        page_words.append(words)
    assert len(page_words) == total
    n = 0
    for i in range(1, LETTERS + 1):
        pages = page_count(i)
        for p in range(1, pages + 1):
            words = page_words[n]
            n += 1
            footer = [w for w in words if w[1] > 280]
            assert " ".join(w[4] for w in footer) == "{} Seite {} von {}".format(piece_id(i), p, pages), footer
            assert all(w[0] >= 24.5 and 282 <= w[1] and w[3] <= 288 for w in footer), footer
            assert all(w[0] >= 22 for w in words), "text left of x 22 on page {}".format(n)
            if p == 1:
                addr = [w for w in words if 45 <= w[1] < 90]
                assert " ".join(w[4] for w in addr) == " ".join(address(i)), addr
                assert all(22 <= w[0] and w[2] <= 100 and 47 <= w[1] and w[3] <= 85 for w in addr), addr
                assert all(w[1] >= 100 or 45 <= w[1] < 90 for w in words), "stray text on page {}".format(n)
    rules = afp_rules_per_page(HERE / "letters.afp")
    assert rules == [len(t) for t in omr], "AFP rules per page differ from the OMR tracks"
    return total, sum(rules)


def main():
    (HERE / "logo.png").write_bytes(png_bytes(60, 30, logo_pixel))
    omr = write_fo(HERE / "letters.fo")
    run("fop", "-fo", "letters.fo", "-afp", "letters.afp")
    total, rules = check(omr)
    print("wrote {} letters, {} pages, {} OMR bars (AFP rules) to {}".format(LETTERS, total, rules, HERE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
