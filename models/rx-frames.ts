// The RX engine's two streams as the hardware sees them, with the byte layout of every non-packet
// frame (all multi-byte fields big-endian). The golden model, the kernel model and the RTL bench
// all use these encoders/decoders, so they exchange exactly the same bytes.
//
// INPUT: one AXI-Stream; wire packets from the MAC and control frames from the driver, merged in
// the order they reach the engine. Sideband (`tuser`, sampled on a frame's first beat), the same
// 19-bit layout as the TX engine's input:
//   [1:0]   kind     0 = packet from the wire, 1 = control, 2/3 = reserved (dropped, rx_frame_err)
//   [2]     reserved (ignored; the TX engine's offload bit)
//   [18:3]  ctx_id   control frames: the context the driver addresses
//
// Control frame payload, byte 0 = opcode:
//   INSTALL (1), RX_INSTALL_LEN = 96 bytes (shorter → rejected; longer → extra ignored)
//     1       flags   bit0 TLS 1.3 (else 1.2), bit1 AES-256 (else 128), bit2 IPv6 (else IPv4),
//                     bit3 NO_SCAN (no stream scan: only host-driven resync); bits 4..7 must be 0
//     2..3    reserved
//     4..7    TCP sequence number where the record `recordSeq` starts (the kernel's copied_seq)
//     8..15   record sequence number of that record
//     16..47  key (AES-128: 16..31, the rest zero)
//     48..59  iv: TLS 1.3 static iv (12 bytes); TLS 1.2 salt in 48..51, rest zero
//     60..61  source port (the remote peer's, as in received packets)
//     62..63  destination port (the local one)
//     64..79  source address (the remote peer); IPv4 in 64..67, rest zero
//     80..95  destination address (local); IPv4 in 80..83, rest zero
//   DELETE (1 byte needed): opcode 2.
//   RESYNC response, RX_RESYNC_LEN = 16 bytes:
//     1       flags   bit0 HOST: 0 = confirmation of the device's resync request ("the record
//                     at TCP seq S has number N"), 1 = host-driven ("the next record starts at S
//                     and has number N"); bits 1..7 must be 0
//     2..3    reserved
//     4..7    S, TCP sequence number of a record start
//     8..15   N, that record's sequence number
//   HASH_KEY (4), RX_HASH_KEY_LEN = 20 bytes (shorter → rejected; longer → extra ignored): the
//   flow table's 128-bit Toeplitz hash key (models/flow-table.ts). Sent to ctx id 0 (the id is
//   only range-checked, like every control frame's).
//     1..3    reserved, must be 0
//     4..19   the key: byte j of the key is frame byte 4 + j; all zero → rejected
//   Accepted only while no context is installed (the flow table is empty); it replaces the key
//   and clears the table. No output.
//
// OUTPUT: one AXI-Stream carrying every input packet exactly once, in input order, with device
// events interleaved, in order. Sideband (`tuser` on the first beat):
//   [1:0]   kind       0 = packet, 1 = event (2, 3 never produced)
//   [2]     decrypted  packets only: the payload's record bodies were decrypted in place and
//                      every record ending in the packet authenticated (the driver sets
//                      skb->decrypted and reports the checksum verified)
// An event produced while processing a packet is emitted immediately BEFORE that packet; an
// install result replaces the control frame that caused it.
//
// Event frame payload, RX_EVENT_LEN = 16 bytes:
//   0       code     1 = resync request, 2 = install result
//   1       status   install result: 0 ok, 1 bucket full, 2 bad frame (rejected control frame);
//                    resync request: 0
//   2..3    ctx_id
//   4..7    resync request: guessed TCP sequence number of a record header's first byte; else 0
//   8..15   zero
import { u64be } from './bytes.ts';
import type { FlowTuple } from './packet.ts';
import type { TlsVersion } from './tls-record.ts';

export const RxInKind = { PACKET: 0, CONTROL: 1, RESERVED2: 2, RESERVED3: 3 } as const;
export type RxInKindCode = (typeof RxInKind)[keyof typeof RxInKind];

export interface RxInSideband {
  kind: RxInKindCode;
  ctxId: number;
}

/** One frame on the engine's input stream. */
export interface RxFrame {
  user: RxInSideband;
  data: Uint8Array;
}

export const RxOutKind = { PACKET: 0, EVENT: 1 } as const;
export type RxOutKindCode = (typeof RxOutKind)[keyof typeof RxOutKind];

export interface RxOutSideband {
  kind: RxOutKindCode;
  decrypted: boolean;
}

/** One frame on the engine's output stream. */
export interface RxOutFrame {
  user: RxOutSideband;
  data: Uint8Array;
}

export const RxOpcode = { INSTALL: 1, DELETE: 2, RESYNC: 3, HASH_KEY: 4 } as const;
export const RxInstallFlag = { TLS13: 1, AES256: 2, IPV6: 4, NO_SCAN: 8 } as const;
export const RxResyncFlag = { HOST: 1 } as const;
export const RX_INSTALL_LEN = 96;
export const RX_RESYNC_LEN = 16;
export const RX_HASH_KEY_LEN = 20;
/** Bytes of the flow table's hash key in a HASH_KEY frame. */
export const RX_HASH_KEY_BYTES = 16;
export const RX_EVENT_LEN = 16;

/** What the driver's tls_dev_add(…, TLS_OFFLOAD_CTX_DIR_RX, …) hands the device. */
export interface RxContextInstall {
  ctxId: number;
  /** The connection as received packets carry it: source = remote peer. */
  tuple: FlowTuple;
  version: TlsVersion;
  key: Uint8Array;
  iv: Uint8Array;
  /** Record sequence number of the record starting at startTcpSn. */
  recordSeq: bigint;
  startTcpSn: number;
  /** Stream-scan resynchronization enabled (false: only host-driven resync). */
  scan: boolean;
}

/** tls_dev_resync for RX: S and N, and which of the two kinds of response it is. */
export interface RxResyncResponse {
  ctxId: number;
  tcpSn: number;
  recordSeq: bigint;
  hostDriven: boolean;
}

export const RxEventCode = { RESYNC_REQUEST: 1, INSTALL_RESULT: 2 } as const;
export const InstallStatus = { OK: 0, BUCKET_FULL: 1, BAD_FRAME: 2 } as const;
export type InstallStatusName = 'ok' | 'bucket_full' | 'bad_frame';
const STATUS_NAMES: readonly InstallStatusName[] = ['ok', 'bucket_full', 'bad_frame'];

export type RxEvent =
  | { code: 'resync_request'; ctxId: number; tcpSn: number }
  | { code: 'install_result'; ctxId: number; status: InstallStatusName };

export function rxPacketFrame(frame: Uint8Array): RxFrame {
  return { user: { kind: RxInKind.PACKET, ctxId: 0 }, data: frame };
}

function control(ctxId: number, data: Uint8Array): RxFrame {
  return { user: { kind: RxInKind.CONTROL, ctxId }, data };
}

export function rxInstallFrame(c: RxContextInstall): RxFrame {
  const d = new Uint8Array(RX_INSTALL_LEN);
  const dv = new DataView(d.buffer);
  const t = c.tuple;
  d[0] = RxOpcode.INSTALL;
  d[1] =
    (c.version === '1.3' ? RxInstallFlag.TLS13 : 0) |
    (c.key.length === 32 ? RxInstallFlag.AES256 : 0) |
    (t.ipVersion === 6 ? RxInstallFlag.IPV6 : 0) |
    (c.scan ? 0 : RxInstallFlag.NO_SCAN);
  dv.setUint32(4, c.startTcpSn >>> 0);
  d.set(u64be(c.recordSeq), 8);
  d.set(c.key, 16);
  d.set(c.iv, 48);
  dv.setUint16(60, t.srcPort);
  dv.setUint16(62, t.dstPort);
  d.set(t.srcAddr, 64);
  d.set(t.dstAddr, 80);
  return control(c.ctxId, d);
}

export function rxDeleteFrame(ctxId: number): RxFrame {
  return control(ctxId, Uint8Array.of(RxOpcode.DELETE));
}

export function rxResyncFrame(r: RxResyncResponse): RxFrame {
  const d = new Uint8Array(RX_RESYNC_LEN);
  const dv = new DataView(d.buffer);
  d[0] = RxOpcode.RESYNC;
  d[1] = r.hostDriven ? RxResyncFlag.HOST : 0;
  dv.setUint32(4, r.tcpSn >>> 0);
  d.set(u64be(r.recordSeq), 8);
  return control(r.ctxId, d);
}

/** The flow table's hash key (16 bytes); addressed to ctx id 0. */
export function rxHashKeyFrame(key: Uint8Array, ctxId = 0): RxFrame {
  if (key.length !== RX_HASH_KEY_BYTES) throw new Error(`rxHashKeyFrame: the key must be ${RX_HASH_KEY_BYTES} bytes, got ${key.length}`);
  const d = new Uint8Array(RX_HASH_KEY_LEN);
  d[0] = RxOpcode.HASH_KEY;
  d.set(key, 4);
  return control(ctxId, d);
}

/** A HASH_KEY control frame (by its opcode; well-formed or not). */
export function isRxHashKeyFrame(f: RxFrame): boolean {
  return f.user.kind === RxInKind.CONTROL && f.data.length > 0 && f.data[0] === RxOpcode.HASH_KEY;
}

export type DecodedRxControl =
  | { op: 'install'; install: RxContextInstall }
  | { op: 'delete'; ctxId: number }
  | { op: 'resync'; resync: RxResyncResponse }
  | { op: 'hash_key'; key: Uint8Array }
  | { op: 'error'; reason: string };

/** Decodes a control frame exactly as the engine does; anything inconsistent is an error. */
export function decodeRxControl(f: RxFrame): DecodedRxControl {
  const d = f.data;
  const ctxId = f.user.ctxId;
  if (d.length < 1) return { op: 'error', reason: 'empty control frame' };
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  switch (d[0]) {
    case RxOpcode.DELETE:
      return { op: 'delete', ctxId };
    case RxOpcode.RESYNC: {
      if (d.length < RX_RESYNC_LEN) return { op: 'error', reason: `resync frame of ${d.length} bytes` };
      if ((d[1] & ~RxResyncFlag.HOST) !== 0) return { op: 'error', reason: `reserved resync flag bits ${d[1]}` };
      return {
        op: 'resync',
        resync: { ctxId, tcpSn: dv.getUint32(4), recordSeq: dv.getBigUint64(8), hostDriven: (d[1] & RxResyncFlag.HOST) !== 0 },
      };
    }
    case RxOpcode.INSTALL: {
      if (d.length < RX_INSTALL_LEN) return { op: 'error', reason: `install frame of ${d.length} bytes` };
      const flags = d[1];
      if ((flags & ~0x0f) !== 0) return { op: 'error', reason: `reserved install flag bits ${flags}` };
      const version: TlsVersion = flags & RxInstallFlag.TLS13 ? '1.3' : '1.2';
      const keyLen = flags & RxInstallFlag.AES256 ? 32 : 16;
      const ipVersion = flags & RxInstallFlag.IPV6 ? 6 : 4;
      const al = ipVersion === 4 ? 4 : 16;
      return {
        op: 'install',
        install: {
          ctxId,
          tuple: {
            ipVersion,
            srcAddr: d.slice(64, 64 + al),
            dstAddr: d.slice(80, 80 + al),
            srcPort: dv.getUint16(60),
            dstPort: dv.getUint16(62),
          },
          version,
          key: d.slice(16, 16 + keyLen),
          iv: d.slice(48, 48 + (version === '1.3' ? 12 : 4)),
          recordSeq: dv.getBigUint64(8),
          startTcpSn: dv.getUint32(4),
          scan: (flags & RxInstallFlag.NO_SCAN) === 0,
        },
      };
    }
    case RxOpcode.HASH_KEY: {
      if (d.length < RX_HASH_KEY_LEN) return { op: 'error', reason: `hash key frame of ${d.length} bytes` };
      if (d[1] !== 0 || d[2] !== 0 || d[3] !== 0) return { op: 'error', reason: 'hash key frame with reserved bytes 1..3 not zero' };
      const key = d.slice(4, 4 + RX_HASH_KEY_BYTES);
      if (key.every((b) => b === 0)) return { op: 'error', reason: 'all-zero hash key' };
      return { op: 'hash_key', key };
    }
    default:
      return { op: 'error', reason: `unknown opcode ${d[0]}` };
  }
}

export function rxOutPacket(data: Uint8Array, decrypted: boolean): RxOutFrame {
  return { user: { kind: RxOutKind.PACKET, decrypted }, data };
}

export function rxEventFrame(e: RxEvent): RxOutFrame {
  const d = new Uint8Array(RX_EVENT_LEN);
  const dv = new DataView(d.buffer);
  if (e.code === 'resync_request') {
    d[0] = RxEventCode.RESYNC_REQUEST;
    dv.setUint32(4, e.tcpSn >>> 0);
  } else {
    d[0] = RxEventCode.INSTALL_RESULT;
    d[1] = STATUS_NAMES.indexOf(e.status);
  }
  dv.setUint16(2, e.ctxId);
  return { user: { kind: RxOutKind.EVENT, decrypted: false }, data: d };
}

/** The event an output frame carries, or null if it is not a well-formed event frame. */
export function decodeRxEvent(f: RxOutFrame): RxEvent | null {
  const d = f.data;
  if (f.user.kind !== RxOutKind.EVENT || d.length !== RX_EVENT_LEN) return null;
  const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const ctxId = dv.getUint16(2);
  if (d[0] === RxEventCode.RESYNC_REQUEST) return { code: 'resync_request', ctxId, tcpSn: dv.getUint32(4) };
  if (d[0] === RxEventCode.INSTALL_RESULT && d[1] < STATUS_NAMES.length) return { code: 'install_result', ctxId, status: STATUS_NAMES[d[1]] };
  return null;
}
