"""The supply network: (commodity, stage) markets x countries as arrays (see supply.py)."""

from .supply import SupplyNetwork, fields, toy_network

__all__ = ["SupplyNetwork", "fields", "toy_network"]
