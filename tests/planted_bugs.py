"""The planted bugs the meta-tests build: each a plausible mistake in one place of the reference, with the clause
of the suite that must reject it. See planted.PlantedBug; re-key a bug (module, function, edit) when the reference's
code moves."""

from __future__ import annotations

from planted import Define, Drop, Insert, PlantedBug, Replace

PLANTED_BUGS: tuple[PlantedBug, ...] = (
    # register
    PlantedBug(
        "register-returns-none",
        "REGISTER-RETURNS-MODULE",
        "_register.py",
        "register_parametrization",
        Drop("return module"),
        "register_parametrization forgets to return the module (returns None)",
    ),
    PlantedBug(
        "register-class-on-generated-class",
        "REGISTER-SEVERAL-TENSORS",
        "_register.py",
        "_first",
        Replace("class_before(type(module))", "type(module)"),
        "a second parametrized tensor subclasses the already generated class instead of the user's class",
    ),
    PlantedBug(
        "register-class-keeps-name",
        "REGISTER-CLASS-SWAP",
        "_class.py",
        "_new_class",
        Replace("f'Parametrized{base.__name__}'", "base.__name__"),
        "the generated class keeps the user's class name instead of Parametrized<Cls>",
    ),
    PlantedBug(
        "register-originals-always-buffers",
        "REGISTER-ORIGINAL-KEPT",
        "_list.py",
        "ParametrizationList.__init__",
        Replace(
            "self.register_parameter(key, t) if isinstance(t, Parameter) else self.register_buffer(key, t)",
            "self.register_buffer(key, t)",
        ),
        "the original is registered on the list as a buffer even when it is a Parameter",
    ),
    PlantedBug(
        "register-value-reversed-stack",
        "REGISTER-VALUE",
        "_list.py",
        "ParametrizationList._evaluate",
        Replace("for module in rest:\n    x = call(module, x)", "for module in reversed(rest):\n    x = call(module, x)"),
        "the stacked parametrizations after the first are applied last-registered first",
    ),
    PlantedBug(
        "register-inverse-wrong-exception",
        "REGISTER-INVERSE-APPLIED",
        "_list.py",
        "ParametrizationList._inverse",
        Replace("NotImplementedError", "TypeError"),
        "a right_inverse raising NotImplementedError is not treated as the identity at registration",
    ),
    PlantedBug(
        "register-stack-checks-against-original",
        "REGISTER-CALL-ORDER",
        "_register.py",
        "_check_stack",
        Replace("getattr(module, name)", "module.parametrizations[name].original"),
        "the stacking check runs the new parametrization on the stored original, not on the current value",
    ),
    PlantedBug(
        "register-stack-key-off-by-one",
        "REGISTER-STACK-COMPOSES",
        "_list.py",
        "ParametrizationList._append",
        Replace("len(self._chain())", "len(self._chain()) + 1"),
        "a stacked parametrization gets the key len+1, leaving a gap, so forward never reaches it",
    ),
    PlantedBug(
        "register-unknown-name-hasattr",
        "REGISTER-UNKNOWN-NAME",
        "_register.py",
        "register_parametrization",
        Replace("tensor_name in module._parameters or tensor_name in module._buffers", "hasattr(module, tensor_name)"),
        "any attribute (e.g. 'training') is taken for a tensor to parametrize",
    ),
    PlantedBug(
        "register-forward-shape-unchecked",
        "REGISTER-FORWARD-CHECKED",
        "_list.py",
        "ParametrizationList._check_forward",
        Replace("('dtype', 'shape')", "('dtype',)"),
        "a first registration checks the forward's dtype but not its shape",
    ),
    PlantedBug(
        "register-inverse-device-unchecked",
        "REGISTER-INVERSE-CHECKED",
        "_list.py",
        "ParametrizationList._candidates",
        Replace("('dtype', 'device')", "('dtype',)"),
        "a first registration checks the right_inverse's dtype but not its device",
    ),
    PlantedBug(
        "register-swap-inverse-device-unchecked",
        "REGISTER-INVERSE-CHECKED",
        "_list.py",
        "ParametrizationList._candidates",
        Replace(
            "('dtype', 'device')",
            "('dtype',) if torch.__future__.get_swap_module_params_on_conversion() else ('dtype', 'device')",
        ),
        "the device check is left to set_ (which refuses another device), so under the swap flag, whose "
        "swap_tensors takes any device, a right_inverse moving the tensor to another device registers silently "
        "(as some torch 2.x releases did)",
    ),
    PlantedBug(
        "register-swap-writes-before-check",
        "REGISTER-ATOMIC",
        "_list.py",
        "ParametrizationList.__init__",
        Insert(
            "candidates = self._candidates(original, new)",
            "if self.is_tensor and torch.__future__.get_swap_module_params_on_conversion():\n"
            "    write_into(original, new)\n"
            "    candidates = (original,)",
            after=True,
        ),
        "under the swap flag the right_inverse's value is swapped into the tensor before the forward check (which "
        "then runs on the tensor itself, not a stand-in), so a failed registration leaves the tensor changed",
    ),
    PlantedBug(
        "register-swap-weakref-swapped",
        "REGISTER-SWAP-WEAKREF",
        "_tensors.py",
        "_write",
        Replace("swap and not weakly_held(dest)", "swap"),
        "under the swap flag every original is written by swap_tensors, which refuses a tensor that weak references "
        "point to: registering on (or assigning to) a weight of nn.RNN, nn.LSTM or nn.GRU fails (torch's behaviour)",
    ),
    PlantedBug(
        "register-swap-weakref-buffers-only",
        "REGISTER-SWAP-WEAKREF",
        "_tensors.py",
        "weakly_held",
        Replace("type(dest) is Tensor or type(dest) is Parameter", "type(dest) is Tensor"),
        "the set_ fallback for weakly held tensors is taken for plain tensors (buffers) only, so a Parameter that "
        "weak references point to (an RNN's weights) still goes to swap_tensors under the swap flag, which refuses it",
    ),
    PlantedBug(
        "register-parametrization-not-validated",
        "REGISTER-NOT-A-MODULE",
        "_register.py",
        "register_parametrization",
        Replace("(('module', module), ('parametrization', parametrization))", "(('module', module),)"),
        "only the module is checked to be an nn.Module, not the parametrization",
    ),
    PlantedBug(
        "register-reserved-name-only-if-parametrized",
        "REGISTER-RESERVED-NAME",
        "_register.py",
        "_check_first",
        Replace("hasattr(module, 'parametrizations')", "is_parametrized(module)"),
        "a user's own 'parametrizations' attribute is refused only if it looks like a parametrization, "
        "else silently replaced",
    ),
    PlantedBug(
        "register-writes-before-checking",
        "REGISTER-ATOMIC",
        "_list.py",
        "ParametrizationList._candidates",
        Replace(
            "return (original if new is original else like(original, new, original.requires_grad),)",
            "write_into(original, new)\nreturn (original,)",
        ),
        "a first registration writes right_inverse(value) into the tensor before the forward checks",
    ),
    PlantedBug(
        "register-empty-list-none-check",
        "REGISTER-EMPTY-LIST",
        "_list.py",
        "ParametrizationList.__init__",
        Replace("len(modules) == 0", "modules is None"),
        "ParametrizationList checks its modules for None instead of emptiness",
    ),
    PlantedBug(
        "register-forward-error-hidden",
        "REGISTER-FORWARD-ERROR",
        "_class.py",
        "_new_class",
        Drop("namespace['__getattr__'] = surfacing_getattr(base.__getattr__)"),
        "the generated class has no __getattr__ of its own, so an AttributeError raised inside forward reaches the "
        "caller as \"object has no attribute 'weight'\" (as torch does)",
    ),
    PlantedBug(
        "register-forward-error-wrapped",
        "REGISTER-FORWARD-ERROR",
        "_cache.py",
        "read",
        Replace(
            "raised_in_read(module, name, error)\nraise",
            "raise RuntimeError(f'computing {name} failed: {error!r}') from error",
        ),
        "an AttributeError raised inside forward is wrapped in a RuntimeError (its cause) instead of reaching the "
        "caller as itself",
    ),
    # stack
    PlantedBug(
        "stack-forward-unchecked",
        "STACK-FORWARD-CHECKED",
        "_register.py",
        "_check_stack",
        Drop("check_same(('dtype', 'shape'), y, x, _STACK_FORWARD, name=name)"),
        "stacking checks only that the new forward returns a tensor, not its dtype and shape",
    ),
    PlantedBug(
        "stack-not-implemented-propagates",
        "STACK-INVERSE-CHECKED",
        "_register.py",
        "_check_stack",
        Replace("try:\n    z = inverse(x)\nexcept NotImplementedError:\n    return", "z = inverse(x)"),
        "stacking a parametrization whose right_inverse raises NotImplementedError fails instead of skipping the check",
    ),
    PlantedBug(
        "stack-inverse-error-first-line-only",
        "STACK-CHECK-DETAILS",
        "_register.py",
        "_check_stack",
        Replace(
            "check_same(('dtype', 'shape'), y, z, _STACK_INVERSE, name=name)",
            "check_same(('dtype', 'shape'), y, z, _STACK_INVERSE.splitlines()[0], name=name)",
        ),
        "a refused stacking's right_inverse error keeps its first line only, losing the dtype or shape it compares",
    ),
    # unsafe
    PlantedBug(
        "unsafe-not-passed-to-list",
        "UNSAFE-SHAPE-ALLOWED",
        "_register.py",
        "_first",
        Replace(
            "ParametrizationList([parametrization], cast(Tensor, slots[name]), unsafe=unsafe)",
            "ParametrizationList([parametrization], cast(Tensor, slots[name]))",
        ),
        "a first registration does not pass unsafe on to the ParametrizationList, which then checks the shape",
    ),
    PlantedBug(
        "unsafe-value-cast-back",
        "UNSAFE-DTYPE-ALLOWED",
        "_list.py",
        "ParametrizationList._evaluate",
        Replace("return x", "return x.to(originals[0].dtype)"),
        "the chain's value is cast back to the original's dtype",
    ),
    PlantedBug(
        "unsafe-not-sticky",
        "UNSAFE-STICKY",
        "_register.py",
        "register_parametrization",
        Replace("plist.unsafe |= unsafe", "plist.unsafe = unsafe"),
        "stacking overwrites the list's unsafe flag instead of keeping it once set",
    ),
    PlantedBug(
        "unsafe-stack-uses-list-flag",
        "UNSAFE-SKIPS-CALLS",
        "_register.py",
        "register_parametrization",
        Replace("not unsafe", "not module.parametrizations[tensor_name].unsafe"),
        "stacking decides whether to check from the list's flag, ignoring the unsafe argument",
    ),
    # multi
    PlantedBug(
        "multi-buffer-originals-lose-requires-grad",
        "MULTI-ORIGINALS",
        "_list.py",
        "_as_original",
        Replace("original.requires_grad", "original.requires_grad if isinstance(original, Parameter) else t.requires_grad"),
        "the originals of a multi-input buffer do not take the buffer's requires_grad",
    ),
    PlantedBug(
        "multi-single-sequence-named-original",
        "MULTI-SINGLE-SEQUENCE",
        "_list.py",
        "ParametrizationList._original_names",
        Replace("self.is_tensor", "self.ntensors == 1"),
        "a right_inverse returning a length-1 sequence gives 'original' instead of 'original0'",
    ),
    PlantedBug(
        "multi-originals-reversed",
        "MULTI-ORIGINALS",
        "_list.py",
        "ParametrizationList._candidates",
        Replace("enumerate(new)", "enumerate(reversed(new))"),
        "the elements of a multi-output right_inverse are stored as original0..N-1 in reverse order",
    ),
    PlantedBug(
        "multi-arity-as-value-error",
        "MULTI-ARITY",
        "_list.py",
        "ParametrizationList._check_forward",
        Replace(
            "z = self._evaluate(candidates)",
            "try:\n"
            "    z = self._evaluate(candidates)\n"
            "except TypeError as e:\n"
            '    raise ValueError(f"A parametrization\'s forward failed: {e}") from e',
        ),
        "a forward of the wrong arity is reported as ValueError instead of TypeError",
    ),
    PlantedBug(
        "multi-mixed-originals-in-tensor-dtype",
        "MULTI-MIXED-DTYPE",
        "_list.py",
        "_as_original",
        Replace(
            "like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)",
            "like(original, t.to(original.dtype), original.requires_grad and (t.is_floating_point() or "
            "t.is_complex()), detach=False)",
        ),
        "each output of a multi-output right_inverse is stored in the tensor's dtype, so integer codes become floats",
    ),
    PlantedBug(
        "multi-mixed-assign-checks-original0-dtype",
        "MULTI-MIXED-DTYPE",
        "_list.py",
        "ParametrizationList._checked_pairs",
        Replace(
            "self._check_element(i, key, dest, new, f'Tensor {i} returned by `right_inverse`')",
            "self._check_element(i, key, pairs[0][0], new, f'Tensor {i} returned by `right_inverse`')",
        ),
        "an assignment checks every output's dtype against original0's, so originals of different dtypes cannot be assigned",
    ),
    PlantedBug(
        "multi-mixed-trainable-codes-require-grad",
        "MULTI-MIXED-DTYPE-TRAINABLE",
        "_list.py",
        "_as_original",
        Replace("original.requires_grad and (t.is_floating_point() or t.is_complex())", "original.requires_grad"),
        "every original of a trainable Parameter is made to require grad, so integer codes fail the registration "
        "(as torch does)",
    ),
    PlantedBug(
        "multi-mixed-trainable-codes-as-buffers",
        "MULTI-MIXED-DTYPE-TRAINABLE",
        "_list.py",
        "_as_original",
        Replace(
            "like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)",
            "like(original if t.is_floating_point() or t.is_complex() else t, t, original.requires_grad and "
            "(t.is_floating_point() or t.is_complex()), detach=False)",
        ),
        "outputs that cannot require grad (integer codes) are registered as buffers, even under a Parameter",
    ),
    # assign
    PlantedBug(
        "assign-reversed-off-by-one",
        "ASSIGN-ROUND-TRIP",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("reversed(self._chain())", "self._chain()[:0:-1]"),
        "assignment's reversed walk over the chain stops before the first parametrization",
    ),
    PlantedBug(
        "assign-no-no-grad",
        "ASSIGN-NO-GRAD",
        "_tensors.py",
        "write_into",
        Replace("torch.is_grad_enabled()", "False"),
        "writing into the original is not done under no_grad, so it records the assigned value's graph",
    ),
    PlantedBug(
        "assign-swap-rewraps-parameter",
        "ASSIGN-KEEPS-ID",
        "_tensors.py",
        "_write",
        Replace(
            "like(dest, src.detach(), dest.requires_grad, detach=False)",
            "like(dest, src.detach(), isinstance(dest, Parameter) or dest.requires_grad, detach=False)",
        ),
        "the swap path wraps the new value in a Parameter that requires grad whatever the original's flag",
    ),
    PlantedBug(
        "assign-missing-inverse-as-identity",
        "ASSIGN-NO-INVERSE",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace(
            "if inverse is None:\n"
            "    raise RuntimeError(f'parametrization {type(module).__name__} does not implement "
            "right_inverse.')\n"
            "value = inverse(value)",
            "if inverse is not None:\n    value = inverse(value)",
        ),
        "assignment treats a parametrization without right_inverse as the identity instead of raising",
    ),
    PlantedBug(
        "assign-no-inverse-attribute-error",
        "ASSIGN-NO-INVERSE-ERROR",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("RuntimeError", "AttributeError"),
        "assigning through a parametrization without right_inverse raises AttributeError instead of RuntimeError",
    ),
    PlantedBug(
        "assign-not-implemented-swallowed",
        "ASSIGN-NOT-IMPLEMENTED",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("value = inverse(value)", "try:\n    value = inverse(value)\nexcept NotImplementedError:\n    pass"),
        "assignment treats a right_inverse raising NotImplementedError as the identity, like registration",
    ),
    PlantedBug(
        "assign-dtype-unchecked",
        "ASSIGN-DTYPE-CHECKED",
        "_list.py",
        "ParametrizationList._check_element",
        Drop("check_same(('dtype',), dest, new, _DTYPE_CHANGED, label=label, key=key)"),
        "assignment skips the dtype check, so set_ silently changes the original's dtype",
    ),
    PlantedBug(
        "assign-swap-dtype-unchecked",
        "ASSIGN-DTYPE-CHECKED",
        "_list.py",
        "ParametrizationList._check_element",
        Replace(
            "check_same(('dtype',), dest, new, _DTYPE_CHANGED, label=label, key=key)",
            "if not torch.__future__.get_swap_module_params_on_conversion():\n"
            "    check_same(('dtype',), dest, new, _DTYPE_CHANGED, label=label, key=key)",
        ),
        "the dtype check is skipped under the swap flag (taken for set_'s business), so swap_tensors silently "
        "gives the original the assigned value's dtype",
    ),
    PlantedBug(
        "assign-shape-checks-ndim",
        "ASSIGN-SHAPE-CHECKED",
        "_list.py",
        "ParametrizationList._check_element",
        Replace(
            "check_same(('shape',), dest, new, _SHAPE_CHANGED, key=key)",
            "if new.dim() != dest.dim():\n    check_same(('shape',), dest, new, _SHAPE_CHANGED, key=key)",
        ),
        "assignment compares the number of dimensions instead of the shape",
    ),
    PlantedBug(
        "assign-multi-length-too-short-only",
        "ASSIGN-MULTI-ERROR-TYPE",
        "_list.py",
        "ParametrizationList._checked_pairs",
        Replace("len(value) != self.ntensors", "len(value) < self.ntensors"),
        "a multi-input assignment refuses only too-short sequences; longer ones fail later with another error",
    ),
    PlantedBug(
        "assign-multi-writes-while-checking",
        "ASSIGN-MULTI-ATOMIC",
        "_list.py",
        "ParametrizationList._checked_pairs",
        Insert(
            "self._check_element(i, key, dest, new, f'Tensor {i} returned by `right_inverse`')",
            "write_into(dest, new)",
            after=True,
        ),
        "a multi-input assignment writes each original as soon as it is checked, before the later ones",
    ),
    PlantedBug(
        "assign-inverse-error-as-identity",
        "ASSIGN-INVERSE-ERROR",
        "_list.py",
        "ParametrizationList._inverse",
        Replace("NotImplementedError", "Exception"),
        "a first registration takes any exception of right_inverse, not only NotImplementedError, for 'no inverse' "
        "and registers",
    ),
    PlantedBug(
        "assign-inverse-error-stack-skipped",
        "ASSIGN-INVERSE-ERROR",
        "_register.py",
        "_check_stack",
        Replace("NotImplementedError", "Exception"),
        "stacking takes any exception of the new right_inverse, not only NotImplementedError, for 'no inverse' and "
        "registers it",
    ),
    # remove
    PlantedBug(
        "remove-mixed-value-in-original0-dtype",
        "REMOVE-MIXED-DTYPE",
        "_remove.py",
        "_restore_multi",
        Replace(
            "like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
            "like(plist._originals()[0], value.detach().to(plist._originals()[0].dtype), value.requires_grad, detach=False)",
        ),
        "removing a multi-input parametrization leaves the value in original0's dtype (integer codes: truncated)",
    ),
    PlantedBug(
        "remove-default-leave-original",
        "REMOVE-LEAVE-PARAMETRIZED",
        "_remove.py",
        "remove_parametrizations",
        Replace("True", "False"),
        "remove_parametrizations defaults to leave_parametrized=False",
    ),
    PlantedBug(
        "remove-leave-original-data",
        "REMOVE-LEAVE-ORIGINAL",
        "_remove.py",
        "_restore_single",
        Replace("if not leave_parametrized:\n    return original", "if not leave_parametrized:\n    return original.data"),
        "leave_parametrized=False puts back original.data, a new plain tensor, instead of the original object",
    ),
    PlantedBug(
        "remove-class-not-restored",
        "REMOVE-RESTORES-CLASS",
        "_remove.py",
        "remove_parametrizations",
        Drop("module.__class__ = with_generated(type(module), base)"),
        "removing the last parametrization keeps the generated class",
    ),
    PlantedBug(
        "remove-checks-module-only",
        "REMOVE-NOT-PARAMETRIZED",
        "_remove.py",
        "remove_parametrizations",
        Replace("is_parametrized(module, tensor_name)", "is_parametrized(module)"),
        "remove_parametrizations checks that the module is parametrized, not that the name is",
    ),
    PlantedBug(
        "remove-multi-ignores-leave-original",
        "REMOVE-MULTI",
        "_remove.py",
        "remove_parametrizations",
        Replace(
            "if leave_parametrized:\n"
            "    value = _restore_multi(module, tensor_name, plist)\n"
            "else:\n"
            "    raise ValueError('Cannot leave unparametrized (`leave_parametrized=False`) a tensor "
            "that is parametrized in terms of a sequence of tensors.')",
            "value = _restore_multi(module, tensor_name, plist)",
        ),
        "leave_parametrized=False on a multi-input tensor silently leaves the parametrized value",
    ),
    PlantedBug(
        "remove-multi-kind-from-requires-grad",
        "REMOVE-MULTI-KEEPS-KIND",
        "_remove.py",
        "_restore_multi",
        Replace(
            "return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)",
            "if value.requires_grad:\n"
            "    return Parameter(value.detach(), requires_grad=value.requires_grad)\n"
            "return value.detach().requires_grad_(value.requires_grad)",
        ),
        "a removed multi-input tensor is a Parameter only if its value requires grad (a frozen one becomes a buffer)",
    ),
    PlantedBug(
        "remove-order-off-by-one",
        "REMOVE-KEEPS-ORDER",
        "_remove.py",
        "_put_back",
        Replace("i + 1", "i"),
        "the removed tensor is put back one place too early (before the last name that preceded it)",
    ),
    PlantedBug(
        "remove-casts-back-to-original-dtype",
        "REMOVE-UNSAFE-DTYPE",
        "_remove.py",
        "_restore_single",
        Replace(
            "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
            "value = value.to(original.dtype)",
        ),
        "removal casts a dtype-changed value back to the original's dtype instead of refusing",
    ),
    PlantedBug(
        "remove-dtype-change-leaves-original",
        "REMOVE-UNSAFE-DTYPE",
        "_remove.py",
        "_restore_single",
        Replace(
            "raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))",
            "return original",
        ),
        "removal of a dtype-changing chain silently keeps the original's value (as leave_parametrized=False would)",
    ),
    PlantedBug(
        "neighbours-ignore-other-names",
        "REMOVE-KEEPS-ORDER",
        "_register.py",
        "_neighbours",
        Drop("if plist._slot is not None and name in plist._slot.after:\n    before.add(other)"),
        "a registration does not count names parametrized earlier as sitting before it, so removing in "
        "another order than registering puts the tensors back out of their original order",
    ),
    PlantedBug(
        "write-copies-instead-of-set",
        "REMOVE-UNSAFE-SHAPE",
        "_tensors.py",
        "_write",
        Replace("dest.set_", "dest.copy_"),
        "writing into an original uses copy_, which cannot change its shape, instead of set_",
    ),
    # cache
    PlantedBug(
        "cache-enabled-off-by-one",
        "CACHE-SAME-OBJECT",
        "_cache.py",
        "read",
        Replace("_any_open", "_open > 1"),
        "reads test the count of open contexts against 1, so a single cached() context caches nothing",
    ),
    PlantedBug(
        "cache-flag-not-depth",
        "CACHE-NESTED",
        "_cache.py",
        "cached",
        Replace("_entries() is None", "True"),
        "every cached() context acts as the outermost one, so an inner context's exit ends the outer one's cache",
    ),
    PlantedBug(
        "cache-no-finally",
        "CACHE-CLEARED-ON-EXIT",
        "_cache.py",
        "cached",
        Replace(
            "try:\n    yield\nfinally:\n    _count(-1)\n    if outermost:\n        _local.entries = None",
            "yield\n_count(-1)\nif outermost:\n    _local.entries = None",
        ),
        "cached() does not use try/finally, so an exception leaves the cache on and filled",
    ),
    PlantedBug(
        "cache-keyed-by-module",
        "CACHE-PER-TENSOR",
        "_cache.py",
        "read",
        Replace("(id(module), name)", "id(module)"),
        "the cache is keyed by the module alone, so a module's tensors evict each other's values",
    ),
    PlantedBug(
        "cache-detached-value",
        "CACHE-GRAD",
        "_cache.py",
        "read",
        Replace("value: Tensor = call(plist)", "value: Tensor = call(plist).detach()"),
        "the cache stores a detached value, so no gradient reaches the original",
    ),
    PlantedBug(
        "cache-hit-compares-shapes",
        "CACHE-REPLACED-ORIGINAL",
        "_fast.py",
        "holds",
        Replace("a is not b", "a.shape != b.shape"),
        "a cache hit compares the originals' shapes, not the objects, so after an original is replaced by "
        "another tensor of its shape reads serve the value cached from the old one",
    ),
    # copy
    PlantedBug(
        "copy-shallow-dict",
        "COPY-DEEPCOPY-EQUAL",
        "_class.py",
        "_deepcopy",
        Replace("copy.deepcopy(self.__dict__, memo)", "copy.copy(self.__dict__)"),
        "__deepcopy__ copies the instance dict shallowly, so the copy shares tensors and submodules",
    ),
    PlantedBug(
        "copy-remove-mutates-shared-class",
        "COPY-INDEPENDENT",
        "_remove.py",
        "remove_parametrizations",
        Replace(
            "module.__class__ = with_generated(type(module), parametrized_class(base, list(chains_of(module))))",
            "delattr(generated_of(type(module)), tensor_name)",
        ),
        "removing one of several parametrizations deletes the property from the generated class, which deep copies share",
    ),
    PlantedBug(
        "copy-user-deepcopy-overridden",
        "COPY-USER-DEEPCOPY",
        "_class.py",
        "_new_class",
        Replace(
            "if not hasattr(base, '__deepcopy__'):\n    namespace['__deepcopy__'] = _deepcopy",
            "namespace['__deepcopy__'] = _deepcopy",
        ),
        "the generated class always installs its own __deepcopy__, hiding the user's",
    ),
    # serial
    PlantedBug(
        "serial-pickle-allowed",
        "SERIAL-PICKLE-REFUSED",
        "_class.py",
        "_refuse_getstate",
        (Replace("None", "dict"), Replace("raise RuntimeError(_SERIALIZATION_MESSAGE)", "return self.__dict__.copy()")),
        "the generated class's __getstate__ returns the state instead of refusing to pickle",
    ),
    PlantedBug(
        "serial-originals-one-based",
        "SERIAL-STATE-DICT-KEYS",
        "_list.py",
        "ParametrizationList._original_names",
        Replace("range(self.ntensors)", "range(1, self.ntensors + 1)"),
        "multi-input originals are numbered original1..N instead of original0..N-1",
    ),
    # transfer
    PlantedBug(
        "transfer-copies-not-ties",
        "TRANSFER-ALL",
        "_transfer.py",
        "_transfer_one",
        Replace(
            "setattr(chain_of(to_module, name), key, getattr(source, key))",
            "write_into(getattr(chain_of(to_module, name), key), getattr(source, key).detach())",
        ),
        "transfer copies the originals' values into the target's own tensors instead of tying them",
    ),
    PlantedBug(
        "transfer-ignores-tensor-name",
        "TRANSFER-ONE-NAME",
        "_transfer.py",
        "transfer_parametrizations_and_params",
        Replace("list(chains_of(from_module)) if tensor_name is None else [tensor_name]", "list(chains_of(from_module))"),
        "transfer ignores tensor_name and transfers every parametrized tensor",
    ),
    PlantedBug(
        "transfer-missing-checked-on-source",
        "TRANSFER-MISSING-TARGET",
        "_transfer.py",
        "_transfer_one",
        Replace("hasattr(to_module, name)", "hasattr(from_module, name)"),
        "transfer checks the source instead of the target for a missing name, so it never creates it",
    ),
    PlantedBug(
        "transfer-ties-first-original",
        "TRANSFER-MULTI",
        "_transfer.py",
        "_transfer_one",
        Replace("source._original_names()", "source._original_names()[:1]"),
        "transfer ties only the first original, so a multi-input target keeps its own original1..",
    ),
    PlantedBug(
        "transfer-missing-guard",
        "TRANSFER-NOT-PARAMETRIZED",
        "_transfer.py",
        "transfer_parametrizations_and_params",
        Drop("if not is_parametrized(from_module):\n    return to_module"),
        "transfer from an unparametrized module is not a no-op (it reads from_module.parametrizations)",
    ),
    PlantedBug(
        "transfer-creates-parameter",
        "TRANSFER-BUFFER",
        "_transfer.py",
        "_create",
        Replace(
            "if key in source._parameters:\n"
            "    to_module.register_parameter(name, Parameter(value))\n"
            "else:\n"
            "    to_module.register_buffer(name, value.detach(), persistent=source._persistent())",
            "to_module.register_parameter(name, Parameter(value))",
        ),
        "transfer creates a missing name as a Parameter even when the source's original is a buffer",
    ),
    # training
    PlantedBug(
        "train-sync-top-only",
        "TRAIN-SYNC-AT-REGISTER",
        "_register.py",
        "register_parametrization",
        Replace("parametrization.train(module.training)", "parametrization.training = module.training"),
        "registration sets the parametrization's own training flag but not its submodules'",
    ),
    PlantedBug(
        "train-list-does-not-recurse",
        "TRAIN-PROPAGATES",
        "_list.py",
        "ParametrizationList",
        Define(
            'def train(self, mode: bool = True) -> "ParametrizationList":\n'
            "    self.training = mode  # the bug: the chain is not reached\n"
            "    return self",
            before="_check_forward",
        ),
        "ParametrizationList overrides train() with a shallow one, so module.train()/eval() stop at the list",
    ),
    # nested
    PlantedBug(
        "nested-chain-all-children",
        "NESTED-REGISTER-REMOVE",
        "_list.py",
        "ParametrizationList._chain",
        Replace(
            "modules, chain, key = self._modules, [], '0'\n"
            "while key in modules:\n"
            "    chain.append(modules[key])\n"
            "    key = str(len(chain))\n"
            "return chain",
            "return list(self)",
        ),
        "the chain is every child of the list, including a nested 'parametrizations' ModuleDict",
    ),
    # buffer
    PlantedBug(
        "buffer-put-back-by-setattr",
        "BUFFER-STAYS-BUFFER",
        "_remove.py",
        "_put_back",
        Replace("module.register_buffer(name, value, persistent=plist._persistent())", "setattr(module, name, value)"),
        "removal puts a buffer back with setattr, which makes a plain attribute, not a buffer",
    ),
    PlantedBug(
        "buffer-persistence-dropped",
        "BUFFER-PERSISTENCE-KEPT",
        "_register.py",
        "_first",
        Drop("if not persistent:\n    plist._non_persistent_buffers_set.update(plist._buffers)"),
        "a non-persistent buffer's original is registered on the list as persistent",
    ),
    # grad
    PlantedBug(
        "grad-forward-no-grad",
        "GRAD-FLOWS",
        "_list.py",
        "ParametrizationList.forward",
        Replace(
            "return self._evaluate(self._originals())", "with torch.no_grad():\n    return self._evaluate(self._originals())"
        ),
        "the list's forward runs under no_grad, as the registration checks do",
    ),
    PlantedBug(
        "grad-multi-parameter-requires-grad",
        "GRAD-REQUIRES-GRAD",
        "_list.py",
        "_as_original",
        Replace(
            "original.requires_grad and (t.is_floating_point() or t.is_complex())",
            "(isinstance(original, Parameter) or t.requires_grad) and (t.is_floating_point() or t.is_complex())",
        ),
        "multi-input originals of a Parameter always require grad, whatever the source's flag",
    ),
    # Note: the two below only GRAD-HOST-FORWARD catches (the whole suite run on each, verdict profile): an RNN keeps
    # the tensor assigned to its weight (RNNBase.__setattr__), and an identity chain reads back the same original
    # object, so the RNN sees later in-place changes of the original only if that tensor shares its storage.
    PlantedBug(
        "grad-host-assign-copies-in-place",
        "GRAD-HOST-FORWARD",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace(
            "setattr(self, key, src) if nested and is_parametrized(self, key) else write_into(dest, src)",
            "setattr(self, key, src) if nested and is_parametrized(self, key) else dest.copy_(src) "
            "if type(dest) in (torch.Tensor, Parameter) and dest.shape == src.shape and dest.dtype == src.dtype "
            "else write_into(dest, src)",
        ),
        "an assignment copies the value into a plain original's storage when shape and dtype allow, instead of making "
        "the original hold the value: an LSTM that kept the assigned tensor misses later in-place changes",
    ),
    PlantedBug(
        "grad-host-assign-stores-a-clone",
        "GRAD-HOST-FORWARD",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("pairs = self._checked_pairs(value)", "pairs = [(d, s.clone()) for d, s in self._checked_pairs(value)]"),
        "an assignment stores a clone of the value, so the tensor an LSTM kept from the assignment no longer shares "
        "the original's storage and misses later in-place changes",
    ),
    # query
    PlantedBug(
        "query-no-moduledict-check",
        "QUERY-IS-PARAMETRIZED",
        "_class.py",
        "is_parametrized",
        Replace("not isinstance(parametrizations, ModuleDict)", "parametrizations is None"),
        "is_parametrized takes any 'parametrizations' attribute for a ModuleDict",
    ),
    PlantedBug(
        "query-type-before-generated",
        "QUERY-TYPE-BEFORE",
        "_class.py",
        "type_before_parametrizations",
        Replace("class_before(type(module)) if is_parametrized(module) else type(module)", "type(module)"),
        "type_before_parametrizations returns the generated class",
    ),
    # Gaps the first suite missed, caught by TRANSFER-ATOMIC, NESTED-ASSIGN and the swap axis; then the cache as documented.
    PlantedBug(
        "stack-next-key-counts-nested",
        "NESTED-ASSIGN",
        "_list.py",
        "ParametrizationList._append",
        Replace("self._chain()", "self"),
        "stacking keys the new parametrization len(self), which counts a nested 'parametrizations' child, "
        "so forward skips it when the list's original is itself parametrized (torch's behaviour)",
    ),
    PlantedBug(
        "nested-assign-writes-into-value",
        "NESTED-ASSIGN",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace(
            "setattr(self, key, src) if nested and is_parametrized(self, key) else write_into(dest, src)",
            "write_into(dest, src)",
        ),
        "assigning through a list whose original is parametrized writes into the computed value, which is lost",
    ),
    PlantedBug(
        "stack-forgets-cached",
        "CACHE-KEPT-IN-CONTEXT",
        "_register.py",
        "register_parametrization",
        Insert("plist.unsafe |= unsafe", "_cache.forget(module, tensor_name)", after=True),
        "stacking inside cached() drops the cached value, so the next read in the context recomputes it "
        "(the documented cache keeps the first value until the exit)",
    ),
    PlantedBug(
        "assign-forgets-cached",
        "CACHE-ASSIGN-DEFERRED",
        "_fast.py",
        "list_property.put",
        Insert(
            "if torch.jit.is_scripting():\n    raise RuntimeError('Parametrization is not working with scripting.')",
            "from . import _cache\n_cache.forget(self, name)",
            after=True,
        ),
        "assignment inside cached() drops the cached value, so the next read in the context serves the "
        "assigned value instead of the one computed first (what this reference did before the rewrite of the cache clauses)",
    ),
    PlantedBug(
        "assign-inverse-with-grad",
        "ASSIGN-NO-GRAD",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("torch.no_grad", "torch.enable_grad"),
        "assignment runs right_inverse with grad on; under swap_tensors a buffer original takes the "
        "assigned value's grad_fn",
    ),
    PlantedBug(
        "transfer-no-rollback",
        "TRANSFER-ATOMIC",
        "_transfer.py",
        "transfer_parametrizations_and_params",
        Drop("_restore(saved)"),
        "a transfer failing on a later name leaves the target half parametrized",
    ),
    PlantedBug(
        "transfer-self-runtime-error",
        "TRANSFER-ERROR-TYPE",
        "_transfer.py",
        "transfer_parametrizations_and_params",
        Replace("ValueError", "RuntimeError"),
        "a transfer of a module onto itself is refused (unchanged) with RuntimeError instead of ValueError",
    ),
    PlantedBug(
        "remove-keeps-stale-class",
        "SEQUENCE-DIFFERENTIAL",
        "_remove.py",
        "remove_parametrizations",
        Replace(
            "module.__class__ = with_generated(type(module), parametrized_class(base, list(chains_of(module))))", "pass"
        ),
        "removing one of several parametrized names keeps the generated class, whose property for it now fails",
    ),
    PlantedBug(
        "class-memo-keyed-by-first-name",
        "SEQUENCE-DIFFERENTIAL",
        "_class.py",
        "parametrized_class",
        Replace("key = (id(base), tuple(names))", "key = (id(base), tuple(names[:1]))"),
        "the generated classes are looked up by the first parametrized name only, so a module parametrized on "
        "weight and then bias gets the class made for weight alone, which has no property for bias",
    ),
    # compile
    PlantedBug(
        "compile-class-per-instance",
        "COMPILE-PER-LAYER-GRAPHS",
        "_class.py",
        "parametrized_class",
        Replace("_classes.get(key)", "None"),
        "every parametrized module gets a generated class of its own, so Dynamo's type guard on `self` in "
        "the getter fails for each new layer: one graph per layer, and the recompile limit after 8",
    ),
    PlantedBug(
        "compile-tracing-check-not-folded",
        "COMPILE-FULLGRAPH",
        "_cache.py",
        "read",
        Replace("tracing_state", "torch._C._is_tracing"),
        "the cached() read checks for torch.jit.trace with torch._C._is_tracing, which Dynamo cannot "
        "constant-fold (torch.* op returned non-Tensor): a fullgraph compile inside cached() fails",
    ),
    # Note: ASSIGN-ROUND-TRIP: under torch.compile the graph recomputes from the originals, so COMPILE-SEES-UPDATES
    # sees this memo only when a stale value from a registration reaches the first compiled call (a draw of a stacked
    # chain): it was this clause's planted bug, caught by a NameError of a helper the edit had lost.
    PlantedBug(
        "read-memo-ignores-updates",
        "ASSIGN-ROUND-TRIP",
        "_cache.py",
        "",
        (
            Define(
                "def _same(a: tuple[Tensor, ...], b: tuple[Tensor, ...]) -> bool:\n"
                "    return len(a) == len(b) and all(x is y for x, y in zip(a, b))",
                before="read",
            ),
            Replace(
                "computed: Tensor = call(plist)\nreturn computed",
                "memo = vars(plist).get('_memo')\n"
                "if memo is None or not _same(memo[0], plist._originals()):\n"
                "    memo = vars(plist)['_memo'] = (plist._originals(), call(plist))\n"
                "return memo[1]",
            ),
        ),
        "outside cached(), a read reuses the value computed last while the originals are the same tensor "
        "objects, missing in-place updates and assignments (which write into those objects)",
    ),
    PlantedBug(
        "compile-read-detaches-original",
        "COMPILE-VALUES",
        "_fast.py",
        "own_originals",
        Replace("parameters['original']", "parameters['original'].detach()"),
        "the fast read path of a single Parameter original detaches it, so no gradient reaches the original",
    ),
    # Note: COMPILE-REGISTER-INSIDE: a call that raises while Dynamo traces it is run again as Python, where
    # is_compiling() is False, so a refusal under is_compiling() is no bug the clause can see; a skip is.
    PlantedBug(
        "compile-register-skipped-while-compiling",
        "COMPILE-REGISTER-INSIDE",
        "_register.py",
        "register_parametrization",
        Insert(
            "parametrization.train(module.training)", "import torch\nif torch.compiler.is_compiling():\n    return module"
        ),
        "register_parametrization returns at once while Dynamo traces it (taking the trace for a dry run whose "
        "side effects do not count), so a registration inside a compiled function silently does nothing",
    ),
    PlantedBug(
        "compile-inverse-skipped-while-compiling",
        "COMPILE-REGISTER-INSIDE",
        "_list.py",
        "ParametrizationList._inverse",
        Insert(
            "with torch.no_grad():\n"
            "    new = original\n"
            "    for module in reversed(self._chain()):\n"
            "        inverse = right_inverse_of(module)\n"
            "        try:\n"
            "            new = inverse(new) if inverse is not None else new\n"
            "        except NotImplementedError:\n"
            "            pass",
            "if torch.compiler.is_compiling():\n    return original",
        ),
        "a first registration skips the right_inverses while Dynamo traces it (they look like compute to defer), so "
        "inside a compiled function the original keeps the unparametrized value and the module reads chain(value)",
    ),
    PlantedBug(
        "compile-remove-skipped-while-compiling",
        "COMPILE-REGISTER-INSIDE",
        "_remove.py",
        "remove_parametrizations",
        Insert("plist = chain_of(module, tensor_name)", "if torch.compiler.is_compiling():\n    return module"),
        "remove_parametrizations returns at once while Dynamo traces it (taking the trace for a dry run whose "
        "side effects do not count), so a removal inside a compiled function silently leaves the module parametrized",
    ),
    # export
    PlantedBug(
        "export-single-original-numbered",
        "EXPORT-PROGRAM",
        "_list.py",
        "ParametrizationList._original_names",
        Replace("'original'", "'original0'"),
        "a single original is registered as original0 (numbered like the originals of a multi-input "
        "chain), so the state_dict keys are not torch's layout parametrizations.<name>.original",
    ),
    PlantedBug(
        "export-cached-count-takes-lock",
        "EXPORT-CACHED",
        "_cache.py",
        "_count",
        Replace("torch.compiler.is_compiling()", "False"),
        "entering and leaving cached() always takes a threading.Lock, which Dynamo cannot trace: a strict "
        "export of a model whose forward enters cached() fails",
    ),
    # functional
    PlantedBug(
        "functional-cache-ignores-replaced-originals",
        "FUNCTIONAL-CACHED",
        "_cache.py",
        "read",
        Replace("holds(entry, module, plist)", "entry[0] is module"),
        "inside cached(), the value cached from the module's own originals is served to a functional_call "
        "that passed other tensors for them",
    ),
    PlantedBug(
        "functional-setter-skips-right-inverse",
        "FUNCTIONAL-PLAIN-NAME",
        "_list.py",
        "ParametrizationList.right_inverse",
        Replace("value = inverse(value)", "pass"),
        "the property's setter (which functional_call with the plain name goes through) stores the value "
        "as given instead of its right_inverse",
    ),
    # jit
    # Note: JIT-SCRIPT-REFUSED accepts a refusal at script time as well (torch 1.9 to 1.12 refuse so), so
    # a getter without the guard, which fails to compile, is no bug; a guard that says nothing of the cause is.
    PlantedBug(
        "jit-getter-guard-says-nothing",
        "JIT-SCRIPT-MESSAGE",
        "_fast.py",
        "list_property.get",
        Replace("'Parametrization is not working with scripting.'", "'unsupported'"),
        "the getter's scripting guard raises without saying that parametrizations do not work with scripting",
    ),
    PlantedBug(
        "jit-trace-allowed-in-cached",
        "JIT-TRACE-CACHED-REFUSED",
        "_cache.py",
        "read",
        Replace("raise RuntimeError('Cannot trace a model while caching parametrizations.')", "pass"),
        "torch.jit.trace inside cached() is not refused, so the trace bakes the cached values in",
    ),
    PlantedBug(
        "jit-trace-cached-value-error",
        "JIT-TRACE-CACHED-MESSAGE",
        "_cache.py",
        "read",
        Replace("RuntimeError", "ValueError"),
        "torch.jit.trace inside cached() is refused with ValueError instead of torch's RuntimeError",
    ),
    # init
    PlantedBug(
        "init-lazy-value-error",
        "INIT-LAZY-ERROR-TYPE",
        "_register.py",
        "_check_first",
        Replace("RuntimeError", "ValueError"),
        "registering on a lazy module's uninitialized parameter raises ValueError, not torch's RuntimeError",
    ),
    PlantedBug(
        "init-lazy-unchecked",
        "INIT-LAZY-ERROR-TYPE",
        "_register.py",
        "_check_first",
        Replace("isinstance(tensor, UninitializedTensorMixin)", "False"),
        "registering on a lazy module's uninitialized parameter is not checked: it fails later, inside "
        "right_inverse or the shape checks, with another error type",
    ),
    PlantedBug(
        "init-cache-counts-originals-only",
        "INIT-ASSIGN-LOAD",
        "_fast.py",
        "holds",
        Replace("if a is not b:\n    return False", "pass"),
        "the cache's freshness check compares how many originals there are, not which objects, so a read "
        "after load_state_dict(assign=True) inside cached() serves the value of the replaced originals",
    ),
    # convert
    PlantedBug(
        "convert-apply-skips-parametrizations",
        "CONVERT-DTYPE",
        "_class.py",
        "_new_class",
        Replace(
            "{'__module__': __name__, '__getstate__': _refuse_getstate}",
            "{'__module__': __name__, '__getstate__': _refuse_getstate, '_apply': lambda self, fn, "
            "recurse=True: Module._apply(self, fn, recurse=False)}",
        ),
        "the generated class converts only the module's own tensors (no recursion), so .half()/.to(dtype) "
        "leave the originals under parametrizations in their old dtype and the module reads unconverted values",
    ),
    PlantedBug(
        "convert-apply-copies-in-place",
        "CONVERT-MEMORY-FORMAT",
        "_list.py",
        "ParametrizationList",
        Insert(
            "__deepcopy__ = _deepcopy",
            "def _apply(self, fn, recurse=True):\n"
            "    with torch.no_grad():\n"
            "        for t in self._originals():\n"
            "            t.copy_(fn(t))\n"
            "    return self",
            after=True,
        ),
        "to keep the originals' ids, the list converts them by copying the converted value into them in "
        "place: copy_ keeps their old layout, so .to(memory_format=torch.channels_last) leaves them contiguous",
    ),
    PlantedBug(
        "convert-chain-outside-autocast",
        "CONVERT-AUTOCAST",
        "_list.py",
        "ParametrizationList.forward",
        Replace(
            "return self._evaluate(self._originals())",
            "with torch.autocast('cpu', enabled=False):\n    return self._evaluate(self._originals())",
        ),
        'the chain is evaluated with autocast turned off ("parametrizations in full precision"), so a '
        "model computes other values and gradients under autocast than the same forward written by hand",
    ),
    # threads
    PlantedBug(
        "threads-cache-process-wide",
        "THREADS-CACHE-LOCAL",
        "_cache.py",
        "",
        Replace("threading.local", "type('_ProcessWide', (), {})"),
        "the cache of cached() is one object for the whole process (torch's global dict), so a thread "
        "outside any cached() is served what another thread's context cached",
    ),
    PlantedBug(
        "threads-outermost-any-thread",
        "THREADS-OWN-CACHE",
        "_cache.py",
        "cached",
        Replace("_entries() is None", "not _any_open"),
        "cached() decides whether it is the outermost context from the process-wide flag, so a thread "
        "entering while another thread's context is open gets no cache of its own",
    ),
    # subclass
    PlantedBug(
        "subclass-generated-only-exact-type",
        "SUBCLASS-GENERATED-CLASS",
        "_class.py",
        "generated_of",
        Replace(
            "next((c for c in cls.__mro__ if c.__dict__.get('__getstate__') is _refuse_getstate), None)",
            "cls if cls.__dict__.get('__getstate__') is _refuse_getstate else None",
        ),
        "the class check looks at type(module) itself, not its MRO: once fully_shard subclasses the "
        "generated class, stacking is taken for a first registration and refused ('parametrizations' already exists)",
    ),
    PlantedBug(
        "subclass-remove-first-base",
        "SUBCLASS-GENERATED-CLASS",
        "_remove.py",
        "remove_parametrizations",
        Replace("with_generated(type(module), base)", "type(module).__bases__[0]"),
        "the last removal restores type(module).__bases__[0] (as torch does), which for a fully_shard "
        "class is the mixin, not the user's class",
    ),
    PlantedBug(
        "subclass-every-subclass-swapped",
        "SUBCLASS-TENSOR-ORIGINAL",
        "_tensors.py",
        "uses_swap",
        Replace(
            "type(dest) is not Tensor and type(dest) is not Parameter and is_traceable_wrapper_subclass(dest)",
            "type(dest) is not Tensor and type(dest) is not Parameter",
        ),
        "every Tensor subclass original is written with swap_tensors, not only traceable wrapper "
        "subclasses, so without the swap flag a Parameter-subclass original is swapped for a plain "
        "nn.Parameter (torch keeps its class: set_)",
    ),
    PlantedBug(
        "subclass-parameter-unwrapped",
        "SUBCLASS-TENSOR-ORIGINAL",
        "_tensors.py",
        "_write",
        Replace(
            "like(dest, src.detach(), dest.requires_grad, detach=False)",
            "torch.Tensor._make_subclass(Parameter, src.detach(), dest.requires_grad) "
            "if isinstance(dest, Parameter) else like(dest, src.detach(), dest.requires_grad, detach=False)",
        ),
        "a Parameter original is swapped for a plain nn.Parameter made with _make_subclass (what Parameter "
        "does for plain tensors), so a Tensor-subclass original loses its class under the swap flag",
    ),
    # isolation
    PlantedBug(
        "isolation-properties-on-user-class",
        "ISOLATION-SHARED-STATE",
        "_class.py",
        "_new_class",
        Replace(
            "namespace.update({name: list_property(name, _cache.read) for name in names})",
            "for name in names:\n    setattr(base, name, list_property(name, _cache.read))",
        ),
        "the properties are set on the class the generated one subclasses (nn.Linear itself) instead of in "
        "the generated class's namespace, so every other instance of that class reads through a property "
        "it has no list for (torch's KeyError: 'weight' cascade)",
    ),
    PlantedBug(
        "isolation-deepcopy-on-user-class",
        "ISOLATION-SHARED-STATE",
        "_class.py",
        "_new_class",
        Replace("namespace['__deepcopy__']", "base.__deepcopy__"),
        "the plain __deepcopy__ is installed on the user's class instead of the generated one (invisible "
        "to every behavioural clause: deep copies of unparametrized instances still work)",
    ),
    PlantedBug(
        "isolation-grad-mode-left-off",
        "ISOLATION-SHARED-STATE",
        "_remove.py",
        "_restore_single",
        Replace(
            "with torch.no_grad():\n    value = getattr(module, name)",
            "torch.set_grad_enabled(False)\nvalue = getattr(module, name)",
        ),
        "removal with leave_parametrized=True reads the value after torch.set_grad_enabled(False) instead "
        "of under no_grad(), and leaves grad mode off for the rest of the program",
    ),
    # distributed
    PlantedBug(
        "distributed-dtensor-local-shard-write",
        "DISTRIBUTED-DTENSOR-ORIGINALS",
        "_tensors.py",
        "write_into",
        Replace(
            "src = in_layout_of(dest, src)",
            "if hasattr(dest, 'to_local') and hasattr(src, 'to_local'):\n"
            "    with torch.no_grad():\n"
            "        dest.to_local().copy_(src.to_local())\n"
            "    return",
        ),
        "a DTensor original is written through its local shard with the value's local shard, ignoring both "
        "placements: a replicated value assigned to a sharded original writes the wrong rows, or fails",
    ),
    PlantedBug(
        "distributed-register-after-fully-shard",
        "DISTRIBUTED-FSDP-REGISTER-AFTER",
        "_register.py",
        "register_parametrization",
        Drop("if refusal:\n    raise ValueError(refusal)"),
        "registering on a parameter of a module fully_shard manages is not refused: it registers, and the "
        "first forward fails (fully_shard writes the unsharded parameter back under its old name)",
    ),
    PlantedBug(
        "distributed-remove-under-fully-shard",
        "DISTRIBUTED-FSDP-REMOVE",
        "_remove.py",
        "remove_parametrizations",
        Drop("if refusal:\n    raise ValueError(refusal)"),
        "removal from a module fully_shard manages is not refused: it returns, and the forward reads the "
        "sharded tensor while fully_shard unshards into the detached list",
    ),
    PlantedBug(
        "distributed-type-before-first-base",
        "DISTRIBUTED-FSDP-TYPE-BEFORE",
        "_class.py",
        "type_before_parametrizations",
        Replace(
            "class_before(type(module))", "type(module) if generated_of(type(module)) is None else type(module).__bases__[0]"
        ),
        "type_before_parametrizations answers the first base of the module's class (as torch does), which "
        "after fully_shard is the FSDPModule mixin",
    ),
)
