// The capture files of `tlsnic replay`: reading the input (classic pcap or pcapng, with the TLS key
// log a pcapng may carry) and writing tx/rx outputs as pcap in the capture's own format, or as
// pcapng with the key log embedded (a Decryption Secrets Block, so Wireshark decrypts the file
// with no other file at hand).
import { finerThanMicroseconds, readCapture, type CaptureFormat, type CaptureInterface, type CaptureRecord } from '../../models/capture.ts';
import { LINKTYPE_ETHERNET, PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAP_SNAPLEN, type PcapFileHeader } from '../../models/pcap.ts';
import { nsToTimestamp, tlsKeylogSecrets, writePcapng } from '../../models/pcapng.ts';

export type ReplayOutputFormat = CaptureFormat;
export const REPLAY_FORMATS: readonly ReplayOutputFormat[] = ['pcap', 'pcapng'];

export interface ReplayCapture {
  format: CaptureFormat;
  littleEndian: boolean;
  /** The pcap header tx.pcap and rx.pcap get: the capture's own, or (pcapng input) one made to fit. */
  header: PcapFileHeader;
  /** Its 24 bytes (the capture's, unchanged, for a pcap input). */
  rawHeader: Uint8Array;
  interfaces: CaptureInterface[];
  /** The packets replay handles (on Ethernet interfaces), in capture order. */
  packets: CaptureRecord[];
  /** Interfaces whose packets were left out (link type not Ethernet), with their packet counts. */
  skipped: { interfaceId: number; linkType: number; name: string | null; packets: number }[];
  /** The key log of the capture's Decryption Secrets Blocks; null when it has none. */
  tlsKeylog: string | null;
}

/**
 * Parses a classic pcap (Ethernet) or a pcapng file. pcapng packets on interfaces with another link
 * type are left out (and listed in `skipped`); a pcapng with packets but none on an Ethernet
 * interface is an error. Throws an Error with a one-line message on bad input.
 */
export function parseCapture(bytes: Uint8Array): ReplayCapture {
  const f = readCapture(bytes);
  const eth = (r: CaptureRecord) => f.interfaces[r.interfaceId].linkType === LINKTYPE_ETHERNET;
  const packets = f.packets.filter(eth);
  const skipped = f.interfaces.flatMap((iface, id) => {
    const n = iface.linkType === LINKTYPE_ETHERNET ? 0 : f.packets.filter((r) => r.interfaceId === id).length;
    return n > 0 ? [{ interfaceId: id, linkType: iface.linkType, name: iface.name, packets: n }] : [];
  });
  if (packets.length === 0 && skipped.length > 0) {
    const types = [...new Set(skipped.map((s) => s.linkType))];
    throw new Error(`no packet is on an Ethernet interface: link type${types.length > 1 ? 's' : ''} ${types.join(', ')} ${types.length > 1 ? 'are' : 'is'} not Ethernet (1)`);
  }
  let header: PcapFileHeader;
  let rawHeader: Uint8Array;
  if (f.pcap) {
    header = f.pcap.header;
    rawHeader = f.pcap.raw;
  } else {
    const ethIfs = f.interfaces.filter((i) => i.linkType === LINKTYPE_ETHERNET);
    const snaplen = ethIfs.some((i) => i.snaplen === 0) || ethIfs.length === 0 ? PCAP_SNAPLEN : Math.max(...ethIfs.map((i) => i.snaplen));
    header = {
      littleEndian: f.littleEndian,
      nanosecond: ethIfs.some((i) => finerThanMicroseconds(i.tsresol)),
      versionMajor: 2,
      versionMinor: 4,
      snaplen,
      linkType: LINKTYPE_ETHERNET,
    };
    rawHeader = new Uint8Array(24);
    const dv = new DataView(rawHeader.buffer);
    dv.setUint32(0, header.nanosecond ? PCAP_MAGIC_NS : PCAP_MAGIC_US, header.littleEndian);
    dv.setUint16(4, 2, header.littleEndian);
    dv.setUint16(6, 4, header.littleEndian);
    dv.setUint32(16, snaplen, header.littleEndian);
    dv.setUint32(20, LINKTYPE_ETHERNET, header.littleEndian);
  }
  return { format: f.format, littleEndian: f.littleEndian, header, rawHeader, interfaces: f.interfaces, packets, skipped, tlsKeylog: f.tlsKeylog };
}

export interface ReplayOutputPacket {
  /** Index of the capture packet it stands for (its timestamp and interface). */
  src: number;
  data: Uint8Array;
  /** pcapng only: the packet's comment. */
  comment?: string;
}

/**
 * A pcap in the capture's own format (byte order, µs/ns resolution, global header; a pcapng input
 * gets a made-to-fit header): packet i gets capture packet src[i]'s timestamp and original length,
 * so a faithful engine output makes a file equal to a pcap capture except TCP checksum bytes.
 */
export function writePcapLike(cap: ReplayCapture, records: readonly ReplayOutputPacket[]): Uint8Array {
  const le = cap.header.littleEndian;
  let total = 24;
  for (const r of records) total += 16 + r.data.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  out.set(cap.rawHeader, 0);
  let o = 24;
  for (const r of records) {
    const p = cap.packets[r.src];
    const ns = p.timestampNs;
    dv.setUint32(o, Number(ns / 1_000_000_000n), le);
    dv.setUint32(o + 4, Number(cap.header.nanosecond ? ns % 1_000_000_000n : (ns % 1_000_000_000n) / 1000n), le);
    dv.setUint32(o + 8, r.data.length, le);
    dv.setUint32(o + 12, r.data.length === p.data.length ? p.originalLength : r.data.length, le);
    out.set(r.data, o + 16);
    o += 16 + r.data.length;
  }
  return out;
}

/**
 * A pcapng with the capture's interfaces (link types, timestamp units; a pcap input: one Ethernet
 * interface in its µs or ns), packet i as an enhanced packet block with capture packet src[i]'s
 * interface, timestamp and original length, and `keylog` (when not empty) in a Decryption Secrets
 * Block ahead of the packets.
 */
export function writePcapngLike(cap: ReplayCapture, records: readonly ReplayOutputPacket[], keylog: string | null): Uint8Array {
  return writePcapng({
    littleEndian: cap.littleEndian,
    application: 'tlsnic replay',
    interfaces: cap.interfaces.map((i) => ({ linkType: i.linkType, snaplen: i.snaplen, tsresol: i.tsresol, tsoffset: i.tsoffset, ...(i.name !== null ? { name: i.name } : {}) })),
    secrets: keylog ? [tlsKeylogSecrets(keylog)] : [],
    packets: records.map((r) => {
      const p = cap.packets[r.src];
      const iface = cap.interfaces[p.interfaceId];
      return {
        interfaceId: p.interfaceId,
        // A simple packet block has no timestamp: it gets the one readCapture carried on to it.
        timestamp: p.timestamp ?? clampU64(nsToTimestamp(p.timestampNs - iface.tsoffset * 1_000_000_000n, iface.tsresol)),
        data: r.data,
        originalLength: r.data.length === p.data.length ? p.originalLength : r.data.length,
        ...(r.comment !== undefined ? { comment: r.comment } : {}),
      };
    }),
  });
}

function clampU64(x: bigint): bigint {
  return x < 0n ? 0n : x > 0xffffffffffffffffn ? 0xffffffffffffffffn : x;
}
