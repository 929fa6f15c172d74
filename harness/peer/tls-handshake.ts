// Minimal TLS wire parser for what the harness needs out of a recorded session:
// record boundaries in a raw TCP byte stream, the plaintext handshake messages
// that precede encryption, and the ClientHello/ServerHello fields (randoms,
// negotiated version and cipher suite). It never decrypts; callers that need
// plaintext of protected records use models/tls-record.ts on the records found here.

export const TLS_CONTENT_TYPE = {
  changeCipherSpec: 20,
  alert: 21,
  handshake: 22,
  applicationData: 23,
} as const;

export const TLS_HANDSHAKE_TYPE = {
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateVerify: 15,
  serverHelloDone: 14,
  clientKeyExchange: 16,
  finished: 20,
  keyUpdate: 24,
} as const;

const EXT_SUPPORTED_VERSIONS = 0x002b;

// RFC 8446 4.1.3: a ServerHello carrying this random is a HelloRetryRequest.
const HELLO_RETRY_REQUEST_RANDOM = hex(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c',
);

// RFC 8446 5.2: no record (TLSCiphertext) may carry more than 2^14 + 256 bytes.
const MAX_RECORD_FRAGMENT = 16384 + 256;
const RECORD_HEADER_LEN = 5;

export type TlsWireRecord = {
  offset: number; // offset of the 5-byte header in the TCP stream
  contentType: number; // outer (header) content type
  legacyVersion: number;
  bytes: Uint8Array; // the whole record: header + fragment
  fragment: Uint8Array; // bytes after the header
};

export type TlsRecordSplit = {
  records: TlsWireRecord[];
  // Stream offset just past the last complete record; bytes from here on are an
  // incomplete record (connection cut mid-record) and are not in `records`.
  end: number;
};

export type HandshakeMessage = {
  type: number;
  body: Uint8Array; // without the 4-byte handshake header
  raw: Uint8Array; // with the header (what transcripts hash)
};

export type HelloExtensions = Map<number, Uint8Array>;

export type ClientHello = {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  extensions: HelloExtensions;
  supportedVersions: number[]; // from the supported_versions extension; empty if absent
};

export type ServerHello = {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: HelloExtensions;
  // The version actually negotiated: supported_versions if present (TLS 1.3), else legacy_version.
  selectedVersion: number;
  isHelloRetryRequest: boolean;
};

// Splits a TCP byte stream into TLS records starting at `start`. Throws on a header
// that cannot be a TLS record, because that means the offset is not a record boundary.
export function splitTlsRecords(stream: Uint8Array, start = 0): TlsRecordSplit {
  const records: TlsWireRecord[] = [];
  let pos = start;
  while (pos + RECORD_HEADER_LEN <= stream.length) {
    const contentType = stream[pos];
    const legacyVersion = (stream[pos + 1] << 8) | stream[pos + 2];
    const length = (stream[pos + 3] << 8) | stream[pos + 4];
    if (contentType < 20 || contentType > 24 || (legacyVersion & 0xff00) !== 0x0300) {
      throw new Error(
        `no TLS record header at stream offset ${pos}: type ${contentType} version 0x${legacyVersion.toString(16)}`,
      );
    }
    if (length > MAX_RECORD_FRAGMENT) {
      throw new Error(`record at stream offset ${pos} claims ${length} bytes (> 2^14+256)`);
    }
    if (pos + RECORD_HEADER_LEN + length > stream.length) break;
    const bytes = stream.subarray(pos, pos + RECORD_HEADER_LEN + length);
    records.push({
      offset: pos,
      contentType,
      legacyVersion,
      bytes,
      fragment: bytes.subarray(RECORD_HEADER_LEN),
    });
    pos += RECORD_HEADER_LEN + length;
  }
  return { records, end: pos };
}

// Parses concatenated handshake messages (a handshake byte stream, after record
// reassembly). A trailing partial message is returned in `rest`.
export function parseHandshakeMessages(data: Uint8Array): {
  messages: HandshakeMessage[];
  rest: Uint8Array;
} {
  const messages: HandshakeMessage[] = [];
  let pos = 0;
  while (pos + 4 <= data.length) {
    const len = (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];
    if (pos + 4 + len > data.length) break;
    const raw = data.subarray(pos, pos + 4 + len);
    messages.push({ type: data[pos], body: raw.subarray(4), raw });
    pos += 4 + len;
  }
  return { messages, rest: data.subarray(pos) };
}

// The handshake messages sent in the clear at the start of one direction: the
// fragments of the leading handshake records, up to the first record of any
// other type (ChangeCipherSpec in TLS 1.2 or 1.3 compatibility mode, or the
// first protected record in TLS 1.3).
export function leadingPlaintextHandshake(stream: Uint8Array): HandshakeMessage[] {
  const { records } = splitTlsRecords(stream);
  const fragments: Uint8Array[] = [];
  for (const r of records) {
    if (r.contentType !== TLS_CONTENT_TYPE.handshake) break;
    fragments.push(r.fragment);
  }
  return parseHandshakeMessages(concatBytes(fragments)).messages;
}

export function parseClientHello(body: Uint8Array): ClientHello {
  const r = reader(body, 'ClientHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.bytes(r.u8());
  const suitesLen = r.u16();
  if (suitesLen % 2 !== 0) throw new Error('ClientHello: odd cipher_suites length');
  const cipherSuites: number[] = [];
  for (let i = 0; i < suitesLen / 2; i++) cipherSuites.push(r.u16());
  r.bytes(r.u8()); // legacy_compression_methods
  const extensions = r.remaining() > 0 ? parseExtensions(r.bytes(r.u16())) : new Map();
  const supportedVersions: number[] = [];
  const sv = extensions.get(EXT_SUPPORTED_VERSIONS);
  if (sv) {
    const vr = reader(sv, 'ClientHello supported_versions');
    const n = vr.u8();
    for (let i = 0; i < n / 2; i++) supportedVersions.push(vr.u16());
  }
  return { legacyVersion, random, sessionId, cipherSuites, extensions, supportedVersions };
}

export function parseServerHello(body: Uint8Array): ServerHello {
  const r = reader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.bytes(32);
  const sessionId = r.bytes(r.u8());
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = r.remaining() > 0 ? parseExtensions(r.bytes(r.u16())) : new Map();
  const sv = extensions.get(EXT_SUPPORTED_VERSIONS);
  const selectedVersion = sv ? reader(sv, 'ServerHello supported_versions').u16() : legacyVersion;
  return {
    legacyVersion,
    random,
    sessionId,
    cipherSuite,
    compressionMethod,
    extensions,
    selectedVersion,
    isHelloRetryRequest: equalBytes(random, HELLO_RETRY_REQUEST_RANDOM),
  };
}

export type NegotiatedHellos = {
  clientHello: ClientHello;
  serverHello: ServerHello;
  version: '1.2' | '1.3';
  cipherSuite: number; // IANA code point
};

// Finds and parses the ClientHello (client→server stream) and ServerHello
// (server→client stream). A HelloRetryRequest is rejected: the harness never
// provokes one and its second ClientHello would change which random counts.
export function parseHellos(clientToServer: Uint8Array, serverToClient: Uint8Array): NegotiatedHellos {
  const ch = leadingPlaintextHandshake(clientToServer).find(
    (m) => m.type === TLS_HANDSHAKE_TYPE.clientHello,
  );
  const sh = leadingPlaintextHandshake(serverToClient).find(
    (m) => m.type === TLS_HANDSHAKE_TYPE.serverHello,
  );
  if (!ch) throw new Error('no ClientHello in the client→server stream');
  if (!sh) throw new Error('no ServerHello in the server→client stream');
  const clientHello = parseClientHello(ch.body);
  const serverHello = parseServerHello(sh.body);
  if (serverHello.isHelloRetryRequest) throw new Error('HelloRetryRequest is not supported');
  let version: '1.2' | '1.3';
  if (serverHello.selectedVersion === 0x0304) version = '1.3';
  else if (serverHello.selectedVersion === 0x0303) version = '1.2';
  else throw new Error(`unsupported TLS version 0x${serverHello.selectedVersion.toString(16)}`);
  return { clientHello, serverHello, version, cipherSuite: serverHello.cipherSuite };
}

function parseExtensions(data: Uint8Array): HelloExtensions {
  const r = reader(data, 'extensions');
  const out: HelloExtensions = new Map();
  while (r.remaining() > 0) {
    const type = r.u16();
    out.set(type, r.bytes(r.u16()));
  }
  return out;
}

type Reader = {
  u8(): number;
  u16(): number;
  bytes(n: number): Uint8Array;
  remaining(): number;
};

function reader(data: Uint8Array, what: string): Reader {
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > data.length) throw new Error(`${what}: truncated at byte ${pos} (+${n})`);
  };
  return {
    u8() {
      need(1);
      return data[pos++];
    },
    u16() {
      need(2);
      const v = (data[pos] << 8) | data[pos + 1];
      pos += 2;
      return v;
    },
    bytes(n: number) {
      need(n);
      const b = data.subarray(pos, pos + n);
      pos += n;
      return b;
    },
    remaining: () => data.length - pos,
  };
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'hex'));
}
