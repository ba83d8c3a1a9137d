#include "layer_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <future>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include "common.h"
#include "text_io.h"

namespace ternac::cli {
namespace {

// Progress of a long run on stderr, redrawn in place on a terminal (nothing otherwise).
class ProgressBar {
 public:
  explicit ProgressBar(std::uint64_t total) : total_(total), tty_(isatty(2) != 0) {}
  void update(std::uint64_t done, const std::string& what, double macs_per_s) {
    if (!tty_ || total_ == 0) return;
    const double f = static_cast<double>(done) / static_cast<double>(total_);
    const int width = 30, filled = static_cast<int>(f * width);
    const double eta = macs_per_s > 0 ? static_cast<double>(total_ - done) / macs_per_s : 0;
    fmt::print(stderr, "\r[{}{}] {:5.1f}% {:<24} {:7.1f} M MACs/s  ETA {:.0f} s  ",
               std::string(static_cast<std::size_t>(filled), '#'),
               std::string(static_cast<std::size_t>(width - filled), '.'), 100 * f,
               printable(what).substr(0, 24), macs_per_s / 1e6, eta);
    std::fflush(stderr);
  }
  void finish() {
    if (tty_) fmt::print(stderr, "\r{:100}\r", "");
  }

 private:
  std::uint64_t total_;
  bool tty_;
};

}  // namespace

std::vector<RunReport> run_layers(const std::vector<LayerJob>& jobs, std::size_t workers,
                                  const MakeProblem& make_problem,
                                  const MakeOptions& make_options) {
  std::uint64_t total_macs = 0;
  for (const LayerJob& j : jobs) total_macs += j.shape.macs();
  ProgressBar bar(total_macs);
  std::uint64_t done_macs = 0;
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<RunReport> reports(jobs.size());
  std::atomic<std::size_t> next_job{0};
  std::mutex progress_mutex;
  std::exception_ptr worker_error;
  const auto worker = [&] {
    try {
      VerilatedContext context;
      Harness h(&context);
      std::size_t i = next_job++;
      std::future<GemmProblem> next;
      if (i < jobs.size()) next = std::async(std::launch::async, make_problem, i);
      while (i < jobs.size()) {
        const GemmProblem problem = next.get();
        const std::size_t after = next_job++;
        if (after < jobs.size()) next = std::async(std::launch::async, make_problem, after);
        reports[i] = h.run(problem, make_options ? make_options(i) : RunOptions{});
        // A layer that failed (a timeout, say) may have left the array in the middle of its
        // command: the next one starts from reset.
        if (!reports[i].passed) h.reset();
        const std::lock_guard<std::mutex> lock(progress_mutex);
        done_macs += jobs[i].shape.macs();
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        bar.update(done_macs, fmt::format("block {} {}", jobs[i].block, jobs[i].kind),
                   static_cast<double>(done_macs) / secs);
        i = after;
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(progress_mutex);
      if (!worker_error) worker_error = std::current_exception();
      next_job = jobs.size();  // the other workers stop after their current layer
    }
  };
  // Every worker on a thread of its own: a VerilatedContext made on a thread becomes that
  // thread's current context, which must outlive every model the thread later destroys (the
  // main thread's harness belongs to the shared context).
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < std::min(workers, jobs.size()); ++w) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  bar.finish();
  if (worker_error) std::rethrow_exception(worker_error);
  return reports;
}

std::uint64_t layers_memory(const std::vector<LayerJob>& jobs, std::size_t workers) {
  workers = std::min(workers, jobs.size());
  // At most two layers per worker are in memory at once (the one simulated and the next one
  // being made): at most the 2 x workers largest.
  std::vector<std::uint64_t> sizes;
  for (const LayerJob& j : jobs) sizes.push_back(gemm_bytes(j.shape));
  std::sort(sizes.rbegin(), sizes.rend());
  sizes.resize(std::min(sizes.size(), 2 * workers));
  // Saturating: a hostile shape must give a huge estimate, not a wrapped small one.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const auto add = [](std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; };
  std::uint64_t total = kBaseBytes;
  for (std::size_t w = 0; w < workers; ++w) total = add(total, kModelBytes);
  for (std::uint64_t b : sizes) total = add(total, b);
  return total;
}

}  // namespace ternac::cli
