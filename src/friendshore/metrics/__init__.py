"""Supply-risk metrics: concentration (HHI, governance-weighted HHI), exposure, EU CRM SR."""
