#!/usr/bin/env bash
# Real inputs through the CLI, checked against independent computations:
#  1. a GGUF file from scripts/make_gguf.py (every linear layer of a small model, I2_S) through
#     `ternac model --gguf`: every layer runs and passes;
#  2. `ternac bitlinear` on float weights and activations (.npy) against scripts/bitlinear_ref.py
#     (numpy): y and acc bit for bit;
#  3. `ternac bitlinear` on a GGUF tensor and int8 activations against numpy's integer product
#     of the .npy weights the generator wrote beside the file.
#   testbench/cli_formats.sh <path to ternac> [seed]
set -euo pipefail
ternac=${1:?usage: cli_formats.sh <path to ternac> [seed]}
seed=${2:-${TERNAC_SEED:-3}}
root="$(cd "$(dirname "$0")/.." && pwd)"
py=/usr/bin/python3
if ! [[ $seed =~ ^(0|[1-9][0-9]{0,18})$ ]]; then
  echo "cli_formats: the seed must be a decimal integer, got '$seed'"
  exit 2
fi
echo "cli_formats: seed $seed (reproduce: testbench/cli_formats.sh $ternac $seed)"
if ! $py -c "import numpy" 2>/dev/null; then
  echo "cli_formats: /usr/bin/python3 has no numpy (scripts/setup.sh installs python3-numpy)"
  exit 1
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# 1. A whole small model from a GGUF file.
$py "$root/scripts/make_gguf.py" --model tiny --layers 2 --seed "$seed" --out "$dir/tiny.gguf" \
  --npy-dir "$dir/npy" >/dev/null
out=$("$ternac" model --gguf "$dir/tiny.gguf" --seed "$seed")
echo "$out" | grep -E "^(layer|total|check)"
grep -q "^check: PASS" <<<"$out"
[ "$(grep -cE "^(attn|ffn)_.* ok \(" <<<"$out")" -eq 7 ]
grep -qE "^total .* 14 " <<<"$out"

# 2. BitLinear on float inputs against the numpy reference.
$py - "$dir" "$seed" <<'PY'
import sys, numpy as np
d, seed = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(seed)
np.save(f"{d}/W.npy", rng.normal(0, 0.02, (37, 300)).astype(np.float32))
x = rng.normal(0, 1.0, (5, 300)).astype(np.float32)
x[1, 7] = 40.0  # an outlier channel
np.save(f"{d}/X.npy", x)
PY
out=$("$ternac" bitlinear --weights "$dir/W.npy" --acts "$dir/X.npy" --out "$dir/Y.npy" \
  --acc-out "$dir/A.npy")
echo "$out"
# 5 tokens x 37 outputs: the results, not the 3 x 16 lanes per token that carried them.
grep -q ", $((5 * 37)) results checked$" <<<"$out"
$py "$root/scripts/bitlinear_ref.py" "$dir/W.npy" "$dir/X.npy" "$dir/ref" >/dev/null
$py - "$dir" <<'PY'
import sys, numpy as np
d = sys.argv[1]
y, ref = np.load(f"{d}/Y.npy"), np.load(f"{d}/ref/y.npy")
acc, ref_acc = np.load(f"{d}/A.npy"), np.load(f"{d}/ref/acc.npy")
assert y.dtype == np.float32 and y.shape == ref.shape, (y.dtype, y.shape, ref.shape)
assert np.array_equal(acc.astype(np.int64), ref_acc), "acc differs from the numpy reference"
bad = np.flatnonzero(y.view(np.uint32) != ref.view(np.uint32))
assert bad.size == 0, f"y differs at flat index {bad[0]}: {y.flat[bad[0]]!r} vs {ref.flat[bad[0]]!r}"
print(f"bitlinear float: y {y.shape} bit-identical to scripts/bitlinear_ref.py")
PY

# 3. A GGUF tensor against int8 activations: acc = x @ w.T in numpy.
name=blk.1.ffn_down.weight
$py - "$dir" "$seed" "$name" <<'PY'
import sys, numpy as np
d, seed, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
k = np.load(f"{d}/npy/{name}.npy").shape[1]
rng = np.random.default_rng(seed + 1)
np.save(f"{d}/Xq.npy", rng.integers(-128, 128, (3, k), dtype=np.int8))
PY
"$ternac" bitlinear --gguf "$dir/tiny.gguf" --tensor "$name" --acts "$dir/Xq.npy" \
  --out "$dir/Aq.npy"
$py - "$dir" "$name" <<'PY'
import sys, numpy as np
d, name = sys.argv[1], sys.argv[2]
w = np.load(f"{d}/npy/{name}.npy").astype(np.int64)
x = np.load(f"{d}/Xq.npy").astype(np.int64)
got = np.load(f"{d}/Aq.npy")
assert got.dtype == np.int32 and np.array_equal(got.astype(np.int64), x @ w.T), "acc differs"
print(f"bitlinear gguf: {name} {w.shape} x int8 {x.shape} equals numpy's x @ w.T")
PY
echo "cli_formats: PASS"
