import os, copy, torch
from torch import nn
from parametrize_conformance.adapters import load_adapter
P = load_adapter('torch-release:' + os.path.join(os.environ['PARAMETRIZE_CONFORMANCE_TORCH_CACHE'], 'torch-1.9.1')).api
P.register_parametrization(nn.Linear(2, 2), 'weight', nn.Identity(), unsafe=True)  # TypeError
