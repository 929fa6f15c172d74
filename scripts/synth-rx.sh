#!/usr/bin/env bash
# Yosys 0.23 generic synthesis of the RX engine (make synth-rx): a wrapper fixes the parameters
# (W, N_CTX, BUCKETS: environment, defaults 128 / 16 / 4), the same generic flow as the
# TX handoff (synth/generic.ys: memories stay $mem_v2 cells, S-box ROMs to gates, abc -fast), then
# `check -assert` (no multiple drivers, no undriven wires, no logic loops found by check), a latch
# search, and the cell statistics. Output: build/synth/rx-w<W>/ (wrapper, log, stat.txt,
# check.txt). Measured at the defaults: about 8 minutes and 4 GB on the 2-core machine.
# FLOW=xilinx (opt-in; the RX design point: W=512 N_CTX=65536 BUCKETS=16384 FLOW=xilinx) runs
# the TX handoff's UltraScale+ recipe instead (synth/xilinx.ys: synth_xilinx -family xcup -uram,
# hierarchical, abc -fast LUT mapping) and prints the design totals (stat -top): LUT, FF, RAMs.
set -euo pipefail
cd "$(dirname "$0")/.."
W=${W:-128}; N_CTX=${N_CTX:-16}; BUCKETS=${BUCKETS:-4}; FLOW=${FLOW:-generic}
out=build/synth/rx-w$W
[ "$FLOW" = xilinx ] && out=build/synth/rx-w$W-xilinx-c$N_CTX
mkdir -p "$out"
cat > "$out/tlsnic_rx_top.sv" <<SV
// tlsnic_rx_top: tlsnic_rx_engine fixed at W=$W, N_CTX=$N_CTX, BUCKETS=$BUCKETS (scripts/synth-rx.sh).
module tlsnic_rx_top (
  input  logic clk_i, input logic rst_ni,
  input  logic s_tvalid_i, output logic s_tready_o, input logic [$((W-1)):0] s_tdata_i,
  input  logic [$((W/8-1)):0] s_tkeep_i, input logic s_tlast_i, input logic [18:0] s_tuser_i,
  output logic m_tvalid_o, input logic m_tready_i, output logic [$((W-1)):0] m_tdata_o,
  output logic [$((W/8-1)):0] m_tkeep_o, output logic m_tlast_o, output logic [2:0] m_tuser_o,
  input  logic [4:0] cnt_sel_i, output logic [63:0] cnt_value_o
);
  tlsnic_rx_engine #(.W($W), .N_CTX($N_CTX), .BUCKETS($BUCKETS)) u_rx (.*);
endmodule
SV
files=$(grep -v '^//' rtl/rx/tlsnic_rx_engine.f | tr '\n' ' ')
if [ "$FLOW" = xilinx ]; then
  # synth/xilinx.ys up to the netlist's statistics and check (no depth JSON, no ltp: the design
  # totals are what this run is for).
  sed -e '/^write_verilog/,$d' -e "s|{{READ}}|read_verilog -sv -I rtl/common $files $out/tlsnic_rx_top.sv|" \
      -e 's|{{TOP}}|tlsnic_rx_top|g' -e "s|{{OUT}}|$out|g" synth/xilinx.ys > "$out/script.ys"
  echo "tee -q -o $out/stat-top.txt stat -top tlsnic_rx_top" >> "$out/script.ys"
  echo "synth-rx: yosys xilinx flow on tlsnic_rx_engine W=$W N_CTX=$N_CTX BUCKETS=$BUCKETS -> $out"
  start=$(date +%s)
  yosys -q -l "$out/yosys.log" -s "$out/script.ys" > "$out/stdout.txt" 2>&1 || { tail -20 "$out/stdout.txt"; echo "synth-rx: FAIL (see $out/yosys.log)"; exit 1; }
  # The design totals: the last statistics block (design hierarchy) of stat -top.
  awk '/design hierarchy/{f=1} f' "$out/stat-top.txt" | grep -E "Number of cells|LUT[1-6]|FD[CPRS]E|RAMB|URAM|SRL|MUXF|CARRY|DSP" | sed 's/^/  /'
  awk '/design hierarchy/{f=1} f' "$out/stat-top.txt" | awk '/LUT[1-6] /{n+=$2} END{print "  LUT (LUT1-6): " n}'
  tail -1 "$out/check.txt" | sed 's/^/  check: /'
  echo "synth-rx: done in $(( $(date +%s) - start )) s"
  exit 0
fi
cat > "$out/script.ys" <<YS
read_verilog -sv -I rtl/common $files $out/tlsnic_rx_top.sv
hierarchy -check -top tlsnic_rx_top
synth -run coarse:fine
tee -q -o $out/memories.txt select -list t:\$mem_v2
opt -fast -full
memory_map t:\$mem_v2 r:WR_PORTS=0 %i
opt -full
techmap
opt -fast
abc -fast
opt_clean
tee -q -o $out/stat.txt stat
tee -q -o $out/check.txt check -assert
tee -q -o $out/latches.txt select -list t:\$_DLATCH_* t:\$dlatch t:\$_SR_* t:\$sr
YS
echo "synth-rx: yosys generic flow on tlsnic_rx_engine W=$W N_CTX=$N_CTX BUCKETS=$BUCKETS -> $out"
start=$(date +%s)
yosys -q -l "$out/yosys.log" -s "$out/script.ys" > "$out/stdout.txt" 2>&1 || { tail -20 "$out/stdout.txt"; echo "synth-rx: FAIL (see $out/yosys.log)"; exit 1; }
if [ -s "$out/latches.txt" ] && grep -q . "$out/latches.txt"; then echo "synth-rx: FAIL: latches:"; cat "$out/latches.txt"; exit 1; fi
echo "synth-rx: memories found in the coarse phase (RAM cells stay \$mem_v2; the S-box ROM is mapped to gates):"; sed 's/^/  /' "$out/memories.txt"
grep -E "Number of cells|\\\$mem_v2|_DFF" "$out/stat.txt" | tail -8 | sed 's/^/  /'
tail -1 "$out/check.txt" | sed 's/^/  check: /'
echo "synth-rx: PASS in $(( $(date +%s) - start )) s"
