#!/usr/bin/env bash
# bench.sh [N] [DATA_DIR] - Tandem's redirect beside the home-grown peer
# pipelines, in one run on the same input.
#
# Input and baselines come from ../shared/tools/peer-stamp.sh: its N-page
# letter-like in.pdf and its marks PDFs (unique OMR bars + DataMatrix per
# page). Making the reportlab marks PDF takes ~15 minutes at N=10,000, so it
# is made once in DATA_DIR (default /var/tmp/tandem-bench) and reused.
#
# Measured, each REPEAT times (default 3), best wall time and its peak RSS:
#   qpdf      qpdf --overlay marks.pdf -- in.pdf         (the issue's baseline)
#   qpdf-zx   qpdf --overlay marks-zx.pdf -- in.pdf      (fastest peer overlay)
#   tandem    tandem redirect: read in.pdf, cut 1-page pieces, white-out,
#             partner OMR + DataMatrix per sheet, manifest, SHA-256s
# Note the peers' times exclude making their marks PDFs; Tandem's includes
# encoding every mark. With BIG=M (e.g. BIG=100000) Tandem's peak memory is
# also measured on an M-page input.
set -euo pipefail
# `bench.sh afp [BYTES] [DATA_DIR]`: the AFP scan/index bench instead.
if [[ ${1:-} == afp ]]; then
  exec bash "$(dirname "$0")/bench-afp.sh" "${@:2}"
fi
N=${1:-10000}
DATA=${2:-/var/tmp/tandem-bench}
REPEAT=${REPEAT:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$ROOT/../shared/tools}
PY=$(bash "$TOOLS/setup-verifiers.sh" | tail -n 1)
W=$DATA/n$N
mkdir -p "$W"

if [[ ! -f $W/in.pdf || ! -f $W/marks.pdf || ! -f $W/marks-zx.pdf ]]; then
  echo "== making peer input and marks PDFs in $W (once)"
  SKIP="pypdf qpdf pikepdf pymupdf pdftk oneshot qpdf-zx pdftk-zx" PY=$PY bash "$TOOLS/peer-stamp.sh" "$N" "$W" >/dev/null
fi

cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
TANDEM=$ROOT/target/release/tandem

job_for() {  # PDF PAGES DIR -> a ticket cutting the input into 1-page pieces
  cat > "$3/job.toml" <<TOML
id = "BENCH-$2"
origin_centre = "peer"
document_class = "other"
deadline = "2026-12-31T12:00:00Z"
plex = "simplex"
[[print_files]]
path = "$1"
[documents]
fixed_page_count = 1
TOML
  # One output file, as the peers write: no run limit.
  sed 's/^max_sheets_per_run = .*/max_sheets_per_run = 100000000/' "$ROOT/examples/centre-sued.toml" > "$3/partner.toml"
}
job_for "$W/in.pdf" "$N" "$W"

measure() {  # NAME OUT CMD... -> "name wall_s rss_mib" of the best of REPEAT runs
  local name=$1 out=$2; shift 2
  local best="" best_rss=""
  for _ in $(seq "$REPEAT"); do
    rm -rf "$out"
    /usr/bin/time -f '%e %M' -o "$W/time-$name.txt" "$@" >/dev/null 2>"$W/log-$name.txt"
    read -r wall rss < "$W/time-$name.txt"
    if [[ -z $best ]] || awk -v a="$wall" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$wall best_rss=$rss; fi
  done
  echo "$name $best $((best_rss / 1024))"
}

echo "== N=$N, best of $REPEAT, $(nproc) cores, $(date -u +%FT%TZ)"
results=()
results+=("$(measure qpdf "$W/out-qpdf.pdf" qpdf --overlay "$W/marks.pdf" -- "$W/in.pdf" "$W/out-qpdf.pdf")")
results+=("$(measure qpdf-zx "$W/out-qpdf-zx.pdf" qpdf --overlay "$W/marks-zx.pdf" -- "$W/in.pdf" "$W/out-qpdf-zx.pdf")")
results+=("$(measure tandem "$W/out-tandem" "$TANDEM" redirect --quiet --job "$W/job.toml" --to "$W/partner.toml" --out "$W/out-tandem")")
qpdf --check "$W"/out-tandem/*.pdf >/dev/null

tandem_wall=$(printf '%s\n' "${results[@]}" | awk '$1=="tandem"{print $2}')
printf '%-8s %10s %12s %10s %16s\n' step wall_s pages_per_s peak_MiB tandem_speedup
for r in "${results[@]}"; do
  read -r name wall rss <<<"$r"
  awk -v n="$name" -v w="$wall" -v r="$rss" -v N="$N" -v t="$tandem_wall" \
    'BEGIN{printf "%-8s %10.2f %12.0f %10d %15.1fx\n", n, w, N/(w>0?w:0.01), r, w/(t>0?t:0.01)}'
done

if [[ -n ${BIG:-} ]]; then
  B=$DATA/n$BIG
  mkdir -p "$B"
  [[ -f $B/in.pdf ]] || "$PY" "$TOOLS/peer_stamp.py" make-input "$BIG" "$B/in.pdf"
  job_for "$B/in.pdf" "$BIG" "$B"
  read -r name wall rss <<<"$(REPEAT=1 W=$B measure tandem-big "$B/out-tandem" "$TANDEM" redirect --quiet --job "$B/job.toml" --to "$B/partner.toml" --out "$B/out-tandem")"
  awk -v w="$wall" -v r="$rss" -v N="$BIG" 'BEGIN{printf "tandem at %d pages: %.2f s, %.0f pages/s, peak %d MiB\n", N, w, N/w, r}'
  rm -rf "$B/out-tandem"
fi
