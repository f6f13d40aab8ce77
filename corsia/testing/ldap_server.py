"""A throwaway OpenLDAP server (Debian's slapd) with an Active-Directory-like tree.

Started once per test session on a free localhost port, its configuration and data in
a temporary directory; nothing outside that directory is touched.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import ldap

SLAPD = Path("/usr/sbin/slapd")
SLAPADD = Path("/usr/sbin/slapadd")
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")

BASE_DN = "dc=ospedale,dc=test"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-secret"
BIND_DN = f"cn=svc-corsia,ou=Servizi,{BASE_DN}"
BIND_PASSWORD = "svc-secret"
USERS_BASE = f"ou=Utenti,{BASE_DN}"
GROUPS_BASE = f"ou=Gruppi,{BASE_DN}"
PHYSICIANS_GROUP = f"CN=Corsia-Medici,{GROUPS_BASE}"
PHARMACISTS_GROUP = f"CN=Corsia-Farmacisti,{GROUPS_BASE}"
CANTEEN_GROUP = f"CN=Mensa,{GROUPS_BASE}"
USER_PASSWORD = "Dominio-2024!"

# sAMAccountName is Active Directory's login name; OpenLDAP does not ship it in its
# default schemas, so it is declared here (with AD's own OID) on an auxiliary class.
_CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema

attributetype ( 1.2.840.113556.1.4.221 NAME 'sAMAccountName'
    EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15{{256}} SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.4203.666.11.99.1 NAME 'corsiaTestADAccount'
    AUXILIARY MAY sAMAccountName )

pidfile {dir}/slapd.pid
argsfile {dir}/slapd.args
modulepath {modules}
moduleload back_mdb

database mdb
suffix "{base}"
rootdn "{admin}"
rootpw {admin_password}
directory {dir}/data
maxsize 10485760
index objectClass eq
index sAMAccountName eq
index member eq

access to attrs=userPassword
    by anonymous auth
    by * none
access to *
    by users read
    by * none
"""


def _person(uid: str, given: str, surname: str) -> str:
    return f"""dn: CN={given} {surname},{USERS_BASE}
objectClass: inetOrgPerson
objectClass: corsiaTestADAccount
cn: {given} {surname}
givenName: {given}
sn: {surname}
mail: {uid}@ospedale.test
sAMAccountName: {uid}
userPassword: {USER_PASSWORD}
"""


def _group(dn: str, members: list[str]) -> str:
    cn = dn.split(",", maxsplit=1)[0].split("=")[1]
    lines = [f"dn: {dn}", "objectClass: groupOfNames", f"cn: {cn}"]
    # groupOfNames needs one member at least: the service account stands in.
    lines += [f"member: {m}" for m in [BIND_DN, *members]]
    return "\n".join(lines) + "\n"


def user_dn(given: str, surname: str) -> str:
    return f"CN={given} {surname},{USERS_BASE}"


ROSSI = user_dn("Mario", "Rossi")  # physician
BIANCHI = user_dn("Laura", "Bianchi")  # physician and pharmacist
VERDI = user_dn("Giorgio", "Verdi")  # only in an unmapped group

_DATA = "\n".join(
    [
        f"dn: {BASE_DN}\nobjectClass: dcObject\nobjectClass: organization\ndc: ospedale\no: Ospedale\n",
        f"dn: ou=Servizi,{BASE_DN}\nobjectClass: organizationalUnit\nou: Servizi\n",
        f"dn: {USERS_BASE}\nobjectClass: organizationalUnit\nou: Utenti\n",
        f"dn: {GROUPS_BASE}\nobjectClass: organizationalUnit\nou: Gruppi\n",
        f"dn: {BIND_DN}\nobjectClass: person\ncn: svc-corsia\nsn: Corsia\n"
        f"userPassword: {BIND_PASSWORD}\n",
        _person("mrossi", "Mario", "Rossi"),
        _person("lbianchi", "Laura", "Bianchi"),
        _person("gverdi", "Giorgio", "Verdi"),
        _group(PHYSICIANS_GROUP, [ROSSI, BIANCHI]),
        _group(PHARMACISTS_GROUP, [BIANCHI]),
        _group(CANTEEN_GROUP, [VERDI, ROSSI]),
    ]
)


def slapd_available() -> bool:
    return SLAPD.exists() and SLAPADD.exists() and (SCHEMA_DIR / "core.schema").exists()


@dataclass
class LdapServer:
    uri: str
    process: subprocess.Popen[bytes]
    directory: Path

    def admin(self) -> ldap.ldapobject.LDAPObject:
        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def remove_member(self, group_dn: str, member_dn: str) -> None:
        conn = self.admin()
        try:
            conn.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [member_dn.encode()])])
        finally:
            conn.unbind_s()

    def add_member(self, group_dn: str, member_dn: str) -> None:
        conn = self.admin()
        try:
            conn.modify_s(group_dn, [(ldap.MOD_ADD, "member", [member_dn.encode()])])
        finally:
            conn.unbind_s()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start(directory: Path) -> LdapServer:
    (directory / "data").mkdir(parents=True)
    config = directory / "slapd.conf"
    config.write_text(
        _CONFIG.format(
            schema=SCHEMA_DIR,
            dir=directory,
            modules=MODULE_DIR,
            base=BASE_DN,
            admin=ADMIN_DN,
            admin_password=ADMIN_PASSWORD,
        )
    )
    ldif = directory / "data.ldif"
    ldif.write_text(_DATA)
    subprocess.run(
        [str(SLAPADD), "-q", "-f", str(config), "-l", str(ldif)],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [str(SLAPD), "-f", str(config), "-h", f"{uri}/", "-d", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = LdapServer(uri=uri, process=process, directory=directory)
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"slapd exited with {process.returncode}: {stderr}")
        try:
            server.admin().unbind_s()
            return server
        except ldap.SERVER_DOWN:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.02)
