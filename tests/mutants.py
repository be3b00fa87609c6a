"""The planted bugs the meta-tests build: each a plausible mistake in one place of the reference, with the clause
of the suite that must reject it. See mutation.Mutant."""

from __future__ import annotations

from mutation import Mutant

# The key of _cache.read's store (the mutant keys by the module alone).
_CACHE_LOOKUP = """\
    key = (id(module), name)
    entry = entries.get(key)
"""

MUTANTS: tuple[Mutant, ...] = (
    # register
    Mutant(
        "register-returns-none", "REGISTER-RETURNS-MODULE", "_register.py",
        "    return module\n",
        "",
        "register_parametrization forgets to return the module (returns None)",
    ),
    Mutant(
        "register-class-on-generated-class", "REGISTER-SEVERAL-TENSORS", "_register.py",
        "parametrized_class(generated.__bases__[0], names))",
        "parametrized_class(type(module), names))",
        "a second parametrized tensor subclasses the already generated class instead of the user's class",
    ),
    Mutant(
        "register-class-keeps-name", "REGISTER-CLASS-SWAP", "_class.py",
        'return type(f"Parametrized{base.__name__}", (base,), namespace)',
        "return type(base.__name__, (base,), namespace)",
        "the generated class keeps the user's class name instead of Parametrized<Cls>",
    ),
    Mutant(
        "register-originals-always-buffers", "REGISTER-ORIGINAL-KEPT", "_list.py",
        "self.register_parameter(key, t) if isinstance(t, Parameter) else self.register_buffer(key, t)",
        "self.register_buffer(key, t)",
        "the original is registered on the list as a buffer even when it is a Parameter",
    ),
    Mutant(
        "register-value-reversed-stack", "REGISTER-VALUE", "_list.py",
        "        for module in rest:\n            x = call(module, x)",
        "        for module in reversed(rest):\n            x = call(module, x)",
        "the stacked parametrizations after the first are applied last-registered first",
    ),
    Mutant(
        "register-inverse-wrong-exception", "REGISTER-INVERSE-APPLIED", "_list.py",
        "                except NotImplementedError:\n                    pass  # treated as the identity",
        "                except TypeError:\n                    pass  # treated as the identity",
        "a right_inverse raising NotImplementedError is not treated as the identity at registration",
    ),
    Mutant(
        "register-stack-checks-against-original", "REGISTER-CALL-ORDER", "_register.py",
        "    y = getattr(module, name)\n    x = parametrization(y)",
        "    y = module.parametrizations[name].original\n    x = parametrization(y)",
        "the stacking check runs the new parametrization on the stored original, not on the current value",
    ),
    Mutant(
        "register-stack-key-off-by-one", "REGISTER-STACK-COMPOSES", "_list.py",
        "self.add_module(str(len(self._chain())), module)",
        "self.add_module(str(len(self._chain()) + 1), module)",
        "a stacked parametrization gets the key len+1, leaving a gap, so forward never reaches it",
    ),
    Mutant(
        "register-unknown-name-hasattr", "REGISTER-UNKNOWN-NAME", "_register.py",
        "    elif tensor_name in module._parameters or tensor_name in module._buffers:",
        "    elif hasattr(module, tensor_name):",
        "any attribute (e.g. 'training') is taken for a tensor to parametrize",
    ),
    Mutant(
        "register-forward-shape-unchecked", "REGISTER-FORWARD-CHECKED", "_list.py",
        '        for what in ("dtype", "shape"):',
        '        for what in ("dtype",):',
        "a first registration checks the forward's dtype but not its shape",
    ),
    Mutant(
        "register-inverse-device-unchecked", "REGISTER-INVERSE-CHECKED", "_list.py",
        '            for what in ("dtype", "device"):',
        '            for what in ("dtype",):',
        "a first registration checks the right_inverse's dtype but not its device",
    ),
    Mutant(
        "register-parametrization-not-validated", "REGISTER-NOT-A-MODULE", "_register.py",
        'for role, obj in (("module", module), ("parametrization", parametrization)):',
        'for role, obj in (("module", module),):',
        "only the module is checked to be an nn.Module, not the parametrization",
    ),
    Mutant(
        "register-reserved-name-only-if-parametrized", "REGISTER-RESERVED-NAME", "_register.py",
        '    if first and hasattr(module, "parametrizations"):',
        "    if first and is_parametrized(module):",
        "a user's own 'parametrizations' attribute is refused only if it looks like a parametrization, "
        "else silently replaced",
    ),
    Mutant(
        "register-writes-before-checking", "REGISTER-ATOMIC", "_list.py",
        "            candidates = (_stand_in(original, new),)",
        "            write_into(original, new)\n            candidates = (original,)",
        "a first registration writes right_inverse(value) into the tensor before the forward checks",
    ),
    Mutant(
        "register-empty-list-none-check", "REGISTER-EMPTY-LIST", "_list.py",
        "        if len(modules) == 0:",
        "        if modules is None:",
        "ParametrizationList checks its modules for None instead of emptiness",
    ),
    # stack
    Mutant(
        "stack-forward-unchecked", "STACK-FORWARD-CHECKED", "_register.py",
        "    _same_space(name, y, x, _STACK_FORWARD)\n",
        "",
        "stacking checks only that the new forward returns a tensor, not its dtype and shape",
    ),
    Mutant(
        "stack-not-implemented-propagates", "STACK-INVERSE-CHECKED", "_register.py",
        "    try:\n        z = parametrization.right_inverse(x)\n    except NotImplementedError:\n        return\n",
        "    z = parametrization.right_inverse(x)\n",
        "stacking a parametrization whose right_inverse raises NotImplementedError fails instead of skipping "
        "the check",
    ),
    # unsafe
    Mutant(
        "unsafe-not-passed-to-list", "UNSAFE-SHAPE-ALLOWED", "_register.py",
        "plist = ParametrizationList([parametrization], slots[name], unsafe=unsafe)",
        "plist = ParametrizationList([parametrization], slots[name])",
        "a first registration does not pass unsafe on to the ParametrizationList, which then checks the shape",
    ),
    Mutant(
        "unsafe-value-cast-back", "UNSAFE-DTYPE-ALLOWED", "_list.py",
        "        return x\n\n    def forward(self)",
        "        return x.to(originals[0].dtype)\n\n    def forward(self)",
        "the chain's value is cast back to the original's dtype",
    ),
    Mutant(
        "unsafe-not-sticky", "UNSAFE-STICKY", "_register.py",
        "plist.unsafe |= unsafe",
        "plist.unsafe = unsafe",
        "stacking overwrites the list's unsafe flag instead of keeping it once set",
    ),
    Mutant(
        "unsafe-stack-uses-list-flag", "UNSAFE-SKIPS-CALLS", "_register.py",
        "        if not unsafe:\n            _check_stack(module, tensor_name, parametrization)",
        "        if not module.parametrizations[tensor_name].unsafe:\n"
        "            _check_stack(module, tensor_name, parametrization)",
        "stacking decides whether to check from the list's flag, ignoring the unsafe argument",
    ),
    # multi
    Mutant(
        "multi-buffer-originals-lose-requires-grad", "MULTI-ORIGINALS", "_list.py",
        "    return t.requires_grad_(original.requires_grad)",
        "    return t",
        "the originals of a multi-input buffer do not take the buffer's requires_grad",
    ),
    Mutant(
        "multi-single-sequence-named-original", "MULTI-SINGLE-SEQUENCE", "_list.py",
        'return ("original",) if self.is_tensor else',
        'return ("original",) if self.ntensors == 1 else',
        "a right_inverse returning a length-1 sequence gives 'original' instead of 'original0'",
    ),
    Mutant(
        "multi-originals-reversed", "MULTI-ORIGINALS", "_list.py",
        "candidates = tuple(_as_original(original, t, i) for i, t in enumerate(new))",
        "candidates = tuple(_as_original(original, t, i) for i, t in enumerate(reversed(new)))",
        "the elements of a multi-output right_inverse are stored as original0..N-1 in reverse order",
    ),
    Mutant(
        "multi-arity-as-value-error", "MULTI-ARITY", "_list.py",
        "        z = self._evaluate(candidates)\n",
        "        try:\n            z = self._evaluate(candidates)\n        except TypeError as e:\n"
        "            raise ValueError(f\"A parametrization's forward failed: {e}\") from e\n",
        "a forward of the wrong arity is reported as ValueError instead of TypeError",
    ),
    # assign
    Mutant(
        "assign-reversed-off-by-one", "ASSIGN-ROUND-TRIP", "_list.py",
        "            for module in reversed(self._chain()):\n                if not hasattr",
        "            for module in self._chain()[:0:-1]:\n                if not hasattr",
        "assignment's reversed walk over the chain stops before the first parametrization",
    ),
    Mutant(
        "assign-no-no-grad", "ASSIGN-NO-GRAD", "_tensors.py",
        "    if torch.is_grad_enabled():\n",
        "    if False:\n",
        "writing into the original is not done under no_grad, so it records the assigned value's graph",
    ),
    Mutant(
        "assign-swap-rewraps-parameter", "ASSIGN-KEEPS-ID", "_tensors.py",
        "src = Parameter(src.detach(), requires_grad=dest.requires_grad)",
        "src = Parameter(src.detach())",
        "the swap path wraps the new value in a Parameter that requires grad whatever the original's flag",
    ),
    Mutant(
        "assign-missing-inverse-as-identity", "ASSIGN-NO-INVERSE", "_list.py",
        "                if not hasattr(module, \"right_inverse\"):\n"
        "                    raise RuntimeError(f\"parametrization {type(module).__name__} does not implement "
        "right_inverse.\")\n"
        "                value = module.right_inverse(value)\n",
        "                if hasattr(module, \"right_inverse\"):\n"
        "                    value = module.right_inverse(value)\n",
        "assignment treats a parametrization without right_inverse as the identity instead of raising",
    ),
    Mutant(
        "assign-not-implemented-swallowed", "ASSIGN-NOT-IMPLEMENTED", "_list.py",
        "                value = module.right_inverse(value)\n",
        "                try:\n                    value = module.right_inverse(value)\n"
        "                except NotImplementedError:\n                    pass\n",
        "assignment treats a right_inverse raising NotImplementedError as the identity, like registration",
    ),
    Mutant(
        "assign-dtype-unchecked", "ASSIGN-DTYPE-CHECKED", "_list.py",
        "        if new.dtype != dest.dtype:\n"
        "            raise ValueError(f\"{label} has dtype {new.dtype} while `{key}` has dtype {dest.dtype}\")\n",
        "",
        "assignment skips the dtype check, so set_ silently changes the original's dtype",
    ),
    Mutant(
        "assign-shape-checks-ndim", "ASSIGN-SHAPE-CHECKED", "_list.py",
        "if not self.unsafe and new.shape != dest.shape:",
        "if not self.unsafe and new.dim() != dest.dim():",
        "assignment compares the number of dimensions instead of the shape",
    ),
    Mutant(
        "assign-multi-length-too-short-only", "ASSIGN-MULTI", "_list.py",
        "        if len(value) != self.ntensors:",
        "        if len(value) < self.ntensors:",
        "a multi-input assignment refuses only too-short sequences; longer ones fail later with another error",
    ),
    Mutant(
        "assign-multi-writes-while-checking", "ASSIGN-MULTI-ATOMIC", "_list.py",
        "            self._check_element(i, key, dest, new, f\"Tensor {i} returned by `right_inverse`\")\n",
        "            self._check_element(i, key, dest, new, f\"Tensor {i} returned by `right_inverse`\")\n"
        "            write_into(dest, new)\n",
        "a multi-input assignment writes each original as soon as it is checked, before the later ones",
    ),
    # remove
    Mutant(
        "remove-default-leave-original", "REMOVE-LEAVE-PARAMETRIZED", "_remove.py",
        "leave_parametrized: bool = True",
        "leave_parametrized: bool = False",
        "remove_parametrizations defaults to leave_parametrized=False",
    ),
    Mutant(
        "remove-leave-original-data", "REMOVE-LEAVE-ORIGINAL", "_remove.py",
        "    if not leave_parametrized:\n        return original\n",
        "    if not leave_parametrized:\n        return original.data\n",
        "leave_parametrized=False puts back original.data, a new plain tensor, instead of the original object",
    ),
    Mutant(
        "remove-class-not-restored", "REMOVE-RESTORES-CLASS", "_remove.py",
        "        module.__class__ = with_generated(type(module), base)\n",
        "",
        "removing the last parametrization keeps the generated class",
    ),
    Mutant(
        "remove-checks-module-only", "REMOVE-NOT-PARAMETRIZED", "_remove.py",
        "if not (is_parametrized(module, tensor_name) and generated_of(type(module)) is not None):",
        "if not (is_parametrized(module) and generated_of(type(module)) is not None):",
        "remove_parametrizations checks that the module is parametrized, not that the name is",
    ),
    Mutant(
        "remove-multi-ignores-leave-original", "REMOVE-MULTI", "_remove.py",
        "    elif leave_parametrized:\n        value = _restore_multi(module, tensor_name, plist)\n    else:\n"
        "        raise ValueError(\"Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is "
        "parametrized in \"\n"
        "                         \"terms of a sequence of tensors.\")\n",
        "    else:\n        value = _restore_multi(module, tensor_name, plist)\n",
        "leave_parametrized=False on a multi-input tensor silently leaves the parametrized value",
    ),
    Mutant(
        "remove-multi-kind-from-requires-grad", "REMOVE-MULTI-KEEPS-KIND", "_remove.py",
        "    if isinstance(plist.original0, Parameter):\n        return Parameter(",
        "    if value.requires_grad:\n        return Parameter(",
        "a removed multi-input tensor is a Parameter only if its value requires grad (a frozen one becomes a buffer)",
    ),
    Mutant(
        "remove-order-off-by-one", "REMOVE-KEEPS-ORDER", "_remove.py",
        "after = [i + 1 for i, (key, _) in enumerate(items) if key in plist._slot.before]",
        "after = [i for i, (key, _) in enumerate(items) if key in plist._slot.before]",
        "the removed tensor is put back one place too early (before the last name that preceded it)",
    ),
    Mutant(
        "write-copies-instead-of-set", "REMOVE-UNSAFE-SHAPE", "_tensors.py",
        "        dest.set_(src)",
        "        dest.copy_(src)",
        "writing into an original uses copy_, which cannot change its shape, instead of set_",
    ),
    # cache
    Mutant(
        "cache-enabled-off-by-one", "CACHE-SAME-OBJECT", "_cache.py",
        "    entries = getattr(_local, \"entries\", None) if _any_open else None\n",
        "    entries = getattr(_local, \"entries\", None) if _open > 1 else None\n",
        "reads test the count of open contexts against 1, so a single cached() context caches nothing",
    ),
    Mutant(
        "cache-flag-not-depth", "CACHE-NESTED", "_cache.py",
        "    outermost = getattr(_local, \"entries\", None) is None  # in this thread\n",
        "    outermost = True\n",
        "every cached() context acts as the outermost one, so an inner context's exit ends the outer one's cache",
    ),
    Mutant(
        "cache-no-finally", "CACHE-CLEARED-ON-EXIT", "_cache.py",
        "    try:\n        yield\n    finally:\n        _count(-1)\n"
        "        if outermost:\n            _local.entries = None",
        "    yield\n    _count(-1)\n    if outermost:\n        _local.entries = None",
        "cached() does not use try/finally, so an exception leaves the cache on and filled",
    ),
    Mutant(
        "cache-keyed-by-module", "CACHE-PER-TENSOR", "_cache.py",
        _CACHE_LOOKUP,
        _CACHE_LOOKUP.replace("(id(module), name)", "id(module)", 1),
        "the cache is keyed by the module alone, so a module's tensors evict each other's values",
    ),
    Mutant(
        "cache-detached-value", "CACHE-GRAD", "_cache.py",
        "    value = call(plist)\n",
        "    value = call(plist).detach()\n",
        "the cache stores a detached value, so no gradient reaches the original",
    ),
    Mutant(
        "cache-hit-compares-shapes", "CACHE-REPLACED-ORIGINAL", "_cache.py",
        "        if a is not b:\n",
        "        if a.shape != b.shape:\n",
        "a cache hit compares the originals' shapes, not the objects, so after an original is replaced by another "
        "tensor of its shape reads serve the value cached from the old one",
    ),
    # copy
    Mutant(
        "copy-shallow-dict", "COPY-DEEPCOPY-EQUAL", "_class.py",
        "replica.__dict__ = copy.deepcopy(self.__dict__, memo)",
        "replica.__dict__ = copy.copy(self.__dict__)",
        "__deepcopy__ copies the instance dict shallowly, so the copy shares tensors and submodules",
    ),
    Mutant(
        "copy-remove-mutates-shared-class", "COPY-INDEPENDENT", "_remove.py",
        "        module.__class__ = with_generated(type(module), parametrized_class(base, list(module.parametrizations)))",
        "        delattr(generated_of(type(module)), tensor_name)",
        "removing one of several parametrizations deletes the property from the generated class, which "
        "deep copies share",
    ),
    Mutant(
        "copy-user-deepcopy-overridden", "COPY-USER-DEEPCOPY", "_class.py",
        "    if not hasattr(base, \"__deepcopy__\"):\n        namespace[\"__deepcopy__\"] = _deepcopy",
        "    namespace[\"__deepcopy__\"] = _deepcopy",
        "the generated class always installs its own __deepcopy__, hiding the user's",
    ),
    # serial
    Mutant(
        "serial-pickle-allowed", "SERIAL-PICKLE-REFUSED", "_class.py",
        "def _refuse_getstate(self: Module) -> None:\n    raise RuntimeError(_SERIALIZATION_MESSAGE)",
        "def _refuse_getstate(self: Module) -> dict:\n    return self.__dict__.copy()",
        "the generated class's __getstate__ returns the state instead of refusing to pickle",
    ),
    Mutant(
        "serial-originals-one-based", "SERIAL-STATE-DICT-KEYS", "_list.py",
        'tuple(f"original{i}" for i in range(self.ntensors))',
        'tuple(f"original{i}" for i in range(1, self.ntensors + 1))',
        "multi-input originals are numbered original1..N instead of original0..N-1",
    ),
    # transfer
    Mutant(
        "transfer-copies-not-ties", "TRANSFER-ALL", "_transfer.py",
        "setattr(to_module.parametrizations[name], key, getattr(source, key))",
        "write_into(getattr(to_module.parametrizations[name], key), getattr(source, key).detach())",
        "transfer copies the originals' values into the target's own tensors instead of tying them",
    ),
    Mutant(
        "transfer-ignores-tensor-name", "TRANSFER-ONE-NAME", "_transfer.py",
        "names = list(from_module.parametrizations) if tensor_name is None else [tensor_name]",
        "names = list(from_module.parametrizations)",
        "transfer ignores tensor_name and transfers every parametrized tensor",
    ),
    Mutant(
        "transfer-missing-checked-on-source", "TRANSFER-MISSING-TARGET", "_transfer.py",
        "    if not hasattr(to_module, name):",
        "    if not hasattr(from_module, name):",
        "transfer checks the source instead of the target for a missing name, so it never creates it",
    ),
    Mutant(
        "transfer-ties-first-original", "TRANSFER-MULTI", "_transfer.py",
        "    for key in source._original_names():",
        "    for key in source._original_names()[:1]:",
        "transfer ties only the first original, so a multi-input target keeps its own original1..",
    ),
    Mutant(
        "transfer-missing-guard", "TRANSFER-NOT-PARAMETRIZED", "_transfer.py",
        "    if not is_parametrized(from_module):\n        return to_module\n",
        "",
        "transfer from an unparametrized module is not a no-op (it reads from_module.parametrizations)",
    ),
    Mutant(
        "transfer-creates-parameter", "TRANSFER-BUFFER", "_transfer.py",
        "    if key in source._parameters:\n        to_module.register_parameter(name, Parameter(value))\n    else:\n"
        "        to_module.register_buffer(name, value.detach(), persistent=source._persistent())\n",
        "    to_module.register_parameter(name, Parameter(value))\n",
        "transfer creates a missing name as a Parameter even when the source's original is a buffer",
    ),
    # training
    Mutant(
        "train-sync-top-only", "TRAIN-SYNC-AT-REGISTER", "_register.py",
        "    parametrization.train(module.training)",
        "    parametrization.training = module.training",
        "registration sets the parametrization's own training flag but not its submodules'",
    ),
    Mutant(
        "train-list-does-not-recurse", "TRAIN-PROPAGATES", "_list.py",
        "    def _check_forward(self, original: Tensor, candidates: tuple[Tensor, ...]) -> None:\n",
        "    def train(self, mode: bool = True) -> \"ParametrizationList\":\n"
        "        self.training = mode  # the bug: the chain is not reached\n"
        "        return self\n\n"
        "    def _check_forward(self, original: Tensor, candidates: tuple[Tensor, ...]) -> None:\n",
        "ParametrizationList overrides train() with a shallow one, so module.train()/eval() stop at the list",
    ),
    # nested
    Mutant(
        "nested-chain-all-children", "NESTED-REGISTER-REMOVE", "_list.py",
        "        chain = []\n        key = \"0\"\n        while key in modules:\n"
        "            chain.append(modules[key])\n            key = str(len(chain))\n        return chain",
        "        return list(self)",
        "the chain is every child of the list, including a nested 'parametrizations' ModuleDict",
    ),
    # buffer
    Mutant(
        "buffer-put-back-by-setattr", "BUFFER-STAYS-BUFFER", "_remove.py",
        "        module.register_buffer(name, value, persistent=plist._persistent())",
        "        setattr(module, name, value)",
        "removal puts a buffer back with setattr, which makes a plain attribute, not a buffer",
    ),
    Mutant(
        "buffer-persistence-dropped", "BUFFER-PERSISTENCE-KEPT", "_register.py",
        "    if not persistent:\n        plist._non_persistent_buffers_set.update(plist._buffers)\n",
        "",
        "a non-persistent buffer's original is registered on the list as persistent",
    ),
    # grad
    Mutant(
        "grad-forward-no-grad", "GRAD-FLOWS", "_list.py",
        "        return self._evaluate(self._originals())",
        "        with torch.no_grad():\n            return self._evaluate(self._originals())",
        "the list's forward runs under no_grad, as the registration checks do",
    ),
    Mutant(
        "grad-multi-parameter-requires-grad", "GRAD-REQUIRES-GRAD", "_list.py",
        "        t = Parameter(t, original.requires_grad)\n    return t.requires_grad_(original.requires_grad)",
        "        t = Parameter(t)\n    return t",
        "multi-input originals of a Parameter always require grad, whatever the source's flag",
    ),
    # query
    Mutant(
        "query-no-moduledict-check", "QUERY-IS-PARAMETRIZED", "_queries.py",
        "    if not isinstance(parametrizations, ModuleDict):",
        "    if parametrizations is None:",
        "is_parametrized takes any 'parametrizations' attribute for a ModuleDict",
    ),
    Mutant(
        "query-type-before-generated", "QUERY-TYPE-BEFORE", "_queries.py",
        "    return type(module) if generated is None else generated.__bases__[0]",
        "    return type(module)",
        "type_before_parametrizations returns the generated class",
    ),
    # Gaps the first suite missed, caught by TRANSFER-ATOMIC, NESTED-ASSIGN and the swap axis; then the cache as documented.
    Mutant(
        "stack-next-key-counts-nested", "NESTED-ASSIGN", "_list.py",
        "self.add_module(str(len(self._chain())), module)",
        "self.add_module(str(len(self)), module)",
        "stacking keys the new parametrization len(self), which counts a nested 'parametrizations' child, so "
        "forward skips it when the list's original is itself parametrized (torch's behaviour)",
    ),
    Mutant(
        "nested-assign-writes-into-value", "NESTED-ASSIGN", "_list.py",
        "setattr(self, key, src) if nested and is_parametrized(self, key) else write_into(dest, src)",
        "write_into(dest, src)",
        "assigning through a list whose original is parametrized writes into the computed value, which is lost",
    ),
    Mutant(
        "stack-forgets-cached", "CACHE-KEPT-IN-CONTEXT", "_register.py",
        "        # Note: CACHE-KEPT-IN-CONTEXT: stacking keeps",
        "        _cache.forget(module, tensor_name)\n        # Note: CACHE-KEPT-IN-CONTEXT: stacking keeps",
        "stacking inside cached() drops the cached value, so the next read in the context recomputes it (the "
        "documented cache keeps the first value until the exit)",
    ),
    Mutant(
        "assign-forgets-cached", "CACHE-ASSIGN-DEFERRED", "_class.py",
        "        self._modules[\"parametrizations\"]._modules[name].right_inverse(value)",
        "        _cache.forget(self, name)\n        self._modules[\"parametrizations\"]._modules[name].right_inverse(value)",
        "assignment inside cached() drops the cached value, so the next read in the context serves the assigned "
        "value instead of the one computed first (what this reference did before issue 12)",
    ),
    Mutant(
        "assign-inverse-with-grad", "ASSIGN-NO-GRAD", "_list.py",
        "        with torch.no_grad():\n            for module in reversed(self._chain()):\n                if not hasattr",
        "        with torch.enable_grad():\n            for module in reversed(self._chain()):\n"
        "                if not hasattr",
        "assignment runs right_inverse with grad on; under swap_tensors a buffer original takes the assigned "
        "value's grad_fn",
    ),
    Mutant(
        "transfer-no-rollback", "TRANSFER-ATOMIC", "_transfer.py",
        "        _restore(saved)\n",
        "",
        "a transfer failing on a later name leaves the target half parametrized",
    ),
    Mutant(
        "remove-keeps-stale-class", "SEQUENCE-DIFFERENTIAL", "_remove.py",
        "        module.__class__ = with_generated(type(module), parametrized_class(base, list(module.parametrizations)))\n",
        "        pass\n",
        "removing one of several parametrized names keeps the generated class, whose property for it now fails",
    ),
    Mutant(
        "neighbours-ignore-other-names", "SEQUENCE-DIFFERENTIAL", "_register.py",
        "        if plist._slot is not None and name in plist._slot.after:\n            before.add(other)\n",
        "",
        "a registration does not count names parametrized earlier as sitting before it, so removing in another "
        "order than registering puts the tensors back out of their original order",
    ),
    # compile
    Mutant(
        "compile-class-per-instance", "COMPILE-PER-LAYER-GRAPHS", "_class.py",
        "    cls = _classes.get(key)\n",
        "    cls = None  # a class of its own for every module\n",
        "every parametrized module gets a generated class of its own, so Dynamo's type guard on `self` in the getter "
        "fails for each new layer: one graph per layer, and the recompile limit after 8",
    ),
    Mutant(
        "compile-tracing-check-not-folded", "COMPILE-FULLGRAPH", "_cache.py",
        "    if _tracing_state():\n",
        "    if torch._C._is_tracing():\n",
        "the cached() read checks for torch.jit.trace with torch._C._is_tracing, which Dynamo cannot constant-fold "
        "(torch.* op returned non-Tensor): a fullgraph compile inside cached() fails",
    ),
    Mutant(
        "compile-read-memo-ignores-updates", "COMPILE-SEES-UPDATES", "_cache.py",
        "    if entries is None:\n        return call(plist)\n",
        "    if entries is None:\n        memo = vars(plist).get(\"_memo\")\n"
        "        if memo is None or not _same(memo[0], plist._originals()):\n"
        "            memo = vars(plist)[\"_memo\"] = (plist._originals(), call(plist))\n"
        "        return memo[1]\n",
        "outside cached(), a read reuses the value computed last while the originals are the same tensor objects, "
        "missing in-place updates and assignments (which write into those objects)",
    ),
    Mutant(
        "compile-read-detaches-original", "COMPILE-VALUES", "_list.py",
        "                return (parameters[\"original\"],)\n",
        "                return (parameters[\"original\"].detach(),)\n",
        "the fast read path of a single Parameter original detaches it, so no gradient reaches the original",
    ),
    # export
    Mutant(
        "export-single-original-numbered", "EXPORT-PROGRAM", "_list.py",
        "return (\"original\",) if self.is_tensor else",
        "return (\"original0\",) if self.is_tensor else",
        "a single original is registered as original0 (numbered like the originals of a multi-input chain), so the "
        "state_dict keys are not torch's layout parametrizations.<name>.original",
    ),
    Mutant(
        "export-cached-count-takes-lock", "EXPORT-CACHED", "_cache.py",
        "    if torch.compiler.is_compiling():\n",
        "    if False:  # always under the lock\n",
        "entering and leaving cached() always takes a threading.Lock, which Dynamo cannot trace: a strict export of a "
        "model whose forward enters cached() fails",
    ),
    # functional
    Mutant(
        "functional-cache-ignores-replaced-originals", "FUNCTIONAL-CACHED", "_cache.py",
        "entry[0] is module and _holds(plist, entry[1])",
        "entry[0] is module",
        "inside cached(), the value cached from the module's own originals is served to a functional_call that "
        "passed other tensors for them",
    ),
    Mutant(
        "functional-setter-skips-right-inverse", "FUNCTIONAL-PLAIN-NAME", "_list.py",
        "                value = module.right_inverse(value)\n",
        "                pass  # the value is stored as given\n",
        "the property's setter (which functional_call with the plain name goes through) stores the value as given "
        "instead of its right_inverse",
    ),
    # jit
    # Note: JIT-SCRIPT-REFUSED accepts a refusal at script time as well (torch 1.9 to 1.12 refuse so, issue 15), so
    # a getter without the guard, which fails to compile, is no bug; a guard that says nothing of the cause is.
    Mutant(
        "jit-getter-guard-says-nothing", "JIT-SCRIPT-REFUSED", "_class.py",
        "        if torch.jit.is_scripting():\n            raise RuntimeError(\"Parametrization is not working with "
        "scripting.\")\n        # Note: READ-FAST",
        "        if torch.jit.is_scripting():\n            raise RuntimeError(\"unsupported\")\n        # Note: READ-FAST",
        "the getter's scripting guard raises without saying that parametrizations do not work with scripting",
    ),
    Mutant(
        "jit-trace-allowed-in-cached", "JIT-TRACE-CACHED-REFUSED", "_cache.py",
        "raise RuntimeError(\"Cannot trace a model while caching parametrizations.\")",
        "pass",
        "torch.jit.trace inside cached() is not refused, so the trace bakes the cached values in",
    ),
    # init
    Mutant(
        "init-lazy-value-error", "INIT-LAZY", "_register.py",
        "raise RuntimeError(f\"{type(module).__name__}.{name} is not initialized yet",
        "raise ValueError(f\"{type(module).__name__}.{name} is not initialized yet",
        "registering on a lazy module's uninitialized parameter raises ValueError, not torch's RuntimeError",
    ),
    Mutant(
        "init-lazy-unchecked", "INIT-LAZY", "_register.py",
        "    if isinstance(slots[name], UninitializedTensorMixin):\n",
        "    if False:\n",
        "registering on a lazy module's uninitialized parameter is not checked: it fails later, inside "
        "right_inverse or the shape checks, with another error type",
    ),
    Mutant(
        "init-cache-counts-originals-only", "INIT-ASSIGN-LOAD", "_cache.py",
        "        if a is not b:\n            return False\n",
        "        pass\n",
        "the cache's freshness check compares how many originals there are, not which objects, so a read after "
        "load_state_dict(assign=True) inside cached() serves the value of the replaced originals",
    ),
    # convert
    Mutant(
        "convert-apply-skips-parametrizations", "CONVERT-DTYPE", "_class.py",
        '    namespace = {"__module__": __name__, "__getstate__": _refuse_getstate}\n',
        '    namespace = {"__module__": __name__, "__getstate__": _refuse_getstate,\n'
        '                 "_apply": lambda self, fn, recurse=True: Module._apply(self, fn, recurse=False)}\n',
        "the generated class converts only the module's own tensors (no recursion), so .half()/.to(dtype) leave the "
        "originals under parametrizations in their old dtype and the module reads unconverted values",
    ),
    Mutant(
        "convert-apply-copies-in-place", "CONVERT-MEMORY-FORMAT", "_list.py",
        "    __deepcopy__ = _deepcopy\n",
        "    __deepcopy__ = _deepcopy\n\n"
        "    def _apply(self, fn, recurse=True):\n"
        "        with torch.no_grad():\n"
        "            for t in self._originals():\n"
        "                t.copy_(fn(t))\n"
        "        return self\n",
        "to keep the originals' ids, the list converts them by copying the converted value into them in place: copy_ "
        "keeps their old layout, so .to(memory_format=torch.channels_last) leaves them contiguous",
    ),
    Mutant(
        "convert-chain-outside-autocast", "CONVERT-AUTOCAST", "_list.py",
        "        return self._evaluate(self._originals())\n",
        '        with torch.autocast("cpu", enabled=False):\n'
        "            return self._evaluate(self._originals())\n",
        "the chain is evaluated with autocast turned off (\"parametrizations in full precision\"), so a model computes "
        "other values and gradients under autocast than the same forward written by hand",
    ),
    # threads
    Mutant(
        "threads-cache-process-wide", "THREADS-CACHE-LOCAL", "_cache.py",
        "_local = threading.local()\n",
        '_local = type("_ProcessWide", (), {})()\n',
        "the cache of cached() is one object for the whole process (torch's global dict), so a thread outside any "
        "cached() is served what another thread's context cached",
    ),
    Mutant(
        "threads-outermost-any-thread", "THREADS-OWN-CACHE", "_cache.py",
        '    outermost = getattr(_local, "entries", None) is None  # in this thread\n',
        "    outermost = not _any_open  # in any thread\n",
        "cached() decides whether it is the outermost context from the process-wide flag, so a thread entering "
        "while another thread's context is open gets no cache of its own",
    ),
    # subclass
    Mutant(
        "subclass-generated-only-exact-type", "SUBCLASS-GENERATED-CLASS", "_class.py",
        "    return next((c for c in cls.__mro__ if is_generated(c)), None)\n",
        "    return cls if is_generated(cls) else None\n",
        "the class check looks at type(module) itself, not its MRO: once fully_shard subclasses the generated class, "
        "stacking is taken for a first registration and refused ('parametrizations' already exists)",
    ),
    Mutant(
        "subclass-remove-first-base", "SUBCLASS-GENERATED-CLASS", "_remove.py",
        "        module.__class__ = with_generated(type(module), base)\n",
        "        module.__class__ = type(module).__bases__[0]\n",
        "the last removal restores type(module).__bases__[0] (as torch does), which for a fully_shard class is the "
        "mixin, not the user's class",
    ),
    Mutant(
        "subclass-every-subclass-swapped", "SUBCLASS-TENSOR-ORIGINAL", "_tensors.py",
        "    return type(dest) is not Tensor and type(dest) is not Parameter and is_traceable_wrapper_subclass(dest)\n",
        "    return type(dest) is not Tensor and type(dest) is not Parameter\n",
        "every Tensor subclass original is written with swap_tensors, not only traceable wrapper subclasses, so "
        "without the swap flag a Parameter-subclass original is swapped for a plain nn.Parameter (torch keeps its "
        "class: set_)",
    ),
    Mutant(
        "subclass-parameter-unwrapped", "SUBCLASS-TENSOR-ORIGINAL", "_tensors.py",
        "            src = Parameter(src.detach(), requires_grad=dest.requires_grad)\n",
        "            src = torch.Tensor._make_subclass(Parameter, src.detach(), dest.requires_grad)\n",
        "a Parameter original is swapped for a plain nn.Parameter made with _make_subclass (what Parameter does for "
        "plain tensors), so a Tensor-subclass original loses its class under the swap flag",
    ),
    # isolation
    Mutant(
        "isolation-properties-on-user-class", "ISOLATION-SHARED-STATE", "_class.py",
        "    namespace.update({name: _property(name) for name in names})\n",
        "    for name in names:\n        setattr(base, name, _property(name))\n",
        "the properties are set on the class the generated one subclasses (nn.Linear itself) instead of in the "
        "generated class's namespace, so every other instance of that class reads through a property it has no "
        "list for (torch's KeyError: 'weight' cascade)",
    ),
    Mutant(
        "isolation-deepcopy-on-user-class", "ISOLATION-SHARED-STATE", "_class.py",
        '        namespace["__deepcopy__"] = _deepcopy\n',
        '        base.__deepcopy__ = _deepcopy\n',
        "the plain __deepcopy__ is installed on the user's class instead of the generated one (invisible to every "
        "behavioural clause: deep copies of unparametrized instances still work)",
    ),
    Mutant(
        "isolation-grad-mode-left-off", "ISOLATION-SHARED-STATE", "_remove.py",
        "    with torch.no_grad():\n        value = getattr(module, name)\n",
        "    torch.set_grad_enabled(False)  # the bug: a global switch, never set back\n"
        "    value = getattr(module, name)\n",
        "removal with leave_parametrized=True reads the value after torch.set_grad_enabled(False) instead of under "
        "no_grad(), and leaves grad mode off for the rest of the program",
    ),
    # distributed
    Mutant(
        "distributed-dtensor-local-shard-write", "DISTRIBUTED-DTENSOR-ORIGINALS", "_tensors.py",
        "    src = in_layout_of(dest, src)\n",
        '    if hasattr(dest, "to_local") and hasattr(src, "to_local"):  # a DTensor: write the local shard\n'
        "        with torch.no_grad():\n"
        "            dest.to_local().copy_(src.to_local())\n"
        "        return\n",
        "a DTensor original is written through its local shard with the value's local shard, ignoring both "
        "placements: a replicated value assigned to a sharded original writes the wrong rows, or fails",
    ),
    Mutant(
        "distributed-register-after-fully-shard", "DISTRIBUTED-FSDP-REGISTER-AFTER", "_register.py",
        "        if refusal:\n            raise ValueError(refusal)\n",
        "",
        "registering on a parameter of a module fully_shard manages is not refused: it registers, and the first "
        "forward fails (fully_shard writes the unsharded parameter back under its old name)",
    ),
    Mutant(
        "distributed-remove-under-fully-shard", "DISTRIBUTED-FSDP-REMOVE", "_remove.py",
        "    if refusal:\n        raise ValueError(refusal)\n",
        "",
        "removal from a module fully_shard manages is not refused: it returns, and the forward reads the sharded "
        "tensor while fully_shard unshards into the detached list",
    ),
    Mutant(
        "distributed-type-before-first-base", "DISTRIBUTED-FSDP-TYPE-BEFORE", "_queries.py",
        "    return type(module) if generated is None else generated.__bases__[0]\n",
        "    return type(module) if generated is None else type(module).__bases__[0]\n",
        "type_before_parametrizations answers the first base of the module's class (as torch does), which after "
        "fully_shard is the FSDPModule mixin",
    ),
)
