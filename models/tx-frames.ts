// The TX engine's input stream as the hardware sees it: one AXI-Stream carrying packets, context
// control frames and resync context loads, in the order the driver posts them. Every frame has a
// sideband word (`tuser` on its first beat) and a byte payload. This module fixes the byte layout
// of control and resync frames (all multi-byte fields big-endian, network order) and encodes /
// decodes them, so the golden model and the RTL bench consume exactly the same bytes.
//
// Sideband (TxSideband), sampled on the first beat of a frame:
//   kind    2 bits  0 = packet, 1 = control, 2 = resync load, 3 = reserved (dropped, counted)
//   offload 1 bit   packets only: the driver marked the packet as belonging to an offloaded socket
//   ctxId  16 bits  flow-table index (packets with offload = 1, control and resync frames)
//
// Control frame payload (CONTROL_FRAME_LEN = 60 bytes; shorter → rejected, longer → extra ignored):
//   0      opcode      1 = install, 2 = delete (a delete needs only byte 0)
//   1      flags       bit0: TLS version (0 = 1.2, 1 = 1.3); bit1: key size (0 = 128, 1 = 256)
//   2..3   reserved    zero
//   4..7   start_offload_tcp_sn
//   8..15  record sequence number of the record that starts at start_offload_tcp_sn
//   16..47 key         32 bytes; AES-128 uses bytes 16..31, the rest must be zero
//   48..59 iv          TLS 1.3: the 12-byte static iv; TLS 1.2: the 4-byte salt in 48..51, rest zero
//
// Resync context load payload (RESYNC_HEADER_LEN = 24 bytes, then the prefix):
//   0..1   prefix length P (bytes of the record that precede the packet's first byte)
//   2      flags (below); 3 reserved (not read)
//   4..7   TCP sequence number of the record start
//   8..15  record sequence number of that record
//   16..23 TLS 1.2 explicit nonce of that record (ignored for TLS 1.3)
//   24..   P prefix bytes: the framed record (plaintext, as the host wrote it) from its header on
// Byte 2 holds flags: bit 0 START (see ResyncLoad.atStart), bit 1 SEEK, bit 2 TAG; bits 3..7 are
// reserved and must be zero (a frame with one set is refused). SEEK makes the frame a
// retransmission descriptor (below), never a prefix load; TAG is valid only with SEEK.
//
// Retransmission descriptor (SEEK set; issue 17, models/ctr-seek.ts): the same 24-byte header with
// bytes 0..1 the offset O of the next packet's first byte in the record (P bytes that are NOT
// sent), then the record's 5-byte header, then with TAG its known 16-byte tag:
//   24..28 the record's header (type, version, length) as the host framed it
//   29..44 TAG only: the tag the engine reported for this record (completion stream)
// It applies to the connection's next offloaded packet only, which must start at record start
// + O, and leaves the in-order context untouched (a side context).
import type { TlsVersion } from './tls-record.ts';
import { u64be } from './bytes.ts';

export const FrameKind = { PACKET: 0, CONTROL: 1, RESYNC: 2, RESERVED: 3 } as const;
export type FrameKindCode = (typeof FrameKind)[keyof typeof FrameKind];

export interface TxSideband {
  kind: FrameKindCode;
  offload: boolean;
  ctxId: number;
}

/** One frame on the engine's input stream: sideband plus payload bytes. */
export interface TxFrame {
  user: TxSideband;
  data: Uint8Array;
}

export const CONTROL_FRAME_LEN = 60;
export const RESYNC_HEADER_LEN = 24;
export const ControlOpcode = { INSTALL: 1, DELETE: 2 } as const;

/** What the driver's `tls_dev_add` hands the device for one TX connection. */
export interface TxContextInstall {
  ctxId: number;
  version: TlsVersion;
  key: Uint8Array; // 16 or 32 bytes
  iv: Uint8Array; // TLS 1.3: 12 bytes; TLS 1.2: 4-byte salt
  recordSeq: bigint;
  startOffloadTcpSn: number;
}

/** The driver's resync context load ("crypto state rebuilding" in tls-offload.rst). */
export interface ResyncLoad {
  ctxId: number;
  recordStartTcpSn: number;
  recordSeq: bigint;
  explicitNonce: Uint8Array; // 8 bytes (TLS 1.2); zeros for TLS 1.3
  prefix: Uint8Array;
  /**
   * Byte 2 bit 0, START: the load names the first record, at start_offload_tcp_sn itself, and the
   * driver's start marker still lives (the stream is within a TCP window of the start), so the
   * next packet may straddle the start: its bytes before it leave untouched. Only with an empty
   * prefix at start_offload_tcp_sn (models/nic-tx.ts).
   */
  atStart?: boolean;
}

/** The driver's retransmission descriptor (SEEK): a side context for the next packet, no prefix. */
export interface SeekLoad {
  ctxId: number;
  recordStartTcpSn: number;
  recordSeq: bigint;
  explicitNonce: Uint8Array; // 8 bytes (TLS 1.2); zeros for TLS 1.3
  /** Bytes of the record before the packet's first byte. */
  offset: number;
  /** The record's 5-byte header as framed. */
  header: Uint8Array;
  /** Its tag, when the engine has reported it: needed when the packet holds tag bytes. */
  tag?: Uint8Array;
}

export const ResyncFlag = { START: 1, SEEK: 2, TAG: 4 } as const;
export const SEEK_FRAME_LEN = RESYNC_HEADER_LEN + 5;

export function packetFrame(frame: Uint8Array, offload: boolean, ctxId = 0): TxFrame {
  return { user: { kind: FrameKind.PACKET, offload, ctxId }, data: frame };
}

export function installFrame(c: TxContextInstall): TxFrame {
  const d = new Uint8Array(CONTROL_FRAME_LEN);
  const dv = new DataView(d.buffer);
  d[0] = ControlOpcode.INSTALL;
  d[1] = (c.version === '1.3' ? 1 : 0) | (c.key.length === 32 ? 2 : 0);
  dv.setUint32(4, c.startOffloadTcpSn >>> 0);
  d.set(u64be(c.recordSeq), 8);
  d.set(c.key, 16);
  d.set(c.iv, 48);
  return { user: { kind: FrameKind.CONTROL, offload: false, ctxId: c.ctxId }, data: d };
}

export function deleteFrame(ctxId: number): TxFrame {
  const d = new Uint8Array(CONTROL_FRAME_LEN);
  d[0] = ControlOpcode.DELETE;
  return { user: { kind: FrameKind.CONTROL, offload: false, ctxId }, data: d };
}

export function resyncFrame(r: ResyncLoad): TxFrame {
  const d = new Uint8Array(RESYNC_HEADER_LEN + r.prefix.length);
  const dv = new DataView(d.buffer);
  dv.setUint16(0, r.prefix.length);
  d[2] = r.atStart ? 1 : 0;
  dv.setUint32(4, r.recordStartTcpSn >>> 0);
  d.set(u64be(r.recordSeq), 8);
  d.set(r.explicitNonce.subarray(0, 8), 16);
  d.set(r.prefix, RESYNC_HEADER_LEN);
  return { user: { kind: FrameKind.RESYNC, offload: false, ctxId: r.ctxId }, data: d };
}

export function seekFrame(s: SeekLoad): TxFrame {
  const d = new Uint8Array(SEEK_FRAME_LEN + (s.tag ? 16 : 0));
  const dv = new DataView(d.buffer);
  dv.setUint16(0, s.offset);
  d[2] = ResyncFlag.SEEK | (s.tag ? ResyncFlag.TAG : 0);
  dv.setUint32(4, s.recordStartTcpSn >>> 0);
  d.set(u64be(s.recordSeq), 8);
  d.set(s.explicitNonce.subarray(0, 8), 16);
  d.set(s.header.subarray(0, 5), RESYNC_HEADER_LEN);
  if (s.tag) d.set(s.tag, SEEK_FRAME_LEN);
  return { user: { kind: FrameKind.RESYNC, offload: false, ctxId: s.ctxId }, data: d };
}

export type DecodedControl =
  | { op: 'install'; install: TxContextInstall }
  | { op: 'delete'; ctxId: number }
  | { op: 'error'; reason: string };

/** Decodes a control frame exactly as the engine does; anything inconsistent is an error. */
export function decodeControl(f: TxFrame): DecodedControl {
  const d = f.data;
  if (d.length < 1) return { op: 'error', reason: 'empty control frame' };
  if (d[0] === ControlOpcode.DELETE) return { op: 'delete', ctxId: f.user.ctxId };
  if (d[0] !== ControlOpcode.INSTALL) return { op: 'error', reason: `unknown opcode ${d[0]}` };
  if (d.length < CONTROL_FRAME_LEN) return { op: 'error', reason: `install frame of ${d.length} bytes` };
  const flags = d[1];
  if ((flags & ~3) !== 0) return { op: 'error', reason: `reserved flag bits ${flags}` };
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const version: TlsVersion = flags & 1 ? '1.3' : '1.2';
  const keyLen = flags & 2 ? 32 : 16;
  const ivLen = version === '1.3' ? 12 : 4;
  return {
    op: 'install',
    install: {
      ctxId: f.user.ctxId,
      version,
      key: d.slice(16, 16 + keyLen),
      iv: d.slice(48, 48 + ivLen),
      recordSeq: dv.getBigUint64(8),
      startOffloadTcpSn: dv.getUint32(4),
    },
  };
}

export type DecodedResync = { ok: true; load: ResyncLoad; seek?: undefined } | { ok: true; seek: SeekLoad; load?: undefined } | { ok: false; reason: string };

export function decodeResync(f: TxFrame): DecodedResync {
  const d = f.data;
  if (d.length < RESYNC_HEADER_LEN) return { ok: false, reason: `resync frame of ${d.length} bytes` };
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  // Bits 3..7 of the flags are reserved: a frame with any of them set is refused.
  const flags = d[2]!;
  if ((flags & ~7) !== 0) return { ok: false, reason: `reserved flag bits ${flags}` };
  if (flags & ResyncFlag.SEEK) {
    const tag = (flags & ResyncFlag.TAG) !== 0;
    if (flags & ResyncFlag.START) return { ok: false, reason: 'SEEK with START' };
    if (d.length !== SEEK_FRAME_LEN + (tag ? 16 : 0)) return { ok: false, reason: `seek descriptor of ${d.length} bytes` };
    return {
      ok: true,
      seek: {
        ctxId: f.user.ctxId,
        offset: dv.getUint16(0),
        recordStartTcpSn: dv.getUint32(4),
        recordSeq: dv.getBigUint64(8),
        explicitNonce: d.slice(16, 24),
        header: d.slice(RESYNC_HEADER_LEN, SEEK_FRAME_LEN),
        ...(tag ? { tag: d.slice(SEEK_FRAME_LEN, SEEK_FRAME_LEN + 16) } : {}),
      },
    };
  }
  if (flags & ResyncFlag.TAG) return { ok: false, reason: 'TAG without SEEK' };
  const prefixLen = dv.getUint16(0);
  if (d.length !== RESYNC_HEADER_LEN + prefixLen) {
    return { ok: false, reason: `prefix length ${prefixLen} but ${d.length - RESYNC_HEADER_LEN} bytes follow` };
  }
  return {
    ok: true,
    load: {
      ctxId: f.user.ctxId,
      recordStartTcpSn: dv.getUint32(4),
      recordSeq: dv.getBigUint64(8),
      explicitNonce: d.slice(16, 24),
      prefix: d.slice(RESYNC_HEADER_LEN),
      atStart: (d[2] & 1) === 1,
    },
  };
}
