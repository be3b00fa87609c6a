import torch, copy
from torch import nn
import torch.nn.utils.parametrize as P
import torch.distributed as dist
from torch.distributed.fsdp import fully_shard
dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)
m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', nn.Identity())
fully_shard(m); m(torch.ones(1, 2))  # AttributeError
