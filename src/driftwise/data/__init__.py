"""driftwise.data."""
