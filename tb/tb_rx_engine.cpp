// Bench of the RX engine top (tlsnic_rx_engine; the C++ class is Vtop). Built by harness/rx-sim.ts
// with -DTB_W=<tdata bits>, -DTB_N_CTX, -DTB_BUCKETS, -DTB_MAX_FRAME=<bytes>. The driver,
// the output monitor and the checks are tb/tb_engine.h (shared with the TX bench; it explains
// cycles, gaps, stalls, junk, the self-test hook and waveforms).
//
// Input (stdin):
//   cfg <seed> <gap_permille> <stall_permille> <max_cycles>
//   <kind 0..3> <ctx_id decimal> <frame bytes as hex, byte 0 first>   one frame a line
// The input tuser is {ctx_id[15:0], 0, kind[1:0]} (19 bits) on every beat of the frame.
//
// Output (stdout), in this order:
//   p <frame index> <cycle of first beat> <cycle of last beat> <kind> <decrypted> <bytes hex>
//                                                    every output frame (packets and events);
//                                                    kind/decrypted from m_tuser on its first beat
//   a <frame index> <cycle first beat accepted> <cycle last beat accepted>   every input frame
//   c <counter index 0..23> <value decimal>         after the engine went idle
//   e <cycle> <message ...>                          protocol violations
//   stat parse_s <s> frames <n> in_bytes <n> drain_idle <n> beat_bytes <W/8>
//   done <cycles> <wall seconds of the simulation loop>
//
// Drain: after the last input beat, the bench runs until the engine is ready for input (s_tready)
// and m_tvalid has been low for DRAIN cycles in a row (64; env TLSNIC_DRAIN_IDLE overrides): an
// engine that holds a frame keeps s_tready low. Counter indices 24..31 must read 0. Oversize
// packets (longer than MAX_FRAME) legitimately leave longer than MAX_FRAME.
#define TB_ENGINE_RX 1
#include "tb_engine.h"
