"""toy-parametrize: the seven names of torch.nn.utils.parametrize, built on the reference, except that
remove_parametrizations puts the tensor back at the end of the module's parameters (as torch does)."""

from torch import nn

from parametrize_conformance import reference
from parametrize_conformance.reference import (
    ParametrizationList,
    cached,
    is_parametrized,
    register_parametrization,
    transfer_parametrizations_and_params,
    type_before_parametrizations,
)

__version__ = "0.1.0"
__all__ = [
    "ParametrizationList",
    "cached",
    "is_parametrized",
    "register_parametrization",
    "remove_parametrizations",
    "transfer_parametrizations_and_params",
    "type_before_parametrizations",
]


def remove_parametrizations(module: nn.Module, tensor_name: str, leave_parametrized: bool = True) -> nn.Module:
    """Remove the parametrizations on `tensor_name`; the tensor comes back last in its store."""
    result = reference.remove_parametrizations(module, tensor_name, leave_parametrized)
    for store in (module._parameters, module._buffers):
        if tensor_name in store:
            store[tensor_name] = store.pop(tensor_name)
    return result
