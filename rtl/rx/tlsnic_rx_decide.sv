// tlsnic_rx_decide: the packet decision of the RX engine (docs/rx-engine-model.md rules 3, 5, 6,
// 7) and the frame registers that hold it for the rest of the packet.
//
// The decision is taken once per packet, on the first item whose beat completes the TCP header
// (decide_o, combinational on cand_i):
//   DecPlain  no flow-table hit, or the context is not installed (rule 3)
//   DecNoPay  no TCP payload (rule 5)
//   DecOld    every payload byte lies before expSeq (rule 6)
//   DecFar    the packet starts more than 64 MiB past expSeq (rule 6a): passed untouched
//   DecWalk   the payload is walked (rule 7); gap: it starts past expSeq (section 4.4)
// len: TCP payload bytes, end: the sequence number after them, skip: payload bytes before expSeq
// (an overlap, not walked), pstart/pend: the frame offsets of the walked payload.
//
// Every *_o "current" output is the value for the item in this cycle: the new decision on the
// deciding item, the registered one after it. The per-item results of the sequence machine
// (unmark, header error, lost / started / skipped records) are accumulated over the frame the same
// way. Everything returns to DecNone / zero on the frame's last item (frame_end_i).
// Latency: combinational to the outputs; the registers load on item_i.
module tlsnic_rx_decide (
  input  logic                 clk_i,
  input  logic                 rst_ni,
  input  logic                 item_i,      // FP sends an item in this cycle
  input  logic                 frame_end_i, // ... the frame's last
  input  logic                 cand_i,      // a packet's item whose beat completes the TCP header
  input  logic                 hit_i,       // flow-table hit
  input  logic [15:0]          cid_i,       // its context id
  input  tlsnic_rx_pkg::rctx_t st_i,        // the context as loaded
  input  logic [31:0]          seq_i,       // the packet's first sequence number
  input  logic [8:0]           pay_off_i,   // frame offset of the TCP payload
  input  logic [16:0]          ip_end_i,    // frame offset of the IP datagram's end
  // the sequence machine's results for this item
  input  logic                 unmark_i, hdrerr_i, g_lost_i, i_lost_i, i_rstart_i, g_rskip_i, i_rskip_i,
  output logic                 decide_o,    // this item takes the decision
  output logic [2:0]           dec_new_o,   // the decision it takes (tlsnic_rx_pkg::Dec*)
  output logic                 gap_new_o,   // ... and the gap it finds (decide_o && gap)
  output logic [2:0]           dec_o,       // current: decision
  output logic [16:0]          len_o,       //          payload bytes
  output logic [31:0]          end_o,       //          sequence number after the payload
  output logic [31:0]          seqb_o,      //          sequence number of frame byte 0
  output logic                 skip_o,      //          an overlap was skipped
  output logic [16:0]          pstart_o, pend_o,
  output logic [15:0]          cid_o,       //          context id
  output logic                 gap_o, unmark_o, hdrerr_o,
  output logic [16:0]          lost_o, rstart_o, rskip_o
);

`ifndef SYNTHESIS
  // Test-only fault injection (+tlsnic_break=<n>; the RX front's assertions a_dec_made, a_dec_once).
  int unsigned brk;
  initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif

  logic        decided_q, skip_q, gap_q, unmark_q, hdrerr_q;
  logic [2:0]  dec_q;
  logic [16:0] pstart_q, pend_q, len_q;
  logic [31:0] end_q, seqb_q;
  logic [15:0] cid_q, lost_q, rstart_q, rskip_q;

  logic [16:0] d_len, d_pstart;
  logic [31:0] d_end, d_skip;
  always_comb begin
    d_len  = (ip_end_i > {8'b0, pay_off_i}) ? ip_end_i - {8'b0, pay_off_i} : 17'd0;
    d_end  = seq_i + {15'b0, d_len};
    d_skip = tlsnic_pkg::seq_lt(seq_i, st_i.exp_sn) ? st_i.exp_sn - seq_i : 32'd0;
    d_pstart = {8'b0, pay_off_i} + d_skip[16:0];
    if (!hit_i || !st_i.valid) dec_new_o = tlsnic_rx_pkg::DecPlain;
    else if (d_len == 17'd0) dec_new_o = tlsnic_rx_pkg::DecNoPay;
    else if (tlsnic_pkg::seq_leq(d_end, st_i.exp_sn)) dec_new_o = tlsnic_rx_pkg::DecOld;
    else if (tlsnic_rx_pkg::too_far(seq_i, st_i.exp_sn)) dec_new_o = tlsnic_rx_pkg::DecFar;
    else dec_new_o = tlsnic_rx_pkg::DecWalk;

    decide_o = cand_i && !decided_q;
`ifndef SYNTHESIS
    if (brk == 32'd15) decide_o = 1'b0;   // test-only fault: no packet is ever decided
`endif
    gap_new_o = decide_o && dec_new_o == tlsnic_rx_pkg::DecWalk && d_skip == 32'd0 && seq_i != st_i.exp_sn;
    dec_o     = decide_o ? dec_new_o : dec_q;
    len_o     = decide_o ? d_len : len_q;
    end_o     = decide_o ? d_end : end_q;
    seqb_o    = decide_o ? seq_i - {23'b0, pay_off_i} : seqb_q;
    skip_o    = decide_o ? d_skip != 32'd0 : skip_q;
    pstart_o  = decide_o ? d_pstart : pstart_q;
    pend_o    = decide_o ? ip_end_i : pend_q;
    cid_o     = decide_o ? cid_i : cid_q;
    gap_o     = gap_q || gap_new_o;
    unmark_o  = unmark_q || unmark_i;
    hdrerr_o  = hdrerr_q || hdrerr_i;
    lost_o    = {1'b0, lost_q} + {16'b0, g_lost_i} + {16'b0, i_lost_i};
    rstart_o  = {1'b0, rstart_q} + {16'b0, i_rstart_i};
    rskip_o   = {1'b0, rskip_q} + {16'b0, g_rskip_i} + {16'b0, i_rskip_i};
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      decided_q <= 1'b0;
      dec_q     <= tlsnic_rx_pkg::DecNone;
      pstart_q  <= '0;
      pend_q    <= '0;
      len_q     <= '0;
      end_q     <= '0;
      seqb_q    <= '0;
      skip_q    <= 1'b0;
      cid_q     <= '0;
      gap_q     <= 1'b0;
      unmark_q  <= 1'b0;
      hdrerr_q  <= 1'b0;
      lost_q    <= '0;
      rstart_q  <= '0;
      rskip_q   <= '0;
    end else if (item_i) begin
      if (decide_o) begin
        decided_q <= 1'b1;
`ifndef SYNTHESIS
        if (brk == 32'd14) decided_q <= 1'b0;   // test-only fault: decide again next item
`endif
        dec_q    <= dec_new_o;
        pstart_q <= d_pstart;
        pend_q   <= ip_end_i;
        len_q    <= d_len;
        end_q    <= d_end;
        seqb_q   <= seqb_o;
        skip_q   <= d_skip != 32'd0;
        cid_q    <= cid_i;
        gap_q    <= gap_new_o;
      end
      if (unmark_i) unmark_q <= 1'b1;
      if (hdrerr_i) hdrerr_q <= 1'b1;
      lost_q   <= lost_o[15:0];
      rstart_q <= rstart_o[15:0];
      rskip_q  <= rskip_o[15:0];
      if (frame_end_i) begin
        decided_q <= 1'b0;
        dec_q     <= tlsnic_rx_pkg::DecNone;
        unmark_q  <= 1'b0;
        hdrerr_q  <= 1'b0;
        gap_q     <= 1'b0;
        lost_q    <= '0;
        rstart_q  <= '0;
        rskip_q   <= '0;
      end
    end
  end

  logic unused;
  assign unused = ^st_i;   // only valid and exp_sn are read

endmodule
