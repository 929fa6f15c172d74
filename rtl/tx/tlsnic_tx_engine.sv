// tlsnic_tx_engine: the NIC's TX kTLS offload engine (Linux TLS_HW mode). Contract:
// docs/architecture.md ("TX offload engine"); behaviour: the golden model models/nic-tx.ts, packet for packet
// and counter for counter; structure and timing: docs/architecture.md.
//
//   s_axis -> tlsnic_tx_front -> tlsnic_aes_pipe (LANES+1 lanes) -> tlsnic_gcm_back
//          -> tlsnic_frame_buf (DROP, PATCH) -> m_axis
//
// One global enable stalls every pipeline stage at once; it is high while the output buffer
// has room for every beat that may still be in flight (EN_SLACK). The output buffer holds two
// maximum frames, so a stalled output never deadlocks a packet that is still being written.
// Latency, first input beat to first output beat with an idle output: 2 (front) + 14 (AES) +
// 5 (back: P0, P1, B0, B2, B3) + packet beats (store and forward) + 4 (output buffer) cycles.
module tlsnic_tx_engine #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
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
  // completion stream (tlsnic_tx_compl): {context[15:0], record sequence number[63:0], tag[127:0]}
  output logic           c_tvalid_o,
  input  logic           c_tready_i,
  output logic [207:0]   c_tdata_o,
  input  logic [4:0]     cnt_sel_i,
  output logic [63:0]    cnt_value_o
);

  localparam int unsigned B  = W / 8;
  localparam int unsigned L  = W / 128;
  localparam int unsigned LA = L + 1;
  localparam int unsigned PB = $clog2(B) + 1;
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1;
  // Output buffer: two maximum frames plus the pipeline's slack, rounded up to a power of two.
  localparam int unsigned EN_SLACK = 24;
  localparam int unsigned OB_NEED  = 2 * ((MAX_FRAME + B - 1) / B + 1) + EN_SLACK + 1;
  localparam int unsigned OB_DEPTH = 1 << $clog2(OB_NEED);
  localparam int unsigned OAW = $clog2(OB_DEPTH);
  // Completion queue: one maximum frame's records (at least 21 bytes each) plus the slack.
  localparam int unsigned CQ_NEED  = MAX_FRAME / 21 + 2 + EN_SLACK + 1;
  localparam int unsigned CQ_DEPTH = 1 << $clog2(CQ_NEED);
  localparam int unsigned CAW = $clog2(CQ_DEPTH);

  // Elaboration-time parameter checks (each block checks what it depends on as well).
  if (W != 128 && W != 256 && W != 512) begin : g_bad_w
    $fatal(1, "tlsnic_tx_engine: W = %0d; the beat must be 128, 256 or 512 bits", W);
  end
  if (N_CTX < 1 || N_CTX > 65536) begin : g_bad_n_ctx
    $fatal(1, "tlsnic_tx_engine: N_CTX = %0d; context ids are 16 bits, 1 <= N_CTX <= 65536", N_CTX);
  end
  if (MAX_FRAME < 64 || MAX_FRAME > 65553) begin : g_bad_max_frame
    $fatal(1, "tlsnic_tx_engine: MAX_FRAME = %0d; an Ethernet frame is 64 to 65,553 bytes (14 + 4 + 65,535)", MAX_FRAME);
  end

`ifndef SYNTHESIS
  // Test-only fault injection: +tlsnic_break=<n> on the simulator's command line breaks one
  // invariant on purpose so that its assertion is seen to fire (see the assertions at the end).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  logic en;
  logic [OAW:0] ob_free;
  logic [CAW:0] cq_free;
  // The enable is a register (issue 16: logic depth; it fans out to every stage): computed a
  // cycle early from one more free entry than the slack, which covers the one write (beat,
  // descriptor, completion) a cycle can take in between.
  logic en_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) en_q <= 1'b0;
    else         en_q <= ob_free > (OAW+1)'(EN_SLACK + 1) && cq_free > (CAW+1)'(EN_SLACK + 1);
  end
  assign en = en_q
`ifndef SYNTHESIS
              || brk == 32'd9   // test-only fault: no flow control (the output buffer overflows)
`endif
              ;

  // Work items from the front end: item_t, carried whole through the AES pipeline's sideband to
  // the back end. UW is the width of item_t.user (unused by the TX engine).
  localparam int unsigned UW = 1;
  localparam int unsigned IW = tlsnic_pkg::item_bits(W, CW, UW);

  logic              it_valid, it_k256, x_valid;
  logic [IW-1:0]     it, x_it;
  logic [255:0]      it_key;
  logic [LA*128-1:0] it_blocks, x_blocks;

  tlsnic_tx_front #(.W(W), .N_CTX(N_CTX), .MAX_FRAME(MAX_FRAME)) u_front (
    .clk_i, .rst_ni,
    .en_i       (en),
    .s_tvalid_i, .s_tready_o, .s_tdata_i, .s_tkeep_i, .s_tlast_i, .s_tuser_i,
    .it_valid_o (it_valid),
    .it_o       (it),
    .it_key_o   (it_key),
    .it_k256_o  (it_k256),
    .it_blocks_o(it_blocks),
    .cnt_sel_i,
    .cnt_value_o
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

  logic              ob_wr, ob_end, ob_keep_pkt, ob_fix;
  logic [W-1:0]      ob_data;
  logic [B-1:0]      ob_keep;
  logic [15:0]       ob_csum;
  logic [13:0]       ob_csum_beat;
  logic [PB-1:0]     ob_csum_lane;
  logic [W-1:0]      ob_raw_unused;    // decrypt-variant outputs of the shared back end
  logic              ob_tagfail_unused, ob_user_unused;
  logic              cp_wr, cp_end, cp_keep;
  logic [207:0]      cp_data;

  tlsnic_gcm_back #(.W(W), .N_CTX(N_CTX), .UW(UW)) u_back (
    .clk_i, .rst_ni,
    .en_i           (en),
    .it_valid_i     (x_valid),
    .it_i           (x_it),
    .aes_i          (x_blocks),
    .ob_wr_o        (ob_wr),
    .ob_data_o      (ob_data),
    .ob_keep_o      (ob_keep),
    .ob_end_o       (ob_end),
    .ob_keep_pkt_o  (ob_keep_pkt),
    .ob_fix_o       (ob_fix),
    .ob_csum_o      (ob_csum),
    .ob_csum_beat_o (ob_csum_beat),
    .ob_csum_lane_o (ob_csum_lane),
    .ob_raw_o       (ob_raw_unused),
    .ob_tagfail_o   (ob_tagfail_unused),
    .ob_user_o      (ob_user_unused),
    .cp_wr_o        (cp_wr),
    .cp_data_o      (cp_data),
    .cp_end_o       (cp_end),
    .cp_keep_o      (cp_keep)
  );

  tlsnic_tx_compl #(.DEPTH(CQ_DEPTH), .DW(208)) u_compl (
    .clk_i, .rst_ni,
    .wr_i      (cp_wr),
    .wr_data_i (cp_data),
    .end_i     (cp_end),
    .keep_i    (cp_keep),
    .free_o    (cq_free),
    .m_tvalid_o(c_tvalid_o),
    .m_tready_i(c_tready_i),
    .m_tdata_o (c_tdata_o)
  );

  logic [2:0]        ob_tuser_unused;   // tuser of the RX features: always 0 here

  tlsnic_frame_buf #(
    .W(W), .DEPTH(OB_DEPTH), .MAX_BEATS((MAX_FRAME + B - 1) / B), .DROP(1'b1), .PATCH(1'b1)
  ) u_outbuf (
    .clk_i, .rst_ni,
    .wr_i           (ob_wr),
    .wr_data_i      (ob_data),
    .wr_alt_i       ('0),
    .wr_keep_i      (ob_keep),
    .end_i          (ob_end),
    .end_keep_i     (ob_keep_pkt),
    .end_mark_i     (1'b0),
    .end_ev_i       (1'b0),
    .end_evdata_i   ('0),
    .end_fix_i      (ob_fix),
    .end_csum_i     (ob_csum),
    .end_csum_beat_i(ob_csum_beat),
    .end_csum_lane_i(ob_csum_lane),
    .free_o         (ob_free),
    .m_tvalid_o, .m_tready_i, .m_tdata_o, .m_tkeep_o, .m_tlast_o,
    .m_tuser_o      (ob_tuser_unused)
  );

  logic unused;
  assign unused = ^{ob_raw_unused, ob_tagfail_unused, ob_user_unused, ob_tuser_unused};

  // ---------------------------------------------------------------------------------------
  // Assertions (simulation only; docs/architecture.md "Assertions"). The blocks check their own
  // invariants; here: the input AXI-Stream rules and the end-to-end rule that no record body
  // byte of an encrypted packet leaves without the keystream XOR.
`ifndef SYNTHESIS
  // Input: a presented beat stays presented, unchanged in every bit the engine reads (all of
  // tdata but the bytes above the last kept byte of a last beat), until s_tready_o takes it.
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
        else $error("tlsnic_tx_engine: s_tvalid dropped before s_tready took the beat");
      a_s_stable: assert (!sim_s_stall_q || !s_tvalid_i || sim_s_same)
        else $error("tlsnic_tx_engine: s_tdata/s_tkeep/s_tlast/s_tuser changed while stalled");
    end
  end

  // No plaintext leak. The front end names, per work item, the bytes that must leave encrypted
  // (u_front.sim_need: TCP payload bytes of a packet it encrypts, from the parser's bounds, minus
  // the record header / explicit nonce and tag bytes its tracker names); the mask travels with the
  // item (FI, 14 AES stages, the back end's P0 and P1, B0) and is compared in B1 with the bytes the back end XORs with the
  // keystream. A packet that leaves (its last item commits it) must have no byte that needed the
  // XOR and did not get it.
  logic [B-1:0]    sim_need_fi, sim_need_b0, sim_xor, sim_leak;
  logic [16*B-1:0] sim_need_aes;
  logic            sim_leak_q;
  always_ff @(posedge clk_i) begin
    if (en) begin
      sim_need_fi  <= u_front.sim_need;
      sim_need_aes <= {sim_need_aes[15*B-1:0], sim_need_fi};
      sim_need_b0  <= sim_need_aes[15*B +: B];
    end
  end
  always_comb begin
    for (int j = 0; j < B; j++) sim_xor[j] = u_back.mask_a[8*j] || u_back.mask_b[8*j];
    sim_leak = sim_need_b0 & ~sim_xor;
  end
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) sim_leak_q <= 1'b0;
    else if (u_back.item) sim_leak_q <= !u_back.b0_q.fr_last && (sim_leak_q || sim_leak != '0);
  end
  always_ff @(posedge clk_i) begin
    if (rst_ni && u_back.item && u_back.b0_q.fr_last && u_back.b0_q.pkt && u_back.b0_q.commit) begin
      a_no_leak: assert (!sim_leak_q && sim_leak == '0)
        else $error("tlsnic_tx_engine: record body bytes of an encrypted packet leave without the keystream XOR");
    end
  end

  // Functional cover points (`tlsnic coverage`): a packet kept with its checksum rewritten, one
  // dropped, and back-pressure at the output and on the global enable.
  c_keep_fix:  cover property (@(posedge clk_i) rst_ni && ob_end && ob_keep_pkt && ob_fix);
  c_keep:      cover property (@(posedge clk_i) rst_ni && ob_end && ob_keep_pkt && !ob_fix);
  c_drop:      cover property (@(posedge clk_i) rst_ni && ob_end && !ob_keep_pkt);
  c_stall_out: cover property (@(posedge clk_i) rst_ni && m_tvalid_o && !m_tready_i);
  c_stall_en:  cover property (@(posedge clk_i) rst_ni && !en);
`endif

endmodule
