"""Scenario specs (pydantic) and their seeded sampling."""

from .sampling import sample_scenario
from .spec import Scenario, parse_scenario, read_scenario_file, validate_names

__all__ = ["Scenario", "parse_scenario", "read_scenario_file", "sample_scenario", "validate_names"]
