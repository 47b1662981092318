"""What the database itself refuses a person's login on PostgreSQL (pledges/pgsecurity.py,
docs/deployment.md): plain SQL through psycopg, as a person would type it in psql.

Each test gets its own schema, owner role, group role and login (roles are shared by the whole
cluster: unique names, dropped afterwards)."""

import os
import uuid
from datetime import date

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import text
from sqlalchemy.engine import make_url

from pledges.db import Ledger, normalise_url
from pledges.entries import create_pledge
from pledges.models import Person, Pledge, RoleGrant
from pledges.orgs import add_org
from pledges.pgsecurity import create_login, drop_login, secure
from pledges.workflows.engine import run
from support import ACTOR, Clock, events_of, pg_schema

pytestmark = pytest.mark.postgresql


class Deployment:
    """A secured ledger: WL → DX → DX-V1 and WL → CB → CB-V1, a pledge in each branch, and
    ``login`` for a person who is secretary of DX."""

    def __init__(self, url: str, admin, with_pledges: bool = True):
        self.url, self.admin = url, admin
        tag = uuid.uuid4().hex[:10]
        self.owner, self.group, self.login = f"t_own_{tag}", f"t_grp_{tag}", f"t_per_{tag}"
        self.schema = make_url(url).query["options"].split("=", 1)[1]
        self.ledger = Ledger(url, clock=Clock())
        self.ledger.init()
        for code, parent in (("WL", None), ("DX", "WL"), ("DX-V1", "DX"), ("CB", "WL"), ("CB-V1", "CB")):
            add_org(self.ledger, code, f"{code}党组织", parent=parent, actor=ACTOR)
        self.inside = self.pledge("DX-V1") if with_pledges else None
        self.outside = self.pledge("CB-V1") if with_pledges else None
        with self.ledger.session() as session:
            self.org_ids = dict(session.execute(text("SELECT code, id FROM organisation")).all())
            person = Person(name="大溪书记", login=self.login, created_at=self.ledger.now(), created_by=ACTOR)
            session.add(person)
            session.flush()
            session.add(RoleGrant(person_id=person.id, role="secretary", org_id=self.org_ids["DX"], granted_by=ACTOR,
                                  granted_at=self.ledger.now()))
        secure(self.ledger, self.owner, self.group)
        with self.ledger.engine.begin() as connection:
            create_login(connection, self.login)

    def pledge(self, org: str) -> int:
        pledge_id = create_pledge(self.ledger, org=org, title="走访困难群众", target=12, unit="户",
                                  due=date(2026, 9, 30), actor=ACTOR).id
        for trigger, args in (("submit", {}), ("approve", {}), ("display", {"channel": "board"})):
            run(self.ledger, [pledge_id], trigger, ACTOR, **args)
        return pledge_id

    def connect(self) -> psycopg.Connection:
        """The person's own connection, as psql would open it."""
        url = make_url(self.url)
        return psycopg.connect(host=url.host, port=url.port or 5432, dbname=url.database, user=self.login,
                               options=f"-csearch_path={self.schema}", autocommit=True)

    def pledge_row(self, pledge_id: int) -> Pledge:
        with self.ledger.session() as session:
            return session.get(Pledge, pledge_id)

    def drop(self) -> None:
        self.ledger.dispose()
        with self.admin.connect() as connection:
            drop_login(connection, self.login)
            for role in (self.group, self.owner):
                connection.execute(text(f"DROP OWNED BY {role} CASCADE"))
                connection.execute(text(f"DROP ROLE {role}"))


@pytest.fixture
def deployment(request, pg_admin):
    """A secured ledger; ``@pytest.mark.parametrize("deployment", [False], indirect=True)``: no pledges yet."""
    with pg_schema(pg_admin, normalise_url(os.environ["PLEDGES_TEST_PG_URL"])) as url:
        secured = Deployment(url, pg_admin, with_pledges=getattr(request, "param", True))
        try:
            yield secured
        finally:
            secured.drop()


def refused(connection: psycopg.Connection, sql: str, *params) -> str:
    """Run ``sql``; it must fail for lack of privilege (SQLSTATE 42501). Returns the message."""
    with pytest.raises(errors.InsufficientPrivilege) as caught:
        connection.execute(sql, params or None)
    return str(caught.value)


INSERT_PLEDGE = ("INSERT INTO pledge (campaign_id, org_id, due, original_due, state, done, created_at, updated_at, "
                 "version, title, content, qualitative) SELECT campaign_id, %s, due, original_due, 'draft', 0, "
                 "created_at, updated_at, 1, '伪造的承诺', '', false FROM pledge WHERE id = %s RETURNING id")


def test_the_history_cannot_be_truncated_changed_deleted_or_unguarded(deployment):
    before = [event.model_dump() for event in events_of(deployment.ledger, deployment.inside)]
    with deployment.connect() as person:
        refused(person, "TRUNCATE audit_event")
        refused(person, "UPDATE audit_event SET actor = 'someone else'")
        refused(person, "DELETE FROM audit_event")
        assert "owner" in refused(person, "ALTER TABLE audit_event DISABLE TRIGGER ALL")
        refused(person, "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only")
        refused(person, "DROP TABLE audit_event")
        refused(person, "DROP TABLE pledge CASCADE")
        refused(person, "CREATE TABLE audit_copy (id integer)")
        refused(person, "CREATE TRIGGER sneaky BEFORE INSERT ON pledge FOR EACH ROW "
                        "EXECUTE FUNCTION audit_event_append_only()")
        refused(person, "ALTER TABLE pledge DISABLE ROW LEVEL SECURITY")
    assert [event.model_dump() for event in events_of(deployment.ledger, deployment.inside)] == before


def test_writes_outside_the_subtree_are_refused(deployment):
    outside_org = deployment.org_ids["CB-V1"]
    before = deployment.pledge_row(deployment.outside)
    with deployment.connect() as person:
        assert "row-level security" in refused(person, INSERT_PLEDGE, outside_org, deployment.inside)
        # Rows outside the subtree are invisible to UPDATE and DELETE: nothing is touched.
        assert person.execute("UPDATE pledge SET done = 12, state = 'fulfilled' WHERE id = %s",
                               (deployment.outside,)).rowcount == 0
        # A pledge inside cannot be moved out.
        refused(person, "UPDATE pledge SET org_id = %s WHERE id = %s", outside_org, deployment.inside)
        refused(person, "INSERT INTO progress_record (pledge_id, day, amount, actor, recorded_at) "
                        "VALUES (%s, '2026-06-15', 5, 'x', now())", deployment.outside)
        refused(person, "INSERT INTO member (number, name, org_id, created_at) VALUES ('M9', '外人', %s, now())",
                outside_org)
        refused(person, "INSERT INTO organisation (code, name, kind, parent_id, created_at) "
                        "VALUES ('CB-V9', '新支部', 'village', %s, now())", deployment.org_ids["CB"])
        # No granting oneself more, no rewriting the schema version.
        refused(person, "INSERT INTO role_grant (person_id, role, org_id, granted_by, granted_at) "
                        "SELECT id, 'admin', %s, 'me', now() FROM person WHERE login = current_user",
                deployment.org_ids["WL"])
        assert person.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'").rowcount == 0
        refused(person, "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                        "VALUES (now(), '2026-06-15', 'x', 'pledge', %s, 'complete')", deployment.outside)
        refused(person, "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                        "VALUES (now(), '2026-06-15', 'x', 'organisation', %s, 'set_contact')", outside_org)
        refused(person, "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                        "VALUES (now(), '2026-06-15', 'x', 'campaign', 1, 'create')")
    after = deployment.pledge_row(deployment.outside)
    assert after.model_dump() == before.model_dump()
    assert deployment.ledger.schema_version() is not None


def test_inside_the_subtree_the_work_goes_through(deployment):
    with deployment.connect() as person:
        new = person.execute(INSERT_PLEDGE, (deployment.org_ids["DX-V1"], deployment.inside)).fetchone()[0]
        assert person.execute("UPDATE pledge SET done = 3, version = version + 1 WHERE id = %s",
                              (deployment.inside,)).rowcount == 1
        person.execute("INSERT INTO progress_record (pledge_id, day, amount, actor, recorded_at) "
                       "VALUES (%s, '2026-06-15', 3, '大溪书记', now())", (deployment.inside,))
        person.execute("INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                       "VALUES (now(), '2026-06-15', '大溪书记', 'pledge', %s, 'record_progress')",
                       (deployment.inside,))
        person.execute("INSERT INTO organisation (code, name, kind, parent_id, created_at) "
                       "VALUES ('DX-V2', '新支部', 'village', %s, now())", (deployment.org_ids["DX"],))
        person.execute("INSERT INTO member (number, name, org_id, created_at) VALUES ('M1', '张三', %s, now())",
                       (deployment.org_ids["DX-V1"],))
        # Reads stay inside too: the other town's pledge is not there.
        seen = {row[0] for row in person.execute("SELECT id FROM pledge")}
    assert seen == {deployment.inside, new}
    assert deployment.pledge_row(deployment.inside).done == 3
    assert deployment.pledge_row(new).org_id == deployment.org_ids["DX-V1"]
    assert events_of(deployment.ledger, deployment.inside)[-1].trigger == "record_progress"


def test_a_viewer_reads_and_writes_nothing(deployment):
    with deployment.ledger.session() as session:
        session.execute(text("UPDATE role_grant SET role = 'viewer'"))
    with deployment.connect() as person:
        assert {row[0] for row in person.execute("SELECT id FROM pledge")} == {deployment.inside}
        assert "row-level security" in refused(person, INSERT_PLEDGE, deployment.org_ids["DX-V1"], deployment.inside)
        assert person.execute("UPDATE pledge SET done = 1 WHERE id = %s", (deployment.inside,)).rowcount == 0


def test_securing_again_changes_nothing_and_keeps_the_roles(deployment):
    again = secure(deployment.ledger)  # the owner and group are remembered
    assert (again.owner, again.group) == (deployment.owner, deployment.group)
    with deployment.ledger.engine.connect() as connection:
        owners = set(connection.scalars(text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()")))
        policies = connection.scalar(text("SELECT count(*) FROM pg_policies WHERE schemaname = current_schema()"))
        create_login(connection, deployment.login)  # twice: still one login
        connection.commit()
    assert owners == {deployment.owner}
    assert policies == again.policies
    with deployment.connect() as person:
        refused(person, "TRUNCATE audit_event")
        assert person.execute("SELECT count(*) FROM pledge").fetchone()[0] == 1


def test_bad_role_names_are_refused(deployment):
    from pledges.errors import BadInput

    with pytest.raises(BadInput):
        secure(deployment.ledger, owner="Robert'); DROP TABLE pledge; --")
    with deployment.ledger.engine.connect() as connection, pytest.raises(BadInput):
        create_login(connection, "x; DROP ROLE postgres")


def test_through_the_command_the_login_is_the_reader_and_its_writes_go_through(deployment):
    """The CLI on the person's own login URL: the login, not ``--as``, says whose subtree is read."""
    import json

    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli
    from support import NOW

    url = make_url(deployment.url).set(username=deployment.login).render_as_string(hide_password=False)

    def pledges(*args, who="大溪书记"):
        with time_machine.travel(NOW, tick=False):
            return CliRunner().invoke(cli, ["--db", url, "--as", who, "--lang", "en", *map(str, args)],
                                      env={"PLEDGES_USER": None})

    listed = pledges("list", "--format", "json", who="冒名者")  # another name changes nothing
    assert listed.exit_code == 0, listed.output
    assert [row["id"] for row in json.loads(listed.stdout)] == [deployment.inside]
    assert "outside what 大溪书记 may read" in pledges("dashboard", "--org", "CB").stderr
    done = pledges("progress", deployment.inside, "--amount", "2")
    assert done.exit_code == 0, done.output
    assert deployment.pledge_row(deployment.inside).done == 2
    assert events_of(deployment.ledger, deployment.inside)[-1].trigger == "record_progress"
    assert pledges("progress", deployment.outside, "--amount", "2").exit_code == 1
    assert deployment.pledge_row(deployment.outside).done == 0
    for args in (("org", "add", "DX-V9", "新支部", "--parent", "DX"), ("org", "set", "DX-V9", "--email", "v9@example.com"),
                 ("member", "add", "M9", "张三", "--org", "DX-V9"), ("member", "move", "M9", "--org", "DX-V1",
                                                                     "--reason", "工作调动"),
                 ("org", "move", "DX-V9", "--parent", "DX-V1", "--reason", "合并"), ("org", "rename", "DX-V9", "新名")):
        done = pledges(*args)
        assert done.exit_code == 0, (args, done.output)
    assert pledges("org", "add", "CB-V9", "新支部", "--parent", "CB").exit_code == 1
    with deployment.ledger.session() as session:
        codes = set(session.scalars(text("SELECT code FROM organisation")))
        below_dx = set(session.scalars(text("SELECT o.code FROM org_closure c JOIN organisation o "
                                            "ON o.id = c.descendant_id WHERE c.ancestor_id = :dx"),
                                       {"dx": deployment.org_ids["DX"]}))
    assert "DX-V9" in below_dx and "CB-V9" not in codes


def test_an_upgrade_secures_the_tables_it_adds(deployment):
    from pledges.schema import migrate, transactional_engine
    from pledges.upgrade import upgrade_ledger

    engine = transactional_engine(deployment.url)
    with engine.begin() as connection:  # back to schema 3, as the superuser: person, role_grant and rating go
        migrate(connection, "0003", downgrade=True)
    engine.dispose()
    upgrade_ledger(deployment.ledger, no_backup=True)  # they come back, made by the superuser...
    with deployment.ledger.engine.connect() as connection:
        owners = dict(connection.execute(text(
            "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = current_schema()")).all())
    assert set(owners.values()) == {deployment.owner}, owners  # ...and are handed to the owner again
    with deployment.ledger.session() as session:  # the person and their grant were dropped with the tables
        person = Person(name="大溪书记", login=deployment.login, created_at=deployment.ledger.now(), created_by=ACTOR)
        session.add(person)
        session.flush()
        session.add(RoleGrant(person_id=person.id, role="secretary", org_id=deployment.org_ids["DX"], granted_by=ACTOR,
                              granted_at=deployment.ledger.now()))
    with deployment.connect() as person:
        refused(person, "TRUNCATE rating")
        refused(person, "INSERT INTO role_grant (person_id, role, org_id, granted_by, granted_at) "
                        "SELECT id, 'admin', %s, 'me', now() FROM person WHERE login = current_user",
                deployment.org_ids["WL"])
        assert person.execute("SELECT count(*) FROM rating").fetchone()[0] == 0


def test_a_secretary_s_first_pledge_of_a_new_year_creates_its_campaign_and_nothing_else(deployment):
    """The first pledge of 2027 creates the 2027 campaign with its defaults (pledges.campaigns),
    on the person's own login; a campaign with other settings, a change to one, or a second
    "create" event stay an admin's."""
    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli
    from support import NOW

    url = make_url(deployment.url).set(username=deployment.login).render_as_string(hide_password=False)
    with time_machine.travel(NOW, tick=False):
        added = CliRunner().invoke(cli, ["--db", url, "--as", "大溪书记", "add", "--org", "DX-V1", "--title",
                                         "明年的承诺", "--target", "3", "--unit", "次", "--due", "2027-03-31",
                                         "--campaign", "2027"], env={"PLEDGES_USER": None})
    assert added.exit_code == 0, added.output
    with deployment.ledger.session() as session:
        campaign = session.execute(text("SELECT id, name, starts, ends FROM campaign WHERE year = 2027")).one()
        events = session.execute(text("SELECT trigger, login FROM audit_event WHERE entity = 'campaign' "
                                      "AND entity_id = :id"), {"id": campaign.id}).all()
    assert (campaign.name, campaign.starts, campaign.ends) == ("2027年度", date(2027, 1, 1), date(2027, 12, 31))
    assert [tuple(event) for event in events] == [("create", deployment.login)]
    with deployment.connect() as person:
        assert "row-level security" in refused(
            person, "INSERT INTO campaign (year, name, timezone, starts, ends, created_at, due_soon_days, stalled_days, "
                    "display_wait_days, evaluation_wait_days, escalation_days, weights, lint_refuses) VALUES (2028, "
                    "'2028年度', 'Asia/Shanghai', '2028-01-01', '2028-12-31', now(), 7, 30, 3, 14, 14, "
                    "'{\"organisation\": 1}', false)")
        assert person.execute("UPDATE campaign SET escalation_days = 1 WHERE year = 2027").rowcount == 0
        assert "row-level security" in refused(
            person, "INSERT INTO audit_event (at, effective_on, actor, entity, entity_id, trigger) "
                    "VALUES (now(), '2026-06-15', '大溪书记', 'campaign', %s, 'create')", campaign.id)


def test_scores_moves_and_questionnaires_outside_the_subtree_are_refused(deployment):
    """The tables issues 11 and 13 added: a frozen score, a pledge's or an organisation's move and
    a questionnaire answer are written only inside the login's subtree, and the first three
    never change once written."""
    ids = deployment.org_ids
    with deployment.ledger.session() as session:
        campaign = session.execute(text("SELECT id FROM campaign")).scalar_one()
    with deployment.connect() as person:
        refused(person, "INSERT INTO pledge_score (pledge_id, score, grade, frozen_at, actor) "
                        "VALUES (%s, 99, 'excellent', now(), 'x')", deployment.outside)
        person.execute("INSERT INTO pledge_score (pledge_id, score, grade, frozen_at, actor) "
                       "VALUES (%s, 60, 'pass', now(), '大溪书记')", (deployment.inside,))
        refused(person, "UPDATE pledge_score SET score = 100")
        refused(person, "DELETE FROM pledge_score")
        refused(person, "INSERT INTO pledge_transfer (pledge_id, at, from_org_id, to_org_id) "
                        "VALUES (%s, now(), %s, %s)", deployment.outside, ids["CB-V1"], ids["CB"])
        refused(person, "INSERT INTO pledge_transfer (pledge_id, at, from_org_id, to_org_id) "
                        "VALUES (%s, now(), %s, %s)", deployment.inside, ids["CB-V1"], ids["DX-V1"])
        refused(person, "INSERT INTO org_transfer (org_id, at, from_parent_id, to_parent_id) "
                        "VALUES (%s, now(), %s, %s)", ids["CB-V1"], ids["CB"], ids["WL"])
        refused(person, "INSERT INTO survey_answer (campaign_id, org_id, respondent_group, aware, source, "
                        "\"row\", actor, imported_at) VALUES (%s, %s, 'public', true, 'x.csv', 2, 'x', now())",
                campaign, ids["CB-V1"])
        person.execute("INSERT INTO survey_answer (campaign_id, org_id, respondent_group, aware, source, "
                       "\"row\", actor, imported_at) VALUES (%s, %s, 'public', true, 'x.csv', 2, 'x', now())",
                       (campaign, ids["DX-V1"]))
    with deployment.ledger.session() as session:
        scores = session.execute(text("SELECT pledge_id, score FROM pledge_score")).all()
        answers = session.execute(text("SELECT org_id FROM survey_answer")).scalars().all()
    assert [tuple(row) for row in scores] == [(deployment.inside, 60)]
    assert answers == [ids["DX-V1"]]


@pytest.mark.parametrize("deployment", [False], indirect=True)
def test_only_the_owner_drops_the_foreign_keys_for_a_first_load(deployment):
    """A first load drops the pledge and member foreign keys only for a login that owns the
    tables (loader.BulkWriter.foreign_keys_deferred): ALTER TABLE needs it.  For a person's own
    login they stay, and the load goes on with them (an import through that login needs more:
    see docs/spreadsheets.md)."""
    from sqlalchemy import create_engine, inspect

    from pledges.loader import BulkWriter
    from pledges.models import Member, Pledge

    person = make_url(deployment.url).set(username=deployment.login).render_as_string(hide_password=False)
    for url, dropped in ((deployment.url, True), (person, False)):
        engine = create_engine(url)
        try:
            with engine.connect() as connection, connection.begin():
                with BulkWriter(connection).foreign_keys_deferred([Member.__table__, Pledge.__table__]):
                    inside = {fk["name"] for fk in inspect(connection).get_foreign_keys("pledge")}
                assert (not inside) is dropped, url
                assert len(inspect(connection).get_foreign_keys("pledge")) == 3
        finally:
            engine.dispose()


def test_a_person_imports_a_sheet_through_their_own_login(deployment, tmp_path):
    """Row-level security refuses COPY and hides other towns' rows from max(id): the import goes
    in by INSERT, with ids from the sequences (pledges.loader), so it neither fails nor takes an
    id that a pledge outside the login's view already has; the sequences move past what it wrote."""
    import time_machine
    from click.testing import CliRunner

    from pledges.cli.main import cli
    from pledges.entries import create_pledge
    from support import NOW

    url = make_url(deployment.url).set(username=deployment.login).render_as_string(hide_password=False)
    sheet = tmp_path / "大溪村.csv"
    sheet.write_text("党组织代码,承诺事项,目标值,计量单位,完成时限\nDX-V1,整治河道,3,条,2026-12-20\n"
                     "DX-V1,开展主题党日,2,次,2026-12-25\n", encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        done = CliRunner().invoke(cli, ["--db", url, "--as", "大溪书记", "import", str(sheet)],
                                  env={"PLEDGES_USER": None})
    assert done.exit_code == 0, done.output
    with deployment.ledger.session() as session:
        rows = session.execute(text("SELECT id, org_id, title FROM pledge ORDER BY id")).all()
    new = [row for row in rows if row.title in ("整治河道", "开展主题党日")]
    assert len(new) == 2 and {row.org_id for row in new} == {deployment.org_ids["DX-V1"]}
    assert len({row.id for row in rows}) == len(rows) and min(row.id for row in new) > deployment.outside
    later = create_pledge(deployment.ledger, org="CB-V1", title="之后的承诺", target=1, unit="次",
                          due=date(2026, 9, 30), actor=ACTOR).id
    assert later > max(row.id for row in new)
    outside = tmp_path / "城北.csv"
    outside.write_text("党组织代码,承诺事项,目标值,计量单位,完成时限\nCB-V1,越界承诺,1,次,2026-12-20\n", encoding="utf-8")
    with time_machine.travel(NOW, tick=False):
        refused_import = CliRunner().invoke(cli, ["--db", url, "--as", "大溪书记", "import", str(outside)],
                                            env={"PLEDGES_USER": None})
    assert refused_import.exit_code == 1
    with deployment.ledger.session() as session:
        assert session.scalar(text("SELECT count(*) FROM pledge WHERE title = '越界承诺'")) == 0
