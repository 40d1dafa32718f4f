"""What a web or worker process loads: the heavy optimiser only where pairings are made."""

import os
import subprocess
import sys

# Loading every URL pattern (so every view module) and the Celery app must not import these:
# OR-Tools brings pandas and numpy, about 110 MB per process (bench/memory.py measures it).
HEAVY = ("ortools", "pandas")

SCRIPT = """
import sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns  # imports every URL module, so every view module
from cib_portal.celery import app
app.loader.import_default_modules()  # every app's tasks
print(",".join(m for m in {heavy!r} if m in sys.modules))
"""


def test_url_configuration_and_tasks_do_not_import_the_optimiser():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cib_portal.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(heavy=HEAVY)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.strip() == "", f"imported at start-up: {result.stdout.strip()}"


def test_making_pairings_still_loads_the_optimiser():
    """The lazy imports are real: solving a tiny programme imports OR-Tools and works."""
    from peerchallenge.solver import Problem, solve

    solution = solve(Problem(councils=("A", "B", "C", "D"), model="pairs"))
    assert sorted(len(g) for g in solution.groups) == [2, 2]
    assert "ortools" in sys.modules
