// Shared definitions of ternac's simulation-only verification modules (testbench/dv).
//
// The energy monitors bound to the design (ternac_bind.sv) each keep a few 64-bit counters in
// ternac_counters_q and say which counter of the array each one adds to in ternac_counter_ids:
// the harness reads every monitor through these two names (Verilator public variables, found by
// hierarchical scope) and sums them per id. The ids below are that order; model/core/op_counts.h
// mirrors it (docs/energy.md defines every counter).
package ternac_dv_pkg;

  typedef enum int unsigned {
    CntFires            = 0,   // activation beats computed
    CntSelPos           = 1,   // selects that drove a nonzero +x (split: into the +1 tree)
    CntSelNeg           = 2,   // selects that took the -x path (split: drove the -1 tree)
    CntSelZero          = 3,   // the other selects of a computed beat (gated, or +x of x = 0)
    CntMuls             = 4,   // INT8 multipliers with a nonzero operand
    CntAccAdds          = 5,   // accumulator adds with a nonzero input
    CntRegPipeBits      = 6,   // pipeline register bits loaded with a valid item
    CntPsumReadBits     = 7,   // partial-sum bits read
    CntPsumWriteBits    = 8,   // partial-sum bits written
    CntWgtStreamBits    = 9,   // weight-stream bits taken
    CntWgtBankWriteBits = 10,  // weight bits written into the double buffer
    CntActStreamBits    = 11,  // activation-stream bits taken
    CntResStreamBits    = 12,  // result-stream bits delivered
    // Switching activity: output bits that changed from one clock cycle to the next, counted only
    // in a model told to (plusarg +ternac_toggles: the harness's count_toggles()).
    CntTogSelPos        = 13,  // select outputs, at selects that drive +x in that cycle
    CntTogSelNeg        = 14,  // ... at selects on the -x path
    CntTogSelZero       = 15,  // ... at the other selects (gated, or +x of x = 0)
    CntTogMul           = 16,  // INT8 multiplier products
    CntTogAcc           = 17,  // accumulator adder outputs
    CntTogRegStage0     = 18,  // the stage-0 activation register
    CntTogRegTree       = 19,  // the trees' pipeline registers and the lanes' root registers
    CntTogBank          = 20,  // the weight double buffer
    CntTogPsum          = 21,  // the partial-sum memories
    NumFixedCounters    = 22
  } counter_e;

  // Adder entry e (ternac_pkg::add_entries): adds with a nonzero input, and output toggles.
  function automatic int unsigned entry_adds_id(int unsigned entry);
    entry_adds_id = NumFixedCounters + 2 * entry;
  endfunction
  function automatic int unsigned entry_toggles_id(int unsigned entry);
    entry_toggles_id = NumFixedCounters + 2 * entry + 1;
  endfunction

endpackage
