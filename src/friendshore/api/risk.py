"""Python API of the risk layer (see the package docstring)."""

__all__: list[str] = []
