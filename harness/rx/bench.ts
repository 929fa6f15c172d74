// Throughput table of the RX offload engine (not a test): deterministic scenarios replayed into
// tlsnic_rx_engine at W = 128, 256, 512 with the input always valid and the output always ready,
// every run compared with the golden model (models/nic-rx.ts); a mismatch marks the row FAIL and
// makes the exit status 1.
//
// Run: `tlsnic bench --direction rx [--quick] [--width 128,512] [--clock-mhz F] [--out DIR]` (or
// `make bench-rx`, `npx tsx bench/rx-bench.ts …`, the same options)
//   --quick      1/16 of the traffic per row (about 0.1 s per row instead of 1–2 s)
//   --width      widths to run [128,256,512]
//   --clock-mhz  clock assumed for the Gb/s columns [250]
//   --out        where bench-rx.json and bench-rx.md go [out/bench-rx]
//
// Workloads (every one built from a printed seed; same seed → same frames, byte for byte; sizes
// are for the full run, --quick divides them by 16):
//   rec R / seg S  4 connections of 512 KB each (TLS 1.2/1.3, AES-128/256, IPv4/IPv6, VLAN drawn from the seed),
//                  installed first, every record exactly R bytes of plaintext, full S-byte
//                  segments round-robin across the connections, nothing lost.
//   lossy 2%       harness/rx/scenario.ts generateRxScenario: 4 connections of 512 KB, records 1 B–16 KB,
//                  segments 1..1460 B, 2 % of segments lost and retransmitted 1–10 segments later
//                  (sometimes re-cut), device-driven resync (stream scan on), the kernel model
//                  answering resync requests after 0–4 wire packets.
//   scan resync    4 connections of 512 KB, records 1–16 KB, 1460-byte segments; every 48 KB of stream
//                  (from 8 KB) the segment holding a record header is lost and arrives 3 segments
//                  later, so each connection repeatedly loses sync, waits a record length, scans
//                  for a header, locks, asks the kernel and resumes on its answer.
// The frames replayed are those a closed-loop model run (engine model ⇄ kernel model) consumed,
// the HASH_KEY frame with the seed's flow-table key first and resync responses included, with
// context ids renumbered into the 16-entry table
// (test/rtl-rx-engine.test.ts does the same, so the builds are shared with the tests).
//
// Columns: cycles from the first input beat accepted to the last output beat; input beats of
// every frame (packets and control frames); wire B/cycle = bytes of output packets / cycles;
// decrypted B/cycle = TCP payload of the packets marked decrypted / cycles; idle input cycles
// between the first and the last input beat with no beat taken, split into those not following
// a control frame (data) and those right after one (the engine drains its pipeline for control
// frames); marked = output packets marked decrypted / output packets with TCP payload of the
// offloaded connections.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compactCtxIds, compareRxRun, runRxModel, rxThroughput, type RxModelRun } from './compare.ts';
import {
  addRxFlow, buildRxScenario, createRxScenario, DEFAULT_RX_SCENARIO, generateRxScenario, pushInstall, pushSegment, recordOffset, runRxScenario,
  type RxFlowSpec, type RxScenario, type RxScenarioBuilder,
} from './scenario.ts';
import { buildRxEngineSim, runRxEngine, type RxEngineRun } from './sim.ts';
import { flowKey, isParseError, parseTcpPacket } from '../../models/packet.ts';
import { createPrng } from '../../models/prng.ts';
import { seqAdd, seqLeq } from '../../models/tcp-seq.ts';
import type { NicRxConfig, RxCounters } from '../../models/nic-rx.ts';
import type { RxFrame } from '../../models/rx-frames.ts';
import { isWidth, WIDTHS, type Width } from '../engine/width.ts';

const N_CTX = 16;
/** 16 ids; flow table v2 of 4 buckets × 4 ways (16 main slots) + 4 stash, as the RX engine tests build it. */
const NIC: NicRxConfig = { nCtx: N_CTX, buckets: 4 };
const RECORD_SIZES = [64, 1024, 4096, 16384];
const SEGMENT_SIZES = [1460, 9000];
const IN_ORDER_FLOWS = 4;
/** Wire packets between a resync request leaving the engine and the kernel's answer arriving (at most). */
const RESYNC_LATENCY = 4;

interface Workload {
  name: string;
  seed: number;
  scenario: RxScenario;
  latency: number;
}

/** One row of bench-rx.json. */
interface Row {
  width: Width;
  workload: string;
  seed: number;
  frames: number;
  inBeats: number;
  cycles: number;
  beatsPerCycle: number;
  wireBytesPerCycle: number;
  decryptedBytesPerCycle: number;
  wireGbps: number;
  decryptedGbps: number;
  /** Idle input cycles not after a control frame, and right after control frames. */
  dataIdle: number;
  controlIdle: number;
  /** Idle input cycles (between frames and inside them) by the model's verdict on the frame before / the frame itself. */
  idleByVerdict: Record<string, number>;
  /** Output packets marked decrypted, and output packets with payload of the offloaded connections. */
  marked: number;
  tlsPackets: number;
  resyncRequests: number;
  resyncOk: number;
  match: boolean;
  mismatch?: string;
  counters: RxCounters;
  simSeconds: number;
  runSeconds: number;
}

/** Full-size segments of `seg` bytes, round-robin across the flows, from each flow's offset 0. */
function pushRoundRobin(b: RxScenarioBuilder, flows: RxFlowSpec[], seg: number): void {
  const pos = flows.map(() => 0);
  while (flows.some((f, i) => pos[i] < f.stream.length)) {
    flows.forEach((f, i) => {
      if (pos[i] >= f.stream.length) return;
      const n = Math.min(seg, f.stream.length - pos[i]);
      pushSegment(b, f, pos[i], n);
      pos[i] += n;
    });
  }
}

function inOrderWorkload(record: number, seg: number, bytesPerFlow: number, seed: number): Workload {
  const b = createRxScenario(seed);
  const n = Math.max(1, Math.round(bytesPerFlow / record));
  const flows = Array.from({ length: IN_ORDER_FLOWS }, () => addRxFlow(b, { preOffload: 0, recordSizes: new Array<number>(n).fill(record) }));
  for (const f of flows) pushInstall(b, f);
  pushRoundRobin(b, flows, seg);
  return { name: `rec ${record < 1024 ? `${record} B` : `${record / 1024} KB`} / seg ${seg}`, seed, scenario: buildRxScenario(b), latency: 0 };
}

function lossyWorkload(bytesPerFlow: number, seed: number): Workload {
  const scenario = generateRxScenario({
    ...DEFAULT_RX_SCENARIO, seed, flows: IN_ORDER_FLOWS, bytesPerFlow, mss: 1460, loss: 0.02, spurious: 0, badChecksum: 0,
    plainFraction: 0, nonTcpFraction: 0, installLag: 0, resyncMode: 'device', deleteAtEnd: 0,
  });
  return { name: 'lossy 2% (device resync)', seed, scenario, latency: RESYNC_LATENCY };
}

function scanWorkload(bytesPerFlow: number, seed: number): Workload {
  const b = createRxScenario(seed);
  const p = createPrng(seed ^ 0x5ca7);
  const flows = Array.from({ length: IN_ORDER_FLOWS }, () => {
    const sizes: number[] = [];
    for (let n = 0; n < bytesPerFlow; ) {
      const s = p.int(1024, 16384);
      sizes.push(s);
      n += s;
    }
    return addRxFlow(b, { preOffload: 0, recordSizes: sizes, mode: 'device' });
  });
  for (const f of flows) pushInstall(b, f);
  const seg = 1460;
  const pos = flows.map(() => 0);
  const nextLoss = flows.map(() => 8 * 1024);
  const pending = flows.map(() => [] as { off: number; len: number; due: number }[]);
  const sent = flows.map(() => 0);
  const headerIn = (f: RxFlowSpec, off: number, len: number): boolean =>
    f.records.some((_, i) => { const h = recordOffset(f, i); return h >= off && h < off + len; });
  while (flows.some((f, i) => pos[i] < f.stream.length || pending[i].length > 0)) {
    flows.forEach((f, i) => {
      const due = pending[i].findIndex((l) => l.due <= sent[i] || pos[i] >= f.stream.length);
      if (due >= 0) {
        const l = pending[i].splice(due, 1)[0];
        pushSegment(b, f, l.off, l.len);
        return;
      }
      if (pos[i] >= f.stream.length) return;
      const n = Math.min(seg, f.stream.length - pos[i]);
      if (pos[i] >= nextLoss[i] && headerIn(f, pos[i], n)) {
        pending[i].push({ off: pos[i], len: n, due: sent[i] + 3 });
        nextLoss[i] += 48 * 1024;
      } else {
        pushSegment(b, f, pos[i], n);
      }
      sent[i]++;
      pos[i] += n;
    });
  }
  return { name: 'scan resync (header loss)', seed, scenario: buildRxScenario(b), latency: RESYNC_LATENCY };
}

/** The closed-loop model run's input frames, context ids renumbered for the 16-entry build. */
function workloadFrames(w: Workload): RxFrame[] {
  const run = runRxScenario(w.scenario, { nic: { ...NIC, nCtx: 65536 }, latency: w.latency });
  return compactCtxIds(run.inputs, N_CTX);
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);
const f3 = (x: number) => x.toFixed(3);

function table(rows: Row[], clockMhz: number): string {
  const head = ['W', 'workload', 'seed', 'frames', 'input beats', 'cycles', 'beats/cycle', 'wire B/cycle', 'decrypted B/cycle',
    `wire Gb/s @${clockMhz} MHz`, `decrypted Gb/s @${clockMhz} MHz`, 'idle data/ctrl', 'marked', 'resync req/ok', 'check'];
  const body = rows.map((r) => [String(r.width), r.workload, String(r.seed), String(r.frames), String(r.inBeats), String(r.cycles), f3(r.beatsPerCycle),
    f2(r.wireBytesPerCycle), f2(r.decryptedBytesPerCycle), f1(r.wireGbps), f1(r.decryptedGbps), `${r.dataIdle}/${r.controlIdle}`,
    `${r.marked}/${r.tlsPackets}`, `${r.resyncRequests}/${r.resyncOk}`, r.match ? 'ok' : 'FAIL']);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const left = (i: number) => i < 2;
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (left(i) ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  return [line(head), '|' + w.map((x, i) => (left(i) ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|') + '|', ...body.map(line)].join('\n');
}

/**
 * Where the input waited, by the golden model's verdict: a gap before frame i is charged to frame
 * i-1 ("after <verdict>"), a wait inside frame i to frame i ("inside <verdict>"). Says which kind
 * of packet or control frame costs the engine cycles.
 */
function idleByVerdict(frames: readonly RxFrame[], rtl: RxEngineRun, model: RxModelRun): Record<string, number> {
  const out: Record<string, number> = {};
  const add = (k: string, n: number) => { if (n > 0) out[k] = (out[k] ?? 0) + n; };
  frames.forEach((f, i) => {
    const a = rtl.frameAccept[i];
    if (i > 0) add(`after ${model.verdicts[i - 1]}`, a.first - rtl.frameAccept[i - 1].last - 1);
    add(`inside ${model.verdicts[i]}`, a.last - a.first + 1 - Math.max(1, Math.ceil(f.data.length / rtl.beatBytes)));
  });
  return out;
}

/** Output packets of the offloaded connections with TCP payload from the first record on (not the handshake). */
function tlsPacketCount(sc: RxScenario, outputs: { kind: number; data: Uint8Array }[]): number {
  const start = new Map(sc.flows.map((f) => [f.tupleKey, f.startSeq]));
  let n = 0;
  for (const o of outputs) {
    if (o.kind !== 0) continue;
    const t = parseTcpPacket(o.data);
    if (isParseError(t) || t.payloadLength === 0) continue;
    const s = start.get(flowKey(t));
    if (s !== undefined && seqLeq(s, seqAdd(t.seq, t.payloadLength - 1))) n++;
  }
  return n;
}

/** `tlsnic bench --direction rx`: returns the exit status (0 all rows match the model, 1 a mismatch, 2 bad usage). */
export async function rxBenchMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: { quick: { type: 'boolean' }, width: { type: 'string' }, 'clock-mhz': { type: 'string' }, out: { type: 'string' } },
  });
  const quick = values.quick ?? false;
  const clockMhz = Number(values['clock-mhz'] ?? 250);
  const widths = (values.width ?? WIDTHS.join(',')).split(',').map(Number) as Width[];
  if (!(clockMhz > 0) || widths.some((w) => !isWidth(w))) {
    console.error('bench-rx: --clock-mhz must be positive and --width a list of 128, 256, 512');
    return 2;
  }
  const outDir = values.out ?? 'out/bench-rx';
  const scale = quick ? 1 / 16 : 1;
  const t0 = Date.now();

  // One build at a time (the cores are shared); the same parameters as the RX engine tests.
  const bins = new Map<Width, string>();
  for (const w of widths) bins.set(w, await buildRxEngineSim({ width: w, nCtx: NIC.nCtx, buckets: NIC.buckets }));
  const buildSeconds = (Date.now() - t0) / 1000;

  const makers: (() => Workload)[] = [];
  let seed = 7001;
  for (const seg of SEGMENT_SIZES) {
    for (const rec of RECORD_SIZES) {
      const s = seed++;
      makers.push(() => inOrderWorkload(rec, seg, Math.round(512 * 1024 * scale), s));
    }
  }
  const lossySeed = seed++;
  makers.push(() => lossyWorkload(Math.round(512 * 1024 * scale), lossySeed));
  const scanSeed = seed++;
  makers.push(() => scanWorkload(Math.round(512 * 1024 * scale), scanSeed));

  const rows: Row[] = [];
  let modelSeconds = 0;
  for (const make of makers) {
    const tm = Date.now();
    const wl = make();
    const frames = workloadFrames(wl);
    const model = runRxModel(frames, NIC);
    modelSeconds += (Date.now() - tm) / 1000;
    for (const width of widths) {
      const t = Date.now();
      const rtl = await runRxEngine(bins.get(width)!, frames, { seed: wl.seed, gapPermille: 0, stallPermille: 0 });
      const runSeconds = (Date.now() - t) / 1000;
      const mm = compareRxRun(model, rtl);
      const tp = rxThroughput(frames, rtl);
      const row: Row = {
        width, workload: wl.name, seed: wl.seed, frames: frames.length, inBeats: tp.inBeats, cycles: tp.cycles,
        beatsPerCycle: tp.beatsPerCycle, wireBytesPerCycle: tp.wireBytesPerCycle, decryptedBytesPerCycle: tp.decryptedBytes / tp.cycles,
        wireGbps: (tp.wireBytesPerCycle * 8 * clockMhz) / 1000, decryptedGbps: ((tp.decryptedBytes / tp.cycles) * 8 * clockMhz) / 1000,
        dataIdle: tp.dataIdle, controlIdle: tp.controlIdle, idleByVerdict: idleByVerdict(frames, rtl, model),
        marked: rtl.outputs.filter((o) => o.kind === 0 && o.decrypted).length, tlsPackets: tlsPacketCount(wl.scenario, rtl.outputs),
        resyncRequests: rtl.counters.rx_tls_resync_req_pkt, resyncOk: rtl.counters.rx_tls_resync_res_ok,
        match: mm === null, mismatch: mm?.message, counters: rtl.counters, simSeconds: rtl.simSeconds, runSeconds,
      };
      rows.push(row);
      console.log(`W=${width} ${wl.name} (seed ${wl.seed}): ${f3(row.beatsPerCycle)} beats/cycle, ${f1(row.decryptedGbps)} Gb/s decrypted at ${clockMhz} MHz, ` +
        `${row.match ? 'ok' : 'FAIL'} (${f1(runSeconds)} s)`);
      if (mm) console.log(`  FAIL: ${mm.message}`);
      // A connection whose install found no place in the flow table runs in software: the row
      // would measure the flow table, not the engine. Say so rather than hide it.
      if (rtl.counters.rx_tls_install_fail > 0) console.log(`  note: ${rtl.counters.rx_tls_install_fail} install(s) failed (flow table full for the tuple)`);
      if (row.dataIdle > 0) console.log(`  idle input cycles by verdict: ${JSON.stringify(row.idleByVerdict)}`);
    }
  }
  const wall = (Date.now() - t0) / 1000;
  const notes = [
    `Top: tlsnic_rx_engine, N_CTX ${NIC.nCtx}, flow table v2 ${NIC.buckets} buckets × 4 ways + 4 stash (BUCKETS ${NIC.buckets}), MAX_FRAME 9600; input always valid, output always ready.`,
    'Every workload starts with a HASH_KEY control frame: the flow-table key drawn from its seed (hashKeyFromSeed).',
    `Gb/s columns assume a ${clockMhz} MHz clock at every width (W=512 at ${clockMhz} MHz is ${(512 * clockMhz) / 1000} Gb/s of raw beat bandwidth).`,
    'beats/cycle: input beats of every frame (control frames too) over cycles from the first input beat to the last output beat (the last packet\'s drain included).',
    'idle data/ctrl: input cycles with no beat taken, not after / right after a control frame; marked: packets marked decrypted / payload packets of the offloaded connections.',
    `Run (${quick ? 'quick' : 'full'}): ${rows.length} rows, ${f1(wall)} s wall (builds ${f1(buildSeconds)} s, scenarios and golden model ${f1(modelSeconds)} s, ` +
      `${f1(rows.reduce((n, r) => n + r.runSeconds, 0))} s in RTL runs).`,
  ];
  const tbl = table(rows, clockMhz);
  console.log('\n' + notes.join('\n') + '\n\n' + tbl);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench-rx.json'), JSON.stringify({ top: 'tlsnic_rx_engine', quick, clockMhz, ...NIC, rows }, null, 2));
  writeFileSync(join(outDir, 'bench-rx.md'), [`# RX engine throughput (${quick ? 'quick' : 'full'})`, '', ...notes.map((n) => `- ${n}`), '', tbl, ''].join('\n'));
  console.log(`\nwrote ${join(outDir, 'bench-rx.json')} and ${join(outDir, 'bench-rx.md')}`);
  const failed = rows.filter((r) => !r.match);
  if (failed.length > 0) console.log(`FAIL: ${failed.length} row(s) differ from the golden model`);
  return failed.length > 0 ? 1 : 0;
}

