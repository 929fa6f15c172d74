// tlsnic_rx_install: the RX engine's table sequencer for installs and deletes (docs/rx-engine-model.md
// section 2). The control frame's last beat waits in FP while the sequencer takes one step per
// enabled cycle (step_i: the control frame's last beat is in FP and the pipeline moves); inst_i
// high for a valid install, del_i for a valid delete:
//   CsIdle   the command goes to the flow table (cmd_valid_o; tlsnic_rx_cuckoo: an install first
//            removes the id's own entry, a delete removes it); an install reusing an id zeroes
//            the id's back-end entry (zx_o)
//   CsWait   until the flow table's result (kept in res_q from its res_valid pulse, whatever the
//            enable): a delete is done; an install whose tuple another id X held (Present: the
//            entry now names the new id) reads X's context (rd_x_o) and goes to CsEvict; Ok goes
//            to CsWrite; Full is done now (bucket full: full_o, the id stays uninstalled)
//   CsEvict  X's context goes (context table, back end: zx_o)
//   CsWrite  the new context is written (ins_o), done_o
// Steps: an install 4 + the flow table's command cycles (5 for a free way, docs/architecture.md
// "Flow table v2"), 1 more when it evicts; a delete 3 + the table's.
module tlsnic_rx_install #(
  parameter int unsigned N_CTX = 1024,
  localparam int unsigned CW = (N_CTX > 1) ? $clog2(N_CTX) : 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      step_i,
  input  logic                      inst_i,
  input  logic                      del_i,
  input  logic [CW-1:0]             ctx_i,        // the id being installed or deleted
  input  tlsnic_rx_pkg::rctx_t      id_st_i,      // its context as loaded (in use?)
  // flow table command and result
  output logic                      cmd_valid_o,
  input  logic                      cmd_ready_i,
  input  logic                      res_valid_i,
  input  logic [2:0]                res_status_i, // tlsnic_rx_cuckoo Ft*: 0 ok, 1 present, 2 full
  input  logic [15:0]               res_cid_i,    // present: the id that held the tuple
  output tlsnic_rx_pkg::inst_step_e step_o,
  output logic                      rd_x_o,       // read the evicted context (CsWait, present)
  output logic                      full_o,       // the install fails in this step
  output logic [CW-1:0]             evict_ctx_o,  // the evicted context
  output logic                      done_o,
  output logic                      zx_o,
  output logic [CW-1:0]             zx_ctx_o
);

  localparam logic [2:0] FtPresent = 3'd1, FtFull = 3'd2;

  tlsnic_rx_pkg::inst_step_e cs_q;
  logic          have_q;                 // the table's result is in res_q
  logic [2:0]    res_q;
  logic [CW-1:0] x_q;
  logic          go;
  assign go = inst_i || del_i;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      cs_q   <= tlsnic_rx_pkg::CsIdle;
      have_q <= 1'b0;
      res_q  <= '0;
      x_q    <= '0;
    end else begin
      if (res_valid_i) begin
        have_q <= 1'b1;
        res_q  <= res_status_i;
        x_q    <= res_cid_i[CW-1:0];
      end
      if (step_i && go) begin
        case (cs_q)
          tlsnic_rx_pkg::CsIdle: if (cmd_ready_i) cs_q <= tlsnic_rx_pkg::CsWait;
          tlsnic_rx_pkg::CsWait: if (have_q) begin
            have_q <= 1'b0;
            if (del_i || res_q == FtFull) cs_q <= tlsnic_rx_pkg::CsIdle;
            else if (res_q == FtPresent)  cs_q <= tlsnic_rx_pkg::CsEvict;
            else                          cs_q <= tlsnic_rx_pkg::CsWrite;
          end
          tlsnic_rx_pkg::CsEvict: cs_q <= tlsnic_rx_pkg::CsWrite;
          default: cs_q <= tlsnic_rx_pkg::CsIdle;
        endcase
      end
    end
  end

  always_comb begin
    done_o = 1'b1;
    if (go) begin
      case (cs_q)
        tlsnic_rx_pkg::CsIdle:  done_o = 1'b0;
        tlsnic_rx_pkg::CsWait:  done_o = have_q && (del_i || res_q == FtFull);
        tlsnic_rx_pkg::CsEvict: done_o = 1'b0;
        default:                done_o = 1'b1;
      endcase
    end
  end

  assign cmd_valid_o = step_i && go && cs_q == tlsnic_rx_pkg::CsIdle;
  assign rd_x_o      = step_i && inst_i && cs_q == tlsnic_rx_pkg::CsWait && have_q && res_q == FtPresent;
  assign full_o      = inst_i && cs_q == tlsnic_rx_pkg::CsWait && have_q && res_q == FtFull;

  // Key hygiene: the back end zeroes the entry of a reused id (CsIdle, whatever the install's
  // outcome) and of the evicted context (CsEvict), through a delete item sent in that cycle.
  assign zx_o     = inst_i && ((cs_q == tlsnic_rx_pkg::CsIdle && id_st_i.valid) || cs_q == tlsnic_rx_pkg::CsEvict);
  assign zx_ctx_o = (cs_q == tlsnic_rx_pkg::CsEvict) ? x_q : ctx_i;

  assign step_o      = cs_q;
  assign evict_ctx_o = x_q;

`ifndef SYNTHESIS
  // The flow table takes the command: nothing else uses its command port.
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      a_cmd_taken: assert (!(step_i && go && cs_q == tlsnic_rx_pkg::CsIdle) || cmd_ready_i)
        else $error("tlsnic_rx_install: the flow table is not ready for a command");
    end
  end
  // Functional cover points (`tlsnic coverage`): every step and outcome of the sequencer.
  c_reuse:  cover property (@(posedge clk_i) rst_ni && step_i && inst_i && cs_q == tlsnic_rx_pkg::CsIdle && id_st_i.valid);
  c_wait:   cover property (@(posedge clk_i) rst_ni && step_i && go && cs_q == tlsnic_rx_pkg::CsWait && !have_q);
  c_evict:  cover property (@(posedge clk_i) rst_ni && step_i && inst_i && cs_q == tlsnic_rx_pkg::CsEvict);
  c_full:   cover property (@(posedge clk_i) rst_ni && step_i && full_o);
  c_write:  cover property (@(posedge clk_i) rst_ni && step_i && inst_i && cs_q == tlsnic_rx_pkg::CsWrite);
  c_delete: cover property (@(posedge clk_i) rst_ni && step_i && del_i && done_o);
`endif

  logic unused;
  assign unused = ^{id_st_i, res_cid_i};   // only its valid bit is read; ids below N_CTX
endmodule
