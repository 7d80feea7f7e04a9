"""A role tagger stacked on a classifier: it reads the classifier's encoder state after its lower
layers and runs only its own upper layers, so a sentence's lower layers are computed once.

Imported only by :func:`dyads.train.train_model`, inside the training environment (torch).
"""

from __future__ import annotations

import math
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import AutoModel

from dyads.classifier.examples import Example
from dyads.classifier.labels import ROLE_TAGS
from dyads.classifier.model import MODEL_FILE, SentenceClassifier
from dyads.train.finetune import _sha256, int8_check, optimiser, quantize, role_targets, seed_everything, take_step, write_meta
from dyads.train.options import TrainOptions
from dyads.train.sentences import news_sentences


def _kept(linear: nn.Linear, rows: torch.Tensor | None = None, columns: torch.Tensor | None = None) -> nn.Linear:
    """A copy of ``linear`` with only the given output ``rows`` and input ``columns``."""
    weight = linear.weight.data
    weight = weight[rows] if rows is not None else weight
    weight = weight[:, columns] if columns is not None else weight
    smaller = nn.Linear(weight.shape[1], weight.shape[0])
    smaller.weight.data = weight.clone()
    smaller.bias.data = (linear.bias.data[rows] if rows is not None else linear.bias.data).clone()
    return smaller


def narrow(layer: nn.Module, *, heads: int | None = None, ffn: int | None = None) -> None:
    """Structured pruning of one pretrained BERT layer before fine-tuning: keep the ``heads``
    attention heads and the ``ffn`` feed-forward units that can write the most into the layer's
    output (product of the norms of the weights reading into and writing out of each), so the
    layer costs fewer operations per word piece (docs/training.md)."""
    attention, output = layer.attention.self, layer.attention.output
    size = attention.attention_head_size
    count = attention.query.out_features // size
    if heads is not None and heads < count:
        value = attention.value.weight.data.reshape(count, size, -1).flatten(1).norm(dim=1)
        written = output.dense.weight.data.reshape(-1, count, size).transpose(0, 1).flatten(1).norm(dim=1)
        kept = (value * written).topk(heads).indices.sort().values
        pieces = torch.cat([torch.arange(h * size, (h + 1) * size) for h in kept.tolist()])
        for name in ("query", "key", "value"):
            setattr(attention, name, _kept(getattr(attention, name), rows=pieces))
        output.dense = _kept(output.dense, columns=pieces)
        attention.num_attention_heads, attention.all_head_size = heads, heads * size
    inner, outer = layer.intermediate.dense, layer.output.dense
    if ffn is not None and ffn < inner.out_features:
        kept = (inner.weight.data.norm(dim=1) * outer.weight.data.norm(dim=0)).topk(ffn).indices.sort().values
        layer.intermediate.dense = _kept(inner, rows=kept)
        layer.output.dense = _kept(outer, columns=kept)


class UpperTagger(nn.Module):
    """Encoder layers ``first`` .. ``last - 1`` of the pretrained base (optionally narrowed), then
    per-piece role logits."""

    def __init__(self, base: Path, *, first: int, last: int, heads: int | None = None, ffn: int | None = None) -> None:
        super().__init__()
        encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager")
        self.layers = nn.ModuleList(encoder.encoder.layer[first:last])
        for layer in self.layers:
            narrow(layer, heads=heads, ffn=ffn)
        self.dropout = nn.Dropout(0.1)
        self.roles = nn.Linear(encoder.config.hidden_size, len(ROLE_TAGS))

    def upper(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        additive = (1.0 - attention_mask[:, None, None, :].to(states.dtype)) * torch.finfo(states.dtype).min
        for layer in self.layers:
            states = layer(states, attention_mask=additive)
            states = states[0] if isinstance(states, tuple) else states
        return states

    def forward(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.roles(self.dropout(self.upper(states, attention_mask)))


class RoleProbabilities(nn.Module):
    """What the ONNX file computes: softmax of the role logits (no dropout)."""

    def __init__(self, net: UpperTagger) -> None:
        super().__init__()
        self.net = net

    def forward(self, states: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.net.roles(self.net.upper(states, attention_mask)), -1)


def classifier_states(classifier: SentenceClassifier, texts: list[str]) -> list[np.ndarray]:
    """The classifier's states of each text after its shared layers, one text per call as dyads
    serves it (the int8 model scales its activations per call)."""
    return [np.array(classifier.predict([text], roles=False)[0].states) for text in texts]


def _batch(states: list[np.ndarray]) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(s.shape[0] for s in states)
    padded = np.zeros((len(states), width, states[0].shape[1]), dtype=np.float32)
    mask = np.zeros((len(states), width), dtype=np.int64)
    for row, s in enumerate(states):
        padded[row, : s.shape[0]] = s
        mask[row, : s.shape[0]] = 1
    return torch.from_numpy(padded), torch.from_numpy(mask)


def teacher_probs(teacher: SentenceClassifier, texts: list[str]) -> list[np.ndarray]:
    """The role tag probabilities a tagger of its own gives each word piece of each text."""
    out = []
    for text in texts:
        ids = np.asarray([teacher.tokenizer.encode(text).ids], dtype=np.int64)
        out.append(teacher.session.run(["role_probs"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})[0][0])
    return out


def fit_stacked(
    examples: list[Example], *, options: TrainOptions, base: Path, classifier: SentenceClassifier,
    teacher: SentenceClassifier | None = None, extra: Sequence[str] = (),
) -> tuple[UpperTagger, list[float], float]:
    """Train the upper layers (the base's layers ``classifier.states`` .. ``options.layers - 1``) on
    ``examples``' argument phrases, and, with a ``teacher``, to give its tag probabilities on the
    ``extra`` texts too (distillation); returns (net, loss per epoch, seconds)."""
    seed_everything(options)
    net = UpperTagger(base, first=classifier.states, last=options.layers or 4, heads=options.own_heads, ffn=options.own_ffn)
    tagged = [e for e in examples if e.roles]
    extra = list(extra) if teacher is not None else []
    states = [s.astype(np.float16) for s in classifier_states(classifier, [e.text for e in tagged] + extra)]
    soft = teacher_probs(teacher, extra) if teacher is not None else []
    gold = [(i, tagged[i]) for i in range(len(tagged))]
    items = gold * (options.gold_repeat if extra else 1) + [(len(tagged) + j, None) for j in range(len(extra))]
    lengths = [s.shape[0] for s in states]
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer, schedule = optimiser(params, options, steps=options.epochs * math.ceil(len(items) / options.batch_size))
    rng = random.Random(options.seed)
    started = time.perf_counter()
    history = []
    net.train()
    for _ in range(options.epochs):
        total, count = 0.0, 0
        order = sorted(items, key=lambda item: (lengths[item[0]], rng.random()))
        chunks = [order[i : i + options.batch_size] for i in range(0, len(order), options.batch_size)]
        rng.shuffle(chunks)
        for batch in chunks:
            inputs, mask = _batch([states[i].astype(np.float32) for i, _ in batch])
            logits = net(inputs, mask)
            loss = logits.sum() * 0.0
            labelled = [row for row, (_, example) in enumerate(batch) if example is not None]
            if labelled:
                targets = role_targets(classifier.tokenizer, [batch[row][1] for row in labelled], inputs.shape[1])
                loss = loss + nn.functional.cross_entropy(logits[labelled].reshape(-1, len(ROLE_TAGS)), targets.reshape(-1), ignore_index=-100)
            taught = [row for row, (_, example) in enumerate(batch) if example is None]
            if taught:
                wanted = torch.zeros((len(taught), inputs.shape[1], len(ROLE_TAGS)))
                for k, row in enumerate(taught):
                    probs = soft[batch[row][0] - len(tagged)]
                    wanted[k, 1 : probs.shape[0] - 1] = torch.from_numpy(probs[1:-1])  # not [CLS], [SEP]
                log_probs = torch.log_softmax(logits[taught], -1)
                pieces = wanted.sum(-1) > 0
                loss = loss + options.distil_weight * -(wanted * log_probs).sum(-1)[pieces].mean()
            take_step(loss, optimizer, schedule, params)
            total += loss.item() * len(batch)
            count += len(batch)
        history.append(round(total / max(1, count), 4))
    net.eval()
    return net, history, time.perf_counter() - started


def train_stacked(examples: list[Example], *, options: TrainOptions, base: Path, out: Path, note: dict) -> dict:
    """Fit a tagger on the states of the classifier in ``options.stack_on`` and write its folder."""
    classifier = SentenceClassifier(options.stack_on, threads=options.threads, states=options.shared_layers)
    teacher = SentenceClassifier(options.distil_from, threads=options.threads) if options.distil_from else None
    extra = news_sentences(options.distil_texts, limit=options.distil_max, seed=options.seed) if teacher and options.distil_texts else []
    net, history, seconds = fit_stacked(examples, options=options, base=base, classifier=classifier, teacher=teacher, extra=extra)
    out.mkdir(parents=True, exist_ok=True)
    check = _export(net, classifier, examples, options, out)
    labels = {
        "role_tags": list(ROLE_TAGS),
        "stacked_on": {"folder_name": Path(options.stack_on).name, "model_sha256": classifier.meta["model_sha256"], "layers": options.shared_layers},
    }
    fields = {
        "role_examples": sum(1 for e in examples if e.roles),
        "distilled_sentences": len(extra),
        "distil_data": {"file": Path(options.distil_texts).name, "sha256": _sha256(Path(options.distil_texts))} if extra else None,
        "loss_per_epoch": history,
        "train_seconds": round(seconds, 1),
        "int8_check": check,
    }
    return write_meta(out, options=options, base=base, examples=examples, labels=labels, fields=fields, note=note)


def _export(net: UpperTagger, classifier: SentenceClassifier, examples: list[Example], options: TrainOptions, out: Path) -> dict:
    """fp32 ONNX -> dynamic int8 (per channel, 7-bit weights as the classifier's) ONNX; returns
    how closely int8 follows fp32 on the role tags of up to 200 training texts' word pieces."""
    wrapper = RoleProbabilities(net).eval()
    sample_states = classifier_states(classifier, ["The army shelled the town.", "Talks resumed on Monday in Geneva."])
    states, mask = _batch(sample_states)
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            wrapper,
            (states, mask),
            str(fp32),
            input_names=["states", "attention_mask"],
            output_names=["role_probs"],
            dynamic_axes={"states": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
        quantize(fp32, out / MODEL_FILE)
        tagged = [e.text for e in examples if e.roles]
        sample = random.Random(options.seed).sample(tagged, min(200, len(tagged)))
        feeds = (
            {"states": s[None].astype(np.float32), "attention_mask": np.ones((1, s.shape[0]), dtype=np.int64)}
            for s in classifier_states(classifier, sample)
        )
        return int8_check(fp32, out / MODEL_FILE, feeds, output=0, name="role_argmax_agreement", texts=len(sample))
