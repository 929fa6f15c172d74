// tlsnic_rx_verdict: the verdict of an RX frame (docs/rx-engine-model.md sections 3 to 4.7) and
// the counters the front end decides, for tlsnic_rx_front. Combinational verdict, for the frame's
// last item (packets), every install-sequencer step (installs) or the last step (other control
// frames):
//   packets: oversize, not TCP, plain (no context), checksum error, old, far, or walked — the
//     only verdict that commits the context (commit_o, the state fin_st_o: the walk's st_nx_i
//     at exp_sn end_i, and a lock's resync request raised once: ev_o);
//   control frames: rejected (an install answers bad_frame), delete, resync response, install
//     steps (evictions, bucket full, success: an install-result event);
//   reserved frame kinds: rx_frame_err.
// Counters (cnt_sel_i: RX_COUNTER_NAMES in models/nic-rx.ts) move when cnt_now_i is high; the
// engine top serves the mark-dependent ones (decrypted packets and bytes, err, pass).
module tlsnic_rx_verdict (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic [1:0]                kind_i,        // frame kind
  input  logic                      oversize_i,
  input  logic                      malformed_i,
  input  logic [2:0]                dec_i,         // tlsnic_rx_pkg::Dec*
  input  logic                      csum_ok_i,     // IP header and TCP checksums
  input  tlsnic_rx_pkg::rctx_t      st_nx_i,       // the context after the frame's walk
  input  logic [31:0]               end_i,         // the packet's end sequence number
  input  logic                      gap_i,         // the packet started a gap
  input  logic [16:0]               lost_i,        // sync losses in the frame
  input  logic [16:0]               rstart_i,      // resync requests started in the frame
  input  logic [16:0]               rskip_i,       // resync requests abandoned in the frame
  input  logic                      c_err_i,       // control frame rejected (tlsnic_rx_ctrl)
  input  logic [7:0]                c_op_i,
  input  logic                      c_empty_i,     // a frame of no bytes
  input  tlsnic_rx_pkg::rctx_t      ld_st_i,       // the addressed context as loaded
  input  logic                      res_ok_i,
  input  logic                      res_end_i,
  input  logic                      res_rskip_i,
  input  tlsnic_rx_pkg::inst_step_e cs_i,          // install sequencer step
  input  logic                      full_i,        // the install fails in this step (bucket full)
  input  tlsnic_rx_pkg::rctx_t      x_st_i,        // the context an install evicts
  input  logic                      cnt_now_i,
  output logic                      commit_o,
  output tlsnic_rx_pkg::rctx_t      fin_st_o,
  output logic                      ev_o,
  output logic [1:0]                ev_code_o,
  output logic [1:0]                ev_status_o,
  output logic                      old_o,         // rule 6 (rx_tls_old_packets or far)
  input  logic [4:0]                cnt_sel_i,
  output logic [63:0]               cnt_value_o
);

  localparam int unsigned NC = tlsnic_rx_pkg::NumCounters;

  logic [63:0] cnt_q [NC];
  logic [NC-1:0] cnt_inc;
  logic [63:0] cnt_add [NC];
  logic        commit, req_ev, ev;
  logic [1:0]  ev_code, ev_status;
  tlsnic_rx_pkg::rctx_t fin_st;

  always_comb begin
    cnt_inc = '0;
    for (int i = 0; i < NC; i++) cnt_add[i] = 64'd1;
    commit    = 1'b0;
    req_ev    = 1'b0;
    ev        = 1'b0;
    ev_code   = tlsnic_rx_pkg::EvInstallResult;
    ev_status = tlsnic_rx_pkg::StOk;
    fin_st    = st_nx_i;
    fin_st.exp_sn = end_i;
    if (fin_st.mode == tlsnic_rx_pkg::ModeLock && !fin_st.req) begin
      fin_st.req = 1'b1;
      req_ev     = 1'b1;
    end
    case (kind_i)
      tlsnic_rx_pkg::KindPacket: begin
        if (oversize_i) cnt_inc[tlsnic_rx_pkg::COversize] = 1'b1;
        else if (malformed_i || dec_i == tlsnic_rx_pkg::DecNone) cnt_inc[tlsnic_rx_pkg::CNotTcp] = 1'b1;
        else if (dec_i == tlsnic_rx_pkg::DecPlain) cnt_inc[tlsnic_rx_pkg::CPlain] = 1'b1;
        else if (!csum_ok_i) cnt_inc[tlsnic_rx_pkg::CCsum] = 1'b1;
        else if (dec_i == tlsnic_rx_pkg::DecOld) cnt_inc[tlsnic_rx_pkg::COld] = 1'b1;
        else if (dec_i == tlsnic_rx_pkg::DecFar) cnt_inc[tlsnic_rx_pkg::CFar] = 1'b1;
        else if (dec_i == tlsnic_rx_pkg::DecWalk) begin
          commit = 1'b1;
          ev     = req_ev;
          ev_code = tlsnic_rx_pkg::EvResyncRequest;
          cnt_inc[tlsnic_rx_pkg::CReqPkt]   = req_ev;
          cnt_inc[tlsnic_rx_pkg::CGap]      = gap_i;
          cnt_inc[tlsnic_rx_pkg::CLost]     = 1'b1;
          cnt_add[tlsnic_rx_pkg::CLost]     = {47'b0, lost_i};
          cnt_inc[tlsnic_rx_pkg::CReqStart] = 1'b1;
          cnt_add[tlsnic_rx_pkg::CReqStart] = {47'b0, rstart_i};
          cnt_inc[tlsnic_rx_pkg::CReqSkip]  = 1'b1;
          cnt_add[tlsnic_rx_pkg::CReqSkip]  = {47'b0, rskip_i};
        end
      end
      tlsnic_rx_pkg::KindControl: begin
        if (c_err_i) begin
          cnt_inc[tlsnic_rx_pkg::CCtrlErr] = 1'b1;
          // A rejected install answers (bad_frame); a frame of no bytes has no opcode to read.
          ev        = c_op_i == tlsnic_rx_pkg::OpInstall && !c_empty_i;
          ev_status = tlsnic_rx_pkg::StBadFrame;
        end else if (c_op_i == tlsnic_rx_pkg::OpDelete) begin
          cnt_inc[tlsnic_rx_pkg::CDel] = 1'b1;
          cnt_inc[tlsnic_rx_pkg::CReqSkip] = ld_st_i.mode == tlsnic_rx_pkg::ModeLock;
        end else if (c_op_i == tlsnic_rx_pkg::OpHashKey) begin
          // a new hash key: no counter, no event
        end else if (c_op_i == tlsnic_rx_pkg::OpResync) begin
          cnt_inc[tlsnic_rx_pkg::CResOk]   = res_ok_i;
          cnt_inc[tlsnic_rx_pkg::CResSkip] = !res_ok_i;
          cnt_inc[tlsnic_rx_pkg::CReqEnd]  = res_end_i;
          cnt_inc[tlsnic_rx_pkg::CReqSkip] = res_rskip_i;
        end else begin
          case (cs_i)
            tlsnic_rx_pkg::CsIdle: begin
              cnt_inc[tlsnic_rx_pkg::CEvict]   = ld_st_i.valid;
              cnt_inc[tlsnic_rx_pkg::CReqSkip] = ld_st_i.valid && ld_st_i.mode == tlsnic_rx_pkg::ModeLock;
            end
            tlsnic_rx_pkg::CsWait: begin
              if (full_i) begin
                cnt_inc[tlsnic_rx_pkg::CInstFail] = 1'b1;
                ev        = 1'b1;
                ev_status = tlsnic_rx_pkg::StBucketFull;
              end
            end
            tlsnic_rx_pkg::CsEvict: begin
              cnt_inc[tlsnic_rx_pkg::CEvict]   = 1'b1;
              cnt_inc[tlsnic_rx_pkg::CReqSkip] = x_st_i.valid && x_st_i.mode == tlsnic_rx_pkg::ModeLock;
            end
            default: begin
              cnt_inc[tlsnic_rx_pkg::CCtx] = 1'b1;
              ev = 1'b1;
            end
          endcase
        end
      end
      default: cnt_inc[tlsnic_rx_pkg::CFrameErr] = 1'b1;
    endcase
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      for (int i = 0; i < NC; i++) cnt_q[i] <= '0;
    end else if (cnt_now_i) begin
      for (int i = 0; i < NC; i++) begin
        if (cnt_inc[i]) cnt_q[i] <= cnt_q[i] + cnt_add[i];
      end
    end
  end

  assign cnt_value_o = ({27'b0, cnt_sel_i} < NC) ? cnt_q[cnt_sel_i] : 64'd0;
  assign commit_o    = commit;
  assign fin_st_o    = fin_st;
  assign ev_o        = ev;
  assign ev_code_o   = ev_code;
  assign ev_status_o = ev_status;
  assign old_o       = kind_i == tlsnic_rx_pkg::KindPacket && (cnt_inc[tlsnic_rx_pkg::COld] || cnt_inc[tlsnic_rx_pkg::CFar]);

`ifndef SYNTHESIS
  // Functional cover points (`tlsnic coverage`): every counter the front end decides moves.
  for (genvar i = 0; i < NC; i++) begin : g_cov_cnt
    if (i != tlsnic_rx_pkg::CDecPkts && i != tlsnic_rx_pkg::CDecBytes && i != tlsnic_rx_pkg::CErr && i != tlsnic_rx_pkg::CPass) begin : g_here
      c_cnt: cover property (@(posedge clk_i) rst_ni && cnt_now_i && cnt_inc[i] && cnt_add[i] != 64'd0);
    end
  end
`endif

  logic unused;
  assign unused = ^{ld_st_i, x_st_i};   // only their valid bits and modes are read

endmodule
