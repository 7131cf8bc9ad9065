#!/usr/bin/env bash
# Line data (tandem-linedata), checked independently of the crate:
#  1. the fixtures are what scripts/make-linedata-fixtures.py writes;
#  2. the crate's tests (fixtures, errors, code pages, proptest, fuzz corpus);
#  3. every fixture rendered to PDF and read back with poppler
#     (scripts/check-linedata.py: page count, every word's page/line/column,
#     text in order, pieces);
#  4. the redirect path: the rendered letters and their pieces as a PDF job,
#     `tandem redirect` to centre Süd, output checked by verify-demo.py
#     (manifest, qpdf, OMR/DataMatrix marks, white-out, page order).
set -euo pipefail
# TANDEM=path/to/tandem uses that binary instead of building one.
cd "$(dirname "$0")/.."
SHARED=${SHARED:-$(cd .. && pwd)/shared}
FIX=crates/linedata/tests/fixtures

python3 scripts/make-linedata-fixtures.py --check
cargo test -p tandem-linedata --quiet
cargo build -p tandem-linedata --example render --quiet
python3 scripts/check-linedata.py target/debug/examples/render target/linedata-check

R=target/linedata-check/redirect
rm -rf "$R"
mkdir -p "$R/job"
target/debug/examples/render "$FIX/redirect-letters.options.toml" "$FIX/redirect-letters.listing" \
    "$R/job/letters.pdf" P >"$R/pieces.json"
python3 - "$R" <<'PY'
import csv, hashlib, json, sys
from pathlib import Path
r = Path(sys.argv[1])
pieces = json.loads((r / "pieces.json").read_text())
with open(r / "job/letters.csv", "w", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["piece_id", "first_page", "page_count", "plz", "country"])
    for p in pieces:
        w.writerow([p["piece_id"], p["first_page"], p["page_count"], p["plz"], p["country"]])
sha = hashlib.sha256((r / "job/letters.pdf").read_bytes()).hexdigest()
(r / "job/job.toml").write_text(f"""\
id = "LINEDATA-2025-001"
origin_centre = "nord"
document_class = "tax-notice"
deadline = "2026-12-15T12:00:00+01:00"
priority = 3
plex = "duplex"
postal_product = "standard"

[[print_files]]
path = "letters.pdf"
format = "pdf"
sha256 = "{sha}"

[documents]
index = "letters.csv"

[paper]
size = "a4"
grammage_gsm = 80

[address_field]
x = 20.0
y = 45.0
width = 85.0
height = 45.0

# Nothing of the listing lies left of its 20 mm margin.
[origin_mark_zone]
x = 2.0
y = 56.75
width = 12.0
height = 31.9
""")
PY
if [ -z "${TANDEM:-}" ]; then
    cargo build --release --quiet -p tandem-cli
    TANDEM=target/release/tandem
fi
"$TANDEM" redirect --job "$R/job/job.toml" --to examples/centre-sued.toml --out "$R/out"
PY=$(bash "$SHARED/tools/setup-verifiers.sh" | tail -n 1)
"$PY" scripts/verify-demo.py "$R" --tools "$SHARED/tools"
echo "check-linedata: all checks passed"
