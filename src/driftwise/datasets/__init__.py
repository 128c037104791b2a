"""driftwise.datasets."""
