"""Alliance indicators: shipbuilding shares, LNG supply security and defense burden-sharing.

Pure functions on DataFrames; :mod:`friendshore.api._alliance` feeds them from the store.
"""
