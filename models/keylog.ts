// Record keys from an SSLKEYLOGFILE: parsing (NSS key log format, as written by OpenSSL's
// SSL_CTX_set_keylog_callback and most TLS stacks), TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1, §7.3) and
// the TLS 1.2 PRF key block (RFC 5246 §5, §6.3) for the AES-GCM suites.

import { createHmac } from 'node:crypto';

export type KeylogHash = 'sha256' | 'sha384';

export interface KeylogEntry {
  label: string;
  clientRandom: Uint8Array;
  secret: Uint8Array;
}

const HEX_RE = /^(?:[0-9a-fA-F]{2})+$/;

/**
 * Parses key log text. Ignores blank lines and '#' comments. Lines are "LABEL <client_random hex (32 bytes)>
 * <secret hex>"; anything else throws an Error naming the line. The legacy "RSA" lines (keyed by the
 * encrypted pre-master secret, not the client random) are skipped: they cannot be tied to a connection
 * by client random, and OpenSSL never writes them.
 */
export function parseKeylog(text: string): KeylogEntry[] {
  const entries: KeylogEntry[] = [];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const line = (lines[n] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    const where = `keylog line ${n + 1}`;
    const fields = line.split(/\s+/);
    if (fields[0] === 'RSA') continue;
    if (fields.length !== 3) throw new Error(`${where}: expected "LABEL <client_random> <secret>", got ${fields.length} field(s): ${JSON.stringify(line.slice(0, 120))}`);
    const [label, cr, sec] = fields as [string, string, string];
    if (!/^[A-Z][A-Z0-9_]*$/.test(label)) throw new Error(`${where}: malformed label ${JSON.stringify(label)}`);
    if (!HEX_RE.test(cr) || cr.length !== 64) throw new Error(`${where}: client random must be 64 hex digits (32 bytes), got ${JSON.stringify(cr.slice(0, 80))}`);
    if (!HEX_RE.test(sec)) throw new Error(`${where}: secret is not even-length hex: ${JSON.stringify(sec.slice(0, 80))}`);
    entries.push({ label, clientRandom: Uint8Array.from(Buffer.from(cr, 'hex')), secret: Uint8Array.from(Buffer.from(sec, 'hex')) });
  }
  return entries;
}

function hmac(hash: KeylogHash, key: Uint8Array, ...data: Uint8Array[]): Uint8Array {
  const h = createHmac(hash, key);
  for (const d of data) h.update(d);
  return new Uint8Array(h.digest());
}

function hashLen(hash: KeylogHash): number {
  return hash === 'sha256' ? 32 : 48;
}

/** HKDF-Expand (RFC 5869 §2.3). node's hkdfSync always extracts first, so expand is done by hand. */
export function hkdfExpand(hash: KeylogHash, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  if (!Number.isInteger(length) || length < 0 || length > 255 * hashLen(hash)) throw new Error(`hkdfExpand: bad length ${length}`);
  const out = new Uint8Array(length);
  let t: Uint8Array = new Uint8Array(0);
  for (let i = 1, o = 0; o < length; i++) {
    t = hmac(hash, prk, t, info, Uint8Array.of(i));
    out.set(t.subarray(0, Math.min(t.length, length - o)), o);
    o += t.length;
  }
  return out;
}

/** HKDF-Expand-Label (RFC 8446 §7.1): HkdfLabel = length(2) ‖ <"tls13 " + label>(1-byte len) ‖ <context>(1-byte len). */
export function hkdfExpandLabel(hash: KeylogHash, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const fullLabel = new TextEncoder().encode('tls13 ' + label);
  if (fullLabel.length > 255 || context.length > 255 || length > 0xffff) throw new Error('hkdfExpandLabel: field too long');
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return hkdfExpand(hash, secret, info, length);
}

/** Record key and iv from a TLS 1.3 traffic secret (RFC 8446 §7.3). */
export function tls13TrafficKeys(hash: KeylogHash, trafficSecret: Uint8Array, keyLen: 16 | 32): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(hash, trafficSecret, 'key', new Uint8Array(0), keyLen),
    iv: hkdfExpandLabel(hash, trafficSecret, 'iv', new Uint8Array(0), 12),
  };
}

/** TLS 1.2 PRF (RFC 5246 §5): P_hash(secret, label ‖ seed) truncated to length. */
export function tls12Prf(hash: KeylogHash, secret: Uint8Array, label: string, seed: Uint8Array, length: number): Uint8Array {
  const labelSeed = new Uint8Array([...new TextEncoder().encode(label), ...seed]);
  const out = new Uint8Array(length);
  let a: Uint8Array = labelSeed; // A(0)
  for (let o = 0; o < length;) {
    a = hmac(hash, secret, a); // A(i)
    const block = hmac(hash, secret, a, labelSeed);
    out.set(block.subarray(0, Math.min(block.length, length - o)), o);
    o += block.length;
  }
  return out;
}

/**
 * Key block for the AES-GCM suites (RFC 5246 §6.3, RFC 5288 §3): no MAC keys, then client key, server key,
 * client salt (4), server salt (4). Hash is sha384 for the *_AES_256_GCM_SHA384 suites, else sha256.
 */
export function tls12KeyBlock(
  hash: KeylogHash,
  masterSecret: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLen: 16 | 32,
): { clientKey: Uint8Array; serverKey: Uint8Array; clientSalt: Uint8Array; serverSalt: Uint8Array } {
  if (clientRandom.length !== 32 || serverRandom.length !== 32) throw new Error('tls12KeyBlock: randoms must be 32 bytes');
  const seed = new Uint8Array(64);
  seed.set(serverRandom, 0);
  seed.set(clientRandom, 32);
  const kb = tls12Prf(hash, masterSecret, 'key expansion', seed, 2 * keyLen + 8);
  return {
    clientKey: kb.slice(0, keyLen),
    serverKey: kb.slice(keyLen, 2 * keyLen),
    clientSalt: kb.slice(2 * keyLen, 2 * keyLen + 4),
    serverSalt: kb.slice(2 * keyLen + 4, 2 * keyLen + 8),
  };
}
