"""Upstream reports: pytorch/pytorch issues and pull requests about wrong behaviour of torch.nn.utils.parametrize.

Each record names the clause whose check catches the reported behaviour ("" when no clause does, the note then says
why), the releases it affects according to the committed history matrices (reports/history/source/matrix.md runs
each release's own parametrize.py from 1.9 on; reports/history/installed/matrix.md runs the installed releases from
the project's floor, torch 2.4, on), and what goes wrong. A caught report's `pytorch/pytorch#<number>` is also in
its clause's source; conformance/SPEC.md lists them all under "Upstream reports".
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS: tuple[str, ...] = ("issue", "pull request")
BELOW_FLOOR = "below the project's floor (torch 2.4): not run"


@dataclass(frozen=True)
class UpstreamReport:
    """One pytorch/pytorch issue or pull request, and the clause that catches what it reports."""

    number: int
    title: str
    kind: str
    clause: str
    releases: str
    note: str

    @property
    def reference(self) -> str:
        """The report as a clause's source cites it."""
        return f"pytorch/pytorch#{self.number}"


UPSTREAM_REPORTS: tuple[UpstreamReport, ...] = (
    UpstreamReport(
        number=55456,
        title="Removing with leave_parametrized=True failed",
        kind="pull request",
        clause="REMOVE-LEAVE-PARAMETRIZED",
        releases="none the matrices run: fixed before 1.9, and 1.9 to 2.15 (source) and 2.4 to 2.14 (installed) pass",
        note="removing a parametrization with leave_parametrized=True went wrong before this fix; the clause "
        "removes with it and checks the parametrized value lands in the same original object and the module "
        "is returned.",
    ),
    UpstreamReport(
        number=58488,
        title="Multi-input parametrizations: a length-1 sequence and early errors",
        kind="pull request",
        clause="MULTI-SINGLE-SEQUENCE",
        releases="1.9 (fixed in 1.10)",
        note="before it, a right_inverse returning a sequence was stored as one 'original' and mistakes in a "
        "parametrization surfaced only on a later read; the clause registers a right_inverse returning a "
        "1-tuple and expects original0.",
    ),
    UpstreamReport(
        number=60969,
        title="Tracing a parametrized model; refuse tracing inside cached()",
        kind="pull request",
        clause="JIT-TRACE-CACHED-REFUSED",
        releases="1.9 (fixed in 1.10)",
        note="tracing a parametrized model did not work; the fix made it work outside cached() and raise inside "
        "it, and the clause expects that RuntimeError ('Cannot trace a model while caching "
        "parametrizations.'), module unchanged.",
    ),
    UpstreamReport(
        number=60971,
        title="torch.jit.script of a parametrized model fails",
        kind="issue",
        clause="JIT-SCRIPT-REFUSED",
        releases="every release: 1.9 to 2.15 (source) and 2.4 to 2.14 (installed) fail loudly, as the clause asks",
        note="scripting a parametrized module raises (generator expressions in parametrize.py); the clause accepts"
        " a loud failure at compile or call time and checks the module is left unchanged.",
    ),
    UpstreamReport(
        number=65163,
        title="A ParametrizationList's original cannot be parametrized",
        kind="issue",
        clause="NESTED-REGISTER-REMOVE",
        releases="1.9 (fixed in 1.10); 1.10 to 2.15 (source) and 2.4 to 2.14 (installed) pass",
        note="the list's forward walked every submodule, the nested 'parametrizations' dict too, so reading "
        "failed; the clause parametrizes parametrizations[name].original and reads and removes both levels.",
    ),
    UpstreamReport(
        number=69413,
        title="deepcopy of a parametrized module raises (AveragedModel)",
        kind="issue",
        clause="COPY-DEEPCOPY-EQUAL",
        releases="1.9 to 1.12 (fixed in 1.13); 2.4 to 2.14 (installed) pass",
        note="copy.deepcopy hit __getstate__ and raised 'Serialization of parametrized modules is only supported "
        "through state_dict()'; the clause deep-copies and compares values, objects and the copy's class.",
    ),
    UpstreamReport(
        number=80811,
        title="Add deepcopy to parametrized modules",
        kind="pull request",
        clause="COPY-DEEPCOPY-EQUAL",
        releases="1.9 to 1.12 (fixed in 1.13); 2.4 to 2.14 (installed) pass",
        note="the fix of the deepcopy failure: a generated __deepcopy__ unless the class has its own; the clause "
        "checks an equal, distinct, working copy (and COPY-USER-DEEPCOPY that a class's own one is kept).",
    ),
    UpstreamReport(
        number=102999,
        title="New weight_norm drops the weight_g/weight_v names",
        kind="issue",
        clause="",
        releases="not run: no clause checks it (open)",
        note="parametrizations.weight_norm names its tensors original0/original1, so code that looks for "
        "weight_g/weight_v (checkpoint loaders) breaks; no clause covers weight_norm, and "
        "SERIAL-STATE-DICT-KEYS pins the original<i> keys. torch's answer, weight_norm's load_state_dict pre-hook "
        "that renames legacy weight_g/weight_v keys, is client code the clients session runs on each "
        "implementation (test_weight_norm_loads_legacy_state_dict); what it needs of the API is "
        "SERIAL-STATE-DICT-KEYS' and SERIAL-ROUND-TRIP's, so a clause of its own would catch no bug they miss.",
    ),
    UpstreamReport(
        number=113415,
        title="torch.compile of a DDP model with spectral_norm fails",
        kind="issue",
        clause="",
        releases="not run: no clause compiles a DDP-wrapped model (open)",
        note="torch.compile of a DistributedDataParallel model with a parametrizations.spectral_norm layer errors "
        "when DDP splits the graph into buckets; no clause compiles under DDP (DISTRIBUTED-DDP-STEP runs it "
        "eagerly, the COMPILE clauses without DDP).",
    ),
    UpstreamReport(
        number=115744,
        title="register_parametrization inside a compiled function errors",
        kind="issue",
        clause="COMPILE-REGISTER-INSIDE",
        releases=BELOW_FLOOR + "; 2.13 (installed) passes (the committed matrices predate the clause)",
        note="calling register_parametrization within a torch.compile'd function crashed instead of graph "
        "breaking; the clause registers (and removes) inside a compiled function, on a module passed in or built "
        "there as in the report, calls it on a second module, and compares values and the module with eager code.",
    ),
    UpstreamReport(
        number=118742,
        title="torch.compile does not support weight_norm",
        kind="issue",
        clause="",
        releases=BELOW_FLOOR,
        note="compiling a model with parametrizations.weight_norm failed on 2.2; no clause compiles weight_norm "
        "(the clauses draw parametrizations from the project's own library).",
    ),
    UpstreamReport(
        number=120914,
        title="Dynamo does not trace module parametrization",
        kind="issue",
        clause="COMPILE-VALUES",
        releases=BELOW_FLOOR + "; 2.4 to 2.14 (installed) pass",
        note="Dynamo crashed on a parametrized module's getter (the repro registers inside the compiled function);"
        " the clause compiles parametrized models, whose forward runs that getter, and compares values and "
        "gradients by hand.",
    ),
    UpstreamReport(
        number=121041,
        title="Graph break cleanly on parametrization in Dynamo",
        kind="pull request",
        clause="COMPILE-VALUES",
        releases=BELOW_FLOOR + "; 2.4 to 2.14 (installed) pass",
        note="the interim fix that made Dynamo fall back around the injected property instead of raising; the "
        "clause sees any compile failure or wrong value, graph break or not.",
    ),
    UpstreamReport(
        number=121304,
        title="weight_norm under torch.compile: missing 'dim'",
        kind="issue",
        clause="",
        releases=BELOW_FLOOR,
        note="torch.compile of a Conv3d with parametrizations.weight_norm raised TypeError in "
        "_weight_norm_interface on 2.2 (gone in a 2.3 nightly); no clause compiles weight_norm.",
    ),
    UpstreamReport(
        number=123859,
        title="Reparametrization should swap tensor-subclass originals",
        kind="issue",
        clause="SUBCLASS-TENSOR-ORIGINAL",
        releases="none the matrices find: 1.10 to 2.15 (source) and 2.4 to 2.14 (installed) pass",
        note="writing into an original with set_ does not work for wrapper subclasses such as DTensor; the clause "
        "registers, assigns and removes on TwoTensor, Tensor and Parameter subclasses under both swap "
        "settings.",
    ),
    UpstreamReport(
        number=124524,
        title="How Dynamo and export should handle parametrizations",
        kind="issue",
        clause="EXPORT-PROGRAM",
        releases="none the matrices find: 1.10 to 2.15 (source) and 2.4 to 2.14 (installed) pass",
        note="Dynamo and export should trace through a parametrization so that the plain originals, not the tensor"
        " it builds, are the program's inputs; the clause checks the program's state_dict layout and its "
        "parameters.",
    ),
    UpstreamReport(
        number=124888,
        title="requires_grad not propagated to decomposed originals",
        kind="pull request",
        clause="GRAD-REQUIRES-GRAD",
        releases="none the matrices find: 1.10 to 2.15 (source) and 2.4 to 2.14 (installed) pass; 1.9 lacks multi-input",
        note="original0..N-1 did not take the source tensor's requires_grad; the clause freezes or unfreezes the "
        "tensor before registering and checks every original's requires_grad and the value's.",
    ),
    UpstreamReport(
        number=125478,
        title="Parametrization causes excessive Dynamo restarts",
        kind="issue",
        clause="COMPILE-PER-LAYER-GRAPHS",
        releases="every release: 1.9 to 2.15 (source, on torch 2.13's Dynamo) and 2.4 to 2.14 (installed) diverge",
        note="compiling 32 parametrized Linear layers made Dynamo restart its analysis over and over; the clause "
        "compiles 12 identical layers one by one and counts graphs against torch's and the recompile limit.",
    ),
    UpstreamReport(
        number=125771,
        title="Dynamo traces through nn parametrize",
        kind="pull request",
        clause="COMPILE-FULLGRAPH",
        releases=BELOW_FLOOR + "; 2.4 to 2.6 (installed) diverge only where the compiled forward enters cached()",
        note="the fix that lets Dynamo inline the getter, so fullgraph=True compiles; the clause compiles with "
        "fullgraph=True outside, around and inside cached() and compares values.",
    ),
    UpstreamReport(
        number=127313,
        title="swap_tensors refused Parameters an AccumulateGrad holds",
        kind="pull request",
        clause="GRAD-LIVE-GRAPH",
        releases="2.4 to 2.15 (source) and 2.4 to 2.14 (installed) diverge under the swap flag; 1.10 to 2.3 pass",
        note="swap_tensors refused a Parameter whose AccumulateGrad node is alive, as after a backward; the clause"
        " registers after a backward, frozen or not, under either swap setting, and backpropagates through "
        "the new value.",
    ),
    UpstreamReport(
        number=167645,
        title="torch.export is incompatible with parametrize.cached()",
        kind="issue",
        clause="EXPORT-CACHED",
        releases="2.4 to 2.6 (installed) diverge (fixed in 2.7); 1.10 to 2.15 (source) pass",
        note="an exported model does not keep cached()'s single evaluation and runs 25 times slower; the clause "
        "exports inside cached() and through a wrapper entering it, and checks layout and output, not the "
        "speed.",
    ),
    UpstreamReport(
        number=180968,
        title="nn.init on a parametrized weight silently does nothing",
        kind="issue",
        clause="",
        releases="not run: no clause checks it (reported on 2.11, open)",
        note="nn.init.uniform_(module.weight) writes into a freshly computed tensor, so the module keeps its value"
        " without an error (an Identity chain, whose read is the original itself, takes the write); no clause checks"
        " an in-place write to a parametrized tensor: a read returns a new tensor, and no implementation sees a "
        "later write into it without a tensor subclass on every read (slower reads, every op on the value through "
        "__torch_function__) or a version check at the next read (too late: the write is then applied or refused "
        "far from where it was made, and a value used as scratch space would be taken for one), so the reference "
        "could not meet such a clause either; the fix is torch's documentation.",
    ),
    UpstreamReport(
        number=186565,
        title="functional_call with the plain name ignores the parametrization",
        kind="pull request",
        clause="FUNCTIONAL-PLAIN-NAME",
        releases="every release: 1.9 to 2.15 (source) and 2.4 to 2.14 (installed) do what the clause pins (torch 2.13's)",
        note="the docs say passing 'weight' disables the parametrization, yet torch routes it through "
        "right_inverse and strict=True rejects it; the clause pins torch 2.13's behaviour, so this change "
        "would show as a divergence.",
    ),
)


def reports_of(clause_id: str) -> tuple[UpstreamReport, ...]:
    """The reports that `clause_id` catches, by number."""
    return tuple(sorted((r for r in UPSTREAM_REPORTS if r.clause == clause_id), key=lambda r: r.number))
