"""Running checks on many ranks: the rank pool, its failures and what a rank's task gets."""

from parametrize_conformance.distributed.pool import RankFailure, RankPool, distributed_problem, fsdp2_problem, reproducer
from parametrize_conformance.distributed.worker import Rank

__all__ = ["Rank", "RankFailure", "RankPool", "distributed_problem", "fsdp2_problem", "reproducer"]
