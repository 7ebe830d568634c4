#!/usr/bin/env bash
# The console's browser test: Chromium + chromedriver (Debian) driven by Selenium (PyPI), all
# offline. Usage: scripts/console-browser.sh path/to/squawk. Screenshots: .build/console-screenshots.
set -euo pipefail
cd "$(dirname "$0")/.."
python="$(scripts/pydeps.sh)"
"$python" -c 'import selenium' 2>/dev/null || "$(dirname "$python")/pip" install -q selenium >&2
# Selenium's manager would otherwise try to download drivers and send usage statistics.
export SE_OFFLINE=true SE_AVOID_STATS=true
export SCREENSHOTS="${SCREENSHOTS:-$PWD/.build/console-screenshots}"
exec "$python" Tests/Browser/console_test.py "$1"
