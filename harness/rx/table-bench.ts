// `tlsnic bench --rx-table [--ctx N] [--engine rtl|model] [--seed S] [--out DIR]`: the RX flow
// table's fill figures (issue 15). N installs (ctx ids 0..N−1) of distinct random remote IPv4
// tuples to one local address and port (a server's view) into an empty table of N main slots
// under the hash key drawn from the seed, past the first failure to the end.
//   rtl:   tlsnic_rx_cuckoo alone in Verilator (tb/tb_cuckoo.cpp) with a lookup issued in every
//          cycle an install runs (the traffic: tuples of the list in turn); every result is
//          compared with the model (FtDevice, slot for slot); a lookup of a tuple installed before
//          that install began that misses or names another id counts as a lost packet.
//   model: models/flow-table.ts alone, cycles from its cost model; no traffic.
// Writes DIR/rx-table.json and DIR/rx-table.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FtDevice, FtStatus, fillUntilFailure, hashKeyFromSeed, randomServerTuples } from '../../models/flow-table.ts';
import { buildFlowTableSim, runFlowTableSim, type FtCommand } from './flow-table-sim.ts';

export interface RxTableFigures {
  nCtx: number;
  engine: 'rtl' | 'model';
  seed: number;
  installsBeforeFirstFailure: number;
  loadAtFirstFailure: number;
  finalLoad: number;
  maxInstallCycles: number;
  meanInstallCycles: number;
  /** Lookups issued per cycle while installs run (rtl); null for the model. */
  lookupsPerCycle: number | null;
  /** Lookups of installed tuples that missed or named another id (rtl); null for the model. */
  packetsLost: number | null;
  /** Lookups that hit a tuple not installed (rtl). */
  falseHits: number | null;
  lookups: number | null;
  /** rtl: every install result equals the model's (status, slot, id). */
  matchesModel: boolean | null;
  cycles: number | null;
}

export class RxTableUsageError extends Error {}

export const RX_TABLE_OPTIONS = `  --rx-table                the RX flow table's fill figures instead (out/rx-table):
    --ctx N                 main slots N_CTX, a multiple of 16 (4 ways × buckets, power of two) [65536]
    --engine rtl|model      rtl: tlsnic_rx_cuckoo in Verilator with a lookup every cycle [rtl]
    --seed S                tuples and hash key [1]
`;

export async function rxTableBench(nCtx: number, engine: 'rtl' | 'model', seed: number): Promise<RxTableFigures> {
  if (engine === 'model') {
    const r = fillUntilFailure({ nCtx, seed });
    return {
      nCtx, engine, seed, installsBeforeFirstFailure: r.installsBeforeFirstFailure, loadAtFirstFailure: r.loadAtFirstFailure,
      finalLoad: r.finalLoad, maxInstallCycles: r.maxInstallCycles, meanInstallCycles: r.meanInstallCycles,
      lookupsPerCycle: null, packetsLost: null, falseHits: null, lookups: null, matchesModel: null, cycles: null,
    };
  }
  const key = hashKeyFromSeed(seed);
  const tuples = randomServerTuples(seed, nCtx);
  const dev = new FtDevice({ nCtx }, key);
  const expected = tuples.map((t, i) => dev.install(i, t));
  const cmds: FtCommand[] = tuples.map((t, i) => ({ op: 'install', ctx: i, tuple: t }));
  const bin = await buildFlowTableSim({ nCtx });
  const run = await runFlowTableSim(bin, key, tuples, cmds);
  let matches = run.results.length === nCtx;
  let first = -1, entries = 0, maxC = 0, sumC = 0, busy = 0;
  run.results.forEach((r, i) => {
    const e = expected[i];
    if (!e || e.status !== r.status || e.slot !== r.slot || e.ctx !== r.ctx) matches = false;
    if (r.status === FtStatus.full) { if (first < 0) first = entries; } else entries++;
    maxC = Math.max(maxC, r.cycles);
    sumC += r.cycles;
    busy += r.cycles + 1;
  });
  const ok = run.results.map((r) => r.status === FtStatus.ok);
  let lost = 0, falseHits = 0;
  for (const b of run.back) {
    if (b.idx < b.cmd) {
      if (ok[b.idx] ? !(b.hit === 1 && b.ctx === b.idx) : b.hit === 1) lost++;
    } else if (b.idx > b.cmd && b.hit === 1) falseHits++;
  }
  const before = first < 0 ? entries : first;
  return {
    nCtx, engine, seed, installsBeforeFirstFailure: before, loadAtFirstFailure: before / nCtx, finalLoad: entries / nCtx,
    maxInstallCycles: maxC, meanInstallCycles: sumC / nCtx, lookupsPerCycle: run.back.length / busy,
    packetsLost: lost, falseHits, lookups: run.back.length, matchesModel: matches, cycles: run.cycles,
  };
}

export function rxTableMarkdown(f: RxTableFigures, clockMhz = 250): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  const rate = (cycles: number): string => `${Math.round((clockMhz * 1e6) / cycles).toLocaleString('en-US')}/s`;
  const na = (x: number | boolean | null, s?: string): string => (x === null ? '—' : s ?? String(x));
  return [
    `## RX flow table fill (N_CTX ${f.nCtx}, engine ${f.engine}, seed ${f.seed})`,
    '',
    '| N_CTX | engine | installs before 1st failure | load then | final load | max install cycles | mean install cycles | installs/s at ' + `${clockMhz} MHz (mean) | lookups/cycle | packets lost | false hits | RTL = model |`,
    '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    `| ${f.nCtx} | ${f.engine} | ${f.installsBeforeFirstFailure} | ${pct(f.loadAtFirstFailure)} | ${pct(f.finalLoad)} | ${f.maxInstallCycles} | ` +
      `${f.meanInstallCycles.toFixed(2)} | ${rate(f.meanInstallCycles)} | ${na(f.lookupsPerCycle, f.lookupsPerCycle?.toFixed(3))} | ` +
      `${na(f.packetsLost)} | ${na(f.falseHits)} | ${na(f.matchesModel, f.matchesModel ? 'yes' : 'NO')} |`,
    '',
  ].join('\n');
}

/** `tlsnic bench --rx-table ...` (argv without --rx-table): 0 when RTL matches the model and no lookup was lost. */
export async function rxTableBenchMain(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], strict: true, options: {
    ctx: { type: 'string' }, engine: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' }, 'clock-mhz': { type: 'string' },
  } });
  const nCtx = Number(values.ctx ?? 65_536);
  if (!Number.isInteger(nCtx) || nCtx < 16 || nCtx > 65_536 || (nCtx & (nCtx - 1)) !== 0) {
    throw new RxTableUsageError(`--ctx must be a power of two from 16 to 65536, got '${values.ctx}'`);
  }
  const engine = values.engine ?? 'rtl';
  if (engine !== 'rtl' && engine !== 'model') throw new RxTableUsageError(`--engine must be rtl or model, got '${engine}'`);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(seed) || seed < 0) throw new RxTableUsageError(`--seed must be a non-negative integer, got '${values.seed}'`);
  const clock = Number(values['clock-mhz'] ?? 250);
  if (!(clock > 0)) throw new RxTableUsageError(`--clock-mhz must be positive, got '${values['clock-mhz']}'`);
  const out = values.out ?? 'out/rx-table';
  console.log(`tlsnic bench --rx-table: N_CTX ${nCtx}, engine ${engine}, seed ${seed}`);
  const f = await rxTableBench(nCtx, engine, seed);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'rx-table.json'), `${JSON.stringify(f, null, 2)}\n`);
  const md = rxTableMarkdown(f, clock);
  writeFileSync(join(out, 'rx-table.md'), md);
  console.log(md);
  console.log(`written: ${join(out, 'rx-table.json')}, ${join(out, 'rx-table.md')}`);
  return f.matchesModel === false || (f.packetsLost ?? 0) > 0 || (f.falseHits ?? 0) > 0 ? 1 : 0;
}
