// `tlsnic replay` on captures made from real node:tls sessions (harness/peer/capture-gen.ts): for each of
// the four AES-GCM suites (TLS 1.2 / 1.3 × AES-128 / AES-256), two concurrent connections (IPv4 on
// port 443; IPv6 with an 802.1Q tag and jumbo segments on port 8443) cut into segments of many
// sizes, with retransmissions (exact, coalesced, re-cut), pure ACKs, FINs, zero and partial TCP
// checksums, and non-TCP frames. The replay must reproduce every packet (TCP checksums aside, which
// must become right), and tshark — which checks GCM tags — must decrypt tx.pcap with the session's
// key log to exactly the plaintext the real TLS sockets delivered. The RX side (the same capture
// fed to the RX engine as the receiving host) must hand every packet over in capture order, mark
// nearly all application-record packets decrypted, and the records rebuilt from rx.pcap's marked
// packets alone must be the plaintext the sockets delivered. Then: a connection without keys
// (skipped, copied), a gap and a truncated capture, lost originals (reordering for RX), corrupted
// captures and RX engines that decrypt wrongly (must fail), bad inputs.
//
// Seeds: TLSNIC_SEED=<n> reruns with another base seed; each test prints the seed it used. The TLS
// sessions themselves are real and so differ per run; the seed fixes traffic sizes and segmentation.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, test } from 'vitest';
import { bytesEqual } from '../models/bytes.ts';
import { isParseError, parseTcpPacket, tcpChecksumOk, TcpFlag } from '../models/packet.ts';
import { readPcap, writePcap } from '../models/pcap.ts';
import { createPrng, type Prng } from '../models/prng.ts';
import { seqDiff, seqGeq } from '../models/tcp-seq.ts';
import { TX_COUNTER_NAMES } from '../models/nic-tx.ts';
import { FrameKind } from '../models/tx-frames.ts';
import {
  arpRequestFrame,
  captureLoopbackTlsSession,
  smallWrites,
  mergeIntoPcap,
  recordTlsSession,
  sessionPackets,
  sessionTraffic,
  udpFrame,
  type CapturePacket,
  type CaptureStats,
  type RecordedSession,
} from '../harness/peer/capture-gen.ts';
import { TLS_PEER_SUITES, type TlsPeerSuite } from '../harness/peer/tls-peer.ts';
import { compareToCapture, goldenTxEngine, parseCapture, planReplay, runReplay, type DirectionReport, type TxEngine } from '../harness/replay/replay.ts';
import { goldenRxEngine, runRxReplay, rxReplayTable, type RxReplayEngine } from '../harness/replay/rx.ts';
import { RX_COUNTER_NAMES } from '../models/nic-rx.ts';
import { parseKeylog } from '../models/keylog.ts';

const BASE_SEED = Number(process.env.TLSNIC_SEED ?? 7150);
const SUITES = Object.entries(TLS_PEER_SUITES) as [string, TlsPeerSuite][];

// TLS 1.3 with a cipher the engine does not offload.
const CHACHA20: TlsPeerSuite = {
  name: 'TLS_CHACHA20_POLY1305_SHA256',
  opensslName: 'TLS_CHACHA20_POLY1305_SHA256',
  version: '1.3',
  code: 0x1303,
  keyLen: 32,
  hash: 'sha256',
};

const cli = (args: string[]) => execa('node', ['bin/tlsnic.mjs', ...args], { reject: false });

// One recorded session per (suite, slot), shared by the tests of this file.
const sessionCache = new Map<string, Promise<RecordedSession>>();
function session(suite: TlsPeerSuite, slot: number, seed: number): Promise<RecordedSession> {
  const k = `${suite.name}/${slot}`;
  if (!sessionCache.has(k)) {
    const prng = createPrng(seed);
    sessionCache.set(k, recordTlsSession(suite, sessionTraffic(prng, 90_000 + slot * 30_000), prng));
  }
  return sessionCache.get(k) as Promise<RecordedSession>;
}

interface ConnSpec {
  rec: RecordedSession;
  clientPort: number;
  serverPort: number;
}

interface BuiltCapture {
  dir: string;
  pcap: string;
  keylog: string;
  bytes: Uint8Array;
  conns: ConnSpec[];
  stats: CaptureStats[];
}

// Connection A: IPv4, port 443, Ethernet MTU segments, TCP timestamps. Connection B: IPv6 in VLAN
// 7, port 8443, jumbo segments up to 8960 bytes, no TCP options. A third one: like A, port 9443.
function buildCapture(prng: Prng, recs: RecordedSession[], keylogText: string): BuiltCapture {
  const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-'));
  const conns: ConnSpec[] = [];
  const lists: CapturePacket[][] = [];
  const stats: CaptureStats[] = [];
  recs.forEach((rec, i) => {
    const a = i % 2 === 0;
    const spec = { rec, clientPort: 40001 + i, serverPort: [443, 8443, 9443][i] };
    const g = sessionPackets(prng, rec, {
      ipVersion: a ? 4 : 6,
      vlan: a ? undefined : 7,
      clientPort: spec.clientPort,
      serverPort: spec.serverPort,
      hostIndex: i + 1,
      maxSegment: a ? 1460 : 8960,
      tcpTimestamps: a,
      retransmitProbability: 0.06,
    });
    conns.push(spec);
    lists.push(g.packets);
    stats.push(g.stats);
  });
  lists.push([{ data: arpRequestFrame(9) }, { data: udpFrame(9, new TextEncoder().encode('not tcp at all')) }]);
  const bytes = mergeIntoPcap(prng, lists);
  const pcap = join(dir, 'capture.pcap');
  const keylog = join(dir, 'keylog.txt');
  writeFileSync(pcap, bytes);
  writeFileSync(keylog, keylogText);
  return { dir, pcap, keylog, bytes, conns, stats };
}

interface RxSummary {
  packets: number;
  packetsDecrypted: number;
  bytesDecrypted: number;
  counters: Record<string, number>;
  modelMismatch: string | null;
  result: string;
}

interface Summary {
  result: string;
  rx: RxSummary | null;
  packets: number;
  packetsSent: number;
  offloadedPackets: number;
  records: number;
  resyncs: number;
  rexmit: { mode: string; seek: number; seekTag: number; prefix: number; jump: number; prefixBytes: number; noPrefixShare: number | null };
  directions: DirectionReport[];
  counters: Record<string, number>;
  mismatches: number;
}

function readSummary(out: string): Summary {
  return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
}

/** The report of the direction sent from TCP port `port` (connection numbers follow capture order). */
function from(dirs: readonly DirectionReport[], port: number): DirectionReport {
  const d = dirs.find((x) => x.from.endsWith(`:${port}`));
  if (!d) throw new Error(`no direction from port ${port}`);
  return d;
}

/** tx.pcap must be the capture packet for packet, differing only in TCP checksums, all of them right. */
function expectEqualExceptChecksums(txBytes: Uint8Array, capBytes: Uint8Array): { fixed: number } {
  const tx = readPcap(txBytes);
  const cap = readPcap(capBytes);
  expect(txBytes.length).toBe(capBytes.length);
  expect(bytesEqual(txBytes.subarray(0, 24), capBytes.subarray(0, 24)), 'pcap global header').toBe(true);
  expect(tx.length).toBe(cap.length);
  let fixed = 0;
  for (let i = 0; i < cap.length; i++) {
    const a = tx[i].data;
    const b = cap[i].data;
    expect(tx[i].timestampNs).toBe(cap[i].timestampNs);
    expect(tx[i].originalLength).toBe(cap[i].originalLength);
    expect(a.length, `frame ${i + 1} length`).toBe(b.length);
    const p = parseTcpPacket(b);
    if (isParseError(p)) {
      expect(bytesEqual(a, b), `frame ${i + 1} (not TCP) must be copied`).toBe(true);
      continue;
    }
    const ck = p.l4Offset + 16;
    for (let k = 0; k < b.length; k++) {
      if (k !== ck && k !== ck + 1 && a[k] !== b[k]) throw new Error(`frame ${i + 1}: byte ${k} differs from the capture`);
    }
    expect(tcpChecksumOk(a), `frame ${i + 1}: TCP checksum in tx.pcap`).toBe(true);
    if (!tcpChecksumOk(b)) fixed++;
  }
  return { fixed };
}

/** Index of `needle` in `hay` at or after `from`, or -1. */
function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength), from);
}

/**
 * rx.pcap and rx-decrypted.json against the capture and the plaintext the TLS sockets delivered,
 * without the harness's keylog path: every capture packet in order with its timestamp; unmarked
 * ones as captured but for the TCP checksum, which must be right; marked ones as captured outside
 * the TCP payload (checksum field aside). Per direction, the TLS records are delineated on the
 * captured stream and those lying wholly in marked first copies are decoded from rx.pcap: their
 * application data must be the sockets' plaintext, contiguous, to its end. At most one record (the
 * first application record, which may share a segment with the handshake) may be missing at the
 * start. Returns the number of marked packets.
 */
function checkRxPcap(out: string, capBytes: Uint8Array, conns: readonly { clientPort: number; serverPort: number; plaintext: { c2s: Uint8Array; s2c: Uint8Array } }[], version: '1.2' | '1.3'): number {
  const rxBytes = readFileSync(join(out, 'rx.pcap'));
  const rx = readPcap(rxBytes);
  const cap = readPcap(capBytes);
  const marks = JSON.parse(readFileSync(join(out, 'rx-decrypted.json'), 'utf8')) as boolean[];
  expect(bytesEqual(rxBytes.subarray(0, 24), capBytes.subarray(0, 24)), 'rx.pcap global header').toBe(true);
  expect(rx.length).toBe(cap.length);
  expect(marks.length).toBe(cap.length);
  for (let i = 0; i < cap.length; i++) {
    const a = rx[i].data;
    const b = cap[i].data;
    expect(rx[i].timestampNs).toBe(cap[i].timestampNs);
    expect(a.length, `rx frame ${i + 1} length`).toBe(b.length);
    const t = parseTcpPacket(b);
    if (isParseError(t)) {
      expect(marks[i]).toBe(false);
      expect(bytesEqual(a, b), `rx frame ${i + 1} (not TCP) copied`).toBe(true);
      continue;
    }
    const ck = t.l4Offset + 16;
    const e = t.payloadOffset + t.payloadLength;
    for (let k = 0; k < b.length; k++) {
      if (k === ck || k === ck + 1 || a[k] === b[k]) continue;
      if (!marks[i] || k < t.payloadOffset || k >= e) throw new Error(`rx frame ${i + 1}: byte ${k} differs from the capture (marked ${marks[i]})`);
    }
    if (!marks[i]) expect(tcpChecksumOk(a), `rx frame ${i + 1}: unmarked, TCP checksum right`).toBe(true);
    else expect(t.payloadLength).toBeGreaterThan(0);
  }
  const ps = version === '1.2' ? 13 : 5;
  for (const c of conns) {
    for (const [dir, port] of [['c2s', c.clientPort], ['s2c', c.serverPort]] as const) {
      const idx = cap.flatMap((p, i) => {
        const t = parseTcpPacket(p.data);
        return !isParseError(t) && t.tuple.srcPort === port ? [i] : [];
      });
      const syn = parseTcpPacket(cap[idx[0]].data);
      if (isParseError(syn) || !(syn.tcp.flags & TcpFlag.SYN)) throw new Error(`${dir}: first packet is not the SYN`);
      const isn1 = (syn.seq + 1) >>> 0;
      let extent = 0;
      for (const i of idx) {
        const t = parseTcpPacket(cap[i].data);
        if (!isParseError(t) && t.payloadLength > 0) extent = Math.max(extent, seqDiff(t.seq, isn1) + t.payloadLength);
      }
      const wire = new Uint8Array(extent);
      const plain = new Uint8Array(extent);
      const have = new Uint8Array(extent);
      const marked = new Uint8Array(extent);
      for (const i of idx) {
        const t = parseTcpPacket(cap[i].data);
        if (isParseError(t)) continue;
        const off = seqDiff(t.seq, isn1);
        for (let k = 0; k < t.payloadLength; k++) {
          if (have[off + k]) continue;
          have[off + k] = 1;
          wire[off + k] = cap[i].data[t.payloadOffset + k];
          plain[off + k] = rx[i].data[t.payloadOffset + k];
          marked[off + k] = marks[i] ? 1 : 0;
        }
      }
      const sent = c.plaintext[dir];
      let at = -1;
      let skippedApp = 0;
      for (let a = 0; a + 5 <= extent; ) {
        const len = 5 + ((wire[a + 3] << 8) | wire[a + 4]);
        const whole = !marked.subarray(a, a + len).includes(0);
        if (whole && a + len <= extent) {
          const body = plain.subarray(a + ps, a + len - 16);
          let type = wire[a];
          let content = body;
          if (version === '1.3') {
            let e = body.length;
            while (e > 0 && body[e - 1] === 0) e--;
            type = body[e - 1];
            content = body.subarray(0, e - 1);
          }
          if (type === 23) {
            const pos = indexOfBytes(sent, content, Math.max(at, 0));
            expect(pos, `${dir} port ${port}: a record rebuilt from rx.pcap is not the sockets' plaintext`).toBeGreaterThanOrEqual(0);
            if (at >= 0) expect(pos, `${dir} port ${port}: records rebuilt from rx.pcap are contiguous`).toBe(at);
            else skippedApp = pos;
            at = pos + content.length;
          }
        } else if (at >= 0) throw new Error(`${dir} port ${port}: record at stream offset ${a} not wholly in marked packets`);
        a += len;
      }
      expect(at, `${dir} port ${port}: rebuilt to the end of the plaintext`).toBe(sent.length);
      // Only the first application record may be missing (it may share a segment with the handshake).
      expect(skippedApp, `${dir} port ${port}`).toBeLessThanOrEqual(16384);
    }
  }
  return marks.filter((m) => m).length;
}

async function tshark(args: string[]): Promise<string> {
  const r = await execa('tshark', args, { reject: false });
  if (r.exitCode !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/**
 * The application data tshark decrypts for one connection, per direction (`tshark -z
 * follow,tls,raw`: lines of Node 0's data unindented, the peer's indented).
 */
async function tsharkDecrypted(pcap: string, keylog: string, c: ConnSpec, ipVersion: 4 | 6, host: number): Promise<{ c2s: Uint8Array; s2c: Uint8Array }> {
  const addr = (side: number) => (ipVersion === 4 ? `10.${host}.0.${side}` : `[fd${host.toString(16).padStart(2, '0')}::${side}]`);
  return tsharkFollowTls(pcap, keylog, `${addr(1)}:${c.clientPort},${addr(2)}:${c.serverPort}`, c.serverPort);
}

/** `which`: a tcp.stream index or "addr:port,addr:port". */
async function tsharkFollowTls(pcap: string, keylog: string, which: string, serverPort: number): Promise<{ c2s: Uint8Array; s2c: Uint8Array }> {
  const out = await tshark([
    '-r', pcap, '-o', `tls.keylog_file:${keylog}`, '-d', `tcp.port==${serverPort},tls`, '-q', '-z', `follow,tls,raw,${which}`,
  ]);
  const node0 = /^Node 0: (.*):(\d+)$/m.exec(out);
  const unindented: string[] = [];
  const indented: string[] = [];
  const body = out.split('===================================================================')[1] ?? '';
  for (const line of body.split('\n')) {
    if (/^(Follow|Filter|Node \d):/.test(line) || line.trim() === '') continue;
    (line.startsWith('\t') ? indented : unindented).push(line.trim());
  }
  const a = Uint8Array.from(Buffer.from(unindented.join(''), 'hex'));
  const b = Uint8Array.from(Buffer.from(indented.join(''), 'hex'));
  const node0IsServer = node0 !== null && Number(node0[2]) === serverPort;
  return node0IsServer ? { c2s: b, s2c: a } : { c2s: a, s2c: b };
}

/** tcp.checksum.status per TCP frame as tshark sees it: 1 good, 0 bad. */
async function tsharkChecksumStatus(pcap: string): Promise<string[]> {
  const out = await tshark(['-r', pcap, '-o', 'tcp.check_checksum:TRUE', '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.checksum.status']);
  return out.split('\n').filter((l) => l !== '');
}

describe.each(SUITES.map(([key, suite], i) => ({ key, suite, i })))('replay of real $suite.name sessions', ({ suite, i }) => {
  const seed = (BASE_SEED + 101 * i) >>> 0;
  let cap: BuiltCapture;
  let out: string;
  let run: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    console.log(`replay ${suite.name}: seed ${seed}`);
    const recs = [await session(suite, 0, seed), await session(suite, 1, seed + 1)];
    for (const r of recs) expect(r.suite.code).toBe(suite.code);
    cap = buildCapture(createPrng(seed), recs, recs.map((r) => r.keylogText).join(''));
    out = join(cap.dir, 'out');
    run = await cli(['replay', cap.pcap, '--keylog', cap.keylog, '--out', out]);
  });

  test('the capture exercises what it should', () => {
    for (const st of cap.stats) {
      expect(st.tinySegments, `seed ${seed}`).toBeGreaterThan(0);
      expect(st.retransmissions, `seed ${seed}`).toBeGreaterThan(st.coalescedRetransmissions); // some exact
      expect(st.coalescedRetransmissions, `seed ${seed}`).toBeGreaterThan(0);
      expect(st.checksums.zero, `seed ${seed}`).toBeGreaterThan(0);
      expect(st.checksums.partial, `seed ${seed}`).toBeGreaterThan(0);
    }
    // 16 KB records in both directions of every session.
    for (const c of cap.conns) {
      expect(c.rec.plaintext.c2s.length).toBeGreaterThan(16384);
      expect(c.rec.plaintext.s2c.length).toBeGreaterThan(16384);
    }
  });

  test('every packet matches: exit 0, a PASS line per connection and direction', () => {
    expect(run.exitCode, `seed ${seed}\n${run.stdout}\n${run.stderr}`).toBe(0);
    const lines = run.stdout.split('\n').filter((l) => /^ {2}conn \d/.test(l));
    expect(lines).toHaveLength(4);
    for (const l of lines) expect(l).toMatch(new RegExp(`TLS ${suite.version.replace('.', '\\.')} ${suite.name} .*records \\d+, resyncs \\d+ \\(retransmissions: seek 0 \\(0 with a tag, 0 with no descriptor\\), prefix \\d+; other loads \\d+\\), prefix bytes \\d+ +PASS$`));
    expect(run.stdout).toMatch(/^PASS: /m);
  });

  test('summary.json: four offloaded directions, counters agree, resyncs happened, nothing dropped', () => {
    const s = readSummary(out);
    expect(s.result).toBe('PASS');
    expect(s.mismatches).toBe(0);
    expect(s.packetsSent).toBe(s.packets);
    expect(s.directions.map((d) => `${d.conn} ${d.direction} ${d.result}`)).toEqual(['1 c2s PASS', '1 s2c PASS', '2 c2s PASS', '2 s2c PASS']);
    expect(from(s.directions, 40001).direction).toBe('c2s');
    expect(from(s.directions, 8443).direction).toBe('s2c');
    for (const d of s.directions) {
      expect(d.version).toBe(suite.version);
      expect(d.cipher).toBe(suite.name);
      expect(d.records).toBeGreaterThan(1);
      expect(d.offloadedPackets).toBeGreaterThan(0);
      // 1.2: record 0 is the Finished, written before the kernel takes over.
      expect(d.firstRecordSeq).toBe(suite.version === '1.2' ? '1' : '0');
    }
    expect(s.resyncs).toBeGreaterThan(0);
    expect(s.rx?.result).toBe('PASS');
    for (const d of s.directions) expect(d.rx?.result, `${d.direction} rx: ${d.rx?.reason}`).toBe('PASS');
    expect(s.rx?.counters.rx_tls_ctx).toBe(4);
    expect(s.rx?.counters.rx_tls_del).toBe(4);
    for (const n of ['rx_tls_err', 'rx_tls_csum_err', 'rx_ctrl_err', 'rx_frame_err', 'rx_tls_install_fail']) expect(s.rx?.counters[n], n).toBe(0);
    expect(Object.keys(s.rx?.counters ?? {})).toEqual([...RX_COUNTER_NAMES]);
    expect(s.counters.tx_tls_encrypted_packets).toBe(s.offloadedPackets);
    expect(s.counters.tx_tls_ctx).toBe(4);
    expect(s.counters.tx_tls_del).toBe(4);
    for (const n of TX_COUNTER_NAMES.filter((n) => n.includes('drop') || n.endsWith('_err') || n === 'tx_tls_resync_bad')) {
      expect(s.counters[n], n).toBe(0);
    }
  });

  test('--rexmit seek (issue 17, the RTL side context): still byte-identical to the capture, ≥ 90 % of retransmitted segments without a prefix', async () => {
    const seekOut = join(cap.dir, 'out-seek');
    const r = await cli(['replay', cap.pcap, '--keylog', cap.keylog, '--out', seekOut, '--engine', 'rtl', '--direction', 'tx', '--rexmit', 'seek']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const before = readSummary(out).rexmit;
    const after = readSummary(seekOut).rexmit;
    console.log(`replay ${suite.name} seed ${seed}: prefix replay ${before.prefix} retransmissions + ${before.jump} other loads, ${before.prefixBytes} prefix bytes; seek ${after.seek} retransmissions (${after.seekTag} with a known tag), prefix ${after.prefix} + ${after.jump} other loads, ${after.prefixBytes} prefix bytes, no-prefix share ${after.noPrefixShare}`);
    expect(before.mode).toBe('prefix');
    expect(before.seek).toBe(0);
    expect(before.prefix).toBeGreaterThan(0);
    expect(after.mode).toBe('seek');
    // The prefix replay also reloads for the new segment after a retransmission (a jump); the side context does not.
    expect(after.jump).toBeLessThan(before.jump);
    expect(after.noPrefixShare).toBeGreaterThanOrEqual(0.9);
    expect(after.prefixBytes).toBeLessThan(0.2 * before.prefixBytes);
    expectEqualExceptChecksums(readFileSync(join(seekOut, 'tx.pcap')), readFileSync(cap.pcap));
    // The engine's counters agree with the driver's paths, and it refused nothing.
    const c = readSummary(seekOut).counters;
    expect(c.tx_tls_rexmit_seek).toBe(after.seek);
    expect(c.tx_tls_rexmit_tag).toBe(after.seekTag);
    expect(c.tx_tls_rexmit_bad).toBe(0);
  });

  test('RX: rx.pcap holds every packet, the marked ones decrypt to the plaintext the sockets delivered', () => {
    const marked = checkRxPcap(out, cap.bytes, cap.conns.map((c) => ({ ...c, plaintext: c.rec.plaintext })), suite.version);
    const s = readSummary(out);
    expect(marked).toBe(s.rx?.packetsDecrypted);
    expect(marked).toBe(s.rx?.counters.rx_tls_decrypted_packets);
    // Nearly every packet with new application-record bytes is marked: all but retransmissions.
    expect(marked).toBeGreaterThan(s.offloadedPackets * 0.7);
    expect(run.stdout).toMatch(/^ {4}rx: install ok, decrypted \d+ of \d+ packets .* PASS$/m);
  });

  test('tx.pcap equals the capture except TCP checksums, which are all correct', () => {
    const { fixed } = expectEqualExceptChecksums(readFileSync(join(out, 'tx.pcap')), cap.bytes);
    expect(fixed).toBeGreaterThan(0); // the capture's zero/partial checksums came out right
  });

  test('tshark decrypts tx.pcap to the plaintext the TLS sockets delivered, checksums good', async () => {
    const tx = join(out, 'tx.pcap');
    for (const [k, c] of cap.conns.entries()) {
      const d = await tsharkDecrypted(tx, cap.keylog, c, k % 2 === 0 ? 4 : 6, k + 1);
      expect(d.c2s.length, `conn ${k + 1} c2s bytes decrypted by tshark`).toBe(c.rec.plaintext.c2s.length);
      expect(bytesEqual(d.c2s, c.rec.plaintext.c2s), `conn ${k + 1} c2s`).toBe(true);
      expect(d.s2c.length, `conn ${k + 1} s2c bytes decrypted by tshark`).toBe(c.rec.plaintext.s2c.length);
      expect(bytesEqual(d.s2c, c.rec.plaintext.s2c), `conn ${k + 1} s2c`).toBe(true);
    }
    const txStatus = await tsharkChecksumStatus(tx);
    expect(txStatus.length).toBe(readPcap(cap.bytes).length - 2); // all but the ARP and UDP frames
    expect(txStatus.every((s) => s === '1')).toBe(true);
    expect((await tsharkChecksumStatus(cap.pcap)).some((s) => s === '0')).toBe(true); // and the check can fail
  });
});

/** The same pcap written big-endian (as a big-endian host's libpcap writes it). */
function toBigEndianPcap(le: Uint8Array): Uint8Array {
  const b = Buffer.from(le);
  const out = Buffer.from(le);
  const swap32 = (o: number) => out.writeUInt32BE(b.readUInt32LE(o), o);
  const swap16 = (o: number) => out.writeUInt16BE(b.readUInt16LE(o), o);
  swap32(0);
  swap16(4);
  swap16(6);
  for (const o of [8, 12, 16, 20]) swap32(o);
  for (let o = 24; o < b.length; o += 16 + b.readUInt32LE(o + 8)) for (const k of [0, 4, 8, 12]) swap32(o + k);
  return new Uint8Array(out);
}

/** Frames of a capture with their TCP view, for building variants of a capture. */
function tcpView(bytes: Uint8Array) {
  return readPcap(bytes).map((p) => ({ p, t: parseTcpPacket(p.data) }));
}

function rewrite(bytes: Uint8Array, keep: (i: number) => boolean, edit?: (i: number, d: Uint8Array) => void): Uint8Array {
  return writePcap(
    readPcap(bytes)
      .filter((_, i) => keep(i))
      .map((p, i) => {
        const d = p.data.slice();
        edit?.(i, d);
        return { data: d, timestampUs: p.timestampUs };
      }),
  );
}

describe('replay of captures the kernel made (dumpcap on loopback)', () => {
  test.each(SUITES.map(([key, suite], i) => ({ key, suite, i })))('$suite.name', async ({ suite, i }) => {
    const seed = (BASE_SEED + 31 * i + 5) >>> 0;
    console.log(`loopback capture ${suite.name}: seed ${seed}`);
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-lo-'));
    const pcap = join(dir, 'lo.pcap');
    // Loopback segments are as large as what is queued; if the kernel still coalesced writes into a
    // frame above the engine's 9600 bytes, capture the session again (at most three times).
    let lo: Awaited<ReturnType<typeof captureLoopbackTlsSession>> | null = null;
    for (let attempt = 0; attempt < 3 && lo === null; attempt++) {
      const got = await captureLoopbackTlsSession(suite, smallWrites(createPrng(seed + attempt), 60_000, 4000), pcap);
      if (readPcap(readFileSync(pcap)).every((p) => p.data.length <= 9600)) lo = got;
    }
    if (lo === null) throw new Error('every loopback capture had frames above 9600 bytes');
    const keylog = join(dir, 'keys.txt');
    writeFileSync(keylog, lo.keylogText);
    const out = join(dir, 'out');
    const r = await cli(['replay', pcap, '--keylog', keylog, '--out', out]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const s = readSummary(out);
    expect(s.directions.map((d) => `${d.direction} ${d.result} ${d.cipher}`)).toEqual([`c2s PASS ${suite.name}`, `s2c PASS ${suite.name}`]);
    expect(s.offloadedPackets).toBeGreaterThan(20);
    // RX: loopback checksums are partial; the receiver gets them right, as on the wire.
    expect(s.directions.map((d) => d.rx?.result)).toEqual(['PASS', 'PASS']);
    expect(s.rx?.packetsDecrypted).toBeGreaterThan(20);
    const synFrame = readPcap(readFileSync(pcap)).map((p) => parseTcpPacket(p.data)).find((t) => !isParseError(t) && t.tcp.flags === TcpFlag.SYN);
    if (!synFrame || isParseError(synFrame)) throw new Error('loopback capture without a SYN');
    checkRxPcap(out, readFileSync(pcap), [{ clientPort: synFrame.tuple.srcPort, serverPort: lo.serverPort, plaintext: lo.plaintext }], suite.version);
    const { fixed } = expectEqualExceptChecksums(readFileSync(join(out, 'tx.pcap')), readFileSync(pcap));
    expect(fixed).toBeGreaterThan(0); // loopback carries partial checksums
    const d = await tsharkFollowTls(join(out, 'tx.pcap'), keylog, '0', lo.serverPort);
    expect(bytesEqual(d.c2s, lo.plaintext.c2s), 'c2s decrypted by tshark').toBe(true);
    expect(bytesEqual(d.s2c, lo.plaintext.s2c), 's2c decrypted by tshark').toBe(true);
    expect((await tsharkChecksumStatus(join(out, 'tx.pcap'))).every((x) => x === '1')).toBe(true);
  });
});

describe('replay: connections it cannot or must not reproduce', () => {
  const seed = (BASE_SEED + 9001) >>> 0;
  let cap: BuiltCapture;
  let clean: Summary;
  let cleanStdout: string;

  beforeAll(async () => {
    console.log(`replay variants: seed ${seed}`);
    const withKeys = await session(TLS_PEER_SUITES.tls13Aes256, 0, (BASE_SEED + 101) >>> 0);
    const without = await session(TLS_PEER_SUITES.tls12Aes128, 0, (BASE_SEED + 202) >>> 0);
    const chacha = await session(CHACHA20, 0, (BASE_SEED + 303) >>> 0);
    // The second connection's secrets are not in the key log; the third's are, but its cipher
    // (ChaCha20-Poly1305) is not one the engine offloads.
    cap = buildCapture(createPrng(seed), [withKeys, without, chacha], withKeys.keylogText + chacha.keylogText);
    const out = join(cap.dir, 'out');
    const r = await cli(['replay', cap.pcap, '--keylog', cap.keylog, '--out', out]);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    clean = readSummary(out);
    cleanStdout = r.stdout;
  });

  test('connections without keys or with another cipher are skipped and copied; exit 0', () => {
    const withKeys = from(clean.directions, 40001).conn;
    expect(clean.directions.filter((d) => d.conn === withKeys).map((d) => d.result)).toEqual(['PASS', 'PASS']);
    const chacha = clean.directions.filter((d) => d.conn === from(clean.directions, 40003).conn);
    expect(chacha.map((d) => d.result)).toEqual(['SKIPPED', 'SKIPPED']);
    for (const d of chacha) expect(d.reason).toMatch(/TLS_CHACHA20_POLY1305_SHA256 with TLS 1\.3 is not offloadable/);
    const skipped = clean.directions.filter((d) => d.conn === from(clean.directions, 40002).conn);
    expect(skipped.map((d) => d.result)).toEqual(['SKIPPED', 'SKIPPED']);
    for (const d of skipped) {
      expect(d.reason).toMatch(/no CLIENT_RANDOM in the keylog/);
      expect(d.version).toBe('1.2');
      expect(d.ctxId).toBeNull();
    }
    expect(cleanStdout).toMatch(new RegExp(`conn ${skipped[0].conn} c2s .* SKIPPED — no CLIENT_RANDOM in the keylog`));
    expect(clean.counters.tx_tls_ctx).toBe(2);
    expectEqualExceptChecksums(readFileSync(join(cap.dir, 'out', 'tx.pcap')), cap.bytes);
  });

  test('nanosecond-resolution and big-endian captures: tx.pcap keeps their format', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-fmt-'));
    await execa('editcap', ['-F', 'nsecpcap', cap.pcap, join(dir, 'ns.pcap')]);
    const ns = readFileSync(join(dir, 'ns.pcap'));
    expect(ns.readUInt32LE(0)).toBe(0xa1b23c4d);
    writeFileSync(join(dir, 'be.pcap'), toBigEndianPcap(cap.bytes));
    for (const name of ['ns.pcap', 'be.pcap']) {
      const input = readFileSync(join(dir, name));
      const out = join(dir, `out-${name}`);
      const r = await cli(['replay', join(dir, name), '--keylog', cap.keylog, '--out', out]);
      expect(r.exitCode, r.stdout).toBe(0);
      expectEqualExceptChecksums(readFileSync(join(out, 'tx.pcap')), input);
    }
  });

  test('a capture that stops mid-record still replays (the incomplete record is encrypted as far as it goes)', async () => {
    // Cut the capture after one of connection 1's client data packets such that its stream ends
    // inside an application record (16 KB records make most cuts do).
    const keylog = parseKeylog(readFileSync(cap.keylog, 'utf8'));
    const packets = readPcap(cap.bytes);
    const view = tcpView(cap.bytes);
    const dataIdx = view.flatMap((v, i) => (!isParseError(v.t) && v.t.tuple.srcPort === 40001 && v.t.payloadLength > 0 ? [i] : []));
    let cut = -1;
    for (let k = Math.floor(dataIdx.length * 0.6); k < dataIdx.length && cut < 0; k++) {
      const plan = planReplay(packets.slice(0, dataIdx[k] + 1), keylog);
      if (from(plan.directions, 40001).partialRecord) cut = dataIdx[k];
    }
    expect(cut).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-cut-'));
    writeFileSync(join(dir, 'cut.pcap'), rewrite(cap.bytes, (i) => i <= cut));
    const r = await cli(['replay', join(dir, 'cut.pcap'), '--keylog', cap.keylog, '--out', join(dir, 'out')]);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/conn \d c2s 10\.1\.0\.1:40001 .*\(last incomplete\).* PASS/);
    const c2s = from(readSummary(join(dir, 'out')).directions, 40001);
    expect(c2s.result).toBe('PASS');
    expect(c2s.partialRecord).toBe(true);
    expectEqualExceptChecksums(readFileSync(join(dir, 'out', 'tx.pcap')), readFileSync(join(dir, 'cut.pcap')));
  });

  test('a data segment missing from the capture: that direction is skipped with the reason, the rest replays', async () => {
    // Drop an original server→client data segment of connection 1 that is never retransmitted.
    const view = tcpView(cap.bytes);
    const candidates = view.flatMap((v, i) => (!isParseError(v.t) && v.t.tuple.srcPort === 443 && v.t.payloadLength > 0 ? [i] : []));
    const once = candidates.filter((i) => {
      const t = view[i].t;
      if (isParseError(t)) return false;
      // No other packet of the direction overlaps this one's bytes.
      return candidates.every((j) => {
        if (j === i) return true;
        const u = view[j].t;
        if (isParseError(u)) return true;
        const a = seqDiff(u.seq, t.seq);
        return a >= t.payloadLength || a + u.payloadLength <= 0;
      });
    });
    const drop = once[Math.floor(once.length / 2)];
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-gap-'));
    writeFileSync(join(dir, 'gap.pcap'), rewrite(cap.bytes, (i) => i !== drop));
    const r = await cli(['replay', join(dir, 'gap.pcap'), '--keylog', cap.keylog, '--out', join(dir, 'out')]);
    expect(r.exitCode, r.stdout).toBe(0);
    const s = readSummary(join(dir, 'out'));
    const s2c = from(s.directions, 443);
    expect(s2c.result).toBe('SKIPPED');
    expect(s2c.reason).toMatch(/missing from the capture/);
    expect(from(s.directions, 40001).result).toBe('PASS');
  });

  test('RX: originals lost, only later retransmissions captured: reordering for the receiver; every decrypted byte still the keylog\'s', async () => {
    // Drop original c2s data segments of connection 1 that a later packet covers completely.
    const view = tcpView(cap.bytes);
    const drops = new Set<number>();
    view.forEach((v, i) => {
      const t = v.t;
      if (drops.size >= 4 || isParseError(t) || t.tuple.srcPort !== 40001 || t.payloadLength === 0) return;
      if (seqDiff(t.seq, from(clean.directions, 40001).startOffloadTcpSn as number) <= 0) return;
      const covered = view.some((w, j) => {
        const u = w.t;
        return j > i && !isParseError(u) && u.tuple.srcPort === 40001 && seqDiff(t.seq, u.seq) >= 0 && seqDiff((u.seq + u.payloadLength) >>> 0, (t.seq + t.payloadLength) >>> 0) >= 0;
      });
      if (covered && !drops.has(i - 1)) drops.add(i);
    });
    expect(drops.size).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-reorder-'));
    writeFileSync(join(dir, 'reorder.pcap'), rewrite(cap.bytes, (i) => !drops.has(i)));
    const r = await cli(['replay', join(dir, 'reorder.pcap'), '--keylog', cap.keylog, '--out', join(dir, 'out'), '--direction', 'rx']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const s = readSummary(join(dir, 'out'));
    const c2s = from(s.directions, 40001);
    expect(c2s.rx?.result, c2s.rx?.reason ?? '').toBe('PASS');
    expect(s.rx?.counters.rx_tls_gap_packets).toBeGreaterThan(0);
    expect(s.rx?.packetsDecrypted).toBeLessThan(clean.rx?.packetsDecrypted ?? 0);
    expect(c2s.rx?.records).toBe(c2s.records); // the host still recovers every record
    expect(existsSync(join(dir, 'out', 'tx.pcap'))).toBe(false);
  });

  test('RX: an engine that decrypts a byte wrongly, marks what it did not decrypt, or changes an unmarked packet fails', async () => {
    const packets = parseCapture(cap.bytes).packets;
    const keys = parseKeylog(readFileSync(cap.keylog, 'utf8'));
    const table = rxReplayTable(planReplay(packets, keys).nCtx);
    const golden = goldenRxEngine(table);
    const tamper = (edit: (o: { kind: number; decrypted: boolean; data: Uint8Array }[]) => void): RxReplayEngine => async (frames) => {
      const run = await golden(frames);
      const outputs = run.outputs.map((o) => ({ ...o, data: o.data.slice() }));
      edit(outputs);
      return { ...run, outputs };
    };
    const good = await runRxReplay(packets, planReplay(packets, keys), golden, table);
    expect(good.ok).toBe(true);
    const payloadAt = (d: Uint8Array) => {
      const t = parseTcpPacket(d);
      if (isParseError(t)) throw new Error('not TCP');
      return t;
    };
    const cases: [string, RxReplayEngine, RegExp][] = [
      ['wrong plaintext byte', tamper((o) => {
        const m = o.find((x) => x.decrypted && payloadAt(x.data).payloadLength > 40 && payloadAt(x.data).tuple.srcPort === 40001) as { data: Uint8Array };
        m.data[payloadAt(m.data).payloadOffset + 30] ^= 0x04;
      }), /the keylog decrypts 0x/],
      ['ciphertext marked decrypted', tamper((o) => {
        // A retransmission (old data, left untouched) of an offloaded direction, marked anyway.
        const pk = o.filter((x) => x.kind === 0);
        const i = pk.findIndex((x, k) => !x.decrypted && good.decrypted.slice(0, k).some((d) => d) && payloadAt(x.data).payloadLength > 40 && payloadAt(x.data).tuple.srcPort === 40001);
        pk[i].decrypted = true;
      }), /the keylog decrypts 0x|not application-record data/],
      ['unmarked packet changed', tamper((o) => {
        const m = o.find((x) => x.decrypted && payloadAt(x.data).tuple.srcPort === 40001) as { decrypted: boolean };
        m.decrypted = false;
      }), /not marked decrypted, but not handed over as received/],
    ];
    for (const [name, engine, msg] of cases) {
      const plan = planReplay(packets, keys);
      const bad = await runRxReplay(packets, plan, engine, table);
      expect(bad.ok, name).toBe(false);
      // The keylog check finds it on its own, and the comparison with the model sees it too.
      expect(plan.directions.flatMap((d) => d.rx?.problems ?? []).join('\n'), name).toMatch(msg);
      expect(from(plan.directions, 40001).rx?.result, name).toBe('FAIL');
      expect(bad.modelMismatch, name).not.toBeNull();
    }
  });

  test('--direction rx writes rx.pcap and rx-decrypted.json only; --direction tx only tx.pcap', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-dir-'));
    const rx = await cli(['replay', cap.pcap, '--keylog', cap.keylog, '--out', join(dir, 'rx'), '--direction', 'rx', '--engine', 'model']);
    expect(rx.exitCode, rx.stdout).toBe(0);
    expect(existsSync(join(dir, 'rx', 'rx.pcap'))).toBe(true);
    expect(existsSync(join(dir, 'rx', 'rx-decrypted.json'))).toBe(true);
    expect(existsSync(join(dir, 'rx', 'tx.pcap'))).toBe(false);
    expect(rx.stdout).toMatch(/^PASS: RX decrypted \d+ of \d+ packet/m);
    const tx = await cli(['replay', cap.pcap, '--keylog', cap.keylog, '--out', join(dir, 'tx'), '--direction', 'tx', '--engine', 'model']);
    expect(tx.exitCode, tx.stdout).toBe(0);
    expect(existsSync(join(dir, 'tx', 'tx.pcap'))).toBe(true);
    expect(existsSync(join(dir, 'tx', 'rx.pcap'))).toBe(false);
    expect(readSummary(join(dir, 'tx')).rx).toBeNull();
    // The skipped connections are not offloaded on the receiving side either, and pass untouched.
    const s = readSummary(join(dir, 'rx'));
    expect(s.directions.filter((d) => d.ctxId === null).every((d) => d.rx === null)).toBe(true);
    expect(s.rx?.packetsDecrypted).toBe(clean.rx?.packetsDecrypted);
  });

  test('an engine that does not encrypt fails the offloaded packets (the engine is handed plaintext)', async () => {
    const packets = parseCapture(cap.bytes).packets;
    const plan = planReplay(packets, parseKeylog(readFileSync(cap.keylog, 'utf8')));
    const passthrough: TxEngine = async (frames) => {
      const golden = await goldenTxEngine({ width: 512, nCtx: plan.nCtx })(frames);
      return { ...golden, outputs: frames.filter((f) => f.user.kind === FrameKind.PACKET).map((f) => f.data) };
    };
    const bad = await runReplay(packets, plan, passthrough);
    expect(bad.ok).toBe(false);
    const offloaded = plan.directions.reduce((n, d) => n + d.offloadedPackets, 0);
    // The engine is handed plaintext for every offloaded packet except the few whose record bytes
    // are only headers (and TLS 1.2 explicit nonces), which encryption leaves as they are.
    const hostFrames = plan.frames.filter((f) => f.user.kind === FrameKind.PACKET).map((f) => f.data);
    expect(hostFrames.length).toBe(packets.length);
    const plaintextFrames = packets.filter((p, i) => compareToCapture(hostFrames[i], p.data) !== null);
    const headerOnly = packets.filter((p, i) => plan.encrypted[i] && compareToCapture(hostFrames[i], p.data) === null);
    expect(plaintextFrames.length).toBe(offloaded - headerOnly.length);
    expect(headerOnly.length).toBeLessThan(offloaded / 10);
    for (const p of headerOnly) {
      const t = parseTcpPacket(p.data);
      expect(!isParseError(t) && t.payloadLength <= 13).toBe(true);
    }
    // And exactly those fail when the engine does not encrypt.
    expect(bad.mismatches).toBe(plaintextFrames.length);
    const good = await runReplay(packets, planReplay(packets, parseKeylog(readFileSync(cap.keylog, 'utf8'))), goldenTxEngine({ width: 512, nCtx: plan.nCtx }));
    expect(good.ok).toBe(true);
  });

  test('a retransmitted copy with one ciphertext byte changed: exit 1, the frame reported', async () => {
    // A retransmission of application data in connection 1, client→server.
    const view = tcpView(cap.bytes);
    const start = from(clean.directions, 40001).startOffloadTcpSn as number;
    let highest: number | null = null;
    let victim = -1;
    for (let i = 0; i < view.length && victim < 0; i++) {
      const t = view[i].t;
      if (isParseError(t) || t.tuple.srcPort !== 40001 || t.payloadLength === 0) continue;
      const end = (t.seq + t.payloadLength) >>> 0;
      if (highest !== null && seqGeq(t.seq, start) && seqDiff(highest, end) >= 0) victim = i;
      if (highest === null || seqDiff(end, highest) > 0) highest = end;
    }
    expect(victim).toBeGreaterThanOrEqual(0);
    const t = view[victim].t;
    if (isParseError(t)) throw new Error('unreachable');
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-bad-'));
    const flipAt = t.payloadOffset + t.payloadLength - 1;
    writeFileSync(join(dir, 'bad.pcap'), rewrite(cap.bytes, () => true, (i, d) => {
      if (i === victim) d[flipAt] ^= 0x40;
    }));
    const r = await cli(['replay', join(dir, 'bad.pcap'), '--keylog', cap.keylog, '--out', join(dir, 'out')]);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: 1 packet\(s\) differ/m);
    expect(r.stdout).toContain(`frame ${victim + 1}: payload byte ${t.payloadLength - 1}`);
    const s = readSummary(join(dir, 'out'));
    expect(s.result).toBe('FAIL');
    const c2s = from(s.directions, 40001);
    expect(c2s.result).toBe('FAIL');
    expect(c2s.mismatches).toBe(1);
  });

  test('a ciphertext byte changed in every copy: the record does not authenticate, exit 1; tshark fails on it too', async () => {
    const view = tcpView(cap.bytes);
    const c2s = from(clean.directions, 40001);
    const target = ((c2s.startOffloadTcpSn as number) + 100) >>> 0; // inside the first application record
    const dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-bad2-'));
    let copies = 0;
    const bad = rewrite(cap.bytes, () => true, (i, d) => {
      const t = view[i].t;
      if (isParseError(t) || t.tuple.srcPort !== 40001) return;
      const k = seqDiff(target, t.seq);
      if (k >= 0 && k < t.payloadLength && !(t.tcp.flags & TcpFlag.SYN)) {
        d[t.payloadOffset + k] ^= 0x01;
        copies++;
      }
    });
    expect(copies).toBeGreaterThan(0);
    writeFileSync(join(dir, 'bad.pcap'), bad);
    const r = await cli(['replay', join(dir, 'bad.pcap'), '--keylog', cap.keylog, '--out', join(dir, 'out')]);
    expect(r.exitCode, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/conn \d c2s 10\.1\.0\.1:40001 .* FAIL — .*does not authenticate/);
    // The tshark check is not blind: the same capture no longer decrypts to the plaintext.
    const d = await tsharkDecrypted(join(dir, 'bad.pcap'), cap.keylog, cap.conns[0], 4, 1);
    expect(bytesEqual(d.c2s, cap.conns[0].rec.plaintext.c2s)).toBe(false);
  });
});

describe('replay: bad input and usage', () => {
  let dir: string;
  let goodPcap: string;
  let goodKeylog: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tlsnic-replay-input-'));
    goodPcap = join(dir, 'good.pcap');
    goodKeylog = join(dir, 'keys.txt');
    writeFileSync(goodPcap, writePcap([{ data: arpRequestFrame(1) }, { data: arpRequestFrame(2) }]));
    writeFileSync(goodKeylog, `CLIENT_RANDOM ${'ab'.repeat(32)} ${'cd'.repeat(48)}\n`);
  });

  test('a capture of other traffic only: everything copied, exit 0', async () => {
    const out = join(dir, 'out-ok');
    const r = await cli(['replay', goodPcap, '--keylog', goodKeylog, '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readFileSync(join(out, 'tx.pcap')).equals(readFileSync(goodPcap))).toBe(true);
    expect(readFileSync(join(out, 'rx.pcap')).equals(readFileSync(goodPcap))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'rx-decrypted.json'), 'utf8'))).toEqual([false, false]);
  });

  const cases: [string, () => Promise<{ capture: string; keylog: string }>, RegExp][] = [
    ['not a pcap', async () => ({ capture: write('text.pcap', 'hello, not a capture\n'), keylog: goodKeylog }), /not a pcap file/],
    ['truncated pcap', async () => ({ capture: write('trunc.pcap', readFileSync(goodPcap).subarray(0, 24 + 16 + 20)), keylog: goodKeylog }), /truncated packet 0/],
    ['truncated pcapng', async () => {
      // pcapng itself is read (test/pcapng.test.ts); a cut one is refused.
      const ng = join(dir, 'cap.pcapng');
      await execa('editcap', ['-F', 'pcapng', goodPcap, ng]);
      return { capture: write('trunc.pcapng', readFileSync(ng).subarray(0, readFileSync(ng).length - 6)), keylog: goodKeylog };
    }, /pcapng: .*truncated/],
    ['not Ethernet', async () => {
      const b = readFileSync(goodPcap);
      b.writeUInt32LE(101, 20); // LINKTYPE_RAW
      return { capture: write('raw.pcap', b), keylog: goodKeylog };
    }, /link type 101 is not Ethernet/],
    ['missing capture', async () => ({ capture: join(dir, 'nope.pcap'), keylog: goodKeylog }), /cannot read capture .*ENOENT/],
    ['malformed keylog', async () => ({ capture: goodPcap, keylog: write('bad-keys.txt', 'CLIENT_RANDOM zz\n') }), /keylog line 1/],
    ['binary keylog', async () => ({ capture: goodPcap, keylog: goodPcap }), /binary data, not an SSLKEYLOGFILE/],
    ['missing keylog', async () => ({ capture: goodPcap, keylog: join(dir, 'nope.txt') }), /cannot read keylog .*ENOENT/],
  ];
  function write(name: string, data: string | Uint8Array): string {
    writeFileSync(join(dir, name), data);
    return join(dir, name);
  }

  test.each(cases)('%s: one-line message, exit 2, no output', async (name, make, msg) => {
    const { capture, keylog } = await make();
    const out = join(dir, `out-${name.replace(/\W/g, '-')}`);
    const r = await cli(['replay', capture, '--keylog', keylog, '--out', out]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^tlsnic replay: /);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);
  });

  test.each([
    [['replay', '--keylog', 'k.txt'], /one capture file/],
    [['replay', 'a.pcap'], /cannot read capture a\.pcap/], // --keylog is optional (pcapng may carry it); without one, see test/pcapng.test.ts
    [['replay', 'a.pcap', '--keylog', 'k', '--width', '100'], /--width must be one of 128, 256, 512/],
    [['replay', 'a.pcap', '--keylog', 'k', '--engine', 'fpga'], /unknown engine 'fpga'/],
    [['replay', 'a.pcap', '--keylog', 'k', '--direction', 'up'], /--direction must be tx, rx or both/],
    [['replay', 'a.pcap', '--keylog', 'k', '--rexmit', 'fast'], /--rexmit must be prefix or seek/],
  ])('usage %j: message, exit 2', async (args, msg) => {
    const r = await cli(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(msg);
  });

  test('help describes replay', async () => {
    const r = await cli(['--help']);
    expect(r.stdout).toMatch(/tlsnic replay CAPTURE\.pcap --keylog KEYLOG\.txt/);
  });
});
