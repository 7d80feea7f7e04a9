"""Narrowing a stacked tagger's own layers (``--own-heads``/``--own-ffn``); needs the training
environment (torch, transformers: `make train-env`), so it skips in the default one."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch", reason="training code: torch lives only in .venv-train (make train-env)")
pytest.importorskip("transformers", reason="training code: transformers lives only in .venv-train (make train-env)")


def _layer():
    from transformers import BertConfig
    from transformers.models.bert.modeling_bert import BertLayer

    torch.manual_seed(0)
    config = BertConfig(hidden_size=16, num_attention_heads=4, intermediate_size=32, attn_implementation="eager")
    return BertLayer(config).eval()


def _run(layer, states, mask):
    additive = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    out = layer(states, attention_mask=additive)
    return out[0] if isinstance(out, tuple) else out


def test_narrowing_to_the_full_width_changes_nothing() -> None:
    from dyads.train.stacked import narrow

    layer = _layer()
    states, mask = torch.randn(2, 5, 16), torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]])
    before = _run(layer, states, mask)
    narrow(layer, heads=4, ffn=32)
    assert torch.equal(before, _run(layer, states, mask))


def test_narrowing_keeps_the_heads_and_units_that_write_the_most() -> None:
    from dyads.train.stacked import narrow

    layer = _layer()
    with torch.no_grad():
        layer.attention.self.value.weight[4:8] *= 10.0  # head 1 (of 4, 4 dims each) writes the most
        layer.attention.self.value.weight[12:16] *= 5.0  # head 3 next
        layer.intermediate.dense.weight[[3, 7, 30]] *= 10.0  # units 3, 7, 30
    kept_value = torch.cat([layer.attention.self.value.weight[4:8], layer.attention.self.value.weight[12:16]]).clone()
    kept_units = layer.intermediate.dense.weight[[3, 7, 30]].clone()
    narrow(layer, heads=2, ffn=3)
    assert layer.attention.self.query.out_features == 8 and layer.attention.output.dense.in_features == 8
    assert torch.equal(layer.attention.self.value.weight, kept_value)
    assert torch.equal(layer.intermediate.dense.weight, kept_units) and layer.output.dense.in_features == 3
    out = _run(layer, torch.randn(1, 6, 16), torch.ones(1, 6, dtype=torch.long))
    assert out.shape == (1, 6, 16) and torch.isfinite(out).all()
