// The packet headers and segments every seeded generator builds (harness/tx/scenario.ts,
// harness/rx/scenario.ts, harness/soak/generator.ts): random MAC, VLAN, IPv4/IPv6 and port
// headers for a connection, a TCP segment of its stream, and a packet of a connection nobody
// offloaded.
//
// Same seed → same packets: every function here draws from the PRNG it is given in exactly the
// order the generators drew before they shared it (MACs, then the VLAN tag, then the IP header
// fields in object order), so a generator that calls these gets the same bytes as before. What a
// generator decides itself (whether to tag a VLAN, IPv4 or IPv6, which side has port 443) it
// passes in, drawn where it always drew it.
import { buildTcpPacket, TcpFlag, type EthernetHeader, type Ipv4Header, type Ipv6Header } from '../../models/packet.ts';
import type { Prng } from '../../models/prng.ts';

/** A connection's headers as its packets carry them. */
export interface FlowHeaders {
  eth: EthernetHeader;
  ip: Ipv4Header | Ipv6Header;
  srcPort: number;
  dstPort: number;
}

/** A random locally administered unicast MAC address. */
export function randomMac(p: Prng): Uint8Array {
  const m = p.bytes(6);
  m[0] = (m[0] & 0xfe) | 0x02; // locally administered unicast
  return m;
}

/**
 * Destination and source MAC, then a random VLAN tag when `vlan()` says so. `vlan` is called
 * after the two MACs are drawn (a generator that draws the decision there passes
 * `() => p.chance(x)`; one that decided earlier passes `() => decided`).
 */
export function randomEthernet(p: Prng, vlan: () => boolean): EthernetHeader {
  const eth: EthernetHeader = { dst: randomMac(p), src: randomMac(p) };
  if (vlan()) eth.vlan = { pcp: p.int(0, 7), dei: 0, vid: p.int(1, 4094) };
  return eth;
}

/**
 * A random IPv6 or IPv4 header (addresses, flow label; IPv4 with a 4-byte NOP option one time in
 * ten when `ipv4Options`, which then draws that chance; without it no draw and no options).
 */
export function randomIp(p: Prng, version: 4 | 6, ipv4Options = true): Ipv4Header | Ipv6Header {
  return version === 6
    ? { version: 6, src: p.bytes(16), dst: p.bytes(16), trafficClass: 0, flowLabel: p.int(0, 0xfffff), hopLimit: 64 }
    : {
        version: 4,
        src: p.bytes(4),
        dst: p.bytes(4),
        dscpEcn: 0,
        id: 0,
        flags: 2,
        fragOffset: 0,
        ttl: 64,
        options: ipv4Options && p.chance(0.1) ? Uint8Array.of(1, 1, 1, 1) : new Uint8Array(0),
      };
}

/** TCP options of a data segment: NOP NOP timestamps half the time, none otherwise. */
export function randomTcpOptions(p: Prng): Uint8Array {
  return p.chance(0.5) ? Uint8Array.of(1, 1, 8, 10, ...p.bytes(8)) : new Uint8Array(0);
}

/**
 * A data segment of a connection: ack 1, window 501, the given flags, options and payload. An
 * IPv4 header takes the next IP id (`nextIpId()`, called only for IPv4, taken mod 2^16).
 */
export function segmentPacket(h: FlowHeaders, nextIpId: () => number, seq: number, flags: number, options: Uint8Array, payload: Uint8Array): Uint8Array {
  const ip = h.ip.version === 4 ? { ...h.ip, id: nextIpId() & 0xffff } : h.ip;
  return buildTcpPacket({
    eth: h.eth,
    ip,
    tcp: { srcPort: h.srcPort, dstPort: h.dstPort, seq, ack: 1, flags, window: 501, urgent: 0, options },
    payload,
  });
}

/** A TCP packet of a connection nobody offloaded: random seq and ack, 0..maxPayload random bytes, padded to 60. */
export function plainTcpPacket(p: Prng, h: FlowHeaders, maxPayload: number): Uint8Array {
  return buildTcpPacket(
    {
      eth: h.eth,
      ip: h.ip,
      tcp: { srcPort: h.srcPort, dstPort: h.dstPort, seq: p.nextU32(), ack: p.nextU32(), flags: TcpFlag.ACK, window: 1000, urgent: 0, options: new Uint8Array(0) },
      payload: p.bytes(p.int(0, maxPayload)),
    },
    { padToMinimum: true },
  );
}
