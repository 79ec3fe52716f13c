"""Investment planning: agreements as data, project catalog, appraisal, strategic value and
the portfolio MIP (see docs/invest.md)."""
