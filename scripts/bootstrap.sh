#!/usr/bin/env bash
# Idempotent setup for a newcomer.
#
#   scripts/bootstrap.sh            create .venv and install the project (+ dev extras)
#   scripts/bootstrap.sh --system   additionally make sure the Debian packages the
#                                   test suite needs are installed (PostgreSQL 15,
#                                   Redis, Chromium, CJK fonts, poppler, gettext, and
#                                   OpenLDAP's slapd + ldap-utils + the headers python-ldap
#                                   builds against, for the directory tests)
set -euo pipefail

cd "$(dirname "$0")/.."

want_system=0
for arg in "$@"; do
    case "$arg" in
        --system) want_system=1 ;;
        -h|--help)
            sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "bootstrap.sh: unknown argument: $arg (expected --system)" >&2
            exit 2
            ;;
    esac
done

PG_BIN=/usr/lib/postgresql/15/bin

pkg_installed() {
    # dpkg -s also succeeds for removed-but-not-purged packages; check the status line.
    dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

ensure_system_packages() {
    if ! command -v dpkg >/dev/null 2>&1; then
        echo "bootstrap.sh: dpkg not found; this script supports Debian/Ubuntu only." >&2
        echo "Install manually: PostgreSQL 15 server, redis-server, chromium, Noto CJK fonts, poppler-utils, gettext." >&2
        exit 1
    fi

    local wanted=(redis-server chromium fonts-noto-cjk poppler-utils gettext)
    # the organisation's directory (directory/): a throwaway slapd for its tests, and what
    # python-ldap (django-auth-ldap) compiles against
    wanted+=(slapd ldap-utils libldap2-dev libsasl2-dev gcc python3-dev)
    if [[ ! -x "$PG_BIN/postgres" ]]; then
        wanted+=(postgresql-15)
    fi
    # `python3 -m venv` needs ensurepip, which Debian ships separately.
    if [[ ! -d .venv ]] && ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        wanted+=(python3-venv)
    fi

    local missing=()
    local p
    for p in "${wanted[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
    if [[ ${#missing[@]} -eq 0 ]]; then
        return 0
    fi

    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "bootstrap.sh: installing system packages: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
        if [[ ! -x "$PG_BIN/postgres" ]]; then
            echo "bootstrap.sh: $PG_BIN/postgres still missing after installing postgresql-15." >&2
            exit 1
        fi
    else
        {
            echo "bootstrap.sh: missing system packages: ${missing[*]}"
            echo "Install them (as root) with:"
            echo "    sudo apt-get update && sudo apt-get install -y ${missing[*]}"
            echo "then re-run: scripts/bootstrap.sh --system"
        } >&2
        exit 1
    fi
}

ensure_venv() {
    if [[ ! -x .venv/bin/python ]]; then
        echo "bootstrap.sh: creating .venv"
        python3 -m venv .venv
    fi
    local stamp=.venv/.installed-stamp
    if [[ ! -e "$stamp" || pyproject.toml -nt "$stamp" ]]; then
        echo "bootstrap.sh: installing Python dependencies into .venv"
        .venv/bin/pip install -q -e '.[dev]'
        touch "$stamp"
    fi
    # the directory extra (django-auth-ldap, python-ldap) compiles against the OpenLDAP headers:
    # installed wherever they are (always after --system); the embedded default does without it
    if [[ -e /usr/include/ldap.h ]] && ! .venv/bin/python -c 'import django_auth_ldap, ldap' >/dev/null 2>&1; then
        echo "bootstrap.sh: installing the directory extra (django-auth-ldap, python-ldap) into .venv"
        .venv/bin/pip install -q -e '.[directory]'
    fi
}

if [[ $want_system -eq 1 ]]; then
    ensure_system_packages
fi
ensure_venv
