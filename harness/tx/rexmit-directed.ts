// Directed retransmissions on a side context (issue 17): one connection framed by hand (three
// records), sent in order through the driver ('seek' mode) and the golden model with the
// completion stream fed straight back, then old ranges sent again from every place a segment can
// start (record start, inside the header, inside the TLS 1.2 explicit nonce, the body, a mid-block
// start, tag only, the tag and the next record, the stream's last bytes), a sweep of starts 1..48
// bytes before a record's tag with 12 bytes of TCP options (the payload then starts near a beat
// start, so at W = 256 and 512 the first payload item can also start the next record and leave no
// AES lane for the keystream block of a mid-block start: the extra keystream item), then two
// contradicting descriptors and the good one after them. The frames are the input of both the model test (test/tx-rexmit.test.ts)
// and the RTL test (test/rtl-tx-rexmit.test.ts); the model's step results come with them.
import { concatBytes } from '../../models/bytes.ts';
import { driverTxAdd, driverTxComplete, driverTxSegment, type DriverTxConnection } from '../../models/driver-tx.ts';
import { createFramerState, frameNext } from '../../models/framer.ts';
import { createNicTx, nicTxStep, type NicTxConfig, type NicTxState, type TxStepResult } from '../../models/nic-tx.ts';
import { buildTcpPacket, isParseError, parseTcpPacket, TcpFlag } from '../../models/packet.ts';
import { createPrng } from '../../models/prng.ts';
import { appendRecord, createRecordList } from '../../models/record-list.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import type { TlsVersion } from '../../models/tls-record.ts';
import { decodeResync, packetFrame, seekFrame, type TxFrame } from '../../models/tx-frames.ts';

export const DIRECTED_CTX = 3;
/** Retransmissions starting 1..DIRECTED_SWEEP bytes before a record's tag (all carry tag bytes). */
export const DIRECTED_SWEEP = 48;
/** Cases whose packet holds tag bytes of a record that started before it: tag only, the tag and the next record, the last bytes, the sweep. */
export const DIRECTED_TAGGED = 3 + DIRECTED_SWEEP;

/** One retransmission: stream bytes [off, off + len), and what the model sent for it. */
export interface DirectedCase {
  what: string;
  off: number;
  len: number;
  /** Model outputs of the frames the driver posted for it (one packet expected). */
  outs: Uint8Array[];
  /** The driver's seek count before and after. */
  seekBefore: number;
  seekAfter: number;
}

/** A contradicting descriptor and its packet: the model's results of both. */
export interface DirectedContradiction {
  what: string;
  descriptor: TxStepResult;
  packet: TxStepResult;
  rexmitBadAfter: number;
}

export interface DirectedSeekRun {
  version: TlsVersion;
  /** Every frame in the order the engine gets them (install, first sends, retransmissions, contradictions). */
  frames: TxFrame[];
  /** The stream as first sent (encrypted payload bytes, from offset 0). */
  truth: Uint8Array;
  streamLength: number;
  isn: number;
  cases: DirectedCase[];
  contradictions: DirectedContradiction[];
  /** The good descriptor after the contradictions: its packet's output, and the bytes expected. */
  finalOut: Uint8Array | null;
  finalWant: Uint8Array;
  conn: DriverTxConnection;
  nic: NicTxState;
}

export function payloadOf(p: Uint8Array): Uint8Array {
  const q = parseTcpPacket(p);
  if (isParseError(q)) throw new Error(q.detail);
  return p.subarray(q.payloadOffset, q.payloadOffset + q.payloadLength);
}

/**
 * The directed runs' segment: stream bytes [off, off + len) of a connection whose stream starts at
 * TCP sequence `isn`, in a fixed IPv4 frame (10.0.0.1 → 10.0.0.2:443, ACK).
 */
export function directedTcpPacket(isn: number, stream: Uint8Array, off: number, len: number, o: { srcPort: number; options?: Uint8Array }): Uint8Array {
  return buildTcpPacket({
    eth: { dst: Uint8Array.of(2, 0, 0, 0, 0, 1), src: Uint8Array.of(2, 0, 0, 0, 0, 2) },
    ip: { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: 1, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) },
    tcp: { srcPort: o.srcPort, dstPort: 443, seq: seqAdd(isn, off), ack: 1, flags: TcpFlag.ACK, window: 512, urgent: 0, options: o.options ?? new Uint8Array(0) },
    payload: stream.subarray(off, off + len),
  });
}

export function directedSeekRun(version: TlsVersion, seed: number, nicCfg: NicTxConfig): DirectedSeekRun {
  const prng = createPrng(seed);
  const info = { version, key: prng.bytes(16), iv: prng.bytes(version === '1.2' ? 4 : 12) };
  const isn = prng.nextU32();
  const framer = createFramerState({ version, maxPlaintext: 16384, explicitNonceStart: version === '1.2' ? 77n : undefined }, { recordSeq: 5n, tcpSeq: isn });
  // The second record's length (1008 bytes of plaintext) puts some sweep starts where the fallback
  // keystream item is needed at W = 256 and 512 with TLS 1.3 (issue 17; the RTL test's mutation
  // check shows they reach it).
  const records = [3000, 1008, 2500].flatMap((n) => frameNext(framer, prng.bytes(n)));
  const stream = concatBytes(...records.map((r) => r.bytes));
  const list = createRecordList();
  for (const r of records) appendRecord(list, r);
  const { conn, frame: install } = driverTxAdd({ ctxId: DIRECTED_CTX, version, key: info.key, iv: info.iv, recordSeq: 5n, startOffloadTcpSn: isn }, list, 'seek');
  const nic = createNicTx(nicCfg);
  const frames: TxFrame[] = [];
  const step = (f: TxFrame): TxStepResult => {
    frames.push(f);
    return nicTxStep(nic, f);
  };
  // TCP timestamps (NOP, NOP, kind 8): a 66-byte header, the payload 2 bytes into the second beat at W = 512.
  const TS_OPTIONS = Uint8Array.of(1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2);
  const pkt = (off: number, len: number, options?: Uint8Array) => directedTcpPacket(isn, stream, off, len, { srcPort: 40000, options });
  const send = (off: number, len: number, options?: Uint8Array): Uint8Array[] => {
    const outs: Uint8Array[] = [];
    for (const f of driverTxSegment(conn, pkt(off, len, options), seqAdd(isn, off), len)) {
      const r = step(f);
      if (r.out) outs.push(r.out);
      for (const c of r.completions ?? []) driverTxComplete(conn, c.recordSeq, c.tag);
    }
    return outs;
  };
  step(install);
  const truth = new Uint8Array(stream.length);
  for (let off = 0; off < stream.length; off += 700) truth.set(payloadOf(send(off, Math.min(700, stream.length - off))[0]!), off);
  const r0 = records[0]!.bytes.length;
  const r1 = r0 + records[1]!.bytes.length;
  const places: [string, number, number][] = [
    ['record start', r0, 400], ['inside the header', r0 + 2, 300], ['the body', r0 + 100, 200], ['tag only', r1 - 16, 16],
    ['the tag and the next record', r1 - 7, 600], ['the last bytes of the stream', stream.length - 5, 5],
    ['a mid-block start', r0 + 13 + 37, 333],
  ];
  if (version === '1.2') places.push(['inside the explicit nonce', r0 + 8, 300]);
  const cases: DirectedCase[] = places.map(([what, off, len]) => {
    const seekBefore = conn.rexmit.seek;
    const outs = send(off, len);
    return { what, off, len, outs, seekBefore, seekAfter: conn.rexmit.seek };
  });
  for (let k = 1; k <= DIRECTED_SWEEP; k++) {
    const off = r1 - 16 - k;
    const seekBefore = conn.rexmit.seek;
    const outs = send(off, 120, TS_OPTIONS);
    cases.push({ what: `${k} bytes before the tag, TCP options`, off, len: 120, outs, seekBefore, seekAfter: conn.rexmit.seek });
  }

  // Contradictions: a descriptor whose explicit nonce (1.2) or header differs from the packet's
  // record start drops the packet and leaves the context alone.
  const seekAt0 = seekFrame({ ctxId: DIRECTED_CTX, recordStartTcpSn: seqAdd(isn, r0), recordSeq: 6n, explicitNonce: records[1]!.bytes.slice(5, 13), offset: 0, header: records[1]!.bytes.slice(0, 5) });
  const d0 = decodeResync(seekAt0);
  if (!d0.ok || !d0.seek) throw new Error('directedSeekRun: the descriptor does not decode');
  const contradictions: DirectedContradiction[] = [];
  const bad = (what: string, f: TxFrame) => {
    const descriptor = step(f);
    const packet = step(packetFrame(pkt(r0, 400), true, DIRECTED_CTX));
    contradictions.push({ what, descriptor, packet, rexmitBadAfter: nic.counters.tx_tls_rexmit_bad });
  };
  bad('another header', seekFrame({ ...d0.seek, header: Uint8Array.of(23, 3, 3, 0, 0x40) }));
  if (version === '1.2') bad('another explicit nonce', seekFrame({ ...d0.seek, explicitNonce: new Uint8Array(8) }));
  // The unchanged descriptor still works after them.
  step(seekAt0);
  const finalOut = step(packetFrame(pkt(r0, 400), true, DIRECTED_CTX)).out;
  return { version, frames, truth, streamLength: stream.length, isn, cases, contradictions, finalOut, finalWant: truth.subarray(r0, r0 + 400), conn, nic };
}
