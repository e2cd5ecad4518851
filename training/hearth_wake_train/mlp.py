"""A one-hidden-layer MLP trained with weighted cross-entropy and AdamW, in plain numpy.

Small on purpose: 16x96 inputs, a few dozen hidden units. It must score a hop in
microseconds on a home server and stay a file well under a megabyte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from hearth_wake.engines.wake_model import sigmoid


@dataclass
class MLPWeights:
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray

    def logits(self, x: np.ndarray) -> np.ndarray:
        return np.maximum(x @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2[0]


@dataclass(frozen=True)
class TrainSettings:
    hidden: int = 64
    epochs: int = 12
    batch: int = 512
    learning_rate: float = 1e-3
    weight_decay: float = 1e-4
    negatives_per_epoch: int = 200_000
    positive_share: float = 0.25  # fraction of each batch that is positive windows
    input_dropout: float = 0.1


def init_weights(inputs: int, hidden: int, rng: np.random.Generator) -> MLPWeights:
    return MLPWeights(
        w1=(rng.normal(0, np.sqrt(2.0 / inputs), (inputs, hidden))).astype(np.float32),
        b1=np.zeros(hidden, np.float32),
        w2=(rng.normal(0, np.sqrt(1.0 / hidden), hidden)).astype(np.float32),
        b2=np.zeros(1, np.float32),
    )


BatchFn = Callable[[np.ndarray], np.ndarray]  # window ids -> (n, inputs) normalised features


def train(
    features: BatchFn,
    positives: np.ndarray,
    negatives: np.ndarray,
    negative_weights: np.ndarray,
    inputs: int,
    settings: TrainSettings,
    rng: np.random.Generator,
    on_epoch: Callable[[int, float], None] | None = None,
    initial: MLPWeights | None = None,
) -> MLPWeights:
    """Train on window ids; batches mix positives and (weight-sampled) negatives at a fixed ratio.

    Sampling negatives in proportion to their weight, instead of weighting the loss,
    keeps gradients well scaled when hard negatives are rare. ``initial`` continues from
    trained weights (enrollment fine-tunes the shipped model rather than starting over);
    ``positives`` may repeat ids to weight some positives (the owner's own samples) more.
    """
    if initial is None:
        weights = init_weights(inputs, settings.hidden, rng)
    else:
        weights = MLPWeights(
            *(np.array(getattr(initial, k), dtype=np.float32) for k in ("w1", "b1", "w2", "b2"))
        )
    adam = _Adam(weights, settings.learning_rate, settings.weight_decay)
    probs = negative_weights / negative_weights.sum()
    n_pos = max(1, int(settings.batch * settings.positive_share))
    n_neg = settings.batch - n_pos
    steps = max(1, settings.negatives_per_epoch // n_neg)
    total = steps * settings.epochs
    for epoch in range(settings.epochs):
        losses = []
        for step in range(steps):
            adam.lr = (
                settings.learning_rate * 0.5 * (1 + np.cos(np.pi * (epoch * steps + step) / total))
            )
            ids = np.concatenate(
                [rng.choice(positives, n_pos), rng.choice(negatives, n_neg, p=probs)]
            )
            labels = np.concatenate([np.ones(n_pos, np.float32), np.zeros(n_neg, np.float32)])
            x = features(ids)
            if settings.input_dropout > 0:
                x = (
                    x
                    * (rng.random(x.shape, dtype=np.float32) >= settings.input_dropout)
                    / (1 - settings.input_dropout)
                )
            losses.append(_step(weights, adam, x, labels))
        if on_epoch is not None:
            on_epoch(epoch, float(np.mean(losses)))
    return weights


def _step(weights: MLPWeights, adam: _Adam, x: np.ndarray, y: np.ndarray) -> float:
    pre = x @ weights.w1 + weights.b1
    hidden = np.maximum(pre, 0.0)
    logit = hidden @ weights.w2 + weights.b2[0]
    p = sigmoid(logit)
    loss = float(np.mean(np.logaddexp(0.0, logit) - y * logit))
    d_logit = ((p - y) / y.size).astype(np.float32)
    d_hidden = np.outer(d_logit, weights.w2) * (pre > 0)
    grads = MLPWeights(
        w1=x.T @ d_hidden,
        b1=d_hidden.sum(axis=0),
        w2=hidden.T @ d_logit,
        b2=np.array([d_logit.sum()], np.float32),
    )
    adam.update(weights, grads)
    return loss


class _Adam:
    """AdamW: decoupled weight decay on the matrices only."""

    def __init__(self, weights: MLPWeights, lr: float, decay: float) -> None:
        self.lr = lr
        self.decay = decay
        self.t = 0
        names = ("w1", "b1", "w2", "b2")
        self.m = {k: np.zeros_like(getattr(weights, k)) for k in names}
        self.v = {k: np.zeros_like(getattr(weights, k)) for k in names}

    def update(
        self, weights: MLPWeights, grads: MLPWeights, b1: float = 0.9, b2: float = 0.999
    ) -> None:
        self.t += 1
        for key in self.m:
            g = getattr(grads, key).astype(np.float32)
            self.m[key] = b1 * self.m[key] + (1 - b1) * g
            self.v[key] = b2 * self.v[key] + (1 - b2) * g * g
            m_hat = self.m[key] / (1 - b1**self.t)
            v_hat = self.v[key] / (1 - b2**self.t)
            param = getattr(weights, key)
            if key.startswith("w"):
                param *= 1 - self.lr * self.decay
            param -= (self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)).astype(np.float32)
