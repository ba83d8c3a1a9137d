#include "ternac/sim/cli/layer_runner.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>

#include "ternac/model/base/text_io.h"
#include "ternac/sim/cli/common.h"

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
    if (tty_ && total_ != 0) fmt::print(stderr, "\r{:100}\r", "");
  }

 private:
  std::uint64_t total_;
  bool tty_;
};

// Makes one worker's layers, one ahead of it, on a thread of its own for the whole run: a
// worker's problems are then always allocated (and freed back) in the same malloc arena, so the
// memory a finished layer frees is what the next one reuses. (A new thread per layer, as
// std::async gives, can attach to another arena each time, and with glibc keeping freed memory
// mapped (main.cpp) the process then held several layers' worth of memory per worker.) At most
// two of a worker's problems exist at once: the one simulated and the next, which is made only
// once the one before it has been taken.
class Prefetcher {
 public:
  Prefetcher(const MakeProblem& make, std::atomic<std::size_t>& next, std::size_t count)
      : make_(make), next_(next), count_(count), thread_([this] { loop(); }) {}
  ~Prefetcher() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  Prefetcher(const Prefetcher&) = delete;
  Prefetcher& operator=(const Prefetcher&) = delete;

  // The next layer's index and problem; false when no layer is left. Rethrows the helper's
  // exception (a tensor that does not decode, say).
  bool take(std::size_t* index, GemmProblem* problem) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [&] { return full_ || finished_; });
    if (error_) std::rethrow_exception(error_);
    if (!full_) return false;
    *index = index_;
    *problem = std::move(slot_);
    slot_ = GemmProblem{};
    full_ = false;
    changed_.notify_all();
    return true;
  }

 private:
  void loop() {
    try {
      for (;;) {
        {
          std::unique_lock<std::mutex> lock(mutex_);
          changed_.wait(lock, [&] { return !full_ || stop_; });
          if (stop_) return;
        }
        const std::size_t i = next_++;
        if (i >= count_) break;
        GemmProblem p = make_(i);
        const std::lock_guard<std::mutex> lock(mutex_);
        slot_ = std::move(p);
        index_ = i;
        full_ = true;
        changed_.notify_all();
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      error_ = std::current_exception();
    }
    const std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    changed_.notify_all();
  }

  const MakeProblem& make_;
  std::atomic<std::size_t>& next_;
  const std::size_t count_;
  std::mutex mutex_;
  std::condition_variable changed_;
  GemmProblem slot_;
  std::size_t index_ = 0;
  bool full_ = false, finished_ = false, stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace

std::vector<RunReport> run_layers(const std::vector<LayerJob>& jobs, std::size_t workers,
                                  const MakeProblem& make_problem, const MakeOptions& make_options,
                                  const OnDone& on_done) {
  std::uint64_t total_macs = 0;
  for (const LayerJob& j : jobs) total_macs += j.shape.macs();
  ProgressBar bar(on_done ? 0 : total_macs);
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
      Prefetcher prefetch(make_problem, next_job, jobs.size());
      std::size_t i = 0;
      for (GemmProblem problem; prefetch.take(&i, &problem);) {
        reports[i] = h.run(problem, make_options ? make_options(i) : RunOptions{});
        problem = GemmProblem{};  // freed before the next one is taken
        // A layer that failed (a timeout, say) may have left the array in the middle of its
        // command: the next one starts from reset.
        if (!reports[i].passed) h.reset();
        const std::lock_guard<std::mutex> lock(progress_mutex);
        if (on_done) on_done(i, reports[i]);
        done_macs += jobs[i].shape.macs();
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        bar.update(done_macs, fmt::format("block {} {}", jobs[i].block, jobs[i].kind),
                   static_cast<double>(done_macs) / secs);
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
  if (workers == 0) return kBaseBytes;
  // Saturating: a hostile shape must give a huge estimate, not a wrapped small one.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const auto add = [](std::uint64_t a, std::uint64_t b) { return a > kMax - b ? kMax : a + b; };
  const auto mul = [](std::uint64_t a, std::uint64_t b) {
    return b != 0 && a > kMax / b ? kMax : a * b;
  };
  // The sum of the `count` largest of `v`.
  const auto top = [&](std::vector<std::uint64_t> v, std::uint64_t count) {
    std::sort(v.rbegin(), v.rend());
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < v.size() && i < count; ++i) sum = add(sum, v[i]);
    return sum;
  };
  // A worker's helper makes its problems (weights and activations), of which up to `live` exist
  // at once: the one simulated and the next. Problems whose weights are below malloc's mmap
  // threshold stay in the helper's heap once freed, and the heap keeps the most it ever held:
  // up to `live` times the largest problem the worker had, so all workers together at most
  // `live` times the `workers` largest. Larger ones are unmapped when freed: at most the
  // `live x workers` largest exist at once. The expected results (int64, in the scoreboard) are
  // one per worker at a time. A quarter more for the small ones: problems of different sizes
  // leave holes in a heap that the next one may not fit (a 2B4T block on one worker: 41.9 MB of
  // heap for two problems of 17.7 MB).
  std::vector<std::uint64_t> small, large, expected;
  for (const LayerJob& j : jobs) {
    const std::uint64_t weights = mul(std::uint64_t{j.shape.n}, j.shape.k);
    const std::uint64_t problem = add(weights, mul(std::uint64_t{j.shape.m}, j.shape.k));
    (weights < kMmapThreshold ? small : large).push_back(problem);
    expected.push_back(mul(8, mul(std::uint64_t{j.shape.m}, j.shape.n)));
  }
  const std::uint64_t per_worker_jobs = (jobs.size() + workers - 1) / workers;
  const std::uint64_t live = std::min<std::uint64_t>(2, per_worker_jobs);
  std::uint64_t total = add(kBaseBytes, mul(kModelBytes, workers));
  const std::uint64_t kept = mul(live, top(small, workers));
  total = add(total, add(kept, kept / 4));
  total = add(total, top(large, live * workers));
  return add(total, top(expected, workers));
}

}  // namespace ternac::cli
