// Seeded TX scenarios: many offloaded connections (TLS 1.2/1.3, AES-128/256, IPv4/IPv6, with or
// without a VLAN tag) whose hosts frame records, segment them at random sizes, lose segments and
// retransmit them (sometimes coalesced differently), acknowledge and free records; plain traffic
// and pure ACKs mixed in; optionally each malformed-input class. The driver model turns every
// segment into engine input frames (packets, installs, resync loads, deletes). Same seed → same
// frames, byte for byte.
import { concatBytes } from '../../models/bytes.ts';
import { createFramerState, frameNext, type TlsRecord } from '../../models/framer.ts';
import { flowKey, TcpFlag } from '../../models/packet.ts';
import { createPrng, type Prng } from '../../models/prng.ts';
import { appendRecord, createRecordList } from '../../models/record-list.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import type { TlsCryptoInfo, TlsVersion } from '../../models/tls-record.ts';
import { driverTxAck, driverTxAdd, driverTxAssumeSent, driverTxComplete, driverTxSegment, sumRexmitStats, type DriverRexmitStats, type DriverTxConnection, type TxRexmitMode } from '../../models/driver-tx.ts';
import { DEFAULT_MAX_FRAME_BYTES } from '../../models/nic-tx.ts';
import { completionLoop, DEFAULT_COMPLETION_LATENCY } from './completion-loop.ts';
import { deleteFrame, FrameKind, installFrame, packetFrame, resyncFrame, type TxFrame } from '../../models/tx-frames.ts';
import { plainTcpPacket, randomEthernet, randomIp, randomTcpOptions, segmentPacket, type FlowHeaders } from '../scenario/headers.ts';

export interface TxScenarioConfig {
  seed: number;
  /** Offloaded connections. */
  flows: number;
  /** Application bytes each connection sends (approximate: whole writes). */
  bytesPerFlow: number;
  /** Largest record plaintext; each write picks a size up to this (some tiny). */
  recordSizes: readonly number[];
  /** Largest TCP payload per segment; segments are 1..mss bytes. */
  mss: number;
  /** Probability that a segment is lost and retransmitted later. */
  loss: number;
  /** Probability per step of a spurious retransmission of any earlier range (pre-offload data, acknowledged records, straddling start_offload_tcp_sn). */
  spurious: number;
  /** Fraction of extra packets from non-offloaded connections. */
  plainFraction: number;
  /** Inject one of each malformed-input class per connection (bad frames, bad loads, …). */
  faults: boolean;
  /** Flow-table size the engine is built with; context ids are drawn below it. */
  nCtx: number;
  /**
   * Long-stream proofs: every connection starts as if this many bytes (any size, across any
   * number of 2^32 wraps) had already been sent and acknowledged since its offload start. The
   * install names start_offload_tcp_sn as usual; the first record then starts this far past it,
   * so the driver posts a resync load at that offset. Default 0.
   */
  streamOffset?: number;
  /**
   * How the drivers post retransmissions (models/driver-tx.ts): 'prefix' (default) replays the
   * record prefix; 'seek' posts SEEK descriptors with the tags the engine reported, which a
   * golden model running beside the drivers returns (completions delivered `completionLatency`
   * frames later, default 16). 'seek' needs the engine's side context: the golden model has it,
   * the RTL does too (issue 17).
   */
  rexmit?: TxRexmitMode;
  completionLatency?: number;
  /**
   * false: a retransmission widened to the left stops at what the receiver has acknowledged (as
   * TCP's does), so no retransmitted segment carries bytes of a record the driver already freed.
   * Default true (the tests' traffic: such segments go out without a load and the engine drops
   * them, tx_tls_drop_no_sync_data); the throughput bench sets false.
   */
  resendAcked?: boolean;
}

export const DEFAULT_TX_SCENARIO: TxScenarioConfig = {
  seed: 1,
  flows: 8,
  bytesPerFlow: 40_000,
  recordSizes: [1, 64, 1000, 4096, 16384],
  mss: 1460,
  loss: 0.02,
  spurious: 0.01,
  plainFraction: 0.05,
  faults: false,
  nCtx: 16,
};

/** What the scenario knows about one offloaded connection (for checking the engine's output). */
export interface TxFlowSpec {
  ctxId: number;
  crypto: TlsCryptoInfo;
  startOffloadTcpSn: number;
  /** All records the host framed, in order. */
  records: TlsRecord[];
  /** TCP sequence number of the first byte the connection sent (pre-offload bytes included). */
  isn: number;
  /** Bytes sent in the clear before the offload was installed (the handshake). */
  preOffload: Uint8Array;
  /** The connection's 4-tuple as models/packet.ts flowKey() spells it. */
  tupleKey: string;
  /** Bytes sent (and acknowledged) between start_offload_tcp_sn and the first record here. */
  streamOffset: number;
}

export interface TxScenario {
  config: TxScenarioConfig;
  flows: TxFlowSpec[];
  frames: TxFrame[];
  /** The drivers' out-of-sequence segments by path, summed over the connections. */
  rexmit: DriverRexmitStats;
}

interface FlowGen {
  spec: TxFlowSpec;
  conn: DriverTxConnection | null;
  /** The byte stream the scenario sends: preOffload ‖ records (the streamOffset bytes between them are not sent). */
  stream: Uint8Array;
  /** streamOffset mod 2^32: added to the sequence number of every stream offset ≥ preOffload.length. */
  gapSeq: number;
  /** Offset (from isn) of the next new byte to segment. */
  next: number;
  /** Stream offset the last cumulative ACK reached (what TCP no longer resends). */
  acked: number;
  /** Lost segments waiting for retransmission: [offset, length, segments to wait]. */
  lost: { off: number; len: number; wait: number }[];
  headers: FlowHeaders;
  ipId: number;
}

/** A sending host's connection headers: VLAN one time in four, IPv6 in about a third, port 443 at the far end. */
function randomHeaders(p: Prng): FlowHeaders {
  return { eth: randomEthernet(p, () => p.chance(0.25)), ip: randomIp(p, p.chance(0.35) ? 6 : 4), srcPort: p.int(1024, 65535), dstPort: 443 };
}

/** TCP sequence number of stream offset `off` (offsets count the bytes the scenario sends). */
function streamSeq(g: FlowGen, off: number): number {
  return seqAdd(g.spec.isn, off + (off >= g.spec.preOffload.length ? g.gapSeq : 0));
}

function segmentFrame(g: FlowGen, p: Prng, off: number, len: number, flags = TcpFlag.ACK | TcpFlag.PSH): Uint8Array {
  return segmentPacket(g.headers, () => g.ipId++, streamSeq(g, off), flags, randomTcpOptions(p), g.stream.subarray(off, off + len));
}

function makeFlow(cfg: TxScenarioConfig, p: Prng, ctxId: number): FlowGen {
  const version: TlsVersion = p.chance(0.5) ? '1.3' : '1.2';
  const key = p.bytes(p.chance(0.5) ? 32 : 16);
  const crypto: TlsCryptoInfo = { version, key, iv: p.bytes(version === '1.3' ? 12 : 4) };
  // Some connections start just below the 2^32 wrap so sequence arithmetic is exercised.
  const isn = p.chance(0.2) ? (0x1_0000_0000 - p.int(1, 20_000)) >>> 0 : p.nextU32();
  const preOffload = p.bytes(p.int(0, 600));
  const startOffloadTcpSn = seqAdd(isn, preOffload.length);
  const streamOffset = cfg.streamOffset ?? 0;
  const gapSeq = streamOffset % 0x1_0000_0000;
  // As many records as full-size records would have taken to carry the skipped bytes.
  const firstRecordSeq = (version === '1.2' ? 1n : 0n) + BigInt(Math.floor(streamOffset / (16384 + 22)));
  const framer = createFramerState(
    { version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? BigInt.asUintN(64, BigInt(p.nextU32()) << 32n | BigInt(p.nextU32())) : undefined },
    { recordSeq: firstRecordSeq, tcpSeq: seqAdd(startOffloadTcpSn, gapSeq) },
  );
  const records: TlsRecord[] = [];
  let sent = 0;
  while (sent < cfg.bytesPerFlow) {
    const max = p.pick(cfg.recordSizes);
    framer.cfg = { ...framer.cfg, maxPlaintext: max };
    const n = Math.min(p.int(1, Math.max(1, max * 3)), cfg.bytesPerFlow - sent + 1);
    records.push(...frameNext(framer, p.bytes(n), p.chance(0.05) ? 21 : 23));
    sent += n;
  }
  const stream = concatBytes(preOffload, ...records.map((r) => r.bytes));
  // Sequence space is 2^32: the records must not wrap onto the pre-offload bytes.
  if (gapSeq > 0 && 0x1_0000_0000 - gapSeq < stream.length) {
    throw new Error(`scenario: stream offset ${streamOffset} puts the ${stream.length - preOffload.length} record bytes over the pre-offload bytes in sequence space; use fewer bytes per flow`);
  }
  const headers = randomHeaders(p);
  const tupleKey = flowKey({ ipVersion: headers.ip.version, srcAddr: headers.ip.src, dstAddr: headers.ip.dst, srcPort: headers.srcPort, dstPort: headers.dstPort });
  return {
    spec: { ctxId, crypto, startOffloadTcpSn, records, isn, preOffload, tupleKey, streamOffset },
    conn: null,
    stream,
    gapSeq,
    next: 0,
    acked: 0,
    lost: [],
    headers,
    ipId: p.int(0, 0xffff),
  };
}

/** Frames for one segment [off, off+len) of a flow, through the driver once it is offloaded. */
function sendSegment(g: FlowGen, p: Prng, off: number, len: number): TxFrame[] {
  const frame = segmentFrame(g, p, off, len);
  if (!g.conn) return [packetFrame(frame, false)];
  return driverTxSegment(g.conn, frame, streamSeq(g, off), len);
}

function install(g: FlowGen, mode: TxRexmitMode): TxFrame[] {
  const recordList = createRecordList();
  for (const r of g.spec.records) appendRecord(recordList, r);
  const { conn, frame } = driverTxAdd(
    {
      ctxId: g.spec.ctxId,
      version: g.spec.crypto.version,
      key: g.spec.crypto.key,
      iv: g.spec.crypto.iv,
      recordSeq: g.spec.records[0].recordSeq,
      startOffloadTcpSn: g.spec.startOffloadTcpSn,
    },
    recordList,
    mode,
  );
  g.conn = conn;
  driverTxAssumeSent(conn, g.spec.streamOffset);
  return [frame];
}

/**
 * The first stream offset TCP may still (re)send once offloaded: after a long stream the
 * pre-offload bytes were acknowledged long ago (they lie 2^31 and more behind).
 */
function minRetransmit(g: FlowGen): number {
  return g.spec.streamOffset > 0 ? g.spec.preOffload.length : 0;
}

/** One step of a flow: a lost segment's retransmission when due, else the next new segment. */
function flowStep(g: FlowGen, cfg: TxScenarioConfig, p: Prng): TxFrame[] {
  const out: TxFrame[] = [];
  const pre = g.spec.preOffload.length;
  if (g.conn === null && g.next >= pre) out.push(...install(g, cfg.rexmit ?? 'prefix'));
  const due = g.lost.findIndex((l) => l.wait <= 0);
  if (due >= 0 || g.next >= g.stream.length) {
    const l = g.lost.splice(due >= 0 ? due : 0, 1)[0];
    // Retransmissions may be coalesced differently: widen or narrow the range a little.
    let a = l.off - (p.chance(0.3) ? p.int(0, Math.min(l.off, 700)) : 0);
    let b = l.off + l.len + (p.chance(0.3) ? p.int(0, 700) : 0);
    b = Math.min(b, g.next);
    a = Math.max(minRetransmit(g), Math.min(a, b - 1));
    if (cfg.resendAcked === false) a = Math.max(a, Math.min(g.acked, l.off));
    while (a < b) {
      const n = Math.min(b - a, p.int(1, cfg.mss));
      out.push(...sendSegment(g, p, a, n));
      a += n;
    }
  } else {
    // New data; before the install, segments end at the offload start (the handshake flight).
    const limit = g.next < pre ? pre : g.stream.length;
    const len = Math.min(p.int(1, cfg.mss), limit - g.next);
    const off = g.next;
    g.next += len;
    for (const l of g.lost) l.wait--;
    if (g.conn !== null && p.chance(cfg.loss)) {
      // The segment went out on the wire and was lost beyond the NIC, so the engine sees it now and again later.
      g.lost.push({ off, len, wait: p.int(1, 8) });
    }
    out.push(...sendSegment(g, p, off, len));
  }
  if (g.conn && g.next > minRetransmit(g) && p.chance(cfg.spurious)) {
    const lo = minRetransmit(g);
    const a = p.chance(0.3) ? p.int(lo, Math.max(lo, Math.min(g.next, g.spec.preOffload.length + 50) - 1)) : p.int(lo, g.next - 1);
    out.push(...sendSegment(g, p, a, p.int(1, Math.min(cfg.mss, g.next - a))));
  }
  // Cumulative ACK up to the oldest loss (or everything sent), lagging a little.
  if (g.conn && p.chance(0.2)) {
    const acked = g.lost.length ? Math.min(...g.lost.map((l) => l.off)) : g.next;
    const ackOff = Math.max(minRetransmit(g), acked - p.int(0, 3000));
    g.acked = Math.max(g.acked, ackOff);
    driverTxAck(g.conn, streamSeq(g, ackOff));
  }
  if (g.conn && p.chance(0.02)) out.push(packetFrame(segmentFrame(g, p, g.next, 0, TcpFlag.ACK), true, g.spec.ctxId));
  return out;
}

function plainPacket(p: Prng): TxFrame {
  return packetFrame(plainTcpPacket(p, randomHeaders(p), 1500), false);
}

/** Every malformed-input class, aimed at flow g (whose state must survive untouched). */
function faultFrames(g: FlowGen, gens: FlowGen[], cfg: TxScenarioConfig, p: Prng): TxFrame[] {
  const unused = [...Array(cfg.nCtx).keys()].find((i) => !gens.some((x) => x.spec.ctxId === i));
  const frame = segmentFrame(g, p, Math.max(0, g.next - 10), Math.min(10, g.next));
  const out: TxFrame[] = [];
  // Packet for a context that is not installed, and one beyond the table.
  if (unused !== undefined) out.push(packetFrame(frame, true, unused));
  out.push(packetFrame(frame, true, cfg.nCtx + 3));
  // Truncated headers.
  out.push(packetFrame(frame.subarray(0, p.int(10, 40)), true, g.spec.ctxId));
  // Reserved frame kind.
  out.push({ user: { kind: FrameKind.RESERVED, offload: false, ctxId: g.spec.ctxId }, data: p.bytes(20) });
  // Control frames: unknown opcode, short install, delete of an empty slot.
  out.push({ user: { kind: FrameKind.CONTROL, offload: false, ctxId: g.spec.ctxId }, data: Uint8Array.of(9) });
  out.push({ user: { kind: FrameKind.CONTROL, offload: false, ctxId: g.spec.ctxId }, data: installFrame({ ...g.spec.crypto, ctxId: 0, recordSeq: 0n, startOffloadTcpSn: 0 }).data.subarray(0, 30) });
  if (unused !== undefined) out.push(deleteFrame(unused));
  // Resync loads that contradict themselves: wrong prefix length field, impossible header, for a missing context.
  const bad = resyncFrame({ ctxId: g.spec.ctxId, recordStartTcpSn: g.spec.startOffloadTcpSn, recordSeq: 5n, explicitNonce: new Uint8Array(8), prefix: Uint8Array.of(23, 3, 3, 0xff, 0xff, 1, 2, 3) });
  out.push({ user: bad.user, data: bad.data.subarray(0, bad.data.length - 1) });
  out.push(bad);
  if (unused !== undefined) out.push({ user: { ...bad.user, ctxId: unused }, data: bad.data });
  return out;
}

export function generateTxScenario(cfg: TxScenarioConfig): TxScenario {
  const p = createPrng(cfg.seed);
  if (cfg.flows > cfg.nCtx) throw new Error(`scenario: ${cfg.flows} flows need nCtx ≥ ${cfg.flows}, got ${cfg.nCtx}`);
  const ids = [...Array(cfg.nCtx).keys()];
  for (let i = ids.length - 1; i > 0; i--) {
    const j = p.int(0, i);
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const gens = Array.from({ length: cfg.flows }, (_, i) => makeFlow(cfg, p, ids[i]));
  const frames: TxFrame[] = [];
  const faultsDone = new Set<FlowGen>();
  // 'seek': the engine's completion stream, from a golden model beside the drivers (closed loop).
  const loop = cfg.rexmit === 'seek'
    ? completionLoop({ nCtx: cfg.nCtx, maxFrameBytes: DEFAULT_MAX_FRAME_BYTES }, cfg.completionLatency ?? DEFAULT_COMPLETION_LATENCY, (c) => {
      const g = gens.find((x) => x.spec.ctxId === c.ctxId);
      if (g?.conn) driverTxComplete(g.conn, c.recordSeq, c.tag);
    })
    : null;
  const feed = () => loop?.(frames);
  for (;;) {
    const active = gens.filter((g) => g.next < g.stream.length || g.lost.length > 0);
    if (active.length === 0) break;
    const g = p.pick(active);
    frames.push(...flowStep(g, cfg, p));
    if (p.chance(cfg.plainFraction)) frames.push(plainPacket(p));
    if (cfg.faults && g.conn && !faultsDone.has(g) && g.next > g.stream.length / 2) {
      faultsDone.add(g);
      frames.push(...faultFrames(g, gens, cfg, p));
    }
    feed();
  }
  for (const g of gens) if (p.chance(0.5)) frames.push(deleteFrame(g.spec.ctxId));
  const rexmit = sumRexmitStats(gens.flatMap((g) => (g.conn ? [g.conn.rexmit] : [])));
  return { config: cfg, flows: gens.map((g) => g.spec), frames, rexmit };
}
