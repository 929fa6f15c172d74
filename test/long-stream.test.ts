// Never plaintext, at any stream offset (issue 13). The 2 GiB leak: start_offload_tcp_sn was
// compared with every packet by a modular (2^31-window) compare against a start that never moves,
// so 2 GiB into a connection every in-order segment was judged "before the offload start" and sent
// untouched. Model, driver model and RTL agreed, so no comparison could catch it; these tests put
// connections far along their streams and check the output with the independent stream oracle
// (harness/tx/check.ts: whole-record decryption and an explicit plaintext-leak check, sharing no
// code with the model), and the RTL against the model, at W = 128 and 512.
//
// Offsets: 2^31 − 1 MiB, 2^31 + 5, 2^32 − 1 MiB (the stream crosses start_offload_tcp_sn + 2^32),
// 3 × 2^32 + 7. TX: install at start_offload_tcp_sn, then the driver posts a resync load at the
// offset; RX: install at the offset. Loss and retransmission on.
//
// Seeds: TLSNIC_SEED moves every scenario seed.
import { beforeAll, describe, expect, test } from 'vitest';
import { checkRxRun } from '../harness/rx/check.ts';
import { compactCtxIds, compareRxRun, runRxModel } from '../harness/rx/compare.ts';
import { DEFAULT_RX_SCENARIO, generateRxScenario, runRxScenario, type RxScenarioConfig } from '../harness/rx/scenario.ts';
import { buildRxEngineSim, runRxEngine } from '../harness/rx/sim.ts';
import { checkTxStreams, isLeak } from '../harness/tx/check.ts';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenarioConfig } from '../harness/tx/scenario.ts';
import { buildTxEngineSim, runTxEngine } from '../harness/tx/sim.ts';
import { bytesEqual } from '../models/bytes.ts';
import { frameRecords } from '../models/framer.ts';
import { createNicTx, nicTxStep } from '../models/nic-tx.ts';
import { buildTcpPacket, TcpFlag } from '../models/packet.ts';
import type { NicRxConfig } from '../models/nic-rx.ts';
import { protectRecord } from '../models/tls-record.ts';
import { installFrame, packetFrame, resyncFrame, type TxFrame } from '../models/tx-frames.ts';
import { driverTxAdd, driverTxSegment } from '../models/driver-tx.ts';
import { appendRecord, createRecordList } from '../models/record-list.ts';
import { concatBytes } from '../models/bytes.ts';
import type { Width } from '../harness/engine/width.ts';

const SEED = Number(process.env.TLSNIC_SEED ?? 0x1096);
const MiB = 1 << 20;
const LONG_OFFSETS: { name: string; bytes: number }[] = [
  { name: '2^31 − 1 MiB', bytes: 2 ** 31 - MiB },
  { name: '2^31 + 5', bytes: 2 ** 31 + 5 },
  { name: '2^32 − 1 MiB (crosses the wrap)', bytes: 2 ** 32 - MiB },
  { name: '3 × 2^32 + 7', bytes: 3 * 2 ** 32 + 7 },
];

const TX_BASE: TxScenarioConfig = { ...DEFAULT_TX_SCENARIO, flows: 4, bytesPerFlow: 24_000, loss: 0.08, spurious: 0.03, nCtx: 16 };

describe('TX golden model + driver model at long stream offsets (oracle, leak check)', () => {
  LONG_OFFSETS.forEach(({ name, bytes }, k) => {
    test(`offset ${name}: every record decrypts, no plaintext leak, resyncs accepted`, () => {
      const cfg = { ...TX_BASE, seed: SEED + k, streamOffset: bytes };
      console.log(`long-stream TX model: offset ${bytes}, seed ${cfg.seed}`);
      const sc = generateTxScenario(cfg);
      const model = runTxModel(sc.frames, { nCtx: cfg.nCtx });
      const check = checkTxStreams(sc, model.outputs.map((o) => o.data));
      expect(check.problems).toEqual([]);
      expect(check.leaks).toBe(0);
      expect(check.recordsVerified).toBe(sc.flows.reduce((n, f) => n + f.records.length, 0));
      expect(model.counters.tx_tls_resync_bad).toBe(0);
      expect(model.counters.tx_tls_skip_no_sync_data).toBe(0); // nothing after the start is "before" it
      expect(model.counters.tx_tls_encrypted_packets).toBeGreaterThan(20);
      // The first record of every flow lies `bytes` past the start, mod 2^32.
      for (const f of sc.flows) expect(f.records[0].tcpSeq).toBe((f.startOffloadTcpSn + (bytes % 2 ** 32)) >>> 0);
    });
  });

  // The reproduction, directly on the NIC model: a context in sync 2^31 + 5 past its start
  // must encrypt the next record (it used to answer 'skip' and send the plaintext).
  const key = new Uint8Array(16).fill(3);
  const crypto = { version: '1.3' as const, key, iv: new Uint8Array(12).fill(5) };
  const start = 0x1234_5678;
  const seg = (seq: number, payload: Uint8Array) =>
    buildTcpPacket({
      eth: { dst: new Uint8Array(6).fill(2), src: new Uint8Array(6).fill(4) },
      ip: { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: 1, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
      tcp: { srcPort: 5000, dstPort: 443, seq, ack: 1, flags: TcpFlag.ACK, window: 100, urgent: 0, options: new Uint8Array(0) },
      payload,
    });
  for (const d of [2 ** 31 - 200, 2 ** 31 + 5, 2 ** 32 - 100, 2 ** 32 + 3]) {
    test(`a context in sync at start + ${d} encrypts (never 'skip')`, () => {
      const nic = createNicTx({ nCtx: 4 });
      nicTxStep(nic, installFrame({ ctxId: 1, ...crypto, recordSeq: 0n, startOffloadTcpSn: start }));
      const at = (start + d) >>> 0;
      const recs = frameRecords({ version: '1.3', maxPlaintext: 300 }, new Uint8Array(300).fill(0x61), { recordSeq: 77n, tcpSeq: at });
      const load = resyncFrame({ ctxId: 1, recordStartTcpSn: at, recordSeq: 77n, explicitNonce: new Uint8Array(8), prefix: new Uint8Array(0) });
      expect(nicTxStep(nic, load).verdict).toBe('resync');
      const r = nicTxStep(nic, packetFrame(seg(at, recs[0].bytes), true, 1));
      expect(r.verdict).toBe('encrypted');
      const body = r.out!.subarray(r.out!.length - recs[0].bytes.length);
      expect(bytesEqual(body, protectRecord(crypto, 77n, recs[0].bytes))).toBe(true);
      // A later segment that arrives without a load is dropped, never passed.
      const late = nicTxStep(nic, packetFrame(seg((at - 5000) >>> 0, new Uint8Array(100)), true, 1));
      expect(late.verdict).toBe('drop_no_sync');
    });
  }

  test('data before the start is still skipped before the first encryption, and dropped after it unless the driver marks it', () => {
    const nic = createNicTx({ nCtx: 4 });
    nicTxStep(nic, installFrame({ ctxId: 1, ...crypto, recordSeq: 0n, startOffloadTcpSn: start }));
    const pre = seg((start - 40) >>> 0, new Uint8Array(40).fill(0x68));
    expect(nicTxStep(nic, packetFrame(pre, true, 1)).verdict).toBe('skip');
    const recs = frameRecords({ version: '1.3', maxPlaintext: 100 }, new Uint8Array(100).fill(0x61), { recordSeq: 0n, tcpSeq: start });
    expect(nicTxStep(nic, packetFrame(seg(start, recs[0].bytes), true, 1)).verdict).toBe('encrypted');
    expect(nicTxStep(nic, packetFrame(pre, true, 1)).verdict).toBe('drop_no_sync');
    expect(nicTxStep(nic, packetFrame(pre, false)).verdict).toBe('pass');
  });

  test('the leak check fires on a record body sent in plaintext (and not on ciphertext)', () => {
    const cfg = { ...TX_BASE, seed: SEED + 40, loss: 0, spurious: 0 };
    const sc = generateTxScenario(cfg);
    const model = runTxModel(sc.frames, { nCtx: cfg.nCtx });
    const sent = model.outputs.map((o) => o.data);
    expect(checkTxStreams(sc, sent).leaks).toBe(0);
    // Replace the largest encrypted packet by the plaintext packet the host handed the engine.
    let best = -1;
    model.outputs.forEach((o, i) => {
      if (o.verdict === 'encrypted' && (best < 0 || o.data.length > model.outputs[best].data.length)) best = i;
    });
    expect(best).toBeGreaterThanOrEqual(0);
    const leaked = sent.slice();
    leaked[best] = sc.frames[model.outputs[best].frameIndex].data;
    const check = checkTxStreams(sc, leaked);
    expect(check.leaks).toBe(1);
    expect(check.problems.some((p) => p.includes('PLAINTEXT LEAK'))).toBe(true);
    expect(isLeak(8, 8)).toBe(true);
    expect(isLeak(7, 7)).toBe(false);
    expect(isLeak(1000, 4)).toBe(false);
    expect(isLeak(1000, 251)).toBe(true);
  });
});

const TX_CONFIGS: { width: Width; nCtx: number }[] = [
  { width: 128, nCtx: 16 },
  { width: 512, nCtx: 1024 },
];

describe.each(TX_CONFIGS)('TX RTL at long stream offsets: W=$width', ({ width, nCtx }) => {
  let bin = '';
  beforeAll(async () => {
    bin = await buildTxEngineSim({ width, nCtx, maxFrame: 9600 });
  }, 1_200_000);
  LONG_OFFSETS.forEach(({ name, bytes }, k) => {
    test(`offset ${name}: RTL equals the model, oracle decrypts every record, no leak`, async () => {
      const cfg = { ...TX_BASE, nCtx, seed: SEED + 10 + k, streamOffset: bytes };
      const stalls = { seed: SEED + 20 + k, gapPermille: 100, stallPermille: 150 };
      console.log(`long-stream TX RTL W=${width}: offset ${bytes}, scenario seed ${cfg.seed}, stall seed ${stalls.seed}`);
      const sc = generateTxScenario(cfg);
      const model = runTxModel(sc.frames, { nCtx, maxFrameBytes: 9600 });
      const rtl = await runTxEngine(bin, sc.frames, stalls);
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      expect(mm?.message ?? null).toBeNull();
      const check = checkTxStreams(sc, rtl.packets.map((p) => p.data));
      expect(check.problems).toEqual([]);
      expect(check.leaks).toBe(0);
      expect(check.recordsVerified).toBe(sc.flows.reduce((n, f) => n + f.records.length, 0));
      expect(rtl.counters.tx_tls_resync_bad).toBe(0);
      expect(rtl.counters.tx_tls_resync_bytes).toBeGreaterThan(0);
    }, 300_000);
  });
});

const RX_NIC: NicRxConfig = { nCtx: 16, buckets: 4 };
const RX_BASE: RxScenarioConfig = {
  ...DEFAULT_RX_SCENARIO, flows: 4, bytesPerFlow: 20_000, loss: 0.05, spurious: 0.02, badChecksum: 0.01, installLag: 0.25, resyncMode: 'mixed',
};

describe('RX at long stream offsets: model (oracle) and RTL at W=128 and 512', () => {
  const bins = new Map<Width, string>();
  beforeAll(async () => {
    for (const w of [128, 512] as Width[]) bins.set(w, await buildRxEngineSim({ width: w, nCtx: RX_NIC.nCtx, buckets: RX_NIC.buckets }));
  }, 1_200_000);
  LONG_OFFSETS.forEach(({ name, bytes }, k) => {
    test(`offset ${name}: the oracle accepts the closed loop, RTL equals the model`, async () => {
      const cfg = { ...RX_BASE, seed: SEED + 30 + k, streamOffset: bytes };
      console.log(`long-stream RX: offset ${bytes}, seed ${cfg.seed}`);
      const sc = generateRxScenario(cfg);
      const run = runRxScenario(sc, { nic: { ...RX_NIC, nCtx: 65536, buckets: 4096 }, latency: 3 });
      const check = checkRxRun(sc, run);
      expect(check.problems).toEqual([]);
      expect(run.nic.counters.rx_tls_decrypted_packets).toBeGreaterThan(20);
      expect(run.nic.counters.rx_tls_far_packets).toBe(0);
      // The records are numbered on from the offset (the nonces the engine used).
      for (const f of sc.flows) expect(f.records[0].recordSeq).toBeGreaterThanOrEqual(BigInt(Math.floor(bytes / 16406)));
      const frames = compactCtxIds(run.inputs, RX_NIC.nCtx);
      for (const w of [128, 512] as Width[]) {
        const model = runRxModel(frames, RX_NIC);
        const rtl = await runRxEngine(bins.get(w)!, frames, { seed: cfg.seed, gapPermille: 100, stallPermille: 100 });
        expect(compareRxRun(model, rtl)?.message ?? null, `W=${w}`).toBeNull();
        expect(model.counters.rx_tls_decrypted_packets).toBeGreaterThan(0);
      }
    }, 300_000);
  });
});

// A retransmission that straddles start_offload_tcp_sn after the context started (captures of
// other stacks have them): the driver, whose start marker still lives, posts a START load that
// takes the engine back to the start, so the bytes before it leave untouched and the rest is
// encrypted — through the model and the RTL.
describe('a segment straddling the offload start after the context started (START load)', () => {
  const crypto = { version: '1.2' as const, key: new Uint8Array(32).fill(9), iv: new Uint8Array(4).fill(1) };
  const start = 0xffff_ffe0; // the start sits just before the 2^32 wrap
  const pre = new Uint8Array(40).fill(0x68);
  const recs = frameRecords({ version: '1.2', maxPlaintext: 120, explicitNonceStart: 77n }, new Uint8Array(300).fill(0x61), { recordSeq: 1n, tcpSeq: start });
  const stream = concatBytes(pre, ...recs.map((r) => r.bytes));
  const wire = concatBytes(pre, ...recs.map((r) => protectRecord(crypto, r.recordSeq, r.bytes)));
  const isn = (start - pre.length) >>> 0;
  const seg = (off: number, len: number) => buildTcpPacket({
    eth: { dst: new Uint8Array(6).fill(2), src: new Uint8Array(6).fill(4) },
    ip: { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: 1, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
    tcp: { srcPort: 5000, dstPort: 443, seq: (isn + off) >>> 0, ack: 1, flags: TcpFlag.ACK, window: 100, urgent: 0, options: new Uint8Array(0) },
    payload: stream.subarray(off, off + len),
  });
  const frames = (): TxFrame[] => {
    const list = createRecordList();
    for (const r of recs) appendRecord(list, r);
    const { conn, frame } = driverTxAdd({ ctxId: 3, ...crypto, recordSeq: 1n, startOffloadTcpSn: start }, list);
    const out: TxFrame[] = [frame];
    for (const [o, l] of [[0, 40], [40, 100], [20, 60], [140, 50], [10, 45], [190, stream.length - 190]]) out.push(...driverTxSegment(conn, seg(o, l), (isn + o) >>> 0, l));
    return out;
  };

  test('model: START loads, bytes before the start untouched, the rest encrypted', () => {
    const f = frames();
    const starts = f.filter((x) => x.user.kind === 2 && (x.data[2] & 1) === 1);
    expect(starts.length).toBe(2);
    const m = runTxModel(f, { nCtx: 16 });
    expect(m.counters.tx_tls_resync_bad).toBe(0);
    expect(m.counters.tx_tls_skip_no_sync_data).toBe(1);
    const out = m.outputs.map((o) => o.data);
    // Packet 2 (stream 20..80): 20 handshake bytes as written, 40 record bytes encrypted.
    const p2 = out[2];
    expect(bytesEqual(p2.subarray(p2.length - 60), wire.subarray(20, 80))).toBe(true);
    const p4 = out[4];
    expect(bytesEqual(p4.subarray(p4.length - 45), wire.subarray(10, 55))).toBe(true);
    // A START load anywhere else is contradictory.
    const nic = createNicTx({ nCtx: 4 });
    nicTxStep(nic, installFrame({ ctxId: 1, ...crypto, recordSeq: 1n, startOffloadTcpSn: start }));
    expect(nicTxStep(nic, resyncFrame({ ctxId: 1, recordStartTcpSn: (start + 100) >>> 0, recordSeq: 2n, explicitNonce: new Uint8Array(8), prefix: new Uint8Array(0), atStart: true })).verdict).toBe('resync_bad');
    expect(nicTxStep(nic, resyncFrame({ ctxId: 1, recordStartTcpSn: start, recordSeq: 1n, explicitNonce: new Uint8Array(8), prefix: Uint8Array.of(23), atStart: true })).verdict).toBe('resync_bad');
  });

  test.each([128, 512] as const)('RTL W=%i equals the model', async (width) => {
    const f = frames();
    const nCtx = width === 128 ? 16 : 1024;
    const bin = await buildTxEngineSim({ width, nCtx, maxFrame: 9600 });
    const m = runTxModel(f, { nCtx, maxFrameBytes: 9600 });
    const rtl = await runTxEngine(bin, f, { seed: 5, gapPermille: 100, stallPermille: 100 });
    expect(compareTxRun(m.outputs, m.counters, rtl, m.completions)?.message ?? null).toBeNull();
    expect(rtl.counters.tx_tls_encrypted_packets).toBe(5);
  }, 600_000);
});
