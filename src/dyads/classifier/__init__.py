"""The learned event classifier: label sets, training examples and the onnxruntime model."""

from dyads.classifier.examples import Example, fold_of, read_examples
from dyads.classifier.labels import CLASS_LABELS, CLASS_OF_TYPE, TYPE_LABELS
from dyads.classifier.model import Prediction, RoleSpan, SentenceClassifier
from dyads.classifier.stacked import StackedTagger

__all__ = ["CLASS_LABELS", "CLASS_OF_TYPE", "TYPE_LABELS", "Example", "Prediction", "RoleSpan", "SentenceClassifier", "StackedTagger", "fold_of", "read_examples"]
