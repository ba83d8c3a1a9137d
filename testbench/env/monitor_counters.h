// Reads the energy monitors bound to a Verilated ternac model (testbench/dv): the interface they
// define is a public 64-bit array ternac_counters_q and a 32-bit array ternac_counter_ids (the
// CounterId each counter adds to) in every monitor's scope, found by hierarchical name under the
// model's instance. Nothing here depends on Verilator's generated member names.
#pragma once

#include <verilated.h>
#include <verilated_syms.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ternac {

class MonitorCounters {
 public:
  // The monitors of the model named `model` (its instance name) in `ctx`, after the model's
  // first evaluation (which sets the ids).
  MonitorCounters(VerilatedContext& ctx, const std::string& model) {
    const std::string prefix = model + ".";
    for (const auto& scope : *ctx.scopeNameMap()) {
      if (std::string(scope.first).rfind(prefix, 0) != 0) continue;
      if (VerilatedVar* t = scope.second->varFind("ternac_counts_toggles")) {
        counts_toggles_ = *static_cast<const std::uint8_t*>(t->datap()) != 0;
      }
      VerilatedVar* counters = scope.second->varFind("ternac_counters_q");
      VerilatedVar* ids = scope.second->varFind("ternac_counter_ids");
      if (counters == nullptr && ids == nullptr) continue;
      if (counters == nullptr || ids == nullptr || counters->udims() != 1 || ids->udims() != 1 ||
          counters->vltype() != VLVT_UINT64 || ids->vltype() != VLVT_UINT32 ||
          size(*counters) != size(*ids)) {
        throw std::runtime_error(std::string("energy monitor ") + scope.first +
                                 ": ternac_counters_q / ternac_counter_ids malformed");
      }
      monitors_.push_back({static_cast<const std::uint64_t*>(counters->datap()),
                           static_cast<const std::uint32_t*>(ids->datap()), size(*counters)});
    }
  }

  // True for a model Verilated without testbench/dv/ternac_dv.f (the design alone): its counts
  // are all zero.
  bool empty() const { return monitors_.empty(); }
  // True for a model Verilated with TERNAC_TOGGLES, whose monitors count switching activity too
  // (ternac_rtl_model(... TOGGLES)); the toggle counts of any other model stay zero.
  bool counts_toggles() const { return counts_toggles_; }
  std::size_t monitors() const { return monitors_.size(); }

  // Every counter summed per id (ternac_dv_pkg::counter_e, CounterId in model/core/op_counts.h),
  // the vector as long as the largest id needs: MonitorCounts::from_ids reads it.
  std::vector<std::uint64_t> by_id() const {
    std::vector<std::uint64_t> total;
    for (const Monitor& m : monitors_) {
      for (std::size_t i = 0; i < m.n; ++i) {
        if (m.ids[i] >= total.size()) total.resize(m.ids[i] + 1, 0);
        total[m.ids[i]] += m.counters[i];
      }
    }
    return total;
  }

 private:
  struct Monitor {
    const std::uint64_t* counters;
    const std::uint32_t* ids;
    std::size_t n;
  };
  static std::size_t size(const VerilatedVar& v) {
    return static_cast<std::size_t>(v.high(1) - v.low(1) + 1);
  }
  bool counts_toggles_ = false;
  std::vector<Monitor> monitors_;
};

}  // namespace ternac
