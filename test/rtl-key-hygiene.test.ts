// Key hygiene of both engines' RTL (issue 13): per-context key material — AES keys and IVs / salts
// in the front tables, H (the back end's hash-key table), GHASH accumulators (partial blocks
// folded in), saved keystream and tag state in the back-end tables — is zero once a context is deleted, evicted (RX:
// its tuple installed under another id, its id reused), or dropped by a failed re-install (RX:
// no place in the flow table for the tuple), and after reset. Read back through the simulator (tb/tb_tables.h: the tables are
// Verilator-public; harness/engine/key-tables.ts decodes them), at W = 128 with small tables.
//
// Every entry is checked against the golden model's context table at the end of the same run: a
// context the model does not hold must read all zero in both tables; one it holds must carry
// exactly its key, IV and H = E_K(0^128) (so a dump that read the wrong bits or nothing would
// fail). Each traffic run is also compared with the model frame for frame and counter for counter.
// The reset cases fill the tables with garbage before the reset and stop the bench 0 or 5 cycles
// after it, which shows the read-back sees the RTL's tables and the clear sweep is what zeroes them.
import { beforeAll, describe, expect, test } from 'vitest';
import {
  BACK_KEY_FIELDS, backFields, decodeEntry, expectedKeyFields, FRONT_KEY_FIELDS, HKEY_FIELDS, HKEY_KEY_FIELDS, runRxEngineTables, runTxEngineTables,
  RX_FRONT_FIELDS, TX_FRONT_FIELDS, type FieldList, type TableDump,
} from '../harness/engine/key-tables.ts';
import { compareRxRun, runRxModel } from '../harness/rx/compare.ts';
import { addRxFlow, buildRxScenario, createRxScenario, pushInstall, pushSegments, runRxScenario, rxScenarioHashKey, segmentFrame } from '../harness/rx/scenario.ts';
import { buildRxEngineSim } from '../harness/rx/sim.ts';
import type { SimStallConfig } from '../harness/engine/sim-process.ts';
import { compareTxRun, runTxModel } from '../harness/tx/compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from '../harness/tx/scenario.ts';
import { buildTxEngineSim } from '../harness/tx/sim.ts';
import { ftConfig, ftCreate, ftHashes, FT_WAYS } from '../models/flow-table.ts';
import { createNicRx, nicRxStep, type NicRxConfig } from '../models/nic-rx.ts';
import { createNicTx, nicTxStep } from '../models/nic-tx.ts';
import type { FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import { rxDeleteFrame, rxInstallFrame, rxPacketFrame, type RxFrame } from '../models/rx-frames.ts';
import type { TlsCryptoInfo } from '../models/tls-record.ts';
import { decodeControl, deleteFrame, installFrame, type TxFrame } from '../models/tx-frames.ts';

const W = 128;
const TX_N_CTX = 16;
const NIC: NicRxConfig = { nCtx: 16, buckets: 4 };
const POISON = 0x5eed_c0de;

function stalls(seed: number, gap = 100, stall = 100): SimStallConfig {
  return { seed, gapPermille: gap, stallPermille: stall };
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** Fields of `layout` that are non-zero in an entry. */
function nonZero(f: Record<string, bigint>): string[] {
  return Object.entries(f).filter(([, v]) => v !== 0n).map(([n]) => n);
}

/** The back end's entry of a context: its back table fields and its H (the hkey table). */
function backEntry(tables: TableDump, id: number, back: FieldList): Record<string, bigint> {
  return { ...decodeEntry(tables.get('back')!.get(id)!, back), ...decodeEntry(tables.get('hkey')!.get(id)!, HKEY_FIELDS) };
}

/**
 * Checks every context id of a dump against the model's contexts (id → crypto); returns the
 * problems. Gone contexts: every field of every entry zero. Live ones: valid, key, IV and H
 * exactly the install's.
 */
function checkTables(tables: TableDump, nCtx: number, front: FieldList, back: FieldList, live: Map<number, TlsCryptoInfo>): string[] {
  const problems: string[] = [];
  const ft = tables.get('front');
  const bt = tables.get('back');
  const ht = tables.get('hkey');
  if (!ft || !bt || !ht || ft.size !== nCtx || bt.size !== nCtx || ht.size !== nCtx) {
    return [`dump incomplete: front ${ft?.size ?? 0}, back ${bt?.size ?? 0}, hkey ${ht?.size ?? 0} of ${nCtx} entries`];
  }
  for (let id = 0; id < nCtx; id++) {
    const f = decodeEntry(ft.get(id)!, front);
    const b = backEntry(tables, id, back);
    const c = live.get(id);
    if (!c) {
      const nf = nonZero(f);
      const nb = nonZero(b);
      if (nf.length || nb.length) problems.push(`context ${id} (not held): non-zero front [${nf.join(', ')}] back [${nb.join(', ')}]`);
      continue;
    }
    const want = expectedKeyFields(c);
    if (f.valid !== 1n) problems.push(`context ${id} (held): front not valid`);
    if (f.key !== want.key) problems.push(`context ${id}: front key ${hex(f.key)}, expected ${hex(want.key)}`);
    if (f.iv !== want.iv) problems.push(`context ${id}: front iv ${hex(f.iv)}, expected ${hex(want.iv)}`);
    if (b.h !== want.h) problems.push(`context ${id}: back H ${hex(b.h)}, expected H = ${hex(want.h)}`);
  }
  return problems;
}

/** Ids whose key material (the named fields) is all zero in every table. */
function zeroKeyIds(tables: TableDump, front: FieldList, back: FieldList): number[] {
  const out: number[] = [];
  for (const [id, e] of tables.get('front')!) {
    const f = decodeEntry(e, front);
    const b = backEntry(tables, id, back);
    if (FRONT_KEY_FIELDS.every((n) => f[n] === 0n) && BACK_KEY_FIELDS.every((n) => b[n] === 0n) && HKEY_KEY_FIELDS.every((n) => b[n] === 0n)) out.push(id);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('TX engine (W=128, N_CTX=16): key material read back', () => {
  let bin = '';
  const back = backFields(W);
  beforeAll(async () => {
    bin = await buildTxEngineSim({ width: W, nCtx: TX_N_CTX, maxFrame: 9600 });
  }, 1_200_000);

  test('reset: garbage in both tables before reset, cleared one entry a cycle by the sweep', async () => {
    // Stopped at the reset's end: every entry but 0 still the garbage (the dump reads the RTL's
    // tables); the sweep's first write (entry 0) already happens on the clock edges in reset.
    const r0 = await runTxEngineTables(bin, [], stalls(1), { poisonSeed: POISON, drainIdle: 0 });
    expect(r0.run.cycles).toBe(0);
    expect(zeroKeyIds(r0.tables, TX_FRONT_FIELDS, back), 'poisoned entries').toEqual([0]);
    // Five cycles: entries 0..4 of both tables cleared (front and back sweep together), 5.. not yet.
    const r5 = await runTxEngineTables(bin, [], stalls(1), { poisonSeed: POISON, drainIdle: 5 });
    expect(r5.run.cycles).toBe(5);
    expect(zeroKeyIds(r5.tables, TX_FRONT_FIELDS, back)).toEqual([0, 1, 2, 3, 4]);
    // After the sweep (N_CTX cycles): every bit of every entry zero, before any install.
    const r = await runTxEngineTables(bin, [], stalls(1), { poisonSeed: POISON });
    expect(checkTables(r.tables, TX_N_CTX, TX_FRONT_FIELDS, back, new Map())).toEqual([]);
  }, 120_000);

  test('delete and re-install: gone contexts read zero in both tables, live ones exactly their keys; output equals the model', async () => {
    const sc = generateTxScenario({ ...DEFAULT_TX_SCENARIO, seed: 1303, nCtx: TX_N_CTX, flows: 7, bytesPerFlow: 6_000, loss: 0.05, recordSizes: [1, 300, 2000, 16384] });
    const ids = sc.flows.map((f) => f.ctxId);
    const isDelete = (f: TxFrame): boolean => f.user.kind === 1 && decodeControl(f).op === 'delete';
    // The scenario deletes some of its contexts at the end; then two more deletes, a re-install
    // of a live id with a new key, a delete of an id never installed (refused) and late packets
    // (no-context drops once deleted).
    const deleted = new Set(sc.frames.filter(isDelete).map((f) => f.user.ctxId));
    const alive = ids.filter((id) => !deleted.has(id));
    expect(alive.length, 'scenario leaves ≥ 3 contexts').toBeGreaterThanOrEqual(3);
    const p = createPrng(1302);
    const reKey: TlsCryptoInfo = { version: '1.3', key: p.bytes(32), iv: p.bytes(12) };
    const unused = [...Array(TX_N_CTX).keys()].find((i) => !ids.includes(i))!;
    const lastPackets = sc.frames.filter((f) => f.user.kind === 0 && f.user.offload).slice(-5);
    const extra: TxFrame[] = [
      deleteFrame(alive[0]), deleteFrame(alive[1]),
      installFrame({ ctxId: alive[2], ...reKey, recordSeq: 0n, startOffloadTcpSn: 12345 }),
      deleteFrame(unused),
      ...lastPackets,
    ];

    async function run(frames: TxFrame[], seed: number, poison: number) {
      const model = runTxModel(frames, { nCtx: TX_N_CTX, maxFrameBytes: 9600 });
      const st = createNicTx({ nCtx: TX_N_CTX, maxFrameBytes: 9600 });
      for (const f of frames) nicTxStep(st, f);
      const live = new Map([...st.contexts].map(([id, c]) => [id, c.crypto]));
      const { run: rtl, tables } = await runTxEngineTables(bin, frames, stalls(seed), { poisonSeed: poison });
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      expect(mm?.message ?? null, 'RTL output vs model').toBeNull();
      expect(checkTables(tables, TX_N_CTX, TX_FRONT_FIELDS, back, live)).toEqual([]);
      return { live, tables, model };
    }

    // Every context installed and none deleted: all carry their keys (the check can see keys).
    const a = await run(sc.frames.filter((f) => !isDelete(f)), 11, 0);
    expect([...a.live.keys()].sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    expect(a.model.counters.tx_tls_encrypted_packets).toBeGreaterThan(20);

    // The scenario's own deletes, then the extra frames, on poisoned tables.
    const b = await run([...sc.frames, ...extra], 12, POISON);
    const gone = ids.filter((id) => !b.live.has(id));
    expect(gone.sort((x, y) => x - y)).toEqual([...deleted, alive[0], alive[1]].sort((x, y) => x - y));
    expect(b.live.get(alive[2])?.key, 'the re-install replaced the key').toEqual(reKey.key);
    expect(b.model.counters.tx_tls_del).toBe(gone.length);
    // Deleted after carrying traffic: their key material was non-zero in run a, is zero now.
    expect(zeroKeyIds(a.tables, TX_FRONT_FIELDS, back).filter((id) => gone.includes(id))).toEqual([]);
    for (const id of gone) expect(zeroKeyIds(b.tables, TX_FRONT_FIELDS, back)).toContain(id);
  }, 300_000);
});

// ---------------------------------------------------------------------------------------------

/** The RX scenario's seed: its run sets the flow-table hash key hashKeyFromSeed(RX_SEED) first. */
const RX_SEED = 1303;
const RX_TABLE = ftCreate(ftConfig({ nCtx: NIC.buckets * FT_WAYS, hashKey: rxScenarioHashKey({ seed: RX_SEED }) }));

/** A tuple's two candidate buckets in NIC's flow table under the scenario's key, as "h1,h2". */
const pairOf = (t: FlowTuple): string => { const h = ftHashes(RX_TABLE, t); return `${h.h1},${h.h2}`; };

/** A tuple with bucket pair `pair` in NIC's flow table, found by searching destination ports. */
function tupleIn(pair: string, seed: number): FlowTuple {
  const p = createPrng(seed);
  const t: FlowTuple = { ipVersion: 4, srcAddr: p.bytes(4), dstAddr: p.bytes(4), srcPort: 443, dstPort: 40000 };
  while (pairOf(t) !== pair) t.dstPort++;
  return t;
}

describe('RX engine (W=128, N_CTX=16, 4 buckets x 4 ways + 4 stash): key material read back', () => {
  let bin = '';
  const back = backFields(W);
  beforeAll(async () => {
    bin = await buildRxEngineSim({ width: W, nCtx: NIC.nCtx, buckets: NIC.buckets });
  }, 1_200_000);

  test('reset: garbage in both tables before reset, all zero after the sweep', async () => {
    const r0 = await runRxEngineTables(bin, [], stalls(2), { poisonSeed: POISON, drainIdle: 0 });
    expect(r0.run.cycles).toBe(0);
    expect(zeroKeyIds(r0.tables, RX_FRONT_FIELDS, back), 'poisoned entries (entry 0: written in reset)').toEqual([0]);
    const r = await runRxEngineTables(bin, [], stalls(2), { poisonSeed: POISON });
    expect(checkTables(r.tables, NIC.nCtx, RX_FRONT_FIELDS, back, new Map())).toEqual([]);
  }, 120_000);

  test('delete, eviction by tuple, id reuse, failed re-install (flow table full for the tuple): gone contexts read zero, live ones their keys; output equals the model', async () => {
    // Four connections (ids 0..3) decrypting in order.
    const b = createRxScenario(RX_SEED);
    const flows = [0, 1, 2, 3].map((ctxId) =>
      addRxFlow(b, { ctxId, version: ctxId % 2 ? '1.3' : '1.2', keyLen: ctxId < 2 ? 16 : 32, ipVersion: ctxId === 2 ? 6 : 4, preOffload: 0, recordSizes: [700, 3000, 50, 5000] }));
    const [A, B, C, D] = flows;
    for (const f of flows) pushInstall(b, f);
    for (const f of flows) pushSegments(b, f, 0, f.stream.length, 1400);
    const base = runRxScenario(buildRxScenario(b), { nic: NIC, latency: 0 }).inputs;

    const p = createPrng(1304);
    const install = (ctxId: number, tuple: FlowTuple): RxFrame =>
      rxInstallFrame({ ctxId, tuple, version: '1.3', key: p.bytes(16), iv: p.bytes(12), recordSeq: 0n, startTcpSn: 1000, scan: true });
    // The failed re-install: a bucket pair {h1, h2} that neither B's tuple (still installed, under
    // id 4) nor D's has gets the tuple that reuses id 0 and 11 more (ids 5..15): 12 entries, its 8
    // ways and the 4-entry stash. Then D's id 3 is re-installed with a 13th tuple of the pair: no
    // place (deleting D's own entry first frees a slot in another bucket).
    const full = ['0,2', '0,3', '1,2', '1,3'].find((x) => x !== pairOf(B.tuple) && x !== pairOf(D.tuple))!;
    const fresh = tupleIn(full, 77);
    const fillers = Array.from({ length: 11 }, (_, k) => install(5 + k, tupleIn(full, 1 + k)));
    const extra: RxFrame[] = [
      install(4, B.tuple),                // B's tuple under id 4: context 1 evicted
      install(0, fresh),                  // id 0 reused with another tuple: A's keys replaced
      rxDeleteFrame(2),                   // C deleted
      ...fillers,                         // the pair filled (8 ways + 4 stash, with id 0's entry) ...
      install(3, tupleIn(full, 12)),      // ... so D's re-install fails: context 3 dropped
      // Late packets of the tuples that changed hands or went: walked with id 4's keys (fail) or plain.
      rxPacketFrame(segmentFrame(b, B, 0, 700)),
      rxPacketFrame(segmentFrame(b, D, 0, 700)),
      rxPacketFrame(segmentFrame(b, C, 0, 300)),
    ];
    expect([pairOf(B.tuple), pairOf(D.tuple)]).not.toContain(full);

    async function run(frames: RxFrame[], seed: number, poison: number) {
      const model = runRxModel(frames, NIC);
      const st = createNicRx(NIC);
      const verdicts = frames.map((f) => nicRxStep(st, { user: f.user, data: f.data.slice() }).verdict);
      const live = new Map([...st.contexts].map(([id, c]) => [id, c.crypto]));
      const { run: rtl, tables } = await runRxEngineTables(bin, frames, stalls(seed), { poisonSeed: poison });
      expect(compareRxRun(model, rtl)?.message ?? null, 'RTL output vs model').toBeNull();
      expect(checkTables(tables, NIC.nCtx, RX_FRONT_FIELDS, back, live)).toEqual([]);
      return { live, tables, model, verdicts };
    }

    const a = await run(base, 21, 0);
    expect([...a.live.keys()].sort()).toEqual([0, 1, 2, 3]);
    expect(a.model.counters.rx_tls_decrypted_packets).toBeGreaterThan(10);
    // The back ends carry GHASH and tag state, not only H.
    for (let id = 0; id < 4; id++) {
      const e = decodeEntry(a.tables.get('back')!.get(id)!, back);
      // (acc may read zero: decrypting, a record in its tag phase keeps tag ^ the received tag
      // bytes, zero once all 16 matched; the saved keystream block is never zero in practice.)
      expect(e.ks !== 0n && (e.acc !== 0n || e.tph === 1n), `context ${id} back-end record state`).toBe(true);
    }

    const r = await run([...base, ...extra], 22, POISON);
    expect([...r.live.keys()].sort((x, y) => x - y)).toEqual([0, 4, ...fillers.map((_, k) => 5 + k)]);
    expect(r.verdicts.slice(base.length, base.length + 3 + fillers.length + 1)).toEqual(['installed', 'installed', 'deleted', ...fillers.map(() => 'installed'), 'install_fail']);
    expect(r.model.counters.rx_tls_ctx_evict).toBe(3);     // tuple replace, id reuse, reused id of the failed install
    expect(r.model.counters.rx_tls_install_fail).toBe(1);
    // Contexts 1 (evicted), 2 (deleted), 3 (failed re-install) carried keys in run a, zero now.
    expect(zeroKeyIds(a.tables, RX_FRONT_FIELDS, back).filter((id) => id < 4)).toEqual([]);
    expect(zeroKeyIds(r.tables, RX_FRONT_FIELDS, back).filter((id) => id < NIC.nCtx)).toEqual([1, 2, 3]);
  }, 300_000);
});
