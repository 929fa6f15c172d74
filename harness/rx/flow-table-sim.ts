// The RX flow table v2 (rtl/rx/tlsnic_rx_cuckoo.sv) alone in Verilator (bench tb/tb_cuckoo.cpp).
// Its command-level golden model is FtDevice in models/flow-table.ts (models/flow-table.ts driven
// the way the block's sequencer drives its table: an install first deletes the id's own entry; a
// present tuple is re-pointed to the new id; moves and the stash drain keep a ctx id -> slot map),
// the same class the RX engine model (models/nic-rx.ts) holds. Used by test/rtl-flow-table.test.ts
// and the fill benchmark.
import { buildSim, coverageFlags, type CoverageBuild } from '../engine/build-sim.ts';
import { runSim } from '../engine/sim-process.ts';
import { toHex } from '../../models/bytes.ts';
import { tupleKey } from '../../models/flow-hash.ts';
import { FT_DEFAULT_MAX_PATH, FT_DEFAULT_MAX_READS, FT_DEFAULT_STASH, type FtDeviceGeometry } from '../../models/flow-table.ts';
import type { FlowTuple } from '../../models/packet.ts';

export const FT_SOURCES: readonly string[] = [
  'rtl/common/tlsnic_pkg.sv', 'rtl/rx/tlsnic_rx_pkg.sv', 'rtl/rx/tlsnic_rx_toeplitz.sv', 'rtl/rx/tlsnic_rx_cuckoo.sv',
];

export interface FtGeometry extends FtDeviceGeometry {
  /** Context ids the slot map holds (N_CTX of the block); default nCtx. */
  ids?: number;
  /** Coverage build (harness/coverage), a separate binary. */
  coverage?: CoverageBuild;
}

export function buildFlowTableSim(g: FtGeometry): Promise<string> {
  const stash = g.stash ?? FT_DEFAULT_STASH, maxPath = g.maxPath ?? FT_DEFAULT_MAX_PATH, maxReads = g.maxReads ?? FT_DEFAULT_MAX_READS;
  return buildSim({
    name: `cuckoo-n${g.nCtx}-i${g.ids ?? g.nCtx}-s${stash}-p${maxPath}-r${maxReads}${g.coverage ? `-${g.coverage === 'toggles' ? 'covt' : 'cov'}` : ''}`,
    top: 'tlsnic_rx_cuckoo',
    sources: FT_SOURCES,
    params: { NB: g.nCtx / 4, N_CTX: g.ids ?? g.nCtx, STASH: stash, MAX_PATH: maxPath, MAX_READS: maxReads },
    cppMain: 'tb/tb_cuckoo.cpp',
    extraFlags: g.coverage ? coverageFlags(g.coverage) : [],
  });
}

/** Hex of a little-endian byte vector (byte p in bits [8p +: 8]), most significant digit first. */
export function leHex(b: Uint8Array): string {
  return toHex(Uint8Array.from(b).reverse());
}

export type FtCommand = { op: 'install'; ctx: number; tuple: FlowTuple } | { op: 'delete'; ctx: number } | { op: 'lookup'; tuple: FlowTuple };

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
