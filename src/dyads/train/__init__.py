"""``dyads train``: fine-tune the event classifier (needs the optional ``[train]`` extra).

Only this package imports torch; the rest of dyads serves the trained model through
onnxruntime (:mod:`dyads.classifier`). See docs/training.md.
"""

from dyads.train.options import TrainOptions, train_cross_validation, train_model

__all__ = ["TrainOptions", "train_model", "train_cross_validation"]
