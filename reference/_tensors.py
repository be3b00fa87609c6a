"""Writing a new value into an existing tensor object without changing its identity."""

import torch
from torch import Tensor
from torch.__future__ import get_swap_module_params_on_conversion
from torch.nn import Parameter
from torch.utils._python_dispatch import is_traceable_wrapper_subclass


def uses_swap(dest: Tensor) -> bool:
    """Whether writes into ``dest`` go through ``torch.utils.swap_tensors`` instead of ``set_``."""
    return get_swap_module_params_on_conversion() or is_traceable_wrapper_subclass(dest)


def write_into(dest: Tensor, src: Tensor) -> None:
    """Make ``dest`` hold ``src``'s value in place, so that ``id(dest)`` (what optimizers track) is kept."""
    # Note: WRITE-SELF-NOOP: writing a tensor into itself is skipped; set_/swap_tensors would be no-ops anyway.
    if src is dest:
        return
    with torch.no_grad():
        if uses_swap(dest):
            if isinstance(dest, Parameter) and not isinstance(src, Parameter):
                src = Parameter(src, requires_grad=dest.requires_grad)
            torch.utils.swap_tensors(dest, src)
        else:
            dest.set_(src)
