"""The references a clause's `source` cites, and the links they resolve to.

A source is references joined by "; ", each one of:

- `test_parametrization.py::<test>`: a test of torch's test/nn/test_parametrization.py (UPSTREAM_TESTS);
- `docs: <page>`: a page of torch's documentation (DOCS_PAGES);
- `pytorch/pytorch#<number>`: a GitHub issue or pull request;
- `torch 2.13 behaviour: <function>`: what only the source of that function of torch/nn/utils/parametrize.py shows;
- `found by <CLAUSE-ID>`: a behaviour another clause's checks found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEPARATOR = "; "
TORCH_RELEASE = "2.13.0"
_GITHUB = f"https://github.com/pytorch/pytorch/blob/v{TORCH_RELEASE}"
UPSTREAM_TEST_FILE = f"{_GITHUB}/test/nn/test_parametrization.py"
PARAMETRIZE_SOURCE = f"{_GITHUB}/torch/nn/utils/parametrize.py"

# The 30 tests of torch's test/nn/test_parametrization.py in the file's order: a basis's T<n> is the n-th.
UPSTREAM_TESTS: tuple[str, ...] = (
    "test_register_and_remove_parametrization",
    "test_register_and_remove_nested_parametrization",
    "test_register_and_remove_buffer_parametrization",
    "test_serialization_parametrization",
    "test_initialization_parametrization",
    "test_errors_unparametrized_tensor_parametrization",
    "test_errors_parametrized_tensor_parametrization",
    "test_multiple_inputs_parametrization",
    "test_caching_parametrization",
    "test_caching_parametrization_with_transfer_parametrizations_and_params",
    "test_parametrization_same_training_mode",
    "test_type_before_parametrizations",
    "test_deepcopy_after_parametrization",
    "test_transfer_parametrizations_and_params",
    "test_transfer_parametrizations_and_params_right_inverse",
    "test_transfer_parametrizations_and_params_single_param",
    "test_transfer_parametrizations_and_params_many_to_one",
    "test_new_spectral_norm",
    "test_register_parametrization_no_grad",
    "test_new_spectral_norm_load_state_dict",
    "test_new_spectral_norm_dim",
    "test_new_spectral_norm_forward",
    "test_new_spectral_norm_value",
    "test_orthogonal_parametrization",
    "test_orthogonal_errors",
    "test_weight_norm_state_dict_compat",
    "test_weight_norm_pickle",
    "test_weight_norm_deepcopy",
    "test_wrapper_subclass_parametrization",
    "test_weight_norm_parametrization",
)

_DOCS = "https://docs.pytorch.org/docs/stable"
_MODULE = f"{_DOCS}/generated/torch.nn.Module.html#torch.nn.Module"
_PARAMETRIZE_NAMES = (
    "cached",
    "ParametrizationList",
    "register_parametrization",
    "is_parametrized",
    "remove_parametrizations",
    "type_before_parametrizations",
    "transfer_parametrizations_and_params",
)
DOCS_PAGES: dict[str, str] = {
    **{name: f"{_DOCS}/generated/torch.nn.utils.parametrize.{name}.html" for name in _PARAMETRIZE_NAMES},
    "parametrizations tutorial": "https://docs.pytorch.org/tutorials/intermediate/parametrizations.html",
    "torch.compile": f"{_DOCS}/generated/torch.compile.html",
    "nn.Module.compile": f"{_MODULE}.compile",
    "torch.export": f"{_DOCS}/export.html",
    "torch.func": f"{_DOCS}/func.html",
    "torch.func.functional_call": f"{_DOCS}/generated/torch.func.functional_call.html",
    "torch.jit.trace": f"{_DOCS}/generated/torch.jit.trace.html",
    "torch.jit.script": f"{_DOCS}/generated/torch.jit.script.html",
    "nn.Module.to": f"{_MODULE}.to",
    "nn.Module.to_empty": f"{_MODULE}.to_empty",
    "nn.Module.load_state_dict": f"{_MODULE}.load_state_dict",
    "meta device": f"{_DOCS}/meta.html",
    "nn.LazyLinear": f"{_DOCS}/generated/torch.nn.LazyLinear.html",
    "torch.__future__": f"{_DOCS}/future_mod.html",
    "torch.autocast": f"{_DOCS}/amp.html#torch.autocast",
    "torch.load": f"{_DOCS}/generated/torch.load.html",
    "DistributedDataParallel": f"{_DOCS}/generated/torch.nn.parallel.DistributedDataParallel.html",
    "fully_shard": f"{_DOCS}/distributed.fsdp.fully_shard.html",
    "DTensor": f"{_DOCS}/distributed.tensor.html",
    "torch.distributed.checkpoint": f"{_DOCS}/distributed.checkpoint.html",
}

_UPSTREAM, _DOCS_PREFIX, _BEHAVIOUR, _FOUND = "test_parametrization.py::", "docs: ", "torch 2.13 behaviour: ", "found by "
_ISSUE = re.compile(r"pytorch/pytorch#(\d+)")
_CLAUSE_ID = re.compile(r"[A-Z][A-Z0-9]*(-[A-Z0-9]+)+")
_FUNCTION = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")


@dataclass(frozen=True)
class Reference:
    """One reference of a source: its text as the table writes it, and its link ('#ID' for a clause)."""

    text: str
    url: str


def references(source: str) -> tuple[Reference, ...]:
    """The references of a source string, each resolved; raises ValueError on one of no known kind."""
    return tuple(_resolve(part) for part in source.split(SEPARATOR))


def _resolve(text: str) -> Reference:
    if text.startswith(_UPSTREAM) and text[len(_UPSTREAM) :] in UPSTREAM_TESTS:
        return Reference(text, UPSTREAM_TEST_FILE)
    if text.startswith(_DOCS_PREFIX) and text[len(_DOCS_PREFIX) :] in DOCS_PAGES:
        return Reference(text, DOCS_PAGES[text[len(_DOCS_PREFIX) :]])
    if issue := _ISSUE.fullmatch(text):
        return Reference(text, f"https://github.com/pytorch/pytorch/issues/{issue.group(1)}")
    if text.startswith(_BEHAVIOUR) and _FUNCTION.fullmatch(text[len(_BEHAVIOUR) :]):
        return Reference(text, PARAMETRIZE_SOURCE)
    if text.startswith(_FOUND) and _CLAUSE_ID.fullmatch(text[len(_FOUND) :]):
        return Reference(text, "#" + text[len(_FOUND) :])
    raise ValueError(
        f"source reference {text!r} is of no known kind: write '{_UPSTREAM}<one of UPSTREAM_TESTS>', "
        f"'{_DOCS_PREFIX}<a key of DOCS_PAGES>', 'pytorch/pytorch#<number>', "
        f"'{_BEHAVIOUR}<function of parametrize.py>' or '{_FOUND}<CLAUSE-ID>', joined by {SEPARATOR!r}"
    )


def behaviour_functions(source: str) -> tuple[str, ...]:
    """The parametrize.py functions a source's `torch 2.13 behaviour:` references name."""
    return tuple(part[len(_BEHAVIOUR) :] for part in source.split(SEPARATOR) if part.startswith(_BEHAVIOUR))


def upstream_test(number: int) -> str:
    """The name of upstream test T<number> (1 to 30); raises ValueError on another number."""
    if not 1 <= number <= len(UPSTREAM_TESTS):
        raise ValueError(f"T{number}: test_parametrization.py has tests T1 to T{len(UPSTREAM_TESTS)}; cite one of them")
    return UPSTREAM_TESTS[number - 1]
