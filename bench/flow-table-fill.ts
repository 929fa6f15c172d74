// Fill figures of flow table v2 (models/flow-table.ts, issue 15): `npx tsx bench/flow-table-fill.ts
// [--ctx N] [--seed S] [--seeds K] [--stash E] [--max-path L] [--max-reads R]`. For each table size N
// (default 64, 1024, 16384, 65536) and seed (default 1..5), N installs of distinct random remote
// IPv4 tuples to 10.0.0.1:443 (ctx ids 0..N−1) into an empty table with the hash key drawn from the
// seed; prints a Markdown table, then the same tuples into flow table v1, the one it replaced
// (models/flow-hash.ts, CRC-32, N/2 buckets × 2 ways), for comparison. The same arguments give the same table.
import { createFlowTable, flowBucket, flowFreeWay, flowWrite } from '../models/flow-hash.ts';
import {
  fillUntilFailure, ftConfig, ftWorstCaseInstallCycles, hashKeyFromSeed, randomServerTuples, FT_DEFAULT_MAX_PATH, FT_DEFAULT_MAX_READS, FT_DEFAULT_STASH,
  type FillOptions,
} from '../models/flow-table.ts';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v)) throw new Error(`${name} needs an integer`);
  return v;
}

const ctx = arg('--ctx');
const seed = arg('--seed');
const nSeeds = arg('--seeds') ?? 5;
const stash = arg('--stash') ?? FT_DEFAULT_STASH;
const maxPath = arg('--max-path') ?? FT_DEFAULT_MAX_PATH;
const maxReads = arg('--max-reads') ?? FT_DEFAULT_MAX_READS;
const sizes = ctx !== undefined ? [ctx] : [64, 1024, 16384, 65536];
const seeds = seed !== undefined ? [seed] : Array.from({ length: nSeeds }, (_, i) => i + 1);
const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
};

const cfg = ftConfig({ nCtx: 64, hashKey: hashKeyFromSeed(1), stash, maxPath, maxReads });
console.log(`## Flow table v2: 4-way buckets, Toeplitz h1/h2, BFS ≤ ${cfg.maxPath} moves / ≤ ${cfg.maxReads} reads, stash ${cfg.stash}`);
console.log(`\nWorst-case install: ${ftWorstCaseInstallCycles(cfg)} cycles (3 + MAX_READS + 2·MAX_PATH; one bucket read or one slot write per cycle).\n`);
console.log('| N_CTX | seed | installs before 1st failure | load at 1st failure | stash used then | final load (N installs) | failures | displaced | stashed | max cycles | mean cycles (to 1st failure) | mean cycles (all N) |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const summary: string[] = [];
for (const n of sizes) {
  const first: number[] = [];
  for (const s of seeds) {
    const o: FillOptions = { nCtx: n, seed: s, stash, maxPath, maxReads };
    const r = fillUntilFailure(o);
    first.push(r.loadAtFirstFailure);
    console.log(`| ${n} | ${s} | ${r.installsBeforeFirstFailure} | ${pct(r.loadAtFirstFailure)} | ${r.stashAtFirstFailure} | ${pct(r.finalLoad)} | ${r.failures} | ${r.displaced} | ${r.stashed} | ${r.maxInstallCycles} | ${r.meanInstallCyclesToFirstFailure.toFixed(2)} | ${r.meanInstallCycles.toFixed(2)} |`);
  }
  summary.push(`| ${n} | ${seeds.length} | ${pct(Math.min(...first))} | ${pct(median(first))} |`);
}
console.log('\n| N_CTX | seeds | load at 1st failure, min | median |');
console.log('| ---: | ---: | ---: | ---: |');
for (const l of summary) console.log(l);

// Flow table v1 (replaced by v2), the same tuples.
console.log('\n## Flow table v1 (models/flow-hash.ts: CRC-32, N/2 buckets × 2 ways), the same tuples\n');
console.log('| N_CTX | seeds | load at 1st failure, min | median | max | final load, median |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
for (const n of sizes) {
  const first: number[] = [], final: number[] = [];
  for (const s of seeds) {
    const table = createFlowTable({ buckets: Math.max(1, n / 2), ways: 2 });
    let ok = 0, firstAt = -1;
    randomServerTuples(s, n).forEach((t, i) => {
      const b = flowBucket(table, t);
      const w = flowFreeWay(table, b);
      if (w < 0) { if (firstAt < 0) firstAt = ok; return; }
      flowWrite(table, { bucket: b, way: w }, t, i);
      ok++;
    });
    first.push((firstAt < 0 ? ok : firstAt) / n);
    final.push(ok / n);
  }
  console.log(`| ${n} | ${seeds.length} | ${pct(Math.min(...first))} | ${pct(median(first))} | ${pct(Math.max(...first))} | ${pct(median(final))} |`);
}
