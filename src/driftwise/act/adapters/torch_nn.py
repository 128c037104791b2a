"""An adapter for a small PyTorch MLP (CPU), a binary classifier with a logistic output.

Inputs: the numeric features standardised with the training rows' means and standard
deviations (a missing value becomes the mean, i.e. 0), and the categorical features one-hot
coded with the training categories (an unseen category is an all-zero row). The network is
``Linear -> ReLU`` per entry of ``hidden`` (one or two layers) then ``Linear -> 1`` logit,
trained with Adam on the binary cross-entropy in shuffled mini-batches.

* :meth:`TorchAdapter.fit` starts from a fresh initialisation (``torch.manual_seed(seed)``).
* :meth:`TorchAdapter.fine_tune` trains a *copy* of the model: the first ``frozen_layers``
  linear layer(s) are frozen (``requires_grad=False``), the rest takes ``fine_tune_epochs``
  epochs at the lower ``fine_tune_lr`` on the new labelled rows plus a replay sample of older
  rows. The preprocessing statistics stay those of the original training rows.

Training runs on one thread (``torch.set_num_threads(1)``, restored afterwards), so a seed gives
the same model. The artifact is ``torch.save`` of a dict of tensors and plain values (weights,
architecture, preprocessing); :meth:`TorchAdapter.loads` reads it with ``weights_only=True``,
which unpickles nothing but tensors and plain containers.

>>> import numpy as np
>>> from driftwise.act.adapters import TorchAdapter
>>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
>>> rows = simulate(1000, Regime(), np.random.default_rng(0))
>>> adapter = TorchAdapter(FEATURES, TARGET, epochs=10)
>>> model = adapter.fit(rows)
>>> model.inputs, bool(adapter.accuracy(model, rows) > 0.75)
(15, True)
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from driftwise.act.adapters.base import BaseAdapter, require_extra
from driftwise.act.adapters.encoding import Encoding
from driftwise.errors import DriftwiseError

__all__ = ["TorchAdapter", "TorchModel"]


@dataclass(frozen=True)
class TorchModel:
    """A trained network with its preprocessing: coding, means and scales of the numbers."""

    net: Any
    encoding: Encoding
    means: tuple[float, ...]
    scales: tuple[float, ...]

    @property
    def inputs(self) -> int:
        """Width of the network's input: numeric features plus one-hot columns."""
        return len(self.means) + sum(len(c) for c in self.encoding.categories.values())


class TorchAdapter(BaseAdapter):
    """Train, fine-tune and apply a small MLP on the columns of a DataFrame.

    Parameters
    ----------
    features, target, categorical, seed, replay_share
        As for every adapter (see :class:`~driftwise.act.adapters.base.BaseAdapter`).
    hidden : sequence of int
        Widths of the one or two hidden layers.
    epochs, lr : int, float
        Epochs and Adam learning rate of :meth:`fit`.
    batch_size : int
        Rows per mini-batch.
    weight_decay : float
        L2 penalty of Adam (0 for none).
    fine_tune_epochs, fine_tune_lr : int, float
        Epochs and learning rate of :meth:`fine_tune`.
    frozen_layers : int
        Linear layers, from the input, frozen by a fine-tune (at most ``len(hidden)``).

    >>> TorchAdapter(["x"], "y", hidden=(8, 8, 8))
    Traceback (most recent call last):
    ...
    driftwise.errors.DriftwiseError: TorchAdapter: field 'hidden': found [8, 8, 8]; expected one
    or two positive layer widths.
    """

    kind: ClassVar[str] = "torch"

    def __init__(
        self,
        features: Sequence[str],
        target: str,
        *,
        categorical: Sequence[str] | None = None,
        hidden: Sequence[int] = (32, 16),
        epochs: int = 30,
        lr: float = 0.01,
        batch_size: int = 128,
        weight_decay: float = 1e-4,
        fine_tune_epochs: int = 10,
        fine_tune_lr: float = 0.002,
        frozen_layers: int = 1,
        replay_share: float = 0.3,
        seed: int = 0,
    ) -> None:
        where = "TorchAdapter"
        require_extra("torch", kind=self.kind, extra="torch", where=where)
        super().__init__(
            features, target, categorical=categorical, seed=seed, replay_share=replay_share
        )
        widths = list(hidden)
        if not 1 <= len(widths) <= 2 or not all(
            isinstance(w, int) and not isinstance(w, bool) and w > 0 for w in widths
        ):
            raise DriftwiseError.for_field(
                "hidden",
                where=where,
                found=str(widths),
                expected="one or two positive layer widths",
            )
        for name, value in (
            ("epochs", epochs),
            ("batch_size", batch_size),
            ("fine_tune_epochs", fine_tune_epochs),
            ("frozen_layers", frozen_layers),
        ):
            self._check_positive(name, value, integer=True)
        for name, number in (("lr", lr), ("fine_tune_lr", fine_tune_lr)):
            self._check_positive(name, number)
        if frozen_layers > len(widths):
            raise DriftwiseError.for_field(
                "frozen_layers",
                where=where,
                found=str(frozen_layers),
                expected=f"at most {len(widths)} (the hidden layers; the output layer must learn)",
            )
        if weight_decay != 0:
            self._check_positive("weight_decay", weight_decay)
        self.hidden = tuple(widths)
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.fine_tune_epochs = fine_tune_epochs
        self.fine_tune_lr = fine_tune_lr
        self.frozen_layers = frozen_layers

    @property
    def fine_tune_method(self) -> str:
        """The fine-tune in plain words.

        >>> TorchAdapter(["x"], "y").fine_tune_method
        'copy of the network with its first layer frozen, 10 epochs at learning rate 0.002 on the
        new rows + 30% replay, preprocessing frozen'
        """
        layers = "first layer" if self.frozen_layers == 1 else f"first {self.frozen_layers} layers"
        return (
            f"copy of the network with its {layers} frozen, {self.fine_tune_epochs} epochs at "
            f"learning rate {self.fine_tune_lr:g} on the new rows + {self.replay_share:.0%} "
            "replay, preprocessing frozen"
        )

    # -- building blocks -------------------------------------------------------------------------

    def _inputs(self, model: TorchModel, frame: pd.DataFrame, where: str) -> NDArray[np.float32]:
        enc = model.encoding
        codes = enc.matrix(frame, where=where)
        parts: list[NDArray[np.float64]] = []
        numeric = [j for j, f in enumerate(enc.features) if f not in enc.categories]
        if numeric:
            z = (codes[:, numeric] - np.asarray(model.means)) / np.asarray(model.scales)
            parts.append(np.nan_to_num(z, nan=0.0))
        for j, name in enumerate(enc.features):
            if name in enc.categories:
                onehot = np.zeros((len(frame), len(enc.categories[name])))
                seen = ~np.isnan(codes[:, j])
                onehot[np.flatnonzero(seen), codes[seen, j].astype(np.int64)] = 1.0
                parts.append(onehot)
        return np.hstack(parts).astype(np.float32)

    @staticmethod
    def _network(inputs: int, hidden: Sequence[int]) -> Any:
        from torch import nn

        layers: list[Any] = []
        width = inputs
        for size in hidden:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        layers.append(nn.Linear(width, 1))
        return nn.Sequential(*layers)

    def _train(
        self, model: TorchModel, rows: pd.DataFrame, where: str, *, epochs: int, lr: float
    ) -> None:
        import torch

        x = torch.from_numpy(self._inputs(model, rows, where))
        y = torch.from_numpy(model.encoding.target01(self._labels(rows)).astype(np.float32))
        net = model.net
        params = [p for p in net.parameters() if p.requires_grad]
        optimiser = torch.optim.Adam(params, lr=lr, weight_decay=self.weight_decay)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        order = torch.Generator().manual_seed(self.seed)
        net.train()
        for _ in range(epochs):
            perm = torch.randperm(len(y), generator=order)
            for start in range(0, len(y), self.batch_size):
                batch = perm[start : start + self.batch_size]
                optimiser.zero_grad()
                loss = loss_fn(net(x[batch]).squeeze(1), y[batch])
                loss.backward()
                optimiser.step()
        net.eval()

    # -- the verbs -------------------------------------------------------------------------------

    def fit(self, frame: pd.DataFrame) -> TorchModel:
        """Train a freshly initialised network on the labelled rows of ``frame``."""
        import torch

        where = "TorchAdapter.fit"
        rows = self._labelled(frame, where)
        encoding = Encoding.learn(rows, self.features, self.categorical, self._labels(rows))
        numbers = rows[list(encoding.numeric)].to_numpy(dtype=np.float64, na_value=np.nan)
        means = np.nan_to_num(np.nanmean(numbers, axis=0)) if numbers.size else np.zeros(0)
        scales = np.nan_to_num(np.nanstd(numbers, axis=0)) if numbers.size else np.zeros(0)
        scales[scales == 0] = 1.0
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            torch.manual_seed(self.seed)
            widths = len(means) + sum(len(c) for c in encoding.categories.values())
            net = self._network(widths, self.hidden)
            model = TorchModel(net, encoding, tuple(means.tolist()), tuple(scales.tolist()))
            self._train(model, rows, where, epochs=self.epochs, lr=self.lr)
        finally:
            torch.set_num_threads(threads)
        return model

    def fine_tune(
        self, model: TorchModel, frame: pd.DataFrame, replay: pd.DataFrame | None = None
    ) -> TorchModel:
        """Train a copy of ``model`` with its first layer(s) frozen on the new rows plus replay.

        >>> import numpy as np
        >>> from driftwise.demo.scenario import FEATURES, TARGET, Regime, simulate
        >>> adapter = TorchAdapter(FEATURES, TARGET, epochs=5, fine_tune_epochs=2)
        >>> old = simulate(600, Regime(), np.random.default_rng(0))
        >>> base = adapter.fit(old)
        >>> tuned = adapter.fine_tune(base, simulate(300, Regime(promotion="coast"),
        ...                                          np.random.default_rng(1)), replay=old)
        >>> bool((tuned.net[0].weight == base.net[0].weight).all())
        True
        >>> bool((tuned.net[-1].weight == base.net[-1].weight).all())
        False
        """
        import torch

        where = "TorchAdapter.fine_tune"
        rows = self._labelled(frame, where)
        rows = self._blend(rows, replay, np.random.default_rng(self.seed), where)
        net = copy.deepcopy(model.net)
        linear = [m for m in net if isinstance(m, torch.nn.Linear)]
        for layer in linear[: self.frozen_layers]:
            layer.requires_grad_(False)
        tuned = TorchModel(net, model.encoding, model.means, model.scales)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            torch.manual_seed(self.seed)
            self._train(tuned, rows, where, epochs=self.fine_tune_epochs, lr=self.fine_tune_lr)
        finally:
            torch.set_num_threads(threads)
        for layer in linear:
            layer.requires_grad_(True)
        return tuned

    def predict_proba(self, model: TorchModel, frame: pd.DataFrame) -> NDArray[np.float64]:
        """The probability of the positive class (the larger label) for every row, 1-D."""
        import torch

        where = "TorchAdapter.predict"
        self._check_columns(frame, where)
        x = torch.from_numpy(self._inputs(model, frame, where))
        model.net.eval()
        with torch.no_grad():
            proba = torch.sigmoid(model.net(x).squeeze(1))
        out: NDArray[np.float64] = proba.numpy().astype(np.float64)
        return out

    def predict(self, model: TorchModel, frame: pd.DataFrame) -> NDArray[Any]:
        """The predicted class of every row of ``frame``, with the target's values."""
        return model.encoding.decode(self.predict_proba(model, frame))

    def dumps(self, model: TorchModel) -> bytes:
        """``torch.save`` of the weights, the architecture and the preprocessing (JSON text)."""
        import torch

        buffer = io.BytesIO()
        torch.save(
            {
                "kind": self.kind,
                "state_dict": model.net.state_dict(),
                "arch": {"inputs": model.inputs, "hidden": list(self._hidden_of(model))},
                "preprocessing": json.dumps(
                    {
                        "encoding": model.encoding.model_dump(mode="json"),
                        "means": list(model.means),
                        "scales": list(model.scales),
                    }
                ),
            },
            buffer,
        )
        return buffer.getvalue()

    @staticmethod
    def _hidden_of(model: TorchModel) -> tuple[int, ...]:
        import torch

        layers = [m for m in model.net if isinstance(m, torch.nn.Linear)]
        return tuple(int(m.out_features) for m in layers[:-1])

    def loads(self, blob: bytes) -> TorchModel:
        """Read a model written by :meth:`dumps` with ``torch.load(..., weights_only=True)``.

        >>> TorchAdapter(["x"], "y").loads(b"junk")
        Traceback (most recent call last):
        ...
        driftwise.errors.DriftwiseError: TorchAdapter.loads: field 'blob': found bytes that are
        not a torch adapter artifact; expected the bytes written by TorchAdapter.dumps().
        """
        import torch

        try:
            saved = torch.load(io.BytesIO(blob), weights_only=True, map_location="cpu")
            ok = isinstance(saved, dict) and saved.get("kind") == self.kind
        except Exception:  # torch raises many kinds of errors on bytes it did not write
            ok = False
        if not ok:
            raise DriftwiseError.for_field(
                "blob",
                where="TorchAdapter.loads",
                found="bytes that are not a torch adapter artifact",
                expected="the bytes written by TorchAdapter.dumps()",
            )
        prep = json.loads(saved["preprocessing"])
        arch = saved["arch"]
        net = self._network(int(arch["inputs"]), [int(w) for w in arch["hidden"]])
        net.load_state_dict(saved["state_dict"])
        net.eval()
        encoding = Encoding.model_validate(prep["encoding"])
        return TorchModel(net, encoding, tuple(prep["means"]), tuple(prep["scales"]))

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-able: ``make_adapter("torch", config)`` rebuilds it.

        >>> TorchAdapter(["x"], "y").config()["hidden"]
        [32, 16]
        """
        return {
            **self._base_config(),
            "hidden": list(self.hidden),
            "epochs": self.epochs,
            "lr": self.lr,
            "batch_size": self.batch_size,
            "weight_decay": self.weight_decay,
            "fine_tune_epochs": self.fine_tune_epochs,
            "fine_tune_lr": self.fine_tune_lr,
            "frozen_layers": self.frozen_layers,
        }
