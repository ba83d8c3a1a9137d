#include "ternac/model/workload/workload.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

namespace ternac {

GemmProblem random_problem(const RandomSpec& spec) {
  if (!(spec.zero_fraction >= 0.0 && spec.zero_fraction <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("zero fraction must be in [0, 1], got {}", spec.zero_fraction));
  }
  GemmProblem p;
  p.shape = spec.shape;
  std::mt19937_64 rng(spec.seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  p.format = spec.format;
  p.weights.resize(std::size_t{spec.shape.n} * spec.shape.k);
  if (spec.format == WeightFormat::kInt8) {
    // Approximately N(0, 40^2): the sum of four uniform bytes (Irwin-Hall, sd 147.8) scaled,
    // one generator draw per weight (a normal distribution per weight is far slower).
    for (auto& w : p.weights) {
      const std::uint64_t r = rng();
      long v = 0;
      if (static_cast<double>(r >> 40) / static_cast<double>(1ull << 24) >= spec.zero_fraction) {
        const long sum = long(r & 0xFF) + long((r >> 8) & 0xFF) + long((r >> 16) & 0xFF) +
                         long((r >> 24) & 0xFF) - 510;
        v = std::clamp(sum * 40 / 148, -128L, 127L);
      }
      w = static_cast<std::uint8_t>(static_cast<std::int8_t>(v));
    }
  }
  for (auto& w : p.weights) {
    if (spec.format == WeightFormat::kInt8) break;
    const double u = unit(rng);
    if (u < spec.zero_fraction) {
      w = encode_trit(0);
    } else {
      w = encode_trit(u < spec.zero_fraction + (1.0 - spec.zero_fraction) / 2 ? 1 : -1);
    }
  }
  p.activations.resize(std::size_t{spec.shape.m} * spec.shape.k);
  if (spec.act == ActProfile::kUniform) {
    std::uniform_int_distribution<int> d(-128, 127);
    for (auto& x : p.activations) x = static_cast<std::int8_t>(d(rng));
  } else if (spec.act == ActProfile::kReluSquared) {
    // ReLU^2 of a Gaussian pre-activation, then absmax quantization: 80 % exact zeros; the rest
    // is g^2 for g = |N(0, 1)| (the positive side), scaled so that the largest value the
    // quantizer meets (about 4^2) maps to 127.
    std::normal_distribution<double> d(0.0, 1.0);
    for (auto& x : p.activations) {
      if (unit(rng) < 0.8) {
        x = 0;
      } else {
        const double g = std::abs(d(rng));
        x = static_cast<std::int8_t>(std::clamp(std::lround(g * g * 127.0 / 16.0), 0L, 127L));
      }
    }
  } else {
    // Gaussian; kRmsNorm adds outlier channels, chosen once per column (the same for every
    // token) and five times as wide, so that they sit at or near +-127.
    std::vector<double> width(spec.shape.k, 25.0);
    if (spec.act == ActProfile::kRmsNorm) {
      for (auto& w : width) {
        if (unit(rng) < 0.01) w = 125.0;
      }
    }
    std::normal_distribution<double> d(0.0, 1.0);
    for (std::size_t i = 0; i < p.activations.size(); ++i) {
      const double v = d(rng) * width[i % spec.shape.k];
      p.activations[i] = static_cast<std::int8_t>(std::clamp(std::lround(v), -127L, 127L));
    }
  }
  return p;
}

const char* act_profile_name(ActProfile p) {
  switch (p) {
    case ActProfile::kUniform:
      return "uniform";
    case ActProfile::kGaussian:
      return "gaussian";
    case ActProfile::kRmsNorm:
      return "rmsnorm";
    case ActProfile::kReluSquared:
      return "relu2";
  }
  return "?";
}

ActProfile parse_act_profile(const std::string& name) {
  for (const ActProfile p : {ActProfile::kUniform, ActProfile::kGaussian, ActProfile::kRmsNorm,
                             ActProfile::kReluSquared}) {
    if (name == act_profile_name(p)) return p;
  }
  throw std::invalid_argument(fmt::format(
      "unknown activation profile '{}' (expected uniform, gaussian, rmsnorm or relu2)", name));
}

ActProfile realistic_act_profile(const std::string& layer) {
  return layer == "ffn_down" ? ActProfile::kReluSquared : ActProfile::kRmsNorm;
}

double absmean_gaussian_zero_fraction() {
  // mean|W| = sigma sqrt(2 / pi); a weight is zero when |W| < mean|W| / 2, i.e. |Z| < 1 /
  // sqrt(2 pi) for Z ~ N(0, 1): probability erf(1 / (sqrt(2) sqrt(2 pi))) = erf(1 / (2 sqrt(pi))).
  return std::erf(1.0 / (2.0 * std::sqrt(M_PI)));
}

RandomSpec random_command(const ArrayConfig& cfg, std::uint64_t seed, std::mt19937_64& rng) {
  const auto pick = [&](std::uint64_t hi) { return 1 + static_cast<std::uint32_t>(rng() % hi); };
  RandomSpec spec;
  spec.seed = seed;
  spec.shape.m = pick(std::min<std::uint64_t>(2 * cfg.token_tile + 3, 40));
  spec.shape.n = pick(3 * static_cast<std::uint64_t>(cfg.lanes) + 2);
  spec.shape.k = pick(std::min<std::uint64_t>(6 * cfg.tree_inputs + 5, cfg.max_k()));
  spec.zero_fraction = std::uniform_real_distribution<double>(0.0, 0.7)(rng);
  spec.act = (rng() & 1) ? ActProfile::kUniform : ActProfile::kGaussian;
  spec.format = cfg.int8() ? WeightFormat::kInt8 : WeightFormat::kTritCodes;
  return spec;
}

namespace {

GemmProblem filled(GemmShape s, int w, int x) {
  GemmProblem p;
  p.shape = s;
  p.weights.assign(std::size_t{s.n} * s.k, encode_trit(w));
  p.activations.assign(std::size_t{s.m} * s.k, static_cast<std::int8_t>(x));
  return p;
}

}  // namespace

std::vector<DirectedCase> directed_cases(const ArrayConfig& config) {
  const auto L = static_cast<std::uint32_t>(config.lanes);
  const auto T = static_cast<std::uint32_t>(config.tree_inputs);
  const auto TT = static_cast<std::uint32_t>(config.token_tile);
  std::vector<DirectedCase> cases;
  // Several tiles in every dimension, with remainders, so extremes cross tile boundaries.
  const GemmShape multi{3, 2 * L + 1, 3 * T + 1};
  cases.push_back({"all_pos_x127", filled(multi, 1, 127)});
  cases.push_back({"all_neg_xm128", filled(multi, -1, -128)});
  cases.push_back({"all_pos_xm128", filled(multi, 1, -128)});
  cases.push_back({"all_zero_weights", filled(multi, 0, 127)});
  {
    GemmProblem p = filled(multi, 0, 0);
    // One nonzero weight in the last row and column, one nonzero activation to meet it.
    p.weights[std::size_t{multi.n} * multi.k - 1] = encode_trit(-1);
    p.activations[std::size_t{multi.m} * multi.k - 1] = 77;
    cases.push_back({"single_nonzero", std::move(p)});
  }
  cases.push_back({"mnk_1", filled({1, 1, 1}, -1, -128)});
  cases.push_back(
      {"m1", random_problem({{1, 2 * L + 1, 2 * T + 3}, 101, 0.4, ActProfile::kUniform})});
  cases.push_back({"n1", random_problem({{5, 1, 2 * T + 3}, 102, 0.4, ActProfile::kUniform})});
  cases.push_back({"k1", random_problem({{5, 2 * L + 1, 1}, 103, 0.4, ActProfile::kUniform})});
  cases.push_back(
      {"not_multiple", random_problem({{7, L + (L > 1 ? L / 2 : 1), T + (T > 1 ? T / 2 + 1 : 2)},
                                       104,
                                       0.4,
                                       ActProfile::kUniform})});
  cases.push_back(
      {"exact_multiple", random_problem({{4, 2 * L, 2 * T}, 105, 0.4, ActProfile::kUniform})});
  cases.push_back(
      {"k_much_larger", random_problem({{2, L + 1, 40 * T + 7}, 106, 0.3, ActProfile::kUniform})});
  cases.push_back({"k_large_extreme", filled({2, L, 64 * T + 5}, 1, 127)});
  cases.push_back({"m_over_token_tile",
                   random_problem({{2 * TT + 3, L + 1, T + 1}, 107, 0.4, ActProfile::kUniform})});
  if (config.int8()) {
    // The same cases with the weights as int8 values -1 / 0 / +1, and the largest products.
    for (DirectedCase& c : cases) {
      for (auto& w : c.problem.weights) {
        w = static_cast<std::uint8_t>(static_cast<std::int8_t>(trit_value(w)));
      }
      c.problem.format = WeightFormat::kInt8;
    }
    const auto int8_filled = [&](int w, int x) {
      GemmProblem p = filled(multi, 0, x);
      p.format = WeightFormat::kInt8;
      std::fill(p.weights.begin(), p.weights.end(), static_cast<std::uint8_t>(std::int8_t(w)));
      return p;
    };
    cases.push_back({"int8_max_x127", int8_filled(127, 127)});
    cases.push_back({"int8_min_xm128", int8_filled(-128, -128)});
    cases.push_back({"int8_min_x127", int8_filled(-128, 127)});
  }
  return cases;
}

std::vector<LayerShape> bitnet_2b4t_layers() {
  // BitNet b1.58 2B4T: hidden 2560, FFN 6912, 20 heads, 5 KV heads (head dim 128), from the
  // model table below.
  return model_shape("2b4t").block_layers();
}

std::vector<LayerShape> ModelShape::block_layers() const {
  const std::uint32_t kv = hidden / heads * kv_heads;  // key/value width: head dim x KV heads
  return {
      {"attn_q", hidden, hidden},      {"attn_k", kv, hidden},    {"attn_v", kv, hidden},
      {"attn_output", hidden, hidden}, {"ffn_gate", ffn, hidden}, {"ffn_up", ffn, hidden},
      {"ffn_down", hidden, ffn},
  };
}

std::uint64_t ModelShape::weights_per_block() const {
  std::uint64_t w = 0;
  for (const LayerShape& l : block_layers()) w += std::uint64_t{l.n} * l.k;
  return w;
}

std::vector<ModelShape> model_shapes() {
  return {
      {"2b4t", "BitNet b1.58 2B4T", 2560, 6912, 20, 5, 30},
      {"large", "bitnet_b1_58-large", 1536, 4096, 16, 16, 24},
      {"3b", "bitnet_b1_58-3B", 3200, 8640, 32, 32, 26},
      {"llama3-8b", "Llama3-8B-1.58", 4096, 14336, 32, 8, 32},
  };
}

const ModelShape& model_shape(const std::string& name) {
  static const std::vector<ModelShape> models = model_shapes();
  std::string known;
  for (const ModelShape& m : models) {
    if (m.name == name) return m;
    known += (known.empty() ? "" : ", ") + m.name;
  }
  throw std::invalid_argument(fmt::format("unknown model '{}' (known: {})", name, known));
}

GemmProblem synthetic_layer(const GemmShape& shape, std::uint64_t seed, double zero_fraction) {
  if (!(zero_fraction >= 0.0 && zero_fraction <= 1.0)) {
    throw std::invalid_argument(
        fmt::format("zero fraction must be in [0, 1], got {}", zero_fraction));
  }
  // Activations (M x K, small) as random_problem draws them; weights below.
  GemmProblem p = random_problem({{shape.m, 1, shape.k}, seed, zero_fraction});
  p.shape = shape;
  p.weights.resize(std::size_t{shape.n} * shape.k);
  std::uint64_t state = seed * 0x9E3779B97F4A7C15u + 0x7F4A7C159E3779B9u;
  const auto next = [&state] {  // SplitMix64
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  };
  // 15 bits decide zero or not (the fraction is met to 1/32768), one bit the sign.
  const auto zero_below = static_cast<std::uint32_t>(std::lround(zero_fraction * 32768.0));
  // Indexed by (zero, sign bit): branch-free, the draws are unpredictable by design.
  const std::uint8_t code[4] = {encode_trit(-1), encode_trit(1), encode_trit(0), encode_trit(0)};
  std::uint8_t* w = p.weights.data();
  const std::size_t size = p.weights.size();
  for (std::size_t i = 0; i < size; i += 4) {
    std::uint64_t r = next();
    for (std::size_t j = 0; j < 4 && i + j < size; ++j, r >>= 16) {
      const unsigned zero = (r & 0x7FFF) < zero_below ? 1u : 0u;
      w[i + j] = code[zero * 2 + ((r >> 15) & 1)];
    }
  }
  return p;
}

}  // namespace ternac
