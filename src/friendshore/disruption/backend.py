"""The array module behind the stress engine: numpy always, CuPy when asked for and installed.

The engine's steps take arrays and look up their module with :func:`xp_of`, so the same code
runs on either. CuPy is optional (``pip install friendshore[gpu]``); numpy is complete alone.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np

from ..errors import FriendshoreError

__all__ = ["BACKENDS", "get_backend", "to_numpy", "xp_of"]

BACKENDS = ("numpy", "cupy")


def get_backend(name: str = "numpy") -> ModuleType:
    """The array module called ``name``; asking for CuPy without it installed is an error."""
    if name == "numpy":
        return np
    if name == "cupy":
        try:
            import cupy
        except ImportError as exc:
            raise FriendshoreError(
                "backend 'cupy' needs CuPy and a CUDA GPU "
                "(the gpu extra: pip install cupy-cuda12x)"
            ) from exc
        return cupy
    raise FriendshoreError(f"unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")


def xp_of(array: Any) -> ModuleType:
    """numpy or cupy, whichever ``array`` belongs to."""
    module = type(array).__module__
    if module.startswith("cupy"):
        import cupy

        return cupy
    return np


def to_numpy(array: Any) -> np.ndarray:
    """A numpy copy of a numpy or CuPy array."""
    return array.get() if hasattr(array, "get") else np.asarray(array)
