#!/usr/bin/env python3
"""Writes the line-data fixtures of tandem-linedata (crates/linedata/tests/fixtures/).

For each listing it writes:
  NAME.listing           the records (RDW, fixed or newline framed)
  NAME.options.toml      its [line_data] table (layout path relative to the file)
  NAME.expected.json     pages (start, lines with line/column/font/text/overprint)
                         and documents (first page, page count, PLZ)
  NAME.expected.txt      the non-overprint text of each page in line order,
                         pages separated by form feeds (what pdftotext shows)
plus codepages.json: all 256 code points of cp500/cp273 from Python's codecs
(cp1141 = cp273 with U+20AC at X'9F'; Python has no cp1141 codec).

The expected pages come from a small printer model written here from the
IBM tables (ASA acts before printing, machine codes after or instead of it),
independent of the Rust code. Together the listings use every ASA value and
every machine code value.

    scripts/make-linedata-fixtures.py [--check]

--check compares with the committed files instead of writing them. It also
writes four fuzz seeds, fuzz/corpus/linedata/seed-*.
"""

import codecs
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "crates/linedata/tests/fixtures"
FUZZ = Path(__file__).resolve().parent.parent / "fuzz/corpus/linedata"

LAYOUT_COURT = """\
# Court and tax letters: A4, 64 lines of 12 pt, Courier 10 pt.
page_width_mm = 210.0
page_height_mm = 297.0
margin_top_mm = 10.0
margin_left_mm = 20.0
lines_per_page = 64
line_spacing_pt = 12.0

[channels]
1 = 3
2 = 8
3 = 12
4 = 16
5 = 20
6 = 24
7 = 28
8 = 32
9 = 40
10 = 48
11 = 56
12 = 62

[[fonts]]
face = "courier"
size_pt = 10.0

[[fonts]]
face = "courier-bold"
size_pt = 10.0
"""

LAYOUT = {"lines_per_page": 64, "channels": {1: 3, 2: 8, 3: 12, 4: 16, 5: 20, 6: 24, 7: 28,
                                             8: 32, 9: 40, 10: 48, 11: 56, 12: 62}}

ASA = {" ": ("space", 1), "0": ("space", 2), "-": ("space", 3), "+": ("space", 0)}
for i, c in enumerate("123456789ABC"):
    ASA[c] = ("skip", i + 1)


def machine(byte):
    table = {0x01: ("print-space", 0), 0x09: ("print-space", 1), 0x11: ("print-space", 2),
             0x19: ("print-space", 3), 0x0B: ("space", 1), 0x13: ("space", 2),
             0x1B: ("space", 3), 0x03: ("noop", 0)}
    for ch in range(1, 13):
        table[0x89 + 8 * (ch - 1)] = ("print-skip", ch)
        table[0x8B + 8 * (ch - 1)] = ("skip", ch)
    return table[byte]


class Printer:
    """Line printer model: pages of `lines_per_page` lines, channel map."""

    def __init__(self, layout):
        self.lpp = layout["lines_per_page"]
        self.channels = layout["channels"]
        self.line = 0
        self.printed = False
        self.pages = []
        self.cur = {"start": "first", "lines": []}

    def new_page(self, start, line):
        if self.cur["lines"]:
            self.pages.append(self.cur)
            self.cur = {"start": start, "lines": []}
        elif self.cur["start"] != "first":
            self.cur["start"] = start
        self.line, self.printed = line, False

    def space(self, n):
        if n == 0:
            return
        if self.line + n > self.lpp:
            self.new_page("overflow", 1)
        else:
            self.line += n
            self.printed = False

    def skip(self, ch):
        target = self.channels[ch]
        if target > self.line or (target == self.line and not self.printed):
            self.line, self.printed = target, False
        else:
            self.new_page(f"channel-{ch}", target)

    def print(self, text, font, record):
        self.line = max(self.line, 1)
        stripped = text.strip(" ")
        column = len(text) - len(text.lstrip(" ")) + 1 if stripped else 1
        self.cur["lines"].append({"line": self.line, "column": column, "font": font,
                                  "text": stripped, "overprint": self.printed, "record": record})
        self.printed = True

    def finish(self):
        if self.cur["lines"]:
            self.pages.append(self.cur)
        for i, p in enumerate(self.pages):
            p["number"] = i + 1
        return self.pages


def rdw(records):
    return b"".join((len(r) + 4).to_bytes(2, "big") + b"\0\0" + r for r in records)


def fixed(records, length, pad):
    out = b""
    for r in records:
        assert len(r) <= length, r
        out += r + pad * (length - len(r))
    return out


def structured_field(ident, data=b""):
    body = ident + b"\0\0\0" + data
    return b"\x5a" + (len(body) + 2).to_bytes(2, "big") + body


def field(page, line, start, end):
    for l in page["lines"]:
        if l["line"] == line and not l["overprint"]:
            col = l["column"]
            return "".join(c for i, c in enumerate(l["text"]) if start <= col + i <= end).strip()
    return ""


def documents(pages, trigger, plz):
    docs = []
    for p in pages:
        if not docs:
            starts = True
        elif trigger == "channel1":
            starts = p["start"] in ("first", "channel-1")
        else:
            line, (s, e), text = trigger
            starts = field(p, line, s, e) == text
        if starts:
            docs.append({"first_page": p["number"], "page_count": 1,
                         "plz": field(p, plz[0], plz[1][0], plz[1][1]) if plz else ""})
        else:
            docs[-1]["page_count"] += 1
    return docs


def page_text(pages):
    """Non-overprint lines in line order; a line overprinted with different
    text (an underline) is left out, since text extraction garbles it."""
    out = []
    for p in pages:
        garbled = {l["line"] for l in p["lines"] if l["overprint"]
                   and any(m["line"] == l["line"] and m["text"] != l["text"] for m in p["lines"])}
        lines = sorted((l for l in p["lines"]
                        if not l["overprint"] and l["text"] and l["line"] not in garbled),
                       key=lambda l: l["line"])
        out.append("".join(l["text"] + "\n" for l in lines))
    return "\f\n".join(out)


# --- fixture 1: court letters, ASA, EBCDIC 273, RDW -------------------------

PEOPLE = [("Herrn", "Max Müller", "Hauptstraße 5", "12345 Musterstadt"),
          ("Frau", "Jürgen-Özdemir Äbel", "Große Gasse 17a", "80331 München"),
          ("Firma", "Weiß & Söhne GmbH", "Am Hafen 1", "20095 Hamburg")]


def court_records(n_witnesses):
    """(control, text) pairs of three court letters using every ASA value."""
    recs = []
    for k, (anrede, name, street, city) in enumerate(PEOPLE):
        az = f"Az. {12 + k} C {345 + k}/24"
        recs += [("1", f"Amtsgericht Musterstadt{' ' * 25}{az}"),
                 (" ", "Justizstraße 1, 12340 Musterstadt"),
                 ("2", f"    {anrede}"),                       # channel 2 = line 8
                 (" ", f"    {name}"),
                 (" ", f"    {street}"),
                 (" ", f"    {city}"),                          # line 11: PLZ in columns 5-9
                 ("3", f"{' ' * 50}Musterstadt, 03.02.2025"),   # line 12
                 ("4", "LADUNG ZUM TERMIN"),                    # line 16
                 ("+", "LADUNG ZUM TERMIN"),                    # overprint (bold)
                 ("+", "______ ___ ______"),                    # overprint (underline)
                 ("5", f"In dem Rechtsstreit {name} ./. Land Niedersachsen"),  # 20
                 ("0", "werden Sie zum Termin zur mündlichen Verhandlung geladen:"),  # 22
                 ("6", "    Termin: Montag, 17.03.2025, 10:30 Uhr, Saal 2.14"),  # 24
                 ("-", "Bitte bringen Sie diese Ladung und Ihren Ausweis mit."),  # 27
                 ("7", "Zeugen:"),                                # 28
                 ]
        for w in range(n_witnesses if k == 1 else 2):
            recs.append((" ", f"  {w + 1:3}. Zeugin/Zeuge Nr. {w + 1} - geladen nach § 377 ZPO"))
        # Letter 2's witnesses overflow past line 64 onto a page starting
        # at line 1; channel 8 (line 32) is then ahead on that page.
        recs += [("8", "Rechtsbehelfsbelehrung:")]             # 32
        recs += [("9", "Gegen diese Ladung ist kein Rechtsmittel gegeben."),   # 40
                 ("A", "Hinweis nach § 141 Abs. 3 ZPO"),     # 48
                 ("B", "Mit freundlichen Grüßen, Justizhauptsekretärin Ä. Öztürk"),  # 56
                 ("C", f"Seite 1 · {az} · Preis 3,50 EUR"),   # 62
                 ]
        if k == 2:
            # A skip to channel 2 from line 62 goes to the next page: a page
            # that continues the letter (only channel 1 starts a letter).
            recs += [("2", "Anlage: Wegbeschreibung zum Saal 2.14"),
                     (" ", "")]
    return recs


def make_court():
    recs = court_records(40)
    printer = Printer(LAYOUT)
    data = []
    number = 0
    for cc, text in recs:
        if cc == "1" and data:
            # A comment (NOP) structured field before each later letter: not printed.
            data.append(structured_field(b"\xd3\xee\xee", "Brief".encode("cp273")))
            number += 1
        number += 1
        i = number
        kind, n = ASA[cc]
        if kind == "space":
            printer.space(n)
        else:
            printer.skip(n)
        printer.print(text, 0, i)
        data.append((cc + text).encode("cp273"))
    pages = printer.finish()
    options = """\
[line_data]
format = "rdw"
carriage_control = "asa"
encoding = "ebcdic-273"
layout = "court-layout.toml"
trigger = "channel1"
plz_field = { line = 11, columns = [5, 9] }
"""
    return "court-asa-273", rdw(data), options, pages, documents(pages, "channel1", (11, (5, 9)))


# --- fixture 2: tax notices, machine code, EBCDIC 1141, RDW -----------------

def make_tax():
    printer = Printer(LAYOUT)
    data = []
    n = 0

    def rec(byte, text=""):
        nonlocal n
        n += 1
        kind, arg = machine(byte)
        if kind == "print-space":
            printer.print(text, 0, n)
            printer.space(arg)
        elif kind == "print-skip":
            printer.print(text, 0, n)
            printer.skip(arg)
        elif kind == "space":
            printer.space(arg)
        elif kind == "skip":
            printer.skip(arg)
        data.append(bytes([byte]) + enc1141(text))

    def sf(ident, payload=b""):
        nonlocal n
        n += 1
        data.append(structured_field(ident, payload))

    names = [("Erika Mustermann", "Lindenweg 3", "01067 Dresden", "1.234,56"),
             ("Hans Bäcker", "Ölmühle 12", "99084 Erfurt", "78,90"),
             ("Zoë Fuß", "Ährenfeld 8", "24103 Kiel", "0,00")]
    for k, (name, street, city, amount) in enumerate(names):
        sf(b"\xd3\xa8\xad", f"BRIEF{k + 1:03}".encode("cp273"))   # BNG: not printed
        rec(0x8B)                                  # skip to channel 1 (line 3) now
        rec(0x09, "Finanzamt Musterstadt")         # line 3, then space 1
        rec(0x11, "Steuernummer 123/456/78901")    # line 4, then space 2
        rec(0x93)                                  # skip to channel 2 (line 8) now
        rec(0x09, f"  {name}")                     # 8
        rec(0x09, f"  {street}")                   # 9
        rec(0x99, f"  {city}")                     # 10, then skip to channel 3 (12)
        rec(0x01, "Bescheid über Einkommensteuer 2024")  # 12, no space
        rec(0x19, "Bescheid über Einkommensteuer 2024")  # 12 again (overprint), space 3
        rec(0x0B)                                  # space 1 now: 16
        rec(0x13)                                  # space 2 now: 18
        rec(0x1B)                                  # space 3 now: 21
        rec(0x03)                                  # no operation
        rec(0x91, f"Festgesetzt werden: {amount} €")  # 21, then channel 2 is behind: new page, 8
        rec(0x9B)                                  # channel 3 now: 12
        rec(0xA1, "Erläuterungen (Kanal 3)")       # 12, then channel 4 (16)
        ch = 4
        for now, after in zip(range(0xA3, 0xE4, 8), range(0xA9, 0xE2, 8)):
            rec(now)                               # already at channel `ch`: stays
            rec(after, f"Kanal {ch}: Zeile {LAYOUT['channels'][ch]}")
            ch += 1
        rec(0xE3)                                  # at channel 12 (62): stays
        rec(0x09, "Zahlbar bis 15.04.2025 - Säumniszuschlag 1 % je Monat")  # 62
        rec(0x89, "Ende des Bescheids")            # 63, then channel 1: new page
        sf(b"\xd3\xa9\xad")                     # ENG
    pages = printer.finish()
    options = """\
[line_data]
format = "rdw"
carriage_control = "machine"
encoding = "ebcdic-1141"
layout = "court-layout.toml"
trigger = "channel1"
plz_field = { line = 10, columns = [3, 7] }
"""
    return "tax-machine-1141", rdw(data), options, pages, documents(pages, "channel1", (10, (3, 7)))


def enc1141(text):
    return b"".join(b"\x9f" if c == "€" else c.encode("cp273") for c in text)


# --- fixture 3: multi-page notices, ASA + TRC, Latin-1, fixed 82 ------------

def make_trc():
    printer = Printer(LAYOUT)
    data = []
    n = 0
    for k, (name, city) in enumerate([("Familie Groß", "10115 Berlin"),
                                       ("Herr Öz", "50667 Köln")]):
        for page in range(1, 3 + k):
            n += 1
            header = f"Stadtkasse Musterstadt{' ' * 24}Seite {page}"
            printer.skip(1)
            printer.print(header, 1, n)
            data.append(b"1\x01" + header.encode("latin-1"))
            body = [("0", f"   {name}", 0), (" ", f"   {city}", 0),
                    ("-", f"Grundbesitzabgaben {2024 + page}", 1),
                    ("+", f"Grundbesitzabgaben {2024 + page}", 1)]
            for cc, text, font in body:
                n += 1
                kind, arg = ASA[cc]
                printer.space(arg)
                printer.print(text, font, n)
                data.append(cc.encode() + str(font).encode() + text.encode("latin-1"))
    pages = printer.finish()
    trigger = (3, (47, 53), "Seite 1")
    options = """\
[line_data]
format = { fixed = { length = 82 } }
carriage_control = "asa"
encoding = "latin-1"
trc = true
layout = "court-layout.toml"
trigger = { text = { line = 3, columns = [47, 53], text = "Seite 1" } }
plz_field = { line = 6, columns = [4, 8] }
"""
    return ("notice-asa-trc-latin1", fixed(data, 82, b" "), options, pages,
            documents(pages, trigger, (6, (4, 8))))


# --- fixture 4: plain text without carriage control, newline framed ---------

def make_plain():
    printer = Printer(LAYOUT)
    lines = [f"{i:4}  Kontoauszug Zeile {i} - Buchung {i * 7 % 100:2},00 EUR" for i in range(1, 151)]
    for i, t in enumerate(lines, start=1):
        printer.space(1)
        printer.print(t, 0, i)
    pages = printer.finish()
    options = """\
[line_data]
format = "newline"
carriage_control = "none"
encoding = "latin-1"
layout = "court-layout.toml"
"""
    data = "".join(t + "\r\n" for t in lines).encode("latin-1")
    return "plain-newline", data, options, pages, documents(pages, "channel1", None)


# --- fixture 5: letters for the redirect path, ASA, EBCDIC 1141, RDW --------

def make_redirect():
    """Letters with the demo's footer "Brief P000001 - Seite n von m" on
    channel 12, so scripts/verify-demo.py can check the redirected output."""
    printer = Printer(LAYOUT)
    data = []
    n = 0
    letters = [(1, "Anna Schäfer", "18734 Bansin"), (2, "Bernd Weiß", "06100 Halle (Saale)"),
               (3, "Cäcilie Öhler", "80331 München"), (1, "Dieter Ünal", "01067 Dresden")]
    for k, (pages, name, city) in enumerate(letters, start=1):
        for page in range(1, pages + 1):
            recs = []
            if page == 1:
                recs += [("1", "Finanzamt Musterstadt, Postfach 1234, 12340 Musterstadt"),
                         ("2", f"    {name}"), (" ", "    Lindenallee 7"), (" ", f"    {city}"),
                         ("3", f"{' ' * 50}Musterstadt, 03.02.2025"),
                         ("4", "Bescheid über Grundsteuer 2025 - Betrag 123,45 €"),
                         ("+", "Bescheid über Grundsteuer 2025 - Betrag 123,45 €")]
            else:
                recs += [("2", f"Fortsetzung Seite {page}")]
            recs += [("0", f"Text der Seite {page} des Briefes {k}.")]
            recs += [("C", f"Brief P{k:06} - Seite {page} von {pages}")]
            for cc, text in recs:
                n += 1
                kind, arg = ASA[cc]
                printer.space(arg) if kind == "space" else printer.skip(arg)
                printer.print(text, 0, n)
                data.append(cc.encode("cp273") + enc1141(text))
    pages = printer.finish()
    options = """\
[line_data]
format = "rdw"
carriage_control = "asa"
encoding = "ebcdic-1141"
layout = "court-layout.toml"
trigger = "channel1"
plz_field = { line = 10, columns = [5, 9] }
"""
    return "redirect-letters", rdw(data), options, pages, documents(pages, "channel1", (10, (5, 9)))


def codepages():
    table = {}
    for name in ("cp500", "cp273"):
        table[name] = [bytes([b]).decode(name) for b in range(256)]
    table["cp1141"] = list(table["cp273"])
    table["cp1141"][0x9F] = "\u20ac"
    return json.dumps(table, ensure_ascii=False, indent=0) + "\n"


def main():
    check = "--check" in sys.argv
    files = {"court-layout.toml": LAYOUT_COURT.encode(), "codepages.json": codepages().encode()}
    for make in (make_court, make_tax, make_trc, make_plain, make_redirect):
        name, data, options, pages, docs = make()
        files[f"{name}.listing"] = data
        files[f"{name}.options.toml"] = options.encode()
        files[f"{name}.expected.json"] = (json.dumps({"pages": pages, "documents": docs},
                                                     ensure_ascii=False, indent=1) + "\n").encode()
        files[f"{name}.expected.txt"] = page_text(pages).encode()
    bad = []
    OUT.mkdir(parents=True, exist_ok=True)
    # Fuzz seeds: the fuzz target's two option bytes, then a listing.
    # Byte 1: bits 0-1 framing (0 RDW, 1 newline), 2-3 control (0 ASA,
    # 1 machine, 2 none), 4-5 encoding (0 cp500, 1 cp273, 2 cp1141, 3 Latin-1).
    seeds = {"court-asa-273": 0x10, "tax-machine-1141": 0x24, "plain-newline": 0x39,
             "redirect-letters": 0x20}
    for name, a in seeds.items():
        files[str(FUZZ / f"seed-{name}")] = bytes([a, 0]) + files[f"{name}.listing"]
    for fname, content in files.items():
        path = OUT / fname
        if check:
            if not path.exists() or path.read_bytes() != content:
                bad.append(fname)
        else:
            path.write_bytes(content)
    if bad:
        sys.exit(f"fixtures out of date (run scripts/make-linedata-fixtures.py): {', '.join(bad)}")
    print(f"{'checked' if check else 'wrote'} {len(files)} files in {OUT} and {FUZZ}")


if __name__ == "__main__":
    main()
