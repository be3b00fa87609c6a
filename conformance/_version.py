"""The project's version: the one place it is written (read by the package metadata, the reports and the reference)."""

__version__ = "0.1.0"
