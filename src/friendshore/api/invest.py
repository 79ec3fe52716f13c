"""Python API of the invest layer (see the package docstring)."""

__all__: list[str] = []
