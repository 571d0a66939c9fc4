"""The benchmark's settings: the production settings plus the bare hello page (bench/urls.py).

Only `make bench` uses this module (DJANGO_SETTINGS_MODULE=bench.settings); everything else,
the environment included, is the one settings module of config/.
"""

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
