"""The report registry: every kind is declared by the app that owns it, and the shared layers
(reports, cib_portal) know no domain app."""

import ast
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from reports import registry
from reports.models import ReportKind

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_APPS = {"datasets", "reviews", "peerchallenge", "funds", "earlysupport", "support"}
SHARED = ("reports", "cib_portal")
# The root URL modules include every app's URLs and API (the stated exception).
ROOT_URL_MODULES = {"cib_portal/urls.py", "cib_portal/api_urls.py"}


def _imported_modules(tree: ast.AST):
    """Every module a file imports, at the top or inside a function; relative imports stay
    inside their package and are skipped."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:  # `from peerchallenge import models`
                yield node.lineno, f"{node.module}.{alias.name}"


def _domain_imports():
    found = []
    for package in SHARED:
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if "/migrations/" in name or name in ROOT_URL_MODULES:
                continue
            for lineno, module in _imported_modules(ast.parse(path.read_text(), name)):
                if module.split(".")[0] in DOMAIN_APPS:
                    found.append((name, lineno, module))
    return found


def test_reports_and_cib_portal_import_no_domain_app():
    offenders = sorted(
        {f"{name}:{lineno} imports {module}" for name, lineno, module in _domain_imports()}
    )
    assert offenders == [], "\n".join(offenders)


def test_the_check_sees_an_import_inside_a_function():
    tree = ast.parse("def f():\n    from funds.models import QuarterlyReturn\n")
    assert [m for _, m in _imported_modules(tree)] == [
        "funds.models",
        "funds.models.QuarterlyReturn",
    ]


def test_every_report_kind_has_a_registered_spec():
    specs = registry.registered()
    assert sorted(specs) == sorted(ReportKind.values)
    for kind in ReportKind:
        spec = registry.get(kind)
        assert spec.kind is kind and spec.label == kind.label
        assert spec.template.startswith("reports/pdf/")
        assert (ROOT / "templates" / spec.template).is_file(), spec.template


def test_pdf_templates_live_in_one_place():
    """Under the root templates folder only, not in an app's own templates folder."""
    stray = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("*/templates/*/pdf/*"))
    assert stray == []


def test_a_kind_cannot_be_registered_twice_or_as_a_bare_string():
    spec = registry.get(ReportKind.DATA_PROFILE)
    assert registry.register(spec) is spec  # the same spec again: harmless
    other = registry.ReportKindSpec(
        kind=ReportKind.DATA_PROFILE,
        template=spec.template,
        render=spec.render,
        may_view=lambda user, job: True,
    )
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        registry.register(other)
    bare = registry.ReportKindSpec(
        kind="data_profile", template=spec.template, render=spec.render, may_view=spec.may_view
    )
    with pytest.raises(ImproperlyConfigured, match="not a ReportKind member"):
        registry.register(bare)
    assert registry.get(ReportKind.DATA_PROFILE) is spec
    with pytest.raises(LookupError):
        registry.get("no_such_kind")
