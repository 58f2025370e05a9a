"""aitower: the command center of an enterprise AI Operations team."""

__version__ = "0.1.0"
