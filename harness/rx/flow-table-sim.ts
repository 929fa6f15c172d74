// The RX flow table v2 (rtl/rx/tlsnic_rx_cuckoo.sv) alone in Verilator (bench tb/tb_cuckoo.cpp),
// and its command-level golden model: models/flow-table.ts driven the way the block's sequencer
// drives its table (an install first deletes the id's own entry; a present tuple is re-pointed to
// the new id; moves and the stash drain keep a ctx id -> slot map). Used by
// test/rtl-flow-table.test.ts and the fill benchmark.
import { buildSim } from '../engine/build-sim.ts';
import { runSim } from '../engine/sim-process.ts';
import { toHex } from '../../models/bytes.ts';
import { tupleKey } from '../../models/flow-hash.ts';
import {
  ftConfig, ftCreate, ftDeleteSlot, ftInsert, ftLookup, ftSetCtx, FT_DEFAULT_MAX_PATH, FT_DEFAULT_MAX_READS, FT_DEFAULT_STASH,
  type FlowTableV2, type FtMove,
} from '../../models/flow-table.ts';
import type { FlowTuple } from '../../models/packet.ts';

export const FT_SOURCES: readonly string[] = [
  'rtl/common/tlsnic_pkg.sv', 'rtl/rx/tlsnic_rx_pkg.sv', 'rtl/rx/tlsnic_rx_toeplitz.sv', 'rtl/rx/tlsnic_rx_cuckoo.sv',
];

/** Result codes of tlsnic_rx_pkg::Ft*. */
export const FtStatus = { ok: 0, present: 1, full: 2, deleted: 3, absent: 4 } as const;

export interface FtGeometry {
  /** Main slots (4 · NB), NB a power of two ≥ 4. */
  nCtx: number;
  /** Context ids the slot map holds (N_CTX of the block); default nCtx. */
  ids?: number;
  stash?: number;
  maxPath?: number;
  maxReads?: number;
}

export function buildFlowTableSim(g: FtGeometry): Promise<string> {
  const stash = g.stash ?? FT_DEFAULT_STASH, maxPath = g.maxPath ?? FT_DEFAULT_MAX_PATH, maxReads = g.maxReads ?? FT_DEFAULT_MAX_READS;
  return buildSim({
    name: `cuckoo-n${g.nCtx}-i${g.ids ?? g.nCtx}-s${stash}-p${maxPath}-r${maxReads}`,
    top: 'tlsnic_rx_cuckoo',
    sources: FT_SOURCES,
    params: { NB: g.nCtx / 4, N_CTX: g.ids ?? g.nCtx, STASH: stash, MAX_PATH: maxPath, MAX_READS: maxReads },
    cppMain: 'tb/tb_cuckoo.cpp',
  });
}

/** Hex of a little-endian byte vector (byte p in bits [8p +: 8]), most significant digit first. */
export function leHex(b: Uint8Array): string {
  return toHex(Uint8Array.from(b).reverse());
}

export type FtCommand = { op: 'install'; ctx: number; tuple: FlowTuple } | { op: 'delete'; ctx: number } | { op: 'lookup'; tuple: FlowTuple };

export interface FtCmdResult { status: number; slot: number; ctx: number }

/** The block's command semantics on the model table. */
export class FtCommandModel {
  readonly table: FlowTableV2;
  readonly ctxSlot = new Map<number, number>();
  /** Moves of the last install (for chain-length statistics). */
  lastMoves: readonly FtMove[] = [];
  lastVia = '';

  constructor(g: FtGeometry, hashKey: Uint8Array) {
    const o: Parameters<typeof ftConfig>[0] = { nCtx: g.nCtx, hashKey };
    if (g.stash !== undefined) o.stash = g.stash;
    if (g.maxPath !== undefined) o.maxPath = g.maxPath;
    if (g.maxReads !== undefined) o.maxReads = g.maxReads;
    this.table = ftCreate(ftConfig(o));
  }

  private removeOwn(ctx: number): number {
    const slot = this.ctxSlot.get(ctx);
    if (slot === undefined) return -1;
    const r = ftDeleteSlot(this.table, slot);
    this.ctxSlot.delete(ctx);
    if (r.moved) this.ctxSlot.set(r.moved.ctxId, r.moved.to);
    return slot;
  }

  install(ctx: number, t: FlowTuple): FtCmdResult {
    this.removeOwn(ctx);
    const r = ftInsert(this.table, t, ctx);
    this.lastMoves = [];
    this.lastVia = r.status;
    if (r.status === 'present') {
      ftSetCtx(this.table, r.slot, ctx);
      this.ctxSlot.delete(r.ctxId);
      this.ctxSlot.set(ctx, r.slot);
      return { status: FtStatus.present, slot: r.slot, ctx: r.ctxId };
    }
    if (r.status === 'full') return { status: FtStatus.full, slot: 0, ctx };
    for (const m of r.moves) this.ctxSlot.set(m.ctxId, m.to);
    this.ctxSlot.set(ctx, r.slot);
    this.lastMoves = r.moves;
    this.lastVia = r.via;
    return { status: FtStatus.ok, slot: r.slot, ctx };
  }

  delete(ctx: number): FtCmdResult {
    const slot = this.removeOwn(ctx);
    return slot < 0 ? { status: FtStatus.absent, slot: 0, ctx } : { status: FtStatus.deleted, slot, ctx };
  }

  lookup(t: FlowTuple): { hit: number; ctx: number; slot: number } {
    const r = ftLookup(this.table, t);
    return r ? { hit: 1, ctx: r.ctxId, slot: r.slot } : { hit: 0, ctx: 0, slot: 0 };
  }
}

export interface FtSimRun {
  results: { cmd: number; status: number; slot: number; ctx: number; cycles: number }[];
  fore: { hit: number; ctx: number; slot: number }[];
  /** Background lookups: the command running, the pool index, hit, ctx id. */
  back: { cmd: number; idx: number; hit: number; ctx: number }[];
  cycles: number;
}

/** Runs the commands on the RTL (hash key set first; `pool` looked up in every cycle a command runs). */
export async function runFlowTableSim(binary: string, hashKey: Uint8Array, pool: readonly FlowTuple[], cmds: readonly FtCommand[]): Promise<FtSimRun> {
  const records: string[] = pool.map((t) => `p ${leHex(tupleKey(t))}`);
  records.push(`k ${leHex(hashKey)}`);
  for (const c of cmds) {
    if (c.op === 'install') records.push(`i ${c.ctx} ${leHex(tupleKey(c.tuple))}`);
    else if (c.op === 'delete') records.push(`d ${c.ctx}`);
    else records.push(`l ${leHex(tupleKey(c.tuple))}`);
  }
  const r = await runSim(binary, { stalls: { seed: 1, gapPermille: 0, stallPermille: 0, maxCycles: 100_000_000 }, records });
  const out: FtSimRun = { results: [], fore: [], back: [], cycles: r.cycles };
  for (const f of r.lines) {
    const n = f.slice(1).map(Number);
    if (f[0] === 'r') out.results.push({ cmd: n[0] as number, status: n[1] as number, slot: n[2] as number, ctx: n[3] as number, cycles: n[4] as number });
    else if (f[0] === 'f') out.fore.push({ hit: n[1] as number, ctx: n[2] as number, slot: n[3] as number });
    else if (f[0] === 'b') out.back.push({ cmd: n[0] as number, idx: n[1] as number, hit: n[2] as number, ctx: n[3] as number });
    else throw new Error(`tb_cuckoo: unexpected output line '${f.join(' ')}'`);
  }
  return out;
}
