"""Settings for mypy's Django plugin (django-stubs), which imports settings to learn the apps.

Type checking needs no database or Redis: dummy URLs stand in, so the test settings' embedded
servers are never started. Nothing connects to them.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://typecheck@127.0.0.1:1/typecheck")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:1/0")

from .base import *  # noqa: E402, F403
