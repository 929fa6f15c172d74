// `tlsnic replay CAPTURE --keylog KEYLOG.txt --out DIR`: replays a real capture (pcap or pcapng;
// harness/replay/capture.ts) through a TX engine (harness/replay/replay.ts), writes DIR/tx.pcap (the
// engine's output, in the capture's format) and DIR/summary.json, prints a line per connection and
// direction. Then feeds the capture to an RX engine as the receiving host (harness/replay/rx.ts) and
// writes DIR/rx.pcap (every packet as the engine handed it to the host) and DIR/rx-decrypted.json
// (its decrypted mark per packet). The RX engine's flow table: N_CTX of the plan, BUCKETS = N_CTX/4
// buckets × 4 ways + a 4-entry stash, hash key hashKeyFromSeed(RX_REPLAY_HASH_KEY_SEED) (fixed; set
// by the first RX frame); both are printed and in summary.json. The key log comes from --keylog, from the capture's Decryption
// Secrets Blocks (pcapng), or both (merged, --keylog's lines first so its secret wins where both
// have one). --format pcapng writes tx.pcapng / rx.pcapng instead, with that key log embedded.
// Exit 0 when every packet came out of the TX engine as captured (TCP checksums aside, which must
// be right) and every byte the RX engine decrypted is what the keylog decrypts, 1 otherwise, 2 on
// bad input.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RX_COUNTER_NAMES, type NicRxConfig } from '../../models/nic-rx.ts';
import { DEFAULT_MAX_FRAME_BYTES, TX_COUNTER_NAMES } from '../../models/nic-tx.ts';
import { buildTxEngineSim, runTxEngine } from '../tx/sim.ts';
import { buildRxEngineSim, runRxEngine } from '../rx/sim.ts';
import { goldenTxEngine, parseKeylogText, planReplay, runReplay, type DirectionReport, type ReplayReport, type TxEngine, type TxEngineConfig } from '../replay/replay.ts';
import { parseCapture, writePcapLike, writePcapngLike, type ReplayCapture, type ReplayOutputFormat, type ReplayOutputPacket } from '../replay/capture.ts';
import { sumRexmitStats, type DriverRexmitStats, type TxRexmitMode } from '../../models/driver-tx.ts';
import type { KeylogEntry } from '../../models/keylog.ts';
import { goldenRxEngine, runRxReplay, rxReplayHashKey, rxReplayTable, RX_REPLAY_HASH_KEY_SEED, type RxReplayEngine, type RxReplayReport } from '../replay/rx.ts';
import { toHex } from '../../models/bytes.ts';
import { FT_DEFAULT_STASH, FT_WAYS } from '../../models/flow-table.ts';
import type { Width } from '../engine/width.ts';

/**
 * Engines `--engine` can name. null: known but not available in this build (the CLI says so).
 * The RTL engine (harness/tx/sim.ts) plugs in here.
 */
export const REPLAY_ENGINES: Record<string, ((cfg: TxEngineConfig) => Promise<TxEngine>) | null> = {
  model: async (cfg) => goldenTxEngine(cfg),
  rtl: async (cfg) => {
    const binary = await buildTxEngineSim({ width: cfg.width as Width, nCtx: cfg.nCtx });
    return async (frames) => {
      const r = await runTxEngine(binary, frames, { seed: 1, gapPermille: 0, stallPermille: 0 });
      if (r.protocolErrors.length > 0) throw new Error(`RTL engine broke the AXI-Stream protocol: ${r.protocolErrors[0]}`);
      return { outputs: r.packets.map((p) => p.data), counters: r.counters, cycles: r.cycles };
    };
  },
};

/** The RX engines, under the same names. */
export const RX_REPLAY_ENGINES: Record<string, ((cfg: NicRxConfig & { width: number }) => Promise<RxReplayEngine>) | null> = {
  model: async (cfg) => goldenRxEngine(cfg),
  rtl: async (cfg) => {
    const binary = await buildRxEngineSim({ width: cfg.width as Width, nCtx: cfg.nCtx, buckets: cfg.buckets });
    return (frames) => runRxEngine(binary, frames, { seed: 1, gapPermille: 0, stallPermille: 0 });
  },
};

export type ReplayDirection = 'tx' | 'rx' | 'both';
export const REPLAY_DIRECTIONS: readonly ReplayDirection[] = ['tx', 'rx', 'both'];

export { REPLAY_FORMATS, type ReplayOutputFormat } from '../replay/capture.ts';

export interface ReplayOptions {
  capture: string;
  /** null: the key log comes from the capture (pcapng Decryption Secrets Blocks) only. */
  keylog: string | null;
  out: string;
  width: Width;
  engine: string;
  direction: ReplayDirection;
  /** Format of tx/rx output files; pcapng embeds the key log. */
  format: ReplayOutputFormat;
  /** How the driver posts retransmitted segments (models/driver-tx.ts). */
  rexmit: TxRexmitMode;
}

export const REPLAY_DEFAULTS = { out: 'out/replay', width: 512 as Width, engine: 'rtl', direction: 'both' as ReplayDirection, format: 'pcap' as ReplayOutputFormat, rexmit: 'prefix' as TxRexmitMode };

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

function directionLine(d: DirectionReport, tx: boolean): string {
  const tls = d.version ? `TLS ${d.version} ${d.cipher}` : 'not TLS';
  const r = d.rexmit;
  const paths = `retransmissions: seek ${r.seek} (${r.seekTag} with a tag, ${r.seekCont} with no descriptor), prefix ${r.prefix}; other loads ${r.jump}`;
  const counts = tx ? `packets ${d.packets} (offloaded ${d.offloadedPackets}), records ${d.records}${d.partialRecord ? ' (last incomplete)' : ''}, resyncs ${d.resyncs} (${paths}), prefix bytes ${r.prefixBytes}` : `packets ${d.packets}, records ${d.records}${d.partialRecord ? ' (last incomplete)' : ''}`;
  const result = tx ? d.result : d.result === 'FAIL' ? 'FAIL' : 'TX not replayed';
  const why = d.reason && (tx || d.result === 'FAIL') ? ` — ${d.reason}` : '';
  return `  conn ${d.conn} ${d.direction.padEnd(3)} ${d.from} > ${d.to}  ${tls}  ${counts}  ${result}${why}\n`;
}

function rxLine(d: DirectionReport): string {
  const r = d.rx;
  if (!r) return `    rx: not offloaded\n`;
  const p = r.recordPaths;
  const why = r.reason ? ` — ${r.reason}` : '';
  return `    rx: install ${r.install}, decrypted ${r.decryptedPackets} of ${d.packets} packets (${r.decryptedBytes} record payload bytes, all as the keylog decrypts), host records ${r.records} (device ${p.device}, mixed ${p.mixed}, software ${p.software}), resync requests ${r.resyncRequests} confirmed ${r.resyncConfirms}  ${r.result}${why}\n`;
}

function rexmitSummary(mode: TxRexmitMode, per: readonly DriverRexmitStats[]) {
  const sum = sumRexmitStats(per);
  const n = sum.seek + sum.prefix;
  return { mode, ...sum, noPrefixShare: n === 0 ? null : sum.seek / n };
}

export async function runReplayCommand(o: ReplayOptions): Promise<number> {
  const t0 = performance.now();
  const makeEngine = REPLAY_ENGINES[o.engine];
  const makeRxEngine = RX_REPLAY_ENGINES[o.engine];
  if (makeEngine === undefined || makeRxEngine === undefined) return fail(`unknown engine '${o.engine}' (known: ${Object.keys(REPLAY_ENGINES).join(', ')})`);
  if (makeEngine === null || makeRxEngine === null) return fail(`engine '${o.engine}' is not available in this build yet; use --engine model`);
  const doTx = o.direction !== 'rx';
  const doRx = o.direction !== 'tx';
  const capBytes = readInput('capture', o.capture);
  if (typeof capBytes === 'string') return fail(capBytes);
  let keyText: string | null = null;
  if (o.keylog !== null) {
    const keyBytes = readInput('keylog', o.keylog);
    if (typeof keyBytes === 'string') return fail(keyBytes);
    keyText = new TextDecoder('latin1').decode(keyBytes);
  }
  let cap: ReplayCapture;
  let keylog: KeylogEntry[] = [];
  try {
    cap = parseCapture(capBytes);
  } catch (e) {
    return fail(`${o.capture}: ${(e as Error).message}`);
  }
  if (keyText === null && cap.tlsKeylog === null) {
    return fail(`${o.capture}: the capture holds no TLS key log (no Decryption Secrets Block; \`editcap --inject-secrets tls,KEYLOG\` adds one): replay needs --keylog FILE`);
  }
  if (keyText !== null) {
    try {
      keylog = parseKeylogText(keyText);
    } catch (e) {
      return fail(`${o.keylog}: ${(e as Error).message}`);
    }
  }
  // The capture's key log after --keylog's: the first line of a kind wins (harness/replay/replay.ts).
  let embedded = 0;
  if (cap.tlsKeylog !== null) {
    try {
      const entries = parseKeylogText(cap.tlsKeylog);
      keylog = keylog.concat(entries);
      embedded = entries.length;
    } catch (e) {
      return fail(`${o.capture}: Decryption Secrets Block: ${(e as Error).message}`);
    }
  }
  /** What the pcapng outputs embed: both key logs, as given. */
  const keylogOut = [keyText, cap.tlsKeylog].filter((t): t is string => t !== null).map((t) => (t.endsWith('\n') || t === '' ? t : t + '\n')).join('');

  const plan = planReplay(cap.packets, keylog, o.rexmit);
  const tPlan = performance.now();
  let report: ReplayReport | null = null;
  if (doTx) report = await runReplay(cap.packets, plan, await makeEngine({ width: o.width, nCtx: plan.nCtx }));
  const tRun = performance.now();
  let rx: RxReplayReport | null = null;
  const rxTable = rxReplayTable(plan.nCtx);
  if (doRx) rx = await runRxReplay(cap.packets, plan, await makeRxEngine({ width: o.width, ...rxTable }), rxTable);
  const tRx = performance.now();

  mkdirSync(o.out, { recursive: true });
  const txName = `tx.${o.format}`;
  const rxName = `rx.${o.format}`;
  const writeOut = (name: string, records: readonly ReplayOutputPacket[]): void => {
    writeFileSync(join(o.out, name), o.format === 'pcapng' ? writePcapngLike(cap, records, keylogOut) : writePcapLike(cap, records));
  };
  const sent = report ? report.aligned.flatMap((data, src) => (data ? [{ src, data }] : [])) : [];
  if (report) writeOut(txName, sent);
  const handed = rx ? rx.packets.flatMap((data, src) => (data ? [{ src, data, decrypted: rx.decrypted[src] }] : [])) : [];
  if (rx) {
    // pcapng: the packets the engine decrypted say so (their records are plaintext, Wireshark's
    // decryption of them fails).
    writeOut(rxName, handed.map((h) => (h.decrypted ? { ...h, comment: 'tlsnic: record payload decrypted by the RX engine' } : h)));
    writeFileSync(join(o.out, 'rx-decrypted.json'), JSON.stringify(handed.map((h) => h.decrypted)) + '\n');
  }
  const offloaded = plan.directions.filter((d) => d.ctxId !== null);
  const txOk = report ? report.ok : plan.directions.every((d) => d.result !== 'FAIL');
  const ok = txOk && (rx ? rx.ok : true);
  const summary = {
    capture: o.capture,
    captureFormat: cap.format,
    keylog: o.keylog,
    /** Key log lines taken from the capture's Decryption Secrets Blocks. */
    keylogFromCapture: embedded,
    format: o.format,
    engine: o.engine,
    width: o.width,
    direction: o.direction,
    nCtx: plan.nCtx,
    packets: cap.packets.length,
    /** pcapng packets on interfaces that are not Ethernet: not replayed, not in the outputs. */
    skippedPackets: cap.skipped.reduce((n, s) => n + s.packets, 0),
    skippedInterfaces: cap.skipped,
    packetsSent: report ? sent.length : null,
    frames: plan.frames.length,
    connections: plan.connections,
    offloadedDirections: offloaded.length,
    offloadedPackets: offloaded.reduce((n, d) => n + d.offloadedPackets, 0),
    records: offloaded.reduce((n, d) => n + d.records, 0),
    resyncs: offloaded.reduce((n, d) => n + d.resyncs, 0),
    /** Out-of-sequence segments by the driver's path (--rexmit; models/driver-tx.ts DriverRexmitStats); noPrefixShare: of the retransmissions, the share sent without a prefix. */
    rexmit: rexmitSummary(o.rexmit, offloaded.map((d) => d.rexmit)),
    directions: plan.directions,
    counters: report?.counters ?? null,
    cycles: report?.cycles ?? null,
    mismatches: report?.mismatches ?? null,
    oversizeFrames: cap.packets.filter((p) => p.data.length > DEFAULT_MAX_FRAME_BYTES).length,
    otherMismatches: report?.otherMismatchDetails ?? [],
    rx: rx
      ? {
          nCtx: rxTable.nCtx,
          /** Flow table v2: BUCKETS buckets × 4 ways + the stash; the hash key the replay set first. */
          buckets: rxTable.buckets,
          ways: FT_WAYS,
          stash: FT_DEFAULT_STASH,
          hashKeySeed: RX_REPLAY_HASH_KEY_SEED,
          hashKey: toHex(rxReplayHashKey()),
          frames: rx.frames,
          packets: handed.length,
          packetsDecrypted: handed.filter((h) => h.decrypted).length,
          bytesDecrypted: offloaded.reduce((n, d) => n + (d.rx?.decryptedBytes ?? 0), 0),
          counters: rx.counters,
          cycles: rx.cycles,
          modelMismatch: rx.modelMismatch,
          otherProblems: rx.otherProblems,
          result: rx.ok ? 'PASS' : 'FAIL',
        }
      : null,
    timeMs: { plan: Math.round(tPlan - t0), engine: Math.round(tRun - tPlan), rxEngine: Math.round(tRx - tRun) },
    result: ok ? 'PASS' : 'FAIL',
  };
  writeFileSync(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');

  const w = (s: string) => process.stdout.write(s);
  const which = o.direction === 'both' ? 'TX and RX engines' : `${o.direction.toUpperCase()} engine`;
  w(`tlsnic replay: ${o.capture}: ${cap.packets.length} packets, ${plan.connections} TCP connection(s); ${which} ${o.engine}${o.engine === 'model' ? '' : ` (${o.width}-bit)`}\n`);
  if (cap.tlsKeylog !== null) w(`  keys: ${embedded} key log line(s) from the capture's Decryption Secrets Block(s)${o.keylog !== null ? `, after ${o.keylog}'s` : ''}\n`);
  for (const s of cap.skipped) {
    w(`  skipped: ${s.packets} packet(s) on interface ${s.interfaceId}${s.name !== null ? ` (${s.name})` : ''}: link type ${s.linkType} is not Ethernet; not replayed, not in the outputs\n`);
  }
  for (const d of plan.directions) {
    w(directionLine(d, report !== null));
    if (rx) w(rxLine(d));
  }
  for (const d of plan.directions) for (const m of d.mismatchDetails) w(`    conn ${d.conn} ${d.direction}: ${m}\n`);
  for (const d of plan.directions) for (const m of d.rx?.problems ?? []) w(`    conn ${d.conn} ${d.direction} rx: ${m}\n`);
  if (report) for (const m of report.otherMismatchDetails) w(`    other traffic: ${m}\n`);
  if (rx) for (const m of rx.otherProblems) w(`    rx: ${m}\n`);
  if (summary.oversizeFrames > 0) {
    w(`  warning: ${summary.oversizeFrames} frame(s) are longer than the engine forwards (${DEFAULT_MAX_FRAME_BYTES} bytes): the capture was taken with segmentation offload (TSO/GSO/GRO)\n`);
  }
  if (report) {
    const nonzero = TX_COUNTER_NAMES.filter((n) => report.counters[n] !== 0).map((n) => `${n}=${report.counters[n]}`);
    w(`  counters: ${nonzero.join(' ') || 'all zero'}\n`);
    if (report.cycles !== null) w(`  cycles: ${report.cycles}\n`);
  }
  if (rx) {
    w(`  rx flow table: N_CTX ${rxTable.nCtx}, ${rxTable.buckets} buckets × ${FT_WAYS} ways + ${FT_DEFAULT_STASH} stash; fixed hash key hashKeyFromSeed(0x${RX_REPLAY_HASH_KEY_SEED.toString(16)}) = ${toHex(rxReplayHashKey())}\n`);
    const c = rx.counters;
    const nonzero = RX_COUNTER_NAMES.filter((n) => c[n] !== 0).map((n) => `${n}=${c[n]}`);
    w(`  rx counters: ${nonzero.join(' ') || 'all zero'}\n`);
    if (rx.cycles !== null) w(`  rx cycles: ${rx.cycles}\n`);
  }
  w(`  time: plan ${summary.timeMs.plan} ms, engine ${summary.timeMs.engine} ms, rx engine ${summary.timeMs.rxEngine} ms\n`);
  w(`  output: ${[report ? join(o.out, txName) : null, rx ? join(o.out, rxName) : null, rx ? 'rx-decrypted.json' : null, 'summary.json'].filter((x) => x !== null).join(', ')}\n`);
  if (!ok) {
    const failed = plan.directions.filter((d) => d.result === 'FAIL').length;
    const rxFailed = plan.directions.filter((d) => d.rx?.result === 'FAIL').length;
    if (report && !report.ok) w(`FAIL: ${report.mismatches} packet(s) differ from the capture; ${failed} direction(s) failed\n`);
    else if (!report && !txOk) w(`FAIL: ${failed} direction(s) failed\n`);
    if (rx && !rx.ok) w(`FAIL: RX: ${rxFailed} direction(s) failed${rx.otherProblems.length > 0 ? `; ${rx.otherProblems[0]}` : ''}\n`);
    return 1;
  }
  const txPart = report ? `${summary.offloadedPackets} offloaded packet(s) in ${offloaded.length} direction(s) and all ${cap.packets.length - summary.offloadedPackets} other packet(s) match the capture` : '';
  const rxPart = rx && summary.rx ? `RX decrypted ${summary.rx.packetsDecrypted} of ${summary.rx.packets} packet(s), ${summary.rx.bytesDecrypted} record payload byte(s), all as the keylog decrypts` : '';
  w(`PASS: ${[txPart, rxPart].filter((x) => x !== '').join('; ')}\n`);
  return 0;
}
