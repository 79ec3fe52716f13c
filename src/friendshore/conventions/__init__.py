"""Naming conventions: ISO3 countries and groups, commodity slugs and stages."""
