// `tlsnic replay CAPTURE.pcap --keylog KEYLOG.txt --out DIR`: replays a real capture through a TX
// engine (harness/replay.ts), writes DIR/tx.pcap (the engine's output, in the capture's format) and
// DIR/summary.json, prints a line per connection and direction. Exit 0 when every packet came out of
// the engine as captured (TCP checksums aside, which must be right), 1 otherwise, 2 on bad input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MAX_FRAME_BYTES, TX_COUNTER_NAMES } from '../models/nic-tx.ts';
import { buildTxEngineSim, runTxEngine, type TxWidth } from './tx-sim.ts';
import { goldenTxEngine, parseCapture, parseKeylogText, planReplay, runReplay, writePcapLike, type DirectionReport, type TxEngine, type TxEngineConfig } from './replay.ts';

export const REPLAY_WIDTHS = [128, 256, 512] as const;
export type ReplayWidth = (typeof REPLAY_WIDTHS)[number];

/**
 * Engines `--engine` can name. null: known but not available in this build (the CLI says so).
 * The RTL engine (harness/tx-sim.ts) plugs in here.
 */
export const REPLAY_ENGINES: Record<string, ((cfg: TxEngineConfig) => Promise<TxEngine>) | null> = {
  model: async (cfg) => goldenTxEngine(cfg),
  rtl: async (cfg) => {
    const binary = await buildTxEngineSim({ width: cfg.width as TxWidth, nCtx: cfg.nCtx });
    return async (frames) => {
      const r = await runTxEngine(binary, frames, { seed: 1, gapPermille: 0, stallPermille: 0 });
      if (r.protocolErrors.length > 0) throw new Error(`RTL engine broke the AXI-Stream protocol: ${r.protocolErrors[0]}`);
      return { outputs: r.packets.map((p) => p.data), counters: r.counters, cycles: r.cycles };
    };
  },
};

export interface ReplayOptions {
  capture: string;
  keylog: string;
  out: string;
  width: ReplayWidth;
  engine: string;
}

export const REPLAY_DEFAULTS = { out: 'out/replay', width: 512 as ReplayWidth, engine: 'rtl' };

function fail(msg: string): number {
  process.stderr.write(`tlsnic replay: ${msg}\n`);
  return 2;
}

function readInput(what: string, path: string): Uint8Array | string {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    return `cannot read ${what} ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
}

function directionLine(d: DirectionReport): string {
  const tls = d.version ? `TLS ${d.version} ${d.cipher}` : 'not TLS';
  const counts = `packets ${d.packets} (offloaded ${d.offloadedPackets}), records ${d.records}${d.partialRecord ? ' (last incomplete)' : ''}, resyncs ${d.resyncs}`;
  const why = d.reason ? ` — ${d.reason}` : '';
  return `  conn ${d.conn} ${d.direction.padEnd(3)} ${d.from} > ${d.to}  ${tls}  ${counts}  ${d.result}${why}\n`;
}

export async function runReplayCommand(o: ReplayOptions): Promise<number> {
  const t0 = performance.now();
  const makeEngine = REPLAY_ENGINES[o.engine];
  if (makeEngine === undefined) return fail(`unknown engine '${o.engine}' (known: ${Object.keys(REPLAY_ENGINES).join(', ')})`);
  if (makeEngine === null) return fail(`engine '${o.engine}' is not available in this build yet; use --engine model`);
  const capBytes = readInput('capture', o.capture);
  if (typeof capBytes === 'string') return fail(capBytes);
  const keyBytes = readInput('keylog', o.keylog);
  if (typeof keyBytes === 'string') return fail(keyBytes);
  let cap;
  let keylog;
  try {
    cap = parseCapture(capBytes);
  } catch (e) {
    return fail(`${o.capture}: ${(e as Error).message}`);
  }
  try {
    keylog = parseKeylogText(new TextDecoder('latin1').decode(keyBytes));
  } catch (e) {
    return fail(`${o.keylog}: ${(e as Error).message}`);
  }

  const plan = planReplay(cap.packets, keylog);
  const tPlan = performance.now();
  const engine = await makeEngine({ width: o.width, nCtx: plan.nCtx });
  const report = await runReplay(cap.packets, plan, engine);
  const tRun = performance.now();

  mkdirSync(o.out, { recursive: true });
  const sent = report.aligned.flatMap((data, src) => (data ? [{ src, data }] : []));
  writeFileSync(join(o.out, 'tx.pcap'), writePcapLike(cap, sent));
  const offloaded = plan.directions.filter((d) => d.ctxId !== null);
  const summary = {
    capture: o.capture,
    keylog: o.keylog,
    engine: o.engine,
    width: o.width,
    nCtx: plan.nCtx,
    packets: cap.packets.length,
    packetsSent: sent.length,
    frames: plan.frames.length,
    connections: plan.connections,
    offloadedDirections: offloaded.length,
    offloadedPackets: offloaded.reduce((n, d) => n + d.offloadedPackets, 0),
    records: offloaded.reduce((n, d) => n + d.records, 0),
    resyncs: offloaded.reduce((n, d) => n + d.resyncs, 0),
    directions: plan.directions,
    counters: report.counters,
    cycles: report.cycles,
    mismatches: report.mismatches,
    oversizeFrames: report.oversizeFrames,
    otherMismatches: report.otherMismatchDetails,
    timeMs: { plan: Math.round(tPlan - t0), engine: Math.round(tRun - tPlan) },
    result: report.ok ? 'PASS' : 'FAIL',
  };
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

  const w = (s: string) => process.stdout.write(s);
  w(`tlsnic replay: ${o.capture}: ${cap.packets.length} packets, ${plan.connections} TCP connection(s); engine ${o.engine}${o.engine === 'model' ? '' : ` (${o.width}-bit)`}\n`);
  for (const d of plan.directions) w(directionLine(d));
  for (const d of plan.directions) for (const m of d.mismatchDetails) w(`    conn ${d.conn} ${d.direction}: ${m}\n`);
  for (const m of report.otherMismatchDetails) w(`    other traffic: ${m}\n`);
  if (report.oversizeFrames > 0) {
    w(`  warning: ${report.oversizeFrames} frame(s) are longer than the engine forwards (${DEFAULT_MAX_FRAME_BYTES} bytes): the capture was taken with segmentation offload (TSO/GSO/GRO)\n`);
  }
  const nonzero = TX_COUNTER_NAMES.filter((n) => report.counters[n] !== 0).map((n) => `${n}=${report.counters[n]}`);
  w(`  counters: ${nonzero.join(' ') || 'all zero'}\n`);
  if (report.cycles !== null) w(`  cycles: ${report.cycles}\n`);
  w(`  time: plan ${summary.timeMs.plan} ms, engine ${summary.timeMs.engine} ms\n`);
  w(`  output: ${join(o.out, 'tx.pcap')}, summary.json\n`);
  if (!report.ok) {
    const failed = plan.directions.filter((d) => d.result === 'FAIL').length;
    w(`FAIL: ${report.mismatches} packet(s) differ from the capture; ${failed} direction(s) failed\n`);
    return 1;
  }
  w(`PASS: ${summary.offloadedPackets} offloaded packet(s) in ${offloaded.length} direction(s) and all ${cap.packets.length - summary.offloadedPackets} other packet(s) match the capture\n`);
  return 0;
}
