#!/bin/sh
# Measures the Verilator build of a Yosys generic netlist (not a test): verilate time and peak
# memory, C++ size, and the g++ build time at the given optimization level, single job, niced.
# Usage: bench/synth-netlist-build.sh NETLIST.v OUTDIR [OPT (default -O0)] [extra verilator flags]
# e.g.   bench/synth-netlist-build.sh build/synth/.cache/generic-<key>/netlist-sim.v /tmp/nb -O0
# The flags are the ones harness/engine/build-sim.ts + harness/synth/resim.ts use, with -j 1.
set -eu
NET=$1; OUT=$2; OPT=${3:--O0}
shift 2; [ $# -gt 0 ] && shift
ROOT=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$OUT"; mkdir -p "$OUT"
T=/usr/bin/time
$T -f "verilate: %e s wall, %U s user, %M KB peak" nice -n 19 verilator --cc --exe \
  -O3 --x-assign fast --x-initial fast -Wno-fatal -Wno-lint -Wno-style "$@" \
  --top-module tlsnic_tx_top --prefix Vtop -Mdir "$OUT" -o sim \
  -CFLAGS "-O2 -I$ROOT/tb -DTB_W=128 -DTB_N_CTX=16 -DTB_MAX_FRAME=9600" \
  "$NET" "$ROOT/tb/tb_tx_engine.cpp" > "$OUT/verilate.log" 2>&1 || { tail "$OUT/verilate.log"; exit 1; }
grep 'verilate:' "$OUT/verilate.log" || tail -1 "$OUT/verilate.log"
echo "C++: $(cat "$OUT"/*.cpp | wc -c) bytes in $(ls "$OUT"/*.cpp | wc -l) files"
$T -f "g++ build ($OPT, -j1): %e s wall, %U s user, %M KB peak" nice -n 19 \
  make -s -C "$OUT" -f Vtop.mk -j 1 OPT_FAST="$OPT" OPT_SLOW="$OPT" > "$OUT/make.log" 2>&1 || { tail "$OUT/make.log"; exit 1; }
tail -1 "$OUT/make.log"
