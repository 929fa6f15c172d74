// tlsnic_tx_pkg: constants, per-connection state layouts and small functions of the TX offload
// engine (tlsnic_tx_engine and its blocks). Pure definitions, no logic.
//
// Byte order conventions used throughout the engine:
//   * stream beats (AXI-Stream tdata, frame views): byte 0 of the beat / frame in bits [7:0];
//   * AES / GHASH blocks, keys, nonces, AAD and length blocks: byte 0 in the MOST significant
//     bits (bits [127:120] of a block), the way FIPS-197 and SP 800-38D write them.
// bswap128 converts a 16-byte group between the two.
package tlsnic_tx_pkg;
  // Shared with the RX engine (record tracker, back end), which uses only part of it.
  /* verilator lint_off UNUSEDPARAM */

  // Frame kinds (s_tuser_i[1:0]).
  localparam logic [1:0] KindPacket  = 2'd0;
  localparam logic [1:0] KindControl = 2'd1;
  localparam logic [1:0] KindResync  = 2'd2;

  // Control opcodes (byte 0 of a control frame).
  localparam logic [7:0] OpInstall = 8'd1;
  localparam logic [7:0] OpDelete  = 8'd2;

  // Longest record body (bytes after the 5-byte header) the engine accepts: 2^14 + 256.
  localparam int unsigned MaxRecordBody = 16640;

  // Counter indices (cnt_sel_i), the order of TX_COUNTER_NAMES in models/nic-tx.ts.
  localparam int unsigned CntEncPkts      = 0;
  localparam int unsigned CntEncBytes     = 1;
  localparam int unsigned CntCtx          = 2;
  localparam int unsigned CntDel          = 3;
  localparam int unsigned CntOoo          = 4;
  localparam int unsigned CntResyncBytes  = 5;
  localparam int unsigned CntSkipNoSync   = 6;
  localparam int unsigned CntDropNoSync   = 7;
  localparam int unsigned CntDropBypass   = 8;
  localparam int unsigned CntDropNoCtx    = 9;
  localparam int unsigned CntDropMalformed = 10;
  localparam int unsigned CntDropBadRecord = 11;
  localparam int unsigned CntResyncBad    = 12;
  localparam int unsigned CntCtrlErr      = 13;
  localparam int unsigned CntFrameErr     = 14;
  localparam int unsigned CntPlainPkts    = 15;
  localparam int unsigned NumCounters     = 16;
  /* verilator lint_on UNUSEDPARAM */

  // Per-connection state of the front end (sequence tracking and record tracker).
  typedef struct packed {
    logic         valid;     // context installed
    logic         ver13;     // 1 = TLS 1.3, 0 = TLS 1.2
    logic         k256;      // 1 = AES-256
    logic [255:0] key;       // AES-128 key in [255:128]
    logic [95:0]  iv;        // TLS 1.3 static iv; TLS 1.2 salt in [95:64]
    logic [31:0]  start_sn;  // start_offload_tcp_sn
    logic [31:0]  exp_sn;    // TCP sequence the next in-order packet must start at
    logic         in_sync;   // 0 after an impossible record header, until a resync load
    logic         started;   // exp_sn has moved past start_sn (first encryption or resync load);
                             // never cleared: only before it is a packet compared with start_sn
    logic [14:0]  off;       // bytes of the current record consumed (0 = at its header)
    logic [14:0]  rlen;      // current record length incl. header; 0 = not known yet
    logic [103:0] hdr;       // header (+ TLS 1.2 explicit nonce) bytes seen; byte i at [8i +: 8]
    logic [63:0]  rseq;      // record sequence number of the current record
    logic [95:0]  nonce;     // GCM nonce of the current record (valid once its header is complete)
  } fctx_t;

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

endpackage
