"""Reports: one self-contained HTML file (and a PDF of it) per stress test."""
