// The RX half of `tlsnic run`: the seeded RX scenario (harness/rx/run-scenario.ts) through the
// closed loop engine model ⇄ kernel model (the kernel answers resync requests after a seeded
// latency), the independent oracle (harness/rx/check.ts) on that run, then the exact frame
// sequence the engine consumed (a HASH_KEY frame with the seed's flow-table key first) replayed
// into the Verilator-built RTL and into a fresh golden model, compared output frame for output
// frame (packets with their decrypted mark, events) and counter for counter. Writes rx-input.pcap (the wire packets, in the order the engine took them)
// and rx-output.pcap (the packets the engine handed the host), and returns the summary part.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toHex } from '../../models/bytes.ts';
import { RX_COUNTER_NAMES, type RxCounters } from '../../models/nic-rx.ts';
import { isParseError, parseTcpPacket } from '../../models/packet.ts';
import { writePcap } from '../../models/pcap.ts';
import { isRxHashKeyFrame, RxInKind, RxOutKind, type RxFrame } from '../../models/rx-frames.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import { progress } from '../cli/progress.ts';
import type { RunOptions } from '../cli/run-options.ts';
import { checkRxRun } from './check.ts';
import { compactCtxIdMap, compactCtxIds, compareRxRun, runRxModel, type RxModelRun } from './compare.ts';
import { generateRunRxScenario, rxRunFlowCount, rxRunTable, type DirectedRxClass } from './run-scenario.ts';
import { runRxScenario, rxScenarioHashKey, type RxRun, type RxScenario } from './scenario.ts';
import { buildRxEngineSim, runRxEngine, type RxEngineRun, type RxOutRtlFrame } from './sim.ts';
import type { Width } from '../engine/width.ts';

/** The run's options as the RX part reads them (flows and bytes per flow are the RX ones). */
export type RxPartOptions = Omit<RunOptions, 'direction' | 'rxFlows' | 'rxBytesPerFlow'>;

/** Kernel answers reach the engine 0..RX_KERNEL_LATENCY wire packets after the output that caused them. */
export const RX_KERNEL_LATENCY = 3;

export interface RxThroughput {
  /** From the first input beat accepted to the last output beat. */
  cycles: number;
  inBeats: number;
  beatsPerCycle: number;
  /** Input frame bytes (packets and control frames) per cycle. */
  bytesPerCycle: number;
  /** TCP payload bytes of the input packets per cycle. */
  payloadBytesPerCycle: number;
  /** Bytes the engine decrypted (rx_tls_decrypted_bytes) per cycle. */
  decryptedBytesPerCycle: number;
}

export function rxThroughput(frames: readonly RxFrame[], rtl: RxEngineRun): RxThroughput {
  const bb = rtl.beatBytes;
  let inBeats = 0;
  let bytes = 0;
  let payload = 0;
  for (const f of frames) {
    inBeats += Math.max(1, Math.ceil(f.data.length / bb));
    bytes += f.data.length;
    if (f.user.kind !== RxInKind.PACKET) continue;
    const t = parseTcpPacket(f.data);
    if (!isParseError(t)) payload += t.payloadLength;
  }
  const first = frames.length ? rtl.frameAccept[0].first : 0;
  const lastIn = frames.length ? rtl.frameAccept[frames.length - 1].last : -1;
  const lastOut = rtl.outputs.length ? rtl.outputs[rtl.outputs.length - 1].lastCycle : lastIn;
  const cycles = Math.max(1, Math.max(lastIn, lastOut) - first + 1);
  return {
    cycles,
    inBeats,
    beatsPerCycle: inBeats / cycles,
    bytesPerCycle: bytes / cycles,
    payloadBytesPerCycle: payload / cycles,
    decryptedBytesPerCycle: rtl.counters.rx_tls_decrypted_bytes / cycles,
  };
}

/**
 * Harness self-test: with env TLSNIC_RX_CORRUPT_OUTPUT=<n>, the RTL's output frame n gets its last
 * byte flipped before the comparison (no waveform is written then: the RTL did nothing wrong).
 */
function selfTestCorruption(): boolean {
  const v = process.env.TLSNIC_RX_CORRUPT_OUTPUT;
  return v !== undefined && v !== '';
}

function corruptForSelfTest(rtl: RxEngineRun): RxEngineRun {
  const v = process.env.TLSNIC_RX_CORRUPT_OUTPUT;
  if (!selfTestCorruption() || v === undefined) return rtl;
  const n = Number(v);
  const outputs = rtl.outputs.map((o, i): RxOutRtlFrame => (i === n && o.data.length > 0 ? { ...o, data: o.data.map((b, k) => (k === o.data.length - 1 ? b ^ 0x01 : b)) } : o));
  return { ...rtl, outputs };
}

/** Context of an input frame: the id the RTL saw, the scenario's id and the connection. */
function frameContext(run: RxRun, sc: RxScenario, compactOf: Map<number, number>, frameIndex: number): string {
  const f = run.inputs[frameIndex];
  if (isRxHashKeyFrame(f)) return 'the HASH_KEY frame (no context)';
  const orig = f.user.kind === RxInKind.CONTROL ? f.user.ctxId : run.results[frameIndex]?.ctxId;
  if (orig === undefined) return 'no context (not an offloaded connection)';
  const flow = sc.flows.find((x) => x.ctxId === orig);
  return `context ${compactOf.get(orig) ?? '?'} (scenario ctx ${orig}${flow ? `, flow ${flow.index}` : ''})`;
}

/** Where the first byte of output i differs, with the TCP sequence number when it is payload. */
function firstDifference(model: RxModelRun, rtl: RxEngineRun, i: number): string | null {
  const m = model.outputs[i]?.frame.data;
  const r = rtl.outputs[i]?.data;
  if (!m || !r) return null;
  let off = -1;
  for (let k = 0; k < Math.min(m.length, r.length); k++) if (m[k] !== r[k]) { off = k; break; }
  if (off < 0) off = m.length !== r.length ? Math.min(m.length, r.length) : -1;
  if (off < 0) return null;
  const t = parseTcpPacket(m);
  const where = !isParseError(t) && off >= t.payloadOffset && off < t.payloadOffset + t.payloadLength
    ? `frame byte ${off} = payload byte ${off - t.payloadOffset}, tcp seq ${seqAdd(t.seq, off - t.payloadOffset)}`
    : `frame byte ${off}`;
  return `${where}: expected ${toHex(m.subarray(off, off + 16))}, got ${toHex(r.subarray(off, off + 16))}`;
}

export interface RxPartResult {
  summary: Record<string, unknown>;
  problems: string[];
  /** Text lines for the report (already indented by the caller's `line`). */
  report: [string, string | number][];
  rtlReport: [string, string | number][];
}

export async function runRxPart(o: RxPartOptions): Promise<RxPartResult> {
  const t0 = performance.now();
  const total = rxRunFlowCount(o.flows);
  const table = rxRunTable(total);
  const { scenario, directed } = generateRunRxScenario({ ...o, buckets: table.buckets });
  const tGen = performance.now();
  // The closed loop runs with the run's flow table but room for the scenario's context ids
  // (anywhere in 0..65535); the consumed frames are then renumbered densely for the N_CTX build.
  const run = runRxScenario(scenario, { nic: { nCtx: 65536, buckets: table.buckets }, latency: RX_KERNEL_LATENCY });
  const oracle = checkRxRun(scenario, run);
  const frames = compactCtxIds(run.inputs, table.nCtx);
  const compactOf = compactCtxIdMap(run.inputs);
  const model = runRxModel(frames, table);
  const tModel = performance.now();

  const problems: string[] = oracle.problems.map((p) => `RX golden model vs oracle: ${p}`);
  // The closed-loop model and the fresh model on the renumbered frames must agree (the renumbering is harmless).
  const loopPackets = run.outputs.filter((f) => f.user.kind === RxOutKind.PACKET);
  const freshPackets = model.outputs.filter((f) => f.frame.user.kind === RxOutKind.PACKET);
  if (loopPackets.length !== freshPackets.length || loopPackets.some((p, i) => p.user.decrypted !== freshPackets[i].frame.user.decrypted)) {
    problems.push('RX: the model on the renumbered frames differs from the closed-loop run');
  }
  // The directed connections did what they are there for.
  const conn = (c: DirectedRxClass) => run.conns[directed[c]];
  if (conn('header-loss').stats.confirmsSent < 1) problems.push('RX scenario: the header-loss connection was never resynchronised by the stream scan');
  if (conn('tag-corruption').error === null) problems.push('RX scenario: the tag-corruption connection saw no authentication failure');

  const inPackets = frames.filter((f) => f.user.kind === RxInKind.PACKET).map((f) => f.data);
  writeFileSync(join(o.out, 'rx-input.pcap'), writePcap(inPackets.map((data, i) => ({ data, timestampUs: i }))));

  let outFrames: { kind: number; decrypted: boolean; data: Uint8Array }[] = model.outputs.map((m) => ({ kind: m.frame.user.kind, decrypted: m.frame.user.decrypted, data: m.frame.data }));
  let counters: RxCounters = model.counters;
  let rtlSummary: Record<string, unknown> | null = null;
  const rtlReport: [string, string | number][] = [];
  let buildMs = 0;
  let simMs = 0;
  if (o.engine === 'rtl') {
    const bar = progress(`building the RX Verilator simulator (W=${o.width}, N_CTX=${table.nCtx}, flow table ${table.buckets} buckets × 4 ways + 4 stash; cached under build/sim after the first time)`);
    const tb = performance.now();
    const binary = await buildRxEngineSim({ width: o.width, ...table, coverage: o.coverage });
    buildMs = performance.now() - tb;
    bar.done(`${(buildMs / 1000).toFixed(1)} s`);
    const bar2 = progress(`simulating ${frames.length} RX frames`);
    const ts = performance.now();
    const rtl = corruptForSelfTest(await runRxEngine(binary, frames, { seed: o.seed, gapPermille: o.gapPermille, stallPermille: o.stallPermille }));
    simMs = performance.now() - ts;
    bar2.done(`${rtl.cycles} cycles in ${rtl.simSeconds.toFixed(2)} s`);
    outFrames = rtl.outputs.map((r) => ({ kind: r.kind, decrypted: r.decrypted, data: r.data }));
    counters = rtl.counters;
    const mismatch = compareRxRun(model, rtl);
    const tp = rxThroughput(frames, rtl);
    if (mismatch) {
      const where = mismatch.frameIndex !== undefined
        ? `first mismatch at input frame ${mismatch.frameIndex}, ${frameContext(run, scenario, compactOf, mismatch.frameIndex)}, output ${mismatch.outputIndex}`
        : `first mismatch: ${mismatch.kind}`;
      const diff = mismatch.outputIndex !== undefined ? firstDifference(model, rtl, mismatch.outputIndex) : null;
      problems.push(`RX RTL vs golden model: ${where}${diff ? `; at ${diff}` : ''}\n  ${mismatch.message.replace(/\n/g, '\n  ')}`);
      if (!selfTestCorruption()) {
        // A waveform of the cycles around the first differing output (or the end).
        const fst = join(o.out, 'rx-mismatch.fst');
        const at = mismatch.outputIndex !== undefined ? (rtl.outputs[mismatch.outputIndex]?.firstCycle ?? rtl.cycles) : rtl.cycles;
        const from = Math.max(0, at - 300);
        try {
          const traced = await buildRxEngineSim({ width: o.width, ...table, trace: true });
          await runRxEngine(traced, frames, { seed: o.seed, gapPermille: o.gapPermille, stallPermille: o.stallPermille }, { fst: { path: fst, from, to: at + 100 } });
          problems.push(`RX waveform of cycles ${from}..${at + 100}: ${fst}`);
        } catch (e) {
          problems.push(`could not write the RX waveform: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    }
    const gbps = (bpc: number) => ((bpc * 8 * o.clockMhz) / 1000).toFixed(1);
    rtlSummary = { cycles: rtl.cycles, simSeconds: rtl.simSeconds, cyclesPerSecond: Math.round(rtl.cycles / Math.max(rtl.simSeconds, 1e-9)), throughput: tp, clockMhz: o.clockMhz, mismatch };
    rtlReport.push(
      ['cycles', rtl.cycles],
      ['input beats / cycle', tp.beatsPerCycle.toFixed(3)],
      ['input bytes / cycle', `${tp.bytesPerCycle.toFixed(2)} of ${o.width / 8} (${gbps(tp.bytesPerCycle)} Gb/s at ${o.clockMhz} MHz)`],
      ['TCP payload bytes / cycle', `${tp.payloadBytesPerCycle.toFixed(2)} (${gbps(tp.payloadBytesPerCycle)} Gb/s at ${o.clockMhz} MHz)`],
      ['decrypted bytes / cycle', `${tp.decryptedBytesPerCycle.toFixed(2)} (${gbps(tp.decryptedBytesPerCycle)} Gb/s at ${o.clockMhz} MHz)`],
      ['simulator speed', `${Math.round(rtl.cycles / Math.max(rtl.simSeconds, 1e-9))} cycles/s (${(simMs / 1000).toFixed(2)} s with batch I/O)`],
    );
  }
  const outPackets = outFrames.filter((f) => f.kind === RxOutKind.PACKET);
  writeFileSync(join(o.out, 'rx-output.pcap'), writePcap(outPackets.map((f, i) => ({ data: f.data, timestampUs: i }))));

  const records = scenario.flows.reduce((n, f) => n + f.records.length, 0);
  const corrupted = scenario.flows.reduce((n, f) => n + f.records.filter((r) => !r.authentic).length, 0);
  const kernel = run.conns.reduce(
    (s, c) => ({ confirms: s.confirms + c.stats.confirmsSent, hints: s.hints + c.stats.hintsSent, device: s.device + c.stats.records.device, software: s.software + c.stats.records.software, mixed: s.mixed + c.stats.records.mixed }),
    { confirms: 0, hints: 0, device: 0, software: 0, mixed: 0 },
  );
  const summary = {
    flows: o.flows,
    directedFlows: directed,
    connections: total,
    nCtx: table.nCtx,
    buckets: table.buckets,
    /** Flow-table hash key the run set first (HASH_KEY frame; hashKeyFromSeed of the seed). */
    hashKey: toHex(rxScenarioHashKey(scenario)),
    frames: frames.length,
    controlFrames: frames.length - inPackets.length,
    packetsIn: inPackets.length,
    packetsOut: outPackets.length,
    eventsOut: outFrames.length - outPackets.length,
    packetsMarked: outPackets.filter((f) => f.decrypted).length,
    bytesIn: inPackets.reduce((n, p) => n + p.length, 0),
    records,
    corruptedRecords: corrupted,
    recordsVerified: oracle.recordsVerified,
    kernel,
    counters,
    rtl: rtlSummary,
    timingsMs: { scenario: tGen - t0, model: tModel - tGen, build: buildMs, simulation: simMs },
    problems,
    result: problems.length === 0 ? 'PASS' : 'FAIL',
  };
  const report: [string, string | number][] = [
    ['RX connections (random+directed)', `${total} (${o.flows} + header loss, tag corruption)`],
    ['RX frames in (pkts+ctrl)', `${frames.length} (${inPackets.length} + ${frames.length - inPackets.length})`],
    ['RX packets out (decrypted)', `${outPackets.length} (${summary.packetsMarked})`],
    ['RX events out', summary.eventsOut],
    ['RX records (kernel-verified)', `${records} (${oracle.recordsVerified}; ${corrupted} with a corrupted tag)`],
    ['kernel records device/mixed/sw', `${kernel.device} / ${kernel.mixed} / ${kernel.software}`],
    ['kernel resync confirms / hints', `${kernel.confirms} / ${kernel.hints}`],
    ...RX_COUNTER_NAMES.map((n): [string, number] => [n, counters[n]]),
    ['RX model time', `${(tModel - tGen).toFixed(0)} ms (scenario ${(tGen - t0).toFixed(0)} ms)`],
  ];
  return { summary, problems, report, rtlReport };
}
