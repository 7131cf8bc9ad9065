#!/usr/bin/env python3
"""Writes the example jobs for `tandem check` with reportlab (independent of
Tandem's own PDF writer): one that centre Süd can run, and several it cannot,
each for a different reason. Run with the verifier venv:

    /opt/tandem-verify/bin/python examples/jobs/make-jobs.py

Every job: letters of DIN A4, 10 pt Helvetica, address block in DIN 5008
form B, duplex, an index CSV. Names and addresses are made up.
"""
import pathlib
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

HERE = pathlib.Path(__file__).resolve().parent
W, H = A4


def letter_page(c, piece, n, m, address_y=67):
    if n == 1:
        c.setFont("Helvetica", 7)
        c.drawString(25 * mm, H - 57 * mm, "Amtsgericht Musterstadt - Gerichtsplatz 1 - 12345 Musterstadt")
        c.setFont("Helvetica", 10)
        for i, line in enumerate(["Frau Erika Beispiel", "Lindenweg 5", "80331 München"]):
            c.drawString(25 * mm, H - (address_y + 4.5 * i) * mm, line)
        c.setFont("Helvetica-Bold", 11)
        c.drawString(25 * mm, H - 108 * mm, "Ladung zum Termin - Az. 4 C 1234/26")
    c.setFont("Helvetica", 10)
    for i in range(25):
        c.drawString(25 * mm, H - (120 + 6 * i) * mm, "Sie werden hiermit zum Termin geladen; bitte bringen Sie diese Ladung mit.")
    c.setFont("Helvetica", 8)
    c.drawString(25 * mm, H - 287 * mm, f"Brief {piece} - Seite {n} von {m}")


def write_job(name, pages_per_piece, extra=None, address_y=67, ticket_extra=""):
    d = HERE / name
    d.mkdir(exist_ok=True)
    c = canvas.Canvas(str(d / "letters.pdf"), pagesize=A4, invariant=1)
    index = ["piece_id,first_page,page_count,plz"]
    page = 1
    for p, count in enumerate(pages_per_piece, start=1):
        piece = f"G{p:05d}"
        for n in range(1, count + 1):
            letter_page(c, piece, n, count, address_y)
            if extra:
                extra(c, page)
            c.showPage()
        index.append(f"{piece},{page},{count},{80330 + p}")
        page += count
    c.save()
    (d / "letters.csv").write_text("\n".join(index) + "\n")
    (d / "job.toml").write_text(
        f'id = "EX-{name.upper()}"\norigin_centre = "nord"\ndocument_class = "court-order"\n'
        'deadline = "2026-12-15T12:00:00+01:00"\nplex = "duplex"\npostal_product = "standard"\n'
        f"{ticket_extra}"
        '\n[[print_files]]\npath = "letters.pdf"\n\n[documents]\nindex = "letters.csv"\n')


def margin_note(c, page):
    # A clerk's note printed into the left margin of page 1, where centre
    # Süd's OMR code goes.
    if page == 1:
        c.setFont("Helvetica", 9)
        c.drawString(7 * mm, H - 118 * mm, "eilt!")


def colour_logo(c, page):
    c.setFillColorRGB(0.0, 0.3, 0.7)
    c.rect(160 * mm, H - 30 * mm, 25 * mm, 12 * mm, stroke=0, fill=1)


write_job("runs", [2, 3, 1, 4])
write_job("margin-note", [2, 2], extra=margin_note)
write_job("address-low", [2, 1], address_y=97,
          ticket_extra="address_field = { x = 20.0, y = 75.0, width = 85.0, height = 45.0 }\n")
write_job("colour-logo", [1, 2], extra=colour_logo)
write_job("thick-file", [24, 2])
write_job("thick-file-split", [24, 2], ticket_extra="allow_split = true\n")
print("wrote", ", ".join(sorted(p.name for p in HERE.iterdir() if p.is_dir())))
