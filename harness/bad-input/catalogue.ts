// The bad-input catalogue (docs/bad-input.md): for every class of bad input, the frames that
// carry it, the outcome the engines define for it (TX: drop and count; RX: pass untouched), and
// the tools to drive whole catalogues through the golden models and the Verilator RTL at once
// (test/rtl-bad-input.test.ts).
//
// A class is a *case*: a short, self-contained run of frames (usually: install a connection of
// its own, send an in-sequence packet, send the bad input, send the next in-sequence packet to
// show that nothing moved, delete the connection), the model verdict expected for each frame and
// the exact counter delta over the case. Cases are spliced into the frames of a healthy
// background scenario (whose connections must come through undisturbed), one after another, so a
// single simulator run covers the whole catalogue. A case that needs the bench's help says so:
// tkeep overrides and resets (BenchDirective), output holds (SimStallConfig.readyHolds).
//
// Connections of the cases ("victims") are built here from scratch: their records are framed by
// models/framer.ts, protected by models/tls-record.ts for RX, and may contain raw bytes (an
// impossible header) or records whose header was altered (content type, version bytes). Every
// record body is random, so the TX plaintext check can look for any 8 bytes of any body in the
// output.
import { concatBytes } from '../../models/bytes.ts';
import { ipv4HeaderChecksum } from '../../models/checksum.ts';
import { ftConfig, ftCreate, ftHashes, FT_DEFAULT_HASH_KEY, FT_DEFAULT_STASH, FT_WAYS, type FlowTableV2 } from '../../models/flow-table.ts';
import { createFramerState, frameNext } from '../../models/framer.ts';
import { createNicTx, nicTxStep, zeroTxCounters, type NicTxConfig, type TxCompletion, type TxCounterName, type TxCounters, type TxVerdict } from '../../models/nic-tx.ts';
import { createNicRx, nicRxStep, RX_MAX_ADVANCE, zeroRxCounters, type NicRxConfig, type RxCounterName, type RxCounters, type RxVerdict } from '../../models/nic-rx.ts';
import { buildTcpPacket, isParseError, parseTcpPacket, TcpFlag, type FlowTuple, type ParseErrorReason } from '../../models/packet.ts';
import { createPrng, type Prng } from '../../models/prng.ts';
import { RxInKind, rxDeleteFrame, rxInstallFrame, rxPacketFrame, rxResyncFrame, type RxFrame, type RxOutFrame } from '../../models/rx-frames.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import { protectRecord, recordPrefixLen, TLS_TAG_LEN, unprotectRecord, type TlsCryptoInfo, type TlsVersion } from '../../models/tls-record.ts';
import { deleteFrame, FrameKind, installFrame, packetFrame, ResyncFlag, resyncFrame, seekFrame, type TxFrame } from '../../models/tx-frames.ts';
import type { BenchDirective } from '../engine/sim-process.ts';
import { randomMac } from '../scenario/headers.ts';

// ---------------------------------------------------------------------------------------------
// Victim connections

/** One record of a victim's stream; header fields may be altered after framing. */
export interface VictimRecordSpec {
  /** Application bytes (1..16384). */
  size: number;
  /** Content type (TLS 1.2: the header's; TLS 1.3: the inner one). Default 23. */
  type?: number;
  /** Overwrite header byte 0 after framing (TLS 1.3: the outer type the AAD covers). */
  outerType?: number;
  /** Overwrite header bytes 1..2 (the legacy version) after framing. */
  versionBytes?: [number, number];
  /** RX: the sender corrupts the tag. */
  badTag?: boolean;
}

/** Raw bytes placed in the stream as they are (an impossible header and what follows it). */
export interface VictimRaw {
  raw: Uint8Array;
}

export type VictimPiece = VictimRecordSpec | VictimRaw;

export interface VictimRecord {
  recordSeq: bigint;
  /** Stream offset (from isn) of the header's first byte. */
  off: number;
  /** header ‖ [1.2 nonce] ‖ plaintext ‖ 16 zero bytes: what the TX host hands the NIC. */
  framed: Uint8Array;
  /** As sent by the RX peer (protected; the tag corrupted when badTag). */
  wire: Uint8Array;
  authentic: boolean;
}

export interface VictimOptions {
  ctxId: number;
  version?: TlsVersion;
  keyLen?: 16 | 32;
  ipVersion?: 4 | 6;
  vlan?: boolean;
  /** Handshake bytes before the first record (default 0). */
  pre?: number;
  isn?: number;
  pieces: VictimPiece[];
  /** RX: the connection's two flow-table buckets must be {h1, h2} in `table` (its geometry and hash key). */
  pair?: { table: FlowTableV2; h1: number; h2: number };
}

export interface Victim {
  ctxId: number;
  crypto: TlsCryptoInfo;
  isn: number;
  /** isn + pre: start_offload_tcp_sn (TX) / the install's TCP sequence number (RX). */
  startSn: number;
  pre: Uint8Array;
  records: VictimRecord[];
  /** Record plaintext bodies and raw pieces: bytes that must never leave the TX engine as they are. */
  secrets: Uint8Array[];
  /** TX stream (pre ‖ framed records / raw pieces), RX wire stream, and the RX marked view. */
  tx: Uint8Array;
  rx: Uint8Array;
  rxPlain: Uint8Array;
  /** As the connection's packets carry it (source = sender). */
  tuple: FlowTuple;
  /** An Ethernet frame carrying stream bytes [off, off + len) (offsets from isn). */
  frame(dir: 'tx' | 'rx', off: number, len: number, o?: FrameOptions): Uint8Array;
}

export interface FrameOptions {
  flags?: number;
  /** TCP sequence number (default isn + off). */
  seq?: number;
  /** Payload instead of the stream's bytes. */
  payload?: Uint8Array;
  /** Zero-pad the frame to 60 bytes (Ethernet padding after the IP datagram). */
  pad?: boolean;
}

let victimSeed = 0x0bad_0000;

export function createVictim(o: VictimOptions): Victim {
  const p = createPrng(victimSeed++);
  const version: TlsVersion = o.version ?? (p.chance(0.5) ? '1.3' : '1.2');
  const crypto: TlsCryptoInfo = { version, key: p.bytes(o.keyLen ?? (p.chance(0.5) ? 32 : 16)), iv: p.bytes(version === '1.3' ? 12 : 4) };
  const ipVersion = o.ipVersion ?? 4;
  const eth = { dst: randomMac(p), src: randomMac(p), ...(o.vlan ? { vlan: { pcp: 1, dei: 0, vid: p.int(1, 4094) } } : {}) };
  let src = p.bytes(ipVersion === 4 ? 4 : 16);
  let dst = p.bytes(ipVersion === 4 ? 4 : 16);
  let srcPort = p.int(1024, 65535);
  const dstPort = 443;
  const tupleOf = (): FlowTuple => ({ ipVersion, srcAddr: src, dstAddr: dst, srcPort, dstPort });
  for (let tries = 0; ; tries++) {
    const h = o.pair ? ftHashes(o.pair.table, tupleOf()) : null;
    const bad = o.pair && h && (h.h1 !== o.pair.h1 || h.h2 !== o.pair.h2);
    if (!bad) break;
    if (tries > 1_000_000) throw new Error('createVictim: no tuple for the requested flow-table buckets');
    src = p.bytes(src.length);
    dst = p.bytes(dst.length);
    srcPort = p.int(1024, 65535);
  }
  const isn = o.isn ?? p.nextU32();
  const pre = p.bytes(o.pre ?? 0);
  const startSn = seqAdd(isn, pre.length);
  const framer = createFramerState(
    { version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? (BigInt(p.nextU32()) << 32n) | BigInt(p.nextU32()) : undefined },
    { recordSeq: version === '1.2' ? BigInt(p.int(1, 9)) : BigInt(p.int(0, 9)), tcpSeq: startSn },
  );
  const ps = recordPrefixLen(version);
  const records: VictimRecord[] = [];
  const secrets: Uint8Array[] = [];
  const txParts: Uint8Array[] = [pre];
  const rxParts: Uint8Array[] = [pre];
  const plainParts: Uint8Array[] = [pre];
  let off = pre.length;
  for (const piece of o.pieces) {
    if ('raw' in piece) {
      txParts.push(piece.raw);
      rxParts.push(piece.raw);
      plainParts.push(piece.raw);
      secrets.push(piece.raw.subarray(5));
      framer.nextTcpSeq = seqAdd(framer.nextTcpSeq, piece.raw.length);
      off += piece.raw.length;
      continue;
    }
    framer.cfg = { ...framer.cfg, maxPlaintext: piece.size };
    const [rec] = frameNext(framer, p.bytes(piece.size), piece.type ?? 23);
    const framed = rec.bytes;
    if (piece.outerType !== undefined) framed[0] = piece.outerType;
    if (piece.versionBytes) [framed[1], framed[2]] = piece.versionBytes;
    const wire = protectRecord(crypto, rec.recordSeq, framed);
    if (piece.badTag) wire[wire.length - 1] ^= 0x5a;
    const view = wire.slice();
    view.set(framed.subarray(ps, framed.length - TLS_TAG_LEN), ps);
    records.push({ recordSeq: rec.recordSeq, off, framed, wire, authentic: !piece.badTag });
    secrets.push(framed.subarray(ps, framed.length - TLS_TAG_LEN));
    txParts.push(framed);
    rxParts.push(wire);
    plainParts.push(view);
    off += framed.length;
  }
  const tx = concatBytes(...txParts);
  const rx = concatBytes(...rxParts);
  const rxPlain = concatBytes(...plainParts);
  let ipId = p.int(0, 0xffff);
  const frame = (dir: 'tx' | 'rx', at: number, len: number, fo: FrameOptions = {}): Uint8Array => {
    const payload = fo.payload ?? (dir === 'tx' ? tx : rx).subarray(at, at + len);
    const ip =
      ipVersion === 4
        ? { version: 4 as const, src, dst, dscpEcn: 0, id: ipId++ & 0xffff, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) }
        : { version: 6 as const, src, dst, trafficClass: 0, flowLabel: 0x12345, hopLimit: 64 };
    return buildTcpPacket(
      {
        eth,
        ip,
        tcp: { srcPort, dstPort, seq: fo.seq ?? seqAdd(isn, at), ack: 1, flags: fo.flags ?? TcpFlag.ACK | TcpFlag.PSH, window: 501, urgent: 0, options: new Uint8Array(0) },
        payload,
      },
      { padToMinimum: fo.pad ?? false },
    );
  };
  return { ctxId: o.ctxId, crypto, isn, startSn, pre, records, secrets, tx, rx, rxPlain, tuple: tupleOf(), frame };
}

// TX frames of a victim.
export function vInstall(v: Victim, ctxId = v.ctxId): TxFrame {
  return installFrame({ ctxId, version: v.crypto.version, key: v.crypto.key, iv: v.crypto.iv, recordSeq: v.records[0].recordSeq, startOffloadTcpSn: v.startSn });
}
export function vPkt(v: Victim, off: number, len: number, o: FrameOptions = {}, ctxId = v.ctxId): TxFrame {
  return packetFrame(v.frame('tx', off, len, o), true, ctxId);
}
/** The resync load for a packet starting at stream offset `off` inside record `i`. */
export function vResync(v: Victim, i: number, off: number): TxFrame {
  const r = v.records[i];
  return resyncFrame({
    ctxId: v.ctxId,
    recordStartTcpSn: seqAdd(v.isn, r.off),
    recordSeq: r.recordSeq,
    explicitNonce: v.crypto.version === '1.2' ? r.framed.slice(5, 13) : new Uint8Array(8),
    prefix: v.tx.subarray(r.off, off),
  });
}
// RX frames of a victim.
export function vRxInstall(v: Victim, ctxId = v.ctxId, scan = true): RxFrame {
  return rxInstallFrame({ ctxId, tuple: v.tuple, version: v.crypto.version, key: v.crypto.key, iv: v.crypto.iv, recordSeq: v.records[0].recordSeq, startTcpSn: v.startSn, scan });
}
export function vRx(v: Victim, off: number, len: number, o: FrameOptions = {}): RxFrame {
  return rxPacketFrame(v.frame('rx', off, len, o));
}

// ---------------------------------------------------------------------------------------------
// Malformed headers: one frame per parse error, derived from a well-formed frame.

export interface MalformedVariant {
  id: string;
  title: string;
  /** What models/packet.ts parseTcpPacket reports. */
  reason: ParseErrorReason;
  ipVersion: 4 | 6;
  /** The bad frame, from a well-formed untagged frame of that IP version with a 10-byte payload. */
  make(f: Uint8Array): Uint8Array;
}

function fixIpv4Checksum(f: Uint8Array): Uint8Array {
  const ihl = (f[14] & 0x0f) * 4;
  if (f.length >= 14 + Math.max(ihl, 20) && ihl >= 20) {
    f[24] = 0;
    f[25] = 0;
    const c = ipv4HeaderChecksum(f, 14, ihl);
    f[24] = c >> 8;
    f[25] = c & 0xff;
  }
  return f;
}

function insertAt(f: Uint8Array, at: number, bytes: number[]): Uint8Array {
  return concatBytes(f.subarray(0, at), Uint8Array.from(bytes), f.subarray(at));
}

function setU16(f: Uint8Array, at: number, v: number): Uint8Array {
  f[at] = (v >> 8) & 0xff;
  f[at + 1] = v & 0xff;
  return f;
}

const u16 = (f: Uint8Array, at: number): number => (f[at] << 8) | f[at + 1];

export const MALFORMED: readonly MalformedVariant[] = [
  { id: 'truncated-ethernet', title: 'frame shorter than the 14-byte Ethernet header', reason: 'truncated-ethernet', ipVersion: 4, make: (f) => f.slice(0, 13) },
  { id: 'truncated-vlan', title: '802.1Q ethertype but the tag cut off (16 bytes)', reason: 'truncated-ethernet', ipVersion: 4, make: (f) => concatBytes(f.subarray(0, 12), Uint8Array.of(0x81, 0x00, 0x00, 0x05)) },
  { id: 'ethertype-arp', title: 'ethertype 0x0806 (not IP)', reason: 'unsupported-ethertype', ipVersion: 4, make: (f) => setU16(f.slice(), 12, 0x0806) },
  { id: 'qinq-88a8', title: 'QinQ: 802.1ad S-tag (ethertype 0x88a8) before the 802.1Q tag', reason: 'unsupported-ethertype', ipVersion: 4, make: (f) => insertAt(f, 12, [0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x05]) },
  { id: 'qinq-double-8100', title: 'QinQ: two 802.1Q tags (0x8100 twice)', reason: 'unsupported-ethertype', ipVersion: 4, make: (f) => insertAt(f, 12, [0x81, 0x00, 0x00, 0x64, 0x81, 0x00, 0x00, 0x05]) },
  { id: 'truncated-ipv4', title: 'IPv4 header cut off (16 bytes after L2)', reason: 'truncated-ipv4', ipVersion: 4, make: (f) => f.slice(0, 30) },
  { id: 'ipv4-version', title: 'ethertype IPv4, version nibble 5', reason: 'bad-ip-version', ipVersion: 4, make: (f) => { const g = f.slice(); g[14] = 0x55; return fixIpv4Checksum(g); } },
  { id: 'ipv4-ihl-low', title: 'IPv4 IHL 4 (< 5)', reason: 'bad-ihl', ipVersion: 4, make: (f) => { const g = f.slice(); g[14] = 0x44; return g; } },
  { id: 'ipv4-ihl-beyond-frame', title: 'IPv4 IHL 15 (60 bytes) in a 64-byte frame', reason: 'ipv4-header-beyond-frame', ipVersion: 4, make: (f) => { const g = f.slice(); g[14] = 0x4f; return g; } },
  { id: 'ipv4-total-length-low', title: 'IPv4 total length 19 (< header)', reason: 'bad-ipv4-total-length', ipVersion: 4, make: (f) => fixIpv4Checksum(setU16(f.slice(), 16, 19)) },
  { id: 'ipv4-total-length-beyond', title: 'IPv4 total length one byte beyond the frame', reason: 'ipv4-length-beyond-frame', ipVersion: 4, make: (f) => fixIpv4Checksum(setU16(f.slice(), 16, u16(f, 16) + 1)) },
  { id: 'ipv4-fragment-mf', title: 'IPv4 fragment: MF set, offset 0', reason: 'ipv4-fragment', ipVersion: 4, make: (f) => { const g = f.slice(); g[20] = 0x20; g[21] = 0; return fixIpv4Checksum(g); } },
  { id: 'ipv4-fragment-offset', title: 'IPv4 fragment: offset ≠ 0, MF clear (last fragment)', reason: 'ipv4-fragment', ipVersion: 4, make: (f) => { const g = f.slice(); g[20] = 0x00; g[21] = 0x10; return fixIpv4Checksum(g); } },
  { id: 'ipv4-not-tcp', title: 'IPv4 protocol 17 (UDP)', reason: 'not-tcp', ipVersion: 4, make: (f) => { const g = f.slice(); g[23] = 17; return fixIpv4Checksum(g); } },
  { id: 'truncated-tcp', title: 'IP payload of 12 bytes (TCP header needs 20)', reason: 'truncated-tcp', ipVersion: 4, make: (f) => fixIpv4Checksum(setU16(f.slice(0, 46), 16, 32)) },
  { id: 'tcp-doff-low', title: 'TCP data offset 4 (< 5)', reason: 'bad-tcp-data-offset', ipVersion: 4, make: (f) => { const g = f.slice(); g[46] = 0x40; return g; } },
  { id: 'tcp-doff-beyond', title: 'TCP data offset 15 (60 bytes) in a 30-byte segment', reason: 'bad-tcp-data-offset', ipVersion: 4, make: (f) => { const g = f.slice(); g[46] = 0xf0; return g; } },
  { id: 'truncated-ipv6', title: 'IPv6 header cut off (30 bytes after L2)', reason: 'truncated-ipv6', ipVersion: 6, make: (f) => f.slice(0, 44) },
  { id: 'ipv6-version', title: 'ethertype IPv6, version nibble 4', reason: 'bad-ip-version', ipVersion: 6, make: (f) => { const g = f.slice(); g[14] = 0x40 | (g[14] & 0x0f); return g; } },
  { id: 'ipv6-hop-by-hop', title: 'IPv6 extension header: hop-by-hop options (0) before TCP', reason: 'ipv6-extension-header', ipVersion: 6, make: (f) => { const g = insertAt(f, 54, [6, 0, 1, 4, 0, 0, 0, 0]); g[20] = 0; return setU16(g, 18, u16(g, 18) + 8); } },
  { id: 'ipv6-fragment-header', title: 'IPv6 extension header: fragment header (44), atomic fragment', reason: 'ipv6-extension-header', ipVersion: 6, make: (f) => { const g = insertAt(f, 54, [6, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]); g[20] = 44; return setU16(g, 18, u16(g, 18) + 8); } },
  { id: 'ipv6-routing-header', title: 'IPv6 extension header: routing header (43)', reason: 'ipv6-extension-header', ipVersion: 6, make: (f) => { const g = insertAt(f, 54, [6, 0, 4, 0, 0, 0, 0, 0]); g[20] = 43; return setU16(g, 18, u16(g, 18) + 8); } },
  { id: 'ipv6-payload-length-beyond', title: 'IPv6 payload length one byte beyond the frame', reason: 'ipv6-length-beyond-frame', ipVersion: 6, make: (f) => setU16(f.slice(), 18, u16(f, 18) + 1) },
  { id: 'ipv6-not-tcp', title: 'IPv6 next header 17 (UDP)', reason: 'not-tcp', ipVersion: 6, make: (f) => { const g = f.slice(); g[20] = 17; return g; } },
];

// ---------------------------------------------------------------------------------------------
// Cases

export interface CaseEnv {
  /** tdata width of the build (tkeep cases depend on the beat size). */
  width: number;
  nCtx: number;
  maxFrame: number;
  /** Context ids free for the cases (not used by the background): at least 4; the RX catalogue needs 13 (rx-bucket-full). */
  freeCtx: number[];
  /** A context id the background uses (control errors aimed at it must not disturb it). */
  busyCtx: number;
  /** RX: flow-table buckets NB of the build (default 4), and the hash key set when the cases run (default FT_DEFAULT_HASH_KEY). */
  buckets?: number;
  hashKey?: Uint8Array;
  /** RX: the background's connections (installed while the cases run); rx-bucket-full keeps clear of their bucket pairs. */
  busyTuples?: readonly FlowTuple[];
}

interface CaseCommon<V, C> {
  /** Stable class id, e.g. 'tx-qinq-88a8'; docs/bad-input.md lists it. */
  id: string;
  /** The bad input. */
  title: string;
  /** Its defined outcome, in words. */
  outcome: string;
  /** Expected model verdict per frame (null: not asserted, e.g. set-up frames). */
  verdicts: (V | null)[];
  /** Exact counter delta over the case's frames; counters not named stay unchanged. */
  delta: Partial<C>;
  /** Bench directives, frame indices relative to the case. */
  directives?: BenchDirective[];
  /** Output holds (m_tready low), frame indices relative to the case. */
  holds?: { frame: number; cycles: number }[];
  victims: Victim[];
  /** Records (over the case's victims) that must come out whole and decrypt (TX) / be marked decrypted (RX). */
  minRecords?: number;
}

export interface TxCase extends CaseCommon<TxVerdict, TxCounters> {
  frames: TxFrame[];
  /** The frames as the engine reads them when they differ from what is sent (tkeep overrides). */
  modelFrames?: TxFrame[];
}

export interface RxCase extends CaseCommon<RxVerdict, RxCounters> {
  frames: RxFrame[];
  modelFrames?: RxFrame[];
}

/** Counter deltas from short names: ints, or lists of payload lengths for the byte-counting pairs. */
type TxDeltaSpec = Partial<Record<'ctx' | 'del' | 'ooo' | 'resyncBytes' | 'skip' | 'noSync' | 'bypass' | 'noCtx' | 'malformed' | 'badRecord' | 'resyncBad' | 'ctrlErr' | 'frameErr' | 'plain' | 'seek' | 'seekTag' | 'rexmitBad', number>> & { enc?: number[] };

const TX_SHORT: Record<string, TxCounterName> = {
  ctx: 'tx_tls_ctx', del: 'tx_tls_del', ooo: 'tx_tls_ooo', resyncBytes: 'tx_tls_resync_bytes', skip: 'tx_tls_skip_no_sync_data',
  noSync: 'tx_tls_drop_no_sync_data', bypass: 'tx_tls_drop_bypass_req', noCtx: 'tx_tls_drop_no_ctx', malformed: 'tx_tls_drop_malformed',
  badRecord: 'tx_tls_drop_bad_record', resyncBad: 'tx_tls_resync_bad', ctrlErr: 'tx_tls_ctrl_err', frameErr: 'tx_frame_err', plain: 'tx_plain_packets',
  seek: 'tx_tls_rexmit_seek', seekTag: 'tx_tls_rexmit_tag', rexmitBad: 'tx_tls_rexmit_bad',
};

export function txDelta(s: TxDeltaSpec): Partial<TxCounters> {
  const d: Partial<TxCounters> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'enc') continue;
    if (v) d[TX_SHORT[k]] = v as number;
  }
  if (s.enc?.length) {
    d.tx_tls_encrypted_packets = s.enc.length;
    d.tx_tls_encrypted_bytes = s.enc.reduce((a, b) => a + b, 0);
  }
  return d;
}

type RxDeltaSpec = Partial<Record<'ctx' | 'del' | 'reqPkt' | 'reqStart' | 'reqEnd' | 'reqSkip' | 'resOk' | 'resSkip' | 'err' | 'pass' | 'old' | 'gap' | 'syncLost' | 'csum' | 'installFail' | 'evict' | 'ctrlErr' | 'frameErr' | 'oversize' | 'notTcp' | 'plain' | 'far', number>> & { dec?: number[] };

const RX_SHORT: Record<string, RxCounterName> = {
  ctx: 'rx_tls_ctx', del: 'rx_tls_del', reqPkt: 'rx_tls_resync_req_pkt', reqStart: 'rx_tls_resync_req_start', reqEnd: 'rx_tls_resync_req_end',
  reqSkip: 'rx_tls_resync_req_skip', resOk: 'rx_tls_resync_res_ok', resSkip: 'rx_tls_resync_res_skip', err: 'rx_tls_err', pass: 'rx_tls_pass_packets',
  old: 'rx_tls_old_packets', gap: 'rx_tls_gap_packets', syncLost: 'rx_tls_sync_lost', csum: 'rx_tls_csum_err', installFail: 'rx_tls_install_fail',
  evict: 'rx_tls_ctx_evict', ctrlErr: 'rx_ctrl_err', frameErr: 'rx_frame_err', oversize: 'rx_oversize_packets', notTcp: 'rx_not_tcp_packets',
  plain: 'rx_plain_packets', far: 'rx_tls_far_packets',
};

export function rxDelta(s: RxDeltaSpec): Partial<RxCounters> {
  const d: Partial<RxCounters> = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'dec') continue;
    if (v) d[RX_SHORT[k]] = v as number;
  }
  if (s.dec?.length) {
    d.rx_tls_decrypted_packets = s.dec.length;
    d.rx_tls_decrypted_bytes = s.dec.reduce((a, b) => a + b, 0);
  }
  return d;
}

export function fullTxDelta(d: Partial<TxCounters>): TxCounters {
  return { ...zeroTxCounters(), ...d };
}
export function fullRxDelta(d: Partial<RxCounters>): RxCounters {
  return { ...zeroRxCounters(), ...d };
}

const ctl = (ctxId: number, data: Uint8Array): TxFrame => ({ user: { kind: FrameKind.CONTROL, offload: false, ctxId }, data });
const rxCtl = (ctxId: number, data: Uint8Array): RxFrame => ({ user: { kind: RxInKind.CONTROL, ctxId }, data });

/** Length of a record of `size` application bytes on the wire. */
function recLen(version: TlsVersion, size: number): number {
  return size + (version === '1.2' ? 29 : 22);
}

/** An impossible record header of length field `len`, then `tail` random-looking bytes. */
function badHeader(len: number, tail: number, type = 23): Uint8Array {
  const b = createPrng(len * 7919 + tail).bytes(5 + tail);
  b[0] = type;
  b[1] = 3;
  b[2] = 3;
  b[3] = len >> 8;
  b[4] = len & 0xff;
  return b;
}

// ---------------------------------------------------------------------------------------------
// TX catalogue

export function buildTxCases(env: CaseEnv): TxCase[] {
  const cases: TxCase[] = [];
  const V = env.freeCtx[0];
  const EMPTY = env.freeCtx[1];
  const B = env.width / 8;
  const add = (c: Omit<TxCase, 'victims'> & { victims?: Victim[] }): void => {
    cases.push({ victims: [], ...c });
  };

  // A standard victim: one TLS 1.2 record of `size` application bytes, IPv4, no handshake bytes.
  const std = (o: Partial<VictimOptions> = {}, size = 300) => createVictim({ ctxId: V, version: '1.2', ipVersion: 4, pieces: [{ size }], ...o });

  // -- Frames the sideband or the frame itself makes bad --------------------------------------
  {
    const v = std();
    const n = v.tx.length;
    add({
      id: 'tx-ctx-not-installed', title: 'offloaded packet for a context id below N_CTX that was never installed',
      outcome: 'dropped, tx_tls_drop_no_ctx', victims: [v],
      frames: [vPkt(v, 0, n, {}, EMPTY)], verdicts: ['drop_no_ctx'], delta: txDelta({ noCtx: 1 }),
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    add({
      id: 'tx-ctx-beyond-table', title: 'offloaded packet for context ids ≥ N_CTX (N_CTX, N_CTX+3, 65535)',
      outcome: 'dropped, tx_tls_drop_no_ctx', victims: [v],
      frames: [vPkt(v, 0, n, {}, env.nCtx), vPkt(v, 0, n, {}, Math.min(env.nCtx + 3, 0xffff)), vPkt(v, 0, n, {}, 0xffff)],
      verdicts: ['drop_no_ctx', 'drop_no_ctx', 'drop_no_ctx'], delta: txDelta({ noCtx: 3 }),
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    add({
      id: 'tx-ctx-deleted', title: 'offloaded packet after its context was deleted',
      outcome: 'dropped, tx_tls_drop_no_ctx (the key is gone)', victims: [v],
      frames: [vInstall(v), deleteFrame(V), vPkt(v, 0, n)], verdicts: ['control', 'control', 'drop_no_ctx'], delta: txDelta({ ctx: 1, del: 1, noCtx: 1 }),
    });
  }
  {
    const v = std();
    add({
      id: 'tx-reserved-kind', title: 'frame of the reserved kind 3 (short, long, with the offload bit)',
      outcome: 'dropped, tx_frame_err', victims: [v],
      frames: [
        { user: { kind: FrameKind.RESERVED, offload: false, ctxId: env.busyCtx }, data: Uint8Array.of(1) },
        { user: { kind: FrameKind.RESERVED, offload: true, ctxId: V }, data: v.frame('tx', 0, v.tx.length) },
      ],
      verdicts: ['frame_error', 'frame_error'], delta: txDelta({ frameErr: 2 }),
    });
  }
  {
    // 1,100 records of 23 bytes in one frame of 25,354 bytes: beyond MAX_FRAME, and more records
    // than the completion queue holds (its depth counts one maximum frame's records). The frame
    // drops; its records finished past MAX_FRAME must not fill the queue (an early RTL hung here).
    const v = createVictim({ ctxId: V, version: '1.3', ipVersion: 4, pieces: Array.from({ length: 1100 }, () => ({ size: 1 })) });
    const n = v.tx.length;
    add({
      id: 'tx-oversize-many-records', title: `offloaded packet of ${n + 54} bytes (beyond MAX_FRAME) holding 1,100 records of 23 bytes, more than a maximum frame can hold`,
      outcome: 'dropped, tx_frame_err, no hang; the same records then go out in three packets, encrypted', victims: [v],
      frames: [vInstall(v), packetFrame(v.frame('tx', 0, n), true, V), vPkt(v, 0, 8000), vPkt(v, 8000, 8000), vPkt(v, 16000, n - 16000), deleteFrame(V)],
      verdicts: ['control', 'frame_error', 'encrypted', 'encrypted', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, frameErr: 1, enc: [8000, 8000, n - 16000] }),
      minRecords: 1100,
    });
  }
  {
    const v = std({}, 9600);
    const big = v.frame('tx', 0, env.maxFrame - 54 + 1);
    add({
      id: 'tx-oversize-offload', title: `offloaded packet of MAX_FRAME + 1 bytes (${env.maxFrame + 1})`,
      outcome: 'dropped, tx_frame_err; the context does not move (the next packet at the same sequence number is encrypted)', victims: [v],
      frames: [vInstall(v), packetFrame(big, true, V), vPkt(v, 0, 4000), vPkt(v, 4000, v.tx.length - 4000), deleteFrame(V)],
      verdicts: ['control', 'frame_error', 'encrypted', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, frameErr: 1, enc: [4000, v.tx.length - 4000] }),
      minRecords: 1,
    });
  }
  {
    const p = createPrng(41);
    add({
      id: 'tx-oversize-plain', title: 'plain packet frames of MAX_FRAME + 1, 12,000 and 140,000 bytes (beyond the 131,071-byte frame counter)',
      outcome: 'dropped, tx_frame_err',
      frames: [packetFrame(p.bytes(env.maxFrame + 1), false), packetFrame(p.bytes(12_000), false), packetFrame(p.bytes(140_000), false)],
      verdicts: ['frame_error', 'frame_error', 'frame_error'], delta: txDelta({ frameErr: 3 }),
    });
  }
  {
    const v = std({}, 9600);
    const n = env.maxFrame - 54;
    add({
      id: 'tx-max-frame', title: `offloaded packet of exactly MAX_FRAME (${env.maxFrame}) bytes (boundary)`,
      outcome: 'encrypted (the limit is inclusive)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, n), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }),
    });
  }

  // -- Headers that do not parse: one case each, aimed at the next in-sequence packet ----------
  for (const m of MALFORMED) {
    const v = std({ ipVersion: m.ipVersion });
    const bad = m.make(v.frame('tx', 100, 10));
    const n = v.tx.length;
    add({
      id: `tx-${m.id}`, title: m.title, outcome: 'dropped, tx_tls_drop_malformed; the context does not move', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 100), packetFrame(bad, true, V), vPkt(v, 100, 10), vPkt(v, 110, n - 110), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_malformed', 'encrypted', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, malformed: 1, enc: [100, 10, n - 110] }), minRecords: 1,
    });
  }

  // -- Headers that parse but are unusual ------------------------------------------------------
  {
    const v = std();
    const n = v.tx.length;
    const f = v.frame('tx', 0, n);
    f[14 + 10] ^= 0x55; // IPv4 header checksum wrong
    add({
      id: 'tx-ipv4-header-checksum-wrong', title: 'IPv4 header checksum wrong on an offloaded packet',
      outcome: 'encrypted; the IPv4 header (checksum included) leaves as the host wrote it (TX does not check it)', victims: [v],
      frames: [vInstall(v), packetFrame(f, true, V), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }), minRecords: 1,
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    const f = v.frame('tx', 0, n);
    f[14 + 20 + 16] ^= 0xff; // TCP checksum wrong
    add({
      id: 'tx-tcp-checksum-wrong', title: 'TCP checksum field wrong on an offloaded packet',
      outcome: 'encrypted; the TCP checksum is recomputed', victims: [v],
      frames: [vInstall(v), packetFrame(f, true, V), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }), minRecords: 1,
    });
  }
  {
    const v = std({}, 10);
    const n = v.tx.length;
    const f = v.frame('tx', 0, n);
    const padded = concatBytes(f, createPrng(5).bytes(Math.max(0, 60 - f.length) + 7));
    add({
      id: 'tx-ethernet-padding', title: 'bytes after the IP datagram (Ethernet padding, IPv4 total length < frame)',
      outcome: 'encrypted; the trailer leaves untouched and is not payload', victims: [v],
      frames: [vInstall(v), packetFrame(padded, true, V), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }), minRecords: 1,
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    const p = parseTcpPacket(v.frame('tx', 0, n));
    if (isParseError(p)) throw new Error('bad victim frame');
    const f = buildTcpPacket({ ...p, ip: { ...(p.ip as Extract<typeof p.ip, { version: 4 }>), options: new Uint8Array(40).fill(1) }, tcp: { ...p.tcp, options: new Uint8Array(40).fill(1) }, payload: v.tx.subarray(0, n) });
    add({
      id: 'tx-max-options', title: 'IPv4 IHL 15 and TCP data offset 15 (40 option bytes each, payload at byte 134)',
      outcome: 'encrypted (the parser window holds 138 header bytes)', victims: [v],
      frames: [vInstall(v), packetFrame(f, true, V), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }), minRecords: 1,
    });
  }

  // -- TCP flags and sequence numbers --------------------------------------------------------
  {
    const v = std();
    add({
      id: 'tx-no-payload', title: 'pure ACK, SYN, FIN and RST without payload on an offloaded connection',
      outcome: 'sent untouched, no counter, no state change', victims: [v],
      frames: [
        vInstall(v),
        vPkt(v, 0, 0, { flags: TcpFlag.ACK }),
        vPkt(v, 0, 0, { flags: TcpFlag.SYN, seq: seqAdd(v.isn, -1) }),
        vPkt(v, 0, 0, { flags: TcpFlag.FIN | TcpFlag.ACK, seq: seqAdd(v.isn, 5000) }),
        vPkt(v, 0, 0, { flags: TcpFlag.RST, seq: seqAdd(v.isn, 77) }),
        vPkt(v, 0, v.tx.length),
        deleteFrame(V),
      ],
      verdicts: ['control', 'pass', 'pass', 'pass', 'pass', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [v.tx.length] }), minRecords: 1,
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    add({
      id: 'tx-syn-with-payload', title: 'SYN carrying record bytes, at the sequence number before the start (the ISN)',
      outcome: 'dropped, tx_tls_drop_no_sync_data (flags are ignored; it is not where the context expects data)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 100), vPkt(v, 0, 100, { flags: TcpFlag.SYN, seq: seqAdd(v.isn, 99) }), vPkt(v, 100, n - 100), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_no_sync', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, ooo: 1, noSync: 1, enc: [100, n - 100] }), minRecords: 1,
    });
  }
  {
    const v = std();
    const n = v.tx.length;
    add({
      id: 'tx-fin-rst-with-payload', title: 'FIN with payload, then RST with payload, in sequence',
      outcome: 'encrypted like any data (TCP flags are ignored)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 100, { flags: TcpFlag.FIN | TcpFlag.ACK }), vPkt(v, 100, n - 100, { flags: TcpFlag.RST | TcpFlag.ACK }), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [100, n - 100] }), minRecords: 1,
    });
  }
  {
    const v = std({}, 2000);
    const n = v.tx.length;
    add({
      id: 'tx-out-of-sequence', title: 'offloaded packets ahead of and behind the expected sequence number, without a resync load',
      outcome: 'dropped, tx_tls_drop_no_sync_data and tx_tls_ooo; the context does not move', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 500), vPkt(v, 1000, 500), vPkt(v, 0, 500), vPkt(v, 400, 200), vPkt(v, 500, n - 500), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_no_sync', 'drop_no_sync', 'drop_no_sync', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, ooo: 3, noSync: 3, enc: [500, n - 500] }), minRecords: 1,
    });
  }
  {
    const v = std({ pre: 200 });
    const n = v.tx.length;
    add({
      id: 'tx-before-start-not-started', title: 'packet wholly before start_offload_tcp_sn while the context has not started',
      outcome: 'sent untouched (handshake bytes), tx_tls_skip_no_sync_data and tx_tls_ooo', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 200), vPkt(v, 200, n - 200), deleteFrame(V)],
      verdicts: ['control', 'skip', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, ooo: 1, skip: 1, enc: [n - 200] }), minRecords: 1,
    });
  }
  {
    const v = std({ pre: 200 });
    const n = v.tx.length;
    add({
      id: 'tx-before-start-started', title: 'packet wholly before start_offload_tcp_sn, offload bit set, after the context started',
      outcome: 'dropped, tx_tls_drop_no_sync_data (start_offload_tcp_sn is compared only before the context started)', victims: [v],
      frames: [vInstall(v), vPkt(v, 200, 100), vPkt(v, 0, 200), vPkt(v, 300, n - 300), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_no_sync', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, ooo: 1, noSync: 1, enc: [100, n - 300] }), minRecords: 1,
    });
  }
  {
    const v = std({ pre: 200 });
    const n = v.tx.length;
    add({
      id: 'tx-straddle-start', title: 'packet straddling start_offload_tcp_sn: before the context started, and again after',
      outcome: 'before: encrypted from the start on, the bytes before it untouched; after: dropped, tx_tls_drop_no_sync_data', victims: [v],
      frames: [vInstall(v), vPkt(v, 100, 200), vPkt(v, 150, 200), vPkt(v, 300, n - 300), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_no_sync', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, ooo: 1, noSync: 1, enc: [100, n - 300] }), minRecords: 1,
    });
  }
  {
    const v = std({ pre: 200 });
    const n = v.tx.length;
    add({
      id: 'tx-straddle-out-of-sync', title: 'packet straddling start_offload_tcp_sn while the (not yet started) context is out of sync after a bad record',
      outcome: 'dropped, tx_tls_drop_bypass_req and tx_tls_ooo', victims: [v],
      frames: [vInstall(v), vPkt(v, 200, 5, { payload: badHeader(0, 0) }), vPkt(v, 100, 200), vResync(v, 0, 200), vPkt(v, 200, n - 200), deleteFrame(V)],
      verdicts: ['control', 'drop_bad_record', 'drop_bypass', 'resync', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, badRecord: 1, ooo: 2, bypass: 1, enc: [n - 200] }), minRecords: 1,
    });
  }
  {
    // A resync load naming a record 2^31 + 4096 bytes past start_offload_tcp_sn, then the rest of it.
    const v = std({ pre: 0 }, 3000);
    const far = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 3000 }] });
    const shift = 0x8000_1000;
    // Re-home `far`'s first record at start + 2^31 + 4096 in v's sequence space, same connection.
    const r = far.records[0];
    const seqFar = seqAdd(v.startSn, shift);
    const nf = r.framed.length;
    const pkt = (a: number, len: number) => packetFrame(v.frame('tx', 0, len, { seq: seqAdd(seqFar, a), payload: r.framed.subarray(a, a + len) }), true, V);
    const load = resyncFrame({ ctxId: V, recordStartTcpSn: seqFar, recordSeq: v.records[0].recordSeq + 1000n, explicitNonce: r.framed.slice(5, 13), prefix: r.framed.subarray(0, 100) });
    add({
      id: 'tx-2gib-past-start', title: 'in-sequence data more than 2^31 bytes past start_offload_tcp_sn (after a resync load)',
      outcome: 'encrypted (not taken for pre-start data: the 2 GiB leak of issue 13 is closed)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 50), load, pkt(100, 1000), pkt(1100, nf - 1100), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'resync', 'encrypted', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, ooo: 1, resyncBytes: 100, enc: [50, 1000, nf - 1100] }),
    });
    // far's record body must not leave in the clear either.
    cases[cases.length - 1].victims.push({ ...far, secrets: far.secrets });
  }

  // -- Record framing ---------------------------------------------------------------------------
  for (const [id, len, title] of [
    ['tx-record-length-0', 0, 'record header with length 0'],
    ['tx-record-length-below-overhead', 23, 'record header with length 23 (TLS 1.2 needs ≥ 24: nonce + tag)'],
    ['tx-record-length-above-max', (1 << 14) + 257, 'record header with length 2^14 + 257 (> 2^14 + 256)'],
  ] as const) {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 200 }, { raw: badHeader(len, 60) }, { size: 300 }] });
    const a = v.records[0].framed.length;
    const c = v.records[1].off;
    const n = v.tx.length;
    add({
      id, title, outcome: 'the packet holding the header is dropped (tx_tls_drop_bad_record); the context stays out of sync (tx_tls_drop_no_sync_data) until a resync load; nothing of the bad record leaves', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, a + 20), vPkt(v, a + 20, 30), vPkt(v, c, n - c), vResync(v, 1, c), vPkt(v, c, n - c), deleteFrame(V)],
      verdicts: ['control', 'drop_bad_record', 'drop_no_sync', 'drop_no_sync', 'resync', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, badRecord: 1, ooo: 3, noSync: 2, enc: [n - c] }), minRecords: 1,
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 200 }, { raw: badHeader(15, 40) }] });
    const a = v.records[0].framed.length;
    add({
      id: 'tx-record-length-below-overhead-13', title: 'TLS 1.3 record header with length 15 (needs ≥ 16: the tag), split 2 + 3 bytes over two packets',
      outcome: 'the first packet (2 header bytes) is encrypted and sent; the one completing the header is dropped (tx_tls_drop_bad_record)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, a + 2), vPkt(v, a + 2, 20), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'drop_bad_record', 'control'], delta: txDelta({ ctx: 1, del: 1, badRecord: 1, enc: [a + 2] }), minRecords: 1,
    });
  }
  {
    // Empty records: TLS 1.2 length 24, TLS 1.3 length 16 (tag only) are the shortest accepted.
    const e12 = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 5 }] });
    const f12 = new Uint8Array(29);
    f12.set([23, 3, 3, 0, 24]);
    f12.set(e12.records[0].framed.subarray(5, 13), 5);
    const e13 = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 5 }] });
    const framed13 = Uint8Array.from([23, 3, 3, 0, 16, ...new Uint8Array(16)]);
    add({
      id: 'tx-record-empty', title: 'records of the shortest possible length (TLS 1.2: 24, no plaintext; TLS 1.3: 16, tag only)',
      outcome: 'encrypted: tag computed over an empty plaintext',
      frames: [
        vInstall(e12), packetFrame(e12.frame('tx', 0, 29, { payload: f12 }), true, V), deleteFrame(V),
        vInstall(e13), packetFrame(e13.frame('tx', 0, 21, { payload: framed13 }), true, V), deleteFrame(V),
      ],
      verdicts: ['control', 'encrypted', 'control', 'control', 'encrypted', 'control'], delta: txDelta({ ctx: 2, del: 2, enc: [29, 21] }),
    });
  }
  {
    // TLS 1.3 record of the longest accepted length: 2^14 + 256 after the header (239 padding bytes).
    const big0 = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 16384 }] });
    const framed = new Uint8Array(5 + (1 << 14) + 256);
    framed.set(big0.records[0].framed.subarray(0, 5 + 16385));
    framed[3] = ((1 << 14) + 256) >> 8;
    framed[4] = ((1 << 14) + 256) & 0xff;
    const big: Victim = { ...big0, tx: framed, records: [{ ...big0.records[0], framed }] };
    const n = framed.length;
    const pk = (a: number, len: number) => packetFrame(big.frame('tx', a, len, { payload: framed.subarray(a, a + len) }), true, V);
    add({
      id: 'tx-record-max-length', title: 'TLS 1.3 record of length 2^14 + 256 (the longest accepted), across two packets',
      outcome: 'encrypted', victims: [big],
      frames: [vInstall(big), pk(0, 9000), pk(9000, n - 9000), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [9000, n - 9000] }), minRecords: 1,
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 100 }, { size: 100, type: 21 }, { size: 100, type: 22 }, { size: 100, type: 99 }, { size: 100, type: 0 }, { size: 100 }] });
    const n = v.tx.length;
    add({
      id: 'tx-content-type-change', title: 'TLS 1.2 record content type changing mid-stream (23 → 21 → 22 → 99 → 0 → 23)',
      outcome: 'encrypted; each record is authenticated with its own type (the engine does not check types)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 250), vPkt(v, 250, n - 250), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [250, n - 250] }), minRecords: 6,
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 100 }, { size: 100, outerType: 22 }, { size: 100, type: 21 }, { size: 100, outerType: 21 }, { size: 100 }] });
    const n = v.tx.length;
    add({
      id: 'tx-content-type-change-13', title: 'TLS 1.3 outer content type changing mid-stream (23 → 22 → 23 → 21 → 23) and inner type 21',
      outcome: 'encrypted; the outer header is authenticated as written', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, n), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [n] }), minRecords: 5,
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 100 }, { size: 100, versionBytes: [3, 1] }, { size: 100, versionBytes: [0xfe, 0xfd] }, { size: 100 }] });
    const w = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 100 }, { size: 100, versionBytes: [3, 4] }, { size: 100 }] });
    add({
      id: 'tx-version-change', title: 'record version bytes changing mid-stream (0x0303 → 0x0301 → 0xfefd, TLS 1.2; 0x0303 → 0x0304, TLS 1.3)',
      outcome: 'encrypted; the header bytes are authenticated as written (the engine does not check versions)', victims: [v, w],
      frames: [vInstall(v), vPkt(v, 0, v.tx.length), deleteFrame(V), vInstall(w), vPkt(w, 0, w.tx.length), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'control', 'control', 'encrypted', 'control'], delta: txDelta({ ctx: 2, del: 2, enc: [v.tx.length, w.tx.length] }), minRecords: 7,
    });
  }

  // -- Control frames -----------------------------------------------------------------------------
  {
    const v = std();
    const inst = vInstall(v).data;
    const flags = inst.slice();
    flags[1] |= 0x04;
    add({
      id: 'tx-ctrl-bad-opcode', title: 'control frames with opcode 0, 3 and 0xff (aimed at a live context)',
      outcome: 'rejected, tx_tls_ctrl_err; the context is unchanged',
      frames: [ctl(env.busyCtx, Uint8Array.of(0, ...inst.subarray(1))), ctl(env.busyCtx, Uint8Array.of(3)), ctl(env.busyCtx, new Uint8Array(60).fill(0xff))],
      verdicts: ['control_error', 'control_error', 'control_error'], delta: txDelta({ ctrlErr: 3 }),
    });
    add({
      id: 'tx-ctrl-short-install', title: 'install frames of 1, 30 and 59 bytes (60 needed), aimed at a live context',
      outcome: 'rejected, tx_tls_ctrl_err; the context is unchanged',
      frames: [ctl(env.busyCtx, inst.slice(0, 1)), ctl(env.busyCtx, inst.slice(0, 30)), ctl(env.busyCtx, inst.slice(0, 59))],
      verdicts: ['control_error', 'control_error', 'control_error'], delta: txDelta({ ctrlErr: 3 }),
    });
    add({
      id: 'tx-ctrl-reserved-flags', title: 'install with a reserved flag bit set (bit 2)',
      outcome: 'rejected, tx_tls_ctrl_err; nothing installed (a following packet drops as no context)', victims: [v],
      frames: [ctl(V, flags), vPkt(v, 0, v.tx.length)], verdicts: ['control_error', 'drop_no_ctx'], delta: txDelta({ ctrlErr: 1, noCtx: 1 }),
    });
    add({
      id: 'tx-ctrl-ctx-beyond-table', title: 'install and delete for context ids ≥ N_CTX',
      outcome: 'rejected, tx_tls_ctrl_err',
      frames: [ctl(env.nCtx, inst), ctl(0xffff, inst), deleteFrame(env.nCtx), deleteFrame(0xffff)],
      verdicts: ['control_error', 'control_error', 'control_error', 'control_error'], delta: txDelta({ ctrlErr: 4 }),
    });
    add({
      id: 'tx-ctrl-delete-empty', title: 'delete of a context id that is not installed (twice: a double delete)',
      outcome: 'rejected, tx_tls_ctrl_err',
      frames: [vInstall(v), deleteFrame(V), deleteFrame(V), deleteFrame(EMPTY)], verdicts: ['control', 'control', 'control_error', 'control_error'],
      delta: txDelta({ ctx: 1, del: 1, ctrlErr: 2 }),
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', keyLen: 16, pieces: [{ size: 300 }] });
    const d = concatBytes(vInstall(v).data, createPrng(9).bytes(40));
    d[2] = 0xaa;
    d[3] = 0x55;
    d.set(createPrng(10).bytes(16), 32); // AES-128: key bytes 32..47 unused
    d.set(createPrng(11).bytes(8), 52); // TLS 1.2: iv bytes 52..59 unused
    add({
      id: 'tx-ctrl-install-junk', title: 'install with junk in every unused byte (reserved 2..3, AES-128 key bytes 32..47, TLS 1.2 iv bytes 52..59) and 40 extra bytes',
      outcome: 'installed; the junk is ignored (the records decrypt with the real key)', victims: [v],
      frames: [ctl(V, d), vPkt(v, 0, v.tx.length), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [v.tx.length] }), minRecords: 1,
    });
  }
  {
    const a = std();
    // b starts 1 MiB before a in sequence space, so a's later packet is past b's start (out of
    // sequence for b's context), whatever the random sequence numbers: never "before the start".
    const b = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 300 }], isn: seqAdd(a.isn, -(1 << 20)) });
    add({
      id: 'tx-ctrl-reinstall', title: 'install over an installed context (another connection, without a delete)',
      outcome: 'the new install replaces the old context (tx_tls_ctx); the old connection’s next packet is not encrypted with its key', victims: [a, b],
      frames: [vInstall(a), vPkt(a, 0, 100), vInstall(b), vPkt(a, 100, a.tx.length - 100), vPkt(b, 0, b.tx.length), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'control', 'drop_no_sync', 'encrypted', 'control'],
      delta: txDelta({ ctx: 2, del: 1, ooo: 1, noSync: 1, enc: [100, b.tx.length] }), minRecords: 1,
    });
  }

  // -- Resync context loads ---------------------------------------------------------------------
  {
    const v = std({}, 2000);
    const n = v.tx.length;
    const good = vResync(v, 0, 1000);
    const nonce = vResync(v, 0, 1000);
    nonce.data[24 + 7] ^= 1; // explicit nonce byte in the prefix ≠ the field
    const nonceField = v.records[0].framed.slice(5, 13);
    const badHdr = resyncFrame({ ctxId: V, recordStartTcpSn: v.startSn, recordSeq: v.records[0].recordSeq, explicitNonce: nonceField, prefix: concatBytes(Uint8Array.of(23, 3, 3, 0xff, 0xff), nonceField, new Uint8Array(12)) });
    const whole = vResync(v, 0, n); // completes the record
    const lenLong = { user: good.user, data: concatBytes(good.data, Uint8Array.of(0)) };
    const lenShort = { user: good.user, data: good.data.slice(0, good.data.length - 1) };
    // Flag bits other than START: reserved (bit 3), TAG without SEEK, SEEK on a prefix load (the
    // RTL has no retransmission descriptors yet and must never read one as a prefix load).
    const flagged = (b: number) => { const d = good.data.slice(); d[2] = b; return { user: good.user, data: d }; };
    add({
      id: 'tx-resync-contradictory', title: 'resync loads that contradict themselves: prefix length ≠ bytes present (±1), explicit nonce ≠ the prefix’s, impossible header in the prefix, a prefix that completes the record, flag bits other than START (reserved, TAG, SEEK)',
      outcome: 'rejected, tx_tls_resync_bad; the context is unchanged (the packet they precede drops, the right load then works)', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 500), lenLong, lenShort, nonce, badHdr, whole, flagged(0x08), flagged(0x04), flagged(0x02), vPkt(v, 1000, n - 1000), good, vPkt(v, 1000, n - 1000), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'drop_no_sync', 'resync', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, resyncBad: 8, rexmitBad: 1, ooo: 2, noSync: 1, resyncBytes: 1000, enc: [500, n - 1000] }),
    });
    add({
      id: 'tx-resync-no-ctx', title: 'resync loads for a context never installed and for ids ≥ N_CTX; one shorter than its 24-byte header',
      outcome: 'rejected, tx_tls_resync_bad',
      frames: [{ user: { ...good.user, ctxId: EMPTY }, data: good.data }, { user: { ...good.user, ctxId: env.nCtx }, data: good.data }, { user: { ...good.user, ctxId: 0xffff }, data: good.data }, { user: { ...good.user, ctxId: env.busyCtx }, data: good.data.slice(0, 23) }],
      verdicts: ['resync_bad', 'resync_bad', 'resync_bad', 'resync_bad'], delta: txDelta({ resyncBad: 4 }),
    });
  }
  {
    // Retransmission descriptors (SEEK, issue 17) that contradict themselves or their packet. The
    // connection's two records go out in order first (the first record's tag is then known); the
    // contradictions follow, then good seeks (mid-block with the known tag and the next record, tag
    // only), the next new segment on the untouched in-order context, and a prefix load replacing a
    // waiting descriptor.
    const v = createVictim({ ctxId: V, version: '1.2', ipVersion: 4, pieces: [{ size: 2000 }, { size: 300 }] });
    const r0 = v.records[0];
    const end0 = r0.framed.length;   // 2029: the second record's start
    const seek = (offset: number, o: { tag?: boolean; header?: Uint8Array; nonce?: Uint8Array; ctxId?: number } = {}): TxFrame => seekFrame({
      ctxId: o.ctxId ?? V, recordStartTcpSn: seqAdd(v.isn, r0.off), recordSeq: r0.recordSeq,
      explicitNonce: o.nonce ?? r0.framed.slice(5, 13), offset, header: o.header ?? r0.framed.slice(0, 5),
      ...(o.tag ? { tag: r0.wire.slice(r0.wire.length - TLS_TAG_LEN) } : {}),
    });
    const mut = (f: TxFrame, m: (d: Uint8Array) => Uint8Array): TxFrame => ({ user: f.user, data: m(f.data.slice()) });
    const otherType = r0.framed.slice(0, 5);
    otherType[0] = 22;
    const otherNonce = r0.framed.slice(5, 13);
    otherNonce[3] ^= 0x10;
    const shortBody = Uint8Array.of(23, 3, 3, 0, 10);
    const ack = packetFrame(v.frame('tx', 1003, 0, { flags: TcpFlag.ACK }), true, V);
    add({
      id: 'tx-seek-contradictory',
      title: 'retransmission descriptors (SEEK) that contradict their packet (another start, tag bytes without a tag, header or explicit nonce bytes that differ) or themselves (with START, a byte short, an offset beyond the record, an impossible record length, no context), and one whose packet is malformed',
      outcome: 'the descriptor is refused (tx_tls_resync_bad) or its packet dropped (tx_tls_drop_no_sync_data, tx_tls_drop_malformed), each counted in tx_tls_rexmit_bad; nothing else moves: good seeks after them send the first transmission’s bytes and the next new segment takes the in-order path',
      victims: [v],
      frames: [
        vInstall(v), vPkt(v, 0, 1000), vPkt(v, 1000, end0 - 1000),
        seek(1003), vPkt(v, 1000, 200),
        seek(1990), vPkt(v, 1990, 100),
        seek(0, { header: otherType }), vPkt(v, 0, 300),
        seek(8, { nonce: otherNonce }), vPkt(v, 8, 300),
        mut(seek(1003), (d) => { d[2] = ResyncFlag.SEEK | ResyncFlag.START; return d; }),
        mut(seek(1003, { tag: true }), (d) => d.subarray(0, d.length - 1)),
        seek(end0), seek(100, { header: shortBody }), seek(1003, { ctxId: EMPTY }),
        seek(1003, { tag: true }), packetFrame(v.frame('tx', 1003, 200).slice(0, 40), true, V),
        seek(1003, { tag: true }), ack, vPkt(v, 1003, v.tx.length - 1003),
        seek(end0 - 9, { tag: true }), vPkt(v, end0 - 9, 9),
        vPkt(v, end0, v.tx.length - end0),
        seek(500), vResync(v, 0, 700), vPkt(v, 700, 100),
        deleteFrame(V),
      ],
      verdicts: [
        'control', 'encrypted', 'encrypted',
        'resync', 'drop_no_sync', 'resync', 'drop_no_sync', 'resync', 'drop_no_sync', 'resync', 'drop_no_sync',
        'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad', 'resync_bad',
        'resync', 'drop_malformed',
        'resync', 'pass', 'encrypted', 'resync', 'encrypted',
        'encrypted',
        'resync', 'resync', 'encrypted',
        'control',
      ],
      delta: txDelta({
        ctx: 1, del: 1, ooo: 9, noSync: 4, resyncBad: 5, malformed: 1, rexmitBad: 10, seek: 2, seekTag: 2, resyncBytes: 700,
        enc: [1000, end0 - 1000, v.tx.length - 1003, 9, v.tx.length - end0, 100],
      }),
      minRecords: 2,
    });
  }
  {
    const v = std({}, 2000);
    const n = v.tx.length;
    add({
      id: 'tx-resync-empty-prefix', title: 'resync load with an empty prefix (the packet starts at a record start; boundary)',
      outcome: 'accepted (tx_tls_ooo), the packet after it is encrypted', victims: [v],
      frames: [vInstall(v), vPkt(v, 0, 500), vResync(v, 0, 0), vPkt(v, 0, n), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'resync', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, ooo: 1, enc: [500, n] }), minRecords: 1,
    });
  }

  // -- tkeep ------------------------------------------------------------------------------------------
  {
    // Frames of at least 4 beats; overrides on beat 1 (middle) and the last beat.
    const size = 6 * B;
    const mk = (ver: TlsVersion) => createVictim({ ctxId: V, version: ver, pieces: [{ size }] });
    const mid = (id: string, title: string, mask: bigint) => {
      const v = mk('1.2');
      const n = v.tx.length;
      add({
        id, title, outcome: 'the beat is taken as full (tkeep is read on last beats only): encrypted', victims: [v],
        frames: [vInstall(v), vPkt(v, 0, n), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'],
        delta: txDelta({ ctx: 1, del: 1, enc: [n] }), directives: [{ kind: 'keep', frame: 1, beat: 1, mask }], minRecords: 1,
      });
    };
    const full = (1n << BigInt(B)) - 1n;
    mid('tx-tkeep-hole-middle', 'tkeep with holes on a beat that is not the last (every other byte)', full & 0x5555_5555_5555_5555n);
    mid('tx-tkeep-zero-middle', 'tkeep all zero on a beat that is not the last', 0n);
  }

  {
    // Payload so that the frame is whole beats.
    const v0 = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 4 * B }] });
    const size = 4 * B + (B - ((54 + v0.tx.length) % B)) % B;
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size }] });
    const f = v.frame('tx', 0, v.tx.length);
    const beats = f.length / B;
    const full = (1n << BigInt(B)) - 1n;
    const mask = (full >> 1n) ^ (full >> 2n) ^ full; // top bit, holes below
    add({
      id: 'tx-tkeep-hole-last', title: 'non-contiguous tkeep on the last beat (highest byte kept, holes below it)',
      outcome: 'frame length = highest kept byte + 1 (holes are data); encrypted', victims: [v],
      frames: [vInstall(v), packetFrame(f, true, V), deleteFrame(V)], verdicts: ['control', 'encrypted', 'control'],
      delta: txDelta({ ctx: 1, del: 1, enc: [v.tx.length] }), directives: [{ kind: 'keep', frame: 1, beat: beats - 1, mask: mask & full }], minRecords: 1,
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 20 }] });
    const one = Uint8Array.of(0x5a);
    add({
      id: 'tx-tkeep-zero-single', title: 'a one-beat frame with tkeep all zero (a zero-byte frame) of each kind',
      outcome: 'control: tx_tls_ctrl_err; resync: tx_tls_resync_bad; offloaded packet: dropped (no context / malformed); reserved: tx_frame_err; a plain packet: tx-zero-byte-plain', victims: [v],
      frames: [ctl(V, one), { user: { kind: FrameKind.RESYNC, offload: false, ctxId: V }, data: one }, packetFrame(one, true, env.freeCtx[1]), vInstall(v), packetFrame(one, true, V), deleteFrame(V), { user: { kind: FrameKind.RESERVED, offload: false, ctxId: 0 }, data: one }],
      modelFrames: [ctl(V, new Uint8Array(0)), { user: { kind: FrameKind.RESYNC, offload: false, ctxId: V }, data: new Uint8Array(0) }, packetFrame(new Uint8Array(0), true, env.freeCtx[1]), vInstall(v), packetFrame(new Uint8Array(0), true, V), deleteFrame(V), { user: { kind: FrameKind.RESERVED, offload: false, ctxId: 0 }, data: new Uint8Array(0) }],
      verdicts: ['control_error', 'resync_bad', 'drop_no_ctx', 'control', 'drop_malformed', 'control', 'frame_error'],
      delta: txDelta({ ctrlErr: 1, resyncBad: 1, noCtx: 1, ctx: 1, malformed: 1, del: 1, frameErr: 1 }),
      directives: [0, 1, 2, 4, 6].map((frame) => ({ kind: 'keep' as const, frame, beat: 0, mask: 0n })),
    });
  }
  // -- Floods -----------------------------------------------------------------------------------------
  {
    const frames: TxFrame[] = [];
    for (let i = 0; i < 1000; i++) frames.push(ctl(env.busyCtx, Uint8Array.of(0x40 + (i & 0x3f), i & 0xff)));
    add({
      id: 'tx-flood-control', title: '1,000 bad control frames back to back, aimed at a live context',
      outcome: 'every one rejected (tx_tls_ctrl_err), no hang; the live connection is undisturbed',
      frames, verdicts: frames.map(() => 'control_error'), delta: txDelta({ ctrlErr: 1000 }),
    });
  }
  {
    const v = std();
    const frames: TxFrame[] = [];
    const load = vResync(v, 0, 50);
    for (let i = 0; i < 1000; i++) frames.push({ user: { ...load.user, ctxId: env.nCtx + (i % 7) }, data: load.data });
    add({
      id: 'tx-flood-resync-beyond-table', title: '1,000 resync loads back to back for context ids ≥ N_CTX',
      outcome: 'every one rejected (tx_tls_resync_bad), no hang',
      frames, verdicts: frames.map(() => 'resync_bad'), delta: txDelta({ resyncBad: 1000 }),
    });
  }
  {
    const v = std();
    const frames: TxFrame[] = [];
    for (let i = 0; i < 500; i++) frames.push(vInstall(v), deleteFrame(V));
    frames.push(vInstall(v), vPkt(v, 0, v.tx.length), deleteFrame(V));
    add({
      id: 'tx-flood-install-delete', title: '500 install/delete pairs of one context back to back, then its traffic',
      outcome: 'all applied (tx_tls_ctx, tx_tls_del), no hang; the last install encrypts correctly', victims: [v],
      frames, verdicts: [...frames.slice(0, 1001).map(() => 'control' as const), 'encrypted', 'control'],
      delta: txDelta({ ctx: 501, del: 501, enc: [v.tx.length] }), minRecords: 1,
    });
  }

  // -- Output back-pressure ---------------------------------------------------------------------
  {
    // 60 KB of traffic: more than the engine buffers, so the input must be held.
    const v = std({ pieces: [{ size: 16_000 }, { size: 16_000 }, { size: 16_000 }, { size: 12_000 }] });
    const n = v.tx.length;
    const cuts: number[] = [];
    for (let a = 0; a < n; a += 1460) cuts.push(a);
    cuts.push(n);
    const frames: TxFrame[] = [vInstall(v)];
    for (let i = 0; i + 1 < cuts.length; i++) frames.push(vPkt(v, cuts[i], cuts[i + 1] - cuts[i]));
    frames.push(deleteFrame(V));
    add({
      id: 'tx-backpressure-100k', title: 'output ready (m_tready) held low for 100,000 cycles while traffic keeps coming',
      outcome: 'the input is held (s_tready low) until the output drains; nothing lost, reordered or changed, no hang', victims: [v],
      frames, verdicts: [null, ...cuts.slice(1).map(() => 'encrypted' as const), null],
      delta: txDelta({ ctx: 1, del: 1, enc: cuts.slice(1).map((c, i) => c - cuts[i]) }), holds: [{ frame: 1, cycles: 100_000 }], minRecords: 4,
    });
  }
  return cases;
}

/**
 * tkeep all zero on a frame's LAST beat. The engines decide on the frame that ends with the beat
 * before (the model's frame), but the output repeats the empty beat: a null beat carrying tlast
 * (for a one-beat packet, a zero-byte output packet). Open (docs/bad-input.md): these cases run
 * apart from the catalogue, and their test pins today's behaviour exactly.
 */
export function buildTxNullBeatCases(env: CaseEnv): TxCase[] {
  const B = env.width / 8;
  const V = env.freeCtx[0];
  const cases: TxCase[] = [];
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 4 * B }] });
    const f = v.frame('tx', 0, v.tx.length);
    const pad = B - (f.length % B) + B; // at least one whole beat of Ethernet padding
    const sent = concatBytes(f, createPrng(3).bytes(pad));
    const beats = sent.length / B;
    const modelLen = (beats - 1) * B;
    cases.push({
      id: 'tx-tkeep-zero-last', title: 'tkeep all zero on the last beat of a multi-beat frame (that beat is Ethernet padding)',
      outcome: 'OPEN: encrypted and counted on the frame that ends with the previous beat (as the model), but the output ends with a null beat (tkeep = 0, tlast)', victims: [v],
      frames: [vInstall(v), packetFrame(sent, true, V), deleteFrame(V)], modelFrames: [vInstall(v), packetFrame(sent.slice(0, modelLen), true, V), deleteFrame(V)],
      verdicts: ['control', 'encrypted', 'control'], delta: txDelta({ ctx: 1, del: 1, enc: [v.tx.length] }),
      directives: [{ kind: 'keep', frame: 1, beat: beats - 1, mask: 0n }], minRecords: 1,
    });
  }
  {
    const one = Uint8Array.of(0x5a);
    cases.push({
      id: 'tx-zero-byte-plain', title: 'a one-beat plain packet frame with tkeep all zero (a zero-byte packet)',
      outcome: 'OPEN: passed as a zero-byte packet, i.e. one output beat with tkeep = 0 and tlast (the model sends an empty packet)', victims: [],
      frames: [packetFrame(one, false)], modelFrames: [packetFrame(new Uint8Array(0), false)],
      verdicts: ['pass'], delta: txDelta({ plain: 1 }), directives: [{ kind: 'keep', frame: 0, beat: 0, mask: 0n }],
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// RX catalogue

export function buildRxCases(env: CaseEnv): RxCase[] {
  const cases: RxCase[] = [];
  const V = env.freeCtx[0];
  const V2 = env.freeCtx[1];
  const EMPTY = env.freeCtx[2];
  const B = env.width / 8;
  const buckets = env.buckets ?? 4;
  const add = (c: Omit<RxCase, 'victims'> & { victims?: Victim[] }): void => {
    cases.push({ victims: [], ...c });
  };
  const std = (o: Partial<VictimOptions> = {}, size = 300) => createVictim({ ctxId: V, version: '1.2', ipVersion: 4, pieces: [{ size }], ...o });
  const del = (id = V) => rxDeleteFrame(id);

  // -- Frames -------------------------------------------------------------------------------------
  {
    const v = std({}, 9600);
    const big = v.frame('rx', 0, env.maxFrame - 54 + 1);
    const n = v.rx.length;
    add({
      id: 'rx-oversize', title: `packet of an installed connection of MAX_FRAME + 1 bytes (${env.maxFrame + 1}); a 20,000-byte frame`,
      outcome: 'passed untouched, rx_oversize_packets, no state change', victims: [v],
      frames: [vRxInstall(v), rxPacketFrame(big), rxPacketFrame(createPrng(7).bytes(20_000)), vRx(v, 0, 4000), vRx(v, 4000, n - 4000), del()],
      verdicts: ['installed', 'oversize', 'oversize', 'decrypted', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, oversize: 2, dec: [4000, n - 4000] }),
    });
  }
  {
    const v = std({}, 9600);
    const n = env.maxFrame - 54;
    add({
      id: 'rx-max-frame', title: `packet of exactly MAX_FRAME (${env.maxFrame}) bytes (boundary)`,
      outcome: 'decrypted (the limit is inclusive)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, n), del()], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [n] }),
    });
  }
  {
    const v = std();
    add({
      id: 'rx-reserved-kind', title: 'input frames of the reserved kinds 2 and 3 (one a copy of a packet)',
      outcome: 'dropped (no output), rx_frame_err', victims: [v],
      frames: [{ user: { kind: RxInKind.RESERVED2, ctxId: 0 }, data: v.frame('rx', 0, 50) }, { user: { kind: RxInKind.RESERVED3, ctxId: V }, data: Uint8Array.of(1) }],
      verdicts: ['frame_error', 'frame_error'], delta: rxDelta({ frameErr: 2 }),
    });
  }
  for (const m of MALFORMED) {
    const v = std({ ipVersion: m.ipVersion });
    const bad = m.make(v.frame('rx', 100, 10));
    const n = v.rx.length;
    add({
      id: `rx-${m.id}`, title: m.title, outcome: 'passed untouched, rx_not_tcp_packets; the connection does not move', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 100), rxPacketFrame(bad), vRx(v, 100, 10), vRx(v, 110, n - 110), del()],
      verdicts: ['installed', 'decrypted', 'not_tcp', 'decrypted', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, notTcp: 1, dec: [100, 10, n - 110] }),
    });
  }
  {
    const v = std();
    const w = std();
    add({
      id: 'rx-no-flow', title: 'TLS packets of a connection that is not installed (never, or after its delete)',
      outcome: 'passed untouched, rx_plain_packets', victims: [v, w],
      frames: [vRx(w, 0, w.rx.length), vRxInstall(v), vRx(v, 0, 100), del(), vRx(v, 100, v.rx.length - 100)],
      verdicts: ['plain', 'installed', 'decrypted', 'deleted', 'plain'], delta: rxDelta({ plain: 2, ctx: 1, del: 1, dec: [100] }),
    });
  }

  // -- Checksums ------------------------------------------------------------------------------------
  {
    const v = std();
    const n = v.rx.length;
    const f = v.frame('rx', 100, 100);
    f[22] ^= 0x01; // TTL: the IPv4 header checksum is now wrong, the TCP checksum (pseudo-header) still right
    add({
      id: 'rx-ipv4-header-checksum', title: 'IPv4 header checksum wrong, TCP checksum right',
      outcome: 'passed untouched, rx_tls_csum_err, no state change (the good copy is then decrypted)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 100), rxPacketFrame(f), vRx(v, 100, 100), vRx(v, 200, n - 200), del()],
      verdicts: ['installed', 'decrypted', 'csum_err', 'decrypted', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, csum: 1, dec: [100, 100, n - 200] }),
    });
  }
  for (const [id, ipVersion, future] of [['rx-tcp-checksum', 4, false], ['rx-tcp-checksum-ipv6', 6, false], ['rx-tcp-checksum-future', 4, true]] as const) {
    const v = std({ ipVersion });
    const n = v.rx.length;
    const f = v.frame('rx', future ? 200 : 100, 100);
    f[f.length - 3] ^= 0x10;
    add({
      id, title: future ? 'TCP checksum wrong on a segment beyond a gap' : `TCP checksum wrong (IPv${ipVersion})`,
      outcome: 'passed untouched, rx_tls_csum_err, no state change at all (no gap recorded)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 100), rxPacketFrame(f), vRx(v, 100, 100), vRx(v, 200, n - 200), del()],
      verdicts: ['installed', 'decrypted', 'csum_err', 'decrypted', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, csum: 1, dec: [100, 100, n - 200] }),
    });
  }

  // -- TCP flags and sequence numbers ----------------------------------------------------------------
  {
    const v = std();
    add({
      id: 'rx-no-payload', title: 'pure ACK, SYN, FIN and RST without payload on an installed connection',
      outcome: 'passed untouched, nothing counted, no state change', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 0, { flags: TcpFlag.ACK }), vRx(v, 0, 0, { flags: TcpFlag.SYN, seq: seqAdd(v.isn, -1) }), vRx(v, 0, 0, { flags: TcpFlag.FIN | TcpFlag.ACK, seq: seqAdd(v.isn, 9000) }), vRx(v, 0, 0, { flags: TcpFlag.RST }), vRx(v, 0, v.rx.length), del()],
      verdicts: ['installed', 'no_payload', 'no_payload', 'no_payload', 'no_payload', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
    });
  }
  {
    const v = std({}, 500);
    const n = v.rx.length;
    add({
      id: 'rx-syn-fin-rst-with-payload', title: 'SYN, FIN and RST carrying payload, in sequence',
      outcome: 'decrypted like any data (TCP flags are ignored; the host stack decides what the flags mean)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 100, { flags: TcpFlag.SYN }), vRx(v, 100, 100, { flags: TcpFlag.FIN | TcpFlag.ACK }), vRx(v, 200, n - 200, { flags: TcpFlag.RST | TcpFlag.ACK }), del()],
      verdicts: ['installed', 'decrypted', 'decrypted', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [100, 100, n - 200] }),
    });
  }
  {
    const v = std({}, 2000);
    const n = v.rx.length;
    add({
      id: 'rx-old-and-overlap', title: 'duplicate of a packet already seen, and a packet overlapping seen and new bytes',
      outcome: 'duplicate: passed untouched, rx_tls_old_packets; overlap: its new bytes are followed but it is not marked (rx_tls_pass_packets)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 500), vRx(v, 0, 500), vRx(v, 400, 600), vRx(v, 1000, n - 1000), del()],
      verdicts: ['installed', 'decrypted', 'old', 'pass', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, old: 1, pass: 2, dec: [500, n - 1000] }),
    });
  }
  {
    const v = std({}, 2000);
    const n = v.rx.length;
    const farSeq = seqAdd(v.isn, 500 + RX_MAX_ADVANCE + 1);
    add({
      id: 'rx-far', title: 'packet starting more than 64 MiB (RX_MAX_ADVANCE) past the expected sequence number; a host resync hint as far',
      outcome: 'passed untouched, rx_tls_far_packets, no state change (hint: rx_tls_resync_res_skip)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 500), vRx(v, 500, 100, { seq: farSeq }), rxResyncFrame({ ctxId: V, tcpSn: farSeq, recordSeq: 99n, hostDriven: true }), vRx(v, 500, n - 500), del()],
      verdicts: ['installed', 'decrypted', 'far', 'resync_skip', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, far: 1, pass: 1, resSkip: 1, dec: [500, n - 500] }),
    });
  }
  {
    const v = std({}, 2000);
    const n = v.rx.length;
    add({
      id: 'rx-far-boundary', title: 'packet starting exactly 64 MiB past the expected sequence number (boundary)',
      outcome: 'taken as a gap: passed untouched, rx_tls_gap_packets, sync lost (rx_tls_sync_lost); being past the scan start, the scan finds the record header it carries and raises a resync request', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, n), vRx(v, 0, 100, { seq: seqAdd(v.isn, n + RX_MAX_ADVANCE) }), del()],
      verdicts: ['installed', 'decrypted', 'pass', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, gap: 1, syncLost: 1, pass: 1, reqStart: 1, reqPkt: 1, reqSkip: 1, dec: [n] }),
    });
  }

  // -- Records -------------------------------------------------------------------------------------
  for (const [id, ver, len, title] of [
    ['rx-record-length-0', '1.2', 0, 'record header with length 0'],
    ['rx-record-length-below-overhead', '1.2', 23, 'TLS 1.2 record header with length 23 (< 24)'],
    ['rx-record-length-below-overhead-13', '1.3', 15, 'TLS 1.3 record header with length 15 (< 16)'],
    ['rx-record-length-above-max', '1.3', (1 << 14) + 257, 'record header with length 2^14 + 257'],
  ] as const) {
    const v = createVictim({ ctxId: V, version: ver, pieces: [{ size: 200 }, { raw: badHeader(len, 60) }, { size: 300 }] });
    const a = v.records[0].wire.length;
    const n = v.rx.length;
    add({
      id, title, outcome: 'the packet holding it passes untouched (rx_tls_err); sync is lost at the header (rx_tls_sync_lost), later packets pass until a resync', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, a + 20), vRx(v, a + 20, n - a - 20), del()],
      verdicts: ['installed', 'pass', 'pass', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, err: 1, syncLost: 1, pass: 2 }),
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.3', pieces: [{ size: 200 }, { size: 200, badTag: true }, { size: 200 }] });
    const a = v.records[0].wire.length;
    const b = v.records[2].off;
    const n = v.rx.length;
    add({
      id: 'rx-bad-tag', title: 'record whose tag does not authenticate',
      outcome: 'the packet holding its tag passes untouched (rx_tls_err); sync is kept, the next record is decrypted', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, a + 100), vRx(v, a + 100, b - a - 100), vRx(v, b, n - b), del()],
      verdicts: ['installed', 'decrypted', 'pass', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, err: 1, pass: 1, dec: [a + 100, n - b] }),
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 100 }, { size: 100, type: 21 }, { size: 100, type: 22 }, { size: 100, type: 99 }, { size: 100 }] });
    const w = createVictim({ ctxId: V2, version: '1.3', pieces: [{ size: 100 }, { size: 100, outerType: 22 }, { size: 100, outerType: 21 }, { size: 100 }] });
    add({
      id: 'rx-content-type-change', title: 'record content type changing mid-stream (TLS 1.2: 23 → 21 → 22 → 99 → 23; TLS 1.3 outer type 23 → 22 → 21 → 23)',
      outcome: 'decrypted (types are not checked in sync; each record authenticates with its own header)', victims: [v, w],
      frames: [vRxInstall(v), vRx(v, 0, 250), vRx(v, 250, v.rx.length - 250), del(), vRxInstall(w), vRx(w, 0, w.rx.length), del(V2)],
      verdicts: ['installed', 'decrypted', 'decrypted', 'deleted', 'installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 2, del: 2, dec: [250, v.rx.length - 250, w.rx.length] }),
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 100 }, { size: 100, versionBytes: [3, 1] }, { size: 100, versionBytes: [0xfe, 0xfd] }, { size: 100 }] });
    add({
      id: 'rx-version-change', title: 'record version bytes changing mid-stream (0x0303 → 0x0301 → 0xfefd → 0x0303)',
      outcome: 'decrypted (versions are not checked in sync; the header is authenticated as received)', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, v.rx.length), del()], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
    });
  }
  {
    const v = std({}, 10);
    const f = concatBytes(v.frame('rx', 0, v.rx.length), createPrng(6).bytes(13));
    add({
      id: 'rx-ethernet-padding', title: 'bytes after the IP datagram (Ethernet padding)',
      outcome: 'decrypted; the trailer is not payload and leaves as received', victims: [v],
      frames: [vRxInstall(v), rxPacketFrame(f), del()], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
    });
  }

  // -- Control frames --------------------------------------------------------------------------------
  {
    const v = std();
    const inst = vRxInstall(v).data;
    const flags = inst.slice();
    flags[1] |= 0x10;
    add({
      id: 'rx-ctrl-bad-opcode', title: 'control frames with opcode 0, 5 and 0xff',
      outcome: 'rejected, rx_ctrl_err, no output',
      frames: [rxCtl(env.busyCtx, Uint8Array.of(0, 0, 0)), rxCtl(env.busyCtx, Uint8Array.of(5)), rxCtl(env.busyCtx, new Uint8Array(96).fill(0xff))],
      verdicts: ['control_error', 'control_error', 'control_error'], delta: rxDelta({ ctrlErr: 3 }),
    });
    add({
      id: 'rx-ctrl-bad-install', title: 'install frames of 1 and 95 bytes (96 needed), with a reserved flag bit, and for ids ≥ N_CTX',
      outcome: 'rejected, rx_ctrl_err; each answers with an install-result event "bad_frame"; nothing installed (the connection’s packets pass as plain)', victims: [v],
      frames: [rxCtl(V, inst.slice(0, 1)), rxCtl(V, inst.slice(0, 95)), rxCtl(V, flags), rxCtl(env.nCtx, inst), rxCtl(0xffff, inst), vRx(v, 0, v.rx.length)],
      verdicts: ['control_error', 'control_error', 'control_error', 'control_error', 'control_error', 'plain'], delta: rxDelta({ ctrlErr: 5, plain: 1 }),
    });
    add({
      id: 'rx-ctrl-bad-delete', title: 'delete of an id never installed, a double delete, a delete for an id ≥ N_CTX',
      outcome: 'rejected, rx_ctrl_err, no output', victims: [v],
      frames: [rxDeleteFrame(EMPTY), vRxInstall(v), del(), del(), rxDeleteFrame(env.nCtx)],
      verdicts: ['control_error', 'installed', 'deleted', 'control_error', 'control_error'], delta: rxDelta({ ctrlErr: 3, ctx: 1, del: 1 }),
    });
  }
  {
    const v = createVictim({ ctxId: V, version: '1.2', keyLen: 16, pieces: [{ size: 300 }] });
    const d = concatBytes(vRxInstall(v).data, createPrng(12).bytes(30));
    d[2] = 0x12;
    d[3] = 0x34;
    d.set(createPrng(13).bytes(16), 32);
    d.set(createPrng(14).bytes(8), 52);
    add({
      id: 'rx-ctrl-install-junk', title: 'install with junk in every unused byte (reserved 2..3, AES-128 key bytes 32..47, TLS 1.2 iv bytes 52..59) and 30 extra bytes',
      outcome: 'installed; the junk is ignored (records decrypt with the real key)', victims: [v],
      frames: [rxCtl(V, d), vRx(v, 0, v.rx.length), del()], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
    });
  }
  {
    const v = std();
    const w = std();
    add({
      id: 'rx-ctrl-reinstall', title: 'install over an installed id (another connection), and an install of an installed tuple under another id',
      outcome: 'the older context is evicted (rx_tls_ctx_evict) and zeroized; the newest install holds the tuple', victims: [v, w],
      frames: [vRxInstall(v), vRxInstall(w, V), vRx(v, 0, 100), vRxInstall(w, V2), vRx(w, 0, w.rx.length), rxDeleteFrame(V2), del()],
      verdicts: ['installed', 'installed', 'plain', 'installed', 'decrypted', 'deleted', 'control_error'], delta: rxDelta({ ctx: 3, evict: 2, plain: 1, dec: [w.rx.length], del: 1, ctrlErr: 1 }),
    });
  }
  {
    // Flow table v2: 13 connections whose tuples share both candidate buckets {h1, h2} (under the
    // build's geometry and the hash key in force): 8 fill the two buckets' ways, 4 the stash, the
    // 13th finds no place. The pair is one no background connection has, so the background's
    // entries in h1 or h2 (if any) move to their other bucket and take none of the 12 places.
    const n = 2 * FT_WAYS + FT_DEFAULT_STASH + 1;
    if (env.freeCtx.length < n) throw new Error(`buildRxCases: rx-bucket-full needs ${n} free context ids, got ${env.freeCtx.length}`);
    const table = ftCreate(ftConfig({ nCtx: buckets * FT_WAYS, hashKey: env.hashKey ?? FT_DEFAULT_HASH_KEY }));
    const busy = new Set((env.busyTuples ?? []).map((t) => { const h = ftHashes(table, t); return `${h.h1},${h.h2}`; }));
    let pair: { h1: number; h2: number } | null = null;
    for (let h1 = 0; h1 < buckets / 2 && !pair; h1++) for (let h2 = buckets / 2; h2 < buckets && !pair; h2++) if (!busy.has(`${h1},${h2}`)) pair = { h1, h2 };
    if (!pair) throw new Error('buildRxCases: every bucket pair holds a background connection');
    const ids = env.freeCtx.slice(0, n);
    const vs = ids.map((id) => createVictim({ ctxId: id, version: '1.3', pair: { table, ...pair }, pieces: [{ size: 100 }] }));
    const last = vs[n - 1], first = vs[0];
    add({
      id: 'rx-bucket-full', title: `install when the tuple's two flow-table buckets (${2 * FT_WAYS} ways) and the ${FT_DEFAULT_STASH}-entry stash are taken: ${n} connections sharing {h1, h2}`,
      outcome: 'refused: install-result event "bucket_full", rx_tls_install_fail; the connection stays in software (its packets pass as plain)', victims: vs,
      frames: [...vs.map((v) => vRxInstall(v)), vRx(last, 0, last.rx.length), vRx(first, 0, first.rx.length), ...ids.slice(0, n - 1).map((id) => rxDeleteFrame(id))],
      verdicts: [...new Array<RxVerdict>(n - 1).fill('installed'), 'install_fail', 'plain', 'decrypted', ...new Array<RxVerdict>(n - 1).fill('deleted')],
      delta: rxDelta({ ctx: n - 1, installFail: 1, plain: 1, dec: [first.rx.length], del: n - 1 }),
    });
  }
  {
    const v = std({}, 2000);
    const n = v.rx.length;
    const rs = (o: Partial<{ ctxId: number; tcpSn: number; hostDriven: boolean }>) => rxResyncFrame({ ctxId: V, tcpSn: v.startSn, recordSeq: 5n, hostDriven: false, ...o });
    const short = rs({}).data.slice(0, 15);
    const flags = rs({}).data.slice();
    flags[1] = 0x02;
    add({
      id: 'rx-resync-bad-frame', title: 'resync responses of 15 bytes (16 needed), with a reserved flag bit, for ids ≥ N_CTX',
      outcome: 'rejected, rx_ctrl_err, no output, no state change', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 500), rxCtl(V, short), rxCtl(V, flags), rs({ ctxId: env.nCtx }), vRx(v, 500, n - 500), del()],
      verdicts: ['installed', 'decrypted', 'control_error', 'control_error', 'control_error', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, ctrlErr: 3, dec: [500, n - 500] }),
    });
    add({
      id: 'rx-resync-not-applicable', title: 'resync responses that do not apply: for an id not installed, a confirmation with no request outstanding, a host hint behind the stream',
      outcome: 'not applied, rx_tls_resync_res_skip; the connection is undisturbed', victims: [v],
      frames: [vRxInstall(v), vRx(v, 0, 500), rs({ ctxId: EMPTY }), rs({ tcpSn: v.startSn }), rs({ tcpSn: seqAdd(v.isn, 100), hostDriven: true }), vRx(v, 500, n - 500), del()],
      verdicts: ['installed', 'decrypted', 'resync_skip', 'resync_skip', 'resync_skip', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, resSkip: 3, dec: [500, n - 500] }),
    });
  }

  // -- tkeep ----------------------------------------------------------------------------------------
  {
    const full = (1n << BigInt(B)) - 1n;
    for (const [id, title, mask] of [
      ['rx-tkeep-hole-middle', 'tkeep with holes on a beat that is not the last (every other byte)', full & 0x5555_5555_5555_5555n],
      ['rx-tkeep-zero-middle', 'tkeep all zero on a beat that is not the last', 0n],
    ] as const) {
      const v = std({}, 6 * B);
      add({
        id, title, outcome: 'the beat is taken as full (tkeep is read on last beats only): decrypted', victims: [v],
        frames: [vRxInstall(v), vRx(v, 0, v.rx.length), del()], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
        directives: [{ kind: 'keep', frame: 1, beat: 1, mask }],
      });
    }
  }

  {
    const v0 = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 4 * B }] });
    const size = 4 * B + (B - ((54 + v0.rx.length) % B)) % B;
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size }] });
    const f = v.frame('rx', 0, v.rx.length);
    const beats = f.length / B;
    const full = (1n << BigInt(B)) - 1n;
    const mask = (full >> 1n) ^ (full >> 2n) ^ full;
    add({
      id: 'rx-tkeep-hole-last', title: 'non-contiguous tkeep on the last beat (highest byte kept, holes below it)',
      outcome: 'frame length = highest kept byte + 1 (holes are data); decrypted', victims: [v],
      frames: [vRxInstall(v), rxPacketFrame(f), rxDeleteFrame(V)], verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
      directives: [{ kind: 'keep', frame: 1, beat: beats - 1, mask: mask & full }],
    });
  }
  {
    const one = Uint8Array.of(0x5a);
    add({
      id: 'rx-tkeep-zero-single', title: 'a one-beat control or reserved-kind frame with tkeep all zero (a zero-byte frame)',
      outcome: 'control: rejected, rx_ctrl_err (an empty control frame); reserved: dropped, rx_frame_err; no output',
      frames: [rxCtl(V, one), { user: { kind: RxInKind.RESERVED2, ctxId: 0 }, data: one }],
      modelFrames: [rxCtl(V, new Uint8Array(0)), { user: { kind: RxInKind.RESERVED2, ctxId: 0 }, data: new Uint8Array(0) }],
      verdicts: ['control_error', 'frame_error'], delta: rxDelta({ ctrlErr: 1, frameErr: 1 }),
      directives: [0, 1].map((frame) => ({ kind: 'keep' as const, frame, beat: 0, mask: 0n })),
    });
  }
  // -- Floods and back-pressure ------------------------------------------------------------------------
  {
    const frames: RxFrame[] = [];
    for (let i = 0; i < 1000; i++) {
      frames.push(i % 2 ? rxCtl(env.busyCtx, Uint8Array.of(0x40 + (i & 0x3f))) : rxResyncFrame({ ctxId: EMPTY, tcpSn: i, recordSeq: BigInt(i), hostDriven: (i & 2) !== 0 }));
    }
    add({
      id: 'rx-flood-control', title: '1,000 control frames back to back (bad opcodes and resync responses for an id not installed)',
      outcome: 'rx_ctrl_err / rx_tls_resync_res_skip for each, no output, no hang; live connections undisturbed',
      frames, verdicts: frames.map((_, i) => (i % 2 ? 'control_error' : 'resync_skip')), delta: rxDelta({ ctrlErr: 500, resSkip: 500 }),
    });
  }
  {
    const v = std({ pieces: [{ size: 16_000 }, { size: 16_000 }, { size: 16_000 }, { size: 12_000 }] });
    const n = v.rx.length;
    const cuts: number[] = [];
    for (let a = 0; a < n; a += 1460) cuts.push(a);
    cuts.push(n);
    const frames: RxFrame[] = [vRxInstall(v)];
    for (let i = 0; i + 1 < cuts.length; i++) frames.push(vRx(v, cuts[i], cuts[i + 1] - cuts[i]));
    frames.push(del());
    add({
      id: 'rx-backpressure-100k', title: 'output ready (m_tready) held low for 100,000 cycles while traffic keeps coming',
      outcome: 'the input is held (s_tready low) until the output drains; nothing lost, reordered or changed, no hang', victims: [v],
      frames, verdicts: ['installed', ...cuts.slice(1).map(() => 'decrypted' as const), 'deleted'],
      delta: rxDelta({ ctx: 1, del: 1, dec: cuts.slice(1).map((c, i) => c - cuts[i]) }), holds: [{ frame: 1, cycles: 100_000 }],
    });
  }
  return cases;
}

/** RX: tkeep all zero on a frame's last beat (see buildTxNullBeatCases). */
export function buildRxNullBeatCases(env: CaseEnv): RxCase[] {
  const B = env.width / 8;
  const V = env.freeCtx[0];
  const cases: RxCase[] = [];
  {
    const v = createVictim({ ctxId: V, version: '1.2', pieces: [{ size: 4 * B }] });
    const f = v.frame('rx', 0, v.rx.length);
    const pad = B - (f.length % B) + B;
    const sent = concatBytes(f, createPrng(3).bytes(pad));
    const beats = sent.length / B;
    cases.push({
      id: 'rx-tkeep-zero-last', title: 'tkeep all zero on the last beat of a multi-beat frame (that beat is Ethernet padding)',
      outcome: 'OPEN: decrypted and counted on the frame that ends with the previous beat (as the model), but the output ends with a null beat (tkeep = 0, tlast)', victims: [v],
      frames: [vRxInstall(v), rxPacketFrame(sent), rxDeleteFrame(V)], modelFrames: [vRxInstall(v), rxPacketFrame(sent.slice(0, (beats - 1) * B)), rxDeleteFrame(V)],
      verdicts: ['installed', 'decrypted', 'deleted'], delta: rxDelta({ ctx: 1, del: 1, dec: [v.rx.length] }),
      directives: [{ kind: 'keep', frame: 1, beat: beats - 1, mask: 0n }],
    });
  }
  {
    cases.push({
      id: 'rx-zero-byte-install', title: 'a one-beat control frame with tkeep all zero whose (not kept) byte 0 is 1, the install opcode',
      outcome: 'rejected, rx_ctrl_err, no event (a frame of no bytes has no opcode), as the model', victims: [],
      frames: [rxCtl(V, Uint8Array.of(1))], modelFrames: [rxCtl(V, new Uint8Array(0))],
      verdicts: ['control_error'], delta: rxDelta({ ctrlErr: 1 }), directives: [{ kind: 'keep', frame: 0, beat: 0, mask: 0n }],
    });
  }
  {
    const one = Uint8Array.of(0x5a);
    cases.push({
      id: 'rx-zero-byte-packet', title: 'a one-beat packet frame with tkeep all zero (a zero-byte packet)',
      outcome: 'OPEN: rx_not_tcp_packets and passed as a zero-byte packet, i.e. one output beat with tkeep = 0 and tlast', victims: [],
      frames: [rxPacketFrame(one)], modelFrames: [rxPacketFrame(new Uint8Array(0))],
      verdicts: ['not_tcp'], delta: rxDelta({ notTcp: 1 }), directives: [{ kind: 'keep', frame: 0, beat: 0, mask: 0n }],
    });
  }
  return cases;
}

// ---------------------------------------------------------------------------------------------
// Splicing cases into a background run

export interface Composed<F> {
  /** Frames as sent to the RTL, and as the model must read them. */
  frames: F[];
  modelFrames: F[];
  directives: BenchDirective[];
  readyHolds: { frame: number; cycles: number }[];
  /** Where each case's frames sit in `frames`: [start, end). */
  spans: { start: number; end: number }[];
}

/**
 * The background frames with each case's frames inserted as one block, the blocks spread evenly
 * over background positions [from, to).
 */
export function compose<F>(background: readonly F[], cases: readonly { frames: F[]; modelFrames?: F[]; directives?: BenchDirective[]; holds?: { frame: number; cycles: number }[] }[], from: number, to: number): Composed<F> {
  const out: Composed<F> = { frames: [], modelFrames: [], directives: [], readyHolds: [], spans: [] };
  const at = cases.map((_, i) => from + Math.floor(((i + 1) * (to - from)) / (cases.length + 1)));
  let ci = 0;
  for (let bi = 0; bi <= background.length; bi++) {
    while (ci < cases.length && at[ci] === bi) {
      const c = cases[ci++];
      const start = out.frames.length;
      out.frames.push(...c.frames);
      out.modelFrames.push(...(c.modelFrames ?? c.frames));
      for (const d of c.directives ?? []) out.directives.push({ ...d, frame: start + d.frame });
      for (const h of c.holds ?? []) out.readyHolds.push({ frame: start + h.frame, cycles: h.cycles });
      out.spans.push({ start, end: out.frames.length });
    }
    if (bi < background.length) {
      out.frames.push(background[bi]);
      out.modelFrames.push(background[bi]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Output checks

/** Every 8-byte window of the secrets (record plaintext bodies), as a set of 64-bit keys. */
export function secretWindows(secrets: readonly Uint8Array[]): Set<bigint> {
  const s = new Set<bigint>();
  for (const b of secrets) {
    if (b.length < 8) continue;
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i + 8 <= b.length; i++) s.add(dv.getBigUint64(i));
  }
  return s;
}

/** Where an output packet carries 8 bytes of a secret: [packet index, byte offset] of the first hit, or null. */
export function findPlaintext(windows: ReadonlySet<bigint>, packets: readonly Uint8Array[]): [number, number] | null {
  for (let k = 0; k < packets.length; k++) {
    const b = packets[k];
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i + 8 <= b.length; i++) if (windows.has(dv.getBigUint64(i))) return [k, i];
  }
  return null;
}

function sameTuple(a: FlowTuple, b: FlowTuple): boolean {
  const eq = (x: Uint8Array, y: Uint8Array) => x.length === y.length && x.every((v, i) => v === y[i]);
  return a.ipVersion === b.ipVersion && a.srcPort === b.srcPort && a.dstPort === b.dstPort && eq(a.srcAddr, b.srcAddr) && eq(a.dstAddr, b.dstAddr);
}

/**
 * TX: the records of victim `v` that the output carries whole (from the packets of its tuple,
 * placed by sequence number) must decrypt to what the host framed. Returns how many did, and the
 * problems. Packets whose payload does not lie in the victim's stream (other sequence spaces,
 * re-homed records) are ignored.
 */
export function checkTxVictim(v: Victim, sent: readonly Uint8Array[]): { verified: number; problems: string[] } {
  const n = v.tx.length;
  const bytes = new Uint8Array(n);
  const seen = new Uint8Array(n);
  const problems: string[] = [];
  for (const f of sent) {
    const p = parseTcpPacket(f);
    if (isParseError(p) || !sameTuple(p.tuple, v.tuple)) continue;
    const off = (p.seq - v.isn) >>> 0;
    if (off + p.payloadLength > n) continue;
    for (let k = 0; k < p.payloadLength; k++) {
      const b = f[p.payloadOffset + k];
      if (seen[off + k] && bytes[off + k] !== b) problems.push(`ctx ${v.ctxId}: stream byte ${off + k} sent twice with different values`);
      bytes[off + k] = b;
      seen[off + k] = 1;
    }
  }
  let verified = 0;
  for (const r of v.records) {
    const len = r.framed.length;
    if (seen.subarray(r.off, r.off + len).some((x) => x === 0)) continue;
    const plain = unprotectRecord(v.crypto, r.recordSeq, bytes.subarray(r.off, r.off + len));
    const want = concatBytes(r.framed.subarray(0, len - TLS_TAG_LEN), new Uint8Array(TLS_TAG_LEN));
    if (!plain) problems.push(`ctx ${v.ctxId}: record ${r.recordSeq} does not authenticate`);
    else if (!plain.every((x, i) => x === want[i])) problems.push(`ctx ${v.ctxId}: record ${r.recordSeq} decrypts to the wrong plaintext`);
    else verified++;
  }
  return { verified, problems: problems.slice(0, 10) };
}

/**
 * RX: every output packet of victim `v` marked decrypted must carry the marked view of its stream
 * (record bodies in plaintext, everything else as received). Returns the marked packets checked.
 */
export function checkRxVictim(v: Victim, outputs: readonly { kind: number; decrypted: boolean; data: Uint8Array }[]): { marked: number; problems: string[] } {
  const problems: string[] = [];
  let marked = 0;
  for (const o of outputs) {
    if (o.kind !== 0 || !o.decrypted) continue;
    const p = parseTcpPacket(o.data);
    if (isParseError(p) || !sameTuple(p.tuple, v.tuple)) continue;
    const off = (p.seq - v.isn) >>> 0;
    marked++;
    const want = v.rxPlain.subarray(off, off + p.payloadLength);
    const got = o.data.subarray(p.payloadOffset, p.payloadOffset + p.payloadLength);
    if (want.length !== got.length || !got.every((x, i) => x === want[i])) problems.push(`ctx ${v.ctxId}: marked packet at stream offset ${off} is not the decrypted stream`);
  }
  return { marked, problems: problems.slice(0, 10) };
}


// ---------------------------------------------------------------------------------------------
// Model runs with a counter snapshot per case

export interface TxCatalogueModel {
  verdicts: TxVerdict[];
  outputs: { data: Uint8Array; frameIndex: number; ctxId: number; offload: boolean; verdict: TxVerdict }[];
  counters: TxCounters;
  /** Counter delta over each span. */
  deltas: TxCounters[];
  /** The completion stream (records finished in order), for the RTL's. */
  completions: TxCompletion[];
}

export function runTxCatalogueModel(frames: readonly TxFrame[], spans: readonly { start: number; end: number }[], config: NicTxConfig): TxCatalogueModel {
  const st = createNicTx(config);
  const verdicts: TxVerdict[] = [];
  const outputs: TxCatalogueModel['outputs'] = [];
  const snaps = new Map<number, TxCounters>();
  const snap = (i: number) => snaps.set(i, { ...st.counters });
  const marks = new Set(spans.flatMap((s) => [s.start, s.end]));
  const completions: TxCompletion[] = [];
  frames.forEach((f, i) => {
    if (marks.has(i)) snap(i);
    const r = nicTxStep(st, { user: f.user, data: f.data.slice() });
    verdicts.push(r.verdict);
    if (r.out) outputs.push({ data: r.out, frameIndex: i, ctxId: f.user.ctxId, offload: f.user.offload, verdict: r.verdict });
    if (r.completions) completions.push(...r.completions);
  });
  snap(frames.length);
  const deltas = spans.map((s) => {
    const a = snaps.get(s.start)!, b = snaps.get(s.end)!;
    return Object.fromEntries(Object.keys(a).map((k) => [k, b[k as TxCounterName] - a[k as TxCounterName]])) as TxCounters;
  });
  return { verdicts, outputs, counters: { ...st.counters }, deltas, completions };
}

export interface RxCatalogueModel {
  verdicts: RxVerdict[];
  outputs: { frame: RxOutFrame; frameIndex: number; verdict: RxVerdict }[];
  counters: RxCounters;
  deltas: RxCounters[];
}

export function runRxCatalogueModel(frames: readonly RxFrame[], spans: readonly { start: number; end: number }[], config: NicRxConfig): RxCatalogueModel {
  const st = createNicRx(config);
  const verdicts: RxVerdict[] = [];
  const outputs: RxCatalogueModel['outputs'] = [];
  const snaps = new Map<number, RxCounters>();
  const snap = (i: number) => snaps.set(i, { ...st.counters });
  const marks = new Set(spans.flatMap((s) => [s.start, s.end]));
  frames.forEach((f, i) => {
    if (marks.has(i)) snap(i);
    const r = nicRxStep(st, { user: f.user, data: f.data.slice() });
    verdicts.push(r.verdict);
    for (const o of r.out) outputs.push({ frame: o, frameIndex: i, verdict: r.verdict });
  });
  snap(frames.length);
  const deltas = spans.map((s) => {
    const a = snaps.get(s.start)!, b = snaps.get(s.end)!;
    return Object.fromEntries(Object.keys(a).map((k) => [k, b[k as RxCounterName] - a[k as RxCounterName]])) as RxCounters;
  });
  return { verdicts, outputs, counters: { ...st.counters }, deltas };
}
