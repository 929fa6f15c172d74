// Classic pcap read/write. Round trips through our own writer, hand-built files in the
// other byte order and the nanosecond format, files produced by Wireshark's editcap, and
// tshark reading what we write. Every malformed input has a clear error.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng } from '../models/prng.ts';
import { readPcap, readPcapHeader, writePcap, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_SNAPLEN } from '../models/pcap.ts';

const SEED = 0x9ca9;

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Hand-built pcap in either byte order, µs or ns, with explicit record fields. */
function handPcap(
  littleEndian: boolean,
  magic: number,
  recs: { sec: number; frac: number; data: Uint8Array; orig?: number }[],
  linkType = 1,
): Uint8Array {
  const n = 24 + recs.reduce((a, r) => a + 16 + r.data.length, 0);
  const b = new Uint8Array(n);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, magic, littleEndian);
  dv.setUint16(4, 2, littleEndian);
  dv.setUint16(6, 4, littleEndian);
  dv.setUint32(16, 65535, littleEndian);
  dv.setUint32(20, linkType, littleEndian);
  let o = 24;
  for (const r of recs) {
    dv.setUint32(o, r.sec, littleEndian);
    dv.setUint32(o + 4, r.frac, littleEndian);
    dv.setUint32(o + 8, r.data.length, littleEndian);
    dv.setUint32(o + 12, r.orig ?? r.data.length, littleEndian);
    b.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return b;
}

describe('pcap', () => {
  it(`write → read round trip of random packets and timestamps (seed ${SEED})`, () => {
    const r = createPrng(SEED);
    const pkts = Array.from({ length: 200 }, (_, i) => ({
      data: r.bytes(r.pick([0, 1, 60, r.int(0, 1514), 9018])),
      timestampUs: i % 3 === 0 ? BigInt(r.int(0, 2 ** 40)) : r.int(0, 2 ** 40),
    }));
    const file = writePcap(pkts);
    const h = readPcapHeader(file);
    expect(h).toEqual({ littleEndian: true, nanosecond: false, versionMajor: 2, versionMinor: 4, snaplen: PCAP_SNAPLEN, linkType: 1 });
    const back = readPcap(file);
    expect(back.length).toBe(pkts.length);
    for (const [i, p] of back.entries()) {
      expect(p.data, `packet ${i}`).toEqual(pkts[i].data);
      expect(p.timestampUs, `packet ${i}`).toBe(BigInt(pkts[i].timestampUs));
      expect(p.timestampNs, `packet ${i}`).toBe(BigInt(pkts[i].timestampUs) * 1000n);
      expect(p.originalLength).toBe(pkts[i].data.length);
    }
  });

  it('default timestamps count up 1 µs from 0, continuing from an explicit one', () => {
    const d = Uint8Array.of(1, 2, 3);
    const back = readPcap(writePcap([{ data: d }, { data: d }, { data: d, timestampUs: 5_000_000n }, { data: d }]));
    expect(back.map((p) => p.timestampUs)).toEqual([0n, 1n, 5_000_000n, 5_000_001n]);
  });

  it('an empty capture is just the global header', () => {
    const f = writePcap([]);
    expect(f.length).toBe(24);
    expect(readPcap(f)).toEqual([]);
  });

  it('reads hand-built files in both byte orders, µs and ns', () => {
    const r = createPrng(SEED + 1);
    const recs = [
      { sec: 0, frac: 0, data: r.bytes(60) },
      { sec: 1_700_000_000, frac: 999_999, data: r.bytes(1514) },
      { sec: 0xffffffff, frac: 1, data: r.bytes(0), orig: 64 }, // orig > captured: truncated capture
    ];
    for (const le of [true, false]) {
      const us = readPcap(handPcap(le, PCAP_MAGIC_US, recs));
      expect(readPcapHeader(handPcap(le, PCAP_MAGIC_US, recs)).littleEndian).toBe(le);
      expect(us.map((p) => p.timestampUs)).toEqual([0n, 1_700_000_000_999_999n, 0xffffffffn * 1_000_000n + 1n]);
      expect(us.map((p) => p.data)).toEqual(recs.map((x) => x.data));
      expect(us.map((p) => p.originalLength)).toEqual([60, 1514, 64]);

      const nsRecs = recs.map((x, i) => ({ ...x, frac: [0, 999_999_999, 1_500][i] }));
      const nsFile = handPcap(le, PCAP_MAGIC_NS, nsRecs);
      expect(readPcapHeader(nsFile).nanosecond).toBe(true);
      const ns = readPcap(nsFile);
      expect(ns.map((p) => p.timestampNs)).toEqual([0n, 1_700_000_000_999_999_999n, 0xffffffffn * 1_000_000_000n + 1_500n]);
      expect(ns.map((p) => p.timestampUs)).toEqual([0n, 1_700_000_000_999_999n, 0xffffffffn * 1_000_000n + 1n]);
    }
    // The big-endian header really is big-endian (guards against handPcap ignoring `le`).
    expect(Array.from(handPcap(false, PCAP_MAGIC_US, []).subarray(0, 4))).toEqual([0xa1, 0xb2, 0xc3, 0xd4]);
    expect(Array.from(writePcap([]).subarray(0, 4))).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
  });

  it('gives clear errors for non-pcap, truncated and non-Ethernet input', () => {
    const good = writePcap([{ data: new Uint8Array(100) }, { data: new Uint8Array(50) }]);
    expect(() => readPcap(new Uint8Array(0))).toThrow(/not a pcap file/);
    expect(() => readPcap(new TextEncoder().encode('hello, this is not a capture file'))).toThrow(/not a pcap file \(magic 0x68656c6c\)/);
    expect(() => readPcap(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0))).toThrow(/pcapng/);
    expect(() => readPcap(good.subarray(0, 20))).toThrow(/truncated global header/);
    expect(() => readPcap(good.subarray(0, 24 + 10))).toThrow(/truncated record header for packet 0/);
    expect(() => readPcap(good.subarray(0, 24 + 16 + 99))).toThrow(/truncated packet 0 .*captured length 100, 99 bytes left/);
    expect(() => readPcap(good.subarray(0, good.length - 1))).toThrow(/truncated packet 1/);
    expect(() => readPcap(handPcap(true, PCAP_MAGIC_US, [], 101))).toThrow(/link type 101 is not Ethernet/);
    expect(() => readPcap(handPcap(false, PCAP_MAGIC_NS, [], 113))).toThrow(/link type 113 is not Ethernet/);
    const badVersion = good.slice();
    badVersion[4] = 1;
    expect(() => readPcap(badVersion)).toThrow(/unsupported pcap version 1\.4/);
    expect(() => readPcap(handPcap(true, PCAP_MAGIC_US, [{ sec: 0, frac: 1_000_000, data: new Uint8Array(1) }]))).toThrow(/sub-second field/);
    expect(() => writePcap([{ data: new Uint8Array(PCAP_SNAPLEN + 1) }])).toThrow(/snaplen/);
    expect(() => writePcap([{ data: new Uint8Array(1), timestampUs: -1 }])).toThrow(/out of range/);
  });

  it(`tshark and editcap agree with the writer and reader (seed ${SEED + 2})`, () => {
    if (!hasTool('tshark') || !hasTool('editcap')) {
      console.log('SKIPPED tshark/editcap cross-check: tools not on PATH');
      return;
    }
    const r = createPrng(SEED + 2);
    const pkts = Array.from({ length: 20 }, () => ({ data: r.bytes(r.int(60, 1514)), timestampUs: BigInt(r.int(0, 2 ** 31)) * 1_000_000n + BigInt(r.int(0, 999_999)) }));
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-pcap-'));
    const ours = join(dir, 'ours.pcap');
    writeFileSync(ours, writePcap(pkts));
    const out = execFileSync('tshark', ['-r', ours, '-T', 'fields', '-E', 'separator=,', '-e', 'frame.len', '-e', 'frame.time_epoch'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const rows = out.trim().split('\n').map((l) => l.split(','));
    expect(rows.length).toBe(pkts.length);
    for (const [i, [len, epoch]] of rows.entries()) {
      expect(Number(len), `frame ${i + 1}`).toBe(pkts[i].data.length);
      const [s, frac] = epoch.split('.');
      expect(BigInt(s) * 1_000_000n + BigInt(frac.padEnd(9, '0').slice(0, 6)), `frame ${i + 1} time`).toBe(pkts[i].timestampUs);
    }
    // editcap rewrites our file as nanosecond pcap; we must read back identical packets.
    const nsFile = join(dir, 'ns.pcap');
    execFileSync('editcap', ['-F', 'nsecpcap', ours, nsFile], { stdio: 'ignore' });
    const nsBytes = new Uint8Array(readFileSync(nsFile));
    expect(readPcapHeader(nsBytes).nanosecond).toBe(true);
    const back = readPcap(nsBytes);
    expect(back.map((p) => p.data)).toEqual(pkts.map((p) => p.data));
    expect(back.map((p) => p.timestampNs)).toEqual(pkts.map((p) => p.timestampUs * 1000n));
    // And pcapng is refused with a pointer to the fix.
    const ngFile = join(dir, 'ng.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', ours, ngFile], { stdio: 'ignore' });
    expect(() => readPcap(new Uint8Array(readFileSync(ngFile)))).toThrow(/pcapng/);
  });
});
