"""What each distributed clause runs on every rank (called by RankPool.run); a failed check raises AssertionError."""

from __future__ import annotations

from typing import Any, cast

import torch
from torch import nn

from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_true,
    chain_value,
    composed_inverse,
    original_of,
    originals_of,
)
from parametrize_conformance.distributed.training import (
    LR,
    assert_same_grads,
    assert_same_state,
    full,
    full_state,
    rank_input,
    solo_run,
    train_step,
)
from parametrize_conformance.distributed.worker import Rank
from parametrize_conformance.strategies import Case


def _on_rank(r: Rank, what: str) -> str:
    return f"{what} on rank {r.rank} of {r.world_size}"


def _sharded(r: Rank, module: nn.Module) -> nn.Module:
    from torch.distributed.fsdp import fully_shard

    # Note: fully_shard returns `module` itself, typed as the FSDPModule mixin its class now has.
    return cast(nn.Module, fully_shard(module, mesh=r.mesh))


def _check_sharded_step(r: Rank, model: nn.Module, build: Any, case: Case, seed: int, what: str) -> None:
    """One fully_shard step on this rank's batch equals the one-process step of build() on every rank's batch."""
    solo, grads, outputs = solo_run(build, case, r.world_size, seed, P=r.P)
    got = train_step(model, rank_input(case, r.rank, seed))
    assert_close(got, outputs[r.rank], _on_rank(r, f"the forward {what}"))
    assert_same_grads(model, grads, _on_rank(r, what))
    assert_same_state(model, solo, _on_rank(r, f"after an SGD step (lr={LR}) {what}"))


def _check_refused(
    r: Rank, model: nn.Module, before: tuple[type, dict[str, torch.Tensor]], what: str, build: Any, case: Case, seed: int
) -> None:
    """After a refused call (`what`): the model's class and gathered state are `before`'s, and it still trains like
    build() in one process."""
    before_class, before_state = before
    assert_true(
        type(model) is before_class,
        _on_rank(
            r,
            f"{what} and changed the class to {type(model).__name__}, "
            f"expected {before_class.__name__} (a refused call changes nothing)",
        ),
    )
    for key, value in before_state.items():
        assert_close(
            full(model.state_dict()[key]),
            value,
            _on_rank(r, f"state_dict[{key!r}] after {what} (a refused call changes nothing)"),
        )
    _check_sharded_step(r, model, build, case, seed, f"after {what}")


# --- DDP -------------------------------------------------------------------------------------------------------------
def ddp_step(r: Rank, case: Case, seed: int, cached: bool) -> None:
    """DISTRIBUTED-DDP-STEP."""
    model = case.build(r.P)
    ddp = nn.parallel.DistributedDataParallel(model)
    where = "inside P.cached()" if cached else "outside cached()"
    solo, grads, outputs = solo_run(lambda: case.build(r.P), case, r.world_size, seed, cached, r.P)
    got = train_step(ddp, rank_input(case, r.rank, seed), r.P, cached)
    assert_close(got, outputs[r.rank], _on_rank(r, f"the DDP forward {where}"))
    assert_same_grads(model, grads, _on_rank(r, f"after the DDP backward {where} (gradients averaged over ranks)"))
    assert_same_state(model, solo, _on_rank(r, f"of the wrapped module after a DDP SGD step {where}"))
    with torch.no_grad():
        value = chain_value(case.fresh_chain(), *(t.detach() for t in originals_of(model, case.name)))
    assert_close(getattr(model, case.name), value, _on_rank(r, f"module.{case.name} after the DDP step"))


def ddp_state_dict(r: Rank, case: Case, seed: int) -> None:
    """DISTRIBUTED-DDP-STATE-DICT."""
    from torch.nn.modules.utils import consume_prefix_in_state_dict_if_present

    model = case.build(r.P)
    ddp = nn.parallel.DistributedDataParallel(model)
    train_step(ddp, rank_input(case, r.rank, seed))
    state = ddp.state_dict()
    assert_equal(list(state), [f"module.{k}" for k in model.state_dict()], _on_rank(r, "the DDP state_dict's keys"))
    consume_prefix_in_state_dict_if_present(state, "module.")
    plain = case.reseeded().build(r.P)
    plain.load_state_dict(state)
    assert_same_state(plain, model, _on_rank(r, "of a plain parametrized model loaded from the DDP state_dict"))
    x = rank_input(case, r.rank, seed + 1)
    assert_close(plain(x), model(x), _on_rank(r, "the plain model's forward after the load"))


# --- fully_shard -------------------------------------------------------------------------------------------------------
def fsdp_step(r: Rank, case: Case, seed: int) -> None:
    """DISTRIBUTED-FSDP-STEP."""
    model = _sharded(r, case.build(r.P))
    _check_sharded_step(r, model, lambda: case.build(r.P), case, seed, "of a fully_shard model")


def fsdp_type_before(r: Rank, case: Case) -> None:
    """DISTRIBUTED-FSDP-TYPE-BEFORE."""
    base = type(case.host.build())
    model = _sharded(r, case.build(r.P))
    assert_true(
        r.P.is_parametrized(model, case.name),
        _on_rank(r, f"is_parametrized(module, {case.name!r}) is False after fully_shard, expected True"),
    )
    got = r.P.type_before_parametrizations(model)
    assert_true(
        got is base,
        _on_rank(
            r,
            f"type_before_parametrizations of a fully_shard module: got {got!r}, "
            f"expected {base!r} (the class before the first registration)",
        ),
    )


def fsdp_stack(r: Rank, case: Case, extra: nn.Module, seed: int) -> None:
    """DISTRIBUTED-FSDP-STACK."""
    import copy

    model = _sharded(r, case.build(r.P))
    r.P.register_parametrization(model, case.name, copy.deepcopy(extra))

    def build() -> nn.Module:
        solo = case.build(r.P)
        return r.P.register_parametrization(solo, case.name, copy.deepcopy(extra))

    _check_sharded_step(r, model, build, case, seed, f"after stacking {extra!r} on the fully_shard model")


def fsdp_remove(r: Rank, case: Case, leave: bool, seed: int) -> str:
    """DISTRIBUTED-FSDP-REMOVE: returns "raised" or "removed"."""
    model = _sharded(r, case.build(r.P))
    before_class, before = type(model), full_state(model)
    call = f"remove_parametrizations(module, {case.name!r}, leave_parametrized={leave}) after fully_shard"
    try:
        r.P.remove_parametrizations(model, case.name, leave_parametrized=leave)
    except Exception as exc:  # refusing is allowed; then nothing may have changed
        _check_refused(
            r,
            model,
            (before_class, before),
            f"{call} raised {type(exc).__name__}({str(exc)[:120]})",
            lambda: case.build(r.P),
            case,
            seed,
        )
        return "raised"
    assert_true(not r.P.is_parametrized(model, case.name), _on_rank(r, f"is_parametrized after {call}"))

    def build() -> nn.Module:
        return r.P.remove_parametrizations(case.build(r.P), case.name, leave_parametrized=leave)

    _check_sharded_step(r, model, build, case, seed, f"after {call}")
    return "removed"


def fsdp_register_after(r: Rank, case: Case, seed: int) -> str:
    """DISTRIBUTED-FSDP-REGISTER-AFTER: returns "raised" or "registered"."""
    model = _sharded(r, case.host.build())
    before_class, before = type(model), full_state(model)
    call = f"register_parametrization(module, {case.name!r}, ...) after fully_shard"
    try:
        case.register_on(r.P, model)
    except Exception as exc:  # refusing is allowed; then nothing may have changed
        assert_true(not r.P.is_parametrized(model), _on_rank(r, f"{call} raised and left the module parametrized"))
        _check_refused(r, model, (before_class, before), f"{call} raised {type(exc).__name__}", case.host.build, case, seed)
        return "raised"
    _check_sharded_step(r, model, lambda: case.build(r.P), case, seed, f"after {call}")
    return "registered"


# --- DTensor originals -----------------------------------------------------------------------------------------------
def _placement(name: str) -> Any:
    from torch.distributed.tensor import Replicate, Shard

    return {"Shard(0)": Shard(0), "Shard(1)": Shard(1), "Replicate()": Replicate()}[name]


def dtensor_originals(r: Rank, case: Case, placement: str, assigned: str, leave: bool) -> None:
    """DISTRIBUTED-DTENSOR-ORIGINALS."""
    from torch.distributed.tensor import DTensor, distribute_tensor

    P, name, mesh = r.P, case.name, r.mesh
    module = case.host.build()
    plain = getattr(module, name).detach().clone()
    setattr(module, name, nn.Parameter(distribute_tensor(plain, mesh, [_placement(placement)])))
    case.register_on(P, module)
    original = original_of(module, name)
    placements = (_placement(placement),)

    def check_original(value: torch.Tensor, what: str, inverted: int) -> None:
        """The original holds the `inverted` first right_inverses applied to `value` (stacking inverts nothing)."""
        got = original_of(module, name)
        assert_true(got is original, _on_rank(r, f"the original {what} is another object, expected the same"))
        assert_true(
            isinstance(got, DTensor) and tuple(got.placements) == placements,
            _on_rank(
                r,
                f"the original {what}: got {type(got).__name__} {getattr(got, 'placements', '')}, expected a DTensor "
                f"with placements {placements}",
            ),
        )
        expected = composed_inverse(case.fresh_chain()[:inverted], value)[0]
        assert_close(full(got), expected, _on_rank(r, f"the original {what}"))
        assert_close(
            full(getattr(module, name)), chain_value(case.fresh_chain(), full(got)), _on_rank(r, f"module.{name} {what}")
        )

    check_original(plain, f"after registration on a {placement} DTensor", 1)
    # Note: an assignment in the original's own placement, then one in another (where set_ would take its layout).
    for i, layout in enumerate((placement, assigned)):
        generator = torch.Generator().manual_seed(case.host.seed + 7 + i)
        value = torch.randn(plain.shape, generator=generator, dtype=plain.dtype)
        setattr(module, name, distribute_tensor(value, mesh, [_placement(layout)]))
        check_original(value, f"after assigning a {layout} DTensor", len(case.chain))
    with P.cached():
        first, second = getattr(module, name), getattr(module, name)
        assert_true(first is second, _on_rank(r, f"two reads of module.{name} inside cached() are two objects"))
    expected = full(getattr(module, name)) if leave else full(original)
    P.remove_parametrizations(module, name, leave_parametrized=leave)
    got = getattr(module, name)
    assert_true(
        isinstance(got, DTensor) and tuple(got.placements) == placements,
        _on_rank(
            r,
            f"module.{name} after remove_parametrizations(leave_parametrized={leave}): got {type(got).__name__} "
            f"{getattr(got, 'placements', '')}, expected a DTensor with placements {placements}",
        ),
    )
    assert_close(
        full(got), expected, _on_rank(r, f"module.{name} after remove_parametrizations(leave_parametrized={leave})")
    )


# --- distributed checkpoint ------------------------------------------------------------------------------------------
def checkpoint_save(r: Rank, case: Case, seed: int, path: str) -> dict[str, torch.Tensor]:
    """DISTRIBUTED-CHECKPOINT, saving: a fully_shard model after one step, saved with torch.distributed.checkpoint;
    returns its full state."""
    import torch.distributed.checkpoint as dcp

    model = _sharded(r, case.build(r.P))
    train_step(model, rank_input(case, r.rank, seed))
    dcp.save(model.state_dict(), checkpoint_id=path)
    return full_state(model)


def checkpoint_load(r: Rank, case: Case, seed: int, path: str, saved: dict[str, torch.Tensor], saved_by: int) -> None:
    """DISTRIBUTED-CHECKPOINT, loading into a fresh fully_shard model (other initial values) on this world size."""
    import torch.distributed.checkpoint as dcp

    model = _sharded(r, case.reseeded().build(r.P))
    state = model.state_dict()
    dcp.load(state, checkpoint_id=path)
    model.load_state_dict(state)
    what = f"after torch.distributed.checkpoint.load of a checkpoint saved by {saved_by} ranks"
    got = full_state(model)
    assert_equal(list(got), list(saved), _on_rank(r, f"state_dict keys {what}"))
    for key, value in saved.items():
        assert_close(got[key], value, _on_rank(r, f"state_dict[{key!r}] {what}"))
    with torch.no_grad():
        value = chain_value(case.fresh_chain(), *(full(t) for t in originals_of(model, case.name)))
    assert_close(full(getattr(model, case.name)), value, _on_rank(r, f"module.{case.name} {what}"))
