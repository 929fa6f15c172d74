// The soak's traffic source: offloaded TX connections of any length, generated a chunk at a time
// so nothing proportional to the stream is ever held. Per connection the host frames records
// lazily (models/framer.ts), keeps them in the socket's record list until TCP acknowledges them
// (models/record-list.ts through the driver model), cuts segments of 1..mss bytes, loses some
// (retransmitted later, possibly re-cut), swaps some neighbours (reordering), and acknowledges
// as it goes. The driver model (models/driver-tx.ts) turns each segment into engine input frames.
//
// Chunks and resets. A chunk is one simulator run, i.e. one engine from reset. At the start of a
// chunk the driver (as after a device reset) re-installs every live connection with its original
// start_offload_tcp_sn and record number, so the chunk's first segment of each connection makes
// the driver post a resync load at the connection's current stream offset — gigabytes past the
// start once a soak is under way. Stream offsets are JS numbers (exact to 2^53 bytes).
import { createFramerState, frameNext, type FramerState, type TlsRecord } from '../../models/framer.ts';
import { flowKey, TcpFlag } from '../../models/packet.ts';
import { createPrng, type Prng } from '../../models/prng.ts';
import { appendRecord, createRecordList } from '../../models/record-list.ts';
import { driverTxAck, driverTxAdd, driverTxAssumeSent, driverTxSegment, type DriverTxConnection } from '../../models/driver-tx.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import type { TlsCryptoInfo, TlsVersion } from '../../models/tls-record.ts';
import type { TxFrame } from '../../models/tx-frames.ts';
import { randomEthernet, randomIp, segmentPacket, type FlowHeaders } from '../scenario/headers.ts';

export interface SoakTraffic {
  seed: number;
  /** Stream bytes (records, headers and tags included) each connection sends. */
  bytesPerFlow: number;
  mss: number;
  recordSizes: readonly number[];
  loss: number;
  reorder: number;
}

/** A record the oracle must see whole: where it lies and what the host wrote. */
export interface SoakRecord {
  flow: number;
  /** Stream offset of its first byte from start_offload_tcp_sn. */
  offset: number;
  record: TlsRecord;
}

interface Segment {
  off: number;
  len: number;
  wait: number;
}

/** One connection's generator state. */
export interface SoakFlow {
  index: number;
  ctxId: number;
  crypto: TlsCryptoInfo;
  startSn: number;
  firstRecordSeq: bigint;
  tupleKey: string;
  headers: FlowHeaders;
  prng: Prng;
  framer: FramerState;
  /** Live records (not yet acknowledged), oldest first, with their stream offsets. */
  window: { offset: number; record: TlsRecord }[];
  /** Stream offset where the next framed record starts. */
  framedTo: number;
  /** Next new stream byte to send. */
  next: number;
  lost: Segment[];
  /** A new segment held back to go after the next one (reordering). */
  held: Segment | null;
  conn: DriverTxConnection | null;
  ipId: number;
  done: boolean;
}

/** Connection `index` of a soak: its own PRNG stream, so sharding does not change it. */
export function createSoakFlow(t: SoakTraffic, index: number, ctxId: number): SoakFlow {
  const p = createPrng((Math.imul(t.seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
  const version: TlsVersion = p.chance(0.5) ? '1.3' : '1.2';
  const crypto: TlsCryptoInfo = { version, key: p.bytes(p.chance(0.5) ? 32 : 16), iv: p.bytes(version === '1.3' ? 12 : 4) };
  const startSn = p.nextU32();
  const firstRecordSeq = version === '1.2' ? 1n : 0n;
  const eth = randomEthernet(p, () => p.chance(0.25));
  const ip = randomIp(p, p.chance(0.35) ? 6 : 4, false);
  const headers: FlowHeaders = { eth, ip, srcPort: p.int(1024, 65535), dstPort: 443 };
  const framer = createFramerState(
    { version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? (BigInt(p.nextU32()) << 32n) | BigInt(p.nextU32()) : undefined },
    { recordSeq: firstRecordSeq, tcpSeq: startSn },
  );
  return {
    index, ctxId, crypto, startSn, firstRecordSeq,
    tupleKey: flowKey({ ipVersion: ip.version, srcAddr: ip.src, dstAddr: ip.dst, srcPort: headers.srcPort, dstPort: headers.dstPort }),
    headers, prng: p, framer, window: [], framedTo: 0, next: 0, lost: [], held: null, conn: null, ipId: p.int(0, 0xffff), done: false,
  };
}

/** Frames records until the stream holds `upTo` bytes (or the flow's length); new records go to `emit`. */
function frameUpTo(f: SoakFlow, t: SoakTraffic, upTo: number, emit: (r: SoakRecord) => void): void {
  while (f.framedTo < Math.min(upTo, t.bytesPerFlow)) {
    const max = f.prng.pick(t.recordSizes);
    f.framer.cfg = { ...f.framer.cfg, maxPlaintext: max };
    const room = t.bytesPerFlow - f.framedTo;
    const n = Math.max(1, Math.min(f.prng.int(1, max), room));
    for (const record of frameNext(f.framer, f.prng.bytes(n), 23)) {
      f.window.push({ offset: f.framedTo, record });
      if (f.conn) appendRecord(f.conn.records, record);
      emit({ flow: f.index, offset: f.framedTo, record });
      f.framedTo += record.bytes.length;
    }
  }
}

/** The stream bytes [off, off + len) from the live records. */
function streamBytes(f: SoakFlow, off: number, len: number): Uint8Array {
  const out = new Uint8Array(len);
  let lo = 0;
  let hi = f.window.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (f.window[mid].offset <= off) lo = mid;
    else hi = mid - 1;
  }
  let k = 0;
  for (let i = lo; k < len && i < f.window.length; i++) {
    const w = f.window[i];
    const from = off + k - w.offset;
    const take = Math.min(len - k, w.record.bytes.length - from);
    out.set(w.record.bytes.subarray(from, from + take), k);
    k += take;
  }
  if (k !== len) throw new Error(`soak: stream bytes [${off}, ${off + len}) of flow ${f.index} are no longer live`);
  return out;
}

function segmentFrames(f: SoakFlow, off: number, len: number): TxFrame[] {
  const seq = seqAdd(f.startSn, off % 0x1_0000_0000);
  const frame = segmentPacket(f.headers, () => f.ipId++, seq, TcpFlag.ACK | TcpFlag.PSH, new Uint8Array(0), streamBytes(f, off, len));
  return driverTxSegment(f.conn!, frame, seq, len);
}

/**
 * The engine was reset: install the connection again at its original start (a fresh driver
 * state whose record list holds the live records, the start long acknowledged).
 */
export function reinstall(f: SoakFlow): TxFrame[] {
  const list = createRecordList();
  for (const w of f.window) appendRecord(list, w.record);
  const { conn, frame } = driverTxAdd(
    { ctxId: f.ctxId, version: f.crypto.version, key: f.crypto.key, iv: f.crypto.iv, recordSeq: f.firstRecordSeq, startOffloadTcpSn: f.startSn },
    list,
  );
  // Everything before the live window was sent and acknowledged; the first soak chunk starts at
  // the offload start itself.
  driverTxAssumeSent(conn, f.next);
  f.conn = conn;
  return [frame];
}

/** Every record is framed and every byte of the stream sent once. */
function allSent(f: SoakFlow, t: SoakTraffic): boolean {
  return f.framedTo >= t.bytesPerFlow && f.next >= f.framedTo;
}

/** One step of a connection: a due retransmission, else the next new segment; then an ACK. */
export function flowStep(f: SoakFlow, t: SoakTraffic, emit: (r: SoakRecord) => void): { frames: TxFrame[]; packets: number } {
  const p = f.prng;
  const frames: TxFrame[] = [];
  let packets = 0;
  const send = (off: number, len: number) => {
    frames.push(...segmentFrames(f, off, len));
    packets++;
  };
  const due = f.lost.findIndex((l) => l.wait <= 0);
  if (due >= 0 || (allSent(f, t) && f.lost.length > 0)) {
    const l = f.lost.splice(due >= 0 ? due : 0, 1)[0];
    const base = f.window.length > 0 ? f.window[0].offset : f.next;
    let a = l.off - (p.chance(0.3) ? p.int(0, 700) : 0);
    let b = l.off + l.len + (p.chance(0.3) ? p.int(0, 700) : 0);
    b = Math.min(b, f.next);
    a = Math.max(base, Math.min(a, b - 1));
    while (a < b) {
      const n = Math.min(b - a, p.int(1, t.mss));
      send(a, n);
      a += n;
    }
  } else if (!allSent(f, t)) {
    // Records are framed ahead of the segments; the stream ends with the last record.
    frameUpTo(f, t, f.next + t.mss, emit);
    const len = Math.min(p.int(1, t.mss), f.framedTo - f.next);
    const seg: Segment = { off: f.next, len, wait: p.int(1, 8) };
    f.next += len;
    for (const l of f.lost) l.wait--;
    if (p.chance(t.loss)) f.lost.push(seg); // sent now, lost beyond the NIC, sent again later
    if (f.held) {
      send(seg.off, seg.len);
      send(f.held.off, f.held.len);
      f.held = null;
    } else if (p.chance(t.reorder) && !allSent(f, t)) {
      f.held = seg;
    } else {
      send(seg.off, seg.len);
    }
  } else if (f.held) {
    send(f.held.off, f.held.len);
    f.held = null;
  }
  // Cumulative ACK up to the oldest byte still owed (lost or held), lagging a little.
  if (p.chance(0.2) || allSent(f, t)) {
    const owed = Math.min(f.next, ...f.lost.map((l) => l.off), f.held ? f.held.off : Infinity);
    const ack = Math.max(0, owed - p.int(0, 3000));
    driverTxAck(f.conn!, seqAdd(f.startSn, ack % 0x1_0000_0000));
    while (f.window.length > 0 && f.window[0].offset + f.window[0].record.bytes.length <= ack) f.window.shift();
  }
  f.done = allSent(f, t) && f.lost.length === 0 && f.held === null;
  return { frames, packets };
}
