// tlsnic_ctx_table: a per-connection state table with its working copy, the one pattern the
// front ends (tlsnic_tx_front, tlsnic_rx_front) and the GCM back end (tlsnic_gcm_back) keep their
// contexts in.
//
//   table    N_CTX entries of DW bits, one registered read port (rd_o valid the cycle after
//            rd_en_i) and one write port. After reset a clear sweep writes every entry zero,
//            one per cycle (SWEEP >= N_CTX cycles, busy_o high; the user accepts no work
//            meanwhile, so the sweep owns the write port).
//   working  the newest state of the context being worked on (wk_o), owned by id wk_id: a frame
//   copy     works on it item by item and writes the table only when it commits. A read of the
//            owned id returns the working copy instead of the table (ld_o), which may not hold
//            the newest state yet (a commit is written in the cycle the next frame's read
//            happens). own_i takes ownership for own_id_i.
//   snapshot the state a frame started from (snap_o), written by the user when the frame loads
//            its context, so that a frame that does not commit restores it into the working copy.
// What a frame commits or restores, and when, is each user's rule (its header says); the
// registers, the forwarding and the sweep are here. Latency: ld_o is combinational from rd_o and
// the working copy; every register updates on the clock edge of its write enable.
// FWD_REG = 1 registers the forwarding select (issue 16: the id compare leaves the load path):
// fwd_q is kept equal to "the working copy belongs to the id read last" (rd_fid_i, the read's
// full id): computed at each read against the owner as it will be after that edge, and again at
// each ownership change. The user must load only the entry it read last (both users that set it
// read the context of the beat or item moving into the stage that loads it); ld_id_i is then
// unused.
// The table array (tbl_q) is Verilator-public (read back by tb/tb_tables.h; synthesis ignores the
// comment).
module tlsnic_ctx_table #(
  parameter int unsigned N_CTX = 1024,
  parameter int unsigned DW    = 8,                    // entry bits
  parameter int unsigned IDW   = 16,                   // bits of the ids the forwarding compares
  parameter int unsigned SWEEP = N_CTX,                // clear sweep cycles after reset
  parameter bit          FWD_REG = 1'b0,               // forwarding select registered with the read
  localparam int unsigned CW  = (N_CTX > 1) ? $clog2(N_CTX) : 1,
  localparam int unsigned SWW = $clog2(SWEEP + 1)
) (
  input  logic           clk_i,
  input  logic           rst_ni,
  output logic           busy_o,        // clear sweep in progress
  // table
  input  logic           rd_en_i,
  input  logic [CW-1:0]  rd_id_i,
  input  logic [IDW-1:0] rd_fid_i,      // FWD_REG: the read's full id (else unused)
  output logic [DW-1:0]  rd_o,
  input  logic           wr_en_i,
  input  logic [CW-1:0]  wr_id_i,
  input  logic [DW-1:0]  wr_d_i,
  // load with forwarding
  input  logic [IDW-1:0] ld_id_i,
  output logic [DW-1:0]  ld_o,
  // working copy and snapshot
  input  logic           own_i,
  input  logic [IDW-1:0] own_id_i,
  input  logic           wk_we_i,
  input  logic [DW-1:0]  wk_d_i,
  output logic [DW-1:0]  wk_o,
  input  logic           snap_we_i,
  input  logic [DW-1:0]  snap_d_i,
  output logic [DW-1:0]  snap_o
);

  if (N_CTX < 1 || SWEEP < N_CTX) begin : g_bad_sweep
    $fatal(1, "tlsnic_ctx_table: N_CTX = %0d, SWEEP = %0d; the sweep must clear every entry", N_CTX, SWEEP);
  end
  if (IDW < CW) begin : g_bad_idw
    $fatal(1, "tlsnic_ctx_table: IDW = %0d is narrower than a table index (%0d bits)", IDW, CW);
  end

  // Clear sweep.
  logic           init_q;
  logic [SWW-1:0] init_idx_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      init_q     <= 1'b1;
      init_idx_q <= '0;
    end else if (init_q) begin
      init_idx_q <= init_idx_q + 1'b1;
      if (init_idx_q == SWW'(SWEEP - 1)) init_q <= 1'b0;
    end
  end
  assign busy_o = init_q;

  // Table.
  logic [DW-1:0] tbl_q [N_CTX] /*verilator public_flat_rd*/;
  logic          port_we;
  logic [CW-1:0] port_wa;
  logic [DW-1:0] port_wd;
  always_comb begin
    port_we = wr_en_i;
    port_wa = wr_id_i;
    port_wd = wr_d_i;
    if (init_q) begin
      port_we = {{(32-SWW){1'b0}}, init_idx_q} < 32'(N_CTX);
      port_wa = init_idx_q[CW-1:0];
      port_wd = '0;
    end
  end
  always_ff @(posedge clk_i) begin
    if (rd_en_i) rd_o <= tbl_q[rd_id_i];
    if (port_we) tbl_q[port_wa] <= port_wd;
  end

  // Working copy and snapshot.
  logic [IDW-1:0] wk_id_q;
  logic           wk_has_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      wk_o     <= '0;
      snap_o   <= '0;
      wk_id_q  <= '0;
      wk_has_q <= 1'b0;
    end else begin
      if (wk_we_i) wk_o <= wk_d_i;
      if (snap_we_i) snap_o <= snap_d_i;
      if (own_i) begin
        wk_id_q  <= own_id_i;
        wk_has_q <= 1'b1;
      end
    end
  end
  if (FWD_REG) begin : g_fwd_reg
    logic           fwd_q;
    logic [IDW-1:0] rdid_q;   // the full id read last
`ifndef SYNTHESIS
    int unsigned brk;   // test-only fault injection (+tlsnic_break=<n>, test/rtl-assertions.test.ts)
    initial if (!$value$plusargs("tlsnic_break=%d", brk)) brk = 0;
`endif
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        fwd_q  <= 1'b0;
        rdid_q <= '0;
      end else if (rd_en_i) begin
        rdid_q <= rd_fid_i;
        fwd_q  <= own_i ? own_id_i == rd_fid_i : (wk_has_q && wk_id_q == rd_fid_i);
      end else if (own_i
`ifndef SYNTHESIS
                   && brk != 32'd18   // test-only fault: an ownership change after the read is missed
`endif
                  ) begin
        fwd_q  <= own_id_i == rdid_q;
      end
    end
    assign ld_o = fwd_q ? wk_o : rd_o;
    logic unused_ld_id;
    assign unused_ld_id = ^ld_id_i;
`ifndef SYNTHESIS
    // The registered select is the combinational one against the id read last; a load of that id
    // (the users' rule, asserted where they load) therefore forwards exactly as FWD_REG = 0 would.
    always_ff @(posedge clk_i) begin
      if (rst_ni) begin
        a_fwd_reg: assert (fwd_q == (wk_has_q && wk_id_q == rdid_q))
          else $error("tlsnic_ctx_table: registered forwarding select %0d, owner %0d (has %0d), id read last %0d", fwd_q, wk_id_q, wk_has_q, rdid_q);
      end
    end
`endif
  end else begin : g_fwd_comb
    assign ld_o = (wk_has_q && wk_id_q == ld_id_i) ? wk_o : rd_o;
    logic unused_fid;
    assign unused_fid = ^rd_fid_i;
  end

endmodule
