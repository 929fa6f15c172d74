// `tlsnic soak`: streams TX traffic of any size through the golden model and the RTL engine in
// chunks, and checks every chunk: RTL output and counters equal to the model's, and the streaming
// oracle (decryption of every record, retransmissions, TCP checksums, plaintext leaks) on what the
// engine sent. Memory is bounded by the chunk and the connections' live windows, not the stream.
// Each chunk is one simulator run: the engine is reset between chunks and the driver re-installs
// every connection at its original start_offload_tcp_sn, so each chunk begins with resync loads
// at the connections' current stream offsets (harness/soak/generator.ts). Shards (--shard i/n)
// take every n-th connection, so a long soak splits across processes or machines; their
// soak.json summaries merge with `tlsnic soak --merge A.json B.json …`.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TX_COUNTER_NAMES, zeroTxCounters, type TxCounters } from '../../models/nic-tx.ts';
import { createPrng } from '../../models/prng.ts';
import { FrameKind, type TxFrame } from '../../models/tx-frames.ts';
import { compareTxRun, runTxModel } from '../tx/compare.ts';
import { buildTxEngineSim, runTxEngine } from '../tx/sim.ts';
import { createSoakFlow, flowStep, reinstall, type SoakFlow, type SoakTraffic } from './generator.ts';
import { SoakOracle } from './oracle.ts';
import type { Width } from '../engine/width.ts';

export interface SoakOptions {
  seed: number;
  flows: number;
  /** Stream bytes per connection, in GiB (fractions allowed). */
  gibPerFlow: number;
  loss: number;
  reorder: number;
  /** Per mille of cycles with the RTL output not ready and the input idle. */
  stallPermille: number;
  /** Packets per chunk; the engine is reset (and the contexts re-installed) between chunks. */
  resetEvery: number;
  shard: { index: number; count: number };
  width: Width;
  engine: 'rtl' | 'model';
  mss: number;
  recordSizes: readonly number[];
  out: string;
  clockMhz: number;
}

export const SOAK_DEFAULTS: SoakOptions = {
  seed: 1,
  flows: 4,
  gibPerFlow: 0.01,
  loss: 0.02,
  reorder: 0.01,
  stallPermille: 0,
  resetEvery: 20_000,
  shard: { index: 0, count: 1 },
  width: 512,
  engine: 'rtl',
  mss: 1460,
  recordSizes: [64, 1000, 4096, 16384],
  out: 'out/soak',
  clockMhz: 250,
};

export interface SoakSummary {
  options: SoakOptions | null;
  shards: string[];
  flows: number;
  bytes: number;
  packets: number;
  frames: number;
  records: number;
  chunks: number;
  cycles: number;
  mismatches: number;
  leaks: number;
  oracleProblems: number;
  uncheckedBytes: number;
  counters: TxCounters;
  firstProblems: string[];
  seconds: number;
  result: 'PASS' | 'FAIL';
}

const say = (s: string) => process.stdout.write(s + '\n');

function tableSize(flows: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(flows)));
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`;
}

export async function soakCommand(o: SoakOptions): Promise<number> {
  const t0 = performance.now();
  const bytesPerFlow = Math.max(1, Math.round(o.gibPerFlow * 2 ** 30));
  const mine = [...Array(o.flows).keys()].filter((i) => i % o.shard.count === o.shard.index);
  const nCtx = tableSize(o.flows);
  const traffic: SoakTraffic = { seed: o.seed, bytesPerFlow, mss: o.mss, recordSizes: o.recordSizes, loss: o.loss, reorder: o.reorder };
  say(`tlsnic soak: seed ${o.seed}, ${o.flows} flows × ${bytesPerFlow} bytes (shard ${o.shard.index}/${o.shard.count}: ${mine.length} flows), loss ${o.loss}, reorder ${o.reorder}, stall ${o.stallPermille}‰, reset every ${o.resetEvery} packets, engine ${o.engine}${o.engine === 'rtl' ? ` W=${o.width} N_CTX=${nCtx}` : ''}`);
  mkdirSync(o.out, { recursive: true });
  const bin = o.engine === 'rtl' ? await buildTxEngineSim({ width: o.width, nCtx }) : '';

  const oracle = new SoakOracle();
  const flows: SoakFlow[] = mine.map((i) => createSoakFlow(traffic, i, i));
  for (const f of flows) oracle.addFlow(f);
  const counters = zeroTxCounters();
  const total = bytesPerFlow * flows.length;
  let packets = 0, frames = 0, chunks = 0, cycles = 0, mismatches = 0;
  const mismatchText: string[] = [];
  let lastReport = 0;
  // The interleaving of connections has its own PRNG: each connection's bytes depend only on the
  // seed and its index, whatever the sharding.
  const pick = createPrng((o.seed ^ 0x50a4_50a4 ^ Math.imul(o.shard.index + 1, 0x2545f491)) >>> 0);

  while (flows.some((f) => !f.done)) {
    // One chunk: re-install, then steps of randomly chosen live flows up to resetEvery packets.
    const batch: TxFrame[] = [];
    const live = flows.filter((f) => !f.done);
    for (const f of live) batch.push(...reinstall(f));
    let n = 0;
    const active = live.slice();
    while (n < o.resetEvery && active.length > 0) {
      const k = active.length === 1 ? 0 : pick.int(0, active.length - 1);
      const f = active[k];
      const r = flowStep(f, traffic, (rec) => oracle.addRecord(rec));
      for (const x of r.frames) batch.push(x);
      n += r.packets;
      if (f.done) {
        active[k] = active[active.length - 1];
        active.pop();
      }
    }
    chunks++;
    frames += batch.length;
    packets += batch.filter((f) => f.user.kind === FrameKind.PACKET).length;

    // The simulator is a process of its own: start it first and run the model meanwhile.
    const rtlRun = o.engine === 'rtl'
      ? runTxEngine(bin, batch, { seed: (o.seed + chunks * 7919) >>> 0, gapPermille: o.stallPermille, stallPermille: o.stallPermille }, { batchFile: join(o.out, 'chunk.in') })
      : null;
    const model = runTxModel(batch, { nCtx, maxFrameBytes: 9600 });
    let sent = model.outputs.map((x) => x.data);
    let chunkCounters = model.counters;
    if (rtlRun) {
      const rtl = await rtlRun;
      cycles += rtl.cycles;
      const mm = compareTxRun(model.outputs, model.counters, rtl, model.completions);
      if (mm) {
        mismatches++;
        if (mismatchText.length < 5) mismatchText.push(`chunk ${chunks}: ${mm.message.split('\n')[0]}`);
      }
      sent = rtl.packets.map((x) => x.data);
      chunkCounters = rtl.counters;
    }
    sent.forEach((d, i) => oracle.packet(d, `chunk ${chunks} packet ${i}`));
    for (const f of flows) oracle.release(f.index, f.window.length > 0 ? f.window[0].offset : f.framedTo);
    for (const k of TX_COUNTER_NAMES) counters[k] += chunkCounters[k];

    const done = flows.reduce((s, f) => s + f.next, 0);
    const el = (performance.now() - t0) / 1000;
    if (el - lastReport >= 5 || !flows.some((f) => !f.done)) {
      lastReport = el;
      const eta = done > 0 ? (el * (total - done)) / done : Infinity;
      process.stderr.write(`soak: ${(done / 2 ** 30).toFixed(3)} / ${(total / 2 ** 30).toFixed(3)} GiB (${((100 * done) / total).toFixed(1)} %), ${packets} packets, chunk ${chunks}, ${oracle.totals.records} records verified, ${mismatches} mismatches, ${oracle.totals.leaks} leaks, ${fmtTime(el)} elapsed, ETA ${fmtTime(eta)}\n`);
    }
  }
  oracle.finish();
  rmSync(join(o.out, 'chunk.in'), { force: true });
  const summary: SoakSummary = {
    options: o,
    shards: [`${o.shard.index}/${o.shard.count}`],
    flows: flows.length,
    bytes: flows.reduce((n, f) => n + f.framedTo, 0),
    packets,
    frames,
    records: oracle.totals.records,
    chunks,
    cycles,
    mismatches,
    leaks: oracle.totals.leaks,
    oracleProblems: oracle.totals.problems,
    uncheckedBytes: oracle.totals.uncheckedBytes,
    counters,
    firstProblems: [...mismatchText, ...oracle.problems].slice(0, 20),
    seconds: (performance.now() - t0) / 1000,
    result: 'PASS',
  };
  summary.result = summary.mismatches === 0 && summary.leaks === 0 && summary.oracleProblems === 0 ? 'PASS' : 'FAIL';
  return report(summary, o.out, o.clockMhz, o.width);
}

function report(s: SoakSummary, out: string, clockMhz: number, width: number): number {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak.json'), JSON.stringify(s, null, 2) + '\n');
  const line = (k: string, v: string | number) => say(`  ${k.padEnd(28)} ${v}`);
  line('shards', s.shards.join(', '));
  line('flows', s.flows);
  line('bytes', `${s.bytes} (${(s.bytes / 2 ** 30).toFixed(3)} GiB)`);
  line('packets / frames', `${s.packets} / ${s.frames}`);
  line('records verified', s.records);
  line('chunks (engine resets)', s.chunks);
  if (s.cycles > 0) line('cycles', `${s.cycles} (${((s.bytes / s.cycles) * 8 * clockMhz / 1000).toFixed(1)} Gb/s of stream at ${clockMhz} MHz, W=${width})`);
  line('mismatches (RTL vs model)', s.mismatches);
  line('plaintext leaks', s.leaks);
  line('oracle problems', s.oracleProblems);
  for (const k of TX_COUNTER_NAMES) if (s.counters[k] !== 0) line(k, s.counters[k]);
  line('time', fmtTime(s.seconds));
  for (const p of s.firstProblems) say(`FAIL: ${p}`);
  say(`summary: ${join(out, 'soak.json')}`);
  say(s.result);
  return s.result === 'PASS' ? 0 : 1;
}

/** Merges shard summaries (soak.json files) into one. */
export function mergeSoak(files: string[], out: string): number {
  const parts = files.map((f) => {
    let s: SoakSummary;
    try {
      s = JSON.parse(readFileSync(f, 'utf8')) as SoakSummary;
    } catch (e) {
      throw new SoakInputError(`cannot read soak summary ${f}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (typeof s.bytes !== 'number' || !s.counters || !Array.isArray(s.shards)) throw new SoakInputError(`${f} is not a tlsnic soak summary`);
    return s;
  });
  const counters = zeroTxCounters();
  for (const p of parts) for (const k of TX_COUNTER_NAMES) counters[k] += p.counters[k] ?? 0;
  const sum = (k: 'flows' | 'bytes' | 'packets' | 'frames' | 'records' | 'chunks' | 'cycles' | 'mismatches' | 'leaks' | 'oracleProblems' | 'uncheckedBytes' | 'seconds') => parts.reduce((n, p) => n + p[k], 0);
  const merged: SoakSummary = {
    options: null,
    shards: parts.flatMap((p) => p.shards),
    flows: sum('flows'), bytes: sum('bytes'), packets: sum('packets'), frames: sum('frames'), records: sum('records'),
    chunks: sum('chunks'), cycles: sum('cycles'), mismatches: sum('mismatches'), leaks: sum('leaks'),
    oracleProblems: sum('oracleProblems'), uncheckedBytes: sum('uncheckedBytes'), counters,
    firstProblems: parts.flatMap((p) => p.firstProblems).slice(0, 20),
    seconds: sum('seconds'),
    result: 'PASS',
  };
  merged.result = parts.every((p) => p.result === 'PASS') && merged.mismatches === 0 && merged.leaks === 0 && merged.oracleProblems === 0 ? 'PASS' : 'FAIL';
  say(`tlsnic soak --merge: ${files.length} summaries`);
  return report(merged, out, 250, parts[0]?.options?.width ?? 0);
}

export class SoakInputError extends Error {}
