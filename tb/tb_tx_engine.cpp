// Bench of the TX engine top (tlsnic_tx_engine, or tlsnic_tx_engine_stub: same ports; the C++
// class is Vtop either way). Built by harness/tx-sim.ts with -DTB_W=<tdata bits>,
// -DTB_N_CTX=<flow-table size>, -DTB_MAX_FRAME=<bytes>, optionally --trace-fst. The driver, the
// output monitor and the checks are tb/tb_engine.h (shared with the RX bench; it explains cycles,
// gaps, stalls, junk, the self-test hook and waveforms).
//
// Input (stdin, the text batch of tb_common.h / harness/sim-process.ts):
//   cfg <seed> <gap_permille> <stall_permille> <max_cycles>
//   <kind 0..3> <offload 0|1> <ctx_id decimal> <frame bytes as hex, byte 0 first>   one frame a line
// The input tuser is {ctx_id[15:0], offload, kind[1:0]} (19 bits) on every beat of the frame.
// Text was measured against the alternatives (see harness/tx-sim.ts): parsing is a small part of a run.
//
// Output (stdout), in this order:
//   p <packet index> <cycle of first beat> <cycle of last beat> <bytes hex>   every output packet
//   t <cycle> <ctx> <record seq hex> <tag hex>                            every completion, as taken
//   a <frame index> <cycle first beat accepted> <cycle last beat accepted>   every input frame
//   c <counter index 0..18> <value decimal>                                 after the output drained
//   e <cycle> <message ...>                                                 protocol violations
//   stat parse_s <s> frames <n> in_bytes <n> drain_idle <n> beat_bytes <W/8>
//   done <cycles> <wall seconds of the simulation loop>
//
// Drain: after the last input beat, the bench runs until m_tvalid has been low for DRAIN cycles in a row
// (256 + 2 x the beats of a MAX_FRAME frame; env TLSNIC_DRAIN_IDLE overrides), then reads the 32
// counter indices combinationally (19..31 must read 0).
#define TB_ENGINE_RX 0
#include "tb_engine.h"
