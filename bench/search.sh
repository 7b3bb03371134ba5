#!/usr/bin/env bash
# Search figures (issue #5) for the 10,000-page benchmark corpus:
#   - the size of each audience's search index (`_kanava/search/`, du);
#   - the bytes a browser transfers for the first query: headless Chromium loads a page,
#     types the query into the search box and sums the resources fetched from
#     `_kanava/search/` (performance.getEntriesByType('resource'): transferSize,
#     encodedBodySize), via the ignored `first_query_bytes` test of tests/browser.rs;
#   - the build-time overhead of search: the same release build with and without the
#     `search` feature, on the demo and on 1,000 pages (set OVERHEAD=0 to skip: it compiles
#     kanava a second time, without the feature, into target/nosearch).
#
# Usage: bench/search.sh                 (PAGES=10000 AUDIENCE=staff QUERIES="scheduler …")
# Needs python3 and /usr/bin/chromium (apt-get install -y chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

PAGES=${PAGES:-10000}
AUDIENCE=${AUDIENCE:-staff}
QUERIES=${QUERIES:-"scheduler checkpoint rollback"}
OVERHEAD=${OVERHEAD:-1}

corpus() { # corpus N → prints the corpus folder, generating it if needed
  local n=$1 dir=bench/out/corpus-$1
  if [ ! -f "$dir/kanava.yaml" ]; then
    if [ -f bench/gen_corpus.py ]; then
      python3 bench/gen_corpus.py --format kanava --pages "$n" --out "$dir" >&2
    else
      python3 /work/shared/bench/gen_corpus.py --format kanava --pages "$n" --out "$dir" >&2
    fi
  fi
  echo "$dir"
}

seconds() { # seconds CMD… → wall time of CMD in seconds (best of 3)
  python3 - "$@" <<'PY'
import subprocess, sys, time
best = min(
    (lambda t0: (subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(3)
)
print(f"{best:.2f}")
PY
}

echo "== building kanava (release)"
cargo build --release --quiet
kanava=target/release/kanava

big=$(corpus "$PAGES")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== building the $PAGES-page corpus ($big)"
/usr/bin/time -f "build: %e s, max RSS %M KB" "$kanava" build --root "$big" --out "$work/public" --no-cache

echo
echo "== search index size per audience ($PAGES pages)"
printf '%-22s %8s %12s %8s %8s\n' audience pages index-bytes files fragments
for dir in "$work"/public/*/; do
  a=$(basename "$dir")
  idx="$dir/_kanava/search"
  pages=$(find "$dir" -name index.html -not -path '*/_kanava/*' | wc -l)
  bytes=$(du -sb "$idx" | cut -f1)
  files=$(find "$idx" -type f | wc -l)
  frags=$(find "$idx/fragment" -type f | wc -l)
  printf '%-22s %8s %12s %8s %8s\n' "$a" "$pages" "$bytes" "$files" "$frags"
done
echo "(du -sh: $(du -sh "$work/public/$AUDIENCE/_kanava/search" | cut -f1) for $AUDIENCE; index only, without pagefind's JS/WASM: $(du -sbc "$work/public/$AUDIENCE/_kanava/search"/{fragment,index,filter,*.pf_meta} 2>/dev/null | tail -1 | cut -f1) bytes)"

echo
echo "== bytes transferred for a first query ($AUDIENCE, headless Chromium)"
for q in $QUERIES; do
  echo "-- query: $q"
  KANAVA_BENCH_SITE="$work/public/$AUDIENCE" KANAVA_BENCH_QUERY="$q" \
    cargo test --quiet --test browser -- --ignored --nocapture --exact first_query_bytes 2>/dev/null \
    | grep '^first-query' || echo "(no figures: is /usr/bin/chromium installed?)"
done

if [ "$OVERHEAD" = 1 ]; then
  echo
  echo "== build-time overhead of search (release, best of 3, wall clock)"
  cargo build --release --quiet --no-default-features --target-dir target/nosearch
  plain=target/nosearch/release/kanava
  small=$(corpus 1000)
  printf '%-16s %10s %10s %9s\n' site with-search without overhead
  for site in demo "$small"; do
    root=.; [ "$site" = demo ] || root=$site
    with=$(seconds "$kanava" build --root "$root" --out "$work/with" --no-cache)
    without=$(seconds "$plain" build --root "$root" --out "$work/without" --no-cache)
    printf '%-16s %9ss %9ss %8ss\n' "$(basename "$site")" "$with" "$without" "$(python3 -c "print(f'{$with - $without:.2f}')")"
  done
fi
