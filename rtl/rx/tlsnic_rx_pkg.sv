// tlsnic_rx_pkg: constants, the per-connection state layout and small functions of the RX offload
// engine (tlsnic_rx_engine and its blocks). Pure definitions, no logic. Behaviour reference:
// docs/rx-engine-model.md (the golden model models/nic-rx.ts); byte order conventions as in
// tlsnic_pkg.
package tlsnic_rx_pkg;

  // Input frame kinds (s_tuser_i[1:0]); 2 and 3 are reserved (dropped, rx_frame_err).
  localparam logic [1:0] KindPacket  = 2'd0;
  localparam logic [1:0] KindControl = 2'd1;

  // Control opcodes (byte 0 of a control frame).
  localparam logic [7:0] OpInstall = 8'd1;
  localparam logic [7:0] OpDelete  = 8'd2;
  localparam logic [7:0] OpResync  = 8'd3;
  localparam logic [7:0] OpHashKey = 8'd4;   // the flow table's hash key (only while it is empty)

  // Event codes and install statuses (output event frame bytes 0 and 1).
  localparam logic [1:0] EvResyncRequest = 2'd1;
  localparam logic [1:0] EvInstallResult = 2'd2;
  localparam logic [1:0] StOk = 2'd0, StBucketFull = 2'd1, StBadFrame = 2'd2;

  // Per-context sequence machine modes (docs/rx-engine-model.md section 4).
  localparam logic [2:0] ModeSync = 3'd0;
  localparam logic [2:0] ModeSkip = 3'd1;
  localparam logic [2:0] ModeWait = 3'd2;
  localparam logic [2:0] ModeScan = 3'd3;
  localparam logic [2:0] ModeLock = 3'd4;

  // Steps of the table sequencer (tlsnic_rx_install) while an install's or a delete's last beat
  // waits in FP: Idle gives the command to the flow table (tlsnic_rx_cuckoo) and, for an
  // install reusing an id, zeroes the id's back-end entry; Wait holds until the table's result;
  // Evict removes the context that held the tuple under another id; Write writes the context.
  typedef enum logic [1:0] {
    CsIdle  = 2'd0,
    CsWait  = 2'd1,
    CsEvict = 2'd2,
    CsWrite = 2'd3
  } inst_step_e;

  // Packet decisions (rules 3, 5, 6, 7; tlsnic_rx_front): none yet, plain (no context), no
  // payload, old, far, walked.
  localparam logic [2:0] DecNone = 3'd0, DecPlain = 3'd1, DecNoPay = 3'd2, DecOld = 3'd3, DecWalk = 3'd4,
                         DecFar = 3'd5;

  // The longest record on the wire: 5 + 2^14 + 256.
  localparam logic [31:0] MaxRecordLen = 32'd16645;

  // Counter indices (cnt_sel_i): RX_COUNTER_NAMES in models/nic-rx.ts.
  localparam int unsigned CDecPkts = 0,  CDecBytes = 1,  CCtx = 2,       CDel = 3,       CReqPkt = 4,
                          CReqStart = 5, CReqEnd = 6,    CReqSkip = 7,   CResOk = 8,     CResSkip = 9,
                          CErr = 10,     CPass = 11,     COld = 12,      CGap = 13,      CLost = 14,
                          CCsum = 15,    CInstFail = 16, CEvict = 17,    CCtrlErr = 18,  CFrameErr = 19,
                          COversize = 20, CNotTcp = 21,  CPlain = 22,    CFar = 23;
  localparam int unsigned NumCounters = 24;

  // The farthest one packet or host resync hint may move exp_sn (models/nic-rx.ts RX_MAX_ADVANCE):
  // a packet starting further ahead passes untouched and changes nothing (rx_tls_far_packets).
  localparam logic [31:0] MaxAdvance = 32'h0400_0000;

  // a - b (modular) lies in (MaxAdvance, 2^31): a is ahead of b by more than MaxAdvance.
  function automatic logic too_far(input logic [31:0] a, input logic [31:0] b);
    logic [31:0] d;
    d = a - b;
    too_far = !d[31] && d > MaxAdvance;
  endfunction

  // Per-connection state of the front end: crypto parameters, the sequence machine and the
  // record tracker (the flow table keeps each context's slot itself) (the GCM state lives in the back end, tlsnic_gcm_back).
  typedef struct packed {
    logic         valid;      // installed
    logic         ver13;      // 1 = TLS 1.3, 0 = TLS 1.2
    logic         k256;       // 1 = AES-256
    logic         scan;       // stream scan enabled (install flag NO_SCAN clear)
    logic [255:0] key;        // AES-128 key in [255:128]
    logic [95:0]  iv;         // TLS 1.3 static iv; TLS 1.2 salt in [95:64]
    logic [2:0]   mode;       // Mode*
    logic [31:0]  exp_sn;     // expSeq: TCP sequence number of the next new byte
    logic [14:0]  off;        // tracker (sync): bytes of the current record consumed
    logic [14:0]  rlen;       //   its length incl. header, 0 = not known yet
    logic [103:0] hdr;        //   header (+ TLS 1.2 explicit nonce) bytes seen, byte i at [8i +: 8]
    logic [63:0]  rseq;       //   its record sequence number
    logic [31:0]  rec_end;    // skip: where record next_rseq starts · lock: predicted header start
    logic [63:0]  next_rseq;  // skip: record number of the record at rec_end
    logic [31:0]  scan_from;  // wait: first sequence number the scan examines
    logic [31:0]  hist;       // scan/lock: the last up to 4 stream bytes, newest in [7:0]
    logic [2:0]   hist_len;
    logic [31:0]  lock_seq;   // lock: the candidate header's first byte
    logic [31:0]  lock_cnt;   // lock: headers followed since the candidate
    logic         req;        // lock: the resync request for lock_seq has been emitted
  } rctx_t;

  // What the context table stores of an rctx_t (issue 16): the fields no mode uses together share
  // storage, as docs/rx-engine-model.md 4.1 plans it — 817 bits become 621. tlsnic_rx_ctx_pack
  // chooses by the mode what a shared field holds; tlsnic_rx_ctx_unpack gives every field its bits
  // back (wiring only: in the other modes those fields read the shared bits, which no mode reads).
  typedef struct packed {
    logic         valid;
    logic         ver13;
    logic         k256;
    logic         scan;
    logic [255:0] key;
    logic [95:0]  iv;
    logic [2:0]   mode;
    logic [31:0]  exp_sn;
    logic [14:0]  off;
    logic [14:0]  rlen;
    logic [103:0] hdr_u;    // sync: hdr · scan, lock: {4'b0, req, lock_cnt, lock_seq, hist_len, hist}
    logic [63:0]  rseq_u;   // sync: rseq · skip: next_rseq
    logic [31:0]  end_u;    // skip, lock: rec_end · wait: scan_from
  } rctx_mem_t;

  // Verdict of a frame, carried from its last work item through the crypto pipeline to the
  // output buffer and the mark-dependent counters (74 bits).
  typedef struct packed {
    logic        ev;         // an event frame precedes the frame's output (or replaces it)
    logic [1:0]  ev_code;    // Ev*
    logic [1:0]  ev_status;  // St* (install results)
    logic [15:0] ev_ctx;
    logic [31:0] ev_seq;     // resync request: TCP sequence number of the candidate header
    logic        walked;     // packet reached rule 7 and committed
    logic        markable;   // every payload byte new and walked in sync, no header error
    logic        old;        // rule 6 (counts rx_tls_pass_packets)
    logic        hdrerr;     // impossible header length met (counts rx_tls_err)
    logic [16:0] len;        // TCP payload length
  } rx_user_t;

  // TCP sequence comparisons: tlsnic_pkg::seq_lt / seq_leq (shared).

  // The header pattern (headerPlausible): h0..h4 the five candidate header bytes.
  function automatic logic plausible(input logic ver13, input logic [7:0] h0, input logic [7:0] h1,
                                     input logic [7:0] h2, input logic [7:0] h3, input logic [7:0] h4);
    logic [15:0] len;
    logic type_ok;
    len = {h3, h4};
    type_ok = ver13 ? (h0 == 8'd23) : (h0 >= 8'd20 && h0 <= 8'd23);
    plausible = type_ok && h1 == 8'h03 && h2 == 8'h03
                && len >= (ver13 ? 16'd16 : 16'd24) && len <= 16'd16640;
  endfunction


  // Byte idx of a frame's first 96 bytes (the view the front end keeps, byte 0 in [7:0]).
  function automatic logic [7:0] vbyte(input logic [767:0] v, input logic [8:0] idx);
    vbyte = (idx < 9'd96) ? v[8*idx +: 8] : 8'h0;
  endfunction

  // Byte k of the IP header: the IP header starts at 14, or 18 behind an 802.1Q tag, so two
  // fixed positions and a 2:1 mux (k is a constant) instead of a shifter over the whole view.
  function automatic logic [7:0] ipbyte(input logic [767:0] v, input logic vlan, input int unsigned k);
    ipbyte = vlan ? v[8*(18+k) +: 8] : v[8*(14+k) +: 8];
  endfunction

  // Flow key of a packet (models/flow-hash.ts), key byte k in [8k +: 8]: IP version, source and
  // destination address (IPv4 right-aligned in 16 bytes), source and destination port. l3, l4:
  // offsets of the IP and TCP headers (l3 = 18 behind a VLAN tag).
  function automatic logic [295:0] flow_key(input logic [767:0] v, input logic [7:0] l3, input logic [7:0] l4);
    logic vlan, v6;
    logic [295:0] k;
    vlan = l3 == 8'd18;
    v6   = ipbyte(v, vlan, 0) >> 4 == 8'd6;
    k    = '0;
    k[7:0] = v6 ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (v6) begin
        k[8*(1+j) +: 8]  = ipbyte(v, vlan, 8 + j);
        k[8*(17+j) +: 8] = ipbyte(v, vlan, 24 + j);
      end else if (j >= 12) begin
        k[8*(1+j) +: 8]  = ipbyte(v, vlan, j);
        k[8*(17+j) +: 8] = ipbyte(v, vlan, 4 + j);
      end
    end
    for (int j = 0; j < 4; j++) k[8*(33+j) +: 8] = vbyte(v, {1'b0, l4} + 9'(j));
    flow_key = k;
  endfunction

  // Flow table v2 (tlsnic_rx_cuckoo, models/flow-table.ts): the 360-bit Toeplitz window of a
  // 128-bit hash key S (byte j in [8j +: 8]): window bit n (n = 0 first) is S bit n MSB-first for
  // n < 128, then the LFSR x^128 + x^7 + x^2 + x + 1 continues it. A fixed XOR wiring of S.
  function automatic logic [359:0] ft_window(input logic [127:0] s);
    logic [359:0] w;
    for (int n = 0; n < 128; n++) w[n] = s[8 * (n / 8) + 7 - (n % 8)];
    for (int n = 128; n < 360; n++) w[n] = w[n - 128] ^ w[n - 127] ^ w[n - 126] ^ w[n - 121];
    ft_window = w;
  endfunction

endpackage
