// tlsnic_rx_ctrl: decode of an RX control frame (docs/rx-engine-model.md sections 2 and 4.7),
// combinational, for tlsnic_rx_front, which applies it on the frame's last beat (the first VW
// bytes of the frame are in view_i by then):
//   byte 0 opcode (install 1, delete 2, resync 3, hash key 4), byte 1 flags, bytes 4..7 TCP
//   sequence number, bytes 8..15 record sequence number; install: key (16..47), iv / salt
//   (48..59), the tuple (ports 60..63, addresses 64..95); hash key: bytes 1..3 zero, the key in
//   bytes 4..19 (hk_o, byte j in [8j +: 8]).
// err_o: the frame is rejected (rx_ctrl_err): unknown opcode, short frame, reserved flag bits,
// a context id outside the table, a delete of a context that is not installed, a hash key of
// zeroes or while the flow table holds an entry (empty_i low).
// inst_o: the context an install writes (section 2, step 4). res_o: the context after a resync response (section 4.7) applied to
// st_i, the context as loaded for the frame, with the verdict res_ok_o (rx_tls_resync_res_ok,
// else res_skip), res_end_o (the lock's request is answered: resync_req_end) and res_rskip_o (a
// pending request is abandoned: resync_req_skip).
module tlsnic_rx_ctrl #(
  parameter int unsigned N_CTX = 1024,
  parameter int unsigned VW    = 96                      // view bytes
) (
  input  logic [VW*8-1:0]        view_i,
  input  logic [17:0]            nbytes_i,               // frame length
  input  logic [15:0]            ctx_i,                  // the context addressed (tuser)
  input  tlsnic_rx_pkg::rctx_t   st_i,
  input  logic                   empty_i,                // the flow table is empty
  output logic [7:0]             op_o,
  output logic [127:0]           hk_o,
  output logic                   err_o,
  output logic [295:0]           tuple_o,                // install: the flow key of the tuple
  output tlsnic_rx_pkg::rctx_t   inst_o,
  output tlsnic_rx_pkg::rctx_t   res_o,
  output logic                   res_ok_o,
  output logic                   res_end_o,
  output logic                   res_rskip_o
);

  if (VW < 96) begin : g_bad_vw
    $fatal(1, "tlsnic_rx_ctrl: VW = %0d; an install frame is 96 bytes", VW);
  end

  logic [7:0]   c_op, c_fl;
  logic         c_err, c_ctx_ok;
  logic [31:0]  c_sn;
  logic [63:0]  c_n;
  logic [295:0] c_tkey;
  tlsnic_rx_pkg::rctx_t c_new, c_res;
  logic c_res_ok, c_res_end, c_res_rskip;

  function automatic logic [7:0] cvb(input logic [VW*8-1:0] v, input int unsigned i);
    cvb = v[8*i +: 8];
  endfunction
  always_comb begin
    c_op = cvb(view_i, 0);
    for (int j = 0; j < 16; j++) hk_o[8*j +: 8] = cvb(view_i, 4 + j);
    c_fl = cvb(view_i, 1);
    c_ctx_ok = {16'b0, ctx_i} < 32'(N_CTX);
    c_err = nbytes_i == 18'd0   // a frame of one beat with tkeep = 0
         || (c_op != tlsnic_rx_pkg::OpInstall && c_op != tlsnic_rx_pkg::OpDelete && c_op != tlsnic_rx_pkg::OpResync
             && c_op != tlsnic_rx_pkg::OpHashKey)
         || (c_op == tlsnic_rx_pkg::OpHashKey && (nbytes_i < 18'd20 || {cvb(view_i, 1), cvb(view_i, 2), cvb(view_i, 3)} != 24'd0
                                                  || hk_o == '0 || !empty_i))
         || (c_op == tlsnic_rx_pkg::OpInstall && (nbytes_i < 18'd96 || c_fl[7:4] != 4'd0))
         || (c_op == tlsnic_rx_pkg::OpResync && (nbytes_i < 18'd16 || c_fl[7:1] != 7'd0))
         || !c_ctx_ok
         || (c_op == tlsnic_rx_pkg::OpDelete && !st_i.valid);
    c_sn = {cvb(view_i, 4), cvb(view_i, 5), cvb(view_i, 6), cvb(view_i, 7)};
    for (int i = 0; i < 8; i++) c_n[63-8*i -: 8] = cvb(view_i, 8 + i);
    c_tkey = '0;
    c_tkey[7:0] = c_fl[2] ? 8'd6 : 8'd4;
    for (int j = 0; j < 16; j++) begin
      if (c_fl[2] || j >= 12) begin
        c_tkey[8*(1+j) +: 8]  = cvb(view_i, 64 + (c_fl[2] ? j : j - 12));
        c_tkey[8*(17+j) +: 8] = cvb(view_i, 80 + (c_fl[2] ? j : j - 12));
      end
    end
    for (int j = 0; j < 4; j++) c_tkey[8*(33+j) +: 8] = cvb(view_i, 60 + j);

    // The context an install writes (section 2, step 4).
    c_new           = '0;
    c_new.valid     = 1'b1;
    c_new.ver13     = c_fl[0];
    c_new.k256      = c_fl[1];
    c_new.scan      = !c_fl[3];
    for (int i = 0; i < 32; i++) c_new.key[255-8*i -: 8] = (i < 16 || c_fl[1]) ? cvb(view_i, 16 + i) : 8'h0;
    for (int i = 0; i < 12; i++) c_new.iv[95-8*i -: 8]   = (i < 4 || c_fl[0]) ? cvb(view_i, 48 + i) : 8'h0;
    c_new.mode      = tlsnic_rx_pkg::ModeSync;
    c_new.exp_sn    = c_sn;
    c_new.rseq      = c_n;
  end

  // Resync responses (section 4.7): the new state of the context and the verdict.
  always_comb begin
    logic [31:0] k;
    logic [1:0]  hi;
    hi          = '0;
    c_res       = st_i;
    c_res_ok    = 1'b0;
    c_res_end   = 1'b0;
    c_res_rskip = 1'b0;
    k           = st_i.exp_sn - st_i.rec_end;
    if (st_i.valid) begin
      if (!c_fl[0]) begin
        if (st_i.mode == tlsnic_rx_pkg::ModeLock && st_i.req && c_sn == st_i.lock_seq) begin
          c_res_ok  = 1'b1;
          c_res_end = 1'b1;
          c_res.req = 1'b0;
          if (k[31] || k == 32'd0) begin
            c_res.mode      = tlsnic_rx_pkg::ModeSkip;
            c_res.next_rseq = c_n + {32'b0, st_i.lock_cnt} + 64'd1;
          end else begin
            // 1..4 bytes of the next header were seen: the newest k history bytes.
            c_res.mode = tlsnic_rx_pkg::ModeSync;
            c_res.rseq = c_n + {32'b0, st_i.lock_cnt} + 64'd1;
            c_res.off  = k[14:0];
            c_res.rlen = '0;
            c_res.hdr  = '0;
            for (int j = 0; j < 4; j++) begin
              hi = k[1:0] - 2'(j) - 2'd1;
              if (32'(j) < k) c_res.hdr[8*j +: 8] = st_i.hist[8*hi +: 8];
            end
          end
        end
      end else if (!tlsnic_pkg::seq_lt(c_sn, st_i.exp_sn) && !tlsnic_rx_pkg::too_far(c_sn, st_i.exp_sn)) begin
        c_res_ok = 1'b1;
        if (st_i.mode == tlsnic_rx_pkg::ModeLock) begin
          c_res_rskip = 1'b1;
          c_res.req   = 1'b0;
        end
        c_res.mode      = tlsnic_rx_pkg::ModeSkip;
        c_res.rec_end   = c_sn;
        c_res.next_rseq = c_n;
      end
    end
  end

  assign op_o        = c_op;
  assign err_o       = c_err;
  assign tuple_o     = c_tkey;
  assign inst_o      = c_new;
  assign res_o       = c_res;
  assign res_ok_o    = c_res_ok;
  assign res_end_o   = c_res_end;
  assign res_rskip_o = c_res_rskip;

endmodule
