"""The spec page (conformance/SPEC.md) is the one the clause table generates, and every source in it is readable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import torch.nn.utils.parametrize as P

from parametrize_conformance import CLAUSES, spec
from parametrize_conformance.sources import SEPARATOR, UPSTREAM_TESTS, behaviour_functions, references
from parametrize_conformance.upstream import BELOW_FLOOR, KINDS, UPSTREAM_REPORTS, reports_of

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "conformance" / "SPEC.md"
STALE = "conformance/SPEC.md is out of date: run python -m parametrize_conformance.spec"
_BARE_TEST_NUMBER = re.compile(r"\bT\d+\b")


def test_the_committed_page_is_the_generated_one():
    assert PAGE.read_text(encoding="utf-8") == spec.render(), STALE


def test_every_clause_appears_with_its_anchor_and_heading():
    page = PAGE.read_text(encoding="utf-8")
    anchors = re.findall(r'<a id="([^"]+)"></a>', page)
    assert len(anchors) == len(set(anchors)), "an anchor appears twice"
    missing = [c for c in CLAUSES if f'<a id="{c}"></a>\n\n### {c}\n' not in page]
    assert not missing, f"clauses without their anchor and heading on the page: {missing}"


def test_no_section_sign_or_bare_test_number_in_any_source():
    cited = {c.id: c.source for c in CLAUSES.values() if "§" in c.source or _BARE_TEST_NUMBER.search(c.source)}
    assert not cited, f"sources citing the working document or an upstream test by number: {cited}"
    assert "§" not in PAGE.read_text(encoding="utf-8"), "the page cites a section of the working document"


def test_every_source_reference_resolves():
    for clause in CLAUSES.values():
        refs = references(clause.source)
        assert len(refs) == len(set(refs)) == len(clause.source.split(SEPARATOR)), clause.id
        found_by = [r.url[1:] for r in refs if r.url.startswith("#")]
        assert all(other in CLAUSES for other in found_by), f"{clause.id}: found by an unknown clause {found_by}"


def test_every_torch_behaviour_names_a_function_of_parametrize():
    for clause in CLAUSES.values():
        for name in behaviour_functions(clause.source):
            owner, _, attribute = name.partition(".")
            assert hasattr(P, owner) and (not attribute or hasattr(getattr(P, owner), attribute)), (clause.id, name)


def test_every_test_number_in_a_basis_names_an_upstream_test():
    for clause in CLAUSES.values():
        numbers = [int(n) for n in re.findall(r"\bT(\d+)\b", clause.basis)]
        assert all(1 <= n <= len(UPSTREAM_TESTS) for n in numbers), (clause.id, numbers)
        rendered = spec.readable(clause.basis)
        assert all(f"T{n} (`{UPSTREAM_TESTS[n - 1]}`)" in rendered for n in numbers), clause.id


def test_the_page_states_the_statuses_of_the_committed_torch_baseline():
    baseline = json.loads((ROOT / "reports" / "baseline" / "torch.json").read_text())["clauses"]
    meaning = {"passed": "conforms", "diverged": "diverges", "untested": "untested"}
    differ = {
        c: (entry["status"], spec.torch_status(CLAUSES[c]))
        for c, entry in baseline.items()
        if meaning.get(entry["status"]) != spec.torch_status(CLAUSES[c])
    }
    assert not differ, f"baseline status vs the page's: {differ}"


def test_the_page_does_not_depend_on_the_order_of_the_divergences():
    assert spec.render(divergences=tuple(reversed(spec.TORCH_DIVERGENCES))) == spec.render()


def test_check_says_in_one_line_what_to_run_when_the_page_is_stale(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(spec, "DEFAULT_OUT", tmp_path / "SPEC.md")
    assert spec.main(["--check"]) == 1
    assert capsys.readouterr().err == STALE + "\n"
    assert spec.main([]) == 0 and spec.main(["--check"]) == 0
    (tmp_path / "SPEC.md").write_text("edited by hand\n")
    assert spec.main(["--check"]) == 1 and capsys.readouterr().err == STALE + "\n"


def test_check_of_another_path_names_it_in_the_command(tmp_path, capsys):
    out = tmp_path / "page.md"
    assert spec.main(["--out", str(out), "--check"]) == 1
    assert capsys.readouterr().err == f"{out} is out of date: run python -m parametrize_conformance.spec --out {out}\n"
    assert spec.main(["--out", str(out)]) == 0 and out.read_text(encoding="utf-8") == spec.render()


def test_the_readme_links_the_page():
    section = (ROOT / "README.md").read_text().split("## What is checked", 1)[1].split("\n## ", 1)[0]
    assert "(conformance/SPEC.md)" in section


def test_every_upstream_report_names_a_clause_or_says_why_none_catches_it():
    for report in UPSTREAM_REPORTS:
        assert report.kind in KINDS and report.title and report.releases and report.note, report.number
        if report.clause:
            assert report.clause in CLAUSES, f"pytorch/pytorch#{report.number}: unknown clause {report.clause!r}"
        else:
            assert "no clause" in report.note, f"pytorch/pytorch#{report.number}: caught by none, and the note says not why"


def test_every_caught_upstream_report_is_among_its_clause_sources():
    caught = [r for r in UPSTREAM_REPORTS if r.clause]
    missing = {r.number: r.clause for r in caught if r.reference not in CLAUSES[r.clause].source.split(SEPARATOR)}
    assert not missing, f"reports whose link is not in their clause's source: {missing}"
    assert all(references(r.reference)[0].url.endswith(f"/{r.number}") for r in UPSTREAM_REPORTS)


def test_upstream_reports_are_at_least_15_with_unique_numbers():
    numbers = [r.number for r in UPSTREAM_REPORTS]
    assert len(numbers) >= 15, f"only {len(numbers)} upstream reports"
    assert len(numbers) == len(set(numbers)), "an upstream report appears twice"
    assert sorted(numbers) == numbers, "upstream reports are kept in order of their numbers"


def test_below_floor_releases_start_with_the_floor_phrase():
    floor = [r.number for r in UPSTREAM_REPORTS if "floor" in r.releases and not r.releases.startswith(BELOW_FLOOR)]
    assert not floor, f"reports that mention the floor without the phrase {BELOW_FLOOR!r}: {floor}"


def test_the_page_lists_every_upstream_report_with_its_clause():
    page = PAGE.read_text(encoding="utf-8")
    section = page.split('<a id="upstream-reports"></a>', 1)[1]
    for report in UPSTREAM_REPORTS:
        entry = section.split(f'<a id="upstream-{report.number}"></a>', 1)[1].split("\n\n", 1)[0]
        caught = f"[{report.clause}](#{report.clause})" if report.clause else "no clause"
        assert f"**Caught by**: {caught}" in entry, report.number
        assert spec.readable(report.releases) in entry, report.number
    for clause_id in {r.clause for r in UPSTREAM_REPORTS if r.clause}:
        own = page.split(f'<a id="{clause_id}"></a>', 1)[1].split("<a id=", 1)[0]
        assert all(f"](#upstream-{r.number})" in own for r in reports_of(clause_id)), clause_id
