// The RTL TX offload engine (rtl/tx/tlsnic_tx_engine.sv) against the golden model (models/nic-tx.ts)
// through the Verilator bench tb/tb_tx_engine.cpp, at W = 128 and 512: seeded scenarios with loss,
// retransmission, plain traffic and every fault class under random input gaps and output stalls,
// every output packet and every counter equal to the model's; and the throughput contract (one
// input beat per cycle with the input always valid and the output always ready).
//
// The bench itself is proven against tb/tlsnic_tx_engine_stub.sv (a forwarding FIFO): output,
// counters, cycle stamps, determinism, its protocol checker (a fault build of the stub), the
// max_cycles guard, waveform dumps, and that compareTxRun catches every kind of difference.
//
// Seeds: TLSNIC_SEED (decimal or 0x hex) moves every scenario seed; failures name scenario seed,
// stall seed, width and the first differing packet / byte / counter.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { REPO_ROOT } from '../harness/engine/build-sim.ts';
import type { SimStallConfig } from '../harness/engine/sim-process.ts';
import { checkTxStreams } from '../harness/tx/check.ts';
import { compareTxRun, packetLatencies, runTxModel, stubExpectation, summarize, txThroughput, type TxModelRun } from '../harness/tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenario, type TxScenarioConfig } from '../harness/tx/scenario.ts';
import { buildTxEngineSim, runTxEngine, TX_ENGINE_FILE, TX_ENGINE_STUB_TOP, txEngineSources, type TxEngineRun } from '../harness/tx/sim.ts';
import { verilatorLint } from '../harness/engine/rtl-checks.ts';
import { createPrng } from '../models/prng.ts';
import { FrameKind, packetFrame, type TxFrame } from '../models/tx-frames.ts';
import type { Width } from '../harness/engine/width.ts';

// The one-line switch: while the engine's file is absent its tests are skipped (the stub tests
// below still prove the bench). Replace with `false` to make a missing engine a failure.
const SKIP_ENGINE = !existsSync(join(REPO_ROOT, TX_ENGINE_FILE));

const SEED = Number(process.env.TLSNIC_SEED ?? 0x7e57);
const MAX_FRAME = 9600;
/** Idle input cycles allowed per batch in the throughput test (none are expected). */
const THROUGHPUT_SLACK = 4;

const ENGINE_CONFIGS: { width: Width; nCtx: number }[] = [
  { width: 128, nCtx: 16 },
  { width: 512, nCtx: 1024 },
];

function stalls(seed: number, gapPermille: number, stallPermille: number): SimStallConfig {
  return { seed, gapPermille, stallPermille };
}

function label(w: number, cfg: TxScenarioConfig, s: SimStallConfig): string {
  return `W=${w} scenario seed ${cfg.seed} (TLSNIC_SEED=${SEED}), stall seed ${s.seed}, gap ${s.gapPermille}‰, stall ${s.stallPermille}‰`;
}

interface Checked {
  sc: TxScenario;
  model: TxModelRun;
  rtl: TxEngineRun;
}

/** Runs scenario `cfg` through model and RTL; every output packet and counter must match. */
async function runChecked(bin: string, width: Width, cfg: TxScenarioConfig, s: SimStallConfig): Promise<Checked> {
  const sc = generateTxScenario(cfg);
  const model = runTxModel(sc.frames, { nCtx: cfg.nCtx, maxFrameBytes: MAX_FRAME });
  const rtl = await runTxEngine(bin, sc.frames, s);
  const what = label(width, cfg, s);
  const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
  if (mm) expect.fail(`${what}: ${mm.message}`);
  // The independent stream oracle on what the RTL sent (checksums, decryption, retransmissions).
  expect(checkTxStreams(sc, rtl.packets.map((p) => p.data)).problems, what).toEqual([]);
  return { sc, model, rtl };
}

describe.skipIf(SKIP_ENGINE)(`tlsnic_tx_engine vs golden model${SKIP_ENGINE ? ` — SKIPPED: ${TX_ENGINE_FILE} does not exist yet` : ''}`, () => {
  for (const { width, nCtx } of ENGINE_CONFIGS) {
    describe(`W=${width}, N_CTX=${nCtx}`, () => {
      let bin = '';
      beforeAll(async () => {
        bin = await buildTxEngineSim({ width, nCtx, maxFrame: MAX_FRAME });
      });
      const base: TxScenarioConfig = { ...DEFAULT_TX_SCENARIO, nCtx, bytesPerFlow: 30_000 };

      for (const k of [0, 1, 2, 3]) {
        test(`scenario seed ${SEED + k}: random gaps and stalls`, async () => {
          const cfg = { ...base, seed: SEED + k };
          const { model } = await runChecked(bin, width, cfg, stalls(SEED + 100 + k, 150, 200));
          expect(model.counters.tx_tls_encrypted_packets, 'scenario encrypts something').toBeGreaterThan(0);
        });
      }

      test('loss and retransmission (10% loss, 5% spurious), heavy output stalls', async () => {
        const cfg = { ...base, seed: SEED + 10, loss: 0.1, spurious: 0.05 };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 110, 50, 600));
        expect(model.counters.tx_tls_resync_bytes, 'resync loads exercised').toBeGreaterThan(0);
        expect(model.counters.tx_tls_skip_no_sync_data + model.counters.tx_tls_drop_no_sync_data + model.counters.tx_tls_drop_bypass_req).toBeGreaterThan(0);
      });

      test('mostly plain traffic, input gaps', async () => {
        const cfg = { ...base, seed: SEED + 20, plainFraction: 0.6 };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 120, 400, 100));
        expect(model.counters.tx_plain_packets).toBeGreaterThan(20);
      });

      test('faults: every malformed-input class', async () => {
        const cfg = { ...base, seed: SEED + 30, faults: true };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 130, 200, 200));
        const c = model.counters;
        for (const n of ['tx_tls_drop_no_ctx', 'tx_tls_drop_malformed', 'tx_tls_resync_bad', 'tx_tls_ctrl_err', 'tx_frame_err'] as const) {
          expect(c[n], `${n} exercised`).toBeGreaterThan(0);
        }
      });

      test('tiny records (1..64 bytes) in small segments: many record boundaries per packet', async () => {
        const cfg = { ...base, seed: SEED + 50, recordSizes: [1, 5, 16, 64], mss: 300, bytesPerFlow: 8_000 };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 150, 100, 300));
        expect(model.counters.tx_tls_encrypted_packets).toBeGreaterThan(100);
      });

      test('jumbo frames (mss 8900) next to MAX_FRAME', async () => {
        const cfg = { ...base, seed: SEED + 60, mss: 8900, recordSizes: [4096, 16384], bytesPerFlow: 80_000 };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 160, 100, 300));
        expect(model.outputs.some((o) => o.data.length > 8000)).toBe(true);
      });

      test(`many connections (${Math.min(nCtx, 48)} flows over N_CTX = ${nCtx})`, async () => {
        const cfg = { ...base, seed: SEED + 70, flows: Math.min(nCtx, 48), bytesPerFlow: 6_000, loss: 0.05, faults: true };
        const { model } = await runChecked(bin, width, cfg, stalls(SEED + 170, 150, 150));
        expect(model.counters.tx_tls_ctx).toBe(cfg.flows);
      });

      test('throughput: records ≥ 1 KB, no gaps or stalls → one input beat per cycle; same seed, same cycles', async () => {
        const cfg = { ...base, seed: SEED + 40, recordSizes: [1024, 4096, 16384], bytesPerFlow: 60_000 };
        const s = stalls(SEED + 140, 0, 0);
        const a = await runChecked(bin, width, cfg, s);
        const tp = txThroughput(a.sc.frames, a.rtl);
        const what = label(width, cfg, s);
        // Stamps: every beat of every frame accepted on consecutive cycles, from the first beat
        // (after the flow-table clear) to the last. Idle cycles are listed where they happened.
        expect(tp.inputSpan, `${what}: input span vs beats; first bubbles ${JSON.stringify(tp.bubbles.slice(0, 5))}`).toBeLessThanOrEqual(tp.inBeats + THROUGHPUT_SLACK);
        expect(a.rtl.frameAccept[0].first, `${what}: first beat accepted after the N_CTX-cycle table clear`).toBeLessThanOrEqual(nCtx + 64);
        // The last packet leaves within its own store-and-forward plus pipeline time.
        const lat = summarize(packetLatencies(a.model.outputs, a.rtl));
        expect(lat.max, `${what}: latency ${JSON.stringify(lat)}`).toBeLessThanOrEqual(4 * Math.ceil(MAX_FRAME / (width / 8)) + 256);
        const b = await runTxEngine(bin, a.sc.frames, s);
        expect(b.cycles, `${what}: rerun`).toBe(a.rtl.cycles);
        expect(b.packets.map((p) => [p.firstCycle, p.lastCycle])).toEqual(a.rtl.packets.map((p) => [p.firstCycle, p.lastCycle]));
        expect(b.frameAccept).toEqual(a.rtl.frameAccept);
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
// The bench and harness, proven against the stub.

/** Packet frames of every length residue around the beat sizes, up to MAX_FRAME, plus reserved-kind frames. */
function plainFrames(seed: number, n: number): TxFrame[] {
  const p = createPrng(seed);
  const frames: TxFrame[] = [];
  for (let i = 0; i < n; i++) {
    const len = i < 130 ? i + 1 : p.chance(0.05) ? p.int(1, MAX_FRAME) : p.int(1, 300);
    const data = p.bytes(len);
    if (data[0] >= 0xfc) data[0] = 0; // the fault build's trigger bytes
    if (p.chance(0.05)) frames.push({ user: { kind: FrameKind.RESERVED, offload: false, ctxId: p.int(0, 0xffff) }, data });
    else frames.push(packetFrame(data, false, p.int(0, 0xffff)));
  }
  return frames;
}

function cycleStamps(r: TxEngineRun): string {
  return JSON.stringify([r.cycles, r.packets.map((p) => [p.firstCycle, p.lastCycle]), r.frameAccept]);
}

describe('tb_tx_engine bench against tlsnic_tx_engine_stub', () => {
  const bins = new Map<Width, string>();
  beforeAll(async () => {
    for (const width of [128, 512] as const) bins.set(width, await buildTxEngineSim({ width, nCtx: 16, top: TX_ENGINE_STUB_TOP }));
  });

  test('the stub lints clean with -Wall at every width', async () => {
    for (const W of [128, 256, 512]) {
      const r = await verilatorLint({ top: TX_ENGINE_STUB_TOP, sources: ['tb/tlsnic_tx_engine_stub.sv'], params: { W } });
      expect(r.output, `W=${W}`).toBe('');
      expect(r.ok).toBe(true);
    }
  });

  test('txEngineSources: packages first in dependency order, no stub, the engine included', () => {
    const src = txEngineSources();
    expect(src).toContain(TX_ENGINE_FILE);
    expect(src.some((f) => f.endsWith('_stub.sv'))).toBe(false);
    const firstOther = src.findIndex((f) => !f.endsWith('_pkg.sv'));
    expect(src.slice(firstOther).some((f) => f.endsWith('_pkg.sv'))).toBe(false);
    expect(src[0]).toBe('rtl/common/tlsnic_pkg.sv');
    expect(src.indexOf('rtl/crypto/tlsnic_aes_pkg.sv')).toBeLessThan(src.indexOf('rtl/tx/tlsnic_tx_pkg.sv'));
  });

  for (const width of [128, 512] as const) {
    test(`W=${width}: plain and reserved frames of every length under gaps and stalls equal the golden model`, async () => {
      const frames = plainFrames(SEED + width, 600);
      const model = runTxModel(frames, { nCtx: 16, maxFrameBytes: MAX_FRAME });
      const s = stalls(SEED + 1, 300, 300);
      const rtl = await runTxEngine(bins.get(width)!, frames, s);
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      if (mm) expect.fail(`W=${width} seed ${SEED + width}, stall seed ${s.seed}: ${mm.message}`);
      expect(rtl.packets.length).toBe(frames.filter((f) => f.user.kind === FrameKind.PACKET).length);
      expect(rtl.counters.tx_plain_packets).toBe(rtl.packets.length);
      expect(rtl.counters.tx_frame_err).toBeGreaterThan(0);
      expect(rtl.beatBytes).toBe(width / 8);
      // Cycle stamps are consistent: beats of a frame and of a packet take at least one cycle each.
      frames.forEach((f, i) => expect(rtl.frameAccept[i].last - rtl.frameAccept[i].first + 1).toBeGreaterThanOrEqual(Math.ceil(f.data.length / (width / 8))));
      rtl.packets.forEach((p) => expect(p.lastCycle - p.firstCycle + 1).toBeGreaterThanOrEqual(Math.ceil(p.data.length / (width / 8))));
      for (let i = 1; i < frames.length; i++) expect(rtl.frameAccept[i].first).toBeGreaterThan(rtl.frameAccept[i - 1].last);
    });
  }

  test('a whole scenario (all frame kinds) through the stub: forwarded packets, one beat per cycle, latency', async () => {
    const cfg = { ...DEFAULT_TX_SCENARIO, seed: SEED, faults: true };
    const sc = generateTxScenario(cfg);
    const exp = stubExpectation(sc.frames);
    const rtl = await runTxEngine(bins.get(128)!, sc.frames, stalls(SEED, 0, 0));
    const mm = compareTxRun(exp.outputs, exp.counters, rtl);
    if (mm) expect.fail(`seed ${SEED}: ${mm.message}`);
    const tp = txThroughput(sc.frames, rtl);
    expect(tp.bubbles).toEqual([]);
    expect(tp.inputSpan).toBe(tp.inBeats);
    expect(tp.resyncCycles).toBeGreaterThan(0);
    expect(tp.outBeats).toBeLessThan(tp.inBeats);
    // The stub's FIFO: first output beat one cycle after the input beat, at every packet.
    const lat = summarize(packetLatencies(exp.outputs, rtl));
    expect(lat).toEqual({ min: 1, mean: 1, max: 1 });
  });

  test('same seed → same cycle stamps; another stall seed → other stamps, same output', async () => {
    const frames = plainFrames(SEED + 7, 200);
    const bin = bins.get(128)!;
    const a = await runTxEngine(bin, frames, stalls(SEED, 200, 400));
    const b = await runTxEngine(bin, frames, stalls(SEED, 200, 400));
    const c = await runTxEngine(bin, frames, stalls(SEED + 1, 200, 400));
    expect(cycleStamps(b)).toBe(cycleStamps(a));
    expect(cycleStamps(c)).not.toBe(cycleStamps(a));
    expect(compareTxRun(a.packets.map((p, i) => ({ data: p.data, frameIndex: i, ctxId: 0, offload: false, verdict: 'pass' })), a.counters, c)).toBeNull();
  });

  test('compareTxRun names the first difference: byte, missing, extra packet, counter, completion', async () => {
    const p = createPrng(SEED + 8);
    const frames = Array.from({ length: 40 }, (_, i) => packetFrame(p.bytes(50 + 7 * i), false, i));
    frames.splice(5, 0, { user: { kind: FrameKind.CONTROL, offload: false, ctxId: 3 }, data: new Uint8Array(60) });
    const model = stubExpectation(frames);
    const rtl = await runTxEngine(bins.get(128)!, frames, stalls(SEED, 0, 0));
    expect(compareTxRun(model.outputs, model.counters, rtl, model.completions)).toBeNull();

    const corrupt = structuredClone(rtl);
    corrupt.packets[7].data[20] ^= 0x40;
    const m1 = compareTxRun(model.outputs, model.counters, corrupt);
    expect(m1).toMatchObject({ kind: 'packet', packetIndex: 7, frameIndex: 8, ctxId: frames[8].user.ctxId, byteOffset: 20 });
    expect(m1!.message).toContain('differs at byte 20');
    expect(m1!.expected).not.toBe(m1!.got);

    const missing = { ...rtl, packets: rtl.packets.slice(0, -1) };
    expect(compareTxRun(model.outputs, model.counters, missing)).toMatchObject({ kind: 'missing-packet', packetIndex: rtl.packets.length - 1, frameIndex: frames.length - 1 });
    const extra = { ...rtl, packets: [...rtl.packets, rtl.packets[0]] };
    expect(compareTxRun(model.outputs, model.counters, extra)).toMatchObject({ kind: 'extra-packet', packetIndex: rtl.packets.length });
    const shorter = structuredClone(rtl);
    shorter.packets[2].data = shorter.packets[2].data.slice(0, -1);
    expect(compareTxRun(model.outputs, model.counters, shorter)).toMatchObject({ kind: 'packet', packetIndex: 2, byteOffset: frames[2].data.length - 1 });
    const counter = { ...rtl, counters: { ...rtl.counters, tx_tls_ctx: 1 } };
    expect(compareTxRun(model.outputs, model.counters, counter)).toMatchObject({ kind: 'counter', counter: 'tx_tls_ctx', expected: '0', got: '1' });
    // The completion stream: an entry the model did not report, one it reported and the run lacks,
    // and a tag that differs in one byte.
    const entry = { cycle: 0, ctxId: 3, recordSeq: 7n, tag: new Uint8Array(16).fill(0xa5) };
    expect(compareTxRun(model.outputs, model.counters, { ...rtl, completions: [entry] }, model.completions)).toMatchObject({ kind: 'completion', expected: 'none' });
    expect(compareTxRun(model.outputs, model.counters, rtl, [entry])).toMatchObject({ kind: 'completion', got: 'none' });
    const otherTag = { ...entry, tag: entry.tag.slice() };
    otherTag.tag[15] ^= 1;
    expect(compareTxRun(model.outputs, model.counters, { ...rtl, completions: [otherTag] }, [entry])?.kind).toBe('completion');
  });

  test('protocol checker: missing tlast, tkeep hole, beat changed while stalled (stub fault build)', async () => {
    const bin = await buildTxEngineSim({ width: 128, nCtx: 16, top: TX_ENGINE_STUB_TOP, defines: { TLSNIC_STUB_FAULTS: true } });
    const frames = plainFrames(SEED + 9, 30);
    const mk = (tag: number, len: number) => {
      const d = createPrng(tag).bytes(len);
      d[0] = tag;
      return packetFrame(d, false);
    };
    const clean = await runTxEngine(bin, frames, stalls(SEED, 100, 500));
    expect(clean.protocolErrors).toEqual([]);
    const hole = await runTxEngine(bin, [...frames, mk(0xfd, 16 * 3 + 9), ...frames], stalls(SEED, 0, 0));
    expect(hole.protocolErrors.join('\n')).toMatch(/tkeep not contiguous/);
    const unstable = await runTxEngine(bin, [mk(0xfc, 16 * 40), ...frames], stalls(SEED, 0, 700));
    expect(unstable.protocolErrors.join('\n')).toMatch(/changed while m_tready was low/);
    const open = await runTxEngine(bin, [...frames, mk(0xfe, 100)], stalls(SEED, 0, 0));
    expect(open.protocolErrors.join('\n')).toMatch(/tlast missing/);
    const model = stubExpectation([...frames, mk(0xfe, 100)]);
    expect(compareTxRun(model.outputs, model.counters, open)?.kind).toBe('protocol');
  });

  test('drain: a packet after a long run of swallowed frames still comes out', async () => {
    const ctl = (i: number): TxFrame => ({ user: { kind: FrameKind.CONTROL, offload: false, ctxId: i & 15 }, data: new Uint8Array(16).fill(i & 0xff) });
    // One beat: it leaves the stub the cycle after its only beat was accepted.
    const last = packetFrame(createPrng(SEED + 12).bytes(10), false);
    const frames = [...Array.from({ length: 3000 }, (_, i) => ctl(i)), last];
    const rtl = await runTxEngine(bins.get(128)!, frames, stalls(SEED, 0, 0));
    expect(rtl.packets.map((p) => p.data)).toEqual([last.data]);
  });

  test('max_cycles: a run that cannot finish fails loudly', async () => {
    const frames = plainFrames(SEED + 10, 100);
    await expect(runTxEngine(bins.get(128)!, frames, { seed: 1, gapPermille: 0, stallPermille: 0, maxCycles: 50 })).rejects.toThrow(/max_cycles 50 reached/);
  });

  test('waveform: a trace build dumps the requested window; a plain build refuses', async () => {
    const frames = plainFrames(SEED + 11, 20);
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-fst-'));
    try {
      const path = join(dir, 'tx.fst');
      await expect(runTxEngine(bins.get(128)!, frames, stalls(1, 0, 0), { fst: { path, from: 0, to: 50 } })).rejects.toThrow(/built without --trace-fst/);
      const traced = await buildTxEngineSim({ width: 128, nCtx: 16, top: TX_ENGINE_STUB_TOP, trace: true });
      const r = await runTxEngine(traced, frames, stalls(1, 0, 0), { fst: { path, from: 0, to: 50 } });
      expect(r.packets.length).toBe(frames.filter((f) => f.user.kind === FrameKind.PACKET).length);
      expect(statSync(path).size).toBeGreaterThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
