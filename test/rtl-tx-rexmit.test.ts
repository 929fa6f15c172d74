// Retransmission without prefix replay (issue 17), the RTL TX engine against the golden model at
// W = 128 and 512: seeded lossy scenarios whose driver sends SEEK descriptors (the completion
// stream's tags fed back by a model beside it), under random input gaps and output stalls, every
// output packet and every counter (tx_tls_rexmit_* included) equal to the model's, and the stream
// oracle (harness/tx/check.ts, no model code) accepting what the RTL sent, and the completion
// stream (context, record, tag) entry for entry the model's; then the directed
// retransmissions of harness/tx/rexmit-directed.ts (every place a segment can start, contradicting
// descriptors) and the soft side context's runs of harness/tx/rexmit-soft-directed.ts. The bad descriptors of the catalogue (tx-seek-contradictory) run in
// test/rtl-bad-input.test.ts.
//
// Seeds: TLSNIC_SEED moves every scenario seed; failures name seed, width and the first difference.
import { beforeAll, describe, expect, test } from 'vitest';
import { checkTxStreams } from '../harness/tx/check.ts';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { DIRECTED_TAGGED, directedSeekRun } from '../harness/tx/rexmit-directed.ts';
import { directedSoftRun } from '../harness/tx/rexmit-soft-directed.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenarioConfig } from '../harness/tx/scenario.ts';
import { buildTxEngineSim, runTxEngine } from '../harness/tx/sim.ts';
import type { Width } from '../harness/engine/width.ts';
import { decodeResync, FrameKind, type TxFrame } from '../models/tx-frames.ts';
import { recordPrefixLen } from '../models/tls-record.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x5eec);
const NIC = { nCtx: 16, maxFrameBytes: 9600 };
const LOSSY: TxScenarioConfig = { ...DEFAULT_TX_SCENARIO, flows: 4, bytesPerFlow: 60_000, loss: 0.1, spurious: 0.02, nCtx: 16, rexmit: 'seek' };
const BUILD_TIMEOUT = 1_800_000;

/** The SEEK descriptors of a batch whose packet starts in the middle of a keystream block (the extra keystream item). */
function midBlockSeeks(frames: readonly TxFrame[], versionOf: (ctxId: number) => '1.2' | '1.3'): number {
  let n = 0;
  for (const f of frames) {
    if (f.user.kind !== FrameKind.RESYNC) continue;
    const d = decodeResync(f);
    if (!d.ok || !d.seek) continue;
    const hl = recordPrefixLen(versionOf(f.user.ctxId));
    if (d.seek.offset > hl && (d.seek.offset - hl) % 16 !== 0) n++;
  }
  return n;
}

describe.each([128, 512] as const)('tlsnic_tx_engine side context, W=%i', (width: Width) => {
  let bin: string;
  beforeAll(async () => {
    bin = await buildTxEngineSim({ width, nCtx: NIC.nCtx, maxFrame: NIC.maxFrameBytes });
  }, BUILD_TIMEOUT);

  test.each([0, 1])('lossy connections, seed offset %i: RTL == model (packets, counters), the oracle accepts the output', async (k) => {
    const seed = SEED + 2 * k + (width === 512 ? 1 : 0);
    const sc = generateTxScenario({ ...LOSSY, seed });
    const model = runTxModel(sc.frames, NIC);
    const stalls = { seed: seed ^ 0x55, gapPermille: 100, stallPermille: 100 };
    const rtl = await runTxEngine(bin, sc.frames, stalls);
    const what = `W=${width} scenario seed ${seed} (TLSNIC_SEED=${SEED}), stall seed ${stalls.seed}`;
    console.log(`${what}: ${sc.frames.length} frames; rexmit seek ${model.counters.tx_tls_rexmit_seek}, tag ${model.counters.tx_tls_rexmit_tag}, bad ${model.counters.tx_tls_rexmit_bad}; driver ${JSON.stringify(sc.rexmit)}`);
    const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
    if (mm) expect.fail(`${what}: ${mm.message}`);
    // The completion stream (compared entry for entry above) carried every record sent in order.
    expect(rtl.completions.length, what).toBe(model.completions.length);
    expect(rtl.completions.length, what).toBeGreaterThanOrEqual(sc.flows.reduce((n, f) => n + f.records.length, 0) - sc.flows.length);
    const o = checkTxStreams(sc, rtl.packets.map((p) => p.data));
    expect(o.problems, what).toEqual([]);
    expect(o.leaks, what).toBe(0);
    // The paths the run must have taken for the comparison to mean something.
    expect(model.counters.tx_tls_rexmit_seek, what).toBeGreaterThan(20);
    expect(model.counters.tx_tls_rexmit_seek, what).toBe(sc.rexmit.seek);
    expect(model.counters.tx_tls_rexmit_bad, what).toBe(0);
    expect(sc.rexmit.seekCont, what).toBeGreaterThan(10);   // packets on the soft side context, no descriptor
    const version = new Map(sc.flows.map((f) => [f.ctxId, f.crypto.version]));
    expect(midBlockSeeks(sc.frames, (c) => version.get(c) ?? '1.3'), what).toBeGreaterThan(5);
  }, 600_000);

  test('directed: every place a segment can start, known tags, contradicting descriptors (TLS 1.2 and 1.3)', async () => {
    for (const version of ['1.2', '1.3'] as const) {
      const d = directedSeekRun(version, SEED + (version === '1.2' ? 20 : 21), NIC);
      const model = runTxModel(d.frames, NIC);
      const rtl = await runTxEngine(bin, d.frames, { seed: SEED, gapPermille: 50, stallPermille: 50 });
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      if (mm) expect.fail(`W=${width} TLS ${version}: ${mm.message}`);
      expect(model.counters.tx_tls_rexmit_seek).toBe(d.cases.length + 1);
      expect(model.counters.tx_tls_rexmit_tag).toBe(DIRECTED_TAGGED);
      expect(model.counters.tx_tls_rexmit_bad).toBe(d.contradictions.length);
    }
  }, 600_000);

  test('directed: the soft side context (runs without descriptors, ended by other packets, never at the in-order place)', async () => {
    for (const version of ['1.2', '1.3'] as const) {
      const d = directedSoftRun(version, SEED + (version === '1.2' ? 30 : 31), NIC);
      const model = runTxModel(d.frames, NIC);
      const rtl = await runTxEngine(bin, d.frames, { seed: SEED + 1, gapPermille: 50, stallPermille: 50 });
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      if (mm) expect.fail(`W=${width} TLS ${version}: ${mm.message}`);
      // What the comparison covered (the model test checks each step against the reference run).
      expect(d.conn.rexmit.seekCont).toBe(6);
      expect(model.counters.tx_tls_rexmit_bad).toBe(0);
      expect(model.counters.tx_tls_drop_no_sync_data).toBe(4);
    }
  }, 600_000);
});
