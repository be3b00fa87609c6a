"""Torch releases: what pip would install, environments of their own, and the suite run on each release (the
versions and history commands)."""

from parametrize_conformance.releases.history import history_from_args
from parametrize_conformance.releases.versions import versions_from_args

__all__ = ["history_from_args", "versions_from_args"]
