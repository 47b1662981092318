"""What the database itself refuses a person on PostgreSQL (docs/deployment.md#postgresql-one-login-per-person).

The ledger's tables, sequences and functions belong to an owner role that no person uses.
Each person connects with a login of their own (``create_login``), a member of one group role
that holds only what a person needs:

- ``SELECT`` on every table; ``INSERT`` and ``UPDATE`` on the working tables; ``INSERT`` alone
  on the history (``audit_event``); ``DELETE`` only where the program deletes (a grant being
  revoked, the scheduler's lease, the reminders' scan mark); the sequences' ``USAGE``;
- no ``TRUNCATE``, no ``TRIGGER``, no ``REFERENCES``, no ``CREATE`` in the schema, and not the
  tables' owner: so no DDL, no ``ALTER TABLE … DISABLE TRIGGER``, no ``DROP``;
- row-level security on the tables of pledges, their records, members and organisations:
  a login reads and writes only inside the subtrees of its person's grants (``viewer`` grants
  read, the other roles write; an ``admin`` grant reaches everything), decided by SQL
  functions that read ``person.login = current_user``, ``role_grant`` and ``org_closure``.

The table owner and superusers are not subject to row-level security: they run ``init``,
``upgrade``, ``backup``, ``restore`` and this installation.  ``secure`` is idempotent: it
creates what is missing and replaces every grant and policy, so it is also how a ledger is
refreshed after an upgrade (``pledges upgrade`` calls it again when the ledger was secured).
"""

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from pledges.db import Ledger, shown_url
from pledges.campaigns import NAME_SUFFIX
from pledges.errors import BadInput, NotInitialised, NotPostgreSQL
from pledges.models import Campaign

DEFAULT_OWNER = "pledges_owner"
DEFAULT_GROUP = "pledges_person"
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # lower case: PostgreSQL folds unquoted names
OWNER_KEY, GROUP_KEY = "pg_owner", "pg_group"  # meta keys: how the ledger was secured

# The SQL functions the policies ask (non-definer: current_user is the person's login).
_IS_ADMIN = """
CREATE OR REPLACE FUNCTION pledges_is_admin() RETURNS boolean LANGUAGE sql STABLE
SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM role_grant g JOIN person p ON p.id = g.person_id
                 WHERE p.login = current_user AND g.role = 'admin')
$$;
"""
# The organisations under the login's grants (every one for an admin); ``roles`` narrows the grants.
_ORGS = """
CREATE OR REPLACE FUNCTION {name}() RETURNS SETOF integer LANGUAGE sql STABLE
SET search_path = {schema}, pg_temp AS $$
  SELECT c.descendant_id FROM org_closure c WHERE c.depth = 0 AND pledges_is_admin()
  UNION
  SELECT c.descendant_id FROM org_closure c JOIN role_grant g ON g.org_id = c.ancestor_id
    JOIN person p ON p.id = g.person_id WHERE p.login = current_user{roles}
$$;
"""
SCOPES = {"pledges_readable_orgs": "", "pledges_writable_orgs": " AND g.role <> 'viewer'"}

ADMIN = "(SELECT pledges_is_admin())"
READ = "(SELECT pledges_readable_orgs())"
WRITE = "(SELECT pledges_writable_orgs())"
OWN_PLEDGE = f"pledge_id IN (SELECT id FROM pledge WHERE org_id IN {WRITE})"


@dataclass(frozen=True)
class Rules:
    """Row-level security of one table: who sees a row, who may insert it, who may update it
    (the same check before and after), who may delete it (``None``: nobody has DELETE)."""

    read: str
    insert: str
    update: str | None = None
    delete: str | None = None


_BELOW_WRITABLE = f"{ADMIN} OR descendant_id IN (SELECT o.id FROM organisation o WHERE o.parent_id IN {WRITE})"
_ON_PLEDGE = Rules(read="pledge_id IN (SELECT id FROM pledge)", insert=OWN_PLEDGE, update=OWN_PLEDGE)
_ADMIN_ONLY = Rules(read="true", insert=ADMIN, update=ADMIN)


def _default_campaign() -> str:
    """A year's campaign exactly as the first pledge of that year creates it
    (``pledges.campaigns.campaign_for``): the whole calendar year and the model's defaults, so a
    secretary's first pledge in January is not refused, while only an admin sets anything else."""
    defaults = " AND ".join(f"{name} = {field.default!r}" for name, field in Campaign.model_fields.items()
                            if isinstance(field.default, int) and not isinstance(field.default, bool))
    return (f"EXISTS (SELECT 1 FROM pledges_writable_orgs()) AND name = year || '{NAME_SUFFIX}' "
            f"AND timezone = '{Campaign.model_fields['timezone'].default}' AND starts = make_date(year, 1, 1) "
            f"AND ends = make_date(year, 12, 31) AND weights IS NULL AND NOT lint_refuses AND {defaults}")


RLS = {
    "organisation": Rules("true", f"{ADMIN} OR parent_id IN {WRITE}", f"{ADMIN} OR id IN {WRITE}"),
    # moving an organisation relinks its subtree's rows (pledges.moves.relink); `audit verify`
    # checks the table against the parents it is built from
    "org_closure": Rules("true", _BELOW_WRITABLE, None, _BELOW_WRITABLE),
    "member": Rules(f"org_id IN {READ}", f"org_id IN {WRITE}", f"org_id IN {WRITE}"),
    "pledge": Rules(f"org_id IN {READ}", f"org_id IN {WRITE}", f"org_id IN {WRITE}"),
    "pledge_version": _ON_PLEDGE,
    "progress_record": _ON_PLEDGE,
    "display_record": _ON_PLEDGE,
    "evaluation": _ON_PLEDGE,
    "rating": _ON_PLEDGE,
    "reminder": _ON_PLEDGE,
    "reminder_attempt": Rules("reminder_id IN (SELECT id FROM reminder)", "reminder_id IN (SELECT id FROM reminder)",
                              "reminder_id IN (SELECT id FROM reminder)"),
    "audit_event": Rules("true", f"""CASE entity
        WHEN 'pledge' THEN entity_id IN (SELECT id FROM pledge WHERE org_id IN {WRITE})
        WHEN 'member' THEN entity_id IN (SELECT id FROM member WHERE org_id IN {WRITE})
        WHEN 'organisation' THEN entity_id IN (SELECT id FROM organisation WHERE id IN {WRITE}
                                                OR parent_id IN {WRITE})
        WHEN 'rating' THEN (detail::json ->> 'pledge')::integer IN (SELECT id FROM pledge WHERE org_id IN {WRITE})
        WHEN 'campaign' THEN {ADMIN} OR (trigger = 'create' AND EXISTS (SELECT 1 FROM pledges_writable_orgs())
             AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.entity = 'campaign'
                             AND e.entity_id = audit_event.entity_id))
             OR (trigger = 'survey_import' AND EXISTS (SELECT 1 FROM pledges_writable_orgs()))
        ELSE {ADMIN} END"""),  # events about anything else (people, grants): admins
    "campaign": Rules(read="true", insert=f"{ADMIN} OR ({_default_campaign()})", update=ADMIN),
    # a frozen score, a pledge that moved with its member: about a pledge the login may write
    "pledge_score": Rules(read="pledge_id IN (SELECT id FROM pledge)", insert=OWN_PLEDGE),
    "pledge_transfer": Rules(read="pledge_id IN (SELECT id FROM pledge)",
                             insert=f"{OWN_PLEDGE} AND from_org_id IN {WRITE} AND to_org_id IN {WRITE}"),
    # the hierarchy is public; moving an organisation needs the old and the new parent
    "org_transfer": Rules(read="true", insert=f"{ADMIN} OR (org_id IN {WRITE} AND from_parent_id IN {WRITE} "
                                              f"AND to_parent_id IN {WRITE})"),
    # questionnaire answers about a unit the login may write (an evaluator's or organiser's)
    "survey_answer": Rules(read=f"org_id IN {READ}", insert=f"org_id IN {WRITE}", update=f"org_id IN {WRITE}"),
    "person": Rules("true", ADMIN, ADMIN, ADMIN),
    "role_grant": Rules("true", ADMIN, ADMIN, ADMIN),
    "meta": Rules("true", *(f"key NOT IN ('schema_version', '{OWNER_KEY}', '{GROUP_KEY}')",) * 3),
}
HISTORY = {"audit_event", "pledge_score", "pledge_transfer", "org_transfer"}  # INSERT, never UPDATE or DELETE
READ_ONLY = {"alembic_version"}
DELETES = {"scheduler_lease"}  # DELETE without row-level security (besides RLS's ``delete``)


@dataclass
class Secured:
    owner: str
    group: str
    tables: int
    policies: int


def role_name(name: str, what: str = "ROLE") -> str:
    name = (name or "").strip()
    if not ROLE_NAME.match(name):
        raise BadInput("bad_role_name", what=what, name=name or "''")
    return name


def _quote(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote_identifier(name)


def _ensure_role(connection: Connection, name: str, options: str = "NOLOGIN") -> None:
    """CREATE ROLE unless it exists (two installers at once: the second finds it)."""
    role = _quote(connection, name)
    connection.exec_driver_sql(
        f"DO $$ BEGIN CREATE ROLE {role} {options}; EXCEPTION WHEN duplicate_object THEN NULL; END $$")


def secure(ledger: Ledger, owner: str | None = None, group: str | None = None) -> Secured:
    """Install or refresh the owner, the group's privileges and the row-level security of the
    ledger at ``ledger.url`` (run by a superuser, or a role with CREATEROLE that is a member of
    ``owner``).  Roles default to what the ledger was last secured with, else
    ``pledges_owner`` / ``pledges_person``."""
    from pledges.schema import transactional_engine

    if not ledger.url.startswith("postgresql"):
        raise NotPostgreSQL(url=shown_url(ledger.url))
    engine = transactional_engine(ledger.url)
    try:
        with engine.begin() as connection:
            known = dict(connection.execute(text(
                f"SELECT key, value FROM meta WHERE key IN ('{OWNER_KEY}', '{GROUP_KEY}')")).all()) \
                if _has_table(connection, "meta") else None
            if known is None:
                raise NotInitialised(url=shown_url(ledger.url))
            owner = role_name(owner or known.get(OWNER_KEY) or DEFAULT_OWNER, "--owner")
            group = role_name(group or known.get(GROUP_KEY) or DEFAULT_GROUP, "--group")
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7474650002)")  # one installer at a time
            done = _install(connection, owner, group)
            for key, value in ((OWNER_KEY, owner), (GROUP_KEY, group)):
                connection.execute(text("DELETE FROM meta WHERE key = :key"), {"key": key})
                connection.execute(text("INSERT INTO meta (key, value) VALUES (:key, :value)"),
                                   {"key": key, "value": value})
        return done
    finally:
        engine.dispose()


def secure_again(ledger: Ledger) -> Secured | None:
    """``secure`` with the roles it was last run with, on a ledger that was secured (after an
    upgrade); ``None`` for one that never was."""
    with ledger.engine.connect() as connection:
        if _secured_group(connection) is None:
            return None
    return secure(ledger)


def _has_table(connection: Connection, name: str) -> bool:
    return connection.dialect.has_table(connection, name)


def _install(connection: Connection, owner: str, group: str) -> Secured:
    run = connection.exec_driver_sql
    schema = connection.scalar(text("SELECT current_schema()"))
    q_schema, q_owner, q_group = (_quote(connection, n) for n in (schema, owner, group))
    _ensure_role(connection, owner)
    _ensure_role(connection, group)
    run(f"GRANT USAGE, CREATE ON SCHEMA {q_schema} TO {q_owner}")
    run(f"REVOKE CREATE ON SCHEMA {q_schema} FROM PUBLIC, {q_group}")
    run(f"GRANT USAGE ON SCHEMA {q_schema} TO {q_group}")
    run(_IS_ADMIN.format(schema=q_schema))
    for name, roles in SCOPES.items():
        run(_ORGS.format(name=name, schema=q_schema, roles=roles))
    tables = list(connection.scalars(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"), {"schema": schema}))
    functions = connection.scalars(text(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = :schema"), {"schema": schema})
    for function in functions:
        run(f"ALTER FUNCTION {function} OWNER TO {q_owner}")
    policies = 0
    for table in tables:
        q_table = _quote(connection, table)
        run(f"ALTER TABLE {q_table} OWNER TO {q_owner}")  # its sequences and indexes follow
        run(f"REVOKE ALL ON {q_table} FROM PUBLIC, {q_group}")
        run(f"GRANT SELECT ON {q_table} TO {q_group}")
        rules = RLS.get(table)
        if table in HISTORY:
            run(f"GRANT INSERT ON {q_table} TO {q_group}")
        elif table not in READ_ONLY:
            run(f"GRANT INSERT, UPDATE ON {q_table} TO {q_group}")
        if table in DELETES or (rules and rules.delete):
            run(f"GRANT DELETE ON {q_table} TO {q_group}")
        policies += _policies(connection, table, rules)
    run(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {q_schema} TO {q_group}")
    return Secured(owner, group, len(tables), policies)


def _policies(connection: Connection, table: str, rules: Rules | None) -> int:
    """Drop the table's ``pledges_*`` policies and create them again from ``rules``."""
    run = connection.exec_driver_sql
    q_table = _quote(connection, table)
    old = connection.scalars(text("SELECT policyname FROM pg_policies WHERE schemaname = current_schema() "
                                  "AND tablename = :table AND policyname LIKE 'pledges\\_%'"), {"table": table})
    for name in list(old):
        run(f"DROP POLICY {_quote(connection, name)} ON {q_table}")
    if rules is None:
        run(f"ALTER TABLE {q_table} DISABLE ROW LEVEL SECURITY")
        return 0
    run(f"ALTER TABLE {q_table} ENABLE ROW LEVEL SECURITY")
    wanted = [("pledges_read", "SELECT", f"USING ({rules.read})"),
              ("pledges_insert", "INSERT", f"WITH CHECK ({rules.insert})")]
    if rules.update:
        wanted.append(("pledges_update", "UPDATE", f"USING ({rules.update}) WITH CHECK ({rules.update})"))
    if rules.delete:
        wanted.append(("pledges_delete", "DELETE", f"USING ({rules.delete})"))
    for name, command, clause in wanted:
        run(f"CREATE POLICY {name} ON {q_table} FOR {command} {clause}")
    return len(wanted)


def create_login(connection: Connection, login: str, group: str | None = None) -> str:
    """A PostgreSQL login for a person, member of the ledger's group role (``secure``); nothing
    else is granted to it directly.  Idempotent.  Needs CREATEROLE (a superuser, or the DBA's
    role).  The password, or peer or certificate authentication, is set by the DBA
    (``ALTER ROLE … PASSWORD``, pg_hba.conf)."""
    login = role_name(login, "--login")
    group = role_name(group or _secured_group(connection) or DEFAULT_GROUP, "--group")
    _ensure_role(connection, group, "NOLOGIN")  # on a ledger not yet secured: the rights come with `secure`
    _ensure_role(connection, login, "LOGIN")
    connection.exec_driver_sql(f"GRANT {_quote(connection, group)} TO {_quote(connection, login)}")
    return login


def drop_login(connection: Connection, login: str) -> None:
    """Remove a person's login (it owns nothing and was granted only the group)."""
    connection.exec_driver_sql(f"DROP ROLE IF EXISTS {_quote(connection, role_name(login, '--login'))}")


def _secured_group(connection: Connection) -> str | None:
    if not _has_table(connection, "meta"):
        return None
    return connection.scalar(text(f"SELECT value FROM meta WHERE key = '{GROUP_KEY}'"))
