// Packet captures made from real TLS sessions, for testing `tlsnic replay`. A real node:tls client
// and server talk over the recording relay (harness/peer/tls-peer.ts); the relay's per-direction byte
// streams, in the order the bytes really flowed, are then cut into TCP segments the way a sending
// host's stack might: Ethernet (optionally 802.1Q) / IPv4 or IPv6 / TCP with a SYN handshake,
// segments of many sizes (1-byte ones included), retransmissions that repeat earlier bytes later
// in the capture (some as the same segment, some coalesced differently: one retransmission covering
// several earlier segments or parts of them, or one range cut at new points), pure ACKs, FINs, and
// TCP checksums that are sometimes zero or only the pseudo-header sum, as loopback captures and
// captures on hosts with checksum offload show them.
//
// The TLS bytes are exactly what OpenSSL sent; only the TCP/IP framing is synthetic (the relay sees
// a byte stream, not the kernel's segments). The keylog is the client's SSLKEYLOGFILE lines.
import type net from 'node:net';
import tls from 'node:tls';
import { execa } from 'execa';
import { finishChecksum, foldSum, pseudoHeaderSum } from '../../models/checksum.ts';
import { buildTcpPacket, ETH_HEADER_LEN, IPV4_MIN_HEADER_LEN, IPV6_HEADER_LEN, TcpFlag, VLAN_TAG_LEN, type TcpPacket } from '../../models/packet.ts';
import { writePcap, type PcapPacketIn } from '../../models/pcap.ts';
import type { Prng } from '../../models/prng.ts';
import { seqAdd } from '../../models/tcp-seq.ts';
import { concatBytes } from './tls-handshake.ts';
import { openTlsPeerSession, testCertificate, type RelayDirection, type TlsPeerSuite } from './tls-peer.ts';

/** One recorded session, reduced to plain data. */
export interface RecordedSession {
  suite: TlsPeerSuite;
  /** Each direction's TCP byte stream, cut where the relay received it, in cross-direction order. */
  chunks: { direction: RelayDirection; offset: number; bytes: Uint8Array }[];
  /** SSLKEYLOGFILE text (the client's lines). */
  keylogText: string;
  /** Application plaintext each side's TLS socket delivered: c2s = what the server read. */
  plaintext: Record<RelayDirection, Uint8Array>;
  clientRandom: Uint8Array;
}

export interface SessionTraffic {
  /** Application writes per side, in the order they are issued; each [side, bytes]. */
  writes: { from: 'client' | 'server'; bytes: Uint8Array }[];
}

/**
 * Application traffic with both small writes and writes of several full 16 KB records, from both
 * sides, `total` bytes in all (roughly).
 */
export function sessionTraffic(prng: Prng, total: number): SessionTraffic {
  const writes: SessionTraffic['writes'] = [
    { from: 'client', bytes: prng.bytes(1) },
    { from: 'server', bytes: prng.bytes(16384) },
    { from: 'client', bytes: prng.bytes(2 * 16384 + 100) },
    { from: 'server', bytes: prng.bytes(7) },
  ];
  let n = writes.reduce((a, w) => a + w.bytes.length, 0);
  while (n < total) {
    const k = prng.int(0, 9);
    const size = k < 4 ? prng.int(1, 100) : k < 7 ? prng.int(101, 6000) : k < 8 ? 16384 : prng.int(16385, 40000);
    const len = Math.min(size, total - n);
    writes.push({ from: prng.chance(0.5) ? 'client' : 'server', bytes: prng.bytes(len) });
    n += len;
  }
  return { writes };
}

/**
 * Runs a real TLS session forced to `suite`, issues the writes (waiting for delivery after some of
 * them, so the two directions interleave), closes it and returns what the relay recorded.
 */
export async function recordTlsSession(suite: TlsPeerSuite, traffic: SessionTraffic, prng: Prng): Promise<RecordedSession> {
  const s = await openTlsPeerSession(suite);
  try {
    const sent = { client: 0, server: 0 };
    const delivered = () => s.serverReceived().length >= sent.client && s.clientReceived().length >= sent.server;
    for (const w of traffic.writes) {
      if (w.from === 'client') await s.clientWrite(w.bytes);
      else await s.serverWrite(w.bytes);
      sent[w.from] += w.bytes.length;
      if (prng.chance(0.6)) await s.waitFor('delivery', delivered);
    }
    await s.waitFor('delivery of everything', delivered);
    if (s.serverErrors.length > 0 || s.clientErrors.length > 0) {
      throw new Error(`TLS session failed: ${[...s.serverErrors, ...s.clientErrors].map((e) => e.message).join('; ')}`);
    }
    return {
      suite,
      chunks: s.chunks.map((c) => ({ direction: c.direction, offset: c.offset, bytes: c.bytes })),
      keylogText: s.keylogText(),
      plaintext: { c2s: s.serverReceived(), s2c: s.clientReceived() },
      clientRandom: s.clientRandom,
    };
  } finally {
    await s.close();
  }
}

export type ChecksumMode = 'correct' | 'zero' | 'partial';

export interface CaptureConnectionOptions {
  ipVersion: 4 | 6;
  /** 802.1Q VLAN id, or none. */
  vlan?: number;
  clientPort: number;
  serverPort: number;
  /** Distinguishes the addresses of several connections in one capture (1..250). */
  hostIndex: number;
  /** Largest TCP payload of a segment (≤ 8960, so every frame fits the engine's 9600 bytes). */
  maxSegment: number;
  /** TCP timestamp option on every segment (changes the TCP header length). */
  tcpTimestamps: boolean;
  /** Probability that a data segment is followed, some packets later, by a retransmission. */
  retransmitProbability: number;
  /**
   * Give each direction at least one retransmission of each kind even when the probability drew
   * none (default true); false with retransmitProbability 0 makes a lossless, in-order capture.
   */
  forceRetransmissions?: boolean;
}

/** What the generator did, so tests can check that the capture exercises what it should. */
export interface CaptureStats {
  packets: number;
  dataSegments: number;
  tinySegments: number; // payload ≤ 8 bytes
  retransmissions: number;
  /** Retransmissions whose byte range equals no single earlier segment (coalesced or cut differently). */
  coalescedRetransmissions: number;
  checksums: Record<ChecksumMode, number>;
}

export interface CapturePacket {
  data: Uint8Array;
}

const MAX_SEGMENT_LIMIT = 8960;

function macOf(host: number, side: number): Uint8Array {
  return Uint8Array.of(0x02, 0x00, 0x00, 0x00, host, side);
}

function addrOf(v: 4 | 6, host: number, side: number): Uint8Array {
  if (v === 4) return Uint8Array.of(10, host, 0, side);
  const a = new Uint8Array(16);
  a[0] = 0xfd;
  a[1] = host;
  a[15] = side;
  return a;
}

/** Overwrites the TCP checksum field the way loopback (partial) or a zeroing capture path shows it. */
function applyChecksumMode(frame: Uint8Array, l4: number, ipVersion: 4 | 6, src: Uint8Array, dst: Uint8Array, mode: ChecksumMode): void {
  if (mode === 'correct') return;
  // CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum, not complemented (Linux
  // writes ~csum_tcpudp_magic(..., 0)), and the device finishes the job.
  const v = mode === 'zero' ? 0 : foldSum(pseudoHeaderSum(ipVersion, src, dst, frame.length - l4)) & 0xffff;
  frame[l4 + 16] = v >> 8;
  frame[l4 + 17] = v & 0xff;
}

interface SideState {
  mac: Uint8Array;
  addr: Uint8Array;
  port: number;
  isn: number;
  /** Stream bytes sent so far (the next new byte's stream offset). */
  sent: number;
  /** The whole stream (from the recorded session). */
  stream: Uint8Array;
  ipId: number;
  tsVal: number;
  /** [start, end) stream ranges sent as original segments, to tell coalesced retransmissions apart. */
  segments: Set<string>;
  /** The latest original segments, [start, end), for retransmitting one exactly as it was. */
  recent: [number, number][];
  /** Retransmissions scheduled so far; they alternate between a range and an exact repeat. */
  retransmissionEvents: number;
  finSent: boolean;
}

/**
 * The packets of one connection carrying a recorded session, in capture order. `prng` drives the
 * segmentation, retransmissions, ACKs and checksum modes.
 */
export function sessionPackets(prng: Prng, rec: RecordedSession, o: CaptureConnectionOptions): { packets: CapturePacket[]; stats: CaptureStats } {
  if (o.maxSegment < 1 || o.maxSegment > MAX_SEGMENT_LIMIT) throw new Error(`sessionPackets: maxSegment ${o.maxSegment} not in 1..${MAX_SEGMENT_LIMIT}`);
  const streams: Record<RelayDirection, Uint8Array> = {
    c2s: concatBytes(rec.chunks.filter((c) => c.direction === 'c2s').map((c) => c.bytes)),
    s2c: concatBytes(rec.chunks.filter((c) => c.direction === 's2c').map((c) => c.bytes)),
  };
  const side = (n: number, port: number, stream: Uint8Array): SideState => ({
    mac: macOf(o.hostIndex, n),
    addr: addrOf(o.ipVersion, o.hostIndex, n),
    port,
    isn: prng.nextU32(),
    sent: 0,
    stream,
    ipId: prng.int(0, 0xffff),
    tsVal: prng.nextU32(),
    segments: new Set(),
    recent: [],
    retransmissionEvents: 0,
    finSent: false,
  });
  const client = side(1, o.clientPort, streams.c2s);
  const server = side(2, o.serverPort, streams.s2c);
  const stats: CaptureStats = {
    packets: 0,
    dataSegments: 0,
    tinySegments: 0,
    retransmissions: 0,
    coalescedRetransmissions: 0,
    checksums: { correct: 0, zero: 0, partial: 0 },
  };
  const packets: CapturePacket[] = [];
  const l4Offset = ETH_HEADER_LEN + (o.vlan !== undefined ? VLAN_TAG_LEN : 0) + (o.ipVersion === 4 ? IPV4_MIN_HEADER_LEN : IPV6_HEADER_LEN);

  const emit = (from: SideState, to: SideState, seq: number, flags: number, payload: Uint8Array, options?: Uint8Array) => {
    let opts = options ?? new Uint8Array(0);
    if (!options && o.tcpTimestamps) {
      from.tsVal = (from.tsVal + prng.int(0, 3)) >>> 0;
      opts = new Uint8Array(12);
      opts.set([1, 1, 8, 10]);
      new DataView(opts.buffer).setUint32(4, from.tsVal);
      new DataView(opts.buffer).setUint32(8, to.tsVal);
    }
    // The acknowledgment covers everything the peer has sent so far (its FIN included).
    const ack = flags & TcpFlag.SYN && !(flags & TcpFlag.ACK) ? 0 : seqAdd(to.isn, 1 + to.sent + (to.finSent ? 1 : 0));
    const pkt: TcpPacket = {
      eth: { dst: to.mac, src: from.mac, vlan: o.vlan !== undefined ? { pcp: 0, dei: 0, vid: o.vlan } : undefined },
      ip:
        o.ipVersion === 4
          ? { version: 4, src: from.addr, dst: to.addr, dscpEcn: 0, id: from.ipId, flags: 2, fragOffset: 0, ttl: 64, options: new Uint8Array(0) }
          : { version: 6, src: from.addr, dst: to.addr, trafficClass: 0, flowLabel: 0x12345 + o.hostIndex, hopLimit: 64 },
      tcp: { srcPort: from.port, dstPort: to.port, seq: seq >>> 0, ack, flags, window: 0xffff, urgent: 0, options: opts },
      payload,
    };
    from.ipId = (from.ipId + 1) & 0xffff;
    const frame = buildTcpPacket(pkt, { padToMinimum: true });
    const r = prng.int(0, 9);
    const mode: ChecksumMode = r < 6 ? 'correct' : r < 8 ? 'zero' : 'partial';
    applyChecksumMode(frame, l4Offset, o.ipVersion, from.addr, to.addr, mode);
    stats.checksums[mode]++;
    stats.packets++;
    packets.push({ data: frame });
  };

  // Retransmissions waiting to be sent: after `countdown` more packets of the connection.
  const pending: { from: SideState; to: SideState; start: number; end: number; countdown: number; exact: boolean }[] = [];

  const sendRange = (from: SideState, to: SideState, start: number, end: number, retransmission: boolean) => {
    const payload = from.stream.subarray(start, end);
    emit(from, to, seqAdd(from.isn, 1 + start), TcpFlag.ACK | TcpFlag.PSH, payload);
    stats.dataSegments++;
    if (payload.length <= 8) stats.tinySegments++;
    if (retransmission) {
      stats.retransmissions++;
      if (!from.segments.has(`${start}-${end}`)) stats.coalescedRetransmissions++;
    } else {
      from.segments.add(`${start}-${end}`);
      from.recent.push([start, end]);
      if (from.recent.length > 32) from.recent.shift();
    }
  };

  const tick = () => {
    for (let i = 0; i < pending.length; ) {
      const p = pending[i];
      if (--p.countdown > 0) {
        i++;
        continue;
      }
      pending.splice(i, 1);
      // One retransmitted range, sent as one segment or cut at new points.
      let s = p.start;
      while (s < p.end) {
        const n = Math.min(p.end - s, p.exact || prng.chance(0.5) ? o.maxSegment : segmentSize());
        sendRange(p.from, p.to, s, s + n, true);
        s += n;
      }
    }
  };

  const segmentSize = (): number => {
    const k = prng.int(0, 9);
    const mid = Math.min(1460, o.maxSegment);
    const n = k < 3 ? prng.int(1, 8) : k < 6 || mid === o.maxSegment ? prng.int(1, mid) : prng.int(mid + 1, o.maxSegment);
    return Math.min(n, o.maxSegment);
  };

  const scheduleRetransmission = (from: SideState, to: SideState) => {
    if (from.retransmissionEvents++ % 2 === 1) {
      // One recent segment again, exactly as first sent.
      const [start, end] = prng.pick(from.recent);
      pending.push({ from, to, start, end, countdown: prng.int(1, 8), exact: true });
      return;
    }
    // A range of bytes already sent, ending at most at the newest byte: it may cover several
    // earlier segments, parts of them, or exactly the last one.
    const end = prng.chance(0.3) ? from.sent : prng.int(Math.max(1, from.sent - 30000), from.sent);
    const start = prng.int(Math.max(0, end - o.maxSegment * 2), end - 1);
    pending.push({ from, to, start, end, countdown: prng.int(1, 8), exact: false });
  };

  // Connection setup.
  const mss = Uint8Array.of(2, 4, o.maxSegment >> 8, o.maxSegment & 0xff);
  emit(client, server, client.isn, TcpFlag.SYN, new Uint8Array(0), mss);
  emit(server, client, server.isn, TcpFlag.SYN | TcpFlag.ACK, new Uint8Array(0), mss);
  emit(client, server, seqAdd(client.isn, 1), TcpFlag.ACK, new Uint8Array(0));

  for (const chunk of rec.chunks) {
    const [from, to] = chunk.direction === 'c2s' ? [client, server] : [server, client];
    if (chunk.offset !== from.sent) throw new Error(`sessionPackets: ${chunk.direction} chunk at offset ${chunk.offset}, stream at ${from.sent}`);
    const end = chunk.offset + chunk.bytes.length;
    while (from.sent < end) {
      const n = Math.min(end - from.sent, segmentSize());
      sendRange(from, to, from.sent, from.sent + n, false);
      from.sent += n;
      tick();
      if (prng.chance(o.retransmitProbability)) scheduleRetransmission(from, to);
      if (prng.chance(0.25)) {
        emit(to, from, seqAdd(to.isn, 1 + to.sent), TcpFlag.ACK, new Uint8Array(0));
        tick();
      }
    }
  }
  // Every direction gets at least one retransmission of each kind.
  for (const [from, to] of [[client, server], [server, client]] as const) {
    while ((o.forceRetransmissions ?? true) && from.sent > 0 && from.retransmissionEvents < 2) scheduleRetransmission(from, to);
  }
  while (pending.length > 0) tick();

  // Orderly close: client FIN, server ACK + FIN, client ACK.
  emit(client, server, seqAdd(client.isn, 1 + client.sent), TcpFlag.FIN | TcpFlag.ACK, new Uint8Array(0));
  client.finSent = true;
  emit(server, client, seqAdd(server.isn, 1 + server.sent), TcpFlag.ACK, new Uint8Array(0));
  emit(server, client, seqAdd(server.isn, 1 + server.sent), TcpFlag.FIN | TcpFlag.ACK, new Uint8Array(0));
  server.finSent = true;
  emit(client, server, seqAdd(client.isn, 2 + client.sent), TcpFlag.ACK, new Uint8Array(0));
  return { packets, stats };
}

/** A broadcast ARP request: traffic of another protocol, which replay must pass through untouched. */
export function arpRequestFrame(host: number): Uint8Array {
  const f = new Uint8Array(60);
  f.fill(0xff, 0, 6);
  f.set(macOf(host, 1), 6);
  f.set([0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1], 12);
  f.set(macOf(host, 1), 22);
  f.set([10, host, 0, 1], 28);
  f.set([10, host, 0, 2], 38);
  return f;
}

/** An IPv4/UDP datagram (not TCP), with a correct IPv4 header checksum. */
export function udpFrame(host: number, payload: Uint8Array): Uint8Array {
  const f = new Uint8Array(Math.max(60, 42 + payload.length));
  f.set(macOf(host, 2), 0);
  f.set(macOf(host, 1), 6);
  f.set([0x08, 0x00], 12);
  const ipLen = 28 + payload.length;
  f.set([0x45, 0, ipLen >> 8, ipLen & 0xff, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, host, 0, 1, 10, host, 0, 2], 14);
  let s = 0;
  for (let i = 14; i < 34; i += 2) s += (f[i] << 8) | f[i + 1];
  const c = finishChecksum(s);
  f[24] = c >> 8;
  f[25] = c & 0xff;
  f.set([0x13, 0x88, 0x00, 0x35, (8 + payload.length) >> 8, (8 + payload.length) & 0xff, 0, 0], 34);
  f.set(payload, 42);
  return f;
}

/**
 * Interleaves several packet lists at random, keeping each list's order (as a capture of several
 * concurrent connections does), and writes the pcap with increasing timestamps.
 */
export function mergeIntoPcap(prng: Prng, lists: readonly (readonly CapturePacket[])[], startUs = 1_700_000_000_000_000n): Uint8Array {
  const pos = lists.map(() => 0);
  const out: PcapPacketIn[] = [];
  let t = startUs;
  for (;;) {
    const live = lists.map((l, i) => i).filter((i) => pos[i] < lists[i].length);
    if (live.length === 0) break;
    const i = prng.pick(live);
    t += BigInt(prng.int(1, 400));
    out.push({ data: lists[i][pos[i]++].data, timestampUs: t });
  }
  return writePcap(out);
}

// ---------------------------------------------------------------------------------------------------
// A capture the kernel makes: a real node:tls session over loopback, captured by dumpcap (needs the
// right to capture on lo: root, or CAP_NET_RAW). Loopback packets carry partial checksums and the
// kernel's own TCP options and segmentation. Loopback segments can be as large as the writes, so
// writes are kept small (and paced) for the frames to fit the engine's 9600 bytes.

export interface LoopbackCapture {
  keylogText: string;
  plaintext: Record<RelayDirection, Uint8Array>;
  serverPort: number;
}

/** Application writes of at most `maxWrite` bytes from both sides, `total` bytes in all. */
export function smallWrites(prng: Prng, total: number, maxWrite: number): SessionTraffic {
  const writes: SessionTraffic['writes'] = [];
  for (let n = 0; n < total; ) {
    const len = Math.min(prng.chance(0.3) ? prng.int(1, 40) : prng.int(41, maxWrite), total - n);
    writes.push({ from: prng.chance(0.5) ? 'client' : 'server', bytes: prng.bytes(len) });
    n += len;
  }
  return { writes };
}

export async function captureLoopbackTlsSession(suite: TlsPeerSuite, traffic: SessionTraffic, pcapPath: string): Promise<LoopbackCapture> {
  const cert = await testCertificate();
  const version = suite.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const opts = { minVersion: version, maxVersion: version, ciphers: suite.opensslName } as const;
  const received = { c2s: [] as Uint8Array[], s2c: [] as Uint8Array[] };
  const count = (d: RelayDirection) => received[d].reduce((n, b) => n + b.length, 0);
  let serverSock: tls.TLSSocket | null = null;
  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem, ...opts }, (sock) => {
    serverSock = sock;
    sock.on('data', (d: Buffer) => received.c2s.push(Uint8Array.from(d)));
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const dumpcap = execa('dumpcap', ['-i', 'lo', '-P', '-f', `tcp port ${port}`, '-w', pcapPath], { reject: false, buffer: false });
  let client: tls.TLSSocket | null = null;
  try {
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('dumpcap did not start capturing on lo within 10 s')), 10_000);
      let err = '';
      dumpcap.stderr?.on('data', (d: Buffer) => {
        err += d.toString();
        if (/Capturing on/.test(err)) {
          clearTimeout(t);
          resolve();
        }
      });
      void dumpcap.then((r) => {
        clearTimeout(t);
        reject(new Error(`dumpcap exited (${r.exitCode}): ${err.trim()}`));
      });
    });
    await new Promise((r) => setTimeout(r, 300)); // the capture filter is live once dumpcap reports it
    const keylog: string[] = [];
    const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ...opts });
    client = c;
    c.setNoDelay(true);
    c.on('keylog', (l: Buffer) => keylog.push(l.toString('latin1')));
    c.on('data', (d: Buffer) => received.s2c.push(Uint8Array.from(d)));
    await new Promise<void>((resolve, reject) => {
      c.once('secureConnect', () => resolve());
      c.once('error', reject);
    });
    // TLS 1.3: the server completes after the client, when the client's Finished arrives.
    for (const deadline = Date.now() + 10_000; serverSock === null; await new Promise((r) => setTimeout(r, 1))) {
      if (Date.now() > deadline) throw new Error('loopback TLS server never completed the handshake');
    }
    const sent = { c2s: 0, s2c: 0 };
    for (const w of traffic.writes) {
      const d: RelayDirection = w.from === 'client' ? 'c2s' : 's2c';
      const sock = w.from === 'client' ? c : (serverSock as tls.TLSSocket | null);
      if (!sock) throw new Error('server socket missing');
      await new Promise<void>((resolve, reject) => sock.write(w.bytes, (e) => (e ? reject(e) : resolve())));
      sent[d] += w.bytes.length;
      // Wait for delivery, so the kernel sends each write as its own segment.
      const deadline = Date.now() + 10_000;
      while (count(d) < sent[d]) {
        if (Date.now() > deadline) throw new Error('loopback TLS session stalled');
        await new Promise((r) => setTimeout(r, 1));
      }
    }
    await new Promise<void>((resolve) => {
      c.once('close', () => resolve());
      c.end();
    });
    await new Promise((r) => setTimeout(r, 300));
    return { keylogText: keylog.join(''), plaintext: { c2s: concatBytes(received.c2s), s2c: concatBytes(received.s2c) }, serverPort: port };
  } finally {
    client?.destroy();
    (serverSock as tls.TLSSocket | null)?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    dumpcap.kill('SIGTERM');
    await dumpcap;
  }
}
