"""Benchmarks: driftwise against its peers, same data, same run (``make bench``)."""
