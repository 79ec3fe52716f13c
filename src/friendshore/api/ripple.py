"""Python API of the ripple layer (see the package docstring)."""

__all__: list[str] = []
