"""Rough edges: one-line errors for every adapter that cannot load and for an unknown Hypothesis profile,
reproducers that load the adapter by the spec the user gave, a short Adapter repr, the public way to wrap torch, no
example database between runs, and the set-up as the README writes it (python -m nox, the pinned torch, a report
rendered without torch)."""

from __future__ import annotations

import functools
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch.nn.utils.parametrize as torch_parametrize
from conftest import ROOT
from planted import PlantedBug, Replace
from planted_bugs import PLANTED_BUGS
from test_third_party import _one_line, installed

from parametrize_conformance import adapters
from parametrize_conformance.adapters import Adapter, AdapterError, Divergence, load_adapter, torch_divergences
from parametrize_conformance.adapters._torch_divergences import TORCH_CUDA_DIVERGENCES, TORCH_DIVERGENCES
from parametrize_conformance.report import load_report

# A planted bug whose failure a reproducer shows by itself: stacking a second parametrization raises.
STACKING = PlantedBug(
    "register-stacking-raises",
    "REGISTER-STACK-COMPOSES",
    "_register.py",
    "register_parametrization",
    Replace(
        "plist._append(parametrization)", "raise RuntimeError('planted bug: stacking a second parametrization is broken')"
    ),
    "register_parametrization raises when it stacks a parametrization on an existing chain",
)
ADAPTER_OF = """
from parametrize_conformance.adapters import Adapter
import {package}

ADAPTER = Adapter(name="mine", api={package})
"""


def write(directory: Path, name: str, source: str) -> Path:
    path = directory / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip())
    return path


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if text in line)


# 1. One-line errors.


@pytest.fixture
def raising(tmp_path) -> Path:
    """Modules that fail on import or when asked for their adapter, in tmp_path."""
    write(
        tmp_path,
        "raises_on_import",
        """
        from parametrize_conformance import reference
        raise RuntimeError("boom\\nat import")
    """,
    )
    write(
        tmp_path,
        "needs_a_dependency",
        """
        from parametrize_conformance import reference
        import not_installed_dependency_xyz
    """,
    )
    write(
        tmp_path,
        "bad_syntax",
        """
        def broken(:
            pass
    """,
    )
    write(
        tmp_path,
        "raising_factory",
        """
        from parametrize_conformance import reference
        from parametrize_conformance.adapters import Adapter

        def make():
            raise ValueError("the factory broke")

        def invalid():
            return Adapter(name="half", api=object())
    """,
    )
    return tmp_path


@pytest.mark.parametrize(
    "spec, module, phrase, marker",
    [
        ("raises_on_import", "raises_on_import", "raised RuntimeError: boom at import", "raise RuntimeError"),
        ("raises_on_import:ADAPTER", "raises_on_import", "raised RuntimeError: boom at import", "raise RuntimeError"),
        (
            "needs_a_dependency",
            "needs_a_dependency",
            "raised ModuleNotFoundError: No module named 'not_installed_dependency_xyz'",
            "import not_installed",
        ),
        ("bad_syntax", "bad_syntax", "raised SyntaxError: invalid syntax", "def broken"),
        (
            "raising_factory:make",
            "raising_factory",
            "calling make() for adapter 'raising_factory:make' raised ValueError: the factory broke",
            "raise ValueError",
        ),
        (
            "raising_factory:invalid",
            "raising_factory",
            "calling invalid() for adapter 'raising_factory:invalid' raised AdapterError: adapter 'half'",
            "return Adapter",
        ),
    ],
)
def test_a_module_or_factory_that_raises_is_a_one_line_error_saying_where(suite, raising, spec, module, phrase, marker):
    result = suite("conformance", "--adapter", spec, pythonpath=[raising])
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
    error = _one_line(result.stderr)
    assert error.startswith(f"ERROR: --adapter {spec}: ") and phrase in error, error
    path = raising / f"{module}.py"
    assert f"(at {path}:{line_of(path, marker)})" in error, error


def test_an_entry_point_whose_module_raises_is_a_one_line_error_naming_its_package(suite, raising):
    site = installed(raising / "site", "boom-impl", {"boom": "raises_on_import:ADAPTER"})
    result = suite("conformance", "--adapter", "boom", pythonpath=[site, raising])
    assert result.returncode == 4, result.stdout[-2000:]
    error = _one_line(result.stderr)
    path = raising / "raises_on_import.py"
    assert error.startswith(
        "ERROR: --adapter boom: entry point 'boom' of boom-impl: loading "
        "'raises_on_import:ADAPTER' raised RuntimeError: boom at import"
    ), error
    assert f"(at {path}:{line_of(path, 'raise RuntimeError')})" in error and "boom-impl" in error, error


def test_load_errors_in_process_are_adapter_errors_and_a_missing_module_keeps_its_message(raising, monkeypatch):
    monkeypatch.syspath_prepend(str(raising))
    try:
        with pytest.raises(AdapterError, match="importing module 'raises_on_import'.*RuntimeError: boom at import"):
            load_adapter("raises_on_import")
        # Note: a module that is not there is named as such, with the known adapters; not as a failure inside it.
        with pytest.raises(AdapterError, match="cannot import module 'no_such_module_xyz'.*known adapters"):
            load_adapter("no_such_module_xyz")
        with pytest.raises(AdapterError, match="cannot import module '.x'"):
            load_adapter(".x")
    finally:
        for name in ("raises_on_import", "raising_factory", "needs_a_dependency", "bad_syntax"):
            sys.modules.pop(name, None)


def test_an_unknown_hypothesis_profile_is_a_one_line_error_listing_the_known_ones(suite, tmp_path):
    write(
        tmp_path,
        "conftest",
        """
        from hypothesis import settings
        settings.register_profile("mine", max_examples=3)
    """,
    )
    write(tmp_path, "test_nothing", "def test_nothing():\n    pass\n")
    errors = []
    for arguments in (("--pyargs", "parametrize_conformance", "--adapter", "reference"), ("test_nothing.py",)):
        result = suite(*arguments, "--hypothesis-profile", "thorogh", cwd=tmp_path)
        assert result.returncode == 4, result.stdout[-2000:] + result.stderr[-2000:]
        errors.append(_one_line(result.stderr))
        assert errors[-1].startswith(
            "ERROR: --hypothesis-profile thorogh: no such Hypothesis profile (did you mean "
            "'thorough'?); known profiles: dev, ci, thorough, verdict"
        ), errors[-1]
    # Note: a profile the user registered (in the conftest of the tests run, loaded before the check) is listed too.
    assert "mine" in errors[-1].split("known profiles:")[1], errors[-1]


# 2 and 3. The spec in reproducers; a short repr.


def test_load_adapter_sets_the_spec_it_was_given(tmp_path, monkeypatch):
    write(tmp_path, "thirdparty_spec", ADAPTER_OF.format(package="parametrize_conformance.reference"))
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        loaded = load_adapter(" thirdparty_spec:ADAPTER ")
        assert (loaded.name, loaded.spec) == ("mine", "thirdparty_spec:ADAPTER")
        import thirdparty_spec

        assert thirdparty_spec.ADAPTER.spec == "mine", "the module's own object is left as it was"
    finally:
        sys.modules.pop("thirdparty_spec", None)
    assert load_adapter("reference").spec == "reference" and load_adapter("torch-cuda").spec == "torch-cuda"
    assert load_adapter("torch.nn.utils.parametrize").spec == "torch.nn.utils.parametrize"
    assert Adapter(name="plain", api=torch_parametrize).spec == "plain"


def test_adapter_repr_is_its_name_spec_and_divergence_count():
    one = Adapter(name="mine", api=torch_parametrize, spec="pkg.mod:OBJ", divergences=(Divergence("A", "r", "c"),))
    assert repr(one) == "Adapter('mine', spec='pkg.mod:OBJ', 1 declared divergence)"
    torch_one = load_adapter("torch")
    assert repr(torch_one) == f"Adapter('torch', spec='torch', {len(torch_divergences())} declared divergences)"
    assert "\n" not in repr(torch_one) and len(repr(torch_one)) < 80


def test_a_reproducer_loads_the_adapter_by_its_spec_and_fails_the_same_way(suite, tmp_path):
    """An adapter given as pkg.mod:OBJ, named otherwise, with a planted bug: the report's reproducer runs as it is
    and raises what the check saw; the failure shows the adapter's short repr."""
    STACKING.build(tmp_path)
    write(tmp_path, "thirdparty_mine", ADAPTER_OF.format(package=STACKING.package))
    spec, report_path = "thirdparty_mine:ADAPTER", tmp_path / "mine.json"
    result = suite(
        "conformance", "--adapter", spec, "--clauses", STACKING.clause, "--report", str(report_path), pythonpath=[tmp_path]
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    report = load_report(report_path)
    assert (report["adapter"]["name"], report["adapter"]["spec"]) == ("mine", spec)
    entry = report["clauses"][STACKING.clause]
    assert entry["status"] == "failed" and entry["message"].startswith("RuntimeError: planted bug"), entry
    assert f"load_adapter({spec!r})" in entry["reproducer"], entry["reproducer"]
    replay = subprocess.run(
        [sys.executable, "-c", _script(entry["reproducer"])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert replay.returncode == 1, replay.stdout + replay.stderr
    assert replay.stderr.strip().splitlines()[-1] == entry["message"], replay.stderr
    assert f"Adapter('mine', spec='{spec}', 0 declared divergences)" in result.stdout
    assert "Adapter(name=" not in result.stdout, "a failure printed the whole Adapter dataclass"


def _script(reproducer: str) -> str:
    """The runnable lines of a "Reproducer:" note: the indented ones after its first line."""
    lines = reproducer.splitlines()
    assert lines[0] == "Reproducer:", reproducer
    body = []
    for line in lines[1:]:
        if not line.startswith("    "):
            break
        body.append(line[4:])
    return "\n".join(body) + "\n"


# 4. Wrapping torch.


def test_like_torch_declares_torchs_divergences_and_takes_the_other_fields():
    fork = Adapter.like_torch(torch_parametrize, name="fork", spec="fork.mod:ADAPTER", version="1.2")
    assert (fork.name, fork.spec, fork.version, fork.device) == ("fork", "fork.mod:ADAPTER", "1.2", "cpu")
    assert fork.divergences == torch_divergences()
    assert Adapter.like_torch(torch_parametrize, name="old", torch_release="1.9.1").divergences == torch_divergences(
        version="1.9.1"
    )
    here = Adapter.like_torch(torch_parametrize, name="here")
    assert here.divergences == load_adapter("torch").divergences == torch_divergences()
    assert torch_divergences(version="99.0") == tuple(d for d in TORCH_DIVERGENCES if d.applies_to("99.0"))
    assert torch_divergences("cuda:1") == torch_divergences() + TORCH_CUDA_DIVERGENCES
    assert Adapter.like_torch(torch_parametrize, name="fixed", divergences=()).divergences == ()
    assert Adapter.like_torch(torch_parametrize, name="gpu", device="cuda").divergences == torch_divergences("cuda")
    with pytest.raises(AdapterError, match="has none of the seven names"):
        Adapter.like_torch(object(), name="empty")
    assert {"torch_divergences", "Adapter"} <= set(adapters.__all__)


def test_the_user_guide_example_of_wrapping_torch_runs(monkeypatch):
    section = _section(_user_guide(), "## Adapters")
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    example = next(b for b in blocks if "like_torch" in b)
    assert "torch_divergences()" in example
    monkeypatch.setitem(sys.modules, "my_fork_of_parametrize", torch_parametrize)
    namespace: dict = {}
    exec(example, namespace)
    assert namespace["ADAPTER"].divergences == torch_divergences()
    assert len(namespace["FIXED"].divergences) == len(torch_divergences()) - 1


# 5. No example database.


def run_without_ci(*args: str, cwd: Path, pythonpath: list[Path] = ()) -> subprocess.CompletedProcess:
    """`pytest ARGS` in cwd under the dev profile: CI (which picks ci, a profile without a database) is unset."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST") and k != "CI"}
    env["PYTHONPATH"] = os.pathsep.join([str(p) for p in pythonpath] + [env.get("PYTHONPATH", "")]).strip(os.pathsep)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_a_broken_run_leaves_nothing_for_the_next_run_in_the_same_folder(tmp_path):
    mutant = next(m for m in PLANTED_BUGS if m.name == "register-returns-none")
    mutant.build(tmp_path / "impl")
    clauses = f"{mutant.clause},REGISTER-CLASS-SWAP"
    broken = run_without_ci(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        mutant.package,
        "--clauses",
        clauses,
        "--report",
        "broken.json",
        cwd=tmp_path,
        pythonpath=[tmp_path / "impl"],
    )
    assert broken.returncode == 1, broken.stdout[-3000:] + broken.stderr[-2000:]
    assert load_report(tmp_path / "broken.json")["run"]["hypothesis_profile"] == "dev"
    clean = run_without_ci("--pyargs", "parametrize_conformance", "--adapter", "torch", "--clauses", clauses, cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-2000:]
    assert not (tmp_path / ".hypothesis" / "examples").exists(), "a conformance run wrote an example database"


def test_a_users_own_profile_runs_without_a_database_under_its_name(tmp_path):
    write(
        tmp_path,
        "conftest",
        f"""
        from hypothesis import settings
        from hypothesis.database import DirectoryBasedExampleDatabase
        settings.register_profile("mine", max_examples=7, database=DirectoryBasedExampleDatabase({str(tmp_path / "db")!r}))
    """,
    )
    write(
        tmp_path,
        "test_probe",
        """
        from hypothesis import settings
        def test_probe():
            assert settings.default.database is None and settings.default.max_examples == 7
            assert settings.get_current_profile_name().startswith("mine")
    """,
    )
    for verbosity in ((), ("--hypothesis-verbosity", "verbose")):
        result = run_without_ci(
            "test_probe.py", "--adapter", "reference", "--hypothesis-profile", "mine", *verbosity, cwd=tmp_path
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


# 6. Set-up as written.


def _readme() -> str:
    return (ROOT / "README.md").read_text()


def _user_guide() -> str:
    return (ROOT / "docs" / "user-guide.md").read_text()


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    level = heading.split(" ")[0]
    rest = text[start + len(heading) :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, re.M)]
    return rest[: ends[0]] if ends else rest


def test_the_readme_runs_nox_as_a_module_and_ci_runs_its_test_command():
    setup = _section(_readme(), "## Set up and run (fresh machine, Python 3.10+)")
    commands = re.findall(r"```bash\n(.*?)```", setup, re.S)[0].splitlines()
    assert commands and all("&& python -m nox -s " in c for c in commands), commands
    assert not re.search(r"(?<!-m )\bnox -[sl]", setup), "a set-up command runs the nox script, not python -m nox"
    ci = [line for line in (ROOT / ".ci" / "run").read_text().splitlines() if line and not line.startswith("#")]
    assert ci[-3:] == ["python -m pip install -q 'nox>=2024.4'", "python -m nox -s lint", "python -m nox -s tests"]
    assert any(c.split("#")[0].strip().endswith("python -m nox -s tests") for c in commands)
    sessions = _noxfile().nox.options.sessions
    assert "tests" in sessions
    listed = ", ".join(f"`{s}`" for s in sessions[:-1]) + f" and `{sessions[-1]}`"
    assert f"A bare `python -m nox` runs the default sessions, {listed}" in " ".join(setup.split()).replace(
        "`tests` (the project's own tests)", "`tests`"
    )


def test_the_readme_example_install_pins_torch_as_the_sessions_do():
    noxfile = _noxfile()
    validate = _section(_readme(), "## Validate your implementation")
    install = next(line for line in validate.splitlines() if line.startswith("python -m pip install"))
    assert install.split("#")[0].split() == [
        "python",
        "-m",
        "pip",
        "install",
        noxfile.TORCH,
        "-e",
        ".",
        "-e",
        "examples/toy_parametrize",
    ]


@functools.cache
def _noxfile():
    """The project's noxfile, imported once (it needs nox, which the test extra installs)."""
    pytest.importorskip("nox")
    spec = importlib.util.spec_from_file_location("noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Recorder:
    """Stands in for a nox.Session: records what it is asked to install and run."""

    posargs: list[str] = []

    def __init__(self) -> None:
        self.installed: list[str] = []
        self.ran: list[tuple[str, ...]] = []

    def install(self, *args: str) -> None:
        self.installed += args

    def run(self, *args: str) -> None:
        self.ran.append(args)


def test_the_report_session_installs_no_torch():
    noxfile = _noxfile()
    session = _Recorder()
    noxfile.report(session)
    assert not [a for a in session.installed if a.startswith("torch")], session.installed
    assert "--no-deps" in session.installed and "jsonschema>=4.18" in session.installed
    assert session.ran == [("python", "-m", "parametrize_conformance.report", "render", noxfile.OUT, "--out", noxfile.OUT)]


BLOCKED = ("torch", "pytest", "hypothesis", "numpy")
WITHOUT = "import runpy, sys\nfor name in {blocked!r}:\n    sys.modules[name] = None\n"


def test_reports_render_with_torch_pytest_and_hypothesis_unimportable(tmp_path):
    shutil.copy(ROOT / "reports" / "baseline" / "torch.json", tmp_path / "torch.json")
    # Note: sys.modules[name] = None makes `import name` raise ImportError, as in a venv without the package.
    code = WITHOUT.format(blocked=BLOCKED) + textwrap.dedent("""
        import parametrize_conformance, parametrize_conformance.report
        sys.argv = ["python -m parametrize_conformance.report", "render", ".", "--out", "out"]
        runpy.run_module("parametrize_conformance.report", run_name="__main__")
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).strip(os.pathsep)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    matrix = (tmp_path / "out" / "matrix.md").read_text()
    clauses = json.loads((tmp_path / "torch.json").read_text())["clauses"]
    assert all(c in matrix for c in clauses) and (tmp_path / "out" / "matrix.html").is_file()
    blocked = subprocess.run(
        [sys.executable, "-c", WITHOUT.format(blocked=BLOCKED) + "import torch"], capture_output=True, text=True, timeout=60
    )
    assert blocked.returncode == 1 and "import of torch halted" in blocked.stderr, "torch was importable"
