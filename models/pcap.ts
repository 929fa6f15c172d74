// Classic libpcap files (not pcapng), link type Ethernet only.
// Format: https://www.tcpdump.org/manpages/pcap-savefile.5.html and
// draft-ietf-opsawg-pcap: 24-byte global header, then per packet a 16-byte record header
// (seconds, sub-second µs or ns, captured length, original length) and the captured bytes.
// The magic number's byte order gives the file's byte order; 0xa1b23c4d marks nanoseconds.

export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;
const PCAPNG_MAGIC = 0x0a0d0d0a;
export const LINKTYPE_ETHERNET = 1;
const GLOBAL_HEADER_LEN = 24;
const RECORD_HEADER_LEN = 16;
/** Snap length written by writePcap; matches tcpdump's default. */
export const PCAP_SNAPLEN = 262144;

export interface PcapPacketIn {
  /** Capture time in µs since the epoch; defaults to the previous packet's time + 1 µs (first: 0). */
  timestampUs?: bigint | number;
  data: Uint8Array;
}

export interface PcapPacket {
  /** Capture time in µs (truncated from ns for nanosecond files). */
  timestampUs: bigint;
  /** Capture time in ns (µs files: timestampUs × 1000). */
  timestampNs: bigint;
  /** Captured bytes (a copy). */
  data: Uint8Array;
  /** Length of the packet on the wire; > data.length if the capture truncated it. */
  originalLength: number;
}

export interface PcapFileHeader {
  littleEndian: boolean;
  nanosecond: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
}

/** Write a little-endian, microsecond-resolution pcap with link type Ethernet. */
export function writePcap(packets: readonly PcapPacketIn[]): Uint8Array {
  let total = GLOBAL_HEADER_LEN;
  for (const p of packets) {
    if (p.data.length > PCAP_SNAPLEN) throw new Error(`writePcap: packet of ${p.data.length} bytes exceeds snaplen ${PCAP_SNAPLEN}`);
    total += RECORD_HEADER_LEN + p.data.length;
  }
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, PCAP_MAGIC_US, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  dv.setInt32(8, 0, true); // thiszone: timestamps are UTC
  dv.setUint32(12, 0, true); // sigfigs
  dv.setUint32(16, PCAP_SNAPLEN, true);
  dv.setUint32(20, LINKTYPE_ETHERNET, true);
  let o = GLOBAL_HEADER_LEN;
  let prev = -1n;
  for (const [i, p] of packets.entries()) {
    const ts = p.timestampUs === undefined ? prev + 1n : BigInt(p.timestampUs);
    if (ts < 0n || ts / 1_000_000n > 0xffffffffn) throw new Error(`writePcap: packet ${i} timestamp ${ts} µs out of range`);
    prev = ts;
    dv.setUint32(o, Number(ts / 1_000_000n), true);
    dv.setUint32(o + 4, Number(ts % 1_000_000n), true);
    dv.setUint32(o + 8, p.data.length, true);
    dv.setUint32(o + 12, p.data.length, true);
    out.set(p.data, o + RECORD_HEADER_LEN);
    o += RECORD_HEADER_LEN + p.data.length;
  }
  return out;
}

/** Decode and validate the 24-byte global header. Throws on anything but classic pcap/Ethernet. */
export function readPcapHeader(bytes: Uint8Array): PcapFileHeader {
  if (bytes.length < 4) throw new Error(`readPcap: not a pcap file (${bytes.length} bytes, too short for a magic number)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = dv.getUint32(0, true);
  let littleEndian: boolean;
  let nanosecond: boolean;
  if (magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS) {
    littleEndian = true;
    nanosecond = magicLe === PCAP_MAGIC_NS;
  } else {
    const magicBe = dv.getUint32(0, false);
    if (magicBe === PCAP_MAGIC_US || magicBe === PCAP_MAGIC_NS) {
      littleEndian = false;
      nanosecond = magicBe === PCAP_MAGIC_NS;
    } else if (magicBe === PCAPNG_MAGIC) {
      throw new Error('readPcap: this is a pcapng file; only classic pcap is supported (convert with `editcap -F pcap`)');
    } else {
      throw new Error(`readPcap: not a pcap file (magic 0x${magicBe.toString(16).padStart(8, '0')})`);
    }
  }
  if (bytes.length < GLOBAL_HEADER_LEN) throw new Error(`readPcap: truncated global header (${bytes.length} of 24 bytes)`);
  const linkType = dv.getUint32(20, littleEndian) & 0xffff; // upper bits carry FCS info, not the type
  const h: PcapFileHeader = {
    littleEndian,
    nanosecond,
    versionMajor: dv.getUint16(4, littleEndian),
    versionMinor: dv.getUint16(6, littleEndian),
    snaplen: dv.getUint32(16, littleEndian),
    linkType,
  };
  if (h.versionMajor !== 2) throw new Error(`readPcap: unsupported pcap version ${h.versionMajor}.${h.versionMinor}`);
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`readPcap: link type ${linkType} is not Ethernet (1)`);
  return h;
}

/** Read every packet of a classic pcap file (either byte order, µs or ns). */
export function readPcap(bytes: Uint8Array): PcapPacket[] {
  const h = readPcapHeader(bytes);
  const le = h.littleEndian;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: PcapPacket[] = [];
  let o = GLOBAL_HEADER_LEN;
  while (o < bytes.length) {
    const idx = out.length;
    if (bytes.length - o < RECORD_HEADER_LEN) {
      throw new Error(`readPcap: truncated record header for packet ${idx} at offset ${o} (${bytes.length - o} of 16 bytes)`);
    }
    const sec = BigInt(dv.getUint32(o, le));
    const frac = BigInt(dv.getUint32(o + 4, le));
    const inclLen = dv.getUint32(o + 8, le);
    const origLen = dv.getUint32(o + 12, le);
    if (frac >= (h.nanosecond ? 1_000_000_000n : 1_000_000n)) {
      throw new Error(`readPcap: packet ${idx} at offset ${o} has sub-second field ${frac} out of range (corrupt file?)`);
    }
    const dataStart = o + RECORD_HEADER_LEN;
    if (inclLen > bytes.length - dataStart) {
      throw new Error(`readPcap: truncated packet ${idx} at offset ${o}: captured length ${inclLen}, ${bytes.length - dataStart} bytes left`);
    }
    const timestampNs = h.nanosecond ? sec * 1_000_000_000n + frac : sec * 1_000_000_000n + frac * 1000n;
    out.push({
      timestampUs: timestampNs / 1000n,
      timestampNs,
      data: bytes.slice(dataStart, dataStart + inclLen),
      originalLength: origLen,
    });
    o = dataStart + inclLen;
  }
  return out;
}
