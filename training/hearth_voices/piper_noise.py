"""Piper's randomness, made reproducible.

Piper's VITS graph draws its prosody and timbre noise with two ``RandomNormalLike`` nodes, which
onnxruntime seeds from the clock once per session: the same sentence comes out different on every
call. Here each of those nodes is replaced by a slice of a graph input (a bank of normal noise
reshaped like the tensor it replaces), and the wrapper fills the banks from a seed per utterance,
so the same voice says the same sentence identically in any process and any order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

BANK_SIZE = 192 * 4096
"""Enough noise for the largest tensor (192 channels x 4096 frames, about 47 s of one sentence;
Piper synthesizes sentence by sentence)."""


def seeded_graph(model_path: Path) -> tuple[bytes, tuple[str, ...]]:
    """The model with its random nodes fed from new float inputs; returns the serialized graph
    and the names of those inputs."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(model_path))
    graph = model.graph
    nodes = list(graph.node)
    banks: list[str] = []
    rewritten = []
    for node in nodes:
        if node.op_type != "RandomNormalLike":
            rewritten.append(node)
            continue
        bank = f"hearth_noise_{len(banks)}"
        banks.append(bank)
        rewritten.extend(_slice_of_bank(helper, node.input[0], node.output[0], bank))
        graph.input.append(helper.make_tensor_value_info(bank, TensorProto.FLOAT, [BANK_SIZE]))
    if not banks:
        raise ValueError(f"{model_path} has no RandomNormalLike node: not a Piper VITS voice")
    graph.initializer.extend(
        [
            helper.make_tensor("hearth_zero", TensorProto.INT64, [1], [0]),
            helper.make_tensor("hearth_one_dim", TensorProto.INT64, [1], [1]),
        ]
    )
    del graph.node[:]
    graph.node.extend(rewritten)
    return model.SerializeToString(), tuple(banks)


def _slice_of_bank(helper: Any, like: str, output: str, bank: str) -> list[Any]:
    """Nodes computing reshape(bank[:size(like)], shape(like)) into ``output``."""
    shape, size, ends, flat = (f"{bank}_{part}" for part in ("shape", "size", "ends", "flat"))
    return [
        helper.make_node("Shape", [like], [shape]),
        helper.make_node("Size", [like], [size]),
        helper.make_node("Reshape", [size, "hearth_one_dim"], [ends]),
        helper.make_node("Slice", [bank, "hearth_zero", ends], [flat]),
        helper.make_node("Reshape", [flat, shape], [output]),
    ]


class SeededNoiseSession:
    """Stands in for Piper's onnxruntime session: every run gets its noise from ``seed``."""

    def __init__(self, session: Any, banks: Sequence[str]) -> None:
        self.session = session
        self.banks = tuple(banks)
        self.generator = np.random.default_rng(0)

    def reseed(self, seed: Sequence[int]) -> None:
        self.generator = np.random.default_rng(list(seed))

    def run(self, output_names: Sequence[str] | None, feed: Mapping[str, Any]) -> Any:
        noise = {
            bank: self.generator.standard_normal(BANK_SIZE, dtype=np.float32) for bank in self.banks
        }
        return self.session.run(output_names, {**feed, **noise})
