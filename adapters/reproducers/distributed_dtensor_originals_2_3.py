import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-2.3.1')).api
class Double(nn.Module):
    def forward(self, x): return 2 * x
    def right_inverse(self, y): return y / 2
import torch.distributed as dist
from torch.distributed.tensor import distribute_tensor, Shard
dist.init_process_group('gloo', store=dist.HashStore(), rank=0, world_size=1)
mesh = torch.distributed.device_mesh.init_device_mesh('cpu', (1,)); m = nn.Linear(2, 2)
w = m.weight.detach().clone(); m.weight = nn.Parameter(distribute_tensor(w, mesh, [Shard(0)]))
try: P.register_parametrization(m, 'weight', Double())
except NotImplementedError as e: print(e)  # aten.set_.source_Tensor does not have a sharding strategy
dist.destroy_process_group()
