"""The skeleton every app follows (ARCHITECTURE.md, issue 13): the same file names in every
app, apps meeting only through each other's services, selectors and permissions, no module
over 500 lines, and audit action names as constants in one style."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The foundation every app builds on: people (accounts) and the organisations, councils,
# regions and roles they belong to (regions). Their models may be imported anywhere.
FOUNDATION = {"accounts", "regions"}
APPS = sorted(
    FOUNDATION
    | {
        "audit",
        "datasets",
        "reviews",
        "peerchallenge",
        "funds",
        "earlysupport",
        "support",
        "reports",
    }
)
# What one app may import from another.
PUBLIC = {"services", "selectors", "permissions", "registry"}
FOUNDATION_PUBLIC = PUBLIC | {"models"}
# Modules that load demo or reference data reach into every app by design.
LOADERS = re.compile(r"(^|/)(demo|demo_[a-z_]+)\.py$|/management/commands/(load|seed)_[a-z_]+\.py$")
# The one module allowed past 500 lines, and why: the pairing optimiser is one model (variables,
# hard constraints, objective and its explanation) that reads best whole.
LONG_MODULES = {"peerchallenge/solver.py"}
MAX_LINES = 500


def _modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in name:
            yield name, path


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                yield node.lineno, node.module, alias.name


def _part_imported(module: str, name: str | None) -> str | None:
    """The app-level part imported: 'services' for `funds.services.spend`, or for
    `from funds import services`; None for the bare package."""
    parts = module.split(".")
    if len(parts) > 1:
        return parts[1]
    return name


def cross_app_imports():
    found = []
    for app in APPS:
        for name, path in _modules(app):
            if LOADERS.search(name):
                continue
            for lineno, module, imported in _imports(ast.parse(path.read_text(), name)):
                other = module.split(".")[0]
                if other == app or other not in APPS:
                    continue
                part = _part_imported(module, imported)
                allowed = FOUNDATION_PUBLIC if other in FOUNDATION else PUBLIC
                if part not in allowed:
                    found.append(
                        f"{name}:{lineno} imports {module}" + (f".{imported}" if imported else "")
                    )
    return found


def test_apps_meet_only_through_services_selectors_and_permissions():
    offenders = cross_app_imports()
    assert offenders == [], "\n".join(offenders)


def test_no_module_over_500_lines():
    long = []
    for app in [*APPS, "cib_portal"]:
        for name, path in _modules(app):
            lines = len(path.read_text().splitlines())
            if lines > MAX_LINES and name not in LONG_MODULES:
                long.append(f"{name}: {lines} lines")
    assert long == [], "\n".join(long)


@pytest.mark.parametrize("app", [a for a in APPS if a != "audit"])
def test_one_url_module_per_app_with_its_app_name(app):
    url_modules = sorted(p.name for p in (ROOT / app).glob("*urls*.py"))
    assert url_modules == ["urls.py"], url_modules
    tree = ast.parse((ROOT / app / "urls.py").read_text())
    names = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert "app_name" in names


@pytest.mark.parametrize("app", APPS)
def test_the_same_file_names_in_every_app(app):
    """`views_spend.py`, `forms_facts.py` and the like become packages by feature
    (`views/spend.py`), so every app's views, forms, API and URLs are found by one name."""
    odd = sorted(
        p.name
        for p in (ROOT / app).glob("*.py")
        if re.match(r"(views|forms|urls|api|services|selectors|permissions|filters)_", p.name)
    )
    assert odd == []


def test_templates_in_one_place():
    """Every app's templates live in the root templates/<app>/, none in app folders."""
    in_apps = sorted(
        str(p.relative_to(ROOT)) for app in APPS for p in (ROOT / app).glob("templates/**/*.html")
    )
    assert in_apps == []


def _audit_calls():
    for app in [*APPS, "cib_portal"]:
        for name, path in _modules(app):
            for node in ast.walk(ast.parse(path.read_text(), name)):
                if isinstance(node, ast.Call) and getattr(
                    node.func, "id", getattr(node.func, "attr", "")
                ) in {"audit_record", "audited_change"}:
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            yield name, node.lineno, keyword.value


def test_audit_actions_are_constants_never_strings():
    literal = [
        f"{name}:{lineno}"
        for name, lineno, value in _audit_calls()
        if isinstance(value, (ast.Constant, ast.JoinedStr))
    ]
    assert literal == [], "audit action passed as a string: " + ", ".join(literal)


def test_every_audit_action_constant_has_the_one_style():
    import importlib
    from enum import StrEnum

    from audit.services import ACTION_NAME

    seen: dict[str, str] = {}
    for app in APPS:
        if not (ROOT / app / "audit_actions.py").exists():
            continue
        module = importlib.import_module(f"{app}.audit_actions")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum:
                for member in value:
                    assert ACTION_NAME.match(member.value), f"{app}: {member.value!r}"
                    assert member.value not in seen, (
                        f"{member.value!r} in {app} and {seen[member.value]}"
                    )
                    seen[member.value] = app
    assert seen, "no app declares its audit actions"


def test_the_checks_see_what_they_look_for():
    tree = ast.parse(
        "def f():\n    from funds.models import Agreement\n    from funds import services\n"
    )
    parts = [_part_imported(m, n) for _, m, n in _imports(tree)]
    assert parts == ["models", "services"]
    call = ast.parse('audit_record(actor=None, action="x.y", obj=o, summary="")')
    assert isinstance(
        next(
            iter(
                k.value
                for n in ast.walk(call)
                if isinstance(n, ast.Call)
                for k in n.keywords
                if k.arg == "action"
            )
        ),
        ast.Constant,
    )
