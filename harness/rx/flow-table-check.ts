// The RX flow table block (rtl/rx/tlsnic_rx_cuckoo.sv) against its command-level model (FtDevice,
// models/flow-table.ts), command for command and slot for slot, and the random command sequences
// that drive it: test/rtl-flow-table.test.ts and the coverage regression (harness/coverage) use
// both.
import { ftMainSlots, randomServerTuples, FtDevice, FtStatus } from '../../models/flow-table.ts';
import type { FlowTuple } from '../../models/packet.ts';
import { createPrng } from '../../models/prng.ts';
import { buildFlowTableSim, runFlowTableSim, type FtCommand, type FtGeometry } from './flow-table-sim.ts';

export interface FtCompareResult {
  /** Successful installs by the number of moves they took. */
  moves: Map<number, number>;
  /** Installs placed in the stash, failed (table full), re-pointed (tuple present); stash drains. */
  stash: number;
  full: number;
  present: number;
  drained: number;
  /** Longest command, in cycles. */
  maxCycles: number;
  /** Background lookups checked. */
  checked: number;
  /** RTL ⇄ model differences (empty when they agree). */
  problems: string[];
}

interface Expected { cmd: FtCommand; result?: { status: number; slot: number; ctx: number }; look?: { hit: number; ctx: number; slot: number } }

/**
 * Runs cmds on the model (FtDevice) and the RTL and compares everything: each command's status,
 * slot and id, each foreground lookup, and every background lookup (its entry's state before or
 * after its command). Returns the model-side statistics and the differences found.
 */
export async function compareFlowTable(g: FtGeometry, hashKey: Uint8Array, pool: readonly FlowTuple[], cmds: readonly FtCommand[]): Promise<FtCompareResult> {
  const m = new FtDevice(g, hashKey);
  const exp: Expected[] = [];
  // Per command: the pool's lookup results before and after it (hit and ctx id).
  const before: string[][] = [], after: string[][] = [];
  // An install first deletes its id's own entry, so a tuple that id held may miss in between.
  const owned: Set<number>[] = [];
  const snap = (): string[] => pool.map((t) => { const r = m.lookup(t); return `${r.hit} ${r.hit ? r.ctx : 0}`; });
  const stats: FtCompareResult = { moves: new Map<number, number>(), stash: 0, full: 0, present: 0, drained: 0, maxCycles: 0, checked: 0, problems: [] };
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
  const results = exp.flatMap((e) => (e.result ? [e.result] : []));
  const same = (x: object | undefined, y: object | undefined) => JSON.stringify(x) === JSON.stringify(y);
  if (run.results.length !== results.length) stats.problems.push(`${run.results.length} command results, the model has ${results.length}`);
  run.results.forEach(({ status, slot, ctx }, i) => {
    if (!same({ status, slot, ctx }, results[i])) stats.problems.push(`command result ${i}: RTL ${JSON.stringify({ status, slot, ctx })}, model ${JSON.stringify(results[i])}`);
  });
  const looks = exp.flatMap((e) => (e.look ? [e.look] : []));
  if (run.fore.length !== looks.length) stats.problems.push(`${run.fore.length} lookups answered, the model has ${looks.length}`);
  run.fore.forEach((l, i) => {
    if (!same(l, looks[i])) stats.problems.push(`lookup ${i}: RTL ${JSON.stringify(l)}, model ${JSON.stringify(looks[i])}`);
  });
  // Background lookups: every one equals the pool entry's state before or after its command.
  for (const b of run.back) {
    const got = `${b.hit} ${b.hit ? b.ctx : 0}`;
    const ok = got === before[b.cmd]?.[b.idx] || got === after[b.cmd]?.[b.idx] || (got === '0 0' && owned[b.cmd]?.has(b.idx));
    if (!ok) stats.problems.push(`lookup of pool tuple ${b.idx} during command ${b.cmd}: got ${got}, model before ${before[b.cmd]?.[b.idx]}, after ${after[b.cmd]?.[b.idx]}`);
    stats.checked++;
  }
  if (stats.checked <= cmds.length) stats.problems.push(`only ${stats.checked} background lookups for ${cmds.length} commands`);
  stats.maxCycles = Math.max(...run.results.map((r) => r.cycles));
  return stats;
}

/** A random command sequence over a pool of 2·nCtx tuples and `ids` ids (~60 % installs, ~25 % deletes, lookups). */
export function randomFtCmds(nCtx: number, ids: number, seed: number, n: number): { pool: FlowTuple[]; cmds: FtCommand[] } {
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

