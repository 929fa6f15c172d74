// tlsnic_tx_front_cover.svh: the functional cover points of tlsnic_tx_front (`tlsnic coverage`,
// docs/architecture.md "Coverage"), included inside its `ifndef SYNTHESIS block, where they read
// the front end's signals by name. Kept apart from the logic, as a coverage model.
  // Functional cover points (simulation only; `tlsnic coverage`, docs/architecture.md "Coverage"):
  // every counter, every packet decision, each control and resync path, every record position a
  // packet can start at, each item shape of the tracker, and back-pressure at the input and in FP.
  for (genvar i = 0; i < tlsnic_tx_pkg::NumCounters; i++) begin : g_cov_cnt
    c_cnt: cover property (@(posedge clk_i) rst_ni && fp_frame_end && cnt_inc[i]);
  end
  logic cov_dec, cov_pkt0;
  assign cov_dec  = rst_ni && fp_item && dec_now;
  // Where an encrypted packet starts in its record: the item that decides it (the packet's first
  // item holds no payload at W = 128, so the frame's first item would never see a position).
  assign cov_pkt0 = rst_ni && fp_item && dec_now && dec_val == DecEnc;
  c_dec_enc:      cover property (@(posedge clk_i) cov_dec && dec_val == DecEnc);
  c_dec_nopay:    cover property (@(posedge clk_i) cov_dec && dec_val == DecPass0);
  c_dec_skip:     cover property (@(posedge clk_i) cov_dec && dec_val == DecSkip);
  c_dec_nosync:   cover property (@(posedge clk_i) cov_dec && dec_val == DecNoSync);
  c_dec_bypass:   cover property (@(posedge clk_i) cov_dec && dec_val == DecBypass);
  // The side context (a retransmission on a SEEK descriptor): both decisions, a mid-block start's
  // keystream block in an item of its own and in the first payload item's lane 0, a known tag written, a header byte contradicting the descriptor, and a
  // later record protected from its start inside the side packet.
  c_dec_side:     cover property (@(posedge clk_i) cov_dec && dec_val == DecSide);
  c_dec_side_bad: cover property (@(posedge clk_i) cov_dec && dec_val == DecSideBad);
  // The keystream item of its own: only at W >= 256. At W = 128 the first payload item holds at most
  // 16 bytes, so a mid-block start cannot also end its record and start the next one there, and
  // slot A alone needs at most LANES lanes.
  if (W > 128) begin : g_cov_sd_pre
    c_sd_pre:     cover property (@(posedge clk_i) rst_ni && fp_item && sd_pre);
  end
  c_sd_ks_in:     cover property (@(posedge clk_i) rst_ni && fp_item && sd_ks_in);
  c_sd_ktag:      cover property (@(posedge clk_i) rst_ni && fp_item && sd_tag_now && st.sd_tagv);
  c_sd_hdr_bad:   cover property (@(posedge clk_i) rst_ni && fp_item && sd_hdr_bad);
  c_sd_later_rec: cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && sd_frame && !sd_rec);
  // The soft side context: left behind a side packet, continued with no descriptor, gone with a
  // packet decided on the in-order state, and at the in-order place (where it never takes the packet).
  c_sd_cont_set:  cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindPacket && commit && fin_st.sd_valid && fin_st.sd_cont);
  c_sd_cont_take: cover property (@(posedge clk_i) cov_dec && dec_val == DecSide && st.sd_cont);
  c_sd_cont_gone: cover property (@(posedge clk_i) rst_ni && fp_frame_end && sd_soft_gone);
  c_sd_cont_exp:  cover property (@(posedge clk_i) cov_dec && st.sd_valid && st.sd_cont && sd_at && pa_seq_q == st.exp_sn);
  c_pkt_at_rec:   cover property (@(posedge clk_i) cov_pkt0 && tst.off == 15'd0);
  c_pkt_in_hdr:   cover property (@(posedge clk_i) cov_pkt0 && tst.off != 15'd0 && tst.off < 15'd5);
  c_pkt_in_nonce: cover property (@(posedge clk_i) cov_pkt0 && !tst.ver13 && tst.off >= 15'd5 && tst.off < 15'd13);
  c_pkt_in_body:  cover property (@(posedge clk_i) cov_pkt0 && tst.rlen != 15'd0 && tst.off >= sd_hl && tst.off + 15'd16 < tst.rlen);
  c_pkt_in_tag:   cover property (@(posedge clk_i) cov_pkt0 && tst.rlen != 15'd0 && tst.off + 15'd16 >= tst.rlen);
  c_it_start:     cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && start_a);
  c_it_fin:       cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && fin_a);
  c_it_slot_b:    cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && b_start);
  c_it_cut:       cover property (@(posedge clk_i) rst_ni && fp_item && trk_on && cut);
  c_it_bad:       cover property (@(posedge clk_i) rst_ni && fp_item && trk_err);
  c_ctl_install:  cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindControl && c_inst);
  c_ctl_delete:   cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindControl && c_del);
  c_ctl_error:    cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindControl && c_err);
  c_rs_ok:        cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindResync && rs_ok);
  c_rs_bad:       cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindResync && !rs_ok);
  c_rs_start:     cover property (@(posedge clk_i) rst_ni && fp_frame_end && fr_kind_q == tlsnic_pkg::KindResync && rs_ok && rs_at_start);
  c_stall_in:     cover property (@(posedge clk_i) rst_ni && s_tvalid_i && !s_tready_o && !ct_busy);
  c_stall_fp:     cover property (@(posedge clk_i) rst_ni && !en_i && fp_valid_q);
