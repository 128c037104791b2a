"""driftwise.cli."""
