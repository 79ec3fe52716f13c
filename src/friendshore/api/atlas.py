"""Python API of the atlas layer (see the package docstring)."""

__all__: list[str] = []
