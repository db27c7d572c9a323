"""scikit-learn's parameter protocol (``get_params`` / ``set_params``) for our estimators.

Hyperparameters are exactly the keyword arguments of ``__init__``, stored unchanged under the
same names, so ``clone`` and grid search work without depending on scikit-learn's base class.
"""

from __future__ import annotations

import inspect
from typing import Any, Self

from annota.errors import InvalidInput

__all__ = ["Params"]


class Params:
    """Mixin: parameters read from the ``__init__`` signature."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [name for name in signature.parameters if name != "self"]

    def get_params(self, deep: bool = True) -> dict[str, Any]:  # noqa: ARG002 (sklearn's API)
        """Hyperparameters as given to ``__init__`` (``deep`` is accepted for scikit-learn)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters by name; unknown names raise ``InvalidInput``."""
        valid = set(self._param_names())
        for name, value in params.items():
            if name not in valid:
                raise InvalidInput(f"unknown parameter {name!r}", location=name)
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"
