// Runs a list of layers through the RTL on worker threads, each with its own Verilated model,
// with a progress bar on a terminal: `ternac run` and `ternac model`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "ternac/model/core/gemm.h"
#include "ternac/sim/cli/harness.h"
#include "ternac/sim/cli/workloads.h"

namespace ternac::cli {

// Makes layer i's problem; called on a worker's helper thread, for several layers at once.
using MakeProblem = std::function<GemmProblem(std::size_t)>;
// Layer i's run options (backpressure, padding, seed).
using MakeOptions = std::function<RunOptions(std::size_t)>;
// Called once a layer is done, in the order layers finish (the order of `jobs` with one worker),
// one call at a time. With it, the progress bar is left out (the caller reports progress).
using OnDone = std::function<void(std::size_t, const RunReport&)>;

// Runs every job and returns their reports in the order of `jobs`. Workers take layers in order,
// each on its own model in its own Verilated context (so that models run on different cores at
// once), and make their next layer on another thread while the current one simulates: at most
// two layers per worker are in memory (layers_memory). A layer's report does not depend on the
// worker: every command starts from an idle array. The first exception of any worker is rethrown
// once all have stopped.
std::vector<RunReport> run_layers(const std::vector<LayerJob>& jobs, std::size_t workers,
                                  const MakeProblem& make_problem,
                                  const MakeOptions& make_options = {}, const OnDone& on_done = {});

// The memory run_layers takes for `jobs` on `workers` workers (common.h): the process, one model
// per worker, and the 2 x workers largest GEMMs.
std::uint64_t layers_memory(const std::vector<LayerJob>& jobs, std::size_t workers);

}  // namespace ternac::cli
