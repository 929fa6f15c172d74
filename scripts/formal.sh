#!/usr/bin/env bash
# Formal checks of the record tracker and the TCP sequence compares (issue 18; `make formal`;
# docs/architecture.md "Formal proof"). Two parts:
#   seq    formal/tlsnic_seq_cmp_fv.sv: seq_lt / seq_leq / too_far equal their definitions for
#          all inputs. Combinational: Yosys write_smt2 + yosys-smtbmc -s z3, one step = the proof.
#   track  formal/tlsnic_rec_track_fv.sv: tlsnic_rec_track (W = 128) against the harness's
#          abstract record specification, bounded model check of DEPTH work items from a fresh
#          stream with arbitrary data and segmentation. Yosys writes an AIGER model, the ABC
#          that ships with Yosys (yosys-abc) runs bmc3. (yosys-smtbmc is not used for this part:
#          z3 4.8.12 stalls while reading this model, Debian's boolector 1.5 cannot read
#          yosys-smtbmc's SMT-LIB 2, cvc5 1.0 finds no answer for one step in 300 s.)
# Usage: scripts/formal.sh [--depth N] [--part seq|track|all] [--crypto] [--mutant NAME | --mutants]
#   --depth N      BMC depth in work items (default: FORMAL_DEPTH or 8)
#   --crypto       also check the GCM inputs (nonce state, counter blocks, AAD and length blocks)
#   --mutant NAME  run on a deliberately broken copy of the RTL; the check must fail:
#                    len-max    the tracker accepts a record body of 2^14 + 257 bytes
#                    tag-start  the tracker classes a record's first tag byte as payload
#                    seq-lt     seq_lt(a, b) also holds when b - a == 2^31 + 1
#   --mutants      run every mutant; exit 0 only if each one gives a counterexample
# Output in build/formal/<mutant or main>/. Exit 0: every part passed; 1: a counterexample
# (printed, and written to seq-cex.vcd / track-cex.txt); 2: tool error, timeout or undecided.
set -euo pipefail
cd "$(dirname "$0")/.."

DEPTH=${FORMAL_DEPTH:-8}
PART=all
MUTANT=""
DEFS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --depth) DEPTH=$2; shift 2 ;;
    --part) PART=$2; shift 2 ;;
    --mutant) MUTANT=$2; shift 2 ;;
    --crypto) DEFS="-DFV_CRYPTO"; shift ;;
    --mutants) MUTANT=all; shift ;;
    *) echo "formal: unknown argument $1" >&2; exit 2 ;;
  esac
done

for t in yosys yosys-smtbmc yosys-abc z3; do
  command -v "$t" >/dev/null 2>&1 || { echo "formal: $t not found (scripts/setup.sh installs it)" >&2; exit 2; }
done

if [ "$MUTANT" = all ]; then
  bad=0
  mkdir -p build
  for m in seq-lt len-max tag-start; do
    set +e
    "$0" --mutant "$m" --depth "$DEPTH" > "build/formal-$m.txt" 2>&1
    rc=$?
    set -e
    if [ $rc -eq 1 ]; then echo "formal: mutant $m: caught ($(grep -o 'FAIL: counterexample[^:]*' "build/formal-$m.txt" | head -1))"
    else echo "formal: mutant $m: NOT caught (exit $rc, build/formal-$m.txt)"; bad=1; fi
  done
  exit $bad
fi

out=build/formal/${MUTANT:-main}
rm -rf "$out"
mkdir -p "$out/rtl"
# The sources, flat: rtl/common/tlsnic_pkg.sv, rtl/rx/tlsnic_rx_pkg.sv, rtl/common/tlsnic_rec_track.sv.
declare -A SRC=([tlsnic_pkg.sv]=rtl/common/tlsnic_pkg.sv [tlsnic_rx_pkg.sv]=rtl/rx/tlsnic_rx_pkg.sv
                [tlsnic_rec_track.sv]=rtl/common/tlsnic_rec_track.sv)
for f in "${!SRC[@]}"; do cp "${SRC[$f]}" "$out/rtl/$f"; done

# mutate FILE SED-EXPR: apply a mutation to the copy, which must change it.
mutate() {
  sed -i "$2" "$out/rtl/$1"
  if cmp -s "${SRC[$1]}" "$out/rtl/$1"; then echo "formal: mutant $MUTANT no longer applies to ${SRC[$1]}" >&2; exit 2; fi
}
case "$MUTANT" in
  "") ;;
  len-max)   mutate tlsnic_rec_track.sv "s/15'(tlsnic_pkg::MaxRecordBody)/15'(tlsnic_pkg::MaxRecordBody + 1)/g"; PART=track ;;
  tag-start) mutate tlsnic_rec_track.sv "s/rlen_a - 15'd16 - mx : 15'd0/rlen_a - 15'd15 - mx : 15'd0/"; PART=track ;;
  seq-lt)    mutate tlsnic_pkg.sv "s/seq_lt = (a - b) > 32'h7fff_ffff;/seq_lt = (a - b) >= 32'h7fff_ffff;/"; PART=seq ;;
  *) echo "formal: unknown mutant $MUTANT" >&2; exit 2 ;;
esac

status=0
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

if [ "$PART" = all ] || [ "$PART" = seq ]; then
  t0=$(now)
  cat > "$out/seq.ys" <<YS
read_verilog -sv -formal $out/rtl/tlsnic_pkg.sv $out/rtl/tlsnic_rx_pkg.sv formal/tlsnic_seq_cmp_fv.sv
prep -flatten -top tlsnic_seq_cmp_fv
write_smt2 -wires $out/seq.smt2
YS
  if ! timeout 300 yosys -q -l "$out/seq-yosys.log" -s "$out/seq.ys" >/dev/null; then
    echo "formal: seq: Yosys failed ($out/seq-yosys.log)"; exit 2
  fi
  set +e
  timeout 300 yosys-smtbmc -s z3 -t 1 --dump-vcd "$out/seq-cex.vcd" "$out/seq.smt2" > "$out/seq.log" 2>&1
  set -e
  if grep -q "Status: PASSED" "$out/seq.log"; then
    echo "formal: seq: PASS: seq_lt, seq_leq, too_far equal their definitions for all 2^64 inputs ($(secs "$t0") s)"
  elif grep -q "Status: FAILED" "$out/seq.log"; then
    echo "formal: seq: FAIL: counterexample ($out/seq-cex.vcd):"
    grep -E "Assert failed|Value for|a =|b =" "$out/seq.log" | head -8 | sed 's/^/  /'
    status=1
  else
    echo "formal: seq: ERROR ($out/seq.log)"; tail -5 "$out/seq.log"; exit 2
  fi
fi

if [ "$PART" = all ] || [ "$PART" = track ]; then
  t0=$(now)
  cat > "$out/track.ys" <<YS
read_verilog -sv -formal $DEFS $out/rtl/tlsnic_pkg.sv $out/rtl/tlsnic_rec_track.sv formal/tlsnic_rec_track_fv.sv
prep -flatten -top tlsnic_rec_track_fv
async2sync
chformal -assume -early
opt_clean
setundef -anyseq
opt -keepdc -fast
delete -output
dffunmap
techmap
opt -fast -noff
abc -g AND -fast
opt_clean
stat
write_aiger -I -B -zinit -map $out/track.aim $out/track.aig
YS
  if ! timeout 600 yosys -q -l "$out/track-yosys.log" -s "$out/track.ys" >/dev/null; then
    echo "formal: track: Yosys failed ($out/track-yosys.log)"; exit 2
  fi
  t1=$(now)
  set +e
  timeout 3600 yosys-abc -c "read_aiger $out/track.aig; fold; strash; bmc3 -F $DEPTH -v; write_cex -n $out/track-cex.txt" \
    > "$out/track.log" 2>&1
  set -e
  if grep -q "No output asserted in $DEPTH frames" "$out/track.log"; then
    echo "formal: track: PASS: BMC${DEFS:+ with GCM inputs}, $DEPTH work items from a fresh stream, no assertion fails (model $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, total $(secs "$t0") s)"
  elif grep -q "was asserted in frame" "$out/track.log"; then
    echo "formal: track: FAIL: counterexample ($out/track-cex.txt): $(grep -o 'Output [0-9]* of miter .* was asserted in frame [0-9]*' "$out/track.log" | head -1)"
    status=1
  else
    echo "formal: track: UNDECIDED or error ($out/track.log)"; tail -5 "$out/track.log"; exit 2
  fi
fi

exit $status
