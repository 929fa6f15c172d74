// Ethernet/IP/TCP build and parse, RFC 1071 checksums.
// Proof strategy: seeded random packets round-trip through build → parse; every checksum is
// compared with a deliberately naive byte-by-byte reference written below (no shared code
// with models/checksum.ts), and a sample is handed to tshark as an outside opinion. Each
// malformed-frame class has a hand-made frame that must yield its named reason.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrng, type Prng } from '../models/prng.ts';
import {
  checksumAdjust,
  finishChecksum,
  foldSum,
  internetChecksum,
  ipv4HeaderChecksum,
  sumBytes,
  tcpChecksum,
  tcpChecksumValid,
} from '../models/checksum.ts';
import {
  buildTcpPacket,
  flowKey,
  isParseError,
  parseTcpPacket,
  tcpChecksumOk,
  withFixedTcpChecksum,
  TcpFlag,
  Ipv4Flag,
  type ParseErrorReason,
  type ParsedTcpPacket,
  type TcpPacket,
} from '../models/packet.ts';
import { writePcap } from '../models/pcap.ts';

// ---- independent reference: byte-by-byte one's-complement sum ----------------------------
function refChecksum(bytes: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    sum += i % 2 === 0 ? bytes[i] * 256 : bytes[i];
    if (sum > 0xffff) sum = sum - 0x10000 + 1; // end-around carry, one step at a time
  }
  return 0xffff - sum;
}

function refTcpChecksum(frame: Uint8Array, ipVersion: 4 | 6, l3: number, l4: number, segEnd: number): number {
  const seg = Array.from(frame.subarray(l4, segEnd));
  seg[16] = 0;
  seg[17] = 0;
  const len = seg.length;
  const pseudo: number[] = [];
  if (ipVersion === 4) {
    pseudo.push(...frame.subarray(l3 + 12, l3 + 20), 0, 6, len >> 8, len & 0xff);
  } else {
    pseudo.push(...frame.subarray(l3 + 8, l3 + 40), 0, 0, len >> 8, len & 0xff, 0, 0, 0, 6);
  }
  return refChecksum([...pseudo, ...seg]);
}

function refIpv4HeaderChecksum(frame: Uint8Array, l3: number, hdrLen: number): number {
  const h = Array.from(frame.subarray(l3, l3 + hdrLen));
  h[10] = 0;
  h[11] = 0;
  return refChecksum(h);
}

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

// ---- random packets ----------------------------------------------------------------------
function randomPacket(r: Prng): TcpPacket {
  const v6 = r.chance(0.4);
  const ipOptLen = 4 * r.int(0, 10);
  const tcpOptLen = 4 * r.int(0, 10);
  // Lengths chosen so the frame stays within the 65535-byte IP limit and covers tiny,
  // odd and jumbo-frame payloads.
  const payloadLen = r.pick([0, 1, 2, 3, r.int(0, 64), r.int(0, 1500), r.int(0, 9000), 9000]);
  return {
    eth: {
      dst: r.bytes(6),
      src: r.bytes(6),
      ...(r.chance(0.5) ? { vlan: { pcp: r.int(0, 7), dei: r.int(0, 1), vid: r.int(0, 4095) } } : {}),
    },
    ip: v6
      ? { version: 6, src: r.bytes(16), dst: r.bytes(16), trafficClass: r.int(0, 255), flowLabel: r.int(0, 0xfffff), hopLimit: r.int(0, 255) }
      : {
          version: 4,
          src: r.bytes(4),
          dst: r.bytes(4),
          dscpEcn: r.int(0, 255),
          id: r.int(0, 0xffff),
          flags: r.pick([0, Ipv4Flag.DF, 4 /* reserved bit, carried through */]),
          fragOffset: 0,
          ttl: r.int(0, 255),
          options: r.bytes(ipOptLen),
        },
    tcp: {
      srcPort: r.int(0, 0xffff),
      dstPort: r.int(0, 0xffff),
      seq: r.nextU32(),
      ack: r.nextU32(),
      flags: r.int(0, 0xff),
      window: r.int(0, 0xffff),
      urgent: r.int(0, 0xffff),
      options: r.bytes(tcpOptLen),
    },
    payload: r.bytes(payloadLen),
  };
}

function ok(frame: Uint8Array): ParsedTcpPacket {
  const p = parseTcpPacket(frame);
  if (isParseError(p)) throw new Error(`unexpected parse error ${p.error}: ${p.detail}`);
  return p;
}

function hasTshark(): boolean {
  try {
    execFileSync('tshark', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const SEED = 0x7c0ffee;
const N = 400;

describe('checksum (RFC 1071)', () => {
  it(`matches the byte-by-byte reference on random buffers, incl. odd lengths (seed ${SEED})`, () => {
    const r = createPrng(SEED);
    for (let i = 0; i < 200; i++) {
      const b = r.bytes(r.int(0, 3000));
      expect(internetChecksum(b), `buffer ${i} len ${b.length}`).toBe(refChecksum(Array.from(b)));
    }
  });

  it('known vector: RFC 1071 §3 example words sum to 0xddf2', () => {
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(foldSum(sumBytes(b))).toBe(0xddf2);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('all-ones data folds to 0xffff and its checksum is 0', () => {
    expect(internetChecksum(new Uint8Array(9000).fill(0xff))).toBe(0);
  });

  it(`incremental sums over even-aligned chunks equal the one-shot sum (seed ${SEED + 1})`, () => {
    const r = createPrng(SEED + 1);
    for (let i = 0; i < 100; i++) {
      const b = r.bytes(r.int(1, 2000));
      let acc = 0;
      let o = 0;
      while (o < b.length) {
        const end = Math.min(b.length, o + 2 * r.int(1, 200)); // chunks start at even offsets
        acc = sumBytes(b, o, end, acc);
        o = end;
      }
      expect(finishChecksum(acc), `buffer ${i} len ${b.length}`).toBe(internetChecksum(b));
    }
  });

  it(`RFC 1624 incremental update equals recomputation (seed ${SEED + 2})`, () => {
    const r = createPrng(SEED + 2);
    for (let i = 0; i < 500; i++) {
      const b = r.bytes(2 * r.int(1, 40));
      const before = internetChecksum(b);
      const w = 2 * r.int(0, b.length / 2 - 1);
      const oldWord = u16(b, w);
      const newWord = r.pick([0, 0xffff, r.int(0, 0xffff)]);
      b[w] = newWord >> 8;
      b[w + 1] = newWord & 0xff;
      const after = internetChecksum(b);
      // RFC 1624 eqn. 3 can yield 0xffff where a recomputation yields 0 (both are "zero").
      const adj = checksumAdjust(before, oldWord, newWord);
      expect(adj === after || (adj === 0xffff && after === 0) || (adj === 0 && after === 0xffff), `case ${i}`).toBe(true);
    }
  });

  it('tcpChecksum ignores the current checksum field; tcpChecksumValid accepts it once stored', () => {
    const src = Uint8Array.of(192, 168, 0, 1);
    const dst = Uint8Array.of(192, 168, 0, 2);
    const seg = createPrng(SEED + 3).bytes(41);
    const c1 = tcpChecksum(4, src, dst, seg);
    seg[16] = 0x12;
    seg[17] = 0x34;
    expect(tcpChecksum(4, src, dst, seg)).toBe(c1);
    expect(tcpChecksumValid(4, src, dst, seg)).toBe(c1 === 0x1234);
    seg[16] = c1 >> 8;
    seg[17] = c1 & 0xff;
    expect(tcpChecksumValid(4, src, dst, seg)).toBe(true);
    expect(tcpChecksumValid(6, new Uint8Array(16), new Uint8Array(16), seg)).toBe(false);
  });
});

describe('buildTcpPacket / parseTcpPacket', () => {
  it(`round-trips ${N} random packets with reference-checked checksums (seed ${SEED + 10})`, () => {
    const r = createPrng(SEED + 10);
    let ipv6 = 0;
    let vlan = 0;
    let maxPayload = 0;
    for (let i = 0; i < N; i++) {
      const p = randomPacket(r);
      const label = `seed ${SEED + 10} packet ${i}`;
      const f = buildTcpPacket(p);
      const q = ok(f);
      const l2 = p.eth.vlan ? 18 : 14;
      const ipHdr = p.ip.version === 4 ? 20 + p.ip.options.length : 40;
      const tcpHdr = 20 + p.tcp.options.length;
      expect(f.length, label).toBe(l2 + ipHdr + tcpHdr + p.payload.length);
      expect(q.eth, label).toEqual(p.eth);
      expect(q.ip, label).toEqual(p.ip);
      expect(q.tcp, label).toEqual(p.tcp);
      expect(q.payload, label).toEqual(p.payload);
      expect([q.l3Offset, q.l4Offset, q.payloadOffset, q.payloadLength, q.trailerLength], label).toEqual([
        l2,
        l2 + ipHdr,
        l2 + ipHdr + tcpHdr,
        p.payload.length,
        0,
      ]);
      expect(q.seq, label).toBe(p.tcp.seq);
      expect(q.tuple, label).toEqual({ ipVersion: p.ip.version, srcAddr: p.ip.src, dstAddr: p.ip.dst, srcPort: p.tcp.srcPort, dstPort: p.tcp.dstPort });
      // Length fields, read straight from the bytes.
      if (p.ip.version === 4) {
        expect(f[l2] & 0xf, label).toBe(ipHdr / 4);
        expect(u16(f, l2 + 2), label).toBe(ipHdr + tcpHdr + p.payload.length);
        expect(u16(f, l2 + 10), label).toBe(refIpv4HeaderChecksum(f, l2, ipHdr));
        expect(q.ipHeaderChecksumOk, label).toBe(true);
      } else {
        expect(u16(f, l2 + 4), label).toBe(tcpHdr + p.payload.length);
        ipv6++;
      }
      expect(f[l2 + ipHdr + 12] >> 4, label).toBe(tcpHdr / 4);
      expect(u16(f, l2 + ipHdr + 16), label).toBe(refTcpChecksum(f, p.ip.version, l2, l2 + ipHdr, f.length));
      expect(q.tcpChecksumField, label).toBe(u16(f, l2 + ipHdr + 16));
      expect(tcpChecksumOk(f), label).toBe(true);
      if (p.eth.vlan) vlan++;
      maxPayload = Math.max(maxPayload, p.payload.length);
    }
    console.log(`packet round trip: ${N} packets, ${ipv6} IPv6, ${vlan} VLAN-tagged, max payload ${maxPayload}`);
    // The generator must actually have exercised every shape.
    expect(ipv6).toBeGreaterThan(N / 5);
    expect(vlan).toBeGreaterThan(N / 5);
    expect(maxPayload).toBe(9000);
  });

  it('zero-pads options to 4 bytes and rejects more than 40', () => {
    const r = createPrng(SEED + 11);
    const p = randomPacket(r);
    p.ip = { version: 4, src: r.bytes(4), dst: r.bytes(4), dscpEcn: 0, id: 0, flags: 0, fragOffset: 0, ttl: 64, options: Uint8Array.of(0x94, 0x04, 0, 0, 7) };
    p.tcp.options = Uint8Array.of(2, 4, 0x05, 0xb4, 1, 3, 3);
    const q = ok(buildTcpPacket(p));
    expect((q.ip as { options: Uint8Array }).options).toEqual(Uint8Array.of(0x94, 4, 0, 0, 7, 0, 0, 0));
    expect(q.tcp.options).toEqual(Uint8Array.of(2, 4, 0x05, 0xb4, 1, 3, 3, 0));
    expect(q.l4Offset - q.l3Offset).toBe(28);
    p.tcp.options = new Uint8Array(41);
    expect(() => buildTcpPacket(p)).toThrow(/max 40/);
    p.tcp.options = new Uint8Array(0);
    p.ip.options = new Uint8Array(44);
    expect(() => buildTcpPacket(p)).toThrow(/max 40/);
  });

  it('rejects out-of-range fields and wrong address lengths when building', () => {
    const base = randomPacket(createPrng(SEED + 12));
    expect(() => buildTcpPacket({ ...base, tcp: { ...base.tcp, seq: 2 ** 32 } })).toThrow(/tcp.seq/);
    expect(() => buildTcpPacket({ ...base, tcp: { ...base.tcp, srcPort: -1 } })).toThrow(/srcPort/);
    expect(() => buildTcpPacket({ ...base, eth: { ...base.eth, vlan: { pcp: 8, dei: 0, vid: 1 } } })).toThrow(/pcp/);
    expect(() => buildTcpPacket({ ...base, ip: { version: 6, src: new Uint8Array(4), dst: new Uint8Array(16), trafficClass: 0, flowLabel: 0, hopLimit: 1 } })).toThrow(/16 bytes/);
    expect(() => buildTcpPacket({ ...base, payload: new Uint8Array(65536) })).toThrow(/65535/);
  });

  it('tolerates Ethernet padding (60-byte minimum frames) and trailing bytes without counting them as payload', () => {
    const r = createPrng(SEED + 13);
    for (const [i, payloadLen] of [0, 1, 5, 6, 7].entries()) {
      const p = randomPacket(r);
      p.eth = { dst: r.bytes(6), src: r.bytes(6) };
      p.ip = { version: 4, src: r.bytes(4), dst: r.bytes(4), dscpEcn: 0, id: i, flags: Ipv4Flag.DF, fragOffset: 0, ttl: 64, options: new Uint8Array(0) };
      p.tcp.options = new Uint8Array(0);
      p.payload = r.bytes(payloadLen);
      const f = buildTcpPacket(p, { padToMinimum: true });
      expect(f.length).toBe(Math.max(60, 54 + payloadLen)); // 7 bytes of payload need no pad
      const q = ok(f);
      expect(q.payloadLength).toBe(payloadLen);
      expect(q.payload).toEqual(p.payload);
      expect(q.trailerLength).toBe(Math.max(0, 60 - 54 - payloadLen));
      expect(q.ipDatagramLength).toBe(40 + payloadLen);
      expect(tcpChecksumOk(f)).toBe(true);
      // Non-zero garbage in the pad must not disturb parsing or the checksum either.
      const g = f.slice();
      g.fill(0xa5, 54 + payloadLen);
      expect(ok(g).payloadLength).toBe(payloadLen);
      expect(tcpChecksumOk(g)).toBe(true);
    }
    // IPv6 with trailing bytes (e.g. an FCS the capture kept).
    const p = randomPacket(r);
    p.ip = { version: 6, src: r.bytes(16), dst: r.bytes(16), trafficClass: 0, flowLabel: 0, hopLimit: 64 };
    const f = buildTcpPacket(p);
    const g = new Uint8Array(f.length + 4);
    g.set(f);
    g.set([1, 2, 3, 4], f.length);
    const q = ok(g);
    expect(q.payloadLength).toBe(p.payload.length);
    expect(q.trailerLength).toBe(4);
    expect(tcpChecksumOk(g)).toBe(true);
  });

  it('tcpChecksumOk detects a corrupted byte and withFixedTcpChecksum repairs a copy', () => {
    const r = createPrng(SEED + 14);
    for (let i = 0; i < 50; i++) {
      const p = randomPacket(r);
      if (p.payload.length === 0) p.payload = r.bytes(10);
      const f = buildTcpPacket(p);
      const q = ok(f);
      const g = f.slice();
      const at = q.payloadOffset + r.int(0, q.payloadLength - 1);
      g[at] ^= 1 << r.int(0, 7);
      expect(tcpChecksumOk(g), `case ${i}`).toBe(false);
      const h = withFixedTcpChecksum(g);
      expect(tcpChecksumOk(h), `case ${i}`).toBe(true);
      expect(tcpChecksumOk(g), 'input not mutated').toBe(false);
      expect(u16(h, q.l4Offset + 16)).toBe(refTcpChecksum(h, p.ip.version, q.l3Offset, q.l4Offset, h.length));
      // Header bytes other than the checksum are untouched.
      const diff = [];
      for (let k = 0; k < h.length; k++) if (h[k] !== g[k]) diff.push(k);
      expect(diff.every((k) => k === q.l4Offset + 16 || k === q.l4Offset + 17)).toBe(true);
    }
    expect(() => tcpChecksumOk(new Uint8Array(10))).toThrow(/truncated-ethernet/);
  });

  it('flowKey is directional, stable and distinguishes tuples', () => {
    const r = createPrng(SEED + 15);
    const p = randomPacket(r);
    p.ip = { version: 4, src: Uint8Array.of(10, 0, 0, 1), dst: Uint8Array.of(10, 0, 0, 2), dscpEcn: 0, id: 0, flags: 0, fragOffset: 0, ttl: 64, options: new Uint8Array(0) };
    p.tcp.srcPort = 40000;
    p.tcp.dstPort = 443;
    const a = ok(buildTcpPacket(p));
    expect(flowKey(a)).toBe('4|10.0.0.1:40000>10.0.0.2:443');
    expect(flowKey(a.tuple)).toBe(flowKey(a));
    const b = ok(buildTcpPacket({ ...p, payload: r.bytes(7), tcp: { ...p.tcp, seq: 1 } }));
    expect(flowKey(b)).toBe(flowKey(a));
    const rev = ok(buildTcpPacket({ ...p, ip: { ...p.ip, src: p.ip.dst, dst: p.ip.src }, tcp: { ...p.tcp, srcPort: 443, dstPort: 40000 } }));
    expect(flowKey(rev)).not.toBe(flowKey(a));
    const v6 = ok(buildTcpPacket({ ...p, ip: { version: 6, src: new Uint8Array(16), dst: new Uint8Array(16), trafficClass: 0, flowLabel: 0, hopLimit: 1 } }));
    expect(flowKey(v6)).toBe('6|[0:0:0:0:0:0:0:0]:40000>[0:0:0:0:0:0:0:0]:443');
  });
});

describe('parseTcpPacket malformed frames', () => {
  const r = createPrng(SEED + 20);
  const v4 = (() => {
    const p = randomPacket(r);
    p.eth = { dst: r.bytes(6), src: r.bytes(6) };
    p.ip = { version: 4, src: r.bytes(4), dst: r.bytes(4), dscpEcn: 0, id: 7, flags: 0, fragOffset: 0, ttl: 64, options: new Uint8Array(0) };
    p.tcp.options = new Uint8Array(0);
    p.payload = r.bytes(100);
    return buildTcpPacket(p);
  })();
  const v6 = (() => {
    const p = randomPacket(r);
    p.eth = { dst: r.bytes(6), src: r.bytes(6) };
    p.ip = { version: 6, src: r.bytes(16), dst: r.bytes(16), trafficClass: 0, flowLabel: 0, hopLimit: 64 };
    p.tcp.options = new Uint8Array(0);
    p.payload = r.bytes(100);
    return buildTcpPacket(p);
  })();
  const edit = (f: Uint8Array, fn: (g: Uint8Array) => void): Uint8Array => {
    const g = f.slice();
    fn(g);
    return g;
  };
  const set16 = (g: Uint8Array, o: number, v: number): void => {
    g[o] = v >> 8;
    g[o + 1] = v & 0xff;
  };
  // Record<ParseErrorReason, …> makes the compiler insist every reason has a case.
  const cases: Record<ParseErrorReason, Uint8Array[]> = {
    'truncated-ethernet': [new Uint8Array(0), v4.slice(0, 13), edit(v4.slice(0, 17), (g) => set16(g, 12, 0x8100))],
    'unsupported-ethertype': [
      edit(v4, (g) => set16(g, 12, 0x0806)),
      // a second 802.1Q tag (QinQ) is not unwrapped
      (() => {
        const g = new Uint8Array(v4.length + 8);
        g.set(v4.subarray(0, 12));
        g.set([0x81, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00, 0x02], 12);
        g.set(v4.subarray(12), 20);
        return g;
      })(),
    ],
    'truncated-ipv4': [v4.slice(0, 33)],
    'bad-ip-version': [edit(v4, (g) => (g[14] = 0x65)), edit(v6, (g) => (g[14] = 0x40 | (g[14] & 0xf)))],
    'bad-ihl': [edit(v4, (g) => (g[14] = 0x44))],
    'ipv4-header-beyond-frame': [edit(v4.slice(0, 40), (g) => (g[14] = 0x47))],
    'bad-ipv4-total-length': [edit(v4, (g) => set16(g, 16, 19))],
    'ipv4-length-beyond-frame': [edit(v4, (g) => set16(g, 16, v4.length - 14 + 1)), v4.slice(0, v4.length - 1)],
    'ipv4-fragment': [edit(v4, (g) => (g[20] |= 0x20)), edit(v4, (g) => set16(g, 20, 0x0001)), edit(v4, (g) => set16(g, 20, 0x4000 | 185))],
    'truncated-ipv6': [v6.slice(0, 53)],
    'ipv6-length-beyond-frame': [v6.slice(0, v6.length - 1), edit(v6, (g) => set16(g, 18, v6.length - 54 + 1))],
    'ipv6-extension-header': [edit(v6, (g) => (g[20] = 0)), edit(v6, (g) => (g[20] = 44)), edit(v6, (g) => (g[20] = 60))],
    'not-tcp': [edit(v4, (g) => (g[23] = 17)), edit(v6, (g) => (g[20] = 17)), edit(v6, (g) => (g[20] = 58))],
    'truncated-tcp': [
      edit(v4, (g) => set16(g, 16, 20 + 19)),
      edit(v6, (g) => set16(g, 18, 0)),
    ],
    'bad-tcp-data-offset': [
      edit(v4, (g) => (g[34 + 12] = 0x40)),
      edit(v4, (g) => (g[34 + 12] = 0x00)),
      // data offset 15 (60 bytes) against a 40-byte segment
      edit(v4, (g) => {
        set16(g, 16, 20 + 40);
        g[34 + 12] = 0xf0;
      }),
      edit(v6, (g) => {
        set16(g, 18, 24);
        g[54 + 12] = 0x70;
      }),
    ],
  };
  for (const [reason, frames] of Object.entries(cases)) {
    it(`gives '${reason}'`, () => {
      for (const [i, f] of frames.entries()) {
        const p = parseTcpPacket(f);
        expect(isParseError(p) ? p.error : 'parsed', `${reason} case ${i}`).toBe(reason);
        if (isParseError(p)) expect(p.detail.length).toBeGreaterThan(0);
      }
    });
  }

  it('the unmodified base frames parse (so each case above is failing for its own reason)', () => {
    expect(ok(v4).payloadLength).toBe(100);
    expect(ok(v6).payloadLength).toBe(100);
    // DF alone is not a fragment.
    expect(isParseError(parseTcpPacket(edit(v4, (g) => (g[20] = 0x40))))).toBe(false);
  });

  it('reports a bad IPv4 header checksum without rejecting the frame', () => {
    const q = ok(edit(v4, (g) => (g[24] ^= 0xff)));
    expect(q.ipHeaderChecksumOk).toBe(false);
    expect(ok(v4).ipHeaderChecksumOk).toBe(true);
    expect(ipv4HeaderChecksum(v4, 14)).toBe(u16(v4, 24));
  });
});

describe('tshark agrees', () => {
  it(`checksums, sequence numbers and payload lengths of a random capture (seed ${SEED + 30})`, () => {
    if (!hasTshark()) {
      console.log('SKIPPED tshark cross-check: tshark not on PATH');
      return;
    }
    const r = createPrng(SEED + 30);
    const frames: Uint8Array[] = [];
    const want: { seq: number; len: number; good: boolean }[] = [];
    for (let i = 0; i < 60; i++) {
      const p = randomPacket(r);
      // Keep TCP options well-formed so tshark's option dissector doesn't flag them: NOPs.
      p.tcp.options = new Uint8Array(p.tcp.options.length).fill(1) /* kind 1 = NOP */;
      if (p.ip.version === 4) p.ip.options = new Uint8Array(p.ip.options.length).fill(1); // IP NOP
      // Keep every frame a plain TCP segment for the dissector (no SYN/RST shortcuts).
      p.tcp.flags = TcpFlag.ACK | (r.chance(0.5) ? TcpFlag.PSH : 0);
      p.tcp.urgent = 0;
      let f = buildTcpPacket(p, { padToMinimum: r.chance(0.5) });
      const good = i % 10 !== 9;
      if (!good) {
        f = f.slice();
        const q = ok(f);
        f[q.l4Offset + 16] ^= 0x01; // negative control: tshark must call these bad
      }
      frames.push(f);
      want.push({ seq: p.tcp.seq, len: p.payload.length, good });
    }
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-packet-'));
    const file = join(dir, 'random.pcap');
    writeFileSync(file, writePcap(frames.map((data) => ({ data }))));
    const out = execFileSync(
      'tshark',
      [
        '-r', file,
        '-o', 'tcp.check_checksum:TRUE',
        '-o', 'ip.check_checksum:TRUE',
        '-o', 'tcp.relative_sequence_numbers:FALSE',
        '-o', 'tcp.analyze_sequence_numbers:FALSE',
        '-T', 'fields', '-E', 'separator=,',
        '-e', 'frame.number', '-e', 'ip.checksum.status', '-e', 'tcp.checksum.status', '-e', 'tcp.seq', '-e', 'tcp.len',
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const rows = out.trim().split('\n').map((l) => l.split(','));
    expect(rows.length).toBe(frames.length);
    for (const [i, row] of rows.entries()) {
      const [num, ipStatus, tcpStatus, seq, len] = row;
      const w = want[i];
      expect(Number(num)).toBe(i + 1);
      // Wireshark checksum status: 0 = bad, 1 = good, 2 = unverified; IPv6 has no IP checksum.
      if (ipStatus !== '') expect(ipStatus, `frame ${i + 1} ip checksum`).toBe('1');
      expect(tcpStatus, `frame ${i + 1} tcp checksum`).toBe(w.good ? '1' : '0');
      expect(Number(seq), `frame ${i + 1} seq`).toBe(w.seq);
      expect(Number(len), `frame ${i + 1} len`).toBe(w.len);
    }
    console.log(`tshark: ${frames.length} frames checked, ${want.filter((w) => !w.good).length} deliberately bad checksums flagged`);
  });
});
