// tlsnic_tx_compl: the TX engine's completion queue (issue 17, "Tag write-back"). Every record the
// in-order path finishes (its last tag byte written) is reported to the driver as one entry
// {context, record sequence number, tag} on an AXI-Stream (m_*), so the driver can keep the tag
// with the record and later retransmit a segment holding tag bytes by CTR seek instead of replaying
// the record's prefix (tlsnic_tx_front "Side context"). Entries are written while their packet is
// still being encrypted; they become visible only when the packet's last item keeps it (end_i with
// keep_i), and a dropped packet's entries are taken back (the write pointer returns to the
// committed one), so the driver never learns a tag that did not leave on the wire.
//
// Flow control: free_o counts free entries including the uncommitted ones; the engine's global
// enable holds while it is not above the pipeline's slack, so a driver that stops reading stalls
// the engine as a stopped output does (never a lost or a wrong completion). DEPTH must hold one
// maximum frame's records (a record is at least 21 bytes) plus that slack, or a packet with that
// many records could never commit (tlsnic_tx_engine derives it so); a frame longer than MAX_FRAME
// writes no entry past its limit (the back end writes only for items that go to the output).
//
// Timing: the RAM is read synchronously into an output register (block RAM), which m_* present
// (first word fall-through): an entry appears on m_* two cycles after the end that commits it, and
// the queue streams one entry a cycle while the reader takes them. Latency, record's last tag byte
// in the back end to m_tvalid_o: the packet's remaining items + 3 cycles.
module tlsnic_tx_compl #(
  parameter int unsigned DEPTH = 512,
  parameter int unsigned DW    = 208,
  localparam int unsigned AW   = $clog2(DEPTH)
) (
  input  logic          clk_i,
  input  logic          rst_ni,
  // from the back end (registered there)
  input  logic          wr_i,        // a finished record (uncommitted until its frame's end)
  input  logic [DW-1:0] wr_data_i,
  input  logic          end_i,       // a frame's end: its entries are kept (keep_i) or taken back
  input  logic          keep_i,
  output logic [AW:0]   free_o,
  // to the driver
  output logic          m_tvalid_o,
  input  logic          m_tready_i,
  output logic [DW-1:0] m_tdata_o
);

  if (DEPTH < 2 || (1 << AW) != DEPTH) begin : g_bad_depth
    $fatal(1, "tlsnic_tx_compl: DEPTH = %0d; it must be a power of two, at least 2", DEPTH);
  end

  logic [DW-1:0] mem_q [DEPTH];
  logic [AW:0]   wr_q, cm_q, rd_q, wr_nx;
  logic [DW-1:0] out_q;        // the entry presented on m_*
  logic          out_valid_q;
  logic          load;         // the RAM's next committed entry moves into out_q

  assign wr_nx      = wr_q + (AW+1)'(wr_i);
  assign load       = rd_q != cm_q && (!out_valid_q || m_tready_i);
  assign m_tvalid_o = out_valid_q;
  assign m_tdata_o  = out_q;
  // An entry in out_q has left the RAM: its slot is free.
  assign free_o     = (AW+1)'(DEPTH) - (wr_q - rd_q);

  always_ff @(posedge clk_i) begin
    if (wr_i) mem_q[wr_q[AW-1:0]] <= wr_data_i;
  end
  // Synchronous read (an entry below cm_q was written at least a cycle before: no read of a word
  // being written).
  always_ff @(posedge clk_i) begin
    if (load) out_q <= mem_q[rd_q[AW-1:0]];
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wr_q <= '0;
      cm_q <= '0;
      rd_q <= '0;
      out_valid_q <= 1'b0;
    end else begin
      if (end_i) begin
        if (keep_i) begin
          wr_q <= wr_nx;
          cm_q <= wr_nx;
        end else begin
          wr_q <= cm_q;
        end
      end else begin
        wr_q <= wr_nx;
      end
      if (load) rd_q <= rd_q + 1'b1;
      if (load) out_valid_q <= 1'b1;
      else if (m_tready_i) out_valid_q <= 1'b0;
    end
  end

`ifndef SYNTHESIS
  // Never written while full (the engine's enable keeps room), and the committed entries stay
  // between the read and the write pointers.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_no_overflow: assert (!wr_i || free_o != '0)
        else $error("tlsnic_tx_compl: a completion written into a full queue");
      a_order: assert ((cm_q - rd_q) <= (wr_q - rd_q))
        else $error("tlsnic_tx_compl: the committed pointer passed the write pointer");
    end
  end
  c_compl:      cover property (@(posedge clk_i) rst_ni && m_tvalid_o && m_tready_i);
  c_take_back:  cover property (@(posedge clk_i) rst_ni && end_i && !keep_i && wr_q != cm_q);
  c_compl_stall: cover property (@(posedge clk_i) rst_ni && m_tvalid_o && !m_tready_i);
`endif

endmodule
