// A capture file of either format — classic pcap (models/pcap.ts) or pcapng (models/pcapng.ts),
// told apart by the magic number — read into one shape: the interfaces (link type, timestamp
// units), every packet with its interface and timestamp, and the TLS key log a pcapng file may
// carry in Decryption Secrets Blocks.
import { readPcap, readPcapHeader, type PcapFileHeader, type PcapPacket } from './pcap.ts';
import { DEFAULT_TSRESOL, isPcapng, pcapngTlsKeylog, readPcapng } from './pcapng.ts';

export type CaptureFormat = 'pcap' | 'pcapng';

export interface CaptureInterface {
  linkType: number;
  /** 0: no limit. */
  snaplen: number;
  /** Timestamp units, as pcapng's if_tsresol (pcap: 6 = µs or 9 = ns). */
  tsresol: number;
  /** Seconds added to every timestamp (pcapng if_tsoffset; pcap: 0). */
  tsoffset: bigint;
  name: string | null;
}

export interface CaptureRecord extends PcapPacket {
  /** Index into CaptureFile.interfaces. */
  interfaceId: number;
  /**
   * The timestamp as the file holds it, in the interface's units; null when the file has none
   * (a pcapng simple packet block: timestampNs/timestampUs are then the previous packet's, or 0).
   */
  timestamp: bigint | null;
}

export interface CaptureFile {
  format: CaptureFormat;
  /** Byte order of the file (pcapng: of its first section). */
  littleEndian: boolean;
  /** Classic pcap only: the global header, decoded and as the file holds it (24 bytes). */
  pcap: { header: PcapFileHeader; raw: Uint8Array } | null;
  interfaces: CaptureInterface[];
  packets: CaptureRecord[];
  /** The TLS key log of the file's Decryption Secrets Blocks (pcapng); null when it has none. */
  tlsKeylog: string | null;
}

/**
 * Reads a classic pcap (Ethernet only, as models/pcap.ts) or a pcapng file (any link types).
 * Throws an Error with a one-line message on anything malformed.
 */
export function readCapture(bytes: Uint8Array): CaptureFile {
  if (isPcapng(bytes)) {
    const f = readPcapng(bytes);
    let prevNs = 0n;
    const packets = f.packets.map((p): CaptureRecord => {
      const ns = p.timestampNs ?? prevNs;
      prevNs = ns;
      return { interfaceId: p.interfaceId, timestamp: p.timestamp, timestampNs: ns, timestampUs: ns / 1000n, data: p.data, originalLength: p.originalLength };
    });
    return {
      format: 'pcapng',
      littleEndian: f.littleEndian,
      pcap: null,
      interfaces: f.interfaces.map((i) => ({ linkType: i.linkType, snaplen: i.snaplen, tsresol: i.tsresol, tsoffset: i.tsoffset, name: i.name })),
      packets,
      tlsKeylog: pcapngTlsKeylog(f),
    };
  }
  const header = readPcapHeader(bytes);
  return {
    format: 'pcap',
    littleEndian: header.littleEndian,
    pcap: { header, raw: new Uint8Array(bytes.subarray(0, 24)) },
    interfaces: [{ linkType: header.linkType, snaplen: header.snaplen, tsresol: header.nanosecond ? 9 : DEFAULT_TSRESOL, tsoffset: 0n, name: null }],
    packets: readPcap(bytes).map((p) => ({ ...p, interfaceId: 0, timestamp: header.nanosecond ? p.timestampNs : p.timestampUs })),
    tlsKeylog: null,
  };
}

/** Whether timestamps in these units are finer than a microsecond. */
export function finerThanMicroseconds(tsresol: number): boolean {
  return tsresol & 0x80 ? (tsresol & 0x7f) > 19 : tsresol > 6;
}
