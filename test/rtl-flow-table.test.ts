// RX flow table v2 (rtl/rx/tlsnic_rx_cuckoo.sv) against the model (models/flow-table.ts through
// its FtDevice, the block's command semantics), command for command and slot for slot: random
// install / delete / lookup sequences at small tables with displacement chains up to MAX_PATH,
// stash use, stash drain on delete, failures; crafted collisions under a chosen hash key; and a
// lookup of a pool of tuples issued in every cycle a command runs, which must find every entry
// (its id before or after the command) while entries move.
import { describe, expect, test } from 'vitest';
import {
  ftHashes, ftConfig, ftCreate, ftMainSlots, hashKeyFromSeed, randomServerTuple, randomServerTuples, FtDevice, FtStatus,
} from '../models/flow-table.ts';
import type { FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import { buildFlowTableSim, runFlowTableSim, type FtCommand, type FtGeometry } from '../harness/rx/flow-table-sim.ts';

interface Expect { cmd: FtCommand; result?: { status: number; slot: number; ctx: number }; look?: { hit: number; ctx: number; slot: number } }

/** Runs cmds on model and RTL and compares everything; returns model-side statistics. */
async function compare(g: FtGeometry, hashKey: Uint8Array, pool: readonly FlowTuple[], cmds: readonly FtCommand[]) {
  const m = new FtDevice(g, hashKey);
  const exp: Expect[] = [];
  // Per command: the pool's lookup results before and after it (hit and ctx id).
  const before: string[][] = [], after: string[][] = [];
  // An install first deletes its id's own entry, so a tuple that id held may miss in between.
  const owned: Set<number>[] = [];
  const snap = (): string[] => pool.map((t) => { const r = m.lookup(t); return `${r.hit} ${r.hit ? r.ctx : 0}`; });
  const stats = { moves: new Map<number, number>(), stash: 0, full: 0, present: 0, drained: 0, maxCycles: 0 };
  for (const c of cmds) {
    if (c.op === 'lookup') { exp.push({ cmd: c, look: m.lookup(c.tuple) }); continue; }
    before.push(snap());
    // the pool tuples this install's id holds, read off the snapshot just taken
    const held = `1 ${c.op === 'install' ? c.ctx : -1}`;
    owned.push(new Set((before[before.length - 1] as string[]).flatMap((v, i) => (v === held ? [i] : []))));
    const stashBefore = m.table.slots.slice(ftMainSlots(m.table)).filter((e) => e).length;
    const r = c.op === 'install' ? m.install(c.ctx, c.tuple) : m.delete(c.ctx);
    const stashAfter = m.table.slots.slice(ftMainSlots(m.table)).filter((e) => e).length;
    if (c.op === 'install') {
      if (r.status === FtStatus.ok) stats.moves.set(m.lastMoves.length, (stats.moves.get(m.lastMoves.length) ?? 0) + 1);
      if (m.lastVia === 'stash') stats.stash++;
      if (r.status === FtStatus.full) stats.full++;
      if (r.status === FtStatus.present) stats.present++;
    }
    if (stashAfter < stashBefore && !(c.op === 'install' && m.lastVia === 'stash')) stats.drained++;
    after.push(snap());
    exp.push({ cmd: c, result: r });
  }
  const bin = await buildFlowTableSim(g);
  const run = await runFlowTableSim(bin, hashKey, pool, cmds);
  const results = exp.filter((e) => e.result).map((e) => e.result);
  expect(run.results.map(({ status, slot, ctx }) => ({ status, slot, ctx }))).toEqual(results);
  expect(run.fore).toEqual(exp.filter((e) => e.look).map((e) => e.look));
  // Background lookups: every one equals the pool entry's state before or after its command.
  let checked = 0;
  for (const b of run.back) {
    const got = `${b.hit} ${b.hit ? b.ctx : 0}`;
    const ok = got === before[b.cmd]?.[b.idx] || got === after[b.cmd]?.[b.idx] || (got === '0 0' && owned[b.cmd]?.has(b.idx));
    if (!ok) expect.fail(`lookup of pool tuple ${b.idx} during command ${b.cmd}: got ${got}, model before ${before[b.cmd]?.[b.idx]}, after ${after[b.cmd]?.[b.idx]}`);
    checked++;
  }
  expect(checked).toBeGreaterThan(cmds.length);
  stats.maxCycles = Math.max(...run.results.map((r) => r.cycles));
  return stats;
}

/** A random command sequence over a pool of 2·nCtx tuples and `ids` ids (~60 % installs, ~25 % deletes, lookups). */
function randomCmds(nCtx: number, ids: number, seed: number, n: number): { pool: FlowTuple[]; cmds: FtCommand[] } {
  const prng = createPrng(seed);
  const pool = randomServerTuples(seed, nCtx * 2);
  const cmds: FtCommand[] = [];
  for (let i = 0; i < n; i++) {
    const r = prng.int(0, 99);
    if (r < 60) cmds.push({ op: 'install', ctx: prng.int(0, ids - 1), tuple: pool[prng.int(0, pool.length - 1)] as FlowTuple });
    else if (r < 85) cmds.push({ op: 'delete', ctx: prng.int(0, ids - 1) });
    else cmds.push({ op: 'lookup', tuple: pool[prng.int(0, pool.length - 1)] as FlowTuple });
  }
  // Fill to the end: every id installed with a distinct tuple, then every pool tuple looked up.
  for (let c = 0; c < nCtx; c++) cmds.push({ op: 'install', ctx: c, tuple: pool[c] as FlowTuple });
  for (const t of pool) cmds.push({ op: 'lookup', tuple: t });
  return { pool, cmds };
}

describe('tlsnic_rx_cuckoo against the model', () => {
  for (const [nCtx, seed, n, maxPath, maxReads] of [[64, 31, 3000, 4, 256], [256, 32, 8000, 4, 256], [16, 33, 1500, 4, 256], [64, 34, 3000, 2, 16]] as const) {
    test(`${nCtx} slots, MAX_PATH ${maxPath}, MAX_READS ${maxReads}, seed ${seed}: ${n} random commands, then a fill; lookups in flight in every cycle`, async () => {
      // Twice as many ids as slots, so the table overfills: stash, failures, drains.
      const { pool, cmds } = randomCmds(nCtx, 2 * nCtx, seed, n);
      console.log(`rtl-flow-table: ${nCtx} slots, ${2 * nCtx} ids, seed ${seed}`);
      const s = await compare({ nCtx, ids: 2 * nCtx, maxPath, maxReads }, hashKeyFromSeed(seed), pool, cmds);
      // The sequences reach displacement, chains up to MAX_PATH = 4 moves, the stash, its drain,
      // failures and re-pointing.
      expect(Math.max(...s.moves.keys())).toBeGreaterThanOrEqual(maxPath === 2 ? 2 : nCtx >= 64 ? 3 : 1);
      expect(s.stash).toBeGreaterThan(0);
      expect(s.present).toBeGreaterThan(0);
      if (nCtx >= 64) { expect(s.full).toBeGreaterThan(0); expect(s.drained).toBeGreaterThan(0); }
      console.log(`  moves per install ${JSON.stringify([...s.moves].sort((a, b) => a[0] - b[0]))}, stash ${s.stash}, drained ${s.drained}, full ${s.full}, present ${s.present}, max cycles ${s.maxCycles}`);
    }, 300_000);
  }

  test('crafted collisions under a chosen key: 8 ways, 4 stash entries, failure, delete drains the stash', async () => {
    const nCtx = 256;
    const key = hashKeyFromSeed(100);
    const t = ftCreate(ftConfig({ nCtx, hashKey: key }));
    const prng = createPrng(77);
    const first = randomServerTuple(prng);
    const target = ftHashes(t, first);
    const crafted = [first];
    while (crafted.length < 16) {
      const x = randomServerTuple(prng);
      const h = ftHashes(t, x);
      if (h.h1 === target.h1 && h.h2 === target.h2 && !crafted.some((y) => y.srcPort === x.srcPort && y.srcAddr.every((v, i) => v === x.srcAddr[i]))) crafted.push(x);
    }
    const cmds: FtCommand[] = crafted.map((x, i) => ({ op: 'install', ctx: i, tuple: x }));
    for (const c of [2, 9, 5, 12]) cmds.push({ op: 'delete', ctx: c });
    cmds.push({ op: 'install', ctx: 40, tuple: crafted[12] as FlowTuple });
    for (const x of crafted) cmds.push({ op: 'lookup', tuple: x });
    const s = await compare({ nCtx }, key, crafted, cmds);
    expect(s.stash).toBe(5);   // 4, then ctx 40 after the deletes
    expect(s.full).toBe(4);
    expect(s.drained).toBeGreaterThan(0);
  }, 300_000);
});
