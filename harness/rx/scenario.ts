// Seeded RX scenarios and the closed loop that runs them. A scenario is what arrives from the
// network (remote senders' TLS streams, already encrypted, cut into segments, lost, reordered,
// duplicated, corrupted) plus the points where the local host installs or deletes each
// connection's RX context. Running it feeds the wire packets to the RX engine model
// (models/nic-rx.ts), hands every engine output frame to the kernel model (models/kernel-rx.ts),
// and feeds the kernel's answers (resync responses) back into the engine's input after a seeded
// latency counted in wire packets. The run records every frame the engine consumed, in order, so
// the same input can be replayed into the RTL. Same seed → same frames, byte for byte. The first
// frame of every run is a HASH_KEY control frame: the flow table's hash key drawn from the
// scenario's seed (hashKeyFromSeed), so each seed places its connections under its own key.
//
// Two ways to build one: generateRxScenario (random traffic from a config) and the builder
// functions (createRxScenario, addRxFlow, pushSegment, …) that directed tests use to place every
// segment themselves.
import { concatBytes } from '../../models/bytes.ts';
import { hashKeyFromSeed } from '../../models/flow-table.ts';
import { createFramerState, frameNext } from '../../models/framer.ts';
import { createKernelRx, kernelRxDelete, kernelRxInstall, kernelRxOpen, kernelRxReceive, type KernelRx, type KernelRxConn, type RxResyncMode } from '../../models/kernel-rx.ts';
import { createNicRx, nicRxStep, type NicRxConfig, type NicRxState, type RxStepResult } from '../../models/nic-rx.ts';
import { buildTcpPacket, flowKey, parseTcpPacket, isParseError, TcpFlag, type FlowTuple } from '../../models/packet.ts';
import { createPrng, type Prng } from '../../models/prng.ts';
import { rxHashKeyFrame, rxPacketFrame, type RxFrame, type RxOutFrame } from '../../models/rx-frames.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import { protectRecord, recordPrefixLen, TLS_TAG_LEN, type TlsCryptoInfo, type TlsVersion } from '../../models/tls-record.ts';
import { plainTcpPacket, randomEthernet, randomIp, randomTcpOptions, segmentPacket, type FlowHeaders } from '../scenario/headers.ts';

/** One record as the remote sender produced it. */
export interface RxRecordSpec {
  recordSeq: bigint;
  /** TCP sequence number of its header's first byte. */
  tcpSeq: number;
  contentType: number;
  /** Application bytes it carries. */
  data: Uint8Array;
  /** The record before protection: header ‖ [1.2: explicit nonce] ‖ plaintext ‖ 16 zero tag bytes. */
  framed: Uint8Array;
  /** As sent on the wire (protected; a corrupted tag if !authentic). */
  wire: Uint8Array;
  authentic: boolean;
}

export interface RxFlowSpec {
  index: number;
  ctxId: number;
  /** As received packets carry it (source = remote sender). */
  tuple: FlowTuple;
  tupleKey: string;
  crypto: TlsCryptoInfo;
  mode: RxResyncMode;
  /** TCP sequence number of the stream's first byte. */
  isn: number;
  /** Bytes before the first offloaded record (the handshake), sent in the clear. */
  preOffload: Uint8Array;
  /** isn + preOffload.length: where the first record starts (the install's TCP sequence number). */
  startSeq: number;
  records: RxRecordSpec[];
  /** The whole wire stream from isn: preOffload ‖ records' wire bytes. */
  stream: Uint8Array;
}

export type RxScenarioEvent =
  | { kind: 'packet'; frame: Uint8Array; flow: number | null }
  | { kind: 'install'; flow: number }
  | { kind: 'delete'; flow: number };

export interface RxScenario {
  seed: number;
  flows: RxFlowSpec[];
  events: RxScenarioEvent[];
}

/** A scenario under construction. */
export interface RxScenarioBuilder {
  seed: number;
  prng: Prng;
  flows: RxFlowSpec[];
  headers: FlowHeaders[];
  ipIds: number[];
  events: RxScenarioEvent[];
  usedCtxIds: Set<number>;
}

export function createRxScenario(seed: number): RxScenarioBuilder {
  return { seed, prng: createPrng(seed), flows: [], headers: [], ipIds: [], events: [], usedCtxIds: new Set() };
}

export function buildRxScenario(b: RxScenarioBuilder): RxScenario {
  return { seed: b.seed, flows: b.flows, events: b.events };
}

/** A remote sender's connection headers: port 443 at the sender, the receiver's port random. */
function randomHeaders(p: Prng, ipVersion: 4 | 6, vlan: boolean): FlowHeaders {
  return { eth: randomEthernet(p, () => vlan), ip: randomIp(p, ipVersion), srcPort: 443, dstPort: p.int(1024, 65535) };
}

/** The plaintext of a record's payload bytes that protect to `want` at record offset `at` (payload region only). */
function plantCiphertext(info: TlsCryptoInfo, recordSeq: bigint, framed: Uint8Array, at: number, want: Uint8Array): void {
  const ps = recordPrefixLen(info.version);
  if (at < ps || at + want.length > framed.length - TLS_TAG_LEN) throw new Error(`plant at ${at}+${want.length} outside the payload of a ${framed.length}-byte record`);
  const zeros = new Uint8Array(framed.length);
  zeros.set(framed.subarray(0, ps));
  const ks = protectRecord(info, recordSeq, zeros);
  for (let j = 0; j < want.length; j++) framed[at + j] = want[j] ^ ks[at + j];
}

export interface RxFlowOptions {
  version?: TlsVersion;
  keyLen?: 16 | 32;
  ipVersion?: 4 | 6;
  vlan?: boolean;
  mode?: RxResyncMode;
  ctxId?: number;
  isn?: number;
  /** Handshake bytes before the first record (default random 0..600). */
  preOffload?: number;
  /** Application bytes per record, in order (1..16384 each). */
  recordSizes: number[];
  /** Content type per record (default 23; TLS 1.3 puts it inside). */
  contentTypes?: number[];
  /** Records (by index) sent with a corrupted tag. */
  badTags?: number[];
  /** Make the ciphertext of record `record` hold `bytes` at record offset `offset` (payload region). */
  plants?: { record: number; offset: number; bytes: Uint8Array }[];
  /** Force the tuple (ports, addresses) instead of random ones. */
  headers?: { srcAddr?: Uint8Array; dstAddr?: Uint8Array; srcPort?: number; dstPort?: number };
  /**
   * Long-stream proofs: the connection has already carried this many bytes (any size, across any
   * number of 2^32 wraps) before the part the scenario sends, so its sequence numbers sit that
   * far on (mod 2^32) and its records are numbered on as full-size records would have been. The
   * install happens at that offset. The RX engine keeps no start position, so this is all an
   * offset changes for it.
   */
  streamOffset?: number;
}

export function addRxFlow(b: RxScenarioBuilder, o: RxFlowOptions): RxFlowSpec {
  const p = b.prng;
  const version: TlsVersion = o.version ?? (p.chance(0.5) ? '1.3' : '1.2');
  const keyLen = o.keyLen ?? (p.chance(0.5) ? 32 : 16);
  const crypto: TlsCryptoInfo = { version, key: p.bytes(keyLen), iv: p.bytes(version === '1.3' ? 12 : 4) };
  const offset = o.streamOffset ?? 0;
  const isn = seqAdd(o.isn ?? (p.chance(0.2) ? (0x1_0000_0000 - p.int(1, 20_000)) >>> 0 : p.nextU32()), offset % 0x1_0000_0000);
  const preOffload = p.bytes(o.preOffload ?? p.int(0, 600));
  const startSeq = seqAdd(isn, preOffload.length);
  const firstRecordSeq = (version === '1.2' ? BigInt(p.int(1, 5)) : BigInt(p.int(0, 3))) + BigInt(Math.floor(offset / (16384 + 22)));
  const framer = createFramerState(
    { version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? (BigInt(p.nextU32()) << 32n) | BigInt(p.nextU32()) : undefined },
    { recordSeq: firstRecordSeq, tcpSeq: startSeq },
  );
  const ps = recordPrefixLen(version);
  const records: RxRecordSpec[] = o.recordSizes.map((size, i) => {
    framer.cfg = { ...framer.cfg, maxPlaintext: size };
    const [rec] = frameNext(framer, p.bytes(size), o.contentTypes?.[i] ?? 23);
    for (const pl of o.plants ?? []) if (pl.record === i) plantCiphertext(crypto, rec.recordSeq, rec.bytes, pl.offset, pl.bytes);
    const wire = protectRecord(crypto, rec.recordSeq, rec.bytes);
    const authentic = !(o.badTags ?? []).includes(i);
    if (!authentic) wire[wire.length - 1] ^= 0x5a;
    return {
      recordSeq: rec.recordSeq,
      tcpSeq: rec.tcpSeq,
      contentType: rec.contentType,
      data: rec.bytes.slice(ps, ps + rec.plaintextLength),
      framed: rec.bytes,
      wire,
      authentic,
    };
  });
  const h = randomHeaders(p, o.ipVersion ?? (p.chance(0.35) ? 6 : 4), o.vlan ?? p.chance(0.25));
  if (o.headers?.srcAddr) h.ip.src = o.headers.srcAddr;
  if (o.headers?.dstAddr) h.ip.dst = o.headers.dstAddr;
  if (o.headers?.srcPort !== undefined) h.srcPort = o.headers.srcPort;
  if (o.headers?.dstPort !== undefined) h.dstPort = o.headers.dstPort;
  let ctxId = o.ctxId;
  if (ctxId === undefined) {
    ctxId = p.int(0, 0xffff);
    while (b.usedCtxIds.has(ctxId)) ctxId = (ctxId + 1) & 0xffff;
  }
  b.usedCtxIds.add(ctxId);
  const tuple: FlowTuple = { ipVersion: h.ip.version, srcAddr: h.ip.src, dstAddr: h.ip.dst, srcPort: h.srcPort, dstPort: h.dstPort };
  const spec: RxFlowSpec = {
    index: b.flows.length,
    ctxId,
    tuple,
    tupleKey: flowKey(tuple),
    crypto,
    mode: o.mode ?? 'device',
    isn,
    preOffload,
    startSeq,
    records,
    stream: concatBytes(preOffload, ...records.map((r) => r.wire)),
  };
  b.flows.push(spec);
  b.headers.push(h);
  b.ipIds.push(p.int(0, 0xffff));
  return spec;
}

/** Stream offset (from isn) of record i's first byte. */
export function recordOffset(f: RxFlowSpec, i: number): number {
  return (f.records[i].tcpSeq - f.isn) >>> 0;
}

export interface SegmentOptions {
  /** Corrupt one payload bit after the checksum was computed. */
  badChecksum?: boolean;
  flags?: number;
}

/** The wire frame carrying stream bytes [off, off + len) of a flow (offsets from isn). */
export function segmentFrame(b: RxScenarioBuilder, flow: RxFlowSpec, off: number, len: number, o: SegmentOptions = {}): Uint8Array {
  const p = b.prng;
  const frame = segmentPacket(b.headers[flow.index], () => b.ipIds[flow.index]++, seqAdd(flow.isn, off), o.flags ?? (TcpFlag.ACK | TcpFlag.PSH), randomTcpOptions(p), flow.stream.subarray(off, off + len));
  if (o.badChecksum) {
    if (len === 0) throw new Error('segmentFrame: a bad checksum needs payload bytes');
    const pp = parseTcpPacket(frame);
    if (isParseError(pp)) throw new Error('segmentFrame: built an unparsable frame');
    frame[pp.payloadOffset + p.int(0, len - 1)] ^= 1 << p.int(0, 7);
  }
  return frame;
}

export function pushSegment(b: RxScenarioBuilder, flow: RxFlowSpec, off: number, len: number, o: SegmentOptions = {}): void {
  b.events.push({ kind: 'packet', frame: segmentFrame(b, flow, off, len, o), flow: flow.index });
}

/** Consecutive segments covering [off, end) of sizes drawn from 1..mss (or exactly `sizes`). */
export function pushSegments(b: RxScenarioBuilder, flow: RxFlowSpec, off: number, end: number, mss: number): void {
  for (let a = off; a < end; ) {
    const n = Math.min(end - a, b.prng.int(1, mss));
    pushSegment(b, flow, a, n);
    a += n;
  }
}

export function pushInstall(b: RxScenarioBuilder, flow: RxFlowSpec): void {
  b.events.push({ kind: 'install', flow: flow.index });
}

export function pushDelete(b: RxScenarioBuilder, flow: RxFlowSpec): void {
  b.events.push({ kind: 'delete', flow: flow.index });
}

/** A TCP packet of a connection nobody offloaded. */
export function pushPlain(b: RxScenarioBuilder): void {
  const p = b.prng;
  const frame = plainTcpPacket(p, randomHeaders(p, p.chance(0.3) ? 6 : 4, p.chance(0.2)), 1400);
  b.events.push({ kind: 'packet', frame, flow: null });
}

/** A frame that is not a TCP packet the engine handles (ARP-like ethertype, UDP, truncated). */
export function pushNonTcp(b: RxScenarioBuilder): void {
  const p = b.prng;
  const k = p.int(0, 2);
  let frame: Uint8Array;
  if (k === 0) {
    frame = p.bytes(60);
    frame[12] = 0x08;
    frame[13] = 0x06; // ARP
  } else {
    const h = randomHeaders(p, 4, false);
    frame = buildTcpPacket({ eth: h.eth, ip: h.ip, tcp: { srcPort: 1, dstPort: 2, seq: 0, ack: 0, flags: TcpFlag.ACK, window: 1, urgent: 0, options: new Uint8Array(0) }, payload: p.bytes(40) });
    if (k === 1) frame[14 + 9] = 17; // UDP protocol number (header checksum now wrong too: irrelevant)
    else frame = frame.subarray(0, p.int(20, 40));
  }
  b.events.push({ kind: 'packet', frame, flow: null });
}

// ---------------------------------------------------------------------------------------------
// Random scenarios

export interface RxScenarioConfig {
  seed: number;
  flows: number;
  bytesPerFlow: number;
  /** Each record's plaintext size is drawn up to one of these (some tiny). */
  recordSizes: readonly number[];
  /** Segments carry 1..mss payload bytes. */
  mss: number;
  /** Probability that a segment is lost (reordered: it arrives again later, possibly re-cut). */
  loss: number;
  /** Probability per step of a spurious retransmission of an earlier range. */
  spurious: number;
  /** Probability that a segment first arrives with a corrupted payload (bad checksum). */
  badChecksum: number;
  /** Extra packets of non-offloaded connections (per step), and non-TCP frames. */
  plainFraction: number;
  nonTcpFraction: number;
  /** Probability that a flow's install is posted only after some of its records already arrived. */
  installLag: number;
  resyncMode: RxResyncMode | 'mixed';
  /** Probability that a flow is deleted at the end (then a few of its segments arrive again). */
  deleteAtEnd: number;
  versions?: readonly TlsVersion[];
  /** Every connection is installed as if this many bytes had already been sent (see RxFlowOptions.streamOffset). */
  streamOffset?: number;
}

export const DEFAULT_RX_SCENARIO: RxScenarioConfig = {
  seed: 1,
  flows: 8,
  bytesPerFlow: 40_000,
  recordSizes: [1, 64, 1000, 4096, 16384],
  mss: 1460,
  loss: 0,
  spurious: 0,
  badChecksum: 0,
  plainFraction: 0.05,
  nonTcpFraction: 0.01,
  installLag: 0,
  resyncMode: 'device',
  deleteAtEnd: 0.5,
};

interface FlowGen {
  spec: RxFlowSpec;
  next: number;
  installAt: number;
  installed: boolean;
  lost: { off: number; len: number; wait: number }[];
}

function randomRecordSizes(cfg: RxScenarioConfig, p: Prng): number[] {
  const sizes: number[] = [];
  for (let sent = 0; sent < cfg.bytesPerFlow; ) {
    const max = p.pick(cfg.recordSizes);
    const n = p.int(1, max);
    sizes.push(n);
    sent += n;
  }
  return sizes;
}

function flowStep(b: RxScenarioBuilder, g: FlowGen, cfg: RxScenarioConfig): void {
  const p = b.prng;
  const f = g.spec;
  const pre = f.preOffload.length;
  if (!g.installed && g.next >= g.installAt) {
    g.installed = true;
    pushInstall(b, f);
  }
  const due = g.lost.findIndex((l) => l.wait <= 0);
  if (due >= 0 || g.next >= f.stream.length) {
    const l = g.lost.splice(due >= 0 ? due : 0, 1)[0];
    // Retransmissions may be cut differently: widen or narrow the range a little.
    let a = l.off - (p.chance(0.3) ? p.int(0, Math.min(l.off - pre, 700)) : 0);
    let e = l.off + l.len + (p.chance(0.3) ? p.int(0, 700) : 0);
    e = Math.min(e, g.next);
    a = Math.max(pre, Math.min(a, e - 1));
    pushSegments(b, f, a, e, cfg.mss);
  } else {
    // New data. Handshake segments end at the record start and are never lost (the kernel
    // model's socket starts there).
    const limit = g.next < pre ? pre : g.installed ? f.stream.length : Math.min(g.installAt, f.stream.length);
    const len = Math.max(1, Math.min(p.int(1, cfg.mss), limit - g.next));
    const off = g.next;
    g.next += len;
    for (const l of g.lost) l.wait--;
    if (off >= pre && p.chance(cfg.loss)) {
      g.lost.push({ off, len, wait: p.int(1, 10) });
    } else if (off >= pre && p.chance(cfg.badChecksum)) {
      pushSegment(b, f, off, len, { badChecksum: true });
      if (p.chance(0.5)) pushSegment(b, f, off, len);
      else g.lost.push({ off, len, wait: p.int(0, 4) });
    } else {
      pushSegment(b, f, off, len);
    }
  }
  if (g.next > pre && p.chance(cfg.spurious)) {
    const a = p.int(Math.max(0, pre - 50), g.next - 1);
    pushSegment(b, f, a, p.int(1, Math.min(cfg.mss, g.next - a)));
  }
  if (p.chance(0.02)) pushSegment(b, f, g.next, 0, { flags: TcpFlag.ACK });
}

export function generateRxScenario(cfg: RxScenarioConfig): RxScenario {
  const b = createRxScenario(cfg.seed);
  const p = b.prng;
  const gens: FlowGen[] = [];
  for (let i = 0; i < cfg.flows; i++) {
    const mode: RxResyncMode = cfg.resyncMode === 'mixed' ? (p.chance(0.5) ? 'device' : 'host') : cfg.resyncMode;
    const version = cfg.versions ? p.pick(cfg.versions) : undefined;
    const spec = addRxFlow(b, { recordSizes: randomRecordSizes(cfg, p), mode, version, streamOffset: cfg.streamOffset });
    const pre = spec.preOffload.length;
    const installAt = p.chance(cfg.installLag) ? pre + p.int(1, 3000) : pre;
    gens.push({ spec, next: 0, installAt, installed: false, lost: [] });
  }
  for (;;) {
    const active = gens.filter((g) => g.next < g.spec.stream.length || g.lost.length > 0);
    if (active.length === 0) break;
    flowStep(b, p.pick(active), cfg);
    if (p.chance(cfg.plainFraction)) pushPlain(b);
    if (p.chance(cfg.nonTcpFraction)) pushNonTcp(b);
  }
  for (const g of gens) {
    if (!g.installed) pushInstall(b, g.spec);
    if (p.chance(cfg.deleteAtEnd)) {
      pushDelete(b, g.spec);
      // Late duplicates of the deleted connection: the engine no longer knows it.
      const a = p.int(g.spec.preOffload.length, g.spec.stream.length - 1);
      pushSegment(b, g.spec, a, p.int(1, Math.min(cfg.mss, g.spec.stream.length - a)));
    }
  }
  return buildRxScenario(b);
}

// ---------------------------------------------------------------------------------------------
// The closed loop: wire → engine → kernel → (resync responses) → engine

export interface RxRunOptions {
  nic: NicRxConfig;
  /** A host control frame reaches the engine after minLatency..latency further wire packets. */
  latency: number;
  minLatency?: number;
  /** Seed of the latency draws (default: the scenario's). */
  seed?: number;
}

/** The flow-table hash key a scenario's run sets first (harness/rx/scenario.ts runRxScenario). */
export function rxScenarioHashKey(sc: { seed: number }): Uint8Array {
  return hashKeyFromSeed(sc.seed);
}

export interface RxRun {
  /** Every frame the engine consumed, in order (the HASH_KEY frame first): replaying these reproduces the run. */
  inputs: RxFrame[];
  /** nicRxStep's result for each input. */
  results: RxStepResult[];
  /** The engine's output stream. */
  outputs: RxOutFrame[];
  nic: NicRxState;
  kernel: KernelRx;
  /** The kernel's socket for each scenario flow. */
  conns: KernelRxConn[];
}

export function runRxScenario(sc: RxScenario, o: RxRunOptions): RxRun {
  const nic = createNicRx(o.nic);
  const kernel = createKernelRx();
  const conns = sc.flows.map((f) =>
    kernelRxOpen(kernel, { tuple: f.tuple, ctxId: f.ctxId, crypto: f.crypto, recordSeq: f.records[0].recordSeq, startSeq: f.startSeq, mode: f.mode }),
  );
  const p = createPrng((o.seed ?? sc.seed) ^ 0x2e5c);
  const run: RxRun = { inputs: [], results: [], outputs: [], nic, kernel, conns };
  const pending: { due: number; frame: RxFrame }[] = [];
  let clock = 0;
  const feed = (frame: RxFrame): void => {
    run.inputs.push(frame);
    const r = nicRxStep(nic, frame);
    run.results.push(r);
    for (const out of r.out) {
      run.outputs.push(out);
      for (const ctl of kernelRxReceive(kernel, out)) pending.push({ due: clock + p.int(Math.min(o.minLatency ?? 0, o.latency), o.latency), frame: ctl });
    }
  };
  const deliver = (all: boolean): void => {
    while (pending.length > 0 && (all || pending[0].due <= clock)) feed(pending.shift()!.frame);
  };
  // The driver's first frame after reset: the flow table's hash key (the table is still empty).
  feed(rxHashKeyFrame(rxScenarioHashKey(sc)));
  for (const ev of sc.events) {
    deliver(false);
    if (ev.kind === 'install') feed(kernelRxInstall(kernel, conns[ev.flow]));
    else if (ev.kind === 'delete') {
      const del = kernelRxDelete(conns[ev.flow]);
      if (del) feed(del);
    }
    else {
      feed(rxPacketFrame(ev.frame));
      clock++;
    }
  }
  deliver(true);
  return run;
}
