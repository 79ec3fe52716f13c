"""The supply network: (commodity, stage) markets x countries as arrays (see supply.py)."""

from .build import build_network, stockpile_months
from .supply import SupplyNetwork, fields, toy_network

__all__ = ["SupplyNetwork", "build_network", "fields", "stockpile_months", "toy_network"]
