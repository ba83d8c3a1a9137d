// Unit test of the TLM-2.0 model: results, annotated timing, status and error responses.
// SystemC elaborates once per process, so this is one sc_main with its own checks.
#include "ternac/sim/systemc/gemm_target.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <string>
#include <systemc>

#include "ternac/model/core/cycle_model.h"
#include "ternac/model/workload/workload.h"

namespace ternac {
namespace {

int failures = 0;

void check(bool ok, const std::string& what) {
  std::printf("%s: %s\n", ok ? "ok  " : "FAIL", what.c_str());
  failures += ok ? 0 : 1;
}

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket{"socket"};
  GemmTarget* target = nullptr;
  SC_HAS_PROCESS(Initiator);
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n) { SC_THREAD(run); }

  tlm::tlm_response_status send(const GemmProblem* p, GemmExtension& ext, sc_core::sc_time& d,
                                bool with_ext = true) {
    tlm::tlm_generic_payload t;
    t.set_command(tlm::TLM_WRITE_COMMAND);
    ext.problem = p;
    if (with_ext) t.set_extension(&ext);
    d = sc_core::SC_ZERO_TIME;
    socket->b_transport(t, d);
    if (with_ext) t.clear_extension(&ext);
    return t.get_response_status();
  }

  void run() {
    const ArrayConfig cfg;
    // Results against a plain multiply-add, timing against the cycle model.
    GemmProblem p = random_problem({{3, 20, 70}, 5, 0.4, ActProfile::kUniform});
    GemmExtension ext;
    sc_core::sc_time d;
    check(send(&p, ext, d) == tlm::TLM_OK_RESPONSE, "a good command is answered OK");
    bool same = ext.result.size() == 3u * 20;
    for (std::uint32_t m = 0; same && m < 3; ++m) {
      for (std::uint32_t n = 0; n < 20; ++n) {
        long dot = 0;
        for (std::uint32_t k = 0; k < 70; ++k) {
          dot += long(trit_value(p.weights[n * 70 + k])) * p.activations[m * 70 + k];
        }
        same = same && ext.result[m * 20 + n] == dot;
      }
    }
    check(same, "every result equals the plain multiply-add");
    const std::uint64_t cycles = predict_cycles(cfg, p.shape).cycles;
    check(d == sc_core::sc_time(double(cycles), sc_core::SC_NS),
          "the delay is the cycle model's count times the clock period");
    // Illegal codes: counted once per token block (M = 3 is one block).
    p.weights[4] = static_cast<std::uint8_t>(TritCode::kIllegal);
    send(&p, ext, d);
    check(target->illegal_trit() && target->illegal_trit_count() == 1, "illegal code counted");
    // A rejected command.
    GemmProblem bad;
    bad.shape = {1, 0, 1};
    check(send(&bad, ext, d) == tlm::TLM_GENERIC_ERROR_RESPONSE, "N = 0 is rejected");
    check(target->bad_cmd() && target->bad_cmd_count() == 1, "bad_cmd counted");
    check(d == sc_core::SC_ZERO_TIME, "a rejected command takes no time");
    // A payload without the extension.
    check(send(&p, ext, d, false) == tlm::TLM_COMMAND_ERROR_RESPONSE,
          "a payload without a GEMM extension is refused");
    // Buffers that do not match the shape.
    GemmProblem short_w = p;
    short_w.weights.pop_back();
    check(send(&short_w, ext, d) == tlm::TLM_BURST_ERROR_RESPONSE,
          "buffers that do not match the shape are refused");
    target->clear_status();
    check(!target->illegal_trit() && !target->bad_cmd(), "status clears");
    sc_core::sc_stop();
  }
};

}  // namespace
}  // namespace ternac

int sc_main(int, char**) {
  using namespace ternac;
  GemmTarget target("model", ArrayConfig{}, sc_core::sc_time(1, sc_core::SC_NS));
  Initiator init("initiator");
  init.target = &target;
  init.socket.bind(target.socket);
  sc_core::sc_start();
  std::printf("%d passed, %d failed\n", 9 - failures, failures);
  return failures ? 1 : 0;
}
