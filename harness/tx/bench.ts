// Throughput table of the TX offload engine (not a test): seeded scenarios shaped by packet size
// (64, 256, 1500, 9000 bytes of frame), record size (64, 1024, 16384 bytes of plaintext) and
// retransmission (in order, 1 %, 10 % segment loss; prefix replay, or SEEK descriptors with the side
// context of issue 17), at W = 128, 256, 512, with the input always
// valid and the output always ready. Every run is checked against the golden model (against the
// forwarding expectation with --stub); a mismatch marks the row and makes the exit status 1.
//
// Run: `tlsnic bench [--quick] [--stub] [--out DIR] [--clock-mhz F] [--width 128,512]` (or
// `npx tsx bench/tx-bench.ts …`, `make bench`)
//   --quick      the same grid with 1/16 of the traffic per row (seconds per row instead of ~1 s)
//   --stub       run tlsnic_tx_engine_stub instead of the engine (proves the bench without it)
//   --out DIR    where bench.json and bench.md go [out/tx-bench, out/tx-bench-stub with --stub]
//   --clock-mhz  clock assumed for the Gb/s columns [250]
//
// Columns: cycles from the first input beat accepted to the last output beat; beats = input beats
// (all frames: packets, installs, resync loads, deletes); beats/cycle = beats / cycles; wire B/cycle
// = bytes of the output packets / cycles (frames as sent, no preamble or inter-frame gap); payload
// B/cycle = TCP payload of the output packets / cycles; resync cycles = cycles the input spent on
// resync context loads; input idle = cycles between the first and the last input beat in which
// the engine took no beat (0 = it kept up with the input); latency = first input beat of a packet
// to its first output beat.
//
// Packet size: harness/tx/scenario.ts draws each segment's payload uniformly from 1..mss, so a row
// sets mss = size - 54 (Ethernet + IPv4 + TCP headers without options); IPv6, VLAN tags and TCP
// options add up to 36 bytes more. The table shows the mean frame size actually generated.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareTxRun, packetLatencies, runTxModel, stubExpectation, summarize, txThroughput, type Summary, type TxModelRun } from './compare.ts';
import { DEFAULT_TX_SCENARIO, generateTxScenario, type TxScenarioConfig } from './scenario.ts';
import { checkTxStreams } from './check.ts';
import { buildTxEngineSim, runTxEngine, TX_ENGINE_STUB_TOP } from './sim.ts';
import { FrameKind, type TxFrame } from '../../models/tx-frames.ts';
import type { TxRexmitMode } from '../../models/driver-tx.ts';
import type { TxEngineRun } from './sim.ts';
import { isWidth, WIDTHS, type Width } from '../engine/width.ts';

const PACKET_SIZES = [64, 256, 1500, 9000];
const RECORD_SIZES = [64, 1024, 16384];
// Retransmission: the driver replays the record prefix (resync load, today's kernel practice) or
// sends a SEEK descriptor (issue 17, the side context; its tags from the completion stream).
const RETRANS: { name: string; loss: number; rexmit: TxRexmitMode }[] = [
  { name: 'in order', loss: 0, rexmit: 'prefix' },
  { name: '1% retx', loss: 0.01, rexmit: 'prefix' },
  { name: '10% retx', loss: 0.1, rexmit: 'prefix' },
  { name: '1% retx seek', loss: 0.01, rexmit: 'seek' },
  { name: '10% retx seek', loss: 0.1, rexmit: 'seek' },
];
const HEADERS = 54;
const FLOWS = 8;
const N_CTX = 16;
const MAX_FRAME = 9600;

/** One row of bench.json (the field names issue 5 fixes: width, packetBytes, recordBytes, lossPct, cycles, beats, wireBytes, beatsPerCycle). */
interface Row {
  width: Width;
  /** Nominal packet (frame) size of the row; segments are 1..packetBytes-54 bytes of payload. */
  packetBytes: number;
  meanFrame: number;
  /** Largest record plaintext of the row. */
  recordBytes: number;
  /** Percentage of segments lost and retransmitted. */
  lossPct: number;
  retrans: string;
  frames: number;
  cycles: number;
  beats: number;
  /** Bytes of the output packets. */
  wireBytes: number;
  /** Input packets the engine did not send (the model's drops; 0 in every row of the grid today). */
  dropped: number;
  beatsPerCycle: number;
  wireBytesPerCycle: number;
  payloadBytesPerCycle: number;
  wireGbps: number;
  payloadGbps: number;
  resyncCycles: number;
  /** Of those, SEEK descriptors' (the rest: prefix loads). */
  seekCycles: number;
  /** Wire throughput over the in-order row's of the same width, packet and record size. */
  vsInOrder: number;
  /** Retransmitted packets (an output right after a resync frame of its context): cycles from that
   *  frame's first input beat to the packet's last output beat. */
  rexmitLatency: Summary;
  /** Cycles between the first and the last input beat with no beat accepted. */
  inputIdle: number;
  latency: Summary;
  match: boolean;
  mismatch?: string;
  simCyclesPerSec: number;
  /** Wall time of the whole run (hex out, bench, parse back) and of the bench's simulation loop. */
  runSeconds: number;
  simSeconds: number;
}

/** See Row.rexmitLatency. */
function rexmitLatencies(frames: readonly TxFrame[], model: TxModelRun, rtl: TxEngineRun): number[] {
  const out: number[] = [];
  const n = Math.min(model.outputs.length, rtl.packets.length);
  for (let i = 0; i < n; i++) {
    const k = model.outputs[i].frameIndex;
    const prev = frames[k - 1];
    if (k > 0 && prev.user.kind === FrameKind.RESYNC && prev.user.ctxId === frames[k].user.ctxId) out.push(rtl.packets[i].lastCycle - rtl.frameAccept[k - 1].first);
  }
  return out;
}

function scenarioConfig(packetSize: number, recordSize: number, loss: number, rexmit: TxRexmitMode, wireBytes: number, seed: number): TxScenarioConfig {
  const mss = packetSize - HEADERS;
  const meanPayload = (mss + 1) / 2;
  return {
    ...DEFAULT_TX_SCENARIO,
    seed,
    flows: FLOWS,
    nCtx: N_CTX,
    mss,
    recordSizes: [recordSize],
    loss,
    rexmit,
    spurious: 0,
    plainFraction: 0,
    faults: false,
    // TCP never resends what the receiver acknowledged (the tests' traffic does, to reach the drop path).
    resendAcked: false,
    bytesPerFlow: Math.max(2000, Math.round(((wireBytes / FLOWS) * meanPayload) / (meanPayload + HEADERS))),
  };
}

const f1 = (x: number) => x.toFixed(1);
const f2 = (x: number) => x.toFixed(2);

function table(rows: Row[], clockMhz: number): string {
  const head = ['W', 'pkt', 'mean frame', 'record', 'retx', 'frames', 'cycles', 'beats', 'beats/cycle', 'wire B/cycle', 'payload B/cycle',
    `wire Gb/s @${clockMhz} MHz`, `payload Gb/s @${clockMhz} MHz`, 'vs in order', 'dropped', 'resync cycles (prefix + seek)', 'input idle', 'latency min/mean/max', 'retx latency min/mean/max', 'check', 'sim kcycles/s'];
  const body = rows.map((r) => [String(r.width), String(r.packetBytes), f1(r.meanFrame), String(r.recordBytes), r.retrans, String(r.frames), String(r.cycles),
    String(r.beats), f2(r.beatsPerCycle), f2(r.wireBytesPerCycle), f2(r.payloadBytesPerCycle), f1(r.wireGbps), f1(r.payloadGbps), f2(r.vsInOrder), String(r.dropped),
    `${r.resyncCycles - r.seekCycles} + ${r.seekCycles}`, String(r.inputIdle),
    `${r.latency.min}/${f1(r.latency.mean)}/${r.latency.max}`, r.rexmitLatency.max > 0 ? `${r.rexmitLatency.min}/${f1(r.rexmitLatency.mean)}/${r.rexmitLatency.max}` : '-', r.match ? 'ok' : 'MISMATCH', f1(r.simCyclesPerSec / 1000)]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => (i < 5 ? c.padEnd(w[i]) : c.padStart(w[i]))).join(' | ') + ' |';
  return [line(head), '|' + w.map((x, i) => (i < 5 ? '-'.repeat(x + 2) : '-'.repeat(x + 1) + ':')).join('|') + '|', ...body.map(line)].join('\n');
}

/** `tlsnic bench`: returns the exit status (0 all rows match the model, 1 a mismatch, 2 bad usage). */
export async function txBenchMain(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      stub: { type: 'boolean' },
      out: { type: 'string' },
      'clock-mhz': { type: 'string' },
      widths: { type: 'string' },
      width: { type: 'string' },
    },
  });
  const quick = values.quick ?? false;
  const stub = values.stub ?? false;
  const clockMhz = Number(values['clock-mhz'] ?? 250);
  const widths = (values.width ?? values.widths ?? WIDTHS.join(',')).split(',').map(Number) as Width[];
  if (!(clockMhz > 0) || widths.some((w) => !isWidth(w))) {
    console.error('tlsnic bench: --clock-mhz must be positive and --width a list of 128, 256, 512');
    return 2;
  }
  const outDir = values.out ?? (stub ? 'out/tx-bench-stub' : 'out/tx-bench');
  const wireBytes = quick ? 128 * 1024 : 2 * 1024 * 1024;
  const top = stub ? TX_ENGINE_STUB_TOP : undefined;

  const bins = new Map<Width, string>();
  for (const width of widths) bins.set(width, await buildTxEngineSim({ width, nCtx: N_CTX, maxFrame: MAX_FRAME, top }));

  const rows: Row[] = [];
  const t0 = Date.now();
  let inBytes = 0;
  let runSeconds = 0;
  // Seeds: one per packet size, record size and loss rate; the seek rows take their prefix row's,
  // so both paths carry the same traffic and the same losses.
  const LOSSES = [...new Set(RETRANS.map((r) => r.loss))];
  for (const [pi, packetSize] of PACKET_SIZES.entries()) {
    for (const [ri, recordSize] of RECORD_SIZES.entries()) {
      for (const rt of RETRANS) {
        const seed = 1 + LOSSES.length * (pi * RECORD_SIZES.length + ri) + LOSSES.indexOf(rt.loss);
        const cfg = scenarioConfig(packetSize, recordSize, rt.loss, rt.rexmit, wireBytes, seed);
        const sc = generateTxScenario(cfg);
        const expect: TxModelRun = stub ? stubExpectation(sc.frames) : runTxModel(sc.frames, { nCtx: N_CTX, maxFrameBytes: MAX_FRAME });
        const packets = sc.frames.filter((f) => f.user.kind === FrameKind.PACKET);
        const meanFrame = packets.reduce((n, f) => n + f.data.length, 0) / Math.max(1, packets.length);
        for (const width of widths) {
          const t = Date.now();
          const rtl = await runTxEngine(bins.get(width)!, sc.frames, { seed: seed + 1, gapPermille: 0, stallPermille: 0 });
          const secs = (Date.now() - t) / 1000;
          runSeconds += secs;
          inBytes += sc.frames.reduce((n, f) => n + f.data.length, 0);
          const cmp = compareTxRun(expect.outputs, expect.counters, rtl, expect.completions);
          // The stream oracle's plaintext-leak check on what the engine sent (not against the stub).
          const leaks = stub ? 0 : checkTxStreams(sc, rtl.packets.map((p) => p.data)).leaks;
          const mm = cmp ?? (leaks > 0 ? { message: `${leaks} output packets carry record-body plaintext` } : null);
          const tp = txThroughput(sc.frames, rtl);
          const row: Row = {
            width, packetBytes: packetSize, meanFrame, recordBytes: recordSize, lossPct: rt.loss * 100, retrans: rt.name, frames: sc.frames.length,
            cycles: tp.cycles, beats: tp.inBeats, wireBytes: rtl.packets.reduce((n, p) => n + p.data.length, 0), dropped: packets.length - rtl.packets.length, beatsPerCycle: tp.beatsPerCycle,
            wireBytesPerCycle: tp.wireBytesPerCycle, payloadBytesPerCycle: tp.payloadBytesPerCycle,
            wireGbps: (tp.wireBytesPerCycle * 8 * clockMhz) / 1000, payloadGbps: (tp.payloadBytesPerCycle * 8 * clockMhz) / 1000,
            resyncCycles: tp.resyncCycles, seekCycles: tp.seekCycles, inputIdle: tp.inputIdle, latency: summarize(packetLatencies(expect.outputs, rtl)),
            vsInOrder: 0, rexmitLatency: summarize(rexmitLatencies(sc.frames, expect, rtl)),
            match: mm === null, mismatch: mm?.message,
            simCyclesPerSec: rtl.cycles / rtl.simSeconds, runSeconds: secs, simSeconds: rtl.simSeconds,
          };
          rows.push(row);
          const tag = `W=${width} pkt ${packetSize} record ${recordSize} ${rt.name} (scenario seed ${cfg.seed})`;
          console.log(`${tag}: ${f2(row.beatsPerCycle)} beats/cycle, ${f1(row.wireGbps)} Gb/s wire at ${clockMhz} MHz, ${row.match ? 'ok' : 'MISMATCH'}`);
          if (mm) console.log(`  ${mm.message}`);
        }
      }
    }
  }
  for (const r of rows) {
    const base = rows.find((b) => b.width === r.width && b.packetBytes === r.packetBytes && b.recordBytes === r.recordBytes && b.lossPct === 0);
    r.vsInOrder = base && base.wireGbps > 0 ? r.wireGbps / base.wireGbps : 0;
  }
  const wall = (Date.now() - t0) / 1000;
  const simSeconds = rows.reduce((n, r) => n + r.simSeconds, 0);
  const what = stub ? 'tlsnic_tx_engine_stub (forwarding FIFO, not the engine)' : 'tlsnic_tx_engine';
  const notes = [
    `Top: ${what}; N_CTX ${N_CTX}, MAX_FRAME ${MAX_FRAME}; ${FLOWS} connections per scenario, input always valid, output always ready.`,
    `Gb/s columns assume a ${clockMhz} MHz clock at every width (W=512 at ${clockMhz} MHz is ${(512 * clockMhz) / 1000} Gb/s of raw beat bandwidth).`,
    `pkt sets mss = pkt - ${HEADERS}; segments are uniform in 1..mss (plus up to 36 bytes of IPv6/VLAN/TCP options), so the mean frame is about half of pkt.`,
    'vs in order: wire Gb/s over the in-order row of the same width, packet and record size (the same scenario without loss; retransmissions never resend acknowledged bytes, so every packet is sent: dropped = input packets not sent). resync cycles: input cycles of prefix loads + SEEK descriptors. retx latency: a retransmitted packet, from the first input beat of the resync frame before it (prefix load or SEEK descriptor) to its last output beat.',
    'beats/cycle counts every input beat (control and resync frames too) over cycles from the first input beat to the last output beat, so it includes the drain of the last packet; input idle counts the cycles the input waited in between.',
    `Run: ${rows.length} rows, ${(inBytes / 1e6).toFixed(1)} MB of input frames, ${f1(wall)} s wall (${f1(runSeconds)} s in runs, ${f1(simSeconds)} s inside the simulation loops).`,
  ];
  const md = [`# TX engine throughput (${quick ? 'quick' : 'full'})`, '', ...notes.map((n) => `- ${n}`), '', table(rows, clockMhz), ''].join('\n');
  console.log('\n' + notes.join('\n') + '\n\n' + table(rows, clockMhz));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'bench.json'), JSON.stringify({ top: stub ? TX_ENGINE_STUB_TOP : 'tlsnic_tx_engine', quick, clockMhz, nCtx: N_CTX, maxFrame: MAX_FRAME, flows: FLOWS, rows }, null, 2));
  writeFileSync(join(outDir, 'bench.md'), md);
  console.log(`\nwrote ${join(outDir, 'bench.json')} and ${join(outDir, 'bench.md')}`);
  return rows.every((r) => r.match) ? 0 : 1;
}

