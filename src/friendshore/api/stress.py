"""Python API of the stress layer (see the package docstring)."""

__all__: list[str] = []
