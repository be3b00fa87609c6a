import torch
from parametrize_conformance.distributed import RankPool
from parametrize_conformance.distributed.bodies import fsdp_step
from parametrize_conformance.strategies import Case
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.library import *
case = Case(host=HostSpec('linear', n=2, m=2, dtype=torch.float32, seed=0, bias=False), name='weight', chain=(Identity(),), unsafe=False)
if __name__ == '__main__':
    RankPool(2, 'torch', 60).run(fsdp_step, case, 0)  # RankFailure
