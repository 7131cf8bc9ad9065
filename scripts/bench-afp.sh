#!/usr/bin/env bash
# bench-afp.sh [BYTES] [DATA_DIR] - scanning and indexing a large AFP file
# (also run as `scripts/bench.sh afp [BYTES] [DATA_DIR]`).
#
# The file (default 1.1 GB) is made once in DATA_DIR by repeating the page
# groups of examples/jobs/afp-letters/letters.afp (an Apache FOP file). The
# Rust example `afp_index` maps it and builds the structure index on one
# thread, timed from opening the file; best of REPEAT (default 3). It prints
# the throughput and the memory: RssAnon is the index, RssFile the mapped
# file's pages in the page cache. For a peer, the pure-Python PyPI `afp`
# decoder lists the fields of a 20 MB file made the same way, beside ours.
# Last, `tandem redirect` of a ~100,000-page AFP job (the page groups
# repeated with unique piece ids) to centre Nord: time and peak memory.
set -euo pipefail
BYTES=${1:-1100000000}
DATA=${2:-/var/tmp/tandem-bench}
REPEAT=${REPEAT:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=${TOOLS:-$ROOT/../shared/tools}
FIXTURE=$ROOT/examples/jobs/afp-letters/letters.afp
mkdir -p "$DATA"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml" -p tandem-benches --examples
BIN=$ROOT/target/release/examples
BIG=$DATA/afp-$BYTES.afp
[[ -f $BIG ]] || "$BIN/afp_repeat" "$FIXTURE" "$BIG" "$BYTES"

echo "== AFP scan and index, $(du -h "$BIG" | cut -f1), best of $REPEAT, $(date -u +%FT%TZ)"
for mode in --scan --index; do
  best=""
  for _ in $(seq "$REPEAT"); do
    out=$("$BIN/afp_index" "$BIG" ${mode/--index/})
    line=${out%%$'\n'*}
    rate=$(sed -E 's/.*= ([0-9.]+) GB\/s/\1/' <<<"$line")
    if [[ -z $best ]] || awk -v a="$rate" -v b="$best" 'BEGIN{exit !(a>b)}'; then best=$rate best_line=$line; fi
  done
  echo "$mode: $best_line"
done
out=$("$BIN/afp_index" "$BIG")
echo "memory after indexing: ${out##*$'\n'}"

SMALL=$DATA/afp-20000000.afp
[[ -f $SMALL ]] || "$BIN/afp_repeat" "$FIXTURE" "$SMALL" 20000000 >/dev/null
PY=$(bash "$TOOLS/setup-verifiers.sh" | tail -n 1)
py_s=$( { /usr/bin/time -f '%e' "$PY" - "$SMALL" >/dev/null <<'PYTHON'
import sys, afp
with open(sys.argv[1], "rb") as f:
    n = sum(1 for _ in afp.stream(f, allow_unknown_fields=True,
            allow_unknown_triplets=True, allow_unknown_functions=True))
print(n)
PYTHON
} 2>&1 | tail -n 1)
rust_out=$("$BIN/afp_index" "$SMALL")
rust_line=${rust_out%%$'\n'*}
rust_s=$(sed -E 's/.* in ([0-9.]+) s = .*/\1/' <<<"$rust_line")
awk -v p="$py_s" -v r="$rust_s" 'BEGIN{printf "peer on 20 MB: PyPI afp %.2f s, tandem index %.3f s: %.0fx\n", p, r, p/r}'

JOB=$DATA/afp-job
mkdir -p "$JOB"
[[ -f $JOB/letters.afp ]] || "$BIN/afp_repeat" "$FIXTURE" "$JOB/letters.afp" 96000000 PieceId >/dev/null
sed 's/^id = .*/id = "BENCH-AFP"/' "$ROOT/examples/jobs/afp-letters/job.toml" > "$JOB/job.toml"
sed 's/^max_sheets_per_run = .*/max_sheets_per_run = 100000000/' "$ROOT/examples/centre-nord.toml" > "$JOB/nord.toml"
cargo build --release --quiet --manifest-path "$ROOT/Cargo.toml"
rm -rf "$JOB/out"
/usr/bin/time -f '%e %M' -o "$JOB/time.txt" "$ROOT/target/release/tandem" redirect --quiet \
  --job "$JOB/job.toml" --to "$JOB/nord.toml" --out "$JOB/out" >/dev/null
read -r wall rss < "$JOB/time.txt"
pages=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['totals']['pages'])" "$JOB/out/manifest.json")
awk -v w="$wall" -v r="$rss" -v p="$pages" 'BEGIN{printf "tandem redirect of an AFP job of %d pages: %.2f s, %.0f pages/s, peak %d MiB\n", p, w, p/w, r/1024}'
rm -rf "$JOB/out"
