"""The organisation's directory against a real OpenLDAP slapd (scripts/test-services.sh starts it
beside PostgreSQL and Redis and writes LDAP_TEST_*). Each test gets its own OU under the seeded
base, so tests run in parallel; the registry's DIRECTORY setting points at that OU."""

import os
import uuid
from types import SimpleNamespace

import pytest

from directory import conf

ENV = ("LDAP_TEST_URL", "LDAP_TEST_BASE_DN", "LDAP_TEST_ADMIN_DN", "LDAP_TEST_ADMIN_PASSWORD")


@pytest.fixture(scope="session")
def slapd():
    missing = [name for name in ENV if not os.environ.get(name)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: the directory tests need the OpenLDAP slapd that scripts/test-services.sh "
            "starts (make test does; it needs `slapd` and `ldap-utils`: scripts/bootstrap.sh --system)",
            pytrace=False,
        )
    return SimpleNamespace(url=os.environ["LDAP_TEST_URL"], base=os.environ["LDAP_TEST_BASE_DN"],
                           admin_dn=os.environ["LDAP_TEST_ADMIN_DN"], admin_password=os.environ["LDAP_TEST_ADMIN_PASSWORD"])


class Directory:
    """The test's own OU: people and groups, written as the directory's administrator."""

    def __init__(self, slapd, ou_dn):
        import ldap

        self.ldap = ldap
        self.ou = ou_dn
        self.people = f"ou=people,{ou_dn}"
        self.groups = f"ou=groups,{ou_dn}"
        self.conn = ldap.initialize(slapd.url, bytes_mode=False)
        self.conn.simple_bind_s(slapd.admin_dn, slapd.admin_password)

    def _add(self, dn, attrs):
        self.conn.add_s(dn, [(k, [v.encode() for v in (vals if isinstance(vals, list) else [vals])])
                             for k, vals in attrs.items()])

    def user_dn(self, uid):
        return f"uid={uid},{self.people}"

    def group_dn(self, cn):
        return f"cn={cn},{self.groups}"

    def add_user(self, uid, *, name, number, password, mail=None, disabled=False):
        attrs = {"objectClass": "inetOrgPerson", "uid": uid, "cn": name, "sn": name.split()[-1],
                 "employeeNumber": number, "userPassword": password, "mail": mail or f"{uid}@registry.test"}
        if disabled:
            attrs["employeeType"] = "disabled"
        self._add(self.user_dn(uid), attrs)
        return self.user_dn(uid)

    def replace(self, uid, attr, *values):
        self.conn.modify_s(self.user_dn(uid), [(self.ldap.MOD_REPLACE, attr, [v.encode() for v in values] or None)])

    def delete_user(self, uid):
        self.conn.delete_s(self.user_dn(uid))

    def add_group(self, cn, *uids):
        self._add(self.group_dn(cn), {"objectClass": "groupOfNames", "cn": cn,
                                      "member": [self.user_dn(u) for u in uids] or [self.ou]})

    def set_members(self, cn, *uids):
        members = [self.user_dn(u).encode() for u in uids] or [self.ou.encode()]
        self.conn.modify_s(self.group_dn(cn), [(self.ldap.MOD_REPLACE, "member", members)])

    def remove(self):
        for dn, _attrs in sorted(self.conn.search_s(self.ou, self.ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"]),
                                 key=lambda row: -len(row[0])):
            self.conn.delete_s(dn)
        self.conn.unbind_s()


@pytest.fixture
def directory(slapd, settings, tmp_path, org):
    """An OU of its own for the test (people, groups), and the registry's directory settings pointing
    at it: groups `research` -> U-RES and `general` -> U-GEN, disabled = employeeType=disabled,
    the default unit U. Yields the Directory; `directory.cfg` is settings.DIRECTORY."""
    ou = f"ou=t{uuid.uuid4().hex[:12]},{slapd.base}"
    d = Directory(slapd, ou)
    d._add(ou, {"objectClass": "organizationalUnit", "ou": ou.split(",")[0][3:]})
    d._add(d.people, {"objectClass": "organizationalUnit", "ou": "people"})
    d._add(d.groups, {"objectClass": "organizationalUnit", "ou": "groups"})
    password_file = tmp_path / "bind-password"
    password_file.write_text(slapd.admin_password + "\n")
    password_file.chmod(0o600)
    cfg = {
        "ENABLED": True, "SERVER_URI": slapd.url, "BIND_DN": slapd.admin_dn, "BIND_PASSWORD_FILE": str(password_file),
        "USER_SEARCH_BASE": d.people, "USER_FILTER": "(objectClass=inetOrgPerson)", "USERNAME_ATTR": "uid",
        "DISABLED_FILTER": "(employeeType=disabled)", "FULL_NAME_ATTR": "cn", "EMPLOYEE_NUMBER_ATTR": "employeeNumber",
        "EMAIL_ATTR": "mail", "GROUP_SEARCH_BASE": d.groups, "GROUP_FILTER": "(objectClass=groupOfNames)",
        "GROUP_MEMBER_ATTR": "member",
        "GROUP_DEPARTMENTS": {"research": "U-RES", d.group_dn("general").lower(): "U-GEN", "foreign": "X-D"},
        "DEFAULT_UNIT": "U", "START_TLS": False, "TLS_CA_FILE": "", "TLS_REQUIRE_CERT": "demand", "TIMEOUT": 3,
        "LOCAL_ACCOUNTS": True, "SYNC_INTERVAL_MINUTES": 60,
    }
    conf.validate(cfg)
    settings.DIRECTORY = cfg
    settings.AUTHENTICATION_BACKENDS = conf.backends(
        ["axes.backends.AxesStandaloneBackend", conf.MODEL_BACKEND, "guardian.backends.ObjectPermissionBackend"], cfg
    )
    d.cfg = cfg
    d.settings = settings
    yield d
    d.remove()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def directory_down(directory):
    """The same configuration, the server gone: nothing listens on its port."""

    def down():
        directory.settings.DIRECTORY = {**directory.cfg, "SERVER_URI": f"ldap://127.0.0.1:{free_port()}/"}

    return down
