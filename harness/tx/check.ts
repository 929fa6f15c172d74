// An oracle for TX output that does not share the engine model's code path: it reassembles each
// offloaded connection's byte stream from the packets the engine sent, checks that every
// retransmitted byte equals the first transmission of that byte, that every TCP checksum is right,
// and that every record decrypts (whole-record tls-record unprotect, itself checked against Node's
// crypto) to the plaintext the host framed. Bytes before start_offload_tcp_sn must go out as the
// host wrote them.
//
// And an explicit plaintext-leak check on every packet: no output packet of an offloaded
// connection may carry, at the position of a record body, the plaintext the host wrote there.
// A ciphertext byte equals its plaintext byte by chance with probability 1/256, so a packet
// counts as a leak when all of its ≥ 8 record-body bytes equal the host's plaintext, or more
// than a quarter of ≥ 64 of them do (by chance: < 2^-64 and far below 10^-20 respectively).
// The stream positions come from the scenario (isn, pre-offload length, first record's TCP
// sequence number), so streams that start past 2^31 or wrap 2^32 any number of times map right.
import { bytesEqual, concatBytes } from '../../models/bytes.ts';
import { flowKey, isParseError, parseTcpPacket, tcpChecksumOk } from '../../models/packet.ts';
import { TLS_TAG_LEN, unprotectRecord } from '../../models/tls-record.ts';
import type { TxFlowSpec, TxScenario } from './scenario.ts';

export interface TxStreamCheck {
  ok: boolean;
  problems: string[];
  /** Records that decrypted correctly, over all connections. */
  recordsVerified: number;
  /** Output packets that carried record-body plaintext (must be 0). */
  leaks: number;
}

/** Where a flow's sent bytes live: offsets [0, pre) from isn, then the records from their first byte. */
interface StreamMap {
  isn: number;
  pre: number;
  recStart: number;
  total: number;
}

function streamMap(f: TxFlowSpec): StreamMap {
  const pre = f.preOffload.length;
  const recBytes = f.records.reduce((n, r) => n + r.bytes.length, 0);
  return { isn: f.isn, pre, recStart: f.records.length ? f.records[0].tcpSeq : (f.isn + pre) >>> 0, total: pre + recBytes };
}

/** Stream offset of the byte at TCP sequence number `seq`, or -1 outside the flow's stream. */
function offsetOf(m: StreamMap, seq: number): number {
  const r = (seq - m.recStart) >>> 0;
  if (r < m.total - m.pre) return m.pre + r;
  const q = (seq - m.isn) >>> 0;
  return q < m.pre ? q : -1;
}

/** Per stream offset: the host's plaintext byte there, and whether it is a record-body byte. */
function hostBodies(f: TxFlowSpec, total: number): { plain: Uint8Array; body: Uint8Array } {
  const plain = new Uint8Array(total);
  const body = new Uint8Array(total);
  let o = f.preOffload.length;
  const hdr = f.crypto.version === '1.2' ? 13 : 5;
  for (const r of f.records) {
    plain.set(r.bytes, o);
    body.fill(1, o + hdr, o + r.bytes.length - TLS_TAG_LEN);
    o += r.bytes.length;
  }
  return { plain, body };
}

/** True when a packet's record-body bytes look like the host's plaintext (see the file header). */
export function isLeak(bodyBytes: number, equalBytes: number): boolean {
  return (bodyBytes >= 8 && equalBytes === bodyBytes) || (bodyBytes >= 64 && equalBytes * 4 > bodyBytes);
}

/** `sent` is the engine's output, in order. */
export function checkTxStreams(scenario: TxScenario, sent: readonly Uint8Array[]): TxStreamCheck {
  const problems: string[] = [];
  const flowKeys = new Map(scenario.flows.map((f, i) => [f.tupleKey, i]));
  const maps = scenario.flows.map(streamMap);
  const streams = scenario.flows.map((f, i) => ({ bytes: new Uint8Array(maps[i].total), seen: new Uint8Array(maps[i].total), ...hostBodies(f, maps[i].total) }));
  let leaks = 0;
  sent.forEach((frame, idx) => {
    const p = parseTcpPacket(frame);
    if (isParseError(p)) return; // non-TCP traffic passes untouched; nothing to check here
    const fi = flowKeys.get(flowKey(p));
    if (fi === undefined) return;
    if (!tcpChecksumOk(frame)) problems.push(`packet ${idx}: bad TCP checksum`);
    const s = streams[fi];
    let bodyBytes = 0;
    let equal = 0;
    for (let k = 0; k < p.payloadLength; k++) {
      const b = frame[p.payloadOffset + k];
      const o = offsetOf(maps[fi], (p.seq + k) >>> 0);
      if (o < 0) {
        problems.push(`packet ${idx}: byte at tcp seq ${(p.seq + k) >>> 0} outside the connection's stream`);
        return;
      }
      if (s.body[o]) {
        bodyBytes++;
        if (b === s.plain[o]) equal++;
      }
      if (s.seen[o] && s.bytes[o] !== b) {
        problems.push(`packet ${idx}: retransmitted byte at stream offset ${o} differs from its first transmission`);
        return;
      }
      s.bytes[o] = b;
      s.seen[o] = 1;
    }
    if (isLeak(bodyBytes, equal)) {
      leaks++;
      problems.push(`packet ${idx}: PLAINTEXT LEAK — ${equal} of its ${bodyBytes} record-body bytes are the host's plaintext (tcp seq ${p.seq})`);
    }
  });
  let recordsVerified = 0;
  scenario.flows.forEach((f, fi) => {
    const s = streams[fi];
    if (s.seen.indexOf(0) >= 0) {
      problems.push(`flow ${fi} (ctx ${f.ctxId}): stream offset ${s.seen.indexOf(0)} never sent`);
      return;
    }
    const pre = f.preOffload.length;
    if (!bytesEqual(s.bytes.subarray(0, pre), f.preOffload)) problems.push(`flow ${fi}: pre-offload bytes changed`);
    let o = pre;
    for (const r of f.records) {
      const wire = s.bytes.subarray(o, o + r.bytes.length);
      const plain = unprotectRecord(f.crypto, r.recordSeq, wire);
      const want = concatBytes(r.bytes.subarray(0, r.bytes.length - TLS_TAG_LEN), new Uint8Array(TLS_TAG_LEN));
      if (plain === null) problems.push(`flow ${fi}: record ${r.recordSeq} at tcp seq ${r.tcpSeq} does not authenticate`);
      else if (!bytesEqual(plain, want)) problems.push(`flow ${fi}: record ${r.recordSeq} decrypts to the wrong plaintext`);
      else recordsVerified++;
      o += r.bytes.length;
    }
  });
  return { ok: problems.length === 0, problems: problems.slice(0, 20), recordsVerified, leaks };
}
