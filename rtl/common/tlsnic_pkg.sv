// tlsnic_pkg: what both offload engines share: frame kinds, control opcodes, record limits and
// the small functions of byte order, TCP sequence order and the Internet checksum. Pure
// definitions, no logic.
//
// Byte order conventions used throughout both engines:
//   * stream beats (AXI-Stream tdata, frame views): byte 0 of the beat / frame in bits [7:0];
//   * AES / GHASH blocks, keys, nonces, AAD and length blocks: byte 0 in the MOST significant
//     bits (bits [127:120] of a block), the way FIPS-197 and SP 800-38D write them.
// bswap128 converts a 16-byte group between the two.
package tlsnic_pkg;
  /* verilator lint_off UNUSEDPARAM */
  // Frame kinds (s_tuser_i[1:0]). The RX engine accepts Packet and Control only.
  localparam logic [1:0] KindPacket  = 2'd0;
  localparam logic [1:0] KindControl = 2'd1;
  localparam logic [1:0] KindResync  = 2'd2;

  // Control opcodes (byte 0 of a control frame); the RX engine adds OpResync (tlsnic_rx_pkg).
  localparam logic [7:0] OpInstall = 8'd1;
  localparam logic [7:0] OpDelete  = 8'd2;

  // Longest record body (bytes after the 5-byte header) the engines accept: 2^14 + 256.
  localparam int unsigned MaxRecordBody = 16640;

  // Malformed-input classes of the header parser (tlsnic_pkt_parse bad_o): the first of the
  // golden model's parse checks (models/packet.ts ParseErrorReason) a frame fails.
  localparam logic [4:0] BadNone       = 5'd0;
  localparam logic [4:0] BadShortEth   = 5'd1;   // truncated-ethernet: < 14 bytes
  localparam logic [4:0] BadShortVlan  = 5'd2;   // truncated-ethernet: 802.1Q tag cut off
  localparam logic [4:0] BadEthertype  = 5'd3;   // unsupported-ethertype
  localparam logic [4:0] BadShortIpv4  = 5'd4;   // truncated-ipv4
  localparam logic [4:0] BadIpVersion  = 5'd5;   // bad-ip-version (IPv4 or IPv6)
  localparam logic [4:0] BadIhl        = 5'd6;   // bad-ihl
  localparam logic [4:0] BadIhlBeyond  = 5'd7;   // ipv4-header-beyond-frame
  localparam logic [4:0] BadTotLow     = 5'd8;   // bad-ipv4-total-length
  localparam logic [4:0] BadTotBeyond  = 5'd9;   // ipv4-length-beyond-frame
  localparam logic [4:0] BadFragment   = 5'd10;  // ipv4-fragment
  localparam logic [4:0] BadNotTcp     = 5'd11;  // not-tcp (IPv4 protocol)
  localparam logic [4:0] BadShortIpv6  = 5'd12;  // truncated-ipv6
  localparam logic [4:0] BadNextHeader = 5'd13;  // ipv6-extension-header or not-tcp (IPv6 next header)
  localparam logic [4:0] BadPlenBeyond = 5'd14;  // ipv6-length-beyond-frame
  localparam logic [4:0] BadShortTcp   = 5'd15;  // truncated-tcp
  localparam logic [4:0] BadDoff       = 5'd16;  // bad-tcp-data-offset
  /* verilator lint_on UNUSEDPARAM */

  // Byte swap of a 16-byte group: stream order <-> block order.
  function automatic logic [127:0] bswap128(input logic [127:0] x);
    for (int i = 0; i < 16; i++) begin
      bswap128[8*i +: 8] = x[8*(15-i) +: 8];
    end
  endfunction

  // 32-bit TCP sequence comparison a <= b (RFC 793 modular order).
  function automatic logic seq_leq(input logic [31:0] a, input logic [31:0] b);
    seq_leq = seq_lt(a, b) || (a == b);
  endfunction

  // One's-complement fold of a 32-bit running sum to 16 bits (in [15:0]).
  function automatic logic [31:0] fold16(input logic [31:0] s);
    logic [31:0] t;
    t = {16'h0, s[15:0]} + {16'h0, s[31:16]};
    fold16 = {16'h0, t[15:0]} + {16'h0, t[31:16]};
  endfunction

  function automatic logic seq_lt(input logic [31:0] a, input logic [31:0] b);
    seq_lt = (a - b) > 32'h7fff_ffff;
  endfunction

  // Bytes in a beat's keep mask counted up to its last set bit (a last beat's valid bytes; the
  // input stage makes the mask contiguous): beats of up to 64 bytes, zero-extended.
  function automatic logic [6:0] keep_count(input logic [63:0] k);
    logic [6:0] c;
    c = '0;
    for (int j = 0; j < 64; j++) if (k[j]) c = 7'(j + 1);
    keep_count = c;
  endfunction

  // Bits of an item_t (rtl/common/tlsnic_item.svh) at beat width w, cw context id bits and uw
  // user bits: the width of the vector that carries an item between modules, known in a module's
  // header (where the struct, declared in its body, is not). Every module that declares an
  // item_t checks this against $bits of one at elaboration ($fatal), so the two cannot drift.
  function automatic int unsigned item_bits(input int unsigned w, input int unsigned cw, input int unsigned uw);
    int unsigned b, pb, kw;
    b  = w / 8;
    pb = $clog2(b) + 1;
    kw = $clog2(w / 128 + 2);
    item_bits = 6 + w + b + 2 * pb            // frame and beat position, data, keep, s, e
              + 1 + b + 17 + 14 + pb          // checksum rewrite
              + 1 + cw + 2                    // crypto, ctx, inst, del
              + 3 + 64                        // side, ks_ld, a_ktag, a_rseq
              + 4 * pb + 8 + kw + 2           // slot A
              + 1 + 2 * pb                    // slot B
              + 256 + uw;                     // aad, lenblk, user
  endfunction

endpackage
