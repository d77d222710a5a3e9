#!/usr/bin/env bash
# Dead code: functions, methods, classes and properties that nothing uses, found by vulture
# (pyproject.toml [tool.vulture]: the apps, minus the Django/DRF/django-filter/Celery entry points)
# and then left out when a template uses the name, a dotted string names it (settings, seeders),
# or scripts/vulture_whitelist.py lists it. Names only the tests use are marked: the code is
# dead in production, the test tests nothing real.
#
#   scripts/dead_code.sh        one line per finding, then the count; exits 1 if any
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t apps < <(.venv/bin/python -c 'import tomllib; print("\n".join(p for p in tomllib.load(open("pyproject.toml", "rb"))["tool"]["vulture"]["paths"] if not p.endswith(".py")))')

found=0
while IFS= read -r line; do
    name=$(sed -E "s/.*unused [a-z]+ '([^']+)'.*/\1/" <<<"$line")
    # a template uses it ({{ x.name }}, {% if x.name %}, a filter or tag of that name)
    if grep -rqw --include='*.html' --include='*.txt' -- "$name" templates "${apps[@]}"; then continue; fi
    # a dotted path in a string names it (settings, urls handlers, common.demo seeders)
    if grep -rqE --include='*.py' -- "[\"'][A-Za-z0-9_.]*\.${name}[\"']" "${apps[@]}"; then continue; fi
    if grep -rqw --include='*.py' -- "$name" tests; then
        line="$line  [only tests use it]"
    fi
    echo "$line"
    found=$((found + 1))
done < <(.venv/bin/vulture 2>/dev/null | grep -E "unused (function|method|class|property) " || true)

echo "$found dead functions, methods, classes or properties"
[[ $found -eq 0 ]]
