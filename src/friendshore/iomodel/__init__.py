"""Ripple layer: input–output tables, Leontief/Ghosh multipliers and the GDP cost of shortfalls."""
