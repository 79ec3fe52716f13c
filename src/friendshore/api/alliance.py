"""Python API of the alliance layer (see the package docstring)."""

__all__: list[str] = []
