#!/usr/bin/env bash
# Where does kanava's time go? A perf profile of one command on a benchmark corpus, summed
# by pipeline phase (highlight, markdown, render, write, …) with a timeline.
#
#   bench/profile.sh                          # build --audience public, 1,000 pages
#   bench/profile.sh 10000 build              # all 8 audiences, 10,000 pages
#   bench/profile.sh 10000 build --audience staff
#   bench/profile.sh 10000 check
#   bench/profile.sh 10000 rebuild            # build twice into one folder, profile the second
#   CALLGRIND=1 bench/profile.sh 1000 build --audience public   # instruction counts instead
#
# Uses the corpus bench/run.sh made (bench/out/corpus-kanava-N; run it first, or --quick
# for N = 1000) and the binary it copied (bench/out/kanava). perf: `apt-get install -y
# linux-perf`; on VMs without hardware counters the cpu-clock event still works.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $# == 0 ]] && set -- 1000 build --audience public
N=$1; CMD=${2:-build}
shift; [[ $# == 0 ]] || shift
OUT=$PWD/bench/out; C=$OUT/corpus-kanava-$N; K=$OUT/kanava; P=$OUT/profile
[[ -d $C && -x $K ]] || { echo "bench/profile.sh: run bench/run.sh --sizes $N first" >&2; exit 2; }
mkdir -p "$P"; rm -rf "$P/site"
case $CMD in
    build) run=("$K" build --root "$C" --out "$P/site" --no-cache "$@") ;;
    rebuild) "$K" build --root "$C" --out "$P/site" "$@"; run=("$K" build --root "$C" --out "$P/site" "$@") ;;
    check) run=("$K" check --root "$C" "$@") ;;
    *) echo "bench/profile.sh: build, rebuild or check" >&2; exit 2 ;;
esac
name=$P/$N-$CMD
if [[ -n ${CALLGRIND:-} ]]; then
    valgrind --tool=callgrind --callgrind-out-file="$name.callgrind" "${run[@]}"
    callgrind_annotate --inclusive=no --auto=no "$name.callgrind" | head -40
else
    perf record -e cpu-clock -F 200 --call-graph dwarf,16384 -o "$name.perf" "${run[@]}"
    perf script -i "$name.perf" -F comm,tid,time,ip,sym 2>/dev/null >"$name.txt"
    python3 bench/phases.py "$name.txt" 10
fi
rm -rf "$P/site"
