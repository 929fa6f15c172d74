// The soak's stream oracle: the checks of harness/tx/check.ts, done incrementally so that a
// stream of any length is checked with memory bounded by the live window. Like tx-check it shares
// no code with the engine model: packets are parsed and their TCP checksums verified
// (models/packet.ts), every record is decrypted whole with models/tls-record.ts (itself checked
// against Node's crypto) once all its bytes have been on the wire, every retransmitted byte must
// equal its first transmission, and every packet is checked for record-body plaintext
// (harness/tx/check.ts isLeak). A record is released once it is verified and the host has freed it.
import { bytesEqual } from '../../models/bytes.ts';
import { flowKey, isParseError, parseTcpPacket, tcpChecksumOk } from '../../models/packet.ts';
import { TLS_TAG_LEN, unprotectRecord } from '../../models/tls-record.ts';
import { isLeak } from '../tx/check.ts';
import type { SoakFlow, SoakRecord } from './generator.ts';

interface Pending {
  offset: number;
  rec: SoakRecord['record'];
  wire: Uint8Array;
  seen: Uint8Array;
  missing: number;
  bodyFrom: number;
  bodyTo: number;
  verified: boolean;
}

interface FlowCheck {
  startSn: number;
  crypto: SoakFlow['crypto'];
  pending: Pending[];
}

export interface SoakOracleTotals {
  packets: number;
  records: number;
  leaks: number;
  problems: number;
  /** Payload bytes of records already released when a packet carried them again (not checkable). */
  uncheckedBytes: number;
}

export class SoakOracle {
  private readonly flows = new Map<number, FlowCheck>();
  private readonly byTuple = new Map<string, number>();
  readonly totals: SoakOracleTotals = { packets: 0, records: 0, leaks: 0, problems: 0, uncheckedBytes: 0 };
  readonly problems: string[] = [];

  addFlow(f: SoakFlow): void {
    this.flows.set(f.index, { startSn: f.startSn, crypto: f.crypto, pending: [] });
    this.byTuple.set(f.tupleKey, f.index);
  }

  addRecord(r: SoakRecord): void {
    const fc = this.flows.get(r.flow)!;
    const n = r.record.bytes.length;
    const hdr = fc.crypto.version === '1.2' ? 13 : 5;
    fc.pending.push({ offset: r.offset, rec: r.record, wire: new Uint8Array(n), seen: new Uint8Array(n), missing: n, bodyFrom: hdr, bodyTo: n - TLS_TAG_LEN, verified: false });
  }

  private problem(msg: string): void {
    this.totals.problems++;
    if (this.problems.length < 20) this.problems.push(msg);
  }

  /** One packet the engine sent. */
  packet(frame: Uint8Array, where: string): void {
    const p = parseTcpPacket(frame);
    if (isParseError(p)) return;
    const fi = this.byTuple.get(flowKey(p));
    if (fi === undefined) return;
    this.totals.packets++;
    if (!tcpChecksumOk(frame)) this.problem(`${where}: bad TCP checksum`);
    const fc = this.flows.get(fi)!;
    if (fc.pending.length === 0 || p.payloadLength === 0) {
      this.totals.uncheckedBytes += p.payloadLength;
      return;
    }
    const ref = fc.pending[0];
    const refSeq = (fc.startSn + (ref.offset % 0x1_0000_0000)) >>> 0;
    const rel = (p.seq - refSeq) | 0;
    let off = ref.offset + rel;
    let i = this.find(fc, off);
    let body = 0;
    let equal = 0;
    for (let k = 0; k < p.payloadLength; k++, off++) {
      while (i < fc.pending.length && off >= fc.pending[i].offset + fc.pending[i].rec.bytes.length) i++;
      const r = fc.pending[i];
      if (!r || off < r.offset) {
        this.totals.uncheckedBytes++;
        continue;
      }
      const j = off - r.offset;
      const b = frame[p.payloadOffset + k];
      if (j >= r.bodyFrom && j < r.bodyTo) {
        body++;
        if (b === r.rec.bytes[j]) equal++;
      }
      if (r.seen[j]) {
        if (r.wire[j] !== b) {
          this.problem(`${where}: flow ${fi} retransmitted byte at stream offset ${off} differs from its first transmission`);
          return;
        }
      } else {
        r.seen[j] = 1;
        r.wire[j] = b;
        if (--r.missing === 0) this.verify(fi, fc, r);
      }
    }
    if (isLeak(body, equal)) {
      this.totals.leaks++;
      this.problem(`${where}: PLAINTEXT LEAK — flow ${fi}, ${equal} of ${body} record-body bytes are the host's plaintext (tcp seq ${p.seq})`);
    }
  }

  /** Index of the first pending record that ends after `off`. */
  private find(fc: FlowCheck, off: number): number {
    let lo = 0;
    let hi = fc.pending.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = fc.pending[mid];
      if (r.offset + r.rec.bytes.length <= off) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private verify(fi: number, fc: FlowCheck, r: Pending): void {
    const plain = unprotectRecord(fc.crypto, r.rec.recordSeq, r.wire);
    const want = r.rec.bytes.subarray(0, r.rec.bytes.length - TLS_TAG_LEN);
    if (plain === null) this.problem(`flow ${fi}: record ${r.rec.recordSeq} at stream offset ${r.offset} does not authenticate`);
    else if (!bytesEqual(plain.subarray(0, want.length), want)) this.problem(`flow ${fi}: record ${r.rec.recordSeq} decrypts to the wrong plaintext`);
    else {
      r.verified = true;
      this.totals.records++;
    }
  }

  /** Releases flow `fi`'s verified records that end at or before `offset` (the host freed them). */
  release(fi: number, offset: number): void {
    const fc = this.flows.get(fi)!;
    let k = 0;
    while (k < fc.pending.length && fc.pending[k].verified && fc.pending[k].offset + fc.pending[k].rec.bytes.length <= offset) k++;
    if (k > 0) fc.pending.splice(0, k);
  }

  /** At the end: every record must have been verified. */
  finish(): void {
    for (const [fi, fc] of this.flows) {
      for (const r of fc.pending) if (!r.verified) this.problem(`flow ${fi}: record ${r.rec.recordSeq} at stream offset ${r.offset} never fully sent (${r.missing} bytes missing)`);
      fc.pending = [];
    }
  }
}
