// Stimulus: GEMM problems for the array, random (seeded) and directed, and real layer shapes.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "ternac/model/core/config.h"
#include "ternac/model/core/gemm.h"

namespace ternac {

// How activations are drawn.
enum class ActProfile {
  kUniform,   // uniform over -128..127
  kGaussian,  // rounded N(0, 25^2) clamped to -127..127, like int8 after RMSNorm
  // The realistic profiles of shared/reference/bitnet.md, for energy studies:
  kRmsNorm,      // kGaussian, with 1 % outlier channels (the same channels for every token) at
                 // +-127 or near it
  kReluSquared,  // the FFN down projection's input (ReLU^2): 80 % zeros, the rest positive and
                 // small, absmax-quantized (127 at the largest)
};

// The profile name ("uniform", "gaussian", "rmsnorm", "relu2") and its parser; the parser throws
// std::invalid_argument naming a bad name.
const char* act_profile_name(ActProfile p);
ActProfile parse_act_profile(const std::string& name);

// The realistic activation profile of a BitNet linear layer's input: kReluSquared for
// ffn_down (it follows the ReLU^2 gate), kRmsNorm for the others (they follow an RMSNorm).
ActProfile realistic_act_profile(const std::string& layer);

// The fraction of zero weights that absmean ternarization (w = clamp(round(W / mean|W|), -1, 1))
// gives on Gaussian weights: P(|W| < mean|W| / 2) = erf(1 / (2 sqrt(pi))) = 0.3101.
double absmean_gaussian_zero_fraction();

struct RandomSpec {
  GemmShape shape;
  std::uint64_t seed = 1;
  double zero_fraction = 0.4;  // fraction of zero weights; +1 and -1 share the rest equally
  ActProfile act = ActProfile::kGaussian;
  // kInt8: weights are int8, zero with probability zero_fraction, otherwise about N(0, 40^2)
  // clamped to -128..127 (an INT8 model's weights, for the INT8 baseline array).
  WeightFormat format = WeightFormat::kTritCodes;
};

// Throws std::invalid_argument for a zero fraction outside [0, 1].
GemmProblem random_problem(const RandomSpec& spec);

// The spec of one random co-simulation command for `config`, drawn from `rng` (seeded with the
// command's seed): M up to two token blocks and a bit (at most 40), N up to three N tiles, K up to
// six K tiles (within max_k), zero fraction 0..70 %, either activation profile, the array's
// weight format.
RandomSpec random_command(const ArrayConfig& config, std::uint64_t seed, std::mt19937_64& rng);

// A named directed case on a given shape.
struct DirectedCase {
  std::string name;
  GemmProblem problem;
};

// Directed cases that make an array work at its corners: all +1 against 127, all -1 against -128,
// all zero, a single nonzero, M/N/K = 1, shapes that are not multiples of the array, K much larger
// than TreeInputs, M larger than a token block.
std::vector<DirectedCase> directed_cases(const ArrayConfig& config);

// A linear layer of a real model: out x in = N x K.
struct LayerShape {
  std::string name;
  std::uint32_t n;
  std::uint32_t k;
};

// The seven linear layers of one BitNet b1.58 2B4T transformer block.
std::vector<LayerShape> bitnet_2b4t_layers();

// A BitNet-style model: every transformer block has the same seven linear layers.
struct ModelShape {
  std::string name;  // as on the command line: 2b4t, large, 3b, llama3-8b
  std::string title;
  std::uint32_t hidden, ffn, heads, kv_heads, blocks;
  // attn_q, attn_k, attn_v, attn_output, ffn_gate, ffn_up, ffn_down (out x in = N x K).
  std::vector<LayerShape> block_layers() const;
  std::uint64_t weights_per_block() const;
};

// BitNet b1.58 2B4T, bitnet_b1_58-large, bitnet_b1_58-3B and Llama3-8B-1.58
// (../shared/reference/bitnet.md).
std::vector<ModelShape> model_shapes();
// Throws std::invalid_argument listing the known names.
const ModelShape& model_shape(const std::string& name);

// A layer of synthetic weights for whole-model runs: each weight zero with probability
// `zero_fraction`, otherwise +1 or -1 equally likely, four weights per 64-bit draw of a
// SplitMix64 generator (a billion weights per token must not take longer than simulating them);
// activations as ActProfile::kGaussian. Deterministic in `seed`.
GemmProblem synthetic_layer(const GemmShape& shape, std::uint64_t seed, double zero_fraction);

}  // namespace ternac
