#include "ternac/model/workload/lane_stimulus.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "ternac/model/base/file_io.h"
#include "ternac/model/core/streams.h"

namespace ternac {

LaneStimulus lane_stimulus(const ArrayConfig& c, const GemmProblem& p, int lane,
                           std::uint64_t max_beats) {
  check_shape(p.shape, c);
  p.check_sizes();
  if (lane < 0 || lane >= c.lanes) {
    throw std::invalid_argument("lane " + std::to_string(lane) + " is not a lane of " + c.name());
  }
  const GemmShape& s = p.shape;
  const TileGrid g = tile_grid(c, s);
  const auto T = static_cast<std::uint64_t>(c.tree_inputs);
  const auto L = static_cast<std::uint64_t>(c.lanes);
  const auto TT = static_cast<std::uint64_t>(c.token_tile);
  LaneStimulus out;
  out.tree_inputs = c.tree_inputs;
  out.weight_bits = c.weight_bits();
  out.pipe_stages = c.tree_stages();
  for (std::uint64_t mb = 0; mb < g.token_blocks; ++mb) {
    const std::uint64_t m0 = mb * TT, tokens = std::min<std::uint64_t>(TT, s.m - m0);
    for (std::uint64_t nt = 0; nt < g.n_tiles; ++nt) {
      const std::uint64_t n = nt * L + static_cast<std::uint64_t>(lane);
      for (std::uint64_t kt = 0; kt < g.k_tiles; ++kt) {
        const std::uint64_t k0 = kt * T;
        const std::uint64_t real = std::min<std::uint64_t>(T, s.k - k0);
        for (std::uint64_t t = 0; t < tokens; ++t) {
          if (max_beats != 0 && out.beats() >= max_beats) return out;
          const std::int8_t* x = &p.activations[(m0 + t) * s.k + k0];
          out.acts.insert(out.acts.end(), x, x + real);
          out.acts.resize(out.acts.size() + (T - real), 0);
          if (n < s.n) {
            const std::uint8_t* w = &p.weights[n * s.k + k0];
            out.weights.insert(out.weights.end(), w, w + real);
            out.weights.resize(out.weights.size() + (T - real), 0);
          } else {
            out.weights.resize(out.weights.size() + T, 0);
          }
          if (n < s.n) out.macs += real;
          out.first_k.push_back(kt == 0);
          out.last_k.push_back(kt + 1 == g.k_tiles);
        }
      }
    }
  }
  return out;
}

void write_lane_stimulus(const LaneStimulus& s, const std::string& path) {
  std::string bytes = "TNGS";
  auto put = [&](const void* p, std::size_t n) { bytes.append(static_cast<const char*>(p), n); };
  const std::uint32_t version = 1, t = static_cast<std::uint32_t>(s.tree_inputs),
                      wb = static_cast<std::uint32_t>(s.weight_bits),
                      stages = static_cast<std::uint32_t>(s.pipe_stages);
  const std::uint64_t beats = s.beats();
  put(&version, 4);
  put(&t, 4);
  put(&wb, 4);
  put(&stages, 4);
  put(&beats, 8);
  for (std::size_t b = 0; b < beats; ++b) {
    put(&s.acts[b * t], t);
    put(&s.weights[b * t], t);
    const std::uint8_t flags = static_cast<std::uint8_t>(s.first_k[b] | (s.last_k[b] << 1));
    put(&flags, 1);
  }
  write_file_atomic(path, bytes);
}

}  // namespace ternac
