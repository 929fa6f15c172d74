// tlsnic_rx_engine: the NIC's RX kTLS offload engine (Linux TLS_HW receive side). Behaviour: the
// golden model models/nic-rx.ts (docs/rx-engine-model.md), frame for frame, byte for byte, event
// for event and counter for counter; structure and timing: docs/architecture.md ("RX offload
// engine").
//
//   s_axis -> tlsnic_rx_front -> tlsnic_aes_pipe (LANES+1 lanes) -> tlsnic_gcm_back (DECRYPT = 1)
//          -> tlsnic_frame_buf (ALT, EVENTS, RELEASE) -> m_axis
//
// The blocks are the TX engine's: the same parser, record tracker (tlsnic_rec_track), work-item
// format, AES pipeline and GCM back end (in its decrypt variant); the RX front end adds the flow
// lookup and the sequence machine, the output buffer holds both versions of each packet.
// One global enable stalls every pipeline stage at once; it is high while the output buffer has
// room for every beat that may still be in flight (EN_SLACK). One input beat per cycle in steady
// state. Latency with an idle output: 26 cycles from a packet's last input beat to its first output
// beat (5 front registers + 14 AES + 4 back + 3 output buffer), i.e. 25 + n from the first beat of
// an n-beat packet (store and forward: the mark needs the packet's tags and checksums).
//
// Input tuser (19 bits, first beat): [1:0] kind (0 packet, 1 control, 2/3 reserved), [18:3] ctx_id.
// Output tuser (3 bits, every beat of a frame): [1:0] kind (0 packet, 1 event), [2] decrypted.
module tlsnic_rx_engine #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
  parameter int unsigned BUCKETS   = 256,
  parameter int unsigned MAX_FRAME = 9600
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  input  logic           s_tvalid_i,
  output logic           s_tready_o,
  input  logic [W-1:0]   s_tdata_i,
  input  logic [W/8-1:0] s_tkeep_i,
  input  logic           s_tlast_i,
  input  logic [18:0]    s_tuser_i,
  output logic           m_tvalid_o,
  input  logic           m_tready_i,
  output logic [W-1:0]   m_tdata_o,
  output logic [W/8-1:0] m_tkeep_o,
  output logic           m_tlast_o,
  output logic [2:0]     m_tuser_o,
  input  logic [4:0]     cnt_sel_i,
  output logic [63:0]    cnt_value_o
);

  localparam int unsigned B  = W / 8;
  localparam int unsigned L  = W / 128;
  localparam int unsigned LA = L + 1;
  localparam int unsigned PB = $clog2(B) + 1;
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1;
  localparam int unsigned UW = 74;                      // tlsnic_rx_pkg::rx_user_t
  // Output buffer: two maximum frames plus the pipeline's slack, rounded up to a power of two.
  localparam int unsigned MAX_BEATS = (MAX_FRAME + B - 1) / B;
  localparam int unsigned EN_SLACK  = 32;
  localparam int unsigned OB_NEED   = 2 * (MAX_BEATS + 1) + EN_SLACK + 1;
  localparam int unsigned OB_DEPTH  = 1 << $clog2(OB_NEED);
  localparam int unsigned OAW = $clog2(OB_DEPTH);

  // Elaboration-time parameter checks (each block checks what it depends on as well).
  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_rx_engine: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_rx_engine: N_CTX = %0d; context ids are 16 bits, 1 <= N_CTX <= 65536", N_CTX);
  end
  if (MAX_FRAME < 64 || MAX_FRAME > 65553) begin : g_bad_max_frame
    $fatal(1, "tlsnic_rx_engine: MAX_FRAME = %0d; an Ethernet frame is 64 to 65,553 bytes (14 + 4 + 65,535)", MAX_FRAME);
  end

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  logic en;
  logic [OAW:0] ob_free;
  // The enable is a register (issue 16: logic depth; it fans out to every stage): computed a
  // cycle early from one more free entry than the slack, which covers the one write (beat,
  // descriptor, completion) a cycle can take in between.
  logic en_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) en_q <= 1'b0;
    else         en_q <= ob_free > (OAW+1)'(EN_SLACK + 1);
  end
  assign en = en_q
`ifndef SYNTHESIS
              || brk == 32'd9   // test-only fault: no flow control (the output buffer overflows)
`endif
              ;

  // Work items from the front end: item_t (user = tlsnic_rx_pkg::rx_user_t), carried whole
  // through the AES pipeline's sideband to the back end.
  localparam int unsigned IW = tlsnic_pkg::item_bits(W, CW, UW);

  logic              it_valid, it_k256, x_valid;
  logic [IW-1:0]     it, x_it;
  logic [255:0]      it_key;
  logic [LA*128-1:0] it_blocks, x_blocks;
  logic [63:0]       front_cnt;

  tlsnic_rx_front #(.W(W), .N_CTX(N_CTX), .BUCKETS(BUCKETS), .MAX_FRAME(MAX_FRAME), .UW(UW)) u_front (
    .clk_i, .rst_ni,
    .en_i       (en),
    .s_tvalid_i, .s_tready_o, .s_tdata_i, .s_tkeep_i, .s_tlast_i, .s_tuser_i,
    .it_valid_o (it_valid),
    .it_o       (it),
    .it_key_o   (it_key),
    .it_k256_o  (it_k256),
    .it_blocks_o(it_blocks),
    .cnt_sel_i,
    .cnt_value_o(front_cnt)
  );

  tlsnic_aes_pipe #(.LANES(LA), .SB_W(IW)) u_aes (
    .clk_i, .rst_ni,
    .en_i    (en),
    .valid_i (it_valid),
    .key_i   (it_key),
    .key256_i(it_k256),
    .blk_i   (it_blocks),
    .sb_i    (it),
    .valid_o (x_valid),
    .blk_o   (x_blocks),
    .sb_o    (x_it)
  );

  logic              ob_wr, ob_end, ob_tagfail;
  logic [W-1:0]      ob_dec, ob_raw;
  logic [B-1:0]      ob_keep;
  logic [UW-1:0]     ob_user;
  logic              ob_keep_pkt_unused, ob_fix_unused;
  logic [15:0]       ob_csum_unused;
  logic [13:0]       ob_csum_beat_unused;
  logic [PB-1:0]     ob_csum_lane_unused;
  logic              cp_wr_unused, cp_end_unused, cp_keep_unused;   // the TX completion stream
  logic [207:0]      cp_data_unused;

  tlsnic_gcm_back #(.W(W), .N_CTX(N_CTX), .DECRYPT(1'b1), .UW(UW)) u_back (
    .clk_i, .rst_ni,
    .en_i           (en),
    .it_valid_i     (x_valid),
    .it_i           (x_it),
    .aes_i          (x_blocks),
    .ob_wr_o        (ob_wr),
    .ob_data_o      (ob_dec),
    .ob_keep_o      (ob_keep),
    .ob_end_o       (ob_end),
    .ob_keep_pkt_o  (ob_keep_pkt_unused),
    .ob_fix_o       (ob_fix_unused),
    .ob_csum_o      (ob_csum_unused),
    .ob_csum_beat_o (ob_csum_beat_unused),
    .ob_csum_lane_o (ob_csum_lane_unused),
    .ob_raw_o       (ob_raw),
    .ob_tagfail_o   (ob_tagfail),
    .ob_user_o      (ob_user),
    .cp_wr_o        (cp_wr_unused),
    .cp_data_o      (cp_data_unused),
    .cp_end_o       (cp_end_unused),
    .cp_keep_o      (cp_keep_unused)
  );

  // The mark and the counters that depend on it (section 4.5, 4.6).
  tlsnic_rx_pkg::rx_user_t u;
  logic        mark;
  logic [127:0] evdata;
  assign u    = ob_user;
  assign mark = u.walked && u.markable && !ob_tagfail;
  assign evdata = {64'h0, u.ev_seq[7:0], u.ev_seq[15:8], u.ev_seq[23:16], u.ev_seq[31:24],
                   u.ev_ctx[7:0], u.ev_ctx[15:8], 6'b0, u.ev_status, 6'b0, u.ev_code};

  logic [63:0] c_dec_pkts_q, c_dec_bytes_q, c_err_q, c_pass_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      c_dec_pkts_q  <= '0;
      c_dec_bytes_q <= '0;
      c_err_q       <= '0;
      c_pass_q      <= '0;
    end else if (ob_end) begin
      if (mark) begin
        c_dec_pkts_q  <= c_dec_pkts_q + 64'd1;
        c_dec_bytes_q <= c_dec_bytes_q + {47'b0, u.len};
      end
      if ((u.walked && !mark) || u.old) c_pass_q <= c_pass_q + 64'd1;
      if (u.walked && (u.hdrerr || ob_tagfail)) c_err_q <= c_err_q + 64'd1;
    end
  end

  always_comb begin
    case (cnt_sel_i)
      5'(tlsnic_rx_pkg::CDecPkts):  cnt_value_o = c_dec_pkts_q;
      5'(tlsnic_rx_pkg::CDecBytes): cnt_value_o = c_dec_bytes_q;
      5'(tlsnic_rx_pkg::CErr):      cnt_value_o = c_err_q;
      5'(tlsnic_rx_pkg::CPass):     cnt_value_o = c_pass_q;
      default:                      cnt_value_o = front_cnt;
    endcase
  end

  tlsnic_frame_buf #(
    .W(W), .DEPTH(OB_DEPTH), .MAX_BEATS(MAX_BEATS), .ALT(1'b1), .EVENTS(1'b1), .RELEASE(1'b1)
  ) u_outbuf (
    .clk_i, .rst_ni,
    .wr_i           (ob_wr),
    .wr_data_i      (ob_raw),
    .wr_alt_i       (ob_dec),
    .wr_keep_i      (ob_keep),
    .end_i          (ob_end),
    .end_keep_i     (ob_wr || u.ev),   // a frame with beats (its end comes with its last beat) or an event
    .end_mark_i     (mark),
    .end_ev_i       (u.ev),
    .end_evdata_i   (evdata),
    .end_fix_i      (1'b0),
    .end_csum_i     ('0),
    .end_csum_beat_i('0),
    .end_csum_lane_i('0),
    .free_o         (ob_free),
    .m_tvalid_o, .m_tready_i, .m_tdata_o, .m_tkeep_o, .m_tlast_o, .m_tuser_o
  );

  logic unused;
  assign unused = ^{ob_keep_pkt_unused, ob_fix_unused, ob_csum_unused, ob_csum_beat_unused,
                    ob_csum_lane_unused, cp_wr_unused, cp_data_unused, cp_end_unused, cp_keep_unused};

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions"). The blocks check their own
  // invariants; here: the input AXI-Stream rules. A presented beat stays presented, unchanged in
  // every bit the engine reads (all of tdata but the bytes above the last kept byte of a last
  // beat), until s_tready_o takes it.
`ifndef SYNTHESIS
  // Immediate assertions at the clock edge (they read the values before it, as a concurrent
  // assertion samples them); the cycle before is kept in sim_* registers.
  logic [W-1:0]    sim_s_rd;
  logic            sim_s_stall_q;  // last cycle: a beat presented and not taken
  logic [W+B+19:0] sim_s_q;        // the input of the previous cycle {tuser, tlast, tkeep, tdata}
  logic            sim_s_same;     // ... equals this cycle's in every bit the engine reads
  always_comb begin
    int unsigned n;
    n = 0;
    for (int j = 0; j < B; j++) if (s_tkeep_i[j]) n = j + 1;
    for (int j = 0; j < B; j++) sim_s_rd[8*j +: 8] = (!s_tlast_i || j < n) ? 8'hff : 8'h00;
  end
  always_ff @(posedge clk_i) sim_s_q <= {s_tuser_i, s_tlast_i, s_tkeep_i, s_tdata_i};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sim_s_stall_q <= 1'b0;
    else sim_s_stall_q <= s_tvalid_i && !s_tready_o;
  end
  assign sim_s_same = sim_s_q[W +: B + 20] == {s_tuser_i, s_tlast_i, s_tkeep_i}
                      && ((sim_s_q[W-1:0] ^ s_tdata_i) & sim_s_rd) == '0;
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_s_hold: assert (!sim_s_stall_q || s_tvalid_i)
        else $error("tlsnic_rx_engine: s_tvalid dropped before s_tready took the beat");
      a_s_stable: assert (!sim_s_stall_q || !s_tvalid_i || sim_s_same)
        else $error("tlsnic_rx_engine: s_tdata/s_tkeep/s_tlast/s_tuser changed while stalled");
    end
  end

  // Functional cover points (`tlsnic coverage`): the mark and the counters decided here, a tag
  // that fails, each event kind, and back-pressure at the output.
  c_mark:      cover property (@(posedge clk_i) rst_ni && ob_end && mark);
  c_walk_pass: cover property (@(posedge clk_i) rst_ni && ob_end && u.walked && !mark);
  c_tagfail:   cover property (@(posedge clk_i) rst_ni && ob_end && ob_tagfail);
  c_hdrerr:    cover property (@(posedge clk_i) rst_ni && ob_end && u.walked && u.hdrerr);
  c_old:       cover property (@(posedge clk_i) rst_ni && ob_end && u.old);
  c_ev_req:    cover property (@(posedge clk_i) rst_ni && ob_end && u.ev && u.ev_code == tlsnic_rx_pkg::EvResyncRequest);
  c_ev_ok:     cover property (@(posedge clk_i) rst_ni && ob_end && u.ev && u.ev_code == tlsnic_rx_pkg::EvInstallResult && u.ev_status == tlsnic_rx_pkg::StOk);
  c_ev_full:   cover property (@(posedge clk_i) rst_ni && ob_end && u.ev && u.ev_status == tlsnic_rx_pkg::StBucketFull);
  c_ev_bad:    cover property (@(posedge clk_i) rst_ni && ob_end && u.ev && u.ev_status == tlsnic_rx_pkg::StBadFrame);
  c_stall_out: cover property (@(posedge clk_i) rst_ni && m_tvalid_o && !m_tready_i);
  c_stall_en:  cover property (@(posedge clk_i) rst_ni && !en);
`endif

endmodule
