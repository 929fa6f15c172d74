// A real OpenSSL TLS session (node:tls client and server over loopback) with a
// plain TCP relay in the middle that the harness controls. The relay records
// every byte in both directions, in order, with its TCP-stream offset, and can
// take over the client→server direction after the handshake: from then on the
// real client's own output is dropped (and recorded as dropped) and only bytes
// the harness injects reach the server. That lets the golden model (or later the
// RTL) act as the client's kTLS transmit path against a real peer, and gives
// later tests raw sessions to turn into packet captures.

import net from 'node:net';
import tls from 'node:tls';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseKeylog, tls12KeyBlock, tls13TrafficKeys, type KeylogEntry } from '../../models/keylog.ts';
import { TLS_TAG_LEN, recordPrefixLen, unprotectRecord, type TlsCryptoInfo } from '../../models/tls-record.ts';
import {
  TLS_CONTENT_TYPE,
  TLS_HANDSHAKE_TYPE,
  concatBytes,
  parseHandshakeMessages,
  parseHellos,
  splitTlsRecords,
  type ClientHello,
  type ServerHello,
  type TlsWireRecord,
} from './tls-handshake.ts';

export type TlsPeerVersion = '1.2' | '1.3';

// One cipher suite the harness can force on both ends.
export type TlsPeerSuite = {
  name: string; // IANA / RFC name (what getCipher().standardName reports)
  opensslName: string; // what node:tls `ciphers` takes
  version: TlsPeerVersion;
  code: number; // IANA code point, as seen in the ServerHello
  keyLen: 16 | 32;
  hash: 'sha256' | 'sha384';
};

export const TLS_PEER_SUITES = {
  tls13Aes128: {
    name: 'TLS_AES_128_GCM_SHA256',
    opensslName: 'TLS_AES_128_GCM_SHA256',
    version: '1.3',
    code: 0x1301,
    keyLen: 16,
    hash: 'sha256',
  },
  tls13Aes256: {
    name: 'TLS_AES_256_GCM_SHA384',
    opensslName: 'TLS_AES_256_GCM_SHA384',
    version: '1.3',
    code: 0x1302,
    keyLen: 32,
    hash: 'sha384',
  },
  tls12Aes128: {
    name: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    opensslName: 'ECDHE-RSA-AES128-GCM-SHA256',
    version: '1.2',
    code: 0xc02f,
    keyLen: 16,
    hash: 'sha256',
  },
  tls12Aes256: {
    name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    opensslName: 'ECDHE-RSA-AES256-GCM-SHA384',
    version: '1.2',
    code: 0xc030,
    keyLen: 32,
    hash: 'sha384',
  },
} as const satisfies Record<string, TlsPeerSuite>;

export type RelayDirection = 'c2s' | 's2c';

// Bytes the relay put on one TCP connection: c2s chunks are what the server
// received, s2c chunks what the client received. Concatenating one direction's
// chunks in order gives that direction's TCP stream; `offset` is the stream
// offset (relative TCP sequence number) of bytes[0].
export type RelayChunk = {
  order: number; // position in the global, cross-direction sequence of relay events
  direction: RelayDirection;
  offset: number;
  bytes: Uint8Array;
  origin: 'peer' | 'injected';
  timeNs: bigint; // process.hrtime.bigint() when the relay forwarded it
};

// Output of the real client that the relay swallowed after takeover.
export type DroppedChunk = {
  order: number;
  direction: RelayDirection;
  bytes: Uint8Array;
  timeNs: bigint;
};

export type TlsPeerSession = {
  suite: TlsPeerSuite; // what was requested; `negotiated` is what happened
  negotiated: {
    version: TlsPeerVersion; // from the raw ServerHello
    cipherSuite: number; // IANA code point from the raw ServerHello
    protocol: string | null; // client socket getProtocol(), e.g. 'TLSv1.3'
    standardName: string; // client socket getCipher().standardName
  };
  clientHello: ClientHello;
  serverHello: ServerHello;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  keylog: {
    client: string[]; // NSS key log lines from the client's 'keylog' events
    server: string[]; // same from the server
  };
  keylogText(): string; // client lines, newline-terminated: an SSLKEYLOGFILE
  chunks: RelayChunk[]; // live: grows as traffic flows
  dropped: DroppedChunk[];
  stream(direction: RelayDirection): Uint8Array; // the whole TCP stream so far
  // c2s stream offset at takeover (where injected bytes start), null before takeover.
  takeoverOffset(): number | null;
  serverReceived(): Uint8Array; // application plaintext the server's TLS socket delivered
  clientReceived(): Uint8Array; // application plaintext the client's TLS socket delivered
  serverErrors: Error[];
  clientErrors: Error[];
  events: string[]; // socket lifecycle events (close/end/error) in order, for diagnostics
  serverClosed(): boolean;
  clientSessionTickets(): number; // 'session' events on the client (tickets it received)
  // Stop forwarding the real client's output; from now on only inject() reaches the server.
  takeOverClientToServer(): void;
  // Write bytes to the server as one TCP write; resolves when the kernel took them.
  inject(bytes: Uint8Array): Promise<void>;
  // Application data written by the real server's TLS socket (it encrypts).
  serverWrite(data: Uint8Array): Promise<void>;
  // Application data written by the real client's TLS socket; only before takeover, since
  // afterwards its records would be dropped and desynchronise nothing but the test.
  clientWrite(data: Uint8Array): Promise<void>;
  waitFor(what: string, cond: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

export type TlsPeerCertificate = { keyPem: string; certPem: string };

let certificatePromise: Promise<TlsPeerCertificate> | null = null;

// A throwaway self-signed RSA certificate (ECDHE-RSA suites need an RSA key),
// generated once per process with the openssl CLI.
export function testCertificate(): Promise<TlsPeerCertificate> {
  certificatePromise ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tlsnic-cert-'));
    try {
      const keyPath = join(dir, 'key.pem');
      const certPath = join(dir, 'cert.pem');
      await execa('openssl', [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-batch',
        '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/CN=tlsnic-test-peer',
      ]);
      return { keyPem: await readFile(keyPath, 'utf8'), certPem: await readFile(certPath, 'utf8') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return certificatePromise;
}

export type TlsPeerOptions = {
  handshakeTimeoutMs?: number;
};

// Opens a TLS session forced to `suite`, waits until both ends finished the
// handshake, and returns it with the relay still forwarding both directions.
export async function openTlsPeerSession(
  suite: TlsPeerSuite,
  options: TlsPeerOptions = {},
): Promise<TlsPeerSession> {
  const cert = await testCertificate();
  const version = suite.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const tlsOptions = { minVersion: version, maxVersion: version, ciphers: suite.opensslName } as const;

  const chunks: RelayChunk[] = [];
  const dropped: DroppedChunk[] = [];
  const streamLen: Record<RelayDirection, number> = { c2s: 0, s2c: 0 };
  const serverData: Uint8Array[] = [];
  const clientData: Uint8Array[] = [];
  const serverErrors: Error[] = [];
  const clientErrors: Error[] = [];
  const events: string[] = [];
  const keylogClient: string[] = [];
  const keylogServer: string[] = [];
  let order = 0;
  let takeover: number | null = null;
  let serverSocket: tls.TLSSocket | null = null;
  let serverSocketClosed = false;
  let clientTickets = 0;
  let relayDownstream: net.Socket | null = null; // relay's socket to the client
  let relayUpstream: net.Socket | null = null; // relay's socket to the server

  const record = (direction: RelayDirection, bytes: Uint8Array, origin: 'peer' | 'injected') => {
    chunks.push({
      order: order++,
      direction,
      offset: streamLen[direction],
      bytes: Uint8Array.from(bytes),
      origin,
      timeNs: process.hrtime.bigint(),
    });
    streamLen[direction] += bytes.length;
  };

  const server = tls.createServer({ key: cert.keyPem, cert: cert.certPem, ...tlsOptions });
  server.on('keylog', (line: Buffer) => keylogServer.push(line.toString('latin1').trimEnd()));
  server.on('tlsClientError', (err) => {
    serverErrors.push(err);
    events.push(`server tlsClientError: ${err.message}`);
  });
  const serverReady = new Promise<tls.TLSSocket>((resolve) => {
    server.once('secureConnection', (sock: tls.TLSSocket) => {
      serverSocket = sock;
      sock.on('data', (d: Buffer) => serverData.push(Uint8Array.from(d)));
      sock.on('error', (err) => {
        serverErrors.push(err);
        events.push(`server error: ${err.message}`);
      });
      sock.on('end', () => events.push('server end'));
      sock.on('close', () => {
        serverSocketClosed = true;
        events.push('server close');
      });
      resolve(sock);
    });
  });
  await listen(server);

  const relay = net.createServer({ noDelay: true }, (down) => {
    relayDownstream = down;
    const up = net.connect({ host: '127.0.0.1', port: portOf(server), noDelay: true });
    relayUpstream = up;
    down.on('data', (d: Buffer) => {
      if (takeover !== null) {
        dropped.push({ order: order++, direction: 'c2s', bytes: Uint8Array.from(d), timeNs: process.hrtime.bigint() });
        return;
      }
      record('c2s', d, 'peer');
      up.write(d);
    });
    up.on('data', (d: Buffer) => {
      record('s2c', d, 'peer');
      down.write(d);
    });
    // A reset or close on one side is passed on, so a server that aborts the
    // connection is seen as closed by the client too.
    down.on('end', () => {
      events.push('relay: client end');
      if (takeover === null) up.end();
    });
    up.on('end', () => {
      events.push('relay: server end');
      down.end();
    });
    down.on('error', (err) => events.push(`relay: client side error: ${err.message}`));
    up.on('error', (err) => events.push(`relay: server side error: ${err.message}`));
    down.on('close', () => {
      events.push('relay: client side close');
      if (takeover === null) up.destroy();
    });
    up.on('close', () => {
      events.push('relay: server side close');
      down.destroy();
    });
  });
  relay.maxConnections = 1;
  await listen(relay);

  const client = tls.connect({
    host: '127.0.0.1',
    port: portOf(relay),
    rejectUnauthorized: false, // self-signed throwaway certificate
    ...tlsOptions,
  });
  client.setNoDelay(true);
  client.on('keylog', (line: Buffer) => keylogClient.push(line.toString('latin1').trimEnd()));
  client.on('data', (d: Buffer) => clientData.push(Uint8Array.from(d)));
  client.on('error', (err) => {
    clientErrors.push(err);
    events.push(`client error: ${err.message}`);
  });
  client.on('close', () => events.push('client close'));
  client.on('session', () => clientTickets++);
  const clientReady = new Promise<void>((resolve) => client.once('secureConnect', () => resolve()));

  const closeAll = async () => {
    client.destroy();
    (serverSocket as tls.TLSSocket | null)?.destroy();
    (relayDownstream as net.Socket | null)?.destroy();
    (relayUpstream as net.Socket | null)?.destroy();
    await Promise.all([closeServer(server), closeServer(relay)]);
  };

  const waitFor = async (what: string, cond: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${events.join(' | ')}`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  let handshakeDone = false;
  try {
    // Both ends must report completion: the server only does so after it
    // processed the client's Finished, so after this the client's handshake
    // output has been relayed in full and c2s is at a record boundary.
    const timeoutMs = options.handshakeTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${suite.name}: handshake not done after ${timeoutMs} ms; events: ${events.join(' | ')}`)),
        timeoutMs,
      );
    });
    const failed = new Promise<never>((_, reject) => {
      client.once('error', reject);
      server.once('tlsClientError', reject);
    });
    try {
      await Promise.race([Promise.all([clientReady, serverReady]), timeout, failed]);
    } finally {
      clearTimeout(timer);
    }
    handshakeDone = true;
  } finally {
    if (!handshakeDone) await closeAll();
  }

  const stream = (direction: RelayDirection) =>
    concatBytes(chunks.filter((c) => c.direction === direction).map((c) => c.bytes));
  const hellos = parseHellos(stream('c2s'), stream('s2c'));
  const cipher = client.getCipher();

  return {
    suite,
    negotiated: {
      version: hellos.version,
      cipherSuite: hellos.cipherSuite,
      protocol: client.getProtocol(),
      standardName: cipher.standardName,
    },
    clientHello: hellos.clientHello,
    serverHello: hellos.serverHello,
    clientRandom: hellos.clientHello.random,
    serverRandom: hellos.serverHello.random,
    keylog: { client: keylogClient, server: keylogServer },
    keylogText: () => keylogClient.map((l) => `${l}\n`).join(''),
    chunks,
    dropped,
    stream,
    takeoverOffset: () => takeover,
    serverReceived: () => concatBytes(serverData),
    clientReceived: () => concatBytes(clientData),
    serverErrors,
    clientErrors,
    events,
    serverClosed: () => serverSocketClosed,
    clientSessionTickets: () => clientTickets,
    takeOverClientToServer() {
      if (takeover !== null) return;
      takeover = streamLen.c2s;
      events.push(`relay: takeover at c2s offset ${takeover}`);
    },
    inject(bytes: Uint8Array) {
      const up = relayUpstream as net.Socket | null;
      if (takeover === null) throw new Error('inject() before takeOverClientToServer()');
      if (!up || up.destroyed) return Promise.reject(new Error('inject(): relay connection to the server is closed'));
      record('c2s', bytes, 'injected');
      return new Promise<void>((resolve, reject) => {
        up.write(Uint8Array.from(bytes), (err) => (err ? reject(err) : resolve()));
      });
    },
    serverWrite(data: Uint8Array) {
      const sock = serverSocket as tls.TLSSocket | null;
      if (!sock) throw new Error('serverWrite() before the handshake');
      return new Promise<void>((resolve, reject) => {
        sock.write(Uint8Array.from(data), (err) => (err ? reject(err) : resolve()));
      });
    },
    clientWrite(data: Uint8Array) {
      if (takeover !== null) throw new Error('clientWrite() after takeOverClientToServer()');
      return new Promise<void>((resolve, reject) => {
        client.write(Uint8Array.from(data), (err) => (err ? reject(err) : resolve()));
      });
    },
    waitFor,
    close: closeAll,
  };
}

function listen(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

function portOf(server: net.Server): number {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server has no TCP address');
  return addr.port;
}

// ---------------------------------------------------------------------------------------------------
// Reading a recorded session back with the golden model: which records are protected under which
// keys and sequence numbers, and what they carry.

// Keys per direction. TLS 1.3 has a handshake epoch (EncryptedExtensions … Finished) before the
// application epoch; TLS 1.2 protects everything after ChangeCipherSpec with the one key block,
// starting with the Finished at sequence number 0.
export type TlsPeerDirectionKeys = {
  handshake: TlsCryptoInfo | null; // 1.3 only
  application: TlsCryptoInfo;
};

export type TlsPeerKeys = {
  version: TlsPeerVersion;
  client: TlsPeerDirectionKeys; // what the client writes (c2s)
  server: TlsPeerDirectionKeys; // what the server writes (s2c)
};

// Derives every record key of the session with the model (models/keylog.ts) from the client's
// key log and the randoms in the recorded hellos. Checks first that the negotiated suite is the
// requested one, since the hash and key length come from it.
export function sessionKeys(session: TlsPeerSession): TlsPeerKeys {
  const { suite, negotiated } = session;
  if (negotiated.version !== suite.version || negotiated.cipherSuite !== suite.code) {
    throw new Error(
      `negotiated TLS ${negotiated.version} suite 0x${negotiated.cipherSuite.toString(16)}, requested ${suite.name}`,
    );
  }
  const entries = parseKeylog(session.keylogText());
  const secret = (label: string): Uint8Array => {
    const found = entries.filter((e: KeylogEntry) => e.label === label && sameBytes(e.clientRandom, session.clientRandom));
    if (found.length !== 1) throw new Error(`key log has ${found.length} ${label} line(s) for this client random`);
    return found[0].secret;
  };
  if (suite.version === '1.3') {
    const info = (label: string): TlsCryptoInfo => ({
      version: '1.3',
      ...tls13TrafficKeys(suite.hash, secret(label), suite.keyLen),
    });
    return {
      version: '1.3',
      client: { handshake: info('CLIENT_HANDSHAKE_TRAFFIC_SECRET'), application: info('CLIENT_TRAFFIC_SECRET_0') },
      server: { handshake: info('SERVER_HANDSHAKE_TRAFFIC_SECRET'), application: info('SERVER_TRAFFIC_SECRET_0') },
    };
  }
  const kb = tls12KeyBlock(suite.hash, secret('CLIENT_RANDOM'), session.clientRandom, session.serverRandom, suite.keyLen);
  return {
    version: '1.2',
    client: { handshake: null, application: { version: '1.2', key: kb.clientKey, iv: kb.clientSalt } },
    server: { handshake: null, application: { version: '1.2', key: kb.serverKey, iv: kb.serverSalt } },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export type TlsEpoch = 'handshake' | 'application';

export type DecryptedRecord = {
  offset: number; // stream offset of the record header
  epoch: TlsEpoch;
  recordSeq: bigint; // within the epoch
  contentType: number; // the real content type (TLS 1.3: the inner one)
  content: Uint8Array; // without 1.2 explicit nonce / 1.3 inner type and padding / tag
  explicitNonce: bigint | null; // TLS 1.2 only
  wire: TlsWireRecord;
};

export type DecryptedStream = {
  plaintext: TlsWireRecord[]; // records sent unprotected (hellos, ChangeCipherSpec, …)
  protected: DecryptedRecord[];
  end: number; // stream offset past the last complete record
};

// Decrypts one direction of a recorded stream (optionally only bytes [0, end)) with the model.
// Throws if a protected record does not authenticate under the key and sequence number the
// protocol assigns it: that is either a model bug or a stream that is not what TLS sent.
export function decryptStream(
  version: TlsPeerVersion,
  keys: TlsPeerDirectionKeys,
  stream: Uint8Array,
  what = 'stream',
): DecryptedStream {
  const { records, end } = splitTlsRecords(stream);
  const plaintext: TlsWireRecord[] = [];
  const out: DecryptedRecord[] = [];
  let epoch: TlsEpoch | null = null; // null: nothing protected yet
  let seq = 0n;
  let handshakeBytes: Uint8Array[] = []; // 1.3 handshake epoch content, to spot the Finished
  for (const rec of records) {
    if (epoch === null) {
      if (version === '1.2') {
        plaintext.push(rec);
        if (rec.contentType === TLS_CONTENT_TYPE.changeCipherSpec) epoch = 'application';
        continue;
      }
      if (rec.contentType !== TLS_CONTENT_TYPE.applicationData) {
        plaintext.push(rec);
        continue;
      }
      epoch = 'handshake';
    }
    // TLS 1.3 middlebox compatibility: unprotected ChangeCipherSpec records may appear
    // during the handshake; they are not protected and take no sequence number.
    if (version === '1.3' && rec.contentType === TLS_CONTENT_TYPE.changeCipherSpec) {
      plaintext.push(rec);
      continue;
    }
    const info = epoch === 'handshake' ? keys.handshake : keys.application;
    if (!info) throw new Error(`${what}: no ${epoch} keys for TLS ${version}`);
    const framed = unprotectRecord(info, seq, rec.bytes);
    if (!framed) {
      throw new Error(
        `${what}: record at offset ${rec.offset} (outer type ${rec.contentType}, ${rec.bytes.length} bytes) ` +
          `does not authenticate as ${epoch} record ${seq}`,
      );
    }
    const body = framed.subarray(recordPrefixLen(version), framed.length - TLS_TAG_LEN);
    let contentType = rec.contentType;
    let content = body;
    let explicitNonce: bigint | null = null;
    if (version === '1.3') {
      let last = body.length - 1;
      while (last >= 0 && body[last] === 0) last--; // strip zero padding (RFC 8446 5.4)
      if (last < 0) throw new Error(`${what}: record ${seq} at offset ${rec.offset} has no inner content type`);
      contentType = body[last];
      content = body.subarray(0, last);
    } else {
      explicitNonce = new DataView(rec.bytes.buffer, rec.bytes.byteOffset + 5, 8).getBigUint64(0);
    }
    out.push({ offset: rec.offset, epoch, recordSeq: seq, contentType, content, explicitNonce, wire: rec });
    seq++;
    if (epoch === 'handshake') {
      if (contentType !== TLS_CONTENT_TYPE.handshake) continue;
      handshakeBytes.push(content);
      const { messages } = parseHandshakeMessages(concatBytes(handshakeBytes));
      if (messages.some((m) => m.type === TLS_HANDSHAKE_TYPE.finished)) {
        epoch = 'application';
        seq = 0n;
        handshakeBytes = [];
      }
    } else if (
      version === '1.3' &&
      contentType === TLS_CONTENT_TYPE.handshake &&
      parseHandshakeMessages(content).messages.some((m) => m.type === TLS_HANDSHAKE_TYPE.keyUpdate)
    ) {
      // Later keys would come from the next traffic secret; nothing here needs them.
      throw new Error(`${what}: KeyUpdate at offset ${rec.offset} is not supported`);
    }
  }
  return { plaintext, protected: out, end };
}

// Application-epoch records of one direction: the next record sequence number the
// sender (or whoever takes over its kTLS state) must use. For c2s after a takeover,
// only the real client's bytes (before the takeover offset) count.
export function nextApplicationSeq(session: TlsPeerSession, keys: TlsPeerKeys, direction: RelayDirection): bigint {
  let stream = session.stream(direction);
  const takeover = session.takeoverOffset();
  if (direction === 'c2s' && takeover !== null) stream = stream.subarray(0, takeover);
  const d = decryptStream(keys.version, direction === 'c2s' ? keys.client : keys.server, stream, direction);
  if (d.end !== stream.length) throw new Error(`${direction}: stream ends inside a record (${d.end} of ${stream.length})`);
  return BigInt(d.protected.filter((r) => r.epoch === 'application').length);
}
