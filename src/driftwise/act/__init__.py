"""driftwise.act."""
