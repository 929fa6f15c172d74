// tlsnic_rx_install: the RX engine's install sequencer (docs/rx-engine-model.md section 2). An
// install control frame's last beat waits in FP while the sequencer takes one step per enabled
// cycle (step_i: the control frame's last beat is in FP and the pipeline moves), go_i high for
// a valid install:
//   CsIdle    the context id may be in use: its flow-table entry is freed (the front end writes
//             it) and its back-end entry zeroed (zx_o); the tuple's bucket is read
//   CsBucket  the bucket probe (tlsnic_rx_flow_table): a way holding the tuple under another id
//             (hit: evict it), else a free way (write there), else the install fails now
//             (bucket full, done_o)
//   CsEvict   the context holding the tuple goes (context table, back end: zx_o)
//   CsWrite   entry and context written (ins_o), done_o
// Up to 4 cycles per install; the entry of the re-installed id counts as free in the probe
// (skip_o, skip_slot_o), since CsIdle freed it.
module tlsnic_rx_install #(
  parameter int unsigned N_CTX   = 1024,
  parameter int unsigned BUCKETS = 256,
  parameter int unsigned WAYS    = 4,
  localparam int unsigned CW  = (N_CTX > 1) ? $clog2(N_CTX) : 1,
  localparam int unsigned BKW = (BUCKETS > 1) ? $clog2(BUCKETS) : 1,
  localparam int unsigned WYW = (WAYS > 1) ? $clog2(WAYS) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      step_i,
  input  logic                      go_i,
  input  logic [CW-1:0]             ctx_i,        // the id being installed
  input  tlsnic_rx_pkg::rctx_t      id_st_i,      // its context as loaded (in use? its slot)
  input  tlsnic_rx_pkg::rctx_t      new_i,        // the context the install writes (tlsnic_rx_ctrl)
  input  logic [BKW-1:0]            bucket_i,     // the tuple's bucket
  input  logic                      hit_i,        // probe results (CsBucket)
  input  logic [WYW-1:0]            hitway_i,
  input  logic [CW-1:0]             cid_i,
  input  logic                      free_i,
  input  logic [WYW-1:0]            freeway_i,
  output tlsnic_rx_pkg::inst_step_e step_o,
  output logic                      skip_o,
  output logic [19:0]               skip_slot_o,
  output logic [WYW-1:0]            way_o,        // the way written (CsBucket on)
  output logic [CW-1:0]             evict_ctx_o,  // the evicted context (CsEvict)
  output logic                      done_o,
  output logic                      zx_o,
  output logic [CW-1:0]             zx_ctx_o,
  output tlsnic_rx_pkg::rctx_t      ins_o         // new_i with its flow-table slot
);

  tlsnic_rx_pkg::inst_step_e cs_q;
  logic           cvalid_q;
  logic [19:0]    cslot_q;
  logic [WYW-1:0] way_q;
  logic [CW-1:0]  x_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cs_q     <= tlsnic_rx_pkg::CsIdle;
      cvalid_q <= 1'b0;
      cslot_q  <= '0;
      way_q    <= '0;
    end else if (step_i && go_i) begin
      case (cs_q)
        tlsnic_rx_pkg::CsIdle: begin
          cvalid_q <= id_st_i.valid;
          cslot_q  <= id_st_i.slot;
          cs_q     <= tlsnic_rx_pkg::CsBucket;
        end
        tlsnic_rx_pkg::CsBucket: begin
          way_q <= hit_i ? hitway_i : freeway_i;
          cs_q  <= hit_i ? tlsnic_rx_pkg::CsEvict : (free_i ? tlsnic_rx_pkg::CsWrite : tlsnic_rx_pkg::CsIdle);
        end
        tlsnic_rx_pkg::CsEvict: cs_q <= tlsnic_rx_pkg::CsWrite;
        default: cs_q <= tlsnic_rx_pkg::CsIdle;
      endcase
    end
  end

  always_ff @(posedge clk_i) begin
    if (step_i && cs_q == tlsnic_rx_pkg::CsBucket) x_q <= cid_i;
  end

  always_comb begin
    done_o = 1'b1;
    if (go_i) begin
      case (cs_q)
        tlsnic_rx_pkg::CsIdle:   done_o = 1'b0;
        tlsnic_rx_pkg::CsBucket: done_o = !hit_i && !free_i;     // bucket full: fails now
        tlsnic_rx_pkg::CsEvict:  done_o = 1'b0;
        default:                 done_o = 1'b1;
      endcase
    end
    ins_o      = new_i;
    ins_o.slot = 20'({bucket_i, way_q});
  end

  // Key hygiene: the back end zeroes the entry of a reused id (CsIdle, whatever the install's
  // outcome) and of the evicted context (CsEvict), through a delete item sent in that cycle.
  assign zx_o     = go_i && ((cs_q == tlsnic_rx_pkg::CsIdle && id_st_i.valid) || cs_q == tlsnic_rx_pkg::CsEvict);
  assign zx_ctx_o = (cs_q == tlsnic_rx_pkg::CsEvict) ? x_q : ctx_i;

  assign step_o      = cs_q;
  assign skip_o      = cvalid_q;
  assign skip_slot_o = cslot_q;
  assign way_o       = way_q;
  assign evict_ctx_o = x_q;

`ifndef SYNTHESIS
  // Functional cover points (`tlsnic coverage`): every step and outcome of the sequencer.
  c_reuse:  cover property (@(posedge clk_i) rst_ni && step_i && go_i && cs_q == tlsnic_rx_pkg::CsIdle && id_st_i.valid);
  c_free:   cover property (@(posedge clk_i) rst_ni && step_i && go_i && cs_q == tlsnic_rx_pkg::CsBucket && !hit_i && free_i);
  c_evict:  cover property (@(posedge clk_i) rst_ni && step_i && go_i && cs_q == tlsnic_rx_pkg::CsEvict);
  c_full:   cover property (@(posedge clk_i) rst_ni && step_i && go_i && cs_q == tlsnic_rx_pkg::CsBucket && !hit_i && !free_i);
  c_write:  cover property (@(posedge clk_i) rst_ni && step_i && go_i && cs_q == tlsnic_rx_pkg::CsWrite);
`endif

  logic unused;
  assign unused = ^id_st_i;   // only its valid bit and slot are read
endmodule
