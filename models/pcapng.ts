// pcapng files (draft-ietf-opsawg-pcapng): reader and writer.
// A file is a sequence of blocks, each `type(4) total-length(4) body total-length(4)`, padded to
// 4 bytes. A Section Header Block (type 0x0a0d0d0a, the same in either byte order) starts every
// section; its byte-order magic 0x1a2b3c4d gives the section's byte order. Interface Description
// Blocks declare the section's interfaces (link type, snap length, options: if_tsresol = timestamp
// units, if_tsoffset = seconds to add); packets come in Enhanced Packet Blocks (interface id,
// 64-bit timestamp, lengths, data, options), Simple Packet Blocks (interface 0, no timestamp) or
// the obsolete Packet Block. A Decryption Secrets Block (type 0x0000000a) carries e.g. a TLS key
// log (secrets type 0x544c534b, "TLSK"), as `editcap --inject-secrets tls,KEYLOG` writes it.
// Every other block type is skipped. Anything malformed throws an Error with a one-line message
// naming the block and its offset; the reader never reads past the buffer and always advances.

export const PCAPNG_SHB_TYPE = 0x0a0d0d0a;
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 0x00000001;
const OPB = 0x00000002; // obsolete Packet Block
const SPB = 0x00000003;
const EPB = 0x00000006;
const DSB = 0x0000000a;
/** Decryption Secrets Block secrets type of an SSLKEYLOGFILE ("TLSK"). */
export const SECRETS_TYPE_TLS_KEYLOG = 0x544c534b;

const OPT_ENDOFOPT = 0;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_TSOFFSET = 14;

/** if_tsresol when the option is absent: microseconds. */
export const DEFAULT_TSRESOL = 6;

export interface PcapngInterface {
  /** 0-based section the interface belongs to. */
  section: number;
  /** Its index within the section (what packet blocks of that section refer to). */
  localId: number;
  linkType: number;
  /** 0: no limit. */
  snaplen: number;
  /** if_tsresol as in the file: bit 7 clear → units of 10^-n s, set → 2^-(n & 0x7f) s. */
  tsresol: number;
  /** if_tsoffset: seconds added to every timestamp. */
  tsoffset: bigint;
  name: string | null;
}

export interface PcapngPacket {
  /** Index into PcapngFile.interfaces (over all sections). */
  interfaceId: number;
  /** The block's timestamp in the interface's units; null for a simple packet block. */
  timestamp: bigint | null;
  /** The timestamp in ns since the epoch (if_tsoffset applied); null for a simple packet block. */
  timestampNs: bigint | null;
  /** Captured bytes (a copy). */
  data: Uint8Array;
  originalLength: number;
  /** The packet's first opt_comment, if any. */
  comment: string | null;
}

export interface PcapngSecrets {
  /** 0-based section of the block. */
  section: number;
  type: number;
  data: Uint8Array;
}

export interface PcapngFile {
  /** Byte order of the first section. */
  littleEndian: boolean;
  sections: number;
  interfaces: PcapngInterface[];
  packets: PcapngPacket[];
  secrets: PcapngSecrets[];
  /** Blocks of types the reader does not interpret (name resolution, statistics, custom, …). */
  skippedBlocks: number;
}

/** Whether the bytes start like a pcapng file (a section header block). */
export function isPcapng(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x0a && bytes[1] === 0x0d && bytes[2] === 0x0d && bytes[3] === 0x0a;
}

/** A timestamp in if_tsresol units as ns (truncated), before if_tsoffset. */
export function timestampToNs(ts: bigint, tsresol: number): bigint {
  const exp = BigInt(tsresol & 0x7f);
  if (tsresol & 0x80) return (ts * 1_000_000_000n) >> exp;
  return exp <= 9n ? ts * 10n ** (9n - exp) : ts / 10n ** (exp - 9n);
}

/** ns as a timestamp in if_tsresol units (truncated). */
export function nsToTimestamp(ns: bigint, tsresol: number): bigint {
  const exp = BigInt(tsresol & 0x7f);
  if (tsresol & 0x80) return (ns << exp) / 1_000_000_000n;
  return exp <= 9n ? ns / 10n ** (9n - exp) : ns * 10n ** (exp - 9n);
}

interface RawOption {
  code: number;
  value: Uint8Array;
}

/** The options in bytes [start, end) of a block; throws when one runs past the end. */
function readOptions(dv: DataView, bytes: Uint8Array, start: number, end: number, le: boolean, where: string): RawOption[] {
  const out: RawOption[] = [];
  let o = start;
  while (o < end) {
    if (end - o < 4) throw new Error(`${where}: ${end - o} stray byte(s) where an option header should be (corrupt block)`);
    const code = dv.getUint16(o, le);
    const len = dv.getUint16(o + 2, le);
    if (code === OPT_ENDOFOPT) break;
    const padded = (len + 3) & ~3;
    if (padded > end - o - 4) throw new Error(`${where}: option ${code} of ${len} bytes runs past the block's end (corrupt block)`);
    out.push({ code, value: bytes.subarray(o + 4, o + 4 + len) });
    o += 4 + padded;
  }
  return out;
}

const utf8 = new TextDecoder('utf-8');

/** Reads every section of a pcapng file. Throws a one-line Error on anything malformed. */
export function readPcapng(bytes: Uint8Array): PcapngFile {
  if (!isPcapng(bytes)) throw new Error('pcapng: no section header block at the start (not a pcapng file)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const file: PcapngFile = { littleEndian: true, sections: 0, interfaces: [], packets: [], secrets: [], skippedBlocks: 0 };
  let le = true;
  /** Global indices of the current section's interfaces. */
  let sectionIfs: number[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (bytes.length - o < 12) throw new Error(`pcapng: truncated block header at offset ${o} (${bytes.length - o} bytes left, a block takes at least 12)`);
    const isShb = dv.getUint32(o, true) === PCAPNG_SHB_TYPE;
    if (isShb) {
      // The byte order comes from the byte-order magic, which follows the block length.
      const bom = dv.getUint32(o + 8, true);
      if (bom === PCAPNG_BYTE_ORDER_MAGIC) le = true;
      else if (dv.getUint32(o + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) le = false;
      else throw new Error(`pcapng: section header block at offset ${o} has byte-order magic 0x${dv.getUint32(o + 8, false).toString(16).padStart(8, '0')}, not 0x1a2b3c4d (corrupt file)`);
    } else if (file.sections === 0) throw new Error('pcapng: the file does not start with a section header block');
    const type = dv.getUint32(o, le);
    const total = dv.getUint32(o + 4, le);
    const where = `pcapng: block type 0x${type.toString(16).padStart(8, '0')} at offset ${o}`;
    if (total < 12 || total % 4 !== 0) throw new Error(`${where}: block length ${total} is not a multiple of 4 of at least 12 (corrupt file)`);
    if (total > bytes.length - o) throw new Error(`${where}: truncated: block length ${total}, ${bytes.length - o} bytes left`);
    const trailer = dv.getUint32(o + total - 4, le);
    if (trailer !== total) throw new Error(`${where}: block length ${total} at the start but ${trailer} at the end (corrupt file)`);
    const body = o + 8;
    const bodyLen = total - 12;
    const end = body + bodyLen;
    if (isShb) {
      if (bodyLen < 16) throw new Error(`${where}: section header block of ${total} bytes, shorter than its 28-byte minimum`);
      const major = dv.getUint16(body + 4, le);
      const minor = dv.getUint16(body + 6, le);
      if (major !== 1) throw new Error(`${where}: unsupported pcapng version ${major}.${minor}`);
      readOptions(dv, bytes, body + 16, end, le, where);
      if (file.sections === 0) file.littleEndian = le;
      file.sections++;
      sectionIfs = [];
    } else if (type === IDB) {
      if (bodyLen < 8) throw new Error(`${where}: interface description block body of ${bodyLen} bytes, shorter than 8`);
      const iface: PcapngInterface = {
        section: file.sections - 1,
        localId: sectionIfs.length,
        linkType: dv.getUint16(body, le),
        snaplen: dv.getUint32(body + 4, le),
        tsresol: DEFAULT_TSRESOL,
        tsoffset: 0n,
        name: null,
      };
      for (const opt of readOptions(dv, bytes, body + 8, end, le, where)) {
        if (opt.code === IF_TSRESOL) {
          if (opt.value.length !== 1) throw new Error(`${where}: if_tsresol of ${opt.value.length} bytes, not 1`);
          iface.tsresol = opt.value[0];
          if ((iface.tsresol & 0x80 ? iface.tsresol & 0x7f : iface.tsresol) > 64) throw new Error(`${where}: if_tsresol 0x${iface.tsresol.toString(16)} is beyond any clock`);
        } else if (opt.code === IF_TSOFFSET) {
          if (opt.value.length !== 8) throw new Error(`${where}: if_tsoffset of ${opt.value.length} bytes, not 8`);
          iface.tsoffset = new DataView(opt.value.buffer, opt.value.byteOffset, 8).getBigInt64(0, le);
        } else if (opt.code === IF_NAME) iface.name = utf8.decode(opt.value);
      }
      sectionIfs.push(file.interfaces.length);
      file.interfaces.push(iface);
    } else if (type === EPB || type === OPB || type === SPB) {
      const kind = type === EPB ? 'enhanced' : type === SPB ? 'simple' : 'obsolete';
      const fixed = type === SPB ? 4 : 20;
      if (bodyLen < fixed) throw new Error(`${where}: ${kind} packet block body of ${bodyLen} bytes, shorter than ${fixed}`);
      const localId = type === EPB ? dv.getUint32(body, le) : type === OPB ? dv.getUint16(body, le) : 0;
      if (localId >= sectionIfs.length) {
        throw new Error(`${where}: ${kind} packet block on interface ${localId}, but the section declares ${sectionIfs.length} interface(s) before it`);
      }
      const interfaceId = sectionIfs[localId];
      const iface = file.interfaces[interfaceId];
      let capLen: number;
      let origLen: number;
      let timestamp: bigint | null = null;
      if (type === SPB) {
        origLen = dv.getUint32(body, le);
        // The captured length is the original length cut to interface 0's snaplen.
        capLen = iface.snaplen === 0 ? origLen : Math.min(origLen, iface.snaplen);
        if (capLen > bodyLen - 4) throw new Error(`${where}: simple packet block holds ${bodyLen - 4} bytes of packet data for ${capLen} captured (corrupt or truncated)`);
      } else {
        timestamp = (BigInt(dv.getUint32(body + 4, le)) << 32n) | BigInt(dv.getUint32(body + 8, le));
        capLen = dv.getUint32(body + 12, le);
        origLen = dv.getUint32(body + 16, le);
        if (capLen > bodyLen - 20) throw new Error(`${where}: captured length ${capLen} but the block holds ${bodyLen - 20} bytes of packet data (corrupt or truncated)`);
      }
      const dataStart = body + fixed;
      let comment: string | null = null;
      if (type !== SPB) {
        const optStart = dataStart + ((capLen + 3) & ~3);
        for (const opt of readOptions(dv, bytes, Math.min(optStart, end), end, le, where)) {
          if (opt.code === OPT_COMMENT && comment === null) comment = utf8.decode(opt.value);
        }
      }
      file.packets.push({
        interfaceId,
        timestamp,
        timestampNs: timestamp === null ? null : timestampToNs(timestamp, iface.tsresol) + iface.tsoffset * 1_000_000_000n,
        data: new Uint8Array(bytes.subarray(dataStart, dataStart + capLen)),
        originalLength: origLen,
        comment,
      });
    } else if (type === DSB) {
      if (bodyLen < 8) throw new Error(`${where}: decryption secrets block body of ${bodyLen} bytes, shorter than 8`);
      const secretsType = dv.getUint32(body, le);
      const len = dv.getUint32(body + 4, le);
      if (len > bodyLen - 8) throw new Error(`${where}: decryption secrets of ${len} bytes, but the block holds ${bodyLen - 8} (corrupt or truncated)`);
      file.secrets.push({ section: file.sections - 1, type: secretsType, data: new Uint8Array(bytes.subarray(body + 8, body + 8 + len)) });
    } else file.skippedBlocks++;
    o += total;
  }
  return file;
}

/** The TLS key logs of every Decryption Secrets Block, concatenated; null when there is none. */
export function pcapngTlsKeylog(file: PcapngFile): string | null {
  const logs = file.secrets.filter((s) => s.type === SECRETS_TYPE_TLS_KEYLOG).map((s) => new TextDecoder('latin1').decode(s.data));
  if (logs.length === 0) return null;
  return logs.map((t) => (t === '' || t.endsWith('\n') ? t : t + '\n')).join('');
}

// ---------------------------------------------------------------------------------------------------
// Writer

export interface PcapngInterfaceIn {
  linkType: number;
  /** [0: no limit] */
  snaplen?: number;
  /** if_tsresol; written only when not the default 6 (µs). */
  tsresol?: number;
  /** if_tsoffset in seconds; written only when not 0. */
  tsoffset?: bigint;
  name?: string;
}

export interface PcapngPacketIn {
  /** Index into the interfaces [0]. */
  interfaceId?: number;
  /** Timestamp in the interface's units [the previous packet's + 1; first: 0]. */
  timestamp?: bigint;
  data: Uint8Array;
  /** [data.length] */
  originalLength?: number;
  /** Write a simple packet block (interface 0 only, no timestamp, no options). */
  simple?: boolean;
  /** opt_comment of an enhanced packet block. */
  comment?: string;
}

export interface PcapngWriteOptions {
  /** [true] */
  littleEndian?: boolean;
  /** shb_userappl. */
  application?: string;
  interfaces: readonly PcapngInterfaceIn[];
  packets: readonly PcapngPacketIn[];
  /** Decryption Secrets Blocks, written after the interfaces, before the first packet. */
  secrets?: readonly { type: number; data: Uint8Array }[];
}

/** Writes one section: SHB, the interfaces, the secrets, the packets. */
export function writePcapng(o: PcapngWriteOptions): Uint8Array {
  const le = o.littleEndian ?? true;
  const enc = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const opt = (code: number, value: Uint8Array): Uint8Array => {
    const b = new Uint8Array(4 + ((value.length + 3) & ~3));
    const dv = new DataView(b.buffer);
    if (value.length > 0xffff) throw new Error(`writePcapng: option ${code} of ${value.length} bytes is longer than 65535`);
    dv.setUint16(0, code, le);
    dv.setUint16(2, value.length, le);
    b.set(value, 4);
    return b;
  };
  const block = (type: number, fixed: Uint8Array, options: Uint8Array[]): void => {
    const optLen = options.reduce((n, x) => n + x.length, 0) + (options.length > 0 ? 4 : 0); // + opt_endofopt
    const fixedPadded = (fixed.length + 3) & ~3;
    const total = 12 + fixedPadded + optLen;
    const b = new Uint8Array(total);
    const dv = new DataView(b.buffer);
    dv.setUint32(0, type, le);
    dv.setUint32(4, total, le);
    b.set(fixed, 8);
    let p = 8 + fixedPadded;
    for (const x of options) {
      b.set(x, p);
      p += x.length;
    }
    dv.setUint32(total - 4, total, le);
    chunks.push(b);
  };
  const fixedOf = (n: number, fill: (dv: DataView) => void): Uint8Array => {
    const b = new Uint8Array(n);
    fill(new DataView(b.buffer));
    return b;
  };

  block(
    PCAPNG_SHB_TYPE,
    fixedOf(16, (dv) => {
      dv.setUint32(0, PCAPNG_BYTE_ORDER_MAGIC, le);
      dv.setUint16(4, 1, le);
      dv.setUint16(6, 0, le);
      dv.setBigInt64(8, -1n, le); // section length not specified
    }),
    o.application ? [opt(SHB_USERAPPL, enc.encode(o.application))] : [],
  );
  for (const i of o.interfaces) {
    const options: Uint8Array[] = [];
    if (i.name !== undefined) options.push(opt(IF_NAME, enc.encode(i.name)));
    if (i.tsresol !== undefined && i.tsresol !== DEFAULT_TSRESOL) options.push(opt(IF_TSRESOL, Uint8Array.of(i.tsresol)));
    if (i.tsoffset !== undefined && i.tsoffset !== 0n) {
      options.push(opt(IF_TSOFFSET, fixedOf(8, (dv) => dv.setBigInt64(0, i.tsoffset as bigint, le))));
    }
    block(
      IDB,
      fixedOf(8, (dv) => {
        dv.setUint16(0, i.linkType, le);
        dv.setUint32(4, i.snaplen ?? 0, le);
      }),
      options,
    );
  }
  for (const s of o.secrets ?? []) {
    const fixed = new Uint8Array(8 + s.data.length);
    const dv = new DataView(fixed.buffer);
    dv.setUint32(0, s.type, le);
    dv.setUint32(4, s.data.length, le);
    fixed.set(s.data, 8);
    block(DSB, fixed, []);
  }
  let prev = -1n;
  for (const [k, p] of o.packets.entries()) {
    const ifId = p.interfaceId ?? 0;
    if (!Number.isInteger(ifId) || ifId < 0 || ifId >= o.interfaces.length) throw new Error(`writePcapng: packet ${k} on interface ${ifId}, ${o.interfaces.length} declared`);
    const origLen = p.originalLength ?? p.data.length;
    if (p.simple) {
      if (ifId !== 0) throw new Error(`writePcapng: packet ${k}: a simple packet block is always on interface 0`);
      const snap = o.interfaces[0].snaplen ?? 0;
      if (p.data.length !== (snap === 0 ? origLen : Math.min(origLen, snap))) {
        throw new Error(`writePcapng: packet ${k}: a simple packet block holds min(original length, snaplen) bytes, not ${p.data.length} of ${origLen}`);
      }
      const fixed = new Uint8Array(4 + p.data.length);
      new DataView(fixed.buffer).setUint32(0, origLen, le);
      fixed.set(p.data, 4);
      block(SPB, fixed, []);
      continue;
    }
    const ts = p.timestamp ?? prev + 1n;
    if (ts < 0n || ts > 0xffffffffffffffffn) throw new Error(`writePcapng: packet ${k} timestamp ${ts} out of range`);
    prev = ts;
    const fixed = new Uint8Array(20 + p.data.length);
    const dv = new DataView(fixed.buffer);
    dv.setUint32(0, ifId, le);
    dv.setUint32(4, Number(ts >> 32n), le);
    dv.setUint32(8, Number(ts & 0xffffffffn), le);
    dv.setUint32(12, p.data.length, le);
    dv.setUint32(16, origLen, le);
    fixed.set(p.data, 20);
    block(EPB, fixed, p.comment !== undefined ? [opt(OPT_COMMENT, enc.encode(p.comment))] : []);
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** A TLS key log as a Decryption Secrets Block's contents. */
export function tlsKeylogSecrets(text: string): { type: number; data: Uint8Array } {
  return { type: SECRETS_TYPE_TLS_KEYLOG, data: new TextEncoder().encode(text) };
}
