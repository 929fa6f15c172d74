// Ethernet (optional single 802.1Q tag) / IPv4 (with options) or IPv6 / TCP (with options):
// build full frames and parse them the way a NIC's header parser must, reporting the byte
// offsets the datapath needs (where L3, L4 and the TCP payload start).
//
// Frames carry no FCS. Parsing is strict about structure (every malformed case has a named
// reason) but informational about the IPv4 header checksum, which a TX engine never sees
// wrong and an RX engine reports rather than drops on.

import { ipv4HeaderChecksum, tcpChecksum, tcpChecksumValid } from './checksum.ts';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const IPPROTO_TCP = 6;
export const ETH_HEADER_LEN = 14;
export const VLAN_TAG_LEN = 4;
export const IPV4_MIN_HEADER_LEN = 20;
export const IPV6_HEADER_LEN = 40;
export const TCP_MIN_HEADER_LEN = 20;
/** Minimum Ethernet frame without FCS; shorter frames are zero-padded on the wire. */
export const ETH_MIN_FRAME_LEN = 60;

/** TCP flag bits (byte 13 of the TCP header). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

/** IPv4 flags field (3 bits): bit 1 = Don't Fragment, bit 0 = More Fragments. */
export const Ipv4Flag = { DF: 0x2, MF: 0x1 } as const;

export interface VlanTag {
  pcp: number; // 3 bits
  dei: number; // 1 bit
  vid: number; // 12 bits
}

export interface EthernetHeader {
  dst: Uint8Array; // 6 bytes
  src: Uint8Array; // 6 bytes
  vlan?: VlanTag;
}

export interface Ipv4Header {
  version: 4;
  src: Uint8Array; // 4 bytes
  dst: Uint8Array; // 4 bytes
  dscpEcn: number; // the whole TOS byte
  id: number;
  flags: number; // 3 bits, see Ipv4Flag
  fragOffset: number; // 13 bits, in 8-byte units
  ttl: number;
  /** Raw option bytes; build zero-pads (EOL) to a multiple of 4, at most 40. */
  options: Uint8Array;
}

export interface Ipv6Header {
  version: 6;
  src: Uint8Array; // 16 bytes
  dst: Uint8Array; // 16 bytes
  trafficClass: number;
  flowLabel: number; // 20 bits
  hopLimit: number;
}

export interface TcpHeader {
  srcPort: number;
  dstPort: number;
  seq: number; // uint32
  ack: number; // uint32
  flags: number; // 8 bits, see TcpFlag
  window: number;
  urgent: number;
  /** Raw option bytes; build zero-pads (EOL) to a multiple of 4, at most 40. */
  options: Uint8Array;
}

export interface TcpPacket {
  eth: EthernetHeader;
  ip: Ipv4Header | Ipv6Header;
  tcp: TcpHeader;
  payload: Uint8Array;
}

/** The connection 4-tuple, in the direction of the packet. */
export interface FlowTuple {
  ipVersion: 4 | 6;
  srcAddr: Uint8Array;
  dstAddr: Uint8Array;
  srcPort: number;
  dstPort: number;
}

export interface ParsedTcpPacket extends TcpPacket {
  /** Offset of the IP header (14, or 18 with a VLAN tag). */
  l3Offset: number;
  /** Offset of the TCP header. */
  l4Offset: number;
  /** Offset of the first TCP payload byte. */
  payloadOffset: number;
  /** TCP payload bytes, excluding any Ethernet padding after the IP datagram. */
  payloadLength: number;
  /** TCP sequence number of the first payload byte (same as tcp.seq). */
  seq: number;
  tuple: FlowTuple;
  /** Bytes of the frame covered by the IP datagram, from l3Offset. */
  ipDatagramLength: number;
  /** Bytes after the IP datagram (Ethernet padding), not part of the packet. */
  trailerLength: number;
  /** TCP checksum field as found in the frame. */
  tcpChecksumField: number;
  /** IPv4 header checksum correct (always true for IPv6, which has none). */
  ipHeaderChecksumOk: boolean;
}

/** Every reason parseTcpPacket can refuse a frame. */
export type ParseErrorReason =
  | 'truncated-ethernet' // shorter than the Ethernet header (or the VLAN tag)
  | 'unsupported-ethertype' // neither IPv4 nor IPv6 (after at most one 802.1Q tag)
  | 'truncated-ipv4' // fewer than 20 bytes after the Ethernet header
  | 'bad-ip-version' // version nibble disagrees with the ethertype
  | 'bad-ihl' // IHL < 5
  | 'ipv4-header-beyond-frame' // IHL * 4 bytes not present
  | 'bad-ipv4-total-length' // total length < IHL * 4
  | 'ipv4-length-beyond-frame' // total length exceeds the bytes in the frame
  | 'ipv4-fragment' // MF set or fragment offset non-zero
  | 'truncated-ipv6' // fewer than 40 bytes after the Ethernet header
  | 'ipv6-length-beyond-frame' // payload length exceeds the bytes in the frame
  | 'ipv6-extension-header' // next header is an extension header (not supported)
  | 'not-tcp' // IP protocol / next header is not TCP
  | 'truncated-tcp' // IP payload shorter than 20 bytes
  | 'bad-tcp-data-offset'; // data offset < 5 or beyond the IP payload

export interface ParseError {
  error: ParseErrorReason;
  detail: string;
}

export function isParseError(r: ParsedTcpPacket | ParseError): r is ParseError {
  return 'error' in r;
}

/** IPv6 next-header values that are extension headers (RFC 8200 §4, IANA registry). */
const IPV6_EXTENSION_HEADERS = new Set([0, 43, 44, 50, 51, 60, 135, 139, 140, 253, 254]);

function checkRange(name: string, v: number, max: number): void {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new Error(`buildTcpPacket: ${name}=${v} out of range 0..${max}`);
}

function checkLen(name: string, b: Uint8Array, n: number): void {
  if (b.length !== n) throw new Error(`buildTcpPacket: ${name} must be ${n} bytes, got ${b.length}`);
}

/** Options area length: the options zero-padded to 4 bytes; at most 40. */
function paddedOptionsLength(name: string, options: Uint8Array): number {
  const n = (options.length + 3) & ~3;
  if (n > 40) throw new Error(`buildTcpPacket: ${name} options are ${options.length} bytes, max 40`);
  return n;
}

export interface BuildOptions {
  /** Zero-pad the frame to 60 bytes as a MAC does on the wire (default false). */
  padToMinimum?: boolean;
}

/**
 * Build a complete Ethernet frame: IPv4 total length and header checksum, or IPv6 payload
 * length, TCP data offset and TCP checksum are all computed here. Options are zero-padded
 * to a multiple of 4 bytes. Throws on out-of-range fields.
 */
export function buildTcpPacket(p: TcpPacket, opts: BuildOptions = {}): Uint8Array {
  const { eth, ip, tcp, payload } = p;
  checkLen('eth.dst', eth.dst, 6);
  checkLen('eth.src', eth.src, 6);
  const l2Len = ETH_HEADER_LEN + (eth.vlan ? VLAN_TAG_LEN : 0);
  const tcpOptLen = paddedOptionsLength('tcp', tcp.options);
  const tcpHdrLen = TCP_MIN_HEADER_LEN + tcpOptLen;
  const tcpLen = tcpHdrLen + payload.length;
  let ipHdrLen: number;
  if (ip.version === 4) {
    checkLen('ip.src', ip.src, 4);
    checkLen('ip.dst', ip.dst, 4);
    ipHdrLen = IPV4_MIN_HEADER_LEN + paddedOptionsLength('ipv4', ip.options);
    if (ipHdrLen + tcpLen > 0xffff) throw new Error(`buildTcpPacket: IPv4 total length ${ipHdrLen + tcpLen} > 65535`);
  } else {
    checkLen('ip.src', ip.src, 16);
    checkLen('ip.dst', ip.dst, 16);
    ipHdrLen = IPV6_HEADER_LEN;
    if (tcpLen > 0xffff) throw new Error(`buildTcpPacket: IPv6 payload length ${tcpLen} > 65535 (no jumbograms)`);
  }
  const contentLen = l2Len + ipHdrLen + tcpLen;
  const frameLen = opts.padToMinimum ? Math.max(contentLen, ETH_MIN_FRAME_LEN) : contentLen;
  const f = new Uint8Array(frameLen);
  const dv = new DataView(f.buffer, f.byteOffset, f.byteLength);

  // Ethernet
  f.set(eth.dst, 0);
  f.set(eth.src, 6);
  let o = 12;
  if (eth.vlan) {
    const { pcp, dei, vid } = eth.vlan;
    checkRange('vlan.pcp', pcp, 7);
    checkRange('vlan.dei', dei, 1);
    checkRange('vlan.vid', vid, 0xfff);
    dv.setUint16(o, ETHERTYPE_VLAN);
    dv.setUint16(o + 2, (pcp << 13) | (dei << 12) | vid);
    o += 4;
  }
  dv.setUint16(o, ip.version === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
  const l3 = l2Len;

  // IP
  if (ip.version === 4) {
    checkRange('ip.dscpEcn', ip.dscpEcn, 0xff);
    checkRange('ip.id', ip.id, 0xffff);
    checkRange('ip.flags', ip.flags, 7);
    checkRange('ip.fragOffset', ip.fragOffset, 0x1fff);
    checkRange('ip.ttl', ip.ttl, 0xff);
    f[l3] = 0x40 | (ipHdrLen >> 2);
    f[l3 + 1] = ip.dscpEcn;
    dv.setUint16(l3 + 2, ipHdrLen + tcpLen);
    dv.setUint16(l3 + 4, ip.id);
    dv.setUint16(l3 + 6, (ip.flags << 13) | ip.fragOffset);
    f[l3 + 8] = ip.ttl;
    f[l3 + 9] = IPPROTO_TCP;
    f.set(ip.src, l3 + 12);
    f.set(ip.dst, l3 + 16);
    f.set(ip.options, l3 + 20);
    dv.setUint16(l3 + 10, ipv4HeaderChecksum(f, l3, ipHdrLen));
  } else {
    checkRange('ip.trafficClass', ip.trafficClass, 0xff);
    checkRange('ip.flowLabel', ip.flowLabel, 0xfffff);
    checkRange('ip.hopLimit', ip.hopLimit, 0xff);
    dv.setUint32(l3, ((6 << 28) | (ip.trafficClass << 20) | ip.flowLabel) >>> 0);
    dv.setUint16(l3 + 4, tcpLen);
    f[l3 + 6] = IPPROTO_TCP;
    f[l3 + 7] = ip.hopLimit;
    f.set(ip.src, l3 + 8);
    f.set(ip.dst, l3 + 24);
  }

  // TCP
  const l4 = l3 + ipHdrLen;
  checkRange('tcp.srcPort', tcp.srcPort, 0xffff);
  checkRange('tcp.dstPort', tcp.dstPort, 0xffff);
  checkRange('tcp.seq', tcp.seq, 0xffffffff);
  checkRange('tcp.ack', tcp.ack, 0xffffffff);
  checkRange('tcp.flags', tcp.flags, 0xff);
  checkRange('tcp.window', tcp.window, 0xffff);
  checkRange('tcp.urgent', tcp.urgent, 0xffff);
  dv.setUint16(l4, tcp.srcPort);
  dv.setUint16(l4 + 2, tcp.dstPort);
  dv.setUint32(l4 + 4, tcp.seq);
  dv.setUint32(l4 + 8, tcp.ack);
  f[l4 + 12] = (tcpHdrLen >> 2) << 4;
  f[l4 + 13] = tcp.flags;
  dv.setUint16(l4 + 14, tcp.window);
  dv.setUint16(l4 + 18, tcp.urgent);
  f.set(tcp.options, l4 + 20);
  f.set(payload, l4 + tcpHdrLen);
  dv.setUint16(l4 + 16, tcpChecksum(ip.version, ip.src, ip.dst, f.subarray(l4, l4 + tcpLen)));
  return f;
}

function fail(error: ParseErrorReason, detail: string): ParseError {
  return { error, detail };
}

/**
 * Parse an Ethernet frame carrying one TCP segment. Header fields are copied; `payload` is
 * a view into `frame`. Bytes after the IP datagram (Ethernet padding) are tolerated and
 * reported as `trailerLength`, never as payload.
 */
export function parseTcpPacket(frame: Uint8Array): ParsedTcpPacket | ParseError {
  const n = frame.length;
  const dv = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (n < ETH_HEADER_LEN) return fail('truncated-ethernet', `frame is ${n} bytes, Ethernet header needs 14`);
  const eth: EthernetHeader = { dst: frame.slice(0, 6), src: frame.slice(6, 12) };
  let ethertype = dv.getUint16(12);
  let l3 = ETH_HEADER_LEN;
  if (ethertype === ETHERTYPE_VLAN) {
    if (n < ETH_HEADER_LEN + VLAN_TAG_LEN) return fail('truncated-ethernet', `frame is ${n} bytes, 802.1Q header needs 18`);
    const tci = dv.getUint16(14);
    eth.vlan = { pcp: tci >> 13, dei: (tci >> 12) & 1, vid: tci & 0xfff };
    ethertype = dv.getUint16(16);
    l3 += VLAN_TAG_LEN;
  }

  let ip: Ipv4Header | Ipv6Header;
  let l4: number;
  let ipEnd: number;
  let ipHeaderChecksumOk = true;
  if (ethertype === ETHERTYPE_IPV4) {
    if (n - l3 < IPV4_MIN_HEADER_LEN) return fail('truncated-ipv4', `${n - l3} bytes after L2 header, IPv4 needs 20`);
    const version = frame[l3] >> 4;
    if (version !== 4) return fail('bad-ip-version', `ethertype IPv4 but version nibble ${version}`);
    const ihl = frame[l3] & 0x0f;
    if (ihl < 5) return fail('bad-ihl', `IHL ${ihl} < 5`);
    const hdrLen = ihl * 4;
    if (l3 + hdrLen > n) return fail('ipv4-header-beyond-frame', `IHL ${ihl} (${hdrLen} bytes) but only ${n - l3} bytes after L2 header`);
    const totalLen = dv.getUint16(l3 + 2);
    if (totalLen < hdrLen) return fail('bad-ipv4-total-length', `total length ${totalLen} < header length ${hdrLen}`);
    if (l3 + totalLen > n) return fail('ipv4-length-beyond-frame', `total length ${totalLen} but only ${n - l3} bytes after L2 header`);
    const fl = dv.getUint16(l3 + 6);
    const flags = fl >> 13;
    const fragOffset = fl & 0x1fff;
    if (flags & Ipv4Flag.MF || fragOffset !== 0) return fail('ipv4-fragment', `MF=${flags & Ipv4Flag.MF} fragment offset ${fragOffset}`);
    const proto = frame[l3 + 9];
    if (proto !== IPPROTO_TCP) return fail('not-tcp', `IPv4 protocol ${proto}`);
    ip = {
      version: 4,
      src: frame.slice(l3 + 12, l3 + 16),
      dst: frame.slice(l3 + 16, l3 + 20),
      dscpEcn: frame[l3 + 1],
      id: dv.getUint16(l3 + 4),
      flags,
      fragOffset,
      ttl: frame[l3 + 8],
      options: frame.slice(l3 + 20, l3 + hdrLen),
    };
    ipHeaderChecksumOk = ipv4HeaderChecksum(frame, l3, hdrLen) === dv.getUint16(l3 + 10);
    l4 = l3 + hdrLen;
    ipEnd = l3 + totalLen;
  } else if (ethertype === ETHERTYPE_IPV6) {
    if (n - l3 < IPV6_HEADER_LEN) return fail('truncated-ipv6', `${n - l3} bytes after L2 header, IPv6 needs 40`);
    const w0 = dv.getUint32(l3);
    const version = w0 >>> 28;
    if (version !== 6) return fail('bad-ip-version', `ethertype IPv6 but version nibble ${version}`);
    const payloadLen = dv.getUint16(l3 + 4);
    const next = frame[l3 + 6];
    if (IPV6_EXTENSION_HEADERS.has(next)) return fail('ipv6-extension-header', `next header ${next} is an extension header`);
    if (next !== IPPROTO_TCP) return fail('not-tcp', `IPv6 next header ${next}`);
    if (l3 + IPV6_HEADER_LEN + payloadLen > n) {
      return fail('ipv6-length-beyond-frame', `payload length ${payloadLen} but only ${n - l3 - IPV6_HEADER_LEN} bytes after IPv6 header`);
    }
    ip = {
      version: 6,
      src: frame.slice(l3 + 8, l3 + 24),
      dst: frame.slice(l3 + 24, l3 + 40),
      trafficClass: (w0 >>> 20) & 0xff,
      flowLabel: w0 & 0xfffff,
      hopLimit: frame[l3 + 7],
    };
    l4 = l3 + IPV6_HEADER_LEN;
    ipEnd = l4 + payloadLen;
  } else {
    return fail('unsupported-ethertype', `ethertype 0x${ethertype.toString(16).padStart(4, '0')}`);
  }

  const segLen = ipEnd - l4;
  if (segLen < TCP_MIN_HEADER_LEN) return fail('truncated-tcp', `IP payload is ${segLen} bytes, TCP header needs 20`);
  const dataOffset = frame[l4 + 12] >> 4;
  const tcpHdrLen = dataOffset * 4;
  if (dataOffset < 5 || tcpHdrLen > segLen) {
    return fail('bad-tcp-data-offset', `data offset ${dataOffset} (${tcpHdrLen} bytes) with a ${segLen}-byte segment`);
  }
  const tcp: TcpHeader = {
    srcPort: dv.getUint16(l4),
    dstPort: dv.getUint16(l4 + 2),
    seq: dv.getUint32(l4 + 4),
    ack: dv.getUint32(l4 + 8),
    flags: frame[l4 + 13],
    window: dv.getUint16(l4 + 14),
    urgent: dv.getUint16(l4 + 18),
    options: frame.slice(l4 + 20, l4 + tcpHdrLen),
  };
  const payloadOffset = l4 + tcpHdrLen;
  const payloadLength = ipEnd - payloadOffset;
  return {
    eth,
    ip,
    tcp,
    payload: frame.subarray(payloadOffset, ipEnd),
    l3Offset: l3,
    l4Offset: l4,
    payloadOffset,
    payloadLength,
    seq: tcp.seq,
    tuple: { ipVersion: ip.version, srcAddr: ip.src, dstAddr: ip.dst, srcPort: tcp.srcPort, dstPort: tcp.dstPort },
    ipDatagramLength: ipEnd - l3,
    trailerLength: n - ipEnd,
    tcpChecksumField: dv.getUint16(l4 + 16),
    ipHeaderChecksumOk,
  };
}

function parseOrThrow(fn: string, frame: Uint8Array): ParsedTcpPacket {
  const p = parseTcpPacket(frame);
  if (isParseError(p)) throw new Error(`${fn}: not a TCP frame (${p.error}: ${p.detail})`);
  return p;
}

/** True if the frame's TCP checksum verifies. Throws if the frame does not parse. */
export function tcpChecksumOk(frame: Uint8Array): boolean {
  const p = parseOrThrow('tcpChecksumOk', frame);
  const l4End = p.payloadOffset + p.payloadLength;
  return tcpChecksumValid(p.ip.version, p.ip.src, p.ip.dst, frame.subarray(p.l4Offset, l4End));
}

/**
 * A copy of the frame with its TCP checksum recomputed, for engines that rewrite payload
 * (e.g. plaintext → ciphertext) in place. Throws if the frame does not parse.
 */
export function withFixedTcpChecksum(frame: Uint8Array): Uint8Array {
  const p = parseOrThrow('withFixedTcpChecksum', frame);
  const out = frame.slice();
  const l4End = p.payloadOffset + p.payloadLength;
  const c = tcpChecksum(p.ip.version, p.ip.src, p.ip.dst, out.subarray(p.l4Offset, l4End));
  out[p.l4Offset + 16] = c >> 8;
  out[p.l4Offset + 17] = c & 0xff;
  return out;
}

function formatAddr(a: Uint8Array): string {
  if (a.length === 4) return Array.from(a).join('.');
  const groups: string[] = [];
  for (let i = 0; i < a.length; i += 2) groups.push(((a[i] << 8) | a[i + 1]).toString(16));
  return `[${groups.join(':')}]`;
}

/**
 * Directional flow key, e.g. "4|10.0.0.1:40000>10.0.0.2:443" or
 * "6|[fd00:0:0:0:0:0:0:1]:40000>[fd00:0:0:0:0:0:0:2]:443". Stable across parses, so it
 * can key a Map of flow contexts.
 */
export function flowKey(p: ParsedTcpPacket | FlowTuple): string {
  const t = 'tuple' in p ? p.tuple : p;
  return `${t.ipVersion}|${formatAddr(t.srcAddr)}:${t.srcPort}>${formatAddr(t.dstAddr)}:${t.dstPort}`;
}
