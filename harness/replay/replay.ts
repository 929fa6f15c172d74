// Replay of a real capture through a TX engine. For every TCP connection of a pcap or pcapng whose
// TLS 1.2/1.3 AES-GCM handshake is in the capture and whose secrets are in the keylog, and for each
// direction, the replay plays the sending host with TLS_HW offload installed at the direction's
// first application-traffic record: it rebuilds the plaintext-framed segments the host's kTLS
// would hand the NIC (the captured packets with their payload taken from the host's stream: every
// application record replaced by its framed plaintext with a dummy tag), runs them through the
// driver model (resync context loads where a segment is not where the device expects it) and, with
// every other packet of the capture as a plain packet, through one engine, in capture order. The
// engine's output must then equal the capture byte for byte, except TCP checksums: the capture may
// hold partial ones (loopback, checksum offload), the engine computes real ones — checked too.
//
// No part of the expected output comes from the engine model: it is the capture itself.
//
// Host-model choices: the context is installed (tls_dev_add) just before the direction's first
// packet that carries application-record bytes; earlier packets go out as plain packets, later
// ones marked offloaded (so a late retransmission of handshake bytes takes the engine's "before
// start_offload_tcp_sn" path). TLS 1.2's Finished (record 0 under the key block) belongs to the
// TLS library, not to the offload. The host's record list is never trimmed by ACKs, so every
// retransmission finds its record (a capture has no record of what the sender had freed). Every
// TCP packet reaches the engine with a correct checksum over what it holds (plaintext for
// offloaded ones), as a software stack without checksum offload would hand it over.
import { bytesEqual, toHex } from '../../models/bytes.ts';
import { driverTxAdd, driverTxComplete, driverTxSegment, zeroRexmitStats, type DriverRexmitStats, type DriverTxConnection, type TxRexmitMode } from '../../models/driver-tx.ts';
import { parseKeylog, tls12KeyBlock, tls13TrafficKeys, type KeylogEntry, type KeylogHash } from '../../models/keylog.ts';
import { createNicTx, DEFAULT_MAX_FRAME_BYTES, nicTxStep, type TxCounters } from '../../models/nic-tx.ts';
import { completionLoop, DEFAULT_COMPLETION_LATENCY } from '../tx/completion-loop.ts';
import { flowKey, isParseError, parseTcpPacket, tcpChecksumOk, TcpFlag, withFixedTcpChecksum, type FlowTuple, type ParsedTcpPacket } from '../../models/packet.ts';
import type { PcapPacket } from '../../models/pcap.ts';
import { appendRecord, createRecordList, type RecordList } from '../../models/record-list.ts';
import { seqAdd, seqDiff, seqGt } from '../../models/tcp-seq.ts';
import {
  recordPrefixLen,
  startRecordUnprotection,
  TLS_TAG_LEN,
  unprotectRecordPiece,
  type TlsCryptoInfo,
  type TlsVersion,
} from '../../models/tls-record.ts';
import { deleteFrame, FrameKind, packetFrame, type TxFrame } from '../../models/tx-frames.ts';
import { parseHellos, type NegotiatedHellos } from '../peer/tls-handshake.ts';
import { decryptStream, type DecryptedRecord, type TlsPeerDirectionKeys } from '../peer/tls-peer.ts';

// The capture files (pcap / pcapng in and out) live in harness/replay/capture.ts.
export { parseCapture, writePcapLike, writePcapngLike, type ReplayCapture } from './capture.ts';

// ---------------------------------------------------------------------------------------------------
// Engines

export interface TxEngineResult {
  /** The packets the engine sent, in order (control/resync frames and drops produce none). */
  outputs: Uint8Array[];
  counters: TxCounters;
  /** Clock cycles the engine took (RTL only). */
  cycles?: number;
}

/** A TX engine: the whole input stream in, the sent packets and the counters out. */
export type TxEngine = (frames: readonly TxFrame[]) => Promise<TxEngineResult>;

export interface TxEngineConfig {
  /** Datapath width in bits (RTL: 128, 256 or 512); the model ignores it. */
  width: number;
  /** Flow-table entries the engine must have. */
  nCtx: number;
}

/** The golden model (models/nic-tx.ts) as an engine. */
export function goldenTxEngine(cfg: TxEngineConfig): TxEngine {
  return async (frames) => {
    const nic = createNicTx({ nCtx: cfg.nCtx });
    const outputs: Uint8Array[] = [];
    for (const f of frames) {
      const r = nicTxStep(nic, f);
      if (r.out) outputs.push(r.out);
    }
    return { outputs, counters: nic.counters };
  };
}

// ---------------------------------------------------------------------------------------------------
// Cipher suites replay can offload: the AES-GCM ones, whose records kTLS and the engine handle.

export interface ReplaySuite {
  code: number;
  name: string;
  version: TlsVersion;
  keyLen: 16 | 32;
  hash: KeylogHash;
}

const SUITE_LIST: ReplaySuite[] = [
  { code: 0x1301, name: 'TLS_AES_128_GCM_SHA256', version: '1.3', keyLen: 16, hash: 'sha256' },
  { code: 0x1302, name: 'TLS_AES_256_GCM_SHA384', version: '1.3', keyLen: 32, hash: 'sha384' },
  { code: 0xc02b, name: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', version: '1.2', keyLen: 16, hash: 'sha256' },
  { code: 0xc02c, name: 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', version: '1.2', keyLen: 32, hash: 'sha384' },
  { code: 0xc02f, name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', version: '1.2', keyLen: 16, hash: 'sha256' },
  { code: 0xc030, name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', version: '1.2', keyLen: 32, hash: 'sha384' },
  { code: 0x009e, name: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', version: '1.2', keyLen: 16, hash: 'sha256' },
  { code: 0x009f, name: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', version: '1.2', keyLen: 32, hash: 'sha384' },
  { code: 0x009c, name: 'TLS_RSA_WITH_AES_128_GCM_SHA256', version: '1.2', keyLen: 16, hash: 'sha256' },
  { code: 0x009d, name: 'TLS_RSA_WITH_AES_256_GCM_SHA384', version: '1.2', keyLen: 32, hash: 'sha384' },
];
export const REPLAY_SUITES: ReadonlyMap<number, ReplaySuite> = new Map(SUITE_LIST.map((s) => [s.code, s]));

/** Names of common suites replay cannot offload, for the report. */
const OTHER_SUITE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x1303, 'TLS_CHACHA20_POLY1305_SHA256'],
  [0x1304, 'TLS_AES_128_CCM_SHA256'],
  [0x1305, 'TLS_AES_128_CCM_8_SHA256'],
  [0xcca8, 'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xcca9, 'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256'],
  [0xc027, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256'],
  [0xc013, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA'],
  [0xc014, 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA'],
]);

function suiteName(code: number): string {
  return REPLAY_SUITES.get(code)?.name ?? OTHER_SUITE_NAMES.get(code) ?? `0x${code.toString(16).padStart(4, '0')}`;
}

// ---------------------------------------------------------------------------------------------------
// Input files

/** Parses SSLKEYLOGFILE text; throws on a malformed line or on text that is not a key log at all. */
export function parseKeylogText(text: string): KeylogEntry[] {
  if (text.includes('\0')) throw new Error('keylog: binary data, not an SSLKEYLOGFILE');
  return parseKeylog(text);
}

// ---------------------------------------------------------------------------------------------------
// Connections and their analysis

export type ReplayResult = 'PASS' | 'FAIL' | 'SKIPPED';

/** One direction of one TCP connection: what replay did with it and how it went. */
export interface DirectionReport {
  /** 1-based connection number, in order of first appearance in the capture. */
  conn: number;
  /** c2s = client to server (the side that sent the SYN); '?' when the capture has no SYN. */
  direction: 'c2s' | 's2c' | '?';
  from: string;
  to: string;
  version: TlsVersion | null;
  cipher: string | null;
  /** Captured packets of this direction. */
  packets: number;
  /** Packets that carried application-record bytes through the engine (encrypted by it). */
  offloadedPackets: number;
  /** Application-traffic records offloaded (a trailing incomplete record counts). */
  records: number;
  /** The capture ends inside the last record (it is encrypted as far as it goes, never authenticated). */
  partialRecord: boolean;
  /** Resync context loads the driver posted (prefix replays, and with --rexmit seek the SEEK descriptors too). */
  resyncs: number;
  /** Out-of-sequence segments by the driver's path (models/driver-tx.ts DriverRexmitStats). */
  rexmit: DriverRexmitStats;
  /** Flow-table context id, null when not offloaded. */
  ctxId: number | null;
  /** TCP sequence number of the first offloaded record (start_offload_tcp_sn). */
  startOffloadTcpSn: number | null;
  /** Record sequence number of that record. */
  firstRecordSeq: string | null;
  result: ReplayResult;
  /** Why the direction was skipped or failed. */
  reason: string | null;
  /** Packets of this direction that did not come out of the engine as captured. */
  mismatches: number;
  /** The first few of them, described. */
  mismatchDetails: string[];
  /** Bytes retransmitted with content different from their first transmission. */
  retransmissionConflicts: number;
  /** The receiving host's side (harness/replay/rx.ts); null when RX was not replayed. */
  rx: RxDirectionReport | null;
}

/** One direction as the receiving host's RX offload saw it. */
export interface RxDirectionReport {
  /** Install result: ok, bucket_full (stays in software), or none (not offloadable: see reason). */
  install: 'ok' | 'bucket_full' | 'bad_frame' | 'none';
  /** Packets of the direction the engine handed over marked decrypted. */
  decryptedPackets: number;
  /** Record payload bytes in marked packets (all checked against the keylog's decryption). */
  decryptedBytes: number;
  /** Records the host (kernel model) recovered, and how: device plaintext, mixed, software. */
  records: number;
  recordPaths: { device: number; mixed: number; software: number };
  resyncRequests: number;
  resyncConfirms: number;
  result: ReplayResult;
  reason: string | null;
  problems: string[];
}

/** A record of an offloaded direction as the keylog decrypts it, for checking the RX engine. */
export interface ReplayRxRecord {
  recordSeq: bigint;
  /** TCP sequence number of its first header byte. */
  tcpSeq: number;
  /** Length on the wire from its header (Infinity when the capture ends inside the header). */
  length: number;
  /** The bytes the capture holds: header (and 1.2 explicit nonce) and tag as on the wire, payload decrypted. */
  plain: Uint8Array;
  /** Authenticated by the keylog (false: the capture ends inside it). */
  complete: boolean;
  contentType: number;
  /** Application bytes (1.3: inner content without type and padding). */
  content: Uint8Array;
}

/** What the receiving host of one offloaded direction installs and must get back. */
export interface ReplayReceiver {
  report: DirectionReport;
  ctxId: number;
  /** As the direction's packets carry it (source = the sender). */
  tuple: FlowTuple;
  crypto: TlsCryptoInfo;
  recordSeq: bigint;
  startSn: number;
  /** Capture packet index before which the context is installed (first packet with application-record bytes). */
  installAt: number;
  records: ReplayRxRecord[];
}

interface DirectionTrack {
  report: DirectionReport;
  packetIdx: number[];
  synSeq: number | null;
  /** Reassembled stream (stream offset 0 = the byte after the SYN). */
  stream: Uint8Array | null;
  /** The stream the host handed TCP: application records as framed plaintext. */
  hostStream: Uint8Array | null;
  records: RecordList | null;
  install: { version: TlsVersion; crypto: TlsCryptoInfo; recordSeq: bigint; startSn: number } | null;
  driver: DriverTxConnection | null;
  tuple: FlowTuple | null;
  rxRecords: ReplayRxRecord[];
  installAt: number;
}

interface ConnTrack {
  id: number;
  /** dirs[0]: the direction of the connection's first packet. */
  dirs: [DirectionTrack, DirectionTrack];
  keys: [string, string];
  /** Index into dirs of the client→server direction, once known. */
  clientDir: 0 | 1 | null;
}

export interface ReplayPlan {
  frames: TxFrame[];
  nCtx: number;
  connections: number;
  directions: DirectionReport[];
  /** Per capture packet: the direction report it belongs to (null: not TCP / unparsable). */
  owner: (DirectionReport | null)[];
  /** Per capture packet: whether it carried application-record bytes the engine must encrypt. */
  encrypted: boolean[];
  /** Per offloaded direction: the receiving host's view (RX replay). */
  receivers: ReplayReceiver[];
  /** Per capture packet: index into receivers of its direction, or -1. */
  receiverOf: number[];
}

function endpoint(p: ParsedTcpPacket, src: boolean): string {
  const k = flowKey(p).slice(2);
  const [a, b] = k.split('>');
  return src ? a : b;
}

function reverseKey(p: ParsedTcpPacket): string {
  const t = p.tuple;
  return flowKey({ ipVersion: t.ipVersion, srcAddr: t.dstAddr, dstAddr: t.srcAddr, srcPort: t.dstPort, dstPort: t.srcPort });
}

function newDirection(conn: number, p: ParsedTcpPacket, forward: boolean): DirectionTrack {
  return {
    report: {
      conn,
      direction: '?',
      from: endpoint(p, forward),
      to: endpoint(p, !forward),
      version: null,
      cipher: null,
      packets: 0,
      offloadedPackets: 0,
      records: 0,
      partialRecord: false,
      resyncs: 0,
      rexmit: zeroRexmitStats(),
      ctxId: null,
      startOffloadTcpSn: null,
      firstRecordSeq: null,
      result: 'SKIPPED',
      reason: null,
      mismatches: 0,
      mismatchDetails: [],
      retransmissionConflicts: 0,
      rx: null,
    },
    packetIdx: [],
    synSeq: null,
    stream: null,
    hostStream: null,
    records: null,
    install: null,
    driver: null,
    tuple: null,
    rxRecords: [],
    installAt: -1,
  };
}

/** Stream offset of a packet's first payload byte (a SYN's sequence number is the SYN's own). */
function streamOffset(d: DirectionTrack, p: ParsedTcpPacket): number {
  return seqDiff(p.seq, seqAdd(d.synSeq as number, 1)) + (p.tcp.flags & TcpFlag.SYN ? 1 : 0);
}

/** Longest direction replay reassembles (sequence numbers are only unambiguous below 2^31 anyway). */
const MAX_STREAM = 1 << 30;

/**
 * Reassembles a direction's byte stream; the first transmission of a byte wins. null if the
 * sequence numbers span more than MAX_STREAM bytes.
 */
function reassemble(d: DirectionTrack, parsed: readonly (ParsedTcpPacket | null)[]): { stream: Uint8Array; contiguous: number; extent: number } | null {
  let extent = 0;
  for (const i of d.packetIdx) {
    const p = parsed[i] as ParsedTcpPacket;
    if (p.payloadLength > 0) extent = Math.max(extent, streamOffset(d, p) + p.payloadLength);
  }
  if (extent > MAX_STREAM) return null;
  const stream = new Uint8Array(extent);
  const have = new Uint8Array(extent);
  let conflicts = 0;
  for (const i of d.packetIdx) {
    const p = parsed[i] as ParsedTcpPacket;
    const off = streamOffset(d, p);
    for (let k = Math.max(0, -off); k < p.payloadLength; k++) {
      const o = off + k;
      const b = p.payload[k];
      if (!have[o]) {
        stream[o] = b;
        have[o] = 1;
      } else if (stream[o] !== b) conflicts++;
    }
  }
  d.report.retransmissionConflicts = conflicts;
  const hole = have.indexOf(0);
  return { stream, contiguous: hole < 0 ? extent : hole, extent };
}

function keysFor(
  suite: ReplaySuite,
  hellos: NegotiatedHellos,
  keylog: ReadonlyMap<string, Uint8Array>,
): { client: TlsPeerDirectionKeys; server: TlsPeerDirectionKeys } | string {
  const cr = toHex(hellos.clientHello.random);
  const secret = (label: string): Uint8Array | string => keylog.get(`${label} ${cr}`) ?? `no ${label} in the keylog for client random ${cr.slice(0, 16)}…`;
  if (suite.version === '1.3') {
    const labels = ['CLIENT_HANDSHAKE_TRAFFIC_SECRET', 'SERVER_HANDSHAKE_TRAFFIC_SECRET', 'CLIENT_TRAFFIC_SECRET_0', 'SERVER_TRAFFIC_SECRET_0'];
    const secrets = labels.map(secret);
    const missing = secrets.find((s): s is string => typeof s === 'string');
    if (missing !== undefined) return missing;
    const info = (s: Uint8Array): TlsCryptoInfo => ({ version: '1.3', ...tls13TrafficKeys(suite.hash, s, suite.keyLen) });
    const [ch, sh, ca, sa] = secrets as Uint8Array[];
    return { client: { handshake: info(ch), application: info(ca) }, server: { handshake: info(sh), application: info(sa) } };
  }
  const master = secret('CLIENT_RANDOM');
  if (typeof master === 'string') return master;
  const kb = tls12KeyBlock(suite.hash, master, hellos.clientHello.random, hellos.serverHello.random, suite.keyLen);
  return {
    client: { handshake: null, application: { version: '1.2', key: kb.clientKey, iv: kb.clientSalt } },
    server: { handshake: null, application: { version: '1.2', key: kb.serverKey, iv: kb.serverSalt } },
  };
}

/** The record as the host's kTLS framed it: same header (and 1.2 explicit nonce), plaintext, zero tag. */
function framedRecord(version: TlsVersion, r: DecryptedRecord): Uint8Array {
  const framed = r.wire.bytes.slice();
  const ps = recordPrefixLen(version);
  framed.set(r.content, ps);
  let o = ps + r.content.length;
  if (version === '1.3') framed[o++] = r.contentType;
  framed.fill(0, o); // 1.3 zero padding, then the dummy tag
  return framed;
}

/**
 * A record the capture ends inside: its bytes so far, payload decrypted (GCM is a stream cipher, so
 * a prefix decrypts without the rest), dummy tag bytes where the tag has begun.
 */
function framedPartialRecord(crypto: TlsCryptoInfo, recordSeq: bigint, bytes: Uint8Array): Uint8Array {
  const st = startRecordUnprotection(crypto, recordSeq);
  const out = unprotectRecordPiece(crypto, st, bytes);
  if (st.recordLen >= 0) out.fill(0, Math.max(0, st.recordLen - TLS_TAG_LEN));
  return out;
}

/** `plain` with the header/explicit nonce (first ps bytes) and tag bytes taken from the wire. */
function withWireEdges(plain: Uint8Array, wire: Uint8Array, ps: number, length: number): Uint8Array {
  const out = plain.slice();
  for (let q = 0; q < out.length; q++) if (q < ps || q >= length - TLS_TAG_LEN) out[q] = wire[q];
  return out;
}

/** Decides what to do with one direction of a TLS connection; fills d.install/hostStream/records. */
function planDirection(
  d: DirectionTrack,
  suite: ReplaySuite,
  keys: TlsPeerDirectionKeys,
  stream: Uint8Array,
  extent: number,
): void {
  const rep = d.report;
  if (stream.length < extent) {
    rep.reason = `stream bytes ${stream.length}.. are missing from the capture (a segment was not captured)`;
    return;
  }
  let dec;
  try {
    dec = decryptStream(suite.version, keys, stream, `${rep.from} > ${rep.to}`);
  } catch (e) {
    const msg = (e as Error).message;
    if (/KeyUpdate/.test(msg)) rep.reason = msg;
    else {
      rep.result = 'FAIL';
      rep.reason = msg;
    }
    return;
  }
  // TLS 1.2: the Finished (record 0 under the key block) is written by the TLS library before the
  // kernel takes over; TLS 1.3: every record under the application traffic secret is kTLS's.
  const app = dec.protected.filter((r) => r.epoch === 'application' && !(suite.version === '1.2' && r.recordSeq === 0n));
  if (app.length === 0) {
    rep.reason = 'no complete application-traffic record';
    return;
  }
  const isn1 = seqAdd(d.synSeq as number, 1);
  const host = stream.slice();
  const list = createRecordList();
  const ps = recordPrefixLen(suite.version);
  d.rxRecords = [];
  for (const r of app) {
    const bytes = framedRecord(suite.version, r);
    d.rxRecords.push({ recordSeq: r.recordSeq, tcpSeq: seqAdd(isn1, r.offset), length: bytes.length, plain: withWireEdges(bytes, r.wire.bytes, ps, bytes.length), complete: true, contentType: r.contentType, content: r.content });
    host.set(bytes, r.offset);
    appendRecord(list, { recordSeq: r.recordSeq, tcpSeq: seqAdd(isn1, r.offset), contentType: r.contentType, bytes, plaintextLength: r.content.length });
  }
  let records = app.length;
  if (dec.end < stream.length) {
    const last = app[app.length - 1];
    const seq = last.recordSeq + 1n;
    let bytes: Uint8Array;
    try {
      bytes = framedPartialRecord(keys.application, seq, stream.subarray(dec.end));
    } catch (e) {
      rep.result = 'FAIL';
      rep.reason = `incomplete record at stream offset ${dec.end}: ${(e as Error).message}`;
      return;
    }
    const wire = stream.subarray(dec.end);
    const length = wire.length >= 5 ? 5 + ((wire[3] << 8) | wire[4]) : Infinity;
    d.rxRecords.push({ recordSeq: seq, tcpSeq: seqAdd(isn1, dec.end), length, plain: withWireEdges(bytes, wire, ps, length), complete: false, contentType: wire[0], content: new Uint8Array(0) });
    host.set(bytes, dec.end);
    appendRecord(list, { recordSeq: seq, tcpSeq: seqAdd(isn1, dec.end), contentType: stream[dec.end], bytes, plaintextLength: 0 });
    records++;
    rep.partialRecord = true;
  }
  const first = app[0];
  d.hostStream = host;
  d.records = list;
  d.install = { version: suite.version, crypto: keys.application, recordSeq: first.recordSeq, startSn: seqAdd(isn1, first.offset) };
  rep.records = records;
  rep.startOffloadTcpSn = d.install.startSn;
  rep.firstRecordSeq = first.recordSeq.toString();
}

function planConnection(c: ConnTrack, parsed: readonly (ParsedTcpPacket | null)[], keylog: ReadonlyMap<string, Uint8Array>): void {
  const skipAll = (reason: string) => {
    for (const d of c.dirs) d.report.reason ??= reason;
  };
  if (c.clientDir === null || c.dirs.some((d) => d.synSeq === null)) {
    skipAll('connection setup (SYN, SYN-ACK) not in the capture');
    return;
  }
  const cd = c.dirs[c.clientDir];
  const sd = c.dirs[1 - c.clientDir];
  cd.report.direction = 'c2s';
  sd.report.direction = 's2c';
  const client = reassemble(cd, parsed);
  const server = reassemble(sd, parsed);
  if (!client || !server) {
    skipAll(`sequence numbers span more than ${MAX_STREAM} bytes`);
    return;
  }
  let hellos: NegotiatedHellos;
  try {
    hellos = parseHellos(client.stream.subarray(0, client.contiguous), server.stream.subarray(0, server.contiguous));
  } catch (e) {
    skipAll(`no TLS handshake (${(e as Error).message})`);
    return;
  }
  for (const d of c.dirs) {
    d.report.version = hellos.version;
    d.report.cipher = suiteName(hellos.cipherSuite);
  }
  const suite = REPLAY_SUITES.get(hellos.cipherSuite);
  if (!suite || suite.version !== hellos.version) {
    skipAll(`cipher suite ${suiteName(hellos.cipherSuite)} with TLS ${hellos.version} is not offloadable (AES-GCM only)`);
    return;
  }
  const keys = keysFor(suite, hellos, keylog);
  if (typeof keys === 'string') {
    skipAll(keys);
    return;
  }
  planDirection(cd, suite, keys.client, client.stream.subarray(0, client.contiguous), client.extent);
  planDirection(sd, suite, keys.server, server.stream.subarray(0, server.contiguous), server.extent);
}

/** Key log lines indexed by "LABEL clientrandomhex"; the first line of a kind wins. */
function indexKeylog(entries: readonly KeylogEntry[]): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  for (const e of entries) {
    const k = `${e.label} ${toHex(e.clientRandom)}`;
    if (!m.has(k)) m.set(k, e.secret);
  }
  return m;
}

/** Works out every connection and direction and builds the engine's input stream. */
export function planReplay(packets: readonly PcapPacket[], keylog: readonly KeylogEntry[], rexmit: TxRexmitMode = 'prefix'): ReplayPlan {
  const parsed: (ParsedTcpPacket | null)[] = packets.map((p) => {
    const r = parseTcpPacket(p.data);
    return isParseError(r) ? null : r;
  });
  // Pass 1: packets → connections (a new SYN with another ISN on a known 4-tuple starts a new one).
  const byKey = new Map<string, { conn: ConnTrack; dir: 0 | 1 }>();
  const conns: ConnTrack[] = [];
  const dirOf: (DirectionTrack | null)[] = packets.map(() => null);
  parsed.forEach((p, i) => {
    if (!p) return;
    const key = flowKey(p);
    const syn = (p.tcp.flags & TcpFlag.SYN) !== 0;
    const synOnly = syn && !(p.tcp.flags & TcpFlag.ACK);
    let hit = byKey.get(key);
    if (hit && synOnly) {
      const seen = hit.conn.dirs[hit.dir].synSeq;
      if (seen !== null && seen !== p.seq) hit = undefined; // port reuse: a new connection
    }
    if (!hit) {
      const conn: ConnTrack = {
        id: conns.length + 1,
        dirs: [newDirection(conns.length + 1, p, true), newDirection(conns.length + 1, p, false)],
        keys: [key, reverseKey(p)],
        clientDir: null,
      };
      conns.push(conn);
      byKey.set(conn.keys[0], { conn, dir: 0 });
      byKey.set(conn.keys[1], { conn, dir: 1 });
      hit = { conn, dir: 0 };
    }
    const d = hit.conn.dirs[hit.dir];
    d.tuple ??= p.tuple;
    d.packetIdx.push(i);
    d.report.packets++;
    dirOf[i] = d;
    if (syn && d.synSeq === null) d.synSeq = p.seq;
    if (synOnly) hit.conn.clientDir = hit.dir;
    else if (syn && hit.conn.clientDir === null) hit.conn.clientDir = hit.dir === 0 ? 1 : 0;
  });

  // Pass 2: handshake, keys and the host's streams, per connection.
  const idx = indexKeylog(keylog);
  for (const c of conns) planConnection(c, parsed, idx);
  let ctx = 0;
  for (const c of conns) {
    for (const d of c.dirs) {
      if (d.install) d.report.ctxId = ctx++;
    }
  }
  const nCtx = Math.max(16, 2 ** Math.ceil(Math.log2(Math.max(1, ctx))));

  // Pass 3: the engine's input stream, in capture order. With rexmit 'seek' the drivers get the
  // engine's completion stream (tags) from a golden model beside them (harness/tx/completion-loop.ts).
  const frames: TxFrame[] = [];
  const driverOf = new Map<number, DirectionTrack>();
  const loop = rexmit === 'seek'
    ? completionLoop({ nCtx }, DEFAULT_COMPLETION_LATENCY, (c) => {
      const d = driverOf.get(c.ctxId);
      if (d?.driver) driverTxComplete(d.driver, c.recordSeq, c.tag);
    })
    : null;
  const feed = () => loop?.(frames);
  const encrypted = packets.map(() => false);
  packets.forEach((pkt, i) => {
    const p = parsed[i];
    const d = dirOf[i];
    if (!p || !d) {
      frames.push(packetFrame(pkt.data, false));
      return;
    }
    // The host's segment: same headers, payload from the host's stream, checksum over what it holds.
    let host: Uint8Array = pkt.data.slice();
    if (d.hostStream) {
      const off = streamOffset(d, p);
      for (let k = 0; k < p.payloadLength; k++) {
        const o = off + k;
        if (o >= 0 && o < d.hostStream.length) host[p.payloadOffset + k] = d.hostStream[o];
      }
    }
    host = withFixedTcpChecksum(host);
    const inst = d.install;
    const end = seqAdd(p.seq, p.payloadLength);
    const carriesRecords = inst !== null && p.payloadLength > 0 && seqGt(end, inst.startSn);
    if (inst && d.installAt < 0 && carriesRecords) d.installAt = i;
    if (inst && !d.driver && carriesRecords) {
      // tls_dev_add: the socket switches to offload before its first application record goes out.
      const added = driverTxAdd(
        { ctxId: d.report.ctxId as number, version: inst.version, key: inst.crypto.key, iv: inst.crypto.iv, recordSeq: inst.recordSeq, startOffloadTcpSn: inst.startSn },
        d.records as RecordList,
        rexmit,
      );
      d.driver = added.conn;
      driverOf.set(added.conn.ctxId, d);
      frames.push(added.frame);
    }
    if (!d.driver) {
      frames.push(packetFrame(host, false));
      return;
    }
    const fs = driverTxSegment(d.driver, host, p.seq, p.payloadLength);
    d.report.resyncs += fs.filter((f) => f.user.kind === FrameKind.RESYNC).length;
    if (carriesRecords) {
      d.report.offloadedPackets++;
      encrypted[i] = true;
    }
    frames.push(...fs);
    d.report.rexmit = { ...d.driver.rexmit };
    feed();
  });
  // tls_dev_del when the sockets close.
  for (const c of conns) for (const d of c.dirs) if (d.driver) frames.push(deleteFrame(d.driver.ctxId));

  const directions = conns.flatMap((c) => {
    const order = c.clientDir === 1 ? [c.dirs[1], c.dirs[0]] : c.dirs;
    return order.filter((d) => d.report.packets > 0).map((d) => d.report);
  });
  const receivers: ReplayReceiver[] = [];
  const recvIndex = new Map<DirectionTrack, number>();
  for (const c of conns) {
    for (const d of c.dirs) {
      if (!d.install || d.installAt < 0 || !d.tuple) continue;
      recvIndex.set(d, receivers.length);
      receivers.push({ report: d.report, ctxId: d.report.ctxId as number, tuple: d.tuple, crypto: d.install.crypto, recordSeq: d.install.recordSeq, startSn: d.install.startSn, installAt: d.installAt, records: d.rxRecords });
    }
  }
  return {
    receivers,
    receiverOf: dirOf.map((d) => (d ? (recvIndex.get(d) ?? -1) : -1)),
    frames,
    nCtx,
    connections: conns.length,
    directions,
    owner: dirOf.map((d) => d?.report ?? null),
    encrypted,
  };
}

// ---------------------------------------------------------------------------------------------------
// Running and comparing

export interface ReplayReport {
  plan: ReplayPlan;
  counters: TxCounters;
  cycles: number | null;
  /** Per capture packet, the engine output aligned with it (null: the engine did not send it). */
  aligned: (Uint8Array | null)[];
  /** Packets (any) that did not come out as captured. */
  mismatches: number;
  /** Mismatches of packets that belong to no TCP direction (other protocols, unparsable). */
  otherMismatchDetails: string[];
  /** Captured frames longer than the engine forwards (DEFAULT_MAX_FRAME_BYTES). */
  oversizeFrames: number;
  ok: boolean;
}

/**
 * Whether `out` is `cap` with only the TCP checksum changed, and that checksum right. Returns null
 * when so, else what differs.
 */
export function compareToCapture(out: Uint8Array, cap: Uint8Array): string | null {
  const p = parseTcpPacket(cap);
  if (isParseError(p)) return bytesEqual(out, cap) ? null : `differs from the capture (not a TCP packet: ${p.error})`;
  if (out.length !== cap.length) return `length ${out.length}, captured ${cap.length}`;
  const ck = p.l4Offset + 16;
  for (let k = 0; k < cap.length; k++) {
    if (k === ck || k === ck + 1 || out[k] === cap[k]) continue;
    if (k >= p.payloadOffset && k < p.payloadOffset + p.payloadLength) {
      return `payload byte ${k - p.payloadOffset} (tcp seq ${seqAdd(p.seq, k - p.payloadOffset)}) is 0x${out[k].toString(16).padStart(2, '0')}, captured 0x${cap[k].toString(16).padStart(2, '0')}`;
    }
    return `frame byte ${k} is 0x${out[k].toString(16).padStart(2, '0')}, captured 0x${cap[k].toString(16).padStart(2, '0')}`;
  }
  if (!tcpChecksumOk(out)) return 'wrong TCP checksum';
  return null;
}

const MAX_DETAILS = 5;

export async function runReplay(packets: readonly PcapPacket[], plan: ReplayPlan, engine: TxEngine): Promise<ReplayReport> {
  const res = await engine(plan.frames);
  const outs = res.outputs;
  // The engine sends packets in input order and never invents any, so a greedy walk aligns its
  // output with the capture: an output that matches packet i is packet i's; with as many outputs
  // left as packets, the next output is the next packet's, whatever it holds; otherwise the
  // engine dropped packet i.
  const aligned: (Uint8Array | null)[] = packets.map(() => null);
  const problems: (string | null)[] = packets.map(() => null);
  let j = 0;
  for (let i = 0; i < packets.length; i++) {
    const cap = packets[i].data;
    const diff = j < outs.length ? compareToCapture(outs[j], cap) : 'not sent';
    if (diff === null || (j < outs.length && outs.length - j >= packets.length - i)) {
      aligned[i] = outs[j++];
      problems[i] = diff;
    } else {
      const n = cap.length;
      problems[i] =
        n > DEFAULT_MAX_FRAME_BYTES
          ? `not sent by the engine: a ${n}-byte frame, above the engine's ${DEFAULT_MAX_FRAME_BYTES}-byte limit (capture with TSO/GSO/GRO off)`
          : 'not sent by the engine (dropped)';
    }
  }
  let mismatches = 0;
  const other: string[] = [];
  if (j < outs.length) {
    mismatches++;
    other.push(`the engine sent ${outs.length - j} packet(s) more than the capture holds`);
  }
  for (let i = 0; i < packets.length; i++) {
    const pr = problems[i];
    if (pr === null) continue;
    mismatches++;
    const msg = `frame ${i + 1}: ${pr}`;
    const o = plan.owner[i];
    if (o) {
      o.mismatches++;
      if (o.mismatchDetails.length < MAX_DETAILS) o.mismatchDetails.push(msg);
    } else if (other.length < MAX_DETAILS) other.push(msg);
  }
  for (const d of plan.directions) {
    if (d.result === 'FAIL') continue;
    if (d.mismatches > 0) {
      const was = d.result === 'SKIPPED' && d.reason ? ` (not offloaded: ${d.reason})` : '';
      d.result = 'FAIL';
      d.reason = `${d.mismatches} packet(s) differ from the capture${was}`;
    } else if (d.ctxId !== null) d.result = 'PASS';
  }
  const ok = mismatches === 0 && plan.directions.every((d) => d.result !== 'FAIL');
  const oversizeFrames = packets.filter((p) => p.data.length > DEFAULT_MAX_FRAME_BYTES).length;
  return { plan, counters: res.counters, cycles: res.cycles ?? null, aligned, mismatches, otherMismatchDetails: other, oversizeFrames, ok };
}
