// AES-GCM (NIST SP 800-38D, 96-bit IVs only) with the per-record state a NIC keeps between TCP
// segments made explicit: a record may be encrypted in arbitrary pieces, and GcmState is plain data
// that can be saved (structuredClone / cloneGcmState) and restored between them.
//
// The AES block function comes from @noble/ciphers (`unsafe.encrypt` on little-endian state words);
// GHASH is ours (models/ghash.ts).

import { unsafe } from '@noble/ciphers/aes.js';
import { bytesEqual, tagsEqual } from './bytes.ts';
import { ghashMulWords, ghashTable, type GhashTable } from './ghash.ts';

export interface GcmKeySchedule {
  readonly key: Uint8Array;
  readonly keyBits: 128 | 256;
  /** Hash subkey H = E_K(0^128). */
  readonly h: Uint8Array;
  /** Expanded AES encryption key, noble's little-endian word layout. */
  readonly roundKeys: Uint32Array;
  /** Shoup 8-bit table for multiplication by H. */
  readonly hTable: GhashTable;
}

/** Per-record GCM state, plain data (structuredClone-able): what a NIC saves in its flow table between segments. */
export interface GcmState {
  /** 32-bit counter value of the NEXT keystream block (2 after start; J0 uses 1). */
  counter: number;
  /** 16-byte GHASH accumulator over the blocks absorbed so far. */
  ghash: Uint8Array;
  /** 16 bytes: ciphertext bytes of the current incomplete block, zero-padded. */
  partial: Uint8Array;
  /** 0..15 bytes in `partial`. */
  partialLen: number;
  /** 16 bytes of the keystream block in use while partialLen > 0 (all zero otherwise). */
  keystream: Uint8Array;
  /** Bytes of AAD absorbed. */
  aadLen: number;
  /** Bytes of plaintext/ciphertext processed so far in this record. */
  textLen: number;
  /** E_K(J0), XORed into the final GHASH to make the tag. */
  tagMask: Uint8Array;
  /** 12-byte nonce (96-bit IVs only; that is all TLS uses). */
  iv: Uint8Array;
}

const aesEncryptWords = unsafe.encrypt;

function le32(b: Uint8Array, i: number): number {
  return ((b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)) >>> 0;
}

function be32(b: Uint8Array, i: number): number {
  return (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;
}

function bswap32(x: number): number {
  return ((x >>> 24) | ((x >>> 8) & 0xff00) | ((x & 0xff00) << 8) | (x << 24)) >>> 0;
}

/** Writes big-endian word w at b[i..i+4). */
function putBe32(b: Uint8Array, i: number, w: number): void {
  b[i] = w >>> 24; b[i + 1] = (w >>> 16) & 0xff; b[i + 2] = (w >>> 8) & 0xff; b[i + 3] = w & 0xff;
}

export function gcmKeySchedule(key: Uint8Array): GcmKeySchedule {
  if (!(key instanceof Uint8Array) || (key.length !== 16 && key.length !== 32)) {
    throw new Error(`gcmKeySchedule: key must be 16 or 32 bytes (AES-128/256), got ${key instanceof Uint8Array ? key.length : typeof key}`);
  }
  const roundKeys = unsafe.expandKeyLE(Uint8Array.from(key));
  const h = encryptWithRoundKeys(roundKeys, new Uint8Array(16));
  return { key: Uint8Array.from(key), keyBits: key.length === 16 ? 128 : 256, h, roundKeys, hTable: ghashTable(h) };
}

function encryptWithRoundKeys(xk: Uint32Array, block: Uint8Array): Uint8Array {
  if (block.length !== 16) throw new Error(`AES block must be 16 bytes, got ${block.length}`);
  const { s0, s1, s2, s3 } = aesEncryptWords(xk, le32(block, 0), le32(block, 4), le32(block, 8), le32(block, 12));
  const out = new Uint8Array(16);
  putBe32(out, 0, bswap32(s0)); putBe32(out, 4, bswap32(s1)); putBe32(out, 8, bswap32(s2)); putBe32(out, 12, bswap32(s3));
  return out;
}

/** E_K(block), 16 bytes. */
export function aesEncryptBlock(ks: GcmKeySchedule, block: Uint8Array): Uint8Array {
  return encryptWithRoundKeys(ks.roundKeys, block);
}

function counterBlock(iv: Uint8Array, counter: number): Uint8Array {
  const b = new Uint8Array(16);
  b.set(iv);
  putBe32(b, 12, counter >>> 0);
  return b;
}

/** XORs 16 bytes of b (from offset i, zero-padded past its end) into the accumulator and multiplies by H. */
function absorbBlock(t: GhashTable, acc: Uint32Array, b: Uint8Array, i: number): void {
  if (i + 16 <= b.length) {
    acc[0] ^= be32(b, i); acc[1] ^= be32(b, i + 4); acc[2] ^= be32(b, i + 8); acc[3] ^= be32(b, i + 12);
  } else {
    const blk = new Uint8Array(16);
    blk.set(b.subarray(i));
    acc[0] ^= be32(blk, 0); acc[1] ^= be32(blk, 4); acc[2] ^= be32(blk, 8); acc[3] ^= be32(blk, 12);
  }
  ghashMulWords(t, acc);
}

function loadAcc(g: Uint8Array): Uint32Array {
  return Uint32Array.of(be32(g, 0), be32(g, 4), be32(g, 8), be32(g, 12));
}

function storeAcc(acc: Uint32Array, g: Uint8Array): void {
  for (let k = 0; k < 4; k++) putBe32(g, 4 * k, acc[k] as number);
}

export function gcmStart(ks: GcmKeySchedule, iv: Uint8Array, aad: Uint8Array): GcmState {
  if (iv.length !== 12) throw new Error(`gcmStart: only 96-bit (12-byte) IVs are supported, got ${iv.length} bytes`);
  const acc = new Uint32Array(4);
  for (let i = 0; i < aad.length; i += 16) absorbBlock(ks.hTable, acc, aad, i);
  const ghash = new Uint8Array(16);
  storeAcc(acc, ghash);
  return {
    counter: 2,
    ghash,
    partial: new Uint8Array(16),
    partialLen: 0,
    keystream: new Uint8Array(16),
    aadLen: aad.length,
    textLen: 0,
    tagMask: encryptWithRoundKeys(ks.roundKeys, counterBlock(iv, 1)),
    iv: Uint8Array.from(iv),
  };
}

/**
 * Shared CTR + GHASH step. GHASH always absorbs the ciphertext, which is the output when encrypting
 * and the input when decrypting.
 */
function cryptPiece(ks: GcmKeySchedule, st: GcmState, input: Uint8Array, decrypting: boolean): Uint8Array {
  const n = input.length;
  const out = new Uint8Array(n);
  const t = ks.hTable;
  const acc = loadAcc(st.ghash);
  let i = 0;

  // 1. Continue a block left incomplete by the previous piece, with its saved keystream.
  if (st.partialLen > 0) {
    let pl = st.partialLen;
    const ksb = st.keystream, part = st.partial;
    for (; i < n && pl < 16; i++, pl++) {
      const x = input[i] as number;
      const y = x ^ (ksb[pl] as number);
      out[i] = y;
      part[pl] = decrypting ? x : y;
    }
    if (pl === 16) {
      absorbBlock(t, acc, part, 0);
      part.fill(0);
      ksb.fill(0);
      pl = 0;
    }
    st.partialLen = pl;
  }

  // 2. Whole blocks: keystream, XOR and GHASH in registers, no per-block allocation beyond noble's result.
  const xk = ks.roundKeys;
  const iv = st.iv;
  const iv0 = le32(iv, 0), iv1 = le32(iv, 4), iv2 = le32(iv, 8);
  let ctr = st.counter >>> 0;
  for (; n - i >= 16; i += 16) {
    const { s0, s1, s2, s3 } = aesEncryptWords(xk, iv0, iv1, iv2, bswap32(ctr));
    ctr = (ctr + 1) >>> 0; // inc32
    const x0 = be32(input, i), x1 = be32(input, i + 4), x2 = be32(input, i + 8), x3 = be32(input, i + 12);
    const y0 = (x0 ^ bswap32(s0)) >>> 0, y1 = (x1 ^ bswap32(s1)) >>> 0, y2 = (x2 ^ bswap32(s2)) >>> 0, y3 = (x3 ^ bswap32(s3)) >>> 0;
    putBe32(out, i, y0); putBe32(out, i + 4, y1); putBe32(out, i + 8, y2); putBe32(out, i + 12, y3);
    if (decrypting) { acc[0] ^= x0; acc[1] ^= x1; acc[2] ^= x2; acc[3] ^= x3; }
    else { acc[0] ^= y0; acc[1] ^= y1; acc[2] ^= y2; acc[3] ^= y3; }
    ghashMulWords(t, acc);
  }

  // 3. Tail shorter than a block: draw a fresh keystream block and keep it in the state.
  if (i < n) {
    const ksb = encryptWithRoundKeys(xk, counterBlock(iv, ctr));
    ctr = (ctr + 1) >>> 0;
    st.keystream.set(ksb);
    let pl = 0;
    for (; i < n; i++, pl++) {
      const x = input[i] as number;
      const y = x ^ (ksb[pl] as number);
      out[i] = y;
      st.partial[pl] = decrypting ? x : y;
    }
    st.partialLen = pl;
  }

  st.counter = ctr;
  storeAcc(acc, st.ghash);
  st.textLen += n;
  return out;
}

/** Encrypts the next piece of the record; mutates st; returns the ciphertext (same length). */
export function gcmEncryptPiece(ks: GcmKeySchedule, st: GcmState, plaintext: Uint8Array): Uint8Array {
  return cryptPiece(ks, st, plaintext, false);
}

/** Decrypts the next piece of the record; mutates st; returns the plaintext (same length). */
export function gcmDecryptPiece(ks: GcmKeySchedule, st: GcmState, ciphertext: Uint8Array): Uint8Array {
  return cryptPiece(ks, st, ciphertext, true);
}

/** The 16-byte tag for everything processed so far. Does not mutate st. */
export function gcmTag(ks: GcmKeySchedule, st: GcmState): Uint8Array {
  const t = ks.hTable;
  const acc = loadAcc(st.ghash);
  if (st.partialLen > 0) absorbBlock(t, acc, st.partial, 0); // partial is kept zero-padded
  // len(A) ‖ len(C) in bits, 64-bit big-endian each.
  const aBits = st.aadLen * 8, cBits = st.textLen * 8;
  acc[0] ^= Math.floor(aBits / 0x1_0000_0000); acc[1] ^= aBits >>> 0;
  acc[2] ^= Math.floor(cBits / 0x1_0000_0000); acc[3] ^= cBits >>> 0;
  ghashMulWords(t, acc);
  const tag = new Uint8Array(16);
  storeAcc(acc, tag);
  for (let k = 0; k < 16; k++) tag[k] = (tag[k] as number) ^ (st.tagMask[k] as number);
  return tag;
}

export function cloneGcmState(st: GcmState): GcmState {
  return {
    counter: st.counter,
    ghash: Uint8Array.from(st.ghash),
    partial: Uint8Array.from(st.partial),
    partialLen: st.partialLen,
    keystream: Uint8Array.from(st.keystream),
    aadLen: st.aadLen,
    textLen: st.textLen,
    tagMask: Uint8Array.from(st.tagMask),
    iv: Uint8Array.from(st.iv),
  };
}

// One key schedule per key object: TLS flows reuse the same key Uint8Array for every record.
const scheduleCache = new WeakMap<Uint8Array, GcmKeySchedule>();

/** gcmKeySchedule cached by the key array's identity (re-derived if the array's bytes were changed since). */
export function cachedKeySchedule(key: Uint8Array): GcmKeySchedule {
  let ks = scheduleCache.get(key);
  if (!ks || !bytesEqual(ks.key, key)) {
    ks = gcmKeySchedule(key);
    scheduleCache.set(key, ks);
  }
  return ks;
}

export function gcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): { ciphertext: Uint8Array; tag: Uint8Array } {
  const ks = cachedKeySchedule(key);
  const st = gcmStart(ks, iv, aad);
  const ciphertext = gcmEncryptPiece(ks, st, plaintext);
  return { ciphertext, tag: gcmTag(ks, st) };
}

/** Returns the plaintext, or null when the tag does not authenticate. */
export function gcmDecrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array): Uint8Array | null {
  if (tag.length !== 16) throw new Error(`gcmDecrypt: only full 16-byte tags are supported, got ${tag.length}`);
  const ks = cachedKeySchedule(key);
  const st = gcmStart(ks, iv, aad);
  const plaintext = gcmDecryptPiece(ks, st, ciphertext);
  return tagsEqual(gcmTag(ks, st), tag) ? plaintext : null;
}
