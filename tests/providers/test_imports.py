"""The gateway is plain library code: importing and using it loads no web framework, database,
queue or CLI module, so the service and the workers can both call it."""

from __future__ import annotations

import subprocess
import sys

# Not "rich": httpx imports it for its own command line whenever click, pygments and rich are
# installed (they are, beside typer), which says nothing about our layers.
FORBIDDEN = ("fastapi", "starlette", "sqlalchemy", "celery", "redis", "typer", "musia.cli")


def test_the_gateway_loads_no_web_db_or_cli_module() -> None:
    code = (
        "import sys\n"
        "import musia.providers\n"
        "from musia.providers import load_presets\n"
        "load_presets()\n"
        f"bad = [m for m in sys.modules if m.startswith({FORBIDDEN!r})]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
