import torch, copy, gc
from torch import nn
import torch.nn.utils.parametrize as P
class Int8Codes(nn.Module):
    def forward(self, q, s): return q.to(s.dtype) * s
    def right_inverse(self, w):
        s = w.abs().max() / 127
        return torch.round(w / s).to(torch.int8), s
P.register_parametrization(nn.Linear(2, 2), 'weight', Int8Codes())  # RuntimeError: Only Tensors of floating point and complex dtype can require gradients
