"""Fine-tune MiniLM with two heads (PLOVER type, sentence class) and export int8 ONNX.

Imported only by :func:`dyads.train.train_model`, inside the training environment.
"""

from __future__ import annotations

import hashlib
import json
import math
import platform
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tokenizers import Tokenizer
from transformers import AutoModel

from dyads.classifier.examples import Example
from dyads.classifier.labels import CLASS_LABELS, ROLE_TAGS, TYPE_LABELS
from dyads.classifier.model import FORMAT_VERSION, META_FILE, MODEL_FILE, TOKENIZER_FILE, encode, load_tokenizer
from dyads.train.onnx_states import expose_states
from dyads.train.options import TrainOptions


class TwoHeads(nn.Module):
    """Encoder -> mean-pooled type and class logits, and per-word-piece role logits."""

    def __init__(self, base: Path, *, layers: int | None = None) -> None:
        super().__init__()
        # eager attention exports as plain MatMul/Softmax, which runs about 1.2x faster as int8 than
        # the scaled-dot-product export (measured one sentence per call, 4 and 6 layers)
        self.encoder = AutoModel.from_pretrained(str(base), attn_implementation="eager")
        if layers is not None and layers < len(self.encoder.encoder.layer):
            self.encoder.encoder.layer = self.encoder.encoder.layer[:layers]  # the lower layers, as pretrained
            self.encoder.config.num_hidden_layers = layers
        hidden = self.encoder.config.hidden_size
        self.dropout = nn.Dropout(0.1)
        self.types = nn.Linear(hidden, len(TYPE_LABELS))
        self.classes = nn.Linear(hidden, len(CLASS_LABELS))
        self.roles = nn.Linear(hidden, len(ROLE_TAGS))

    def states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(word-piece states, mean-pooled sentence state)."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return hidden, (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden, pooled = self.states(input_ids, attention_mask)
        pooled = self.dropout(pooled)
        return self.types(pooled), self.classes(pooled), self.roles(self.dropout(hidden))


class Probabilities(nn.Module):
    """What the ONNX file computes: softmax of the three heads (no dropout)."""

    def __init__(self, net: TwoHeads) -> None:
        super().__init__()
        self.net = net

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        hidden, pooled = self.net.states(input_ids, attention_mask)
        return (
            torch.softmax(self.net.types(pooled), -1),
            torch.softmax(self.net.classes(pooled), -1),
            torch.softmax(self.net.roles(hidden), -1),
        )


def _targets(batch: list[Example]) -> tuple[torch.Tensor, torch.Tensor]:
    allowed = torch.zeros((len(batch), len(TYPE_LABELS)), dtype=torch.bool)
    classes = torch.full((len(batch),), -100, dtype=torch.long)
    for i, example in enumerate(batch):
        for name in example.types:
            allowed[i, TYPE_LABELS.index(name)] = True
        if example.cameo_class is not None:
            classes[i] = example.cameo_class
    return allowed, classes


def role_targets(tokenizer: Tokenizer, batch: list[Example], width: int) -> torch.Tensor:
    """Role tag index per word piece (-100 for special tokens, padding and texts without roles)."""
    targets = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, (example, encoding) in enumerate(zip(batch, tokenizer.encode_batch([e.text for e in batch]))):
        if not example.roles:
            continue
        previous = None
        for column, ((start, end), special) in enumerate(zip(encoding.offsets, encoding.special_tokens_mask)):
            if special or end <= start:
                continue
            span = next((r for r in example.roles if r[0] <= start < r[1]), None)
            if span is None:
                targets[row, column] = ROLE_TAGS.index("O")
            else:
                bio = "I" if span == previous else "B"
                targets[row, column] = ROLE_TAGS.index(f"{bio}-{span[2]}")
            previous = span
    return targets


def set_loss(logits: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    """-log P(type in allowed set), averaged over rows that allow any type."""
    rows = allowed.any(1)
    if not rows.any():
        return logits.sum() * 0.0
    logits, allowed = logits[rows], allowed[rows]
    inside = torch.logsumexp(logits.masked_fill(~allowed, float("-inf")), dim=1)
    return (torch.logsumexp(logits, dim=1) - inside).mean()


def batches(examples: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Batches of similar length (less padding), in random order."""
    order = sorted(examples, key=lambda e: (len(e.text), rng.random()))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    return chunks


def batch_loss(net: nn.Module, tokenizer: Tokenizer, batch: list[Example], *, role_weight: float = 1.0) -> torch.Tensor:
    """The training loss of one batch for a net giving (type, class, role) logits: the type set
    loss, plus class cross-entropy where a text has a class, plus ``role_weight`` times the role
    tags' cross-entropy where it has argument phrases."""
    ids, mask = encode(tokenizer, [e.text for e in batch])
    allowed, classes = _targets(batch)
    roles = role_targets(tokenizer, batch, ids.shape[1])
    type_logits, class_logits, role_logits = net(torch.from_numpy(ids), torch.from_numpy(mask))
    loss = set_loss(type_logits, allowed)
    if (classes >= 0).any():
        loss = loss + nn.functional.cross_entropy(class_logits, classes, ignore_index=-100)
    if (roles >= 0).any():
        role_loss = nn.functional.cross_entropy(role_logits.reshape(-1, len(ROLE_TAGS)), roles.reshape(-1), ignore_index=-100)
        loss = loss + role_weight * role_loss
    return loss


def seed_everything(options: TrainOptions) -> None:
    """Seed Python, NumPy and torch and fix torch's thread count: the same data and options give the same model."""
    random.seed(options.seed)
    np.random.seed(options.seed)
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads)


def optimiser(params: list[nn.Parameter], options: TrainOptions, *, steps: int) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW with 10% linear warm-up, then linear decay to 0 over ``steps``."""
    optimizer = torch.optim.AdamW(params, lr=options.learning_rate, weight_decay=0.01)
    warmup = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    return optimizer, schedule


def take_step(loss: torch.Tensor, optimizer: torch.optim.Optimizer, schedule: torch.optim.lr_scheduler.LambdaLR, params: list[nn.Parameter]) -> None:
    optimizer.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    schedule.step()


def write_meta(out: Path, *, options: TrainOptions, base: Path, examples: list[Example], labels: dict, fields: dict, note: dict) -> dict:
    """Write ``dyads-model.json``: what every model folder records (options, data hashes, model hash,
    versions) around the model's own ``labels`` (first) and ``fields`` (after the example count)."""
    meta = {
        "format": FORMAT_VERSION,
        **labels,
        "max_length": options.max_length,
        "base": {"path_name": base.parent.name, "tokenizer_sha256": _sha256(base / "tokenizer.json")},
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in options.__dict__.items() if k not in {"data", "base"}},
        "data": [{"file": Path(p).name, "sha256": _sha256(Path(p))} for p in options.data],
        "examples": len(examples),
        **fields,
        "model_sha256": _sha256(out / MODEL_FILE),
        "torch": torch.__version__,
        "python": platform.python_version(),
        **note,
    }
    (out / META_FILE).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def fit_and_export(examples: list[Example], *, options: TrainOptions, base: Path, out: Path, note: dict) -> dict:
    seed_everything(options)
    tokenizer = load_tokenizer(base / "tokenizer.json", options.max_length)
    net = TwoHeads(base, layers=options.layers)
    net.encoder.embeddings.word_embeddings.weight.requires_grad_(False)  # faster, and keeps rare words as pretrained
    params = [p for p in net.parameters() if p.requires_grad]
    optimizer, schedule = optimiser(params, options, steps=options.epochs * math.ceil(len(examples) / options.batch_size))
    rng = random.Random(options.seed)
    started = time.perf_counter()
    history = []
    net.train()
    for epoch in range(options.epochs):
        total, count = 0.0, 0
        for batch in batches(examples, options.batch_size, rng):
            loss = batch_loss(net, tokenizer, batch, role_weight=options.role_weight)
            take_step(loss, optimizer, schedule, params)
            total += loss.item() * len(batch)
            count += len(batch)
        history.append(round(total / max(1, count), 4))
    seconds = time.perf_counter() - started
    net.eval()
    out.mkdir(parents=True, exist_ok=True)
    check = _export(net, tokenizer, examples, options, out)
    shutil.copyfile(base / "tokenizer.json", out / TOKENIZER_FILE)
    labels = {"type_labels": list(TYPE_LABELS), "class_labels": list(CLASS_LABELS), "role_tags": list(ROLE_TAGS)}
    fields = {
        "types": dict(sorted(Counter(t for e in examples for t in e.types).items())),
        "role_examples": sum(1 for e in examples if e.roles),
        "classes": {str(k): v for k, v in sorted(Counter(e.cameo_class for e in examples if e.cameo_class is not None).items())},
        "loss_per_epoch": history,
        "train_seconds": round(seconds, 1),
        "int8_check": check,
    }
    return write_meta(out, options=options, base=base, examples=examples, labels=labels, fields=fields, note=note)


def _export(net: TwoHeads, tokenizer: Tokenizer, examples: list[Example], options: TrainOptions, out: Path) -> dict:
    """fp32 ONNX -> dynamic int8 (per channel) ONNX; returns how close int8 stays to fp32."""
    wrapper = Probabilities(net).eval()
    ids, mask = encode(tokenizer, ["The army shelled the town.", "Talks resumed on Monday in Geneva."])
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        torch.onnx.export(
            wrapper,
            (torch.from_numpy(ids), torch.from_numpy(mask)),
            str(fp32),
            input_names=["input_ids", "attention_mask"],
            output_names=["type_probs", "class_probs", "role_probs"],
            dynamic_axes={"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"}},
            opset_version=17,
            dynamo=False,
        )
        quantize(fp32, out / MODEL_FILE)
        expose_states(out / MODEL_FILE)  # states_K outputs, for a role tagger stacked on this classifier
        sample = [e.text for e in random.Random(options.seed).sample(examples, min(200, len(examples)))]
        # a role tagger (argument phrases only) is checked on its role tags per word piece, a classifier on its types
        tagger = not any(e.types or e.cameo_class is not None for e in examples)
        output, name = (2, "role_argmax_agreement") if tagger else (0, "type_argmax_agreement")
        feeds = ({"input_ids": ids, "attention_mask": mask} for ids, mask in (encode(tokenizer, [text]) for text in sample))
        return int8_check(fp32, out / MODEL_FILE, feeds, output=output, name=name, texts=len(sample))


def quantize(fp32: Path, int8: Path) -> None:
    """fp32 ONNX -> dynamic int8 ONNX, per channel, with 7-bit weights.

    7-bit weights (reduce_range): without VNNI, x86 int8 kernels add pairs of uint8 x int8 products
    in 16 bits, and full-range weights overflow there, so the same model gave other answers on older
    CPUs (docs/training.md). With 7 bits the sums fit on every CPU."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(int8), per_channel=True, reduce_range=True, weight_type=QuantType.QInt8)


def int8_check(fp32: Path, int8: Path, feeds: Iterable[dict], *, output: int, name: str, texts: int) -> dict:
    """How closely the int8 file follows fp32 on ``feeds`` (one text each, as dyads serves them):
    argmax agreement and mean cosine of output ``output``, per text or per word piece."""
    import onnxruntime as ort

    agree, cosine = [], []
    full = ort.InferenceSession(str(fp32), providers=["CPUExecutionProvider"])
    small = ort.InferenceSession(str(int8), providers=["CPUExecutionProvider"])
    for feed in feeds:
        a, b = (session.run(None, feed)[output] for session in (full, small))
        a, b = a.reshape(-1, a.shape[-1]), b.reshape(-1, b.shape[-1])  # one row per text or per word piece
        agree.extend((a.argmax(1) == b.argmax(1)).tolist())
        cosine.extend(((a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))).tolist())
    return {"texts": texts, name: round(float(np.mean(agree)), 4), "mean_cosine": round(float(np.mean(cosine)), 4)}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
