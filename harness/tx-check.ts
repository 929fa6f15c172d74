// An oracle for TX output that does not share the engine model's code path: it reassembles each
// offloaded connection's byte stream from the packets the engine sent, checks that every
// retransmitted byte equals the first transmission of that byte, that every TCP checksum is right,
// and that every record decrypts (whole-record tls-record unprotect, itself checked against Node's
// crypto) to the plaintext the host framed. Bytes before start_offload_tcp_sn must go out as the
// host wrote them.
import { bytesEqual, concatBytes } from '../models/bytes.ts';
import { flowKey, isParseError, parseTcpPacket, tcpChecksumOk } from '../models/packet.ts';
import { seqDiff } from '../models/tcp-seq.ts';
import { TLS_TAG_LEN, unprotectRecord } from '../models/tls-record.ts';
import type { TxScenario } from './tx-scenario.ts';

export interface TxStreamCheck {
  ok: boolean;
  problems: string[];
  /** Records that decrypted correctly, over all connections. */
  recordsVerified: number;
}

/** `sent` is the engine's output, in order. */
export function checkTxStreams(scenario: TxScenario, sent: readonly Uint8Array[]): TxStreamCheck {
  const problems: string[] = [];
  const flowKeys = new Map(scenario.flows.map((f, i) => [f.tupleKey, i]));
  const streams = scenario.flows.map((f) => {
    const total = f.preOffload.length + f.records.reduce((n, r) => n + r.bytes.length, 0);
    return { bytes: new Uint8Array(total), seen: new Uint8Array(total) };
  });
  sent.forEach((frame, idx) => {
    const p = parseTcpPacket(frame);
    if (isParseError(p)) return; // non-TCP traffic passes untouched; nothing to check here
    const fi = flowKeys.get(flowKey(p));
    if (fi === undefined) return;
    if (!tcpChecksumOk(frame)) problems.push(`packet ${idx}: bad TCP checksum`);
    const s = streams[fi];
    const off = seqDiff(p.seq, scenario.flows[fi].isn);
    for (let k = 0; k < p.payloadLength; k++) {
      const b = frame[p.payloadOffset + k];
      const o = off + k;
      if (o < 0 || o >= s.bytes.length) {
        problems.push(`packet ${idx}: byte at stream offset ${o} outside the connection's stream`);
        return;
      }
      if (s.seen[o] && s.bytes[o] !== b) {
        problems.push(`packet ${idx}: retransmitted byte at stream offset ${o} differs from its first transmission`);
        return;
      }
      s.bytes[o] = b;
      s.seen[o] = 1;
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
  return { ok: problems.length === 0, problems: problems.slice(0, 20), recordsVerified };
}
