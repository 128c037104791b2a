"""Root pytest configuration."""

# `python -m driftwise` runs the CLI on import; doctest collection must not import it.
collect_ignore = ["src/driftwise/__main__.py"]
