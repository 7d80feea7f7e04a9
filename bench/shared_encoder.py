"""One encoder for the classifier's heads and the role tagger, its lower layers shared: what it
would keep, measured on one fold (needs the training environment, `make train-env`).

    .venv-train/bin/python bench/shared_encoder.py [--shared 2] [--own 2] [--fold 0] [--epochs 3]

Trains, in torch (fp32, no export), an encoder whose first ``--shared`` layers serve both jobs and
whose next ``--own`` layers are copied once per job: one branch mean-pools for the PLOVER type and
sentence class heads, the other tags argument phrases. Data and options are the shipped recipes'
(`make model`: our examples, cameo_class, cameo_ner, PLV, GSR, 1,500 NGEC stories; tagged
sentences shown four times per epoch, the role branch at learning rate 1.5e-4 as the role
tagger's recipe). Scores the held-out fold: class accuracy on cameo_class texts, type accuracy
on PLOVER GSR texts, exact-span F1 of the role branch alone on cameo_ner (phrases of mean
probability >= 0.7). Compare with the shipped pair on the same fold: ``python
bench/classifier_alone.py`` and ``python bench/role_tagger_alone.py`` (`make model-cv`).
A prototype for the next round, not part of dyads.
"""

import argparse
import copy
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from transformers import AutoModel

from dyads.classifier.labels import CLASS_LABELS, ROLE_TAGS, TYPE_LABELS
from dyads.classifier.model import decode_roles, encode, load_tokenizer, packaged_base_dir
from dyads.classifier.examples import fold_of, split_folds
from dyads.train.finetune import batch_loss, batches
from dyads.train.options import TrainOptions, load_training_data

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--shared", type=int, default=2)
parser.add_argument("--own", type=int, default=2)
parser.add_argument("--fold", type=int, default=0)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
SHARED, OWN, FOLD, EPOCHS = args.shared, args.own, args.fold, args.epochs
ROOT = Path(__file__).resolve().parents[1]
G = ROOT.parent / "shared" / "data" / "gold"
T = ROOT.parent / "shared" / "data" / "train"
data = (ROOT / "src" / "dyads" / "models" / "examples.jsonl", G / "conflibert_cameo_class_train.jsonl", G / "conflibert_cameo_ner_train.jsonl",
        G / "plv_train.jsonl", G / "plover_gsr.jsonl", T / "ngec_synthetic_stories.jsonl")
opts = TrainOptions(max_per_file=1500, data=data)
examples, _ = load_training_data(opts)
kept, held = split_folds(examples, 5, FOLD)
random.seed(13); np.random.seed(13); torch.manual_seed(13); torch.set_num_threads(2)
base = packaged_base_dir()
tok = load_tokenizer(base / "tokenizer.json", 96)


class Branched(nn.Module):
    def __init__(self):
        super().__init__()
        enc = AutoModel.from_pretrained(str(base), attn_implementation="eager")
        layers = enc.encoder.layer
        self.embeddings = enc.embeddings
        self.shared = nn.ModuleList(layers[:SHARED])
        self.cls_layers = nn.ModuleList(layers[SHARED:SHARED + OWN])
        self.role_layers = nn.ModuleList(copy.deepcopy(layers[SHARED:SHARED + OWN]))
        h = enc.config.hidden_size
        self.drop = nn.Dropout(0.1)
        self.types = nn.Linear(h, len(TYPE_LABELS)); self.classes = nn.Linear(h, len(CLASS_LABELS)); self.roles = nn.Linear(h, len(ROLE_TAGS))

    def run(self, layers, x, ext):
        for layer in layers:
            out = layer(x, attention_mask=ext)
            x = out[0] if isinstance(out, tuple) else out
        return x

    def forward(self, ids, mask):
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        x = self.embeddings(input_ids=ids)
        x = self.run(self.shared, x, ext)
        c = self.run(self.cls_layers, x, ext)
        r = self.run(self.role_layers, x, ext)
        m = mask.unsqueeze(-1).to(c.dtype)
        pooled = self.drop((c * m).sum(1) / m.sum(1).clamp(min=1.0))
        return self.types(pooled), self.classes(pooled), self.roles(self.drop(r))


net = Branched()
net.embeddings.word_embeddings.weight.requires_grad_(False)
role_params = list(net.role_layers.parameters()) + list(net.roles.parameters())
ids_role = {id(p) for p in role_params}
other = [p for p in net.parameters() if p.requires_grad and id(p) not in ids_role]
opt = torch.optim.AdamW([{"params": other, "lr": 8e-5}, {"params": role_params, "lr": 1.5e-4}], weight_decay=0.01)
pool = kept + [e for e in kept if e.roles] * 3
steps = EPOCHS * math.ceil(len(pool) / 16); warm = max(1, steps // 10)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(1, steps - warm))))
rng = random.Random(13)
t0 = time.time(); net.train()
for ep in range(EPOCHS):
    tot = 0
    for batch in batches(pool, 16, rng):
        loss = batch_loss(net, tok, batch)
        opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(other + role_params, 1.0); opt.step(); sched.step()
        tot += loss.item() * len(batch)
    print("epoch", ep, round(tot / len(pool), 4), round(time.time() - t0), "s", flush=True)
net.eval()
# the held-out fold: class accuracy (cameo_class texts), type accuracy (GSR texts), role F1 (cameo_ner)
ok_c = n_c = ok_t = n_t = 0; tp = fp = fn = 0
ner = {}
for line in open(G / "conflibert_cameo_ner_train.jsonl"):
    r = json.loads(line); text = " ".join(r["tokens"])
    if fold_of(text, 5) == FOLD:
        ner[text] = (r["tokens"], {(s["role"], s["tok_start"], s["tok_end"]) for s in r["spans"]})
with torch.no_grad():
    for e in held:
        ids, mask = encode(tok, [e.text])
        tl, cl, rl = net(torch.from_numpy(ids), torch.from_numpy(mask))
        if e.cameo_class is not None and "cameo_class" in (e.origin or ""):
            n_c += 1; ok_c += int(CLASS_LABELS[int(cl.argmax())] == e.cameo_class)
        if e.types and "plover_gsr" in (e.origin or ""):
            n_t += 1; ok_t += int(TYPE_LABELS[int(tl.argmax())] in e.types)
        if e.text in ner:
            toks, gold = ner[e.text]
            enc = tok.encode(e.text)
            probs = torch.softmax(rl[0], -1).numpy()
            phrases = decode_roles(e.text, enc.offsets, probs)
            starts, pos = {}, 0; ends = {}
            for i, t in enumerate(toks):
                starts[pos] = i; ends[pos + len(t)] = i + 1; pos += len(t) + 1
            got = {(p.role, starts.get(p.start, -1), ends.get(p.end, -1)) for p in phrases if p.probability >= 0.7}
            tp += len(got & gold); fp += len(got - gold); fn += len(gold - got)
P = tp / max(tp + fp, 1); R = tp / max(tp + fn, 1)
print(f"shared {SHARED} own {OWN}: class acc {ok_c}/{n_c} = {ok_c / max(n_c, 1):.3f}; GSR type acc {ok_t}/{n_t} = {ok_t / max(n_t, 1):.3f}; role F1 {2 * P * R / max(P + R, 1e-9):.3f} (P {P:.3f} R {R:.3f})")
