// Model of the host side of RX offload (driver + TCP + kTLS, tls_device.c): it receives the
// engine's output stream and, per connection,
//   * reassembles the TCP byte stream (in-order data appended, out-of-order data queued, old data
//     dropped; unmarked packets with a wrong checksum dropped as TCP would; a marked packet's
//     checksum is taken as verified by the device) keeping each byte's `decrypted` mark;
//   * delineates records from the install point on and recovers each record's plaintext the way
//     tls_device_decrypted() does: all bytes marked → the device's plaintext is used as is;
//     none marked → software decryption; mixed (a record partly decrypted by the device) → the
//     marked payload bytes are re-encrypted (XOR with the record's keystream, as
//     tls_device_reencrypt() does) and the whole record is decrypted and authenticated in software;
//   * answers the device's resync requests ('device' mode, TLS_OFFLOAD_SYNC_TYPE_DRIVER_REQ): when
//     its record parser meets a record header at exactly the requested TCP sequence number, it
//     confirms with that record's number; if the parser passes the requested position without a
//     record starting there, the request is forgotten (there is no negative answer);
//   * or drives resync itself ('host' mode, TLS_OFFLOAD_SYNC_TYPE_CORE_NEXT_HINT): after fully
//     encrypted records, with Linux's back-off (the first hint after 2 such records, then
//     intervals of 4, 8, …, 128 records), tells the device "the next record starts at S and has
//     number N" once the socket has drained up to that record.
// A record that fails authentication ends the connection (the socket gets EBADMSG): it is recorded
// as the connection's error and nothing after it is processed.
import { bytesEqual } from './bytes.ts';
import { flowKey, isParseError, parseTcpPacket, type FlowTuple } from './packet.ts';
import {
  decodeRxEvent,
  rxDeleteFrame,
  rxInstallFrame,
  RxOutKind,
  rxResyncFrame,
  type RxFrame,
  type RxOutFrame,
} from './rx-frames.ts';
import { tcpChecksumValid } from './checksum.ts';
import { seqAdd, seqDiff, seqGt, seqLeq, seqLt } from './tcp-seq.ts';
import { protectRecord, recordPrefixLen, TLS_HEADER_LEN, TLS_TAG_LEN, unprotectRecord, type TlsCryptoInfo } from './tls-record.ts';

export type RxResyncMode = 'device' | 'host';

/** Longest record body tls_rx_msg_size accepts (2^14 + 256); longer → the socket errors. */
const MAX_CIPHERTEXT_BODY = (1 << 14) + 256;

/** Linux TLS_DEVICE_RESYNC_NH_START_IVAL / _MAX_IVAL. */
export const NH_START_IVAL = 2;
export const NH_MAX_IVAL = 128;

export interface KernelRxConnSpec {
  tuple: FlowTuple;
  ctxId: number;
  crypto: TlsCryptoInfo;
  /** The record number and TCP sequence number of the first record the socket decrypts (copied_seq). */
  recordSeq: bigint;
  startSeq: number;
  mode: RxResyncMode;
}

/** How a record's plaintext was obtained. */
export type RecordPath = 'device' | 'software' | 'mixed';

export interface KernelRecord {
  recordSeq: bigint;
  tcpSeq: number;
  contentType: number;
  /** Application bytes (TLS 1.3: without the inner content type and padding). */
  data: Uint8Array;
  path: RecordPath;
}

/** The stack-driven resync back-off state (tls_offload_context_rx.resync_nh*). */
export interface NextHintState {
  /** A (partly) device-decrypted record was seen since the last fully encrypted one. */
  reset: boolean;
  /** Fully encrypted records counted. */
  failed: number;
  /** Threshold of `failed` for the next hint. */
  tgt: number;
  /** A hint is due at the next record header once the socket has drained to it. */
  doNow: boolean;
}

export interface KernelRxStats {
  requestsSeen: number;
  confirmsSent: number;
  requestsMissed: number;
  hintsSent: number;
  droppedBadChecksum: number;
  records: Record<RecordPath, number>;
}

export interface KernelRxConn {
  spec: KernelRxConnSpec;
  key: string;
  /** pending: install posted, result not yet seen; on: offloaded; off: software only. */
  offload: 'none' | 'pending' | 'on' | 'off';
  /** In-order bytes from startSeq on, with their decrypted marks; `len` bytes valid. */
  buf: Uint8Array;
  dec: Uint8Array;
  len: number;
  /** Out-of-order segments waiting, in arrival order (the first copy of a byte wins). */
  ooo: { seq: number; bytes: Uint8Array; dec: boolean }[];
  /** Offset (from startSeq) of the next record's header, its number, and whether its header was parsed. */
  cursor: number;
  nextRecordSeq: bigint;
  headerParsed: boolean;
  records: KernelRecord[];
  /** First authentication or framing failure; processing stops there. */
  error: string | null;
  pendingRequest: number | null;
  nh: NextHintState;
  stats: KernelRxStats;
}

export interface KernelRx {
  conns: Map<string, KernelRxConn>;
  byCtx: Map<number, KernelRxConn>;
}

export function createKernelRx(): KernelRx {
  return { conns: new Map(), byCtx: new Map() };
}

/** Opens a socket whose TLS stream starts at spec.startSeq (not yet offloaded). */
export function kernelRxOpen(k: KernelRx, spec: KernelRxConnSpec): KernelRxConn {
  const conn: KernelRxConn = {
    spec,
    key: flowKey(spec.tuple),
    offload: 'none',
    buf: new Uint8Array(4096),
    dec: new Uint8Array(4096),
    len: 0,
    ooo: [],
    cursor: 0,
    nextRecordSeq: spec.recordSeq,
    headerParsed: false,
    records: [],
    error: null,
    pendingRequest: null,
    nh: { reset: false, failed: 0, tgt: NH_START_IVAL, doNow: false },
    stats: { requestsSeen: 0, confirmsSent: 0, requestsMissed: 0, hintsSent: 0, droppedBadChecksum: 0, records: { device: 0, software: 0, mixed: 0 } },
  };
  k.conns.set(conn.key, conn);
  k.byCtx.set(spec.ctxId, conn);
  return conn;
}

/** tls_dev_add for RX: the install frame for the connection (its start is the socket's copied_seq). */
export function kernelRxInstall(k: KernelRx, conn: KernelRxConn): RxFrame {
  conn.offload = 'pending';
  k.byCtx.set(conn.spec.ctxId, conn);
  const s = conn.spec;
  return rxInstallFrame({
    ctxId: s.ctxId,
    tuple: s.tuple,
    version: s.crypto.version,
    key: s.crypto.key,
    iv: s.crypto.iv,
    recordSeq: s.recordSeq,
    startTcpSn: s.startSeq,
    scan: s.mode === 'device',
  });
}

/**
 * tls_dev_del: the delete frame, or null when the device never held the context (install
 * failed or never posted). The connection continues in software either way.
 */
export function kernelRxDelete(conn: KernelRxConn): RxFrame | null {
  const held = conn.offload === 'on' || conn.offload === 'pending';
  conn.offload = 'off';
  conn.pendingRequest = null;
  return held ? rxDeleteFrame(conn.spec.ctxId) : null;
}

/** Next TCP sequence number the socket expects. */
export function kernelRcvNxt(conn: KernelRxConn): number {
  return seqAdd(conn.spec.startSeq, conn.len);
}

/** Application bytes of the connection's records of content type `type`, concatenated. */
export function kernelAppData(conn: KernelRxConn, type = 23): Uint8Array {
  const parts = conn.records.filter((r) => r.contentType === type).map((r) => r.data);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Handles one frame of the engine's output; returns the control frames the host sends back. */
export function kernelRxReceive(k: KernelRx, f: RxOutFrame): RxFrame[] {
  if (f.user.kind === RxOutKind.EVENT) {
    handleEvent(k, f);
    return [];
  }
  const p = parseTcpPacket(f.data);
  if (isParseError(p)) return [];
  const conn = k.conns.get(flowKey(p));
  if (!conn) return [];
  if (!f.user.decrypted) {
    const l4End = p.payloadOffset + p.payloadLength;
    if (!p.ipHeaderChecksumOk || !tcpChecksumValid(p.ip.version, p.ip.src, p.ip.dst, f.data.subarray(p.l4Offset, l4End))) {
      conn.stats.droppedBadChecksum++;
      return [];
    }
  }
  if (p.payloadLength === 0) return [];
  tcpReceive(conn, p.seq, f.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength), f.user.decrypted);
  return parseRecords(conn);
}

function handleEvent(k: KernelRx, f: RxOutFrame): void {
  const e = decodeRxEvent(f);
  if (!e) throw new Error('kernel-rx: malformed event frame from the device');
  const conn = k.byCtx.get(e.ctxId);
  if (!conn) return;
  if (e.code === 'install_result') {
    if (conn.offload === 'pending') conn.offload = e.status === 'ok' ? 'on' : 'off';
    return;
  }
  conn.stats.requestsSeen++;
  // tls_offload_rx_resync_request: one pending request per socket, a newer one replaces it.
  if (conn.offload === 'on' && conn.spec.mode === 'device') conn.pendingRequest = e.tcpSn;
}

// ---------------------------------------------------------------------------------------------
// TCP receive

function ensure(conn: KernelRxConn, n: number): void {
  if (n <= conn.buf.length) return;
  let cap = conn.buf.length;
  while (cap < n) cap *= 2;
  const b = new Uint8Array(cap);
  b.set(conn.buf.subarray(0, conn.len));
  const d = new Uint8Array(cap);
  d.set(conn.dec.subarray(0, conn.len));
  conn.buf = b;
  conn.dec = d;
}

/** Appends whatever part of [seq, seq + bytes.length) continues the in-order stream. */
function appendInOrder(conn: KernelRxConn, seq: number, bytes: Uint8Array, dec: boolean): boolean {
  const nxt = kernelRcvNxt(conn);
  if (seqGt(seq, nxt)) return false;
  const skip = seqDiff(nxt, seq);
  if (skip >= bytes.length) return true;
  const n = bytes.length - skip;
  ensure(conn, conn.len + n);
  conn.buf.set(bytes.subarray(skip), conn.len);
  conn.dec.fill(dec ? 1 : 0, conn.len, conn.len + n);
  conn.len += n;
  return true;
}

function tcpReceive(conn: KernelRxConn, seq: number, payload: Uint8Array, dec: boolean): void {
  // Bytes before the TLS stream (the handshake) were consumed before the socket's start.
  let s = seq;
  let bytes = payload;
  const pre = seqDiff(conn.spec.startSeq, s);
  if (pre > 0) {
    if (pre >= bytes.length) return;
    bytes = bytes.subarray(pre);
    s = conn.spec.startSeq;
  }
  if (!appendInOrder(conn, s, bytes, dec)) {
    conn.ooo.push({ seq: s, bytes: Uint8Array.from(bytes), dec });
    return;
  }
  // Drain queued segments that now continue the stream; drop those wholly old.
  for (let progress = true; progress; ) {
    progress = false;
    const nxt = kernelRcvNxt(conn);
    for (let j = 0; j < conn.ooo.length; j++) {
      const q = conn.ooo[j];
      if (seqLeq(seqAdd(q.seq, q.bytes.length), nxt)) {
        conn.ooo.splice(j--, 1);
        continue;
      }
      if (seqLeq(q.seq, nxt)) {
        conn.ooo.splice(j, 1);
        appendInOrder(conn, q.seq, q.bytes, q.dec);
        progress = true;
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Record layer

function send(conn: KernelRxConn, out: RxFrame[], tcpSn: number, recordSeq: bigint, hostDriven: boolean): void {
  out.push(rxResyncFrame({ ctxId: conn.spec.ctxId, tcpSn, recordSeq: BigInt.asUintN(64, recordSeq), hostDriven }));
  if (hostDriven) conn.stats.hintsSent++;
  else conn.stats.confirmsSent++;
}

/** tls_device_rx_resync_new_rec: a record header at TCP sequence R, full length rcdLen, number N. */
function newRecord(conn: KernelRxConn, R: number, rcdLen: number, N: bigint, out: RxFrame[]): void {
  if (conn.offload !== 'on') return;
  if (conn.spec.mode === 'device') {
    const req = conn.pendingRequest;
    if (req === null) return;
    if (req === R) {
      conn.pendingRequest = null;
      send(conn, out, R, N, false);
    } else if (seqLt(req, R)) {
      // The parser went past the guessed position without a record starting there.
      conn.pendingRequest = null;
      conn.stats.requestsMissed++;
    }
    return;
  }
  if (!conn.nh.doNow) return;
  // Wait until the socket holds no more than this record, so the device has not passed it yet.
  if (seqDiff(kernelRcvNxt(conn), R) > rcdLen) return;
  conn.nh.doNow = false;
  send(conn, out, seqAdd(R, rcdLen), N + 1n, true);
}

/**
 * tls_device_core_ctrl_rx_resync, called for a fully encrypted record (number N, ending at end).
 * Hints are due on the (tgt+1)-th counted record; tgt goes 2, 4, 8, …, 128, then +128 each time,
 * so consecutive hints are 2, 4, 8, …, 128, 128, … records apart.
 */
export function nextHintOnEncrypted(nh: NextHintState): boolean {
  if (nh.doNow) return false;
  if (nh.reset) {
    nh.reset = false;
    nh.failed = 1;
    nh.tgt = NH_START_IVAL;
    return false;
  }
  if (++nh.failed <= nh.tgt) return false;
  nh.tgt = nh.tgt < NH_MAX_IVAL ? nh.tgt * 2 : nh.tgt + NH_MAX_IVAL;
  return true;
}

function encryptedRecord(conn: KernelRxConn, N: bigint, end: number, out: RxFrame[]): void {
  if (conn.offload !== 'on' || conn.spec.mode !== 'host') return;
  if (!nextHintOnEncrypted(conn.nh)) return;
  // Head of the next record already in: the parser syncs at the next header; else hint now.
  if (seqGt(kernelRcvNxt(conn), end)) conn.nh.doNow = true;
  else send(conn, out, end, N + 1n, true);
}

/** The record's keystream over its payload (tls_device_reencrypt's way back to ciphertext). */
function keystream(info: TlsCryptoInfo, recordSeq: bigint, record: Uint8Array): Uint8Array {
  const ps = recordPrefixLen(info.version);
  const zeros = new Uint8Array(record.length);
  zeros.set(record.subarray(0, ps));
  return protectRecord(info, recordSeq, zeros).subarray(ps, record.length - TLS_TAG_LEN);
}

function recoverRecord(conn: KernelRxConn, at: number, len: number, recordSeq: bigint): { plain: Uint8Array | null; path: RecordPath } {
  const info = conn.spec.crypto;
  const bytes = conn.buf.slice(at, at + len);
  const marks = conn.dec.subarray(at, at + len);
  let nDec = 0;
  for (let j = 0; j < len; j++) nDec += marks[j];
  if (nDec === len) return { plain: bytes, path: 'device' };
  const ps = recordPrefixLen(info.version);
  if (nDec > 0) {
    const ks = keystream(info, recordSeq, bytes);
    for (let j = ps; j < len - TLS_TAG_LEN; j++) if (marks[j]) bytes[j] ^= ks[j - ps];
  }
  return { plain: unprotectRecord(info, recordSeq, bytes), path: nDec > 0 ? 'mixed' : 'software' };
}

function parseRecords(conn: KernelRxConn): RxFrame[] {
  const out: RxFrame[] = [];
  const info = conn.spec.crypto;
  while (conn.error === null && conn.len - conn.cursor >= TLS_HEADER_LEN) {
    const c = conn.cursor;
    const body = (conn.buf[c + 3] << 8) | conn.buf[c + 4];
    const full = TLS_HEADER_LEN + body;
    const R = seqAdd(conn.spec.startSeq, c);
    const N = conn.nextRecordSeq;
    if (!conn.headerParsed) {
      conn.headerParsed = true;
      if (body < recordPrefixLen(info.version) - TLS_HEADER_LEN + TLS_TAG_LEN || body > MAX_CIPHERTEXT_BODY) {
        conn.error = `record ${N} at tcp seq ${R}: impossible length ${body}`;
        break;
      }
      newRecord(conn, R, full, N, out);
    }
    if (conn.len - c < full) break;
    const { plain, path } = recoverRecord(conn, c, full, N);
    if (plain === null) {
      conn.error = `record ${N} at tcp seq ${R}: authentication failed (${path})`;
      break;
    }
    conn.stats.records[path]++;
    if (path === 'software') encryptedRecord(conn, N, seqAdd(R, full), out);
    else conn.nh.reset = true;
    conn.records.push({ recordSeq: N, tcpSeq: R, ...recordContent(info, plain), path });
    conn.cursor = c + full;
    conn.nextRecordSeq = N + 1n;
    conn.headerParsed = false;
  }
  return out;
}

/** Content type and application bytes of a decrypted record (header ‖ [nonce] ‖ plaintext ‖ tag). */
function recordContent(info: TlsCryptoInfo, plain: Uint8Array): { contentType: number; data: Uint8Array } {
  const ps = recordPrefixLen(info.version);
  const inner = plain.slice(ps, plain.length - TLS_TAG_LEN);
  if (info.version === '1.2') return { contentType: plain[0], data: inner };
  let e = inner.length;
  while (e > 0 && inner[e - 1] === 0) e--;
  if (e === 0) return { contentType: 0, data: new Uint8Array(0) };
  return { contentType: inner[e - 1], data: inner.subarray(0, e - 1) };
}

/** True when the connection's recovered records are exactly `expected` (type and data), in order. */
export function kernelRecordsEqual(conn: KernelRxConn, expected: readonly { contentType: number; data: Uint8Array }[]): boolean {
  return conn.records.length === expected.length && conn.records.every((r, i) => r.contentType === expected[i].contentType && bytesEqual(r.data, expected[i].data));
}
