"""Read-only questions about a module's parametrizations."""

from torch.nn import Module, ModuleDict

from ._class import generated_of


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """True if ``module`` has a parametrization on ``tensor_name`` (on any tensor when it is None)."""
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    if tensor_name is None:
        return len(parametrizations) > 0
    return tensor_name in parametrizations


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before its first parametrization (its own class if it has none)."""
    # Note: SUBCLASS-GENERATED-CLASS: the base of the generated class, also when a class was made from it later
    # (torch gives that later class's first base, FSDPModule for a fully_shard module).
    generated = generated_of(type(module)) if is_parametrized(module) else None
    return type(module) if generated is None else generated.__bases__[0]
