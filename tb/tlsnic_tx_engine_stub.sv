// tlsnic_tx_engine_stub: a stand-in with exactly the ports and parameters of tlsnic_tx_engine
// (docs/architecture.md, "TX offload engine") so the bench (tb/tb_tx_engine.cpp) and the harness
// (harness/tx-sim.ts) can be developed and proven before the real engine exists.
//
// Behaviour: packet frames (kind 0, offload or not) are forwarded unchanged through a 4-entry beat
// FIFO with back-pressure; control, resync and reserved frames are accepted and swallowed. Counters:
// tx_plain_packets (15) counts packet frames with offload = 0, tx_frame_err (14) counts frames of the
// reserved kind; every other index reads 0. No encryption, no MAX_FRAME check, no flow table.
//
// Timing: s_tready_o depends only on the FIFO fill (registered), so the input runs at one beat a
// cycle while the output is ready; the output is the FIFO head (no combinational path from input).
// Bench-only: txEngineSources() in harness/tx-sim.ts excludes *_stub.sv from the real engine's build.
module tlsnic_tx_engine_stub #(
  parameter int unsigned W         = 512,
  parameter int unsigned N_CTX     = 1024,
  parameter int unsigned MAX_FRAME = 9600
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic             s_tvalid_i,
  output logic             s_tready_o,
  input  logic [W-1:0]     s_tdata_i,
  input  logic [W/8-1:0]   s_tkeep_i,
  input  logic             s_tlast_i,
  input  logic [18:0]      s_tuser_i,
  output logic             m_tvalid_o,
  input  logic             m_tready_i,
  output logic [W-1:0]     m_tdata_o,
  output logic [W/8-1:0]   m_tkeep_o,
  output logic             m_tlast_o,
  output logic             c_tvalid_o,
  input  logic             c_tready_i,
  output logic [207:0]     c_tdata_o,
  input  logic [4:0]       cnt_sel_i,
  output logic [63:0]      cnt_value_o
);

  // The stub ignores the flow table size, the frame limit and the context id.
  /* verilator lint_off UNUSEDPARAM */
  localparam int unsigned UnusedNCtx     = N_CTX;
  localparam int unsigned UnusedMaxFrame = MAX_FRAME;
  /* verilator lint_on UNUSEDPARAM */
  logic [15:0] unused_ctx;
  assign unused_ctx = s_tuser_i[18:3];
  // No completions (no encryption).
  logic unused_c_ready;
  assign unused_c_ready = c_tready_i;
  assign c_tvalid_o = 1'b0;
  assign c_tdata_o  = '0;

  localparam int unsigned Depth = 4;
  localparam int unsigned BeatW = W + W / 8 + 1;  // {tlast, tkeep, tdata}

  logic [BeatW-1:0] mem_q [Depth];
  logic [1:0]       wr_q, rd_q;
  logic [2:0]       count_q;
  logic             in_frame_q;   // a frame's first beat was accepted and its last was not yet
  logic             fwd_q;        // the current frame is a packet (forwarded)
  logic [63:0]      plain_q, frame_err_q;

  logic accept, first, fwd, push, pop;
  logic [1:0] kind;
  assign s_tready_o = (count_q != 3'(Depth));
  assign accept = s_tvalid_i && s_tready_o;
  assign first  = !in_frame_q;
  assign kind   = s_tuser_i[1:0];
  assign fwd    = first ? (kind == 2'd0) : fwd_q;
  assign push   = accept && fwd;
  assign pop    = m_tvalid_o && m_tready_i;

  assign m_tvalid_o = (count_q != 3'd0);
`ifndef TLSNIC_STUB_FAULTS
  assign {m_tlast_o, m_tkeep_o, m_tdata_o} = mem_q[rd_q];
`else
  // Protocol faults for the bench's own checker test, chosen by the packet's first byte:
  // 0xfe never asserts tlast, 0xfd punches a hole into the last beat's tkeep, 0xfc changes
  // tdata every cycle (so a stalled beat is not stable).
  logic             head_last, out_first_q, toggle_q;
  logic [W/8-1:0]   head_keep;
  logic [W-1:0]     head_data;
  logic [7:0]       tag, tag_q;
  assign {head_last, head_keep, head_data} = mem_q[rd_q];
  assign tag       = out_first_q ? head_data[7:0] : tag_q;
  assign m_tlast_o = head_last && tag != 8'hfe;
  assign m_tkeep_o = (head_last && tag == 8'hfd) ? (head_keep & ~(W/8)'(2)) : head_keep;
  assign m_tdata_o = (tag == 8'hfc) ? (head_data ^ {{(W - 16){1'b0}}, toggle_q, 15'd0}) : head_data;
  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      out_first_q <= 1'b1;
      tag_q       <= '0;
      toggle_q    <= 1'b0;
    end else begin
      toggle_q <= !toggle_q;
      if (pop) begin
        out_first_q <= head_last;
        tag_q       <= tag;
      end
    end
  end
`endif

  always_ff @(posedge clk_i) begin
    if (!rst_ni) begin
      wr_q        <= '0;
      rd_q        <= '0;
      count_q     <= '0;
      in_frame_q  <= 1'b0;
      fwd_q       <= 1'b0;
      plain_q     <= '0;
      frame_err_q <= '0;
    end else begin
      if (push) begin
        mem_q[wr_q] <= {s_tlast_i, s_tkeep_i, s_tdata_i};
        wr_q        <= wr_q + 2'd1;
      end
      if (pop) rd_q <= rd_q + 2'd1;
      count_q <= count_q + {2'b00, push} - {2'b00, pop};
      if (accept) begin
        in_frame_q <= !s_tlast_i;
        fwd_q      <= fwd;
        if (first && kind == 2'd0 && !s_tuser_i[2]) plain_q <= plain_q + 64'd1;
        if (first && kind == 2'd3) frame_err_q <= frame_err_q + 64'd1;
      end
    end
  end

  always_comb begin
    unique case (cnt_sel_i)
      5'd14:   cnt_value_o = frame_err_q;
      5'd15:   cnt_value_o = plain_q;
      default: cnt_value_o = '0;
    endcase
  end

endmodule
