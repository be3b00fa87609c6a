import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
import torch.distributed as dist
from torch.distributed.fsdp import fully_shard
dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
m = nn.Linear(2, 2); fully_shard(m); P.register_parametrization(m, 'weight', Double())
try: m(torch.ones(1, 2))
except RuntimeError as e: print(e)  # aten.addmm.default got mixed torch.Tensor and DTensor ...
dist.destroy_process_group()
