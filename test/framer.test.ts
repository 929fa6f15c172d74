// Host framing (kTLS TLS_HW), the record list keyed by TCP sequence, and 32-bit sequence
// arithmetic. The framer is checked field by field against the layout, against the record
// protection model's independent frameRecord(), and by encrypting/decrypting its records;
// the record list is checked for every byte of a stream that wraps the sequence space.
import { describe, expect, it } from 'vitest';
import { createPrng } from '../models/prng.ts';
import { concatBytes } from '../models/bytes.ts';
import { seqAdd, seqDiff, seqGeq, seqGt, seqInRange, seqLeq, seqLt, seqMax } from '../models/tcp-seq.ts';
import {
  createFramerState,
  explicitNonceOf,
  frameNext,
  frameRecords,
  payloadStart,
  recordOverhead,
  recordStream,
  type FramerConfig,
  type TlsRecord,
} from '../models/framer.ts';
import { ackUpTo, appendRecord, createRecordList, findRecord, liveRecords, recordCount } from '../models/record-list.ts';
import { frameRecord, protectRecord, unprotectRecord } from '../models/tls-record.ts';
import { u64be } from '../models/bytes.ts';

const SEED = 0xf4a3e;
const U32 = 2n ** 32n;

/** The application bytes a record carries, read back using only the documented layout. */
function plaintextOf(r: TlsRecord, version: '1.2' | '1.3'): Uint8Array {
  const start = version === '1.2' ? 13 : 5;
  const b = r.bytes;
  if (version === '1.2') return b.subarray(start, b.length - 16);
  // 1.3: strip tag, then zero padding, then the inner content type (RFC 8446 §5.4).
  let end = b.length - 16;
  while (end > start && b[end - 1] === 0) end--;
  return b.subarray(start, end - 1);
}

describe('tcp-seq', () => {
  it('wraps and orders across 2^32', () => {
    expect(seqAdd(0xffffffff, 1)).toBe(0);
    expect(seqAdd(0xfffffff0, 0x20)).toBe(0x10);
    expect(seqAdd(5, -10)).toBe(0xfffffffb);
    expect(seqDiff(0x10, 0xfffffff0)).toBe(0x20);
    expect(seqDiff(0xfffffff0, 0x10)).toBe(-0x20);
    expect(seqLt(0xfffffff0, 0x10)).toBe(true);
    expect(seqLt(0x10, 0xfffffff0)).toBe(false);
    expect(seqLeq(7, 7) && seqGeq(7, 7) && !seqLt(7, 7) && !seqGt(7, 7)).toBe(true);
    expect(seqGt(0x10, 0xfffffff0)).toBe(true);
    expect(seqMax(0xfffffff0, 0x10)).toBe(0x10);
    expect(seqInRange(0x5, 0xfffffffe, 10)).toBe(true);
    expect(seqInRange(0x8, 0xfffffffe, 10)).toBe(false);
    expect(seqInRange(0xfffffffd, 0xfffffffe, 10)).toBe(false);
    expect(seqInRange(0, 0, 0)).toBe(false);
    expect(seqInRange(0x12345678, 0, 2 ** 32)).toBe(true);
  });

  it(`agrees with BigInt modular arithmetic on random values (seed ${SEED})`, () => {
    const r = createPrng(SEED);
    for (let i = 0; i < 10000; i++) {
      const a = r.nextU32();
      const n = r.int(-(2 ** 31) + 1, 2 ** 31 - 1);
      const b = seqAdd(a, n);
      expect(BigInt(b)).toBe((((BigInt(a) + BigInt(n)) % U32) + U32) % U32);
      expect(seqDiff(b, a)).toBe(n);
      expect(seqLt(a, b)).toBe(n > 0);
      expect(seqLeq(a, b)).toBe(n >= 0);
      const len = r.int(0, 2 ** 31);
      const off = (BigInt(b) - BigInt(a) + U32) % U32;
      expect(seqInRange(b, a, len)).toBe(off < BigInt(len));
    }
  });
});

describe('frameRecords', () => {
  const configs: FramerConfig[] = [
    { version: '1.2', maxPlaintext: 16384 },
    { version: '1.2', maxPlaintext: 1, explicitNonceStart: 0xfffffffffffffffen }, // nonce wraps mod 2^64
    { version: '1.2', maxPlaintext: 1000, explicitNonceStart: 0x1234_5678_9abc_def0n },
    { version: '1.3', maxPlaintext: 16384 },
    { version: '1.3', maxPlaintext: 777, padding: 5 },
    { version: '1.3', maxPlaintext: 16384 - 100, padding: 100 },
  ];
  for (const [ci, cfg] of configs.entries()) {
    it(`config ${ci} ${JSON.stringify(cfg, (_, v) => (typeof v === 'bigint' ? v.toString() : v))}: layout, sequence numbers, nonces (seed ${SEED + ci})`, () => {
      const r = createPrng(SEED + ci);
      for (let trial = 0; trial < 8; trial++) {
        const len = cfg.maxPlaintext === 1 ? r.int(0, 300) : r.pick([0, 1, cfg.maxPlaintext, cfg.maxPlaintext + 1, r.int(0, 70000)]);
        const data = r.bytes(len);
        const first = { recordSeq: BigInt(r.int(0, 2 ** 40)), tcpSeq: r.pick([r.nextU32(), 0xffffffff - r.int(0, 2 * cfg.maxPlaintext)]) };
        const contentType = r.pick([23, 21, 22]);
        const recs = frameRecords(cfg, data, first, contentType);
        const label = `trial ${trial} len ${len}`;
        expect(recs.length, label).toBe(Math.ceil(len / cfg.maxPlaintext));
        expect(concatBytes(...recs.map((x) => plaintextOf(x, cfg.version))), label).toEqual(data);
        let tcpSeq = first.tcpSeq;
        for (const [i, rec] of recs.entries()) {
          const b = rec.bytes;
          const expectPt = Math.min(cfg.maxPlaintext, len - i * cfg.maxPlaintext);
          expect(rec.plaintextLength, label).toBe(expectPt);
          expect(rec.recordSeq, label).toBe(first.recordSeq + BigInt(i));
          expect(rec.tcpSeq, label).toBe(tcpSeq);
          expect(rec.contentType, label).toBe(contentType);
          expect(b[0], label).toBe(cfg.version === '1.2' ? contentType : 23);
          expect([b[1], b[2]], label).toEqual([3, 3]);
          expect((b[3] << 8) | b[4], label).toBe(b.length - 5);
          expect(b.length, label).toBe(expectPt + recordOverhead(cfg));
          expect(Array.from(b.subarray(b.length - 16)), `${label}: dummy tag is zero`).toEqual(new Array(16).fill(0));
          if (cfg.version === '1.2') {
            expect(b.length - 5, label).toBe(8 + expectPt + 16);
            const nonce = BigInt.asUintN(64, (cfg.explicitNonceStart ?? first.recordSeq) + BigInt(i));
            expect(explicitNonceOf(rec), label).toBe(nonce);
            expect(b.subarray(5, 13), label).toEqual(u64be(nonce));
          } else {
            const pad = cfg.padding ?? 0;
            expect(b[5 + expectPt], `${label}: inner content type`).toBe(contentType);
            expect(Array.from(b.subarray(6 + expectPt, 6 + expectPt + pad)), label).toEqual(new Array(pad).fill(0));
            // TLSInnerPlaintext ≤ 2^14 + 1 bytes (RFC 8446 §5.4), plus the 16-byte tag.
            expect(b.length - 5, label).toBeLessThanOrEqual(16384 + 1 + 16);
          }
          tcpSeq = seqAdd(tcpSeq, b.length);
        }
        // The stream is the records back to back, and its length is what TCP will carry.
        expect(recordStream(recs).length).toBe(recs.reduce((a, x) => a + x.bytes.length, 0));
      }
    });
  }

  it(`matches tls-record.ts frameRecord() and survives protect/unprotect (seed ${SEED + 50})`, () => {
    const r = createPrng(SEED + 50);
    for (const version of ['1.2', '1.3'] as const) {
      const cfg: FramerConfig = { version, maxPlaintext: 4000, ...(version === '1.3' ? { padding: 3 } : { explicitNonceStart: 77n }) };
      const recs = frameRecords(cfg, r.bytes(10000), { recordSeq: 5n, tcpSeq: 1000 }, 23);
      const info = { version, key: r.bytes(16), iv: r.bytes(version === '1.2' ? 4 : 12) };
      for (const rec of recs) {
        const pt = plaintextOf(rec, version);
        const other =
          version === '1.2'
            ? frameRecord('1.2', 23, pt, u64be(explicitNonceOf(rec)))
            : frameRecord('1.3', 23, concatBytes(pt, Uint8Array.of(23, 0, 0, 0)));
        expect(rec.bytes).toEqual(other);
        const sealed = protectRecord(info, rec.recordSeq, rec.bytes);
        expect(sealed.subarray(payloadStart(version), sealed.length - 16)).not.toEqual(rec.bytes.subarray(payloadStart(version), rec.bytes.length - 16));
        expect(unprotectRecord(info, rec.recordSeq, sealed)).toEqual(rec.bytes);
      }
    }
  });

  it('frameNext continues record, TCP and nonce sequences across writes', () => {
    const r = createPrng(SEED + 51);
    for (const version of ['1.2', '1.3'] as const) {
      const cfg: FramerConfig = { version, maxPlaintext: 100, explicitNonceStart: version === '1.2' ? 0xffff_ffff_ffff_fffdn : undefined };
      const first = { recordSeq: 9n, tcpSeq: 0xffffff00 };
      const st = createFramerState(cfg, first);
      const writes = Array.from({ length: 30 }, () => r.bytes(r.int(0, 350)));
      const recs = writes.flatMap((w) => frameNext(st, w));
      // Same as framing each write with the running state by hand.
      let seq = first.recordSeq;
      let tcp = first.tcpSeq;
      for (const [i, rec] of recs.entries()) {
        expect(rec.recordSeq).toBe(seq);
        expect(rec.tcpSeq).toBe(tcp);
        if (version === '1.2') expect(explicitNonceOf(rec)).toBe(BigInt.asUintN(64, 0xffff_ffff_ffff_fffdn + BigInt(i)));
        seq++;
        tcp = seqAdd(tcp, rec.bytes.length);
      }
      expect(st.nextRecordSeq).toBe(seq);
      expect(st.nextTcpSeq).toBe(tcp);
      expect(concatBytes(...recs.map((x) => plaintextOf(x, version)))).toEqual(concatBytes(...writes));
      // Records never span writes: each write's last record is short unless the write was a multiple of 100.
      expect(recs.length).toBe(writes.reduce((a, w) => a + Math.ceil(w.length / 100), 0));
    }
  });

  it('rejects invalid configurations', () => {
    const d = new Uint8Array(10);
    const f = { recordSeq: 0n, tcpSeq: 0 };
    expect(() => frameRecords({ version: '1.2', maxPlaintext: 0 }, d, f)).toThrow(/maxPlaintext/);
    expect(() => frameRecords({ version: '1.3', maxPlaintext: 16385 }, d, f)).toThrow(/maxPlaintext/);
    expect(() => frameRecords({ version: '1.2', maxPlaintext: 100, padding: 1 }, d, f)).toThrow(/padding/);
    expect(() => frameRecords({ version: '1.3', maxPlaintext: 16384, padding: 1 }, d, f)).toThrow(/inner plaintext limit/);
    expect(() => frameRecords({ version: '1.3', maxPlaintext: 100 }, d, f, 0)).toThrow(/non-zero/);
    expect(() => frameRecords({ version: '1.3', maxPlaintext: 100 }, d, f, 256)).toThrow(/content type/);
  });
});

describe('record list', () => {
  it(`findRecord finds every byte of a stream that wraps 2^32 (seed ${SEED + 60})`, () => {
    const r = createPrng(SEED + 60);
    for (const version of ['1.2', '1.3'] as const) {
      const data = r.bytes(300_000);
      const st = createFramerState({ version, maxPlaintext: 16384 }, { recordSeq: 0n, tcpSeq: (2 ** 32 - 150_000) >>> 0 });
      const list = createRecordList();
      const recs: TlsRecord[] = [];
      // Mixed record sizes, like sendmsg calls of different sizes.
      for (let o = 0; o < data.length; ) {
        const n = Math.min(data.length - o, r.pick([1, r.int(1, 100), r.int(1, 20000)]));
        for (const rec of frameNext(st, data.subarray(o, o + n))) {
          appendRecord(list, rec);
          recs.push(rec);
        }
        o += n;
      }
      const stream = recordStream(recs);
      const start = recs[0].tcpSeq;
      expect(seqAdd(start, stream.length) < start, 'stream must wrap past 2^32').toBe(true);
      let ri = 0;
      let recStart = 0;
      for (let i = 0; i < stream.length; i++) {
        if (i - recStart >= recs[ri].bytes.length) {
          recStart += recs[ri].bytes.length;
          ri++;
        }
        const f = findRecord(list, seqAdd(start, i));
        if (!f || f.record !== recs[ri] || f.offset !== i - recStart || f.record.bytes[f.offset] !== stream[i]) {
          throw new Error(`${version}: byte ${i} (seq ${seqAdd(start, i)}): expected record ${ri} offset ${i - recStart}, got ${f ? `${recs.indexOf(f.record)} offset ${f.offset}` : 'none'}`);
        }
      }
      expect(findRecord(list, seqAdd(start, -1))).toBeUndefined();
      expect(findRecord(list, seqAdd(start, stream.length))).toBeUndefined();
      expect(findRecord(list, seqAdd(start, 2 ** 31))).toBeUndefined();
      console.log(`record list ${version}: ${recs.length} records, ${stream.length} bytes from seq ${start}, every byte found`);
    }
  });

  it(`ackUpTo frees exactly the fully acknowledged records (seed ${SEED + 61})`, () => {
    const r = createPrng(SEED + 61);
    const st = createFramerState({ version: '1.2', maxPlaintext: 500 }, { recordSeq: 0n, tcpSeq: 0xfffe0000 });
    const list = createRecordList();
    const recs = frameNext(st, r.bytes(200_000));
    for (const rec of recs) appendRecord(list, rec);
    const end = (rec: TlsRecord): number => seqAdd(rec.tcpSeq, rec.bytes.length);
    let firstLive = 0;
    let ack = recs[0].tcpSeq;
    while (firstLive < recs.length) {
      // Occasionally a stale ACK (older than one already processed) arrives: it must free nothing.
      if (r.chance(0.1)) expect(ackUpTo(list, seqAdd(ack, -r.int(0, 3000)))).toEqual([]);
      ack = seqAdd(ack, r.pick([0, 1, r.int(0, 600), r.int(0, 5000), seqDiff(end(recs[firstLive]), ack)]));
      if (seqGt(ack, st.nextTcpSeq)) ack = st.nextTcpSeq;
      const freed = ackUpTo(list, ack);
      let expectFreed = 0;
      while (firstLive + expectFreed < recs.length && seqLeq(end(recs[firstLive + expectFreed]), ack)) expectFreed++;
      expect(freed).toEqual(recs.slice(firstLive, firstLive + expectFreed));
      expect(freed.every((x, k) => x === recs[firstLive + k])).toBe(true);
      firstLive += expectFreed;
      expect(recordCount(list)).toBe(recs.length - firstLive);
      if (firstLive < recs.length) {
        const live = recs[firstLive];
        expect(liveRecords(list)[0]).toBe(live);
        // The ACK points into (or at the start of) the oldest live record.
        expect(seqInRange(ack, live.tcpSeq, live.bytes.length)).toBe(true);
        // Freed bytes are no longer findable; the live ones are.
        expect(findRecord(list, seqAdd(live.tcpSeq, -1))).toBeUndefined();
        expect(findRecord(list, live.tcpSeq)?.record).toBe(live);
        expect(findRecord(list, seqAdd(st.nextTcpSeq, -1))?.record).toBe(recs[recs.length - 1]);
      }
    }
    expect(liveRecords(list)).toEqual([]);
    expect(findRecord(list, recs[0].tcpSeq)).toBeUndefined();
    // The list keeps working after being emptied and compacted.
    const more = frameNext(st, r.bytes(1000));
    for (const rec of more) appendRecord(list, rec);
    expect(findRecord(list, seqAdd(more[0].tcpSeq, 3))).toEqual({ record: more[0], offset: 3 });
    expect(list.records.length).toBeLessThan(recs.length); // compaction released the freed prefix
  });

  it('refuses overlapping, out-of-order and over-wide appends; tolerates gaps', () => {
    const recs = frameRecords({ version: '1.3', maxPlaintext: 100 }, new Uint8Array(1000), { recordSeq: 0n, tcpSeq: 0xffffffc0 });
    const list = createRecordList();
    appendRecord(list, recs[0]);
    appendRecord(list, recs[1]);
    expect(() => appendRecord(list, recs[1])).toThrow(/overlaps or is out of order/);
    expect(() => appendRecord(list, recs[0])).toThrow(/overlaps or is out of order/);
    expect(() => appendRecord(list, { ...recs[2], tcpSeq: seqAdd(recs[2].tcpSeq, -1) })).toThrow(/overlaps/);
    expect(() => appendRecord(list, { ...recs[2], tcpSeq: seqAdd(recs[0].tcpSeq, 2 ** 31) })).toThrow(/span limit/);
    const gapped = { ...recs[3], tcpSeq: seqAdd(recs[2].tcpSeq, 50) };
    appendRecord(list, gapped);
    expect(findRecord(list, recs[2].tcpSeq)).toBeUndefined(); // in the gap
    expect(findRecord(list, seqAdd(gapped.tcpSeq, 10))).toEqual({ record: gapped, offset: 10 });
    expect(findRecord(createRecordList(), 0)).toBeUndefined();
  });

  it('lookup cost is logarithmic: 1e5 records, 2e5 lookups', () => {
    const list = createRecordList();
    const recs = frameRecords({ version: '1.3', maxPlaintext: 10 }, new Uint8Array(1_000_000), { recordSeq: 0n, tcpSeq: 0x80000000 });
    for (const rec of recs) appendRecord(list, rec);
    const r = createPrng(SEED + 62);
    const total = recs.length * recs[0].bytes.length;
    const t0 = performance.now();
    let hits = 0;
    for (let i = 0; i < 200_000; i++) if (findRecord(list, seqAdd(0x80000000, r.int(0, total - 1)))) hits++;
    const ms = performance.now() - t0;
    console.log(`record list: ${recs.length} records, 2e5 lookups in ${ms.toFixed(0)} ms`);
    expect(hits).toBe(200_000);
    expect(ms).toBeLessThan(5_000); // a linear scan (1e5 records × 2e5 lookups) would take minutes
  });
});
