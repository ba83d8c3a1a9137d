#!/usr/bin/python3
"""Generates GGUF v3 files of BitNet b1.58 ternary weights in bitnet.cpp's I2_S layout.

The project's generator of GGUF/I2_S test files, written independently of the C++ reader and
writer (model/gguf.{h,cpp}) so that each checks the other. Layout (bitnet.cpp, x86 I2_S build):

  * GGUF v3, little-endian: magic, version, tensor count, kv count, kv pairs, tensor infos, then
    the data section at the next multiple of general.alignment; each tensor's offset (relative to
    the data section) a multiple of the alignment.
  * I2_S (ggml type 36): the N x K weights (ne0 = K, ne1 = N) flattened row-major and cut into
    blocks of 128; in block b, byte p holds weights p, 32+p, 64+p, 96+p in bits 7:6, 5:4, 3:2,
    1:0 as code w + 1; then a 32-byte tail whose first 4 bytes are the fp32 scale alpha.

Examples:

  make_gguf.py --model 2b4t --layers 1 --out 2b4t_l1.gguf        # one real-shaped 2B4T block
  make_gguf.py --tensor w:64:256 --tensor v:3:128 --npy-dir npy --out t.gguf
  make_gguf.py --fuzz-corpus testbench/fuzz/corpus/gguf           # the reader's seed corpus
  make_gguf.py --every-type --out t.gguf       # one tensor of every ggml type the script sizes

With --npy-dir, each tensor's weights are also written as <name>.npy (int8, shape (N, K), values
-1/0/1) and its alpha as <name>.alpha.npy (float32, shape ()), for independent cross-checks.
Runs with /usr/bin/python3 (numpy); the seed is printed and reproduces the file exactly.
"""

import argparse
import math
import os
import struct
import sys

import numpy as np

GGML_TYPE_F32 = 0
GGML_TYPE_I2_S = 36
GGML_TYPE_TL1 = 38
FILE_TYPE_I2_S = 40
I2S_BLOCK = 128
I2S_TAIL = 32

# Elements and bytes per block of every ggml type a GGUF file may hold (ids of the BitNet fork,
# which upstream shares up to 35), derived here from the fields of ggml's block structs
# (ggml-common.h, QK_K = 256, fp16 scales of 2 bytes), independently of the C++ reader's table,
# so that --every-type files check it. I2_S (36) has its own rule (i2s_bytes); I8_S, TL1 and
# TL2 (37..39) are left out, as the reader cannot size them either.
QK_K = 256
HALF = 2
GGML_BLOCKS = {
    0: ("F32", 1, 4),
    1: ("F16", 1, HALF),
    2: ("Q4_0", 32, HALF + 32 // 2),                               # d, qs
    3: ("Q4_1", 32, HALF + HALF + 32 // 2),                        # d, m, qs
    6: ("Q5_0", 32, HALF + 4 + 32 // 2),                           # d, qh[4], qs
    7: ("Q5_1", 32, HALF + HALF + 4 + 32 // 2),                    # d, m, qh[4], qs
    8: ("Q8_0", 32, HALF + 32),                                    # d, qs
    9: ("Q8_1", 32, HALF + HALF + 32),                             # d, s, qs
    10: ("Q2_K", QK_K, QK_K // 16 + QK_K // 4 + HALF + HALF),      # scales, qs, d, dmin
    11: ("Q3_K", QK_K, QK_K // 8 + QK_K // 4 + 12 + HALF),         # hmask, qs, scales, d
    12: ("Q4_K", QK_K, HALF + HALF + 12 + QK_K // 2),              # d, dmin, scales, qs
    13: ("Q5_K", QK_K, HALF + HALF + 12 + QK_K // 8 + QK_K // 2),  # d, dmin, scales, qh, qs
    14: ("Q6_K", QK_K, QK_K // 2 + QK_K // 4 + QK_K // 16 + HALF),  # ql, qh, scales, d
    15: ("Q8_K", QK_K, 4 + QK_K + 2 * (QK_K // 16)),               # float d, qs, int16 bsums
    16: ("IQ2_XXS", QK_K, HALF + 2 * (QK_K // 8)),                 # d, uint16 qs
    17: ("IQ2_XS", QK_K, HALF + 2 * (QK_K // 8) + QK_K // 32),     # d, uint16 qs, scales
    18: ("IQ3_XXS", QK_K, HALF + 3 * QK_K // 8),                   # d, qs
    19: ("IQ1_S", QK_K, HALF + QK_K // 8 + 2 * (QK_K // 32)),      # d, qs, uint16 qh
    20: ("IQ4_NL", 32, HALF + 32 // 2),                            # d, qs
    21: ("IQ3_S", QK_K, HALF + QK_K // 4 + QK_K // 32 + QK_K // 8 + QK_K // 64),  # d qs qh signs sc
    22: ("IQ2_S", QK_K, HALF + QK_K // 4 + QK_K // 32 + QK_K // 32),  # d, qs, qh, scales
    23: ("IQ4_XS", QK_K, HALF + 2 + QK_K // 64 + QK_K // 2),       # d, scales_h, scales_l, qs
    24: ("I8", 1, 1),
    25: ("I16", 1, 2),
    26: ("I32", 1, 4),
    27: ("I64", 1, 8),
    28: ("F64", 1, 8),
    29: ("IQ1_M", QK_K, QK_K // 8 + QK_K // 16 + QK_K // 32),      # qs, qh, scales
    30: ("BF16", 1, 2),
    31: ("Q4_0_4_4", 32, HALF + 32 // 2),                          # Q4_0 blocks, interleaved
    32: ("Q4_0_4_8", 32, HALF + 32 // 2),
    33: ("Q4_0_8_8", 32, HALF + 32 // 2),
    34: ("TQ1_0", QK_K, (QK_K - 4 * QK_K // 64) // 5 + QK_K // 64 + HALF),  # qs, qh, d
    35: ("TQ2_0", QK_K, QK_K // 4 + HALF),                         # qs, d
}


def tensor_data_bytes(ggml_type, ne):
    """Data bytes of a tensor of a type in GGML_BLOCKS and shape ne (ne[0] fastest)."""
    _, block, block_bytes = GGML_BLOCKS[ggml_type]
    assert ne[0] % block == 0, (ggml_type, ne)
    return math.prod(ne) // block * block_bytes


# GGUF kv types.
KV_U8, KV_I8, KV_U16, KV_I16, KV_U32, KV_I32, KV_F32, KV_BOOL = range(8)
KV_STRING, KV_ARRAY, KV_U64, KV_I64, KV_F64 = range(8, 13)
KV_SCALAR_FORMAT = {
    KV_U8: "<B", KV_I8: "<b", KV_U16: "<H", KV_I16: "<h", KV_U32: "<I", KV_I32: "<i",
    KV_F32: "<f", KV_BOOL: "<?", KV_U64: "<Q", KV_I64: "<q", KV_F64: "<d",
}

# Real layer shapes (bitnet.md): hidden, FFN, heads, KV heads, layers.
MODELS = {
    "2b4t": ("BitNet b1.58 2B4T", 2560, 6912, 20, 5, 30),
    "large": ("bitnet_b1_58-large", 1536, 4096, 16, 16, 24),
    "3b": ("bitnet_b1_58-3B", 3200, 8640, 32, 32, 26),
    "llama3-8b": ("Llama3-8B-1.58", 4096, 14336, 32, 8, 32),
    # Not a real model: the smallest shapes with every projection a legal I2_S tensor.
    "tiny": ("ternac tiny", 256, 384, 2, 1, 2),
}


def layer_tensors(model, block):
    """(name, N, K) of one transformer block's linear layers (out x in)."""
    _, hidden, ffn, heads, kv_heads, _ = MODELS[model]
    kv_dim = hidden // heads * kv_heads
    shapes = [("attn_q", hidden, hidden), ("attn_k", kv_dim, hidden), ("attn_v", kv_dim, hidden),
              ("attn_output", hidden, hidden), ("ffn_gate", ffn, hidden), ("ffn_up", ffn, hidden),
              ("ffn_down", hidden, ffn)]
    return [(f"blk.{block}.{name}.weight", n, k) for name, n, k in shapes]


def gguf_string(s):
    b = s.encode("utf-8") if isinstance(s, str) else bytes(s)
    return struct.pack("<Q", len(b)) + b


def kv_value(kv_type, value, elem_type=None):
    """Encodes one value. Arrays: value is a list; elem_type its element type, and for nested
    arrays value is a list of (elem_type, list) pairs."""
    if kv_type == KV_STRING:
        return gguf_string(value)
    if kv_type == KV_ARRAY:
        out = struct.pack("<IQ", elem_type, len(value))
        if elem_type == KV_ARRAY:
            return out + b"".join(kv_value(KV_ARRAY, v, t) for t, v in value)
        return out + b"".join(kv_value(elem_type, v) for v in value)
    return struct.pack(KV_SCALAR_FORMAT[kv_type], value)


def kv_pair(key, kv_type, value, elem_type=None):
    return gguf_string(key) + struct.pack("<I", kv_type) + kv_value(kv_type, value, elem_type)


def align_up(x, alignment):
    return (x + alignment - 1) // alignment * alignment


def i2s_bytes(n, k):
    return n * k // 4 + I2S_TAIL


def header_bytes(kvs, infos, alignment, magic=b"GGUF", version=3, tensor_count=None,
                 kv_count=None):
    """Everything before the data section, padded to the alignment. kvs: encoded kv pairs;
    infos: (name, ne list, ggml type, offset) per tensor. The counts can be overridden to build
    malformed files."""
    out = bytearray(magic + struct.pack("<I", version))
    out += struct.pack("<QQ", len(infos) if tensor_count is None else tensor_count,
                       len(kvs) if kv_count is None else kv_count)
    for kv in kvs:
        out += kv
    for name, ne, ggml_type, offset in infos:
        out += gguf_string(name) + struct.pack("<I", len(ne))
        out += b"".join(struct.pack("<Q", d) for d in ne)
        out += struct.pack("<IQ", ggml_type, offset)
    out += bytes(align_up(len(out), alignment) - len(out))
    return bytes(out)


def random_ternary(rng, n, k, zeros):
    """N x K int8 weights: a fraction `zeros` of zeros, +1 and -1 equally likely otherwise."""
    u = rng.random(n * k, dtype=np.float32)
    w = np.ones(n * k, dtype=np.int8)
    w[u < zeros + (1.0 - zeros) / 2] = -1
    w[u < zeros] = 0
    return w.reshape(n, k)


def pack_i2s(w, alpha):
    """I2_S bytes of an (N, K) int8 tensor of -1/0/1 and its fp32 alpha: vectorized, no loop
    over weights."""
    codes = (w.reshape(-1, 4, 32) + np.int8(1)).astype(np.uint8)
    packed = (codes[:, 0, :] << 6) | (codes[:, 1, :] << 4) | (codes[:, 2, :] << 2) | codes[:, 3, :]
    tail = np.zeros(I2S_TAIL, dtype=np.uint8)
    tail[:4] = np.frombuffer(np.array([alpha], dtype="<f4").tobytes(), dtype=np.uint8)
    return packed.astype(np.uint8).tobytes() + tail.tobytes()


def model_kvs(args, tensors):
    """The kv pairs of a generated file: the general.* keys a reader needs, plus realistic extras
    (hyperparameters, a small tokenizer, the generator's settings) of every kind of kv type."""
    name = MODELS[args.model][0] if args.model else "custom tensors"
    kvs = [
        kv_pair("general.architecture", KV_STRING, "bitnet"),
        kv_pair("general.name", KV_STRING, f"{name} (synthetic, ternac make_gguf.py)"),
        kv_pair("general.alignment", KV_U32, args.alignment),
        kv_pair("general.file_type", KV_U32, FILE_TYPE_I2_S),
        kv_pair("general.quantization_version", KV_U32, 2),
    ]
    if args.model:
        _, hidden, ffn, heads, kv_heads, _ = MODELS[args.model]
        kvs += [
            kv_pair("bitnet.block_count", KV_U32, args.layers),
            kv_pair("bitnet.embedding_length", KV_U32, hidden),
            kv_pair("bitnet.feed_forward_length", KV_U32, ffn),
            kv_pair("bitnet.attention.head_count", KV_U32, heads),
            kv_pair("bitnet.attention.head_count_kv", KV_U32, kv_heads),
        ]
    tokens = ["<unk>", "<s>", "</s>", "\u2581the", "\u2581ternary", "\u2581weight", "s", "."]
    kvs += [
        kv_pair("bitnet.attention.layer_norm_rms_epsilon", KV_F32, 1e-5),
        kv_pair("bitnet.rope.freq_base", KV_F32, 500000.0),
        kv_pair("tokenizer.ggml.model", KV_STRING, "llama"),
        kv_pair("tokenizer.ggml.tokens", KV_ARRAY, tokens, KV_STRING),
        kv_pair("tokenizer.ggml.scores", KV_ARRAY, [-float(i) for i in range(len(tokens))],
                KV_F32),
        kv_pair("tokenizer.ggml.token_type", KV_ARRAY, [2, 3, 3] + [1] * (len(tokens) - 3),
                KV_I32),
        kv_pair("tokenizer.ggml.bos_token_id", KV_U32, 1),
        kv_pair("tokenizer.ggml.add_bos_token", KV_BOOL, True),
        kv_pair("ternac.generator.seed", KV_U64, args.seed),
        kv_pair("ternac.generator.zeros", KV_F64, args.zeros),
        # (N, K) of every tensor, as an array of arrays: exercises nested arrays.
        kv_pair("ternac.generator.shapes", KV_ARRAY,
                [(KV_U64, [n, k]) for _, n, k in tensors], KV_ARRAY),
    ]
    return kvs


def parse_tensor(spec):
    parts = spec.rsplit(":", 2)
    if len(parts) != 3 or not parts[0]:
        raise argparse.ArgumentTypeError(f"--tensor '{spec}': expected NAME:N:K")
    try:
        n, k = int(parts[1]), int(parts[2])
    except ValueError:
        raise argparse.ArgumentTypeError(f"--tensor '{spec}': N and K must be integers")
    if n < 1 or k < 1:
        raise argparse.ArgumentTypeError(f"--tensor '{spec}': N and K must be positive")
    if k % I2S_BLOCK != 0:
        raise argparse.ArgumentTypeError(
            f"--tensor '{spec}': K = {k} is not a multiple of {I2S_BLOCK}, which I2_S requires")
    return parts[0], n, k


def parse_alpha(text):
    if text == "random":
        return None
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"--alpha '{text}': expected a number or 'random'")
    if not math.isfinite(v) or not math.isfinite(np.float32(v)):
        raise argparse.ArgumentTypeError(f"--alpha '{text}': must be a finite fp32 value")
    return v


def tensor_list(args):
    tensors = []
    if args.model:
        for block in range(args.layers):
            for name, n, k in layer_tensors(args.model, block):
                if k % I2S_BLOCK != 0:
                    if block == 0:
                        print(f"make_gguf: note: {MODELS[args.model][0]}'s {name.split('.')[2]} "
                              f"is {n} x {k}: K = {k} is not a multiple of {I2S_BLOCK}, which "
                              f"I2_S cannot hold; it is left out of every block",
                              file=sys.stderr)
                    continue
                tensors.append((name, n, k))
    tensors += args.tensor
    names = [t[0] for t in tensors]
    duplicates = sorted({x for x in names if names.count(x) > 1})
    if duplicates:
        sys.exit(f"make_gguf: duplicate tensor names: {', '.join(duplicates)}")
    if not tensors:
        sys.exit("make_gguf: nothing to write: give --model or --tensor")
    return tensors


def generate(args):
    tensors = tensor_list(args)
    rng = np.random.default_rng(args.seed)
    kvs = model_kvs(args, tensors)
    infos, offset = [], 0
    for name, n, k in tensors:
        infos.append((name, [k, n], GGML_TYPE_I2_S, offset))
        offset += align_up(i2s_bytes(n, k), args.alignment)
    if args.npy_dir:
        os.makedirs(args.npy_dir, exist_ok=True)
    total = 0
    with open(args.out, "wb") as f:
        f.write(header_bytes(kvs, infos, args.alignment))
        for name, n, k in tensors:
            w = random_ternary(rng, n, k, args.zeros)
            alpha = np.float32(rng.uniform(0.01, 1.0) if args.alpha is None else args.alpha)
            data = pack_i2s(w, alpha)
            f.write(data + bytes(align_up(len(data), args.alignment) - len(data)))
            if args.npy_dir:
                np.save(os.path.join(args.npy_dir, name + ".npy"), w)
                np.save(os.path.join(args.npy_dir, name + ".alpha.npy"), np.array(alpha, "<f4"))
            total += n * k
    print(f"make_gguf: wrote {args.out}: {len(tensors)} I2_S tensors, {total} weights "
          f"({total / 1e6:.2f} M), zeros {args.zeros}, seed {args.seed}")


def every_type_tensors(rng, blocks_per_row=2, rows=3):
    """(name, ne, ggml type, data) of one tensor of every type in GGML_BLOCKS, random bytes."""
    tensors = []
    for ggml_type, (name, block, _) in sorted(GGML_BLOCKS.items()):
        ne = [blocks_per_row * block, rows]
        data = rng.integers(0, 256, tensor_data_bytes(ggml_type, ne), dtype=np.uint8).tobytes()
        tensors.append((f"t{ggml_type}.{name.lower()}", ne, ggml_type, data))
    return tensors


def write_every_type(args):
    """A file with one tensor of every type the script sizes; kv ternac.generator.tensor_bytes
    lists each tensor's data size as computed here, for the reader to compare."""
    rng = np.random.default_rng(args.seed)
    tensors = every_type_tensors(rng)
    kvs = [kv_pair("general.architecture", KV_STRING, "ternac-types"),
           kv_pair("general.alignment", KV_U32, args.alignment),
           kv_pair("ternac.generator.tensor_bytes", KV_ARRAY,
                   [len(data) for _, _, _, data in tensors], KV_U64)]
    infos, body, offset = [], b"", 0
    for name, ne, ggml_type, data in tensors:
        infos.append((name, ne, ggml_type, offset))
        padded = data + bytes(align_up(len(data), args.alignment) - len(data))
        body += padded
        offset += len(padded)
    with open(args.out, "wb") as f:
        f.write(header_bytes(kvs, infos, args.alignment) + body)
    print(f"make_gguf: wrote {args.out}: {len(tensors)} tensors, one of each ggml type 0..35 "
          f"but 4 and 5, seed {args.seed}")


def fuzz_corpus(directory):
    """The reader's seed corpus: small valid files and one malformed file per problem the reader
    must name. Each is under 4 KB."""
    os.makedirs(directory, exist_ok=True)
    rng = np.random.default_rng(1)

    def tensor(name, n, k, alpha=0.5):
        return name, [k, n], GGML_TYPE_I2_S, pack_i2s(random_ternary(rng, n, k, 0.4), alpha)

    def build(tensors, kvs=None, alignment=32, offsets=None, **header):
        if kvs is None:
            kvs = [kv_pair("general.architecture", KV_STRING, "bitnet"),
                   kv_pair("general.alignment", KV_U32, alignment),
                   kv_pair("general.file_type", KV_U32, FILE_TYPE_I2_S)]
        infos, data, offset = [], b"", 0
        for i, (name, ne, ggml_type, blob) in enumerate(tensors):
            infos.append((name, ne, ggml_type, offset if offsets is None else offsets[i]))
            padded = blob + bytes(align_up(len(blob), alignment) - len(blob))
            data += padded
            offset += len(padded)
        return header_bytes(kvs, infos, alignment, **header) + data

    one = [tensor("blk.0.attn_q.weight", 1, 128)]
    # Its own generator, so that the files above stay as they were.
    types = every_type_tensors(np.random.default_rng(2), blocks_per_row=1, rows=1)
    two = [tensor("blk.0.attn_q.weight", 2, 128), tensor("blk.0.ffn_down.weight", 3, 256)]
    args = argparse.Namespace(model=None, alignment=32, seed=1, zeros=0.4, layers=1)
    full_kvs = model_kvs(args, [("a", 2, 128), ("b", 3, 256)])
    norm = ("blk.0.attn_norm.weight", [128], GGML_TYPE_F32,
            np.ones(128, dtype="<f4").tobytes())
    files = {
        "valid_1x128.gguf": build(one),
        "valid_two_tensors_full_kv.gguf": build(two, kvs=full_kvs),
        "valid_align64.gguf": build(two, alignment=64),
        "valid_f32_and_i2s.gguf": build([norm] + one),
        "valid_no_tensors.gguf": build([], kvs=full_kvs),
        "bad_magic.gguf": build(one, magic=b"GGML"),
        "version1.gguf": build(one, version=1),
        "version_big_endian.gguf": build(one, version=0x03000000),
        "tensor_count_huge.gguf": build(one, tensor_count=1 << 62),
        "kv_count_huge.gguf": build(one, kv_count=(1 << 64) - 1),
        "string_past_end.gguf": build(one, kvs=[struct.pack("<Q", 1 << 40) + b"general"]),
        "unknown_kv_type.gguf": build(one, kvs=[gguf_string("general.x") + struct.pack("<II",
                                                                                       13, 0)]),
        "array_nested_too_deep.gguf": build(one, kvs=[kv_pair(
            "deep", KV_ARRAY,
            [(KV_ARRAY, [(KV_ARRAY, [(KV_ARRAY, [(KV_U8, [1])])])])], KV_ARRAY)]),
        "array_count_huge.gguf": build(one, kvs=[gguf_string("a") + struct.pack(
            "<IIQ", KV_ARRAY, KV_STRING, 1 << 60)]),
        "alignment_zero.gguf": build(one, kvs=[kv_pair("general.alignment", KV_U32, 0)]),
        "alignment_three.gguf": build(one, kvs=[kv_pair("general.alignment", KV_U32, 3)]),
        "n_dims_zero.gguf": build([("w", [], GGML_TYPE_I2_S, one[0][3])]),
        "n_dims_five.gguf": build([("w", [128, 1, 1, 1, 1], GGML_TYPE_I2_S, one[0][3])]),
        "ne_zero.gguf": build([("w", [128, 0], GGML_TYPE_I2_S, one[0][3])]),
        "ne_overflow.gguf": build([("w", [1 << 40, 1 << 40], GGML_TYPE_I2_S, one[0][3])]),
        "offset_misaligned.gguf": build(one, offsets=[4]),
        "offset_past_end.gguf": build(one, offsets=[1 << 20]),
        "data_truncated.gguf": build(one)[:-1],
        "header_truncated.gguf": build(two, kvs=full_kvs)[:150],
        "type_tl1.gguf": build([("w", [128, 1], GGML_TYPE_TL1, one[0][3])]),
        "type_f32_asked_as_i2s.gguf": build([("w", [128, 1], GGML_TYPE_F32, bytes(512))]),
        "k_64.gguf": build([("w", [64, 2], GGML_TYPE_I2_S, one[0][3])]),
        "code3.gguf": build([("w", [128, 1], GGML_TYPE_I2_S, b"\x5f" + one[0][3][1:])]),
        "alpha_nan.gguf": build([("w", [128, 1], GGML_TYPE_I2_S,
                                  one[0][3][:32] + struct.pack("<f", math.nan) + bytes(28))]),
        "duplicate_tensor_names.gguf": build(one + one),
        "duplicate_keys.gguf": build(one, kvs=[kv_pair("general.name", KV_STRING, "a"),
                                               kv_pair("general.name", KV_STRING, "b")]),
        # Every sized ggml type (two files to stay small), and cuts inside quantized tensors
        # that a reader sizing them as 0 bytes would accept.
        "valid_types_0_to_19.gguf": build([t for t in types if t[2] < 20]),
        "valid_types_20_to_35.gguf": build([t for t in types if t[2] >= 20]),
        "q8_0_truncated.gguf": build([t for t in types if t[2] == 8])[:-40],
        "q6_k_truncated.gguf": build([t for t in types if t[2] == 14])[:-100],
        "ne0_not_block_multiple.gguf": build([("w", [48, 1], 8, bytes(68))]),
        "type_unknown.gguf": build([("w", [128, 1], 40, bytes(64))]),
        "type_tl2.gguf": build([("w", [128, 1], 39, one[0][3])]),
        "type_removed_q4_2.gguf": build([("w", [32, 1], 4, bytes(32))]),
        "tensor_name_too_long.gguf": build([("n" * 65, [128, 1], GGML_TYPE_I2_S, one[0][3])]),
    }
    for name, data in files.items():
        assert len(data) < 4096, name
        with open(os.path.join(directory, name), "wb") as f:
            f.write(data)
    print(f"make_gguf: wrote {len(files)} corpus files to {directory}")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog="The tensors are --model's and the --tensor ones; the "
                                       "module docstring has the layout and examples.")
    p.add_argument("--out", metavar="FILE",
                   help="GGUF file to write (required, but with --fuzz-corpus)")
    p.add_argument("--model", choices=sorted(MODELS),
                   help="real layer shapes of this model, block by block (default: none, only "
                        "the --tensor ones)")
    p.add_argument("--layers", type=int, default=1, metavar="B",
                   help="transformer blocks of --model (default: %(default)s)")
    p.add_argument("--zeros", type=float, default=0.4, metavar="F",
                   help="fraction of zero weights, 0..1 (default: %(default)s)")
    p.add_argument("--seed", type=int, default=1, metavar="S",
                   help="random seed; the same seed writes the same file (default: %(default)s)")
    p.add_argument("--tensor", type=parse_tensor, action="append", default=[],
                   metavar="NAME:N:K",
                   help="a custom N x K tensor, K a multiple of 128; repeatable (default: none)")
    p.add_argument("--npy-dir", metavar="DIR",
                   help="also write each tensor as <name>.npy and <name>.alpha.npy (default: "
                        "no .npy files)")
    p.add_argument("--alpha", type=parse_alpha, default=None, metavar="VALUE|random",
                   help="alpha of every tensor, or 'random' per tensor (default: random)")
    p.add_argument("--alignment", type=int, default=32, metavar="BYTES",
                   help="general.alignment, a power of two (default: %(default)s)")
    p.add_argument("--fuzz-corpus", metavar="DIR",
                   help="write the GGUF reader's seed corpus to DIR instead of --out "
                        "(default: none)")
    p.add_argument("--every-type", action="store_true",
                   help="write one tensor of every ggml type (random bytes) instead of I2_S ones")
    args = p.parse_args()
    if args.fuzz_corpus:
        fuzz_corpus(args.fuzz_corpus)
        return
    if args.every_type:
        if not args.out:
            p.error("--out is required")
        write_every_type(args)
        return
    if not args.out:
        p.error("--out is required")
    if args.layers < 1:
        p.error(f"--layers {args.layers}: must be at least 1")
    if args.model and args.layers > MODELS[args.model][5]:
        p.error(f"--layers {args.layers}: {MODELS[args.model][0]} has "
                f"{MODELS[args.model][5]} layers")
    if not 0.0 <= args.zeros <= 1.0:
        p.error(f"--zeros {args.zeros}: must lie in [0, 1]")
    if args.seed < 0 or args.seed >= 1 << 64:
        p.error(f"--seed {args.seed}: must lie in [0, 2^64)")
    if args.alignment < 1 or args.alignment & (args.alignment - 1) or args.alignment >= 1 << 32:
        p.error(f"--alignment {args.alignment}: must be a power of two below 2^32")
    generate(args)


if __name__ == "__main__":
    main()
