"""driftwise.demo."""
