// tlsnic_tx_pkg: the TX offload engine's counters and per-connection front-end state layout
// (tlsnic_tx_engine and its blocks); what both engines share is in tlsnic_pkg. Pure definitions,
// no logic.
package tlsnic_tx_pkg;
  /* verilator lint_off UNUSEDPARAM */
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
  // The retransmission paths (models/nic-tx.ts TX_REXMIT_COUNTER_NAMES, in that order).
  localparam int unsigned CntRexmitSeek   = 16;
  localparam int unsigned CntRexmitTag    = 17;
  localparam int unsigned CntRexmitBad    = 18;
  localparam int unsigned NumCounters     = 19;
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
    // Side context: a SEEK descriptor waiting for the context's next offloaded packet with payload
    // (tlsnic_tx_front "Side context"). The in-order fields above are never touched by it.
    logic         sd_valid;  // a descriptor waits
    logic         sd_cont;   // ... soft: left by a side packet that ended inside the record (no descriptor)
    logic         sd_tagv;   // it carries the record's known tag
    logic [14:0]  sd_off;    // bytes of the record before the packet's first byte
    logic [31:0]  sd_sn;     // TCP sequence number of the record start
    logic [63:0]  sd_rseq;   // record sequence number
    logic [103:0] sd_hdr;    // record header (bytes 0..4) and TLS 1.2 explicit nonce (5..12), byte i at [8i +: 8]
    logic [127:0] sd_tag;    // known tag, block order (byte 0 at [127:120])
  } fctx_t;

endpackage
