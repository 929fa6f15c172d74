// Internet checksum (RFC 1071) and the IPv4 / TCP uses of it.
//
// Sums are kept as plain JS numbers holding the *unfolded* sum of 16-bit big-endian
// words. Doubles are exact up to 2^53, so a running sum can absorb ~2^37 words before
// folding is needed, which is far beyond any frame; folding happens once, at the end.
// Nothing here allocates.

/**
 * Add the 16-bit big-endian words of data[start, end) to `acc` (unfolded).
 * `start` must sit at an even offset of the stream being checksummed; an odd trailing
 * byte is padded with a zero low byte (RFC 1071 §4.1), so only the last chunk of an
 * incremental computation may have odd length.
 */
export function sumBytes(data: Uint8Array, start = 0, end = data.length, acc = 0): number {
  let s = acc;
  let i = start;
  const evenEnd = end - ((end - start) & 1);
  for (; i < evenEnd; i += 2) s += (data[i] << 8) | data[i + 1];
  if (i < end) s += data[i] << 8;
  return s;
}

/** Fold an unfolded sum to 16 bits with end-around carry (one's-complement sum). */
export function foldSum(acc: number): number {
  let s = acc;
  while (s > 0xffff) s = (s % 0x10000) + Math.floor(s / 0x10000);
  return s;
}

/** The checksum field value for an unfolded sum: ~fold(sum). */
export function finishChecksum(acc: number): number {
  return ~foldSum(acc) & 0xffff;
}

/** One's-complement addition of two 16-bit values. */
export function onesAdd(a: number, b: number): number {
  return foldSum(a + b);
}

/** RFC 1071 checksum of data[start, end). */
export function internetChecksum(data: Uint8Array, start = 0, end = data.length): number {
  return finishChecksum(sumBytes(data, start, end));
}

/**
 * Incremental update (RFC 1624 eqn. 3): the new checksum after one 16-bit word of the
 * covered data changed from `oldWord` to `newWord`. HC' = ~(~HC + ~m + m').
 */
export function checksumAdjust(oldChecksum: number, oldWord: number, newWord: number): number {
  return ~foldSum((~oldChecksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/**
 * Header checksum of the IPv4 header starting at buf[offset]; the checksum field itself
 * (bytes 10..11) is treated as zero, so the result is what belongs in that field.
 */
export function ipv4HeaderChecksum(buf: Uint8Array, offset = 0, headerLength = (buf[offset] & 0x0f) * 4): number {
  const end = offset + headerLength;
  let s = sumBytes(buf, offset, offset + 10);
  s = sumBytes(buf, offset + 12, end, s);
  return finishChecksum(s);
}

/** Unfolded sum of the TCP pseudo-header (RFC 793 for IPv4, RFC 8200 §8.1 for IPv6). */
export function pseudoHeaderSum(ipVersion: 4 | 6, srcAddr: Uint8Array, dstAddr: Uint8Array, tcpLength: number): number {
  const addrLen = ipVersion === 4 ? 4 : 16;
  if (srcAddr.length !== addrLen || dstAddr.length !== addrLen) {
    throw new Error(`pseudoHeaderSum: IPv${ipVersion} addresses must be ${addrLen} bytes`);
  }
  let s = sumBytes(srcAddr);
  s = sumBytes(dstAddr, 0, addrLen, s);
  // IPv4: zero, protocol, 16-bit TCP length. IPv6: 32-bit length, 3 zero bytes, next header.
  // Either way the words add up to protocol + length split into 16-bit halves.
  s += 6 + (tcpLength & 0xffff) + Math.floor(tcpLength / 0x10000);
  return s;
}

/**
 * TCP checksum of `tcpSegment` (header + payload) under the given pseudo-header. The
 * segment's checksum field (bytes 16..17) is treated as zero, so the result is the value
 * to store there regardless of what the field currently holds.
 */
export function tcpChecksum(ipVersion: 4 | 6, srcAddr: Uint8Array, dstAddr: Uint8Array, tcpSegment: Uint8Array): number {
  let s = pseudoHeaderSum(ipVersion, srcAddr, dstAddr, tcpSegment.length);
  s = sumBytes(tcpSegment, 0, Math.min(16, tcpSegment.length), s);
  s = sumBytes(tcpSegment, 18, tcpSegment.length, s);
  return finishChecksum(s);
}

/**
 * Receiver-side check: the one's-complement sum over pseudo-header and the whole segment,
 * checksum field included, must be 0xffff. Accepts both representations of zero.
 */
export function tcpChecksumValid(ipVersion: 4 | 6, srcAddr: Uint8Array, dstAddr: Uint8Array, tcpSegment: Uint8Array): boolean {
  const s = sumBytes(tcpSegment, 0, tcpSegment.length, pseudoHeaderSum(ipVersion, srcAddr, dstAddr, tcpSegment.length));
  return foldSum(s) === 0xffff;
}
