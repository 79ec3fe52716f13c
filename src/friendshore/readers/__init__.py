"""One reader per source: read, validate, normalise, and load into the store."""
