"""Corsia's benchmark: a synthetic cancer centre and the figures to beat (`make bench`)."""
