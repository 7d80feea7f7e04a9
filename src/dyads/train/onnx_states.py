"""Expose a classifier's intermediate encoder states as ONNX outputs, for taggers stacked on it."""

from __future__ import annotations

import re
from pathlib import Path

from dyads.errors import ModelError

_LAYER_OUT = re.compile(r"/layer\.(\d+)/output/LayerNorm/LayerNormalization_output_0$")


def expose_states(path: Path) -> list[str]:
    """Add outputs ``states_K`` (the encoder's word-piece states after its first K layers, for K
    from 1 to one below its depth) to the ONNX file at ``path``, in place; returns their names.
    The model computes what it did before: each new output is an Identity of a tensor it already had."""
    import onnx
    from onnx import TensorProto, helper

    model = onnx.load(str(path))
    outputs = {o.name for o in model.graph.output}
    layers: dict[int, str] = {}
    for node in model.graph.node:
        for name in node.output:
            found = _LAYER_OUT.search(name)
            if found:
                layers[int(found.group(1))] = name
    if not layers or sorted(layers) != list(range(len(layers))):
        raise ModelError("E918", f"{path}: no encoder layer outputs to expose (found layers {sorted(layers)})",
                         fix="Expose states only on a classifier exported by `dyads train`.")
    hidden = next(i.dims[0] for i in model.graph.initializer if "LayerNorm" in i.name)
    added = []
    for k in range(1, len(layers)):
        name = f"states_{k}"
        if name in outputs:
            continue
        model.graph.node.append(helper.make_node("Identity", [layers[k - 1]], [name], name=f"expose_{name}"))
        model.graph.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ["batch", "tokens", hidden]))
        added.append(name)
    onnx.save(model, str(path))
    return added
