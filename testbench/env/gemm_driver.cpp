#include "ternac/testbench/env/gemm_driver.h"

#include <fmt/format.h>

#include <utility>

namespace ternac {

GemmDriver::GemmDriver(const ArrayConfig& config, const Backpressure& bp, std::uint64_t seed)
    : config_(config), gen_(bp, seed) {}

std::size_t GemmDriver::push(CommandSpec spec) {
  auto c = std::make_unique<CommandState>();
  if (spec.accepted) {
    c->order = std::make_unique<ResultOrder>(config_, spec.problem->shape);
    c->expected_beats = c->order->total_beats();
  }
  if (spec.collect) c->y.assign(std::size_t{spec.problem->shape.m} * spec.problem->shape.n, 0);
  if (spec.accepted && spec.check) {
    c->board = spec.expected.empty() ? std::make_unique<Scoreboard>(config_, *spec.problem)
                                     : std::make_unique<Scoreboard>(config_, spec.problem->shape,
                                                                    std::move(spec.expected));
  }
  c->spec = std::move(spec);
  c->spec.expected.clear();
  commands_.push_back(std::move(c));
  return commands_.size() - 1;
}

}  // namespace ternac
