#!/usr/bin/env bash
# Throwaway PostgreSQL 15 + Redis (+ an OpenLDAP slapd, the organisation's directory of the
# directory/ tests) for the test suite, on free loopback ports.
#
#   scripts/test-services.sh start   start both, write var/test-services.env
#   scripts/test-services.sh stop    stop both, remove their temp dir (idempotent)
#   scripts/test-services.sh env     print var/test-services.env
#
# TEST_SERVICES_ENV=/some/file.env names another env file (a second, independent instance).
#
# PostgreSQL gets the two roles of a deployment (scripts/db-roles.sql, as in docs/operations.md):
# registry_owner owns the database and runs the migrations (DATABASE_OWNER_URL); registry_app is
# what the registry runs as (DATABASE_URL), with only SELECT and INSERT on the audit trail. The
# test suite creates and migrates its databases as the owner and runs as the application role.
#
# All PostgreSQL/Redis files live in a mktemp dir under /tmp, so this works even
# when the repository itself is not readable by the postgres user.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO=$(pwd)
ENV_FILE="${TEST_SERVICES_ENV:-$REPO/var/test-services.env}"
PG_BIN=/usr/lib/postgresql/15/bin   # explicit: do not pick up some other initdb on PATH

die() {
    echo "test-services.sh: $*" >&2
    exit 1
}

# Run a command as the PostgreSQL owner. PostgreSQL refuses to run as root, so
# when we are root we use the `postgres` account; otherwise we run as ourselves.
# Always from a directory that account can enter.
as_pg() {
    local user=$1
    shift
    if [[ "$user" == "$(id -un)" ]]; then
        (cd /tmp && "$@")
    elif command -v runuser >/dev/null 2>&1; then
        (cd /tmp && runuser -u "$user" -- "$@")
    else
        (cd /tmp && su "$user" -s /bin/bash -c "$(printf '%q ' "$@")")
    fi
}

free_ports() {
    # Print N distinct free TCP ports on 127.0.0.1.
    python3 - "$1" <<'PY'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

log_tail() {
    local f=$1
    if [[ -f "$f" ]]; then
        echo "----- last lines of $f -----" >&2
        tail -n 30 "$f" >&2 || true
        echo "-----" >&2
    fi
}

# ---------------------------------------------------------------- slapd (directory tests)
LDAP_BASE_DN="dc=registry,dc=test"
LDAP_ADMIN_DN="cn=admin,$LDAP_BASE_DN"
LDAP_ADMIN_PASSWORD="directory-admin"

stop_slapd() {
    local pidfile=$1 spid i
    spid=$(cat "$pidfile" 2>/dev/null || true)
    [[ -n "$spid" ]] || return 0
    kill "$spid" 2>/dev/null || true
    for i in $(seq 50); do
        kill -0 "$spid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$spid" 2>/dev/null || true
}

# A throwaway OpenLDAP server seeded with an OU of people and one of groups. Prints why and
# returns 1 when it cannot start: PostgreSQL and Redis go on without it (the directory tests
# then fail, saying LDAP_TEST_URL is not set).
start_slapd() {
    local dir=$1 port=$2
    if ! command -v slapd >/dev/null 2>&1 && [[ ! -x /usr/sbin/slapd ]]; then
        echo "test-services.sh: slapd not started: slapd not found (run scripts/bootstrap.sh --system)" >&2
        return 1
    fi
    local slapd_bin ldapadd_bin
    slapd_bin=$(command -v slapd || echo /usr/sbin/slapd)
    ldapadd_bin=$(command -v ldapadd || true)
    if [[ -z "$ldapadd_bin" ]]; then
        echo "test-services.sh: slapd not started: ldapadd not found (package ldap-utils)" >&2
        return 1
    fi
    mkdir -p "$dir/db"
    cat >"$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 268435456
suffix "$LDAP_BASE_DN"
rootdn "$LDAP_ADMIN_DN"
rootpw $LDAP_ADMIN_PASSWORD
directory $dir/db
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by * read
EOF
    if ! "$slapd_bin" -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$port/" >"$dir/slapd-start.log" 2>&1; then
        echo "test-services.sh: slapd could not be started on 127.0.0.1:$port:" >&2
        cat "$dir/slapd-start.log" >&2 || true
        return 1
    fi
    local deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)); do
        ldapwhoami -x -H "ldap://127.0.0.1:$port/" -D "$LDAP_ADMIN_DN" -w "$LDAP_ADMIN_PASSWORD" >/dev/null 2>&1 && break
        sleep 0.2
    done
    if ! "$ldapadd_bin" -x -H "ldap://127.0.0.1:$port/" -D "$LDAP_ADMIN_DN" -w "$LDAP_ADMIN_PASSWORD" \
            >"$dir/seed.log" 2>&1 <<EOF
dn: $LDAP_BASE_DN
objectClass: dcObject
objectClass: organization
dc: registry
o: Registry test directory

dn: ou=people,$LDAP_BASE_DN
objectClass: organizationalUnit
ou: people

dn: ou=groups,$LDAP_BASE_DN
objectClass: organizationalUnit
ou: groups

dn: uid=seed.user,ou=people,$LDAP_BASE_DN
objectClass: inetOrgPerson
uid: seed.user
cn: Seed User
sn: User
employeeNumber: DIR-0001
mail: seed.user@registry.test
userPassword: seed-user-password

dn: cn=seed-department,ou=groups,$LDAP_BASE_DN
objectClass: groupOfNames
cn: seed-department
member: uid=seed.user,ou=people,$LDAP_BASE_DN
EOF
    then
        echo "test-services.sh: slapd started on 127.0.0.1:$port but seeding it failed:" >&2
        cat "$dir/seed.log" >&2 || true
        stop_slapd "$dir/slapd.pid"
        return 1
    fi
    return 0
}

# ---------------------------------------------------------------- stop
do_stop() {
    if [[ ! -f "$ENV_FILE" ]]; then
        echo "test-services.sh: nothing to stop (no $ENV_FILE)"
        return 0
    fi
    local PG_DATADIR="" PG_PORT="" PG_RUNAS="" REDIS_PORT="" REDIS_PIDFILE="" SERVICES_TMPDIR="" SLAPD_PIDFILE=""
    # shellcheck disable=SC1090
    source "$ENV_FILE"

    # slapd (the directory)
    if [[ -n "$SLAPD_PIDFILE" && -f "$SLAPD_PIDFILE" ]]; then
        stop_slapd "$SLAPD_PIDFILE"
    fi

    # Redis
    if [[ -n "$REDIS_PORT" ]]; then
        local rpid=""
        if [[ -n "$REDIS_PIDFILE" && -f "$REDIS_PIDFILE" ]]; then
            rpid=$(cat "$REDIS_PIDFILE" 2>/dev/null || true)
        fi
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
        if [[ -n "$rpid" ]]; then
            local i
            for i in $(seq 50); do
                kill -0 "$rpid" 2>/dev/null || break
                sleep 0.1
            done
            if kill -0 "$rpid" 2>/dev/null; then
                kill "$rpid" 2>/dev/null || true
                sleep 0.5
                kill -9 "$rpid" 2>/dev/null || true
            fi
        fi
    fi

    # PostgreSQL
    if [[ -n "$PG_DATADIR" && -f "$PG_DATADIR/postmaster.pid" ]]; then
        local ppid
        ppid=$(head -n 1 "$PG_DATADIR/postmaster.pid" 2>/dev/null || true)
        if ! as_pg "${PG_RUNAS:-postgres}" "$PG_BIN/pg_ctl" -D "$PG_DATADIR" stop -m fast -w -t 30 >/dev/null 2>&1; then
            as_pg "${PG_RUNAS:-postgres}" "$PG_BIN/pg_ctl" -D "$PG_DATADIR" stop -m immediate -w -t 10 >/dev/null 2>&1 || true
        fi
        if [[ -n "$ppid" ]] && kill -0 "$ppid" 2>/dev/null; then
            kill -9 "$ppid" 2>/dev/null || true
        fi
    fi

    # Temp dir: only ever remove something that looks like ours.
    if [[ -n "$SERVICES_TMPDIR" && "$SERVICES_TMPDIR" == /tmp/registry-pg.* && -d "$SERVICES_TMPDIR" ]]; then
        rm -rf -- "$SERVICES_TMPDIR"
    fi
    rm -f -- "$ENV_FILE"
    echo "test-services.sh: stopped"
}

# ---------------------------------------------------------------- start
START_TMP=""
START_RUNAS=""
START_OK=0
cleanup_failed_start() {
    [[ $START_OK -eq 1 ]] && return 0
    [[ -z "$START_TMP" ]] && return 0
    if [[ -f "$START_TMP/redis.pid" ]]; then
        kill "$(cat "$START_TMP/redis.pid")" 2>/dev/null || true
    fi
    if [[ -f "$START_TMP/slapd/slapd.pid" ]]; then
        stop_slapd "$START_TMP/slapd/slapd.pid"
    fi
    if [[ -f "$START_TMP/data/postmaster.pid" ]]; then
        as_pg "$START_RUNAS" "$PG_BIN/pg_ctl" -D "$START_TMP/data" stop -m immediate -w -t 10 >/dev/null 2>&1 || true
    fi
    rm -rf -- "$START_TMP"
}

do_start() {
    [[ -x "$PG_BIN/postgres" ]] || die "PostgreSQL 15 could not be started: $PG_BIN/postgres not found (run scripts/bootstrap.sh --system)"
    command -v redis-server >/dev/null 2>&1 || die "Redis could not be started: redis-server not found (run scripts/bootstrap.sh --system)"
    command -v redis-cli >/dev/null 2>&1 || die "Redis could not be started: redis-cli not found (run scripts/bootstrap.sh --system)"

    # A leftover env file means an earlier run was not stopped: clean it up first.
    if [[ -f "$ENV_FILE" ]]; then
        echo "test-services.sh: stopping services left over from a previous run"
        do_stop
    fi

    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "PostgreSQL 15 could not be started: running as root but there is no 'postgres' user"
        START_RUNAS=postgres
    else
        START_RUNAS=$(id -un)
    fi

    local pg_port="" redis_port="" ldap_port=""
    read -r pg_port redis_port ldap_port < <(free_ports 3) || true
    [[ -n "$pg_port" && -n "$redis_port" && -n "$ldap_port" ]] || die "could not pick free TCP ports"

    trap cleanup_failed_start EXIT
    START_TMP=$(mktemp -d /tmp/registry-pg.XXXXXX)
    chmod 700 "$START_TMP"
    if [[ "$START_RUNAS" != "$(id -un)" ]]; then
        chown "$START_RUNAS": "$START_TMP"
    fi
    local datadir="$START_TMP/data" pglog="$START_TMP/log"

    # --- PostgreSQL
    local locale=C.UTF-8
    if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
        locale=C
    fi
    if ! as_pg "$START_RUNAS" "$PG_BIN/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 \
            --locale="$locale" >"$START_TMP/initdb.log" 2>&1; then
        if [[ "$locale" != C ]]; then
            rm -rf -- "$datadir"
            as_pg "$START_RUNAS" "$PG_BIN/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 \
                --locale=C >"$START_TMP/initdb.log" 2>&1 || {
                log_tail "$START_TMP/initdb.log"
                die "PostgreSQL 15 could not be started: initdb failed"
            }
        else
            log_tail "$START_TMP/initdb.log"
            die "PostgreSQL 15 could not be started: initdb failed"
        fi
    fi

    if ! as_pg "$START_RUNAS" "$PG_BIN/pg_ctl" -D "$datadir" \
            -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $START_TMP -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
            -l "$pglog" -w -t 60 start >/dev/null 2>"$START_TMP/pg_ctl.err"; then
        cat "$START_TMP/pg_ctl.err" >&2 || true
        log_tail "$pglog"
        die "PostgreSQL 15 could not be started on 127.0.0.1:$pg_port (see log above)"
    fi

    # the deployment's roles and database, by the deployment's own script (read from our stdin,
    # so the postgres account needs no access to the checkout); the owner also creates the
    # suite's test and scratch databases
    if ! as_pg "$START_RUNAS" "$PG_BIN/psql" -X -q -h "$START_TMP" -p "$pg_port" -U postgres -d postgres \
            -v ON_ERROR_STOP=1 -v owner=registry_owner -v owner_password=registry_owner \
            -v app=registry_app -v app_password=registry_app -v db=registry \
            <"$REPO/scripts/db-roles.sql" >/dev/null 2>"$START_TMP/psql.err" \
        || ! as_pg "$START_RUNAS" "$PG_BIN/psql" -X -q -h "$START_TMP" -p "$pg_port" -U postgres -d postgres \
            -v ON_ERROR_STOP=1 -c "ALTER ROLE registry_owner CREATEDB" >/dev/null 2>>"$START_TMP/psql.err"; then
        cat "$START_TMP/psql.err" >&2 || true
        log_tail "$pglog"
        die "PostgreSQL 15 started but creating the roles and database 'registry' (scripts/db-roles.sql) failed"
    fi

    # --- Redis
    if ! redis-server --bind 127.0.0.1 --port "$redis_port" --daemonize yes \
            --pidfile "$START_TMP/redis.pid" --dir "$START_TMP" --save "" --appendonly no \
            --logfile "$START_TMP/redis.log" >/dev/null 2>"$START_TMP/redis-start.err"; then
        cat "$START_TMP/redis-start.err" >&2 || true
        log_tail "$START_TMP/redis.log"
        die "Redis could not be started on 127.0.0.1:$redis_port"
    fi
    local deadline=$((SECONDS + 20)) pong=""
    while ((SECONDS < deadline)); do
        pong=$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null || true)
        [[ "$pong" == PONG ]] && break
        sleep 0.2
    done
    if [[ "$pong" != PONG ]]; then
        log_tail "$START_TMP/redis.log"
        die "Redis could not be started on 127.0.0.1:$redis_port: no PONG within 20 s"
    fi

    # --- slapd (the directory tests); its failure leaves PostgreSQL and Redis running
    local ldap_ok=0
    if start_slapd "$START_TMP/slapd" "$ldap_port"; then
        ldap_ok=1
    fi

    # --- env file
    mkdir -p "$(dirname "$ENV_FILE")"
    local tmpenv="$ENV_FILE.tmp.$$"
    {
        echo "# written by scripts/test-services.sh start; removed by 'stop'"
        echo "export DATABASE_URL=postgres://registry_app:registry_app@127.0.0.1:$pg_port/registry"
        echo "export DATABASE_OWNER_URL=postgres://registry_owner:registry_owner@127.0.0.1:$pg_port/registry"
        echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
        echo "PG_DATADIR=$datadir"
        echo "PG_PORT=$pg_port"
        echo "PG_RUNAS=$START_RUNAS"
        echo "REDIS_PORT=$redis_port"
        echo "REDIS_PIDFILE=$START_TMP/redis.pid"
        echo "SERVICES_TMPDIR=$START_TMP"
        if [[ $ldap_ok -eq 1 ]]; then
            echo "export LDAP_TEST_URL=ldap://127.0.0.1:$ldap_port/"
            echo "export LDAP_TEST_BASE_DN=$LDAP_BASE_DN"
            echo "export LDAP_TEST_ADMIN_DN=$LDAP_ADMIN_DN"
            echo "export LDAP_TEST_ADMIN_PASSWORD=$LDAP_ADMIN_PASSWORD"
            echo "SLAPD_PIDFILE=$START_TMP/slapd/slapd.pid"
        fi
    } >"$tmpenv"
    mv -f "$tmpenv" "$ENV_FILE"
    START_OK=1
    trap - EXIT

    echo "test-services.sh: PostgreSQL 15 on 127.0.0.1:$pg_port, Redis on 127.0.0.1:$redis_port"
    if [[ $ldap_ok -eq 1 ]]; then
        echo "test-services.sh: OpenLDAP slapd on 127.0.0.1:$ldap_port ($LDAP_BASE_DN)"
    fi
    echo "test-services.sh: wrote ${ENV_FILE#"$REPO"/} (source it to get DATABASE_URL, DATABASE_OWNER_URL, REDIS_URL)"
}

case "${1:-}" in
    start) do_start ;;
    stop) do_stop ;;
    env)
        [[ -f "$ENV_FILE" ]] || die "no $ENV_FILE; run '$0 start' first"
        cat "$ENV_FILE"
        ;;
    *)
        echo "usage: $0 start|stop|env" >&2
        exit 2
        ;;
esac
