// The TX half of `tlsnic run`: the seeded TX scenario (harness/tx/scenario.ts) through the driver
// model and the NIC TX golden model, the independent stream oracle (harness/tx/check.ts) on the
// model's output (every record decrypts, retransmissions equal first transmissions, checksums
// right), then the same frames through the Verilator-built RTL engine, compared packet for packet
// and counter for counter (harness/tx/compare.ts), with throughput and latency in cycles. On a
// mismatch: the first difference, and an FST waveform of the cycles around it. Writes input.pcap
// and output.pcap and returns the summary part.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FrameKind } from '../../models/tx-frames.ts';
import { TX_COUNTER_NAMES, DEFAULT_MAX_FRAME_BYTES } from '../../models/nic-tx.ts';
import { writePcap } from '../../models/pcap.ts';
import { checkTxStreams } from './check.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario } from './scenario.ts';
import { compareTxRun, packetLatencies, runTxModel, summarize, txThroughput } from './compare.ts';
import { buildTxEngineSim, runTxEngine } from './sim.ts';
import { progress } from '../cli/progress.ts';
import type { RunOptions } from '../cli/run-options.ts';

/** Flow-table size the run's engine is built with: a power of two ≥ 16 that holds every flow. */
export function runTableSize(flows: number): number {
  return Math.max(16, 2 ** Math.ceil(Math.log2(flows)));
}

const say = (s: string) => process.stdout.write(s + '\n');
const line = (k: string, v: string | number) => say(`  ${k.padEnd(30)} ${v}`);

export async function runTxPart(o: RunOptions): Promise<{ summary: Record<string, unknown>; problems: string[] }> {
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
    const binary = await buildTxEngineSim({ width: o.width, nCtx, coverage: o.coverage });
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
    const mismatch = compareTxRun(model.outputs, model.counters, rtl, model.completions);
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
