"""driftwise.report."""
