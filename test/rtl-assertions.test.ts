// The RTL's assertions (docs/architecture.md "Assertions"), each proven live. Every simulator build
// of the tests runs with --assert (harness/engine/build-sim.ts), so these are the very binaries the other
// RTL suites use (TX W = 128 / N_CTX 16, RX W = 128 / 16 contexts / 4-bucket flow table, the GCM
// core at LANES = 1): no extra build. A test-only fault is chosen at run time with
// +tlsnic_break=<n> on the simulator's command line (read by the RTL's sim-only code, `ifndef
// SYNTHESIS, and by the engine bench for the input-side faults 1 and 2). For each fault the same
// scenario that passes unbroken (and matches the golden model) must stop with the assertion's
// message, named by harness/engine/sim-process.ts benchFailure:
//   "RTL assertion failed at cycle <n>: <message> [<hierarchical name>, <file>:<line>]".
import { beforeAll, describe, expect, test } from 'vitest';
import { scheduleBeats, gcmBeatRecord, parseGcmResult, compareBeat, type GcmConnection } from '../harness/gcm/beats.ts';
import { buildGcmSim } from '../harness/gcm/sims.ts';
import { compactCtxIds, compareRxRun, runRxModel } from '../harness/rx/compare.ts';
import { DEFAULT_RX_SCENARIO, generateRxScenario, runRxScenario } from '../harness/rx/scenario.ts';
import { buildRxEngineSim, runRxEngine } from '../harness/rx/sim.ts';
import { BenchFailure, runSim, type SimStallConfig } from '../harness/engine/sim-process.ts';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from '../harness/tx/scenario.ts';
import { buildTxEngineSim, runTxEngine } from '../harness/tx/sim.ts';
import { createPrng } from '../models/prng.ts';
import { installFrame, packetFrame, type TxFrame } from '../models/tx-frames.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0xa55e);
const MAX_FRAME = 9600;
const RX_NIC = { nCtx: 16, buckets: 4 };

interface Fault {
  n: number;
  what: string;
  /** Messages (and assertion names) that must all appear in the failure. */
  expect: { name: string; message: string }[];
}

const tx = (name: string, message: string) => ({ name: `TOP.tlsnic_tx_engine.${name}`, message });
const rx = (name: string, message: string) => ({ name: `TOP.tlsnic_rx_engine.${name}`, message });

const TX_FAULTS: Fault[] = [
  { n: 1, what: 'bench withdraws a waiting input beat', expect: [tx('a_s_hold', 'tlsnic_tx_engine: s_tvalid dropped before s_tready took the beat')] },
  { n: 2, what: 'bench changes a waiting input beat', expect: [tx('a_s_stable', 'tlsnic_tx_engine: s_tdata/s_tkeep/s_tlast/s_tuser changed while stalled')] },
  { n: 3, what: 'output drops m_tvalid while stalled', expect: [tx('u_outbuf.a_m_hold', 'tlsnic_frame_buf: m_tvalid dropped while stalled')] },
  { n: 4, what: 'output changes m_tdata while stalled', expect: [tx('u_outbuf.a_m_stable', 'tlsnic_frame_buf: m_tdata/m_tkeep/m_tlast/m_tuser changed while stalled')] },
  { n: 5, what: 'hole in m_tkeep of a middle beat', expect: [tx('u_outbuf.a_m_keep', 'tlsnic_frame_buf: m_tkeep not all ones on a beat without m_tlast')] },
  { n: 6, what: 'hole in m_tkeep of a last beat', expect: [tx('u_outbuf.a_m_last_keep', 'tlsnic_frame_buf: m_tkeep of the m_tlast beat not contiguous from byte 0')] },
  { n: 7, what: 'm_tlast suppressed (whole-beat packets merge)', expect: [tx('u_outbuf.a_m_len', 'tlsnic_frame_buf: output frame longer than MAX_BEATS = 600 beats (m_tlast missing)')] },
  { n: 9, what: 'no flow control: the output buffer overflows', expect: [tx('u_outbuf.a_full', 'tlsnic_frame_buf: write into a full buffer (beats or frame descriptors)')] },
  { n: 10, what: 'a finishing record takes every AES lane', expect: [tx('u_back.a_lanes', 'tlsnic_gcm_back: an item needs 3 AES lanes, more than LANES + 1 = 2')] },
  {
    n: 11, what: 'a tag byte treated as record payload',
    expect: [tx('u_back.a_body_tag', 'tlsnic_gcm_back: a byte is both record payload and tag'), tx('u_back.a_ranges', 'tlsnic_gcm_back: item byte ranges out of order')],
  },
  { n: 12, what: 'a record payload byte skips the keystream XOR', expect: [tx('a_no_leak', 'tlsnic_tx_engine: record body bytes of an encrypted packet leave without the keystream XOR')] },
  { n: 13, what: 'a context id beyond the table is accepted', expect: [tx('u_front.a_tbl_idx', 'tlsnic_tx_front: table write for context id 20, not below N_CTX = 16')] },
  { n: 14, what: 'a packet decided twice', expect: [tx('u_front.a_dec_once', 'tlsnic_tx_front: a second decision for one packet frame')] },
  { n: 15, what: 'a packet never decided', expect: [tx('u_front.a_dec_made', 'tlsnic_tx_front: an offloaded packet of an installed context ended without a decision')] },
  { n: 16, what: 'the output reads beats not committed', expect: [tx('u_outbuf.a_rd_committed', 'tlsnic_frame_buf: read of a beat whose frame end (or release) was not written')] },
  { n: 17, what: 'the parser\'s malformed-input class misses a malformed frame', expect: [tx('u_front.u_in.u_parse.a_bad_class', 'tlsnic_pkt_parse: malformed 1 but class 0')] },
  { n: 18, what: 'the front table\'s registered forwarding select misses an ownership change', expect: [tx('u_front.u_ctx.g_fwd_reg.a_fwd_reg', 'tlsnic_ctx_table: registered forwarding select')] },
  { n: 19, what: 'slot B\'s GHASH list counted too long for the shared multipliers', expect: [tx('u_back.a_glanes', 'tlsnic_gcm_back: slots A and B need')] },
];

const RX_FAULTS: Fault[] = [
  { n: 1, what: 'bench withdraws a waiting input beat', expect: [rx('a_s_hold', 'tlsnic_rx_engine: s_tvalid dropped before s_tready took the beat')] },
  { n: 2, what: 'bench changes a waiting input beat', expect: [rx('a_s_stable', 'tlsnic_rx_engine: s_tdata/s_tkeep/s_tlast/s_tuser changed while stalled')] },
  { n: 3, what: 'output drops m_tvalid while stalled', expect: [rx('u_outbuf.a_m_hold', 'tlsnic_frame_buf: m_tvalid dropped while stalled')] },
  { n: 4, what: 'output changes m_tdata while stalled', expect: [rx('u_outbuf.a_m_stable', 'tlsnic_frame_buf: m_tdata/m_tkeep/m_tlast/m_tuser changed while stalled')] },
  { n: 5, what: 'hole in m_tkeep of a middle beat', expect: [rx('u_outbuf.a_m_keep', 'tlsnic_frame_buf: m_tkeep not all ones on a beat without m_tlast')] },
  { n: 6, what: 'hole in m_tkeep of a last beat', expect: [rx('u_outbuf.a_m_last_keep', 'tlsnic_frame_buf: m_tkeep of the m_tlast beat not contiguous from byte 0')] },
  { n: 7, what: 'm_tlast suppressed on event beats', expect: [rx('u_outbuf.a_m_event', 'tlsnic_frame_buf: an event frame is not one beat of 16 bytes with m_tlast')] },
  { n: 8, what: 'the decrypted mark flips on a last beat', expect: [rx('u_outbuf.a_m_user', 'tlsnic_frame_buf: m_tuser changed within an output frame')] },
  { n: 9, what: 'no flow control: the output buffer overflows', expect: [rx('u_outbuf.a_full', 'tlsnic_frame_buf: write into a full buffer (beats or frame descriptors)')] },
  { n: 10, what: 'a finishing record takes every AES lane', expect: [rx('u_back.a_lanes', 'tlsnic_gcm_back: an item needs 3 AES lanes, more than LANES + 1 = 2')] },
  {
    n: 11, what: 'a tag byte treated as record payload',
    expect: [rx('u_back.a_body_tag', 'tlsnic_gcm_back: a byte is both record payload and tag'), rx('u_back.a_ranges', 'tlsnic_gcm_back: item byte ranges out of order')],
  },
  { n: 13, what: 'a flow-table entry names no context', expect: [rx('u_front.a_hit_idx', 'tlsnic_rx_front: flow-table hit names context id 32768, not below N_CTX = 16')] },
  { n: 14, what: 'a packet decided twice', expect: [rx('u_front.a_dec_once', 'tlsnic_rx_front: a second decision for one packet frame')] },
  { n: 15, what: 'a packet never decided', expect: [rx('u_front.a_dec_made', 'tlsnic_rx_front: a packet that parses ended without a decision')] },
  { n: 16, what: 'the output reads beats whose frame end was not written', expect: [rx('u_outbuf.a_rd_committed', 'tlsnic_frame_buf: read of a beat whose frame end (or release) was not written')] },
  { n: 19, what: 'slot B\'s GHASH list counted too long for the shared multipliers', expect: [rx('u_back.a_glanes', 'tlsnic_gcm_back: slots A and B need')] },
];

/** The run must fail on exactly the expected assertion(s), named in the error. */
async function expectAssertion(run: Promise<unknown>, f: Fault): Promise<void> {
  let err: unknown = null;
  try {
    await run;
  } catch (e) {
    err = e;
  }
  expect(err, `fault ${f.n} (${f.what}): the run must fail`).toBeInstanceOf(BenchFailure);
  const { message, assertions } = err as BenchFailure;
  expect(message, `fault ${f.n}`).toMatch(/^RTL assertion failed at cycle \d+: /);
  for (const e of f.expect) {
    const a = assertions.find((x) => x.name === e.name);
    expect(a, `fault ${f.n} (${f.what}) must fire ${e.name}: ${message}`).toBeDefined();
    expect(a!.message.startsWith(e.message), `fault ${f.n}: ${message}`).toBe(true);
    expect(message).toContain(`RTL assertion failed at cycle ${a!.cycle}: ${a!.message} [${e.name}, ${a!.file}:${a!.line}]`);
  }
  // Nothing else fired: the fault breaks exactly the invariant it aims at.
  expect(assertions.map((a) => a.name).filter((n) => !f.expect.some((e) => e.name === n)), `fault ${f.n}: ${message}`).toEqual([]);
}

describe('TX engine assertions (W = 128, N_CTX = 16)', () => {
  let bin = '';
  beforeAll(async () => {
    bin = await buildTxEngineSim({ width: 128, nCtx: 16, maxFrame: MAX_FRAME });
  });

  // Plain frames (offload bit clear) of exactly 94 beats first: with m_tlast suppressed they merge
  // into one packet longer than MAX_BEATS without any tkeep hole (fault 7). Then three offloaded
  // connections with loss and retransmission, and an install for context id 20 ≥ N_CTX
  // (tx_tls_ctrl_err; fault 13 lets it through to the table).
  const prng = createPrng(SEED);
  const frames: TxFrame[] = [
    ...Array.from({ length: 8 }, () => packetFrame(prng.bytes(1504), false)),
    ...generateTxScenario({ ...DEFAULT_TX_SCENARIO, nCtx: 16, flows: 3, bytesPerFlow: 20_000, seed: SEED }).frames,
    installFrame({ ctxId: 20, version: '1.3', key: prng.bytes(16), iv: prng.bytes(12), recordSeq: 0n, startOffloadTcpSn: 0 }),
  ];
  // Gaps, stalls, and the output held for 5,000 cycles at the start (fault 9 needs the buffer full).
  const stalls: SimStallConfig = { seed: SEED, gapPermille: 100, stallPermille: 300, readyHolds: [{ frame: 0, cycles: 5000 }] };

  test('unbroken: the scenario passes every assertion and matches the golden model', async () => {
    const rtl = await runTxEngine(bin, frames, stalls);
    const model = runTxModel(frames, { nCtx: 16, maxFrameBytes: MAX_FRAME });
    expect(compareTxRun(model.outputs, model.counters, rtl, model.completions)?.message ?? null).toBeNull();
    expect(model.counters.tx_tls_encrypted_packets).toBeGreaterThan(20);
    expect(model.counters.tx_tls_ctrl_err).toBeGreaterThan(0);
    expect(rtl.protocolErrors).toEqual([]);
  });

  for (const f of TX_FAULTS) {
    test(`fault ${f.n}: ${f.what} → ${f.expect.map((e) => e.name.split('.').pop()).join(', ')}`, async () => {
      await expectAssertion(runTxEngine(bin, frames, stalls, { simArgs: [`+tlsnic_break=${f.n}`] }), f);
    });
  }
});

describe('RX engine assertions (W = 128, 16 contexts, 4-bucket flow table)', () => {
  let bin = '';
  beforeAll(async () => {
    bin = await buildRxEngineSim({ width: 128, ...RX_NIC });
  });

  // Three connections, in order (installs answer with events); the frames a closed-loop model run
  // consumed, context ids made dense.
  const sc = generateRxScenario({ ...DEFAULT_RX_SCENARIO, flows: 3, bytesPerFlow: 20_000, loss: 0, spurious: 0, badChecksum: 0, installLag: 0, seed: SEED });
  const frames = compactCtxIds(runRxScenario(sc, { nic: { ...RX_NIC, nCtx: 65536 }, latency: 0 }).inputs, RX_NIC.nCtx);
  const stalls: SimStallConfig = { seed: SEED, gapPermille: 100, stallPermille: 300, readyHolds: [{ frame: 0, cycles: 5000 }] };

  test('unbroken: the scenario passes every assertion and matches the golden model', async () => {
    const rtl = await runRxEngine(bin, frames, stalls);
    const model = runRxModel(frames, RX_NIC);
    expect(compareRxRun(model, rtl)?.message ?? null).toBeNull();
    expect(model.counters.rx_tls_decrypted_packets).toBeGreaterThan(20);
    expect(rtl.protocolErrors).toEqual([]);
  });

  for (const f of RX_FAULTS) {
    test(`fault ${f.n}: ${f.what} → ${f.expect.map((e) => e.name.split('.').pop()).join(', ')}`, async () => {
      await expectAssertion(runRxEngine(bin, frames, stalls, { simArgs: [`+tlsnic_break=${f.n}`] }), f);
    });
  }
});

describe('GCM core assertions (tlsnic_gcm_datapath, LANES = 1)', () => {
  let bin = '';
  beforeAll(async () => {
    bin = await buildGcmSim(1);
  });

  const rng = createPrng(SEED);
  const conns: GcmConnection[] = Array.from({ length: 4 }, (_, i) => ({
    key: rng.bytes(i % 2 ? 32 : 16),
    messages: Array.from({ length: 4 }, () => ({ iv: rng.bytes(12), aad: rng.bytes(13), plaintext: rng.bytes(rng.int(0, 120)), decrypt: rng.chance(0.3) })),
  }));
  const beats = scheduleBeats(conns, rng, { lanes: 1, switchChance: 0.3, active: 2, fullBeats: false });
  const records = beats.map((b) => gcmBeatRecord(b.beat, 1));
  // Dense input: a stalled beat is followed by another (fault 9 changes it); sparse input: by a
  // bubble (fault 9 drops out_valid).
  const dense: SimStallConfig = { seed: SEED, gapPermille: 0, stallPermille: 300 };
  const sparse: SimStallConfig = { seed: SEED, gapPermille: 900, stallPermille: 300 };
  const gcm = (name: string, message: string) => ({ name: `TOP.tlsnic_gcm_datapath.${name}`, message });

  test('unbroken: both stall patterns pass and every beat is right', async () => {
    for (const stalls of [dense, sparse]) {
      const res = await runSim(bin, { stalls, records });
      expect(res.lines.length).toBe(beats.length);
      res.lines.forEach((l, i) => expect(compareBeat(beats[i], parseGcmResult(l, 1), 1)).toEqual([]));
    }
  });

  test('fault 9 (the pipeline ignores out_ready), dense input → a_out_stable', async () => {
    await expectAssertion(runSim(bin, { stalls: dense, records }, ['+tlsnic_break=9']),
      { n: 9, what: 'dense', expect: [gcm('a_out_stable', 'tlsnic_gcm_datapath: an output field changed while stalled')] });
  });

  test('fault 9 (the pipeline ignores out_ready), sparse input → a_out_hold', async () => {
    await expectAssertion(runSim(bin, { stalls: sparse, records }, ['+tlsnic_break=9']),
      { n: 9, what: 'sparse', expect: [gcm('a_out_hold', 'tlsnic_gcm_datapath: out_valid dropped while stalled')] });
  });
});
