// `tlsnic run`: generate a seeded TX scenario, run it through the driver model and the NIC TX
// golden model, check the model's output with the independent stream oracle (every record
// decrypts, retransmissions equal first transmissions, checksums right), run the same frames
// through the Verilator-built RTL engine, compare packet for packet and counter for counter,
// and report throughput and latency in cycles. On a mismatch: the first difference, and an FST
// waveform of the cycles around it. Then the same for RX with the same seed (harness/rx-run.ts):
// the RX scenario through the closed loop engine model ⇄ kernel model, the oracle, the consumed
// frames through the RX RTL and a fresh model, compared. PASS only when both directions pass.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameKind } from '../models/tx-frames.ts';
import { TX_COUNTER_NAMES, DEFAULT_MAX_FRAME_BYTES } from '../models/nic-tx.ts';
import { writePcap } from '../models/pcap.ts';
import { checkTxStreams } from './tx-check.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from './tx-scenario.ts';
import { compareTxRun, packetLatencies, runTxModel, summarize, txThroughput } from './tx-compare.ts';
import { buildTxEngineSim, runTxEngine, type TxWidth } from './tx-sim.ts';
import { progress } from './progress.ts';
import { runRxPart } from './rx-run.ts';

export type RunEngine = 'rtl' | 'model';
export type RunDirection = 'tx' | 'rx' | 'both';
export const RUN_DIRECTIONS: readonly RunDirection[] = ['tx', 'rx', 'both'];

export interface RunOptions {
  seed: number;
  flows: number;
  bytesPerFlow: number;
  loss: number;
  recordSizes: readonly number[];
  mss: number;
  faults: boolean;
  out: string;
  width: TxWidth;
  engine: RunEngine;
  /** Per-mille of cycles with the RTL's input held idle / output stalled. */
  gapPermille: number;
  stallPermille: number;
  /** Clock assumed when converting bytes per cycle into Gb/s. */
  clockMhz: number;
  /** Which engines the run exercises. */
  direction: RunDirection;
  /** RX: random connections (two directed ones come on top) and application bytes each. */
  rxFlows: number;
  rxBytesPerFlow: number;
  /**
   * Long-stream proofs: every connection starts as if this many bytes had already been sent since
   * its offload start (TX: install, then a resync load at that offset; RX: install at that offset).
   */
  streamOffset: number;
}

export const RUN_DEFAULTS: RunOptions = {
  seed: 1,
  flows: 16,
  bytesPerFlow: 512_000,
  loss: 0.02,
  recordSizes: DEFAULT_TX_SCENARIO.recordSizes,
  mss: 1460,
  faults: false,
  out: 'out/run',
  width: 512,
  engine: 'rtl',
  gapPermille: 0,
  stallPermille: 0,
  clockMhz: 250,
  direction: 'both',
  rxFlows: 8,
  rxBytesPerFlow: 300_000,
  streamOffset: 0,
};

/** Flow-table size the run's engine is built with: a power of two ≥ 16 that holds every flow. */
export function runTableSize(flows: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(flows)));
}

const say = (s: string) => process.stdout.write(s + '\n');
const line = (k: string, v: string | number) => say(`  ${k.padEnd(30)} ${v}`);

export async function runCommand(o: RunOptions): Promise<number> {
  const dirs = o.direction === 'both' ? 'TX and RX' : o.direction.toUpperCase();
  say(`tlsnic run: ${dirs}, seed ${o.seed}, loss ${o.loss}, records ≤ ${o.recordSizes.join('/')}, mss ${o.mss}${o.faults ? ', faults' : ''}${o.streamOffset ? `, stream offset ${o.streamOffset}` : ''}, engine ${o.engine}${o.engine === 'rtl' ? ` W=${o.width}` : ''}`);
  mkdirSync(o.out, { recursive: true });
  const tx = o.direction === 'rx' ? null : await runTxPart(o);
  let rx = null;
  if (o.direction !== 'tx') {
    say('');
    say(`RX: ${o.rxFlows} random connections × ${o.rxBytesPerFlow} bytes + 2 directed (header loss → scan resync, tag corruption)`);
    rx = await runRxPart({ ...o, flows: o.rxFlows, bytesPerFlow: o.rxBytesPerFlow });
    if (rx.rtlReport.length > 0) {
      say('');
      say('RX RTL engine (compared with the golden model):');
      for (const [k, v] of rx.rtlReport) line(k, v);
    }
    say('');
    say('RX traffic and counters:');
    for (const [k, v] of rx.report) line(k, v);
    line('output', `${join(o.out, 'rx-input.pcap')}, rx-output.pcap`);
  }
  const problems = [...(tx?.problems ?? []), ...(rx?.problems ?? [])];
  const summary = {
    seed: o.seed,
    options: o,
    direction: o.direction,
    ...(tx?.summary ?? {}),
    rx: rx?.summary ?? null,
    problems,
    result: problems.length === 0 ? 'PASS' : 'FAIL',
  };
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  say('');
  say(`summary: ${join(o.out, 'summary.json')}`);
  if (problems.length > 0) {
    for (const p of problems) say(`FAIL: ${p}`);
    return 1;
  }
  say('PASS');
  return 0;
}

async function runTxPart(o: RunOptions): Promise<{ summary: Record<string, unknown>; problems: string[] }> {
  say(`TX: ${o.flows} flows × ${o.bytesPerFlow} bytes`);

  const t0 = performance.now();
  const nCtx = runTableSize(o.flows);
  const scenario = generateTxScenario({ ...DEFAULT_TX_SCENARIO, ...o, nCtx });
  const tGen = performance.now();
  const model = runTxModel(scenario.frames, { nCtx, maxFrameBytes: DEFAULT_MAX_FRAME_BYTES });
  const tModel = performance.now();
  const oracle = checkTxStreams(scenario, model.outputs.map((m) => m.data));

  mkdirSync(o.out, { recursive: true });
  const inputPackets = scenario.frames.filter((f) => f.user.kind === FrameKind.PACKET).map((f) => f.data);
  writeFileSync(join(o.out, 'input.pcap'), writePcap(inputPackets.map((data, i) => ({ data, timestampUs: i }))));

  const problems: string[] = oracle.problems.map((p) => `golden model vs oracle: ${p}`);
  let sent = model.outputs.map((m) => m.data);
  let rtlReport: Record<string, unknown> | null = null;
  let buildMs = 0;
  let simMs = 0;
  if (o.engine === 'rtl') {
    const bar = progress(`building the Verilator simulator (W=${o.width}, N_CTX=${nCtx}; cached under build/sim after the first time)`);
    const tb = performance.now();
    const binary = await buildTxEngineSim({ width: o.width, nCtx });
    buildMs = performance.now() - tb;
    bar.done(`${(buildMs / 1000).toFixed(1)} s`);
    const bar2 = progress(`simulating ${scenario.frames.length} frames`);
    const ts = performance.now();
    const rtl = await runTxEngine(binary, scenario.frames, { seed: o.seed, gapPermille: o.gapPermille, stallPermille: o.stallPermille });
    simMs = performance.now() - ts;
    bar2.done(`${rtl.cycles} cycles in ${rtl.simSeconds.toFixed(2)} s`);
    sent = rtl.packets.map((p) => p.data);
    // The oracle (decryption, retransmissions, plaintext leaks) on what the RTL sent, too.
    const rtlOracle = checkTxStreams(scenario, sent);
    for (const p of rtlOracle.problems) problems.push(`RTL vs oracle: ${p}`);
    const mismatch = compareTxRun(model.outputs, model.counters, rtl);
    const tp = txThroughput(scenario.frames, rtl);
    const lat = summarize(packetLatencies(model.outputs, rtl));
    const gbps = (bytesPerCycle: number) => ((bytesPerCycle * 8 * o.clockMhz) / 1000).toFixed(1);
    rtlReport = {
      cycles: rtl.cycles,
      simSeconds: rtl.simSeconds,
      cyclesPerSecond: Math.round(rtl.cycles / Math.max(rtl.simSeconds, 1e-9)),
      throughput: tp,
      latencyCycles: lat,
      clockMhz: o.clockMhz,
      mismatch,
    };
    if (mismatch) {
      problems.push(`RTL vs golden model: ${mismatch.message}`);
      const fst = join(o.out, 'mismatch.fst');
      const at = mismatch.packetIndex !== undefined ? (rtl.packets[mismatch.packetIndex]?.firstCycle ?? rtl.cycles) : rtl.cycles;
      try {
        const traced = await buildTxEngineSim({ width: o.width, nCtx, trace: true });
        await runTxEngine(traced, scenario.frames, { seed: o.seed, gapPermille: o.gapPermille, stallPermille: o.stallPermille }, { fst: { path: fst, from: Math.max(0, at - 300), to: at + 100 } });
        problems.push(`waveform of cycles ${Math.max(0, at - 300)}..${at + 100}: ${fst}`);
      } catch (e) {
        problems.push(`could not write the waveform: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    say('');
    say('TX RTL engine (compared with the golden model):');
    line('cycles', rtl.cycles);
    line('input beats / cycle', tp.beatsPerCycle.toFixed(3));
    line('wire bytes / cycle', `${tp.wireBytesPerCycle.toFixed(2)} of ${o.width / 8} (${gbps(tp.wireBytesPerCycle)} Gb/s at ${o.clockMhz} MHz)`);
    line('payload bytes / cycle', `${tp.payloadBytesPerCycle.toFixed(2)} (${gbps(tp.payloadBytesPerCycle)} Gb/s at ${o.clockMhz} MHz)`);
    line('resync cycles', tp.resyncCycles);
    line('latency (cycles, first in → first out)', `min ${lat.min} / mean ${lat.mean.toFixed(1)} / max ${lat.max}`);
    line('simulator speed', `${Math.round(rtl.cycles / Math.max(rtl.simSeconds, 1e-9))} cycles/s (${(simMs / 1000).toFixed(2)} s with batch I/O)`);
  }
  writeFileSync(join(o.out, 'output.pcap'), writePcap(sent.map((data, i) => ({ data, timestampUs: i }))));

  const records = scenario.flows.reduce((n, f) => n + f.records.length, 0);
  const resyncs = scenario.frames.filter((f) => f.user.kind === FrameKind.RESYNC).length;
  const summary = {
    nCtx,
    frames: scenario.frames.length,
    packetsIn: inputPackets.length,
    packetsOut: sent.length,
    bytesIn: inputPackets.reduce((n, p) => n + p.length, 0),
    bytesOut: sent.reduce((n, p) => n + p.length, 0),
    records,
    recordsVerified: oracle.recordsVerified,
    plaintextLeaks: oracle.leaks,
    streamOffset: o.streamOffset,
    resyncLoads: resyncs,
    counters: model.counters,
    rtl: rtlReport,
    timingsMs: { scenario: tGen - t0, model: tModel - tGen, build: buildMs, simulation: simMs },
    txResult: problems.length === 0 ? 'PASS' : 'FAIL',
  };

  say('');
  say('TX traffic and counters:');
  line('frames in (pkts+ctrl+resync)', summary.frames);
  line('packets in / out', `${summary.packetsIn} / ${summary.packetsOut}`);
  line('bytes in / out', `${summary.bytesIn} / ${summary.bytesOut}`);
  line('records (all decrypt)', `${records} (${oracle.recordsVerified})`);
  line('plaintext leaks (must be 0)', oracle.leaks);
  line('resync context loads', resyncs);
  for (const n of TX_COUNTER_NAMES) line(n, model.counters[n]);
  line('golden model time', `${(tModel - tGen).toFixed(0)} ms (scenario ${(tGen - t0).toFixed(0)} ms)`);
  line('output', `${join(o.out, 'input.pcap')}, output.pcap`);
  return { summary, problems };
}
