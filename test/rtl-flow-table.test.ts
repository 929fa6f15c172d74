// RX flow table v2 (rtl/rx/tlsnic_rx_cuckoo.sv) against the model (models/flow-table.ts through
// its FtDevice, the block's command semantics), command for command and slot for slot: random
// install / delete / lookup sequences at small tables with displacement chains up to MAX_PATH,
// stash use, stash drain on delete, failures; crafted collisions under a chosen hash key; and a
// lookup of a pool of tuples issued in every cycle a command runs, which must find every entry
// (its id before or after the command) while entries move.
import { describe, expect, test } from 'vitest';
import {
  ftHashes, ftConfig, ftCreate, hashKeyFromSeed, randomServerTuple,
} from '../models/flow-table.ts';
import type { FlowTuple } from '../models/packet.ts';
import { createPrng } from '../models/prng.ts';
import type { FtCommand, FtGeometry } from '../harness/rx/flow-table-sim.ts';
import { compareFlowTable, randomFtCmds } from '../harness/rx/flow-table-check.ts';

/** Model ⇄ RTL over cmds; fails on any difference; returns the model-side statistics. */
async function compare(g: FtGeometry, hashKey: Uint8Array, pool: readonly FlowTuple[], cmds: readonly FtCommand[]) {
  const r = await compareFlowTable(g, hashKey, pool, cmds);
  expect(r.problems).toEqual([]);
  return r;
}

describe('tlsnic_rx_cuckoo against the model', () => {
  for (const [nCtx, seed, n, maxPath, maxReads] of [[64, 31, 3000, 4, 256], [256, 32, 8000, 4, 256], [16, 33, 1500, 4, 256], [64, 34, 3000, 2, 16]] as const) {
    test(`${nCtx} slots, MAX_PATH ${maxPath}, MAX_READS ${maxReads}, seed ${seed}: ${n} random commands, then a fill; lookups in flight in every cycle`, async () => {
      // Twice as many ids as slots, so the table overfills: stash, failures, drains.
      const { pool, cmds } = randomFtCmds(nCtx, 2 * nCtx, seed, n);
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
