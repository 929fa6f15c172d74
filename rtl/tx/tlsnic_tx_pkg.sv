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

endpackage
