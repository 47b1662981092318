"""People, grants and identity through the real command (docs/roles.md), on SQLite and
PostgreSQL: the bootstrap of the first admin, ``user list``, unknown ``--as`` names once people
exist, ``--login``, and on PostgreSQL a person's login standing for them whatever ``--as`` says."""

import importlib.util
import json

import pytest
from sqlalchemy import select, text

from cli_support import ok, refused
from dump_support import digest
from pledges.models import AuditEvent, Person
from pledges.people import add_person, grant_role

HAS_PGSECURITY = importlib.util.find_spec("pledges.pgsecurity") is not None


def as_(pledges, actor, *args, lang="zh"):
    return pledges("--as", actor, "--lang", lang, *args)


@pytest.fixture
def staffed(pledges, tree):
    """``tree`` with an admin (bootstrapped through the CLI), the town DX's organiser, DX-V1's
    secretary and member M001 (张三) as a person with the member role."""
    ok(as_(pledges, "管理员", "user", "add", "管理员"))
    ok(as_(pledges, "管理员", "grant", "管理员", "admin", "--org", "WL"))
    for name, role, org, member in (("陈部长", "organiser", "DX", None), ("王书记", "secretary", "DX-V1", None),
                                    ("张三", "member", "DX-V1", "M001")):
        ok(as_(pledges, "管理员", "user", "add", name, *(["--member", member] if member else [])))
        ok(as_(pledges, "管理员", "grant", name, role, "--org", org))
    return tree


def audit_of_people(ledger) -> list[tuple]:
    with ledger.session() as session:
        rows = session.execute(select(AuditEvent.actor, AuditEvent.trigger, AuditEvent.detail)
                               .where(AuditEvent.entity == "person").order_by(AuditEvent.id))
        return [(row.actor, row.trigger, json.loads(row.detail)) for row in rows]


def test_the_first_admin_is_bootstrapped_then_only_an_admin_manages_people(pledges, tree, db_url):
    assert ok(as_(pledges, "管理员", "user", "add", "管理员")).stdout == "已添加用户 管理员\n"
    # A person exists: nobody else may add people, and an unknown name may not act at all.
    before = digest(db_url)
    assert refused(as_(pledges, "管理员", "user", "add", "王书记")) == "错误：管理员 不能添加用户：只有管理员可以"
    assert refused(as_(pledges, "路人", "grant", "管理员", "admin", "--org", "WL")).startswith("错误：--as 路人 不是")
    assert digest(db_url) == before
    # While nobody holds admin, a known person may grant it; then the bootstrap is over.
    assert ok(as_(pledges, "管理员", "grant", "管理员", "admin", "--org", "WL")).stdout == "已授予 管理员 在 WL 的管理员角色\n"
    ok(as_(pledges, "管理员", "user", "add", "王书记"))
    before = digest(db_url)
    assert refused(as_(pledges, "王书记", "grant", "王书记", "admin", "--org", "WL", lang="en")) == (
        "error: 王书记 may not grant roles: only an admin may")
    assert digest(db_url) == before
    assert audit_of_people(tree) == [
        ("管理员", "create", {"name": "管理员", "login": None, "member": None}),
        ("管理员", "grant", {"role": "admin", "org": "WL"}),
        ("管理员", "create", {"name": "王书记", "login": None, "member": None}),
    ]


def test_user_list_shows_people_with_their_grants(pledges, staffed):
    listed = json.loads(ok(pledges("user", "list", "--format", "json")).stdout)
    assert listed == [
        {"name": "张三", "login": None, "member": "M001", "member_name": "张三",
         "grants": [{"role": "member", "org": "DX-V1", "org_name": "大溪村党支部"}]},
        {"name": "王书记", "login": None, "member": None, "member_name": None,
         "grants": [{"role": "secretary", "org": "DX-V1", "org_name": "大溪村党支部"}]},
        {"name": "管理员", "login": None, "member": None, "member_name": None,
         "grants": [{"role": "admin", "org": "WL", "org_name": "温岭市委"}]},
        {"name": "陈部长", "login": None, "member": None, "member_name": None,
         "grants": [{"role": "organiser", "org": "DX", "org_name": "大溪镇党委"}]},
    ]
    csv = ok(pledges("user", "list", "--format", "csv")).stdout.splitlines()
    assert csv[0] == "姓名,登录名,党员编号,党员,授权" and "张三,,M001,张三,党员@DX-V1" in csv  # the table's headers
    english = ok(pledges("--lang", "en", "user", "list", "--format", "csv")).stdout.splitlines()
    assert english[0] == "Name,Login,Number,Member,Grants"
    assert "组织部门@DX" in ok(pledges("user", "list")).stdout


def test_once_people_exist_as_must_name_one_of_them(pledges, staffed, db_url):
    before = digest(db_url)
    line = refused(as_(pledges, "李四", "add", "--org", "DX-V1", "--title", "走访", "--target", "3", "--unit", "户",
                       "--due", "2026-09-30"))
    assert line == ("错误：--as 李四 不是本台账的用户：请用 pledges user list 中的姓名（或由管理员用 pledges user add 添加）")
    assert refused(pledges("org", "add", "X", "某", "--parent", "DX", env={"PLEDGES_USER": "测试书记"})).startswith(
        "错误：--as 测试书记 不是本台账的用户")
    assert refused(pledges("--lang", "en", "member", "add", "M9", "某", "--org", "DX-V1",
                           env={"PLEDGES_USER": None})) == "error: no acting person: pass --as NAME or set PLEDGES_USER"
    assert digest(db_url) == before
    ok(as_(pledges, "王书记", "member", "add", "M9", "某", "--org", "DX-V1"))  # a known name acts


def test_a_member_acts_on_their_own_pledges_and_is_refused_the_rest(pledges, staffed, db_url):
    own = ok(as_(pledges, "张三", "add", "--org", "DX-V1", "--member", "M001", "--title", "走访困难群众",
                 "--target", "12", "--unit", "户", "--due", "2026-09-30")).stdout.strip()
    ok(as_(pledges, "张三", "submit", own))
    before = digest(db_url)
    assert refused(as_(pledges, "张三", "approve", own)) == (
        f"错误：承诺 {own} 是 张三 本人的承诺，本人不能审核：只有大溪村党支部或上级党组织的书记或组织部门（承诺党员本人除外）可以审核")
    assert digest(db_url) == before
    ok(as_(pledges, "王书记", "approve", own))
    history = json.loads(ok(as_(pledges, "王书记", "show", own, "--format", "json")).stdout)["history"]
    assert [(h["trigger"], h["actor"]) for h in history] == [("create", "张三"), ("submit", "张三"), ("approve", "王书记")]


def test_revoke_keeps_the_last_admin_and_refuses_what_was_never_granted(pledges, staffed, db_url):
    before = digest(db_url)
    assert refused(as_(pledges, "管理员", "revoke", "管理员", "admin", "--org", "WL")) == (
        "错误：管理员 是最后一位管理员：先把管理员角色授予另一位用户，再撤销")
    assert refused(as_(pledges, "管理员", "revoke", "王书记", "organiser", "--org", "DX")) == (
        "错误：王书记 没有 DX 的组织部门角色")
    assert refused(as_(pledges, "管理员", "grant", "无名氏", "viewer", "--org", "DX")) == (
        "错误：没有名为 无名氏 的用户：pledges user list 列出全部用户")
    assert refused(as_(pledges, "管理员", "user", "add", "王书记")) == "错误：用户 王书记 已存在"
    assert digest(db_url) == before
    assert ok(as_(pledges, "管理员", "grant", "王书记", "secretary", "--org", "DX-V1")).stdout == (
        "王书记 已有 DX-V1 的书记角色：未改变\n")
    assert ok(as_(pledges, "管理员", "revoke", "王书记", "secretary", "--org", "DX-V1")).stdout == (
        "已撤销 王书记 在 DX-V1 的书记角色\n")
    # Without the grant the secretary may no longer add members there.
    assert "只有管理员或大溪村党支部或上级党组织的书记或组织部门可以" in refused(
        as_(pledges, "王书记", "member", "add", "M9", "某", "--org", "DX-V1"))


def test_login_is_refused_on_sqlite(pledges, staffed, db_url):
    if not db_url.startswith("sqlite"):
        pytest.skip("the SQLite half")
    before = digest(db_url)
    assert refused(as_(pledges, "管理员", "user", "add", "李四", "--login", "lisi")) == (
        "错误：SQLite 台账没有数据库登录名：--login 只用于 PostgreSQL（用户用 --as 姓名 操作）")
    assert digest(db_url) == before


def test_a_login_must_be_a_plain_name(pledges, staffed):
    assert refused(as_(pledges, "管理员", "user", "add", "李四", "--login")).startswith("错误：登录名 李四 不可用")


# --- PostgreSQL: the login is the identity --------------------------------------------------------

def set_login(ledger, name: str, login: str) -> None:
    """Give a person a login behind the command's back (``user add --login`` needs pgsecurity)."""
    with ledger.session() as session:
        session.execute(Person.__table__.update().where(Person.name == name).values(login=login))


@pytest.mark.postgresql
def test_on_postgresql_a_persons_login_is_the_actor_whatever_as_says(pledges, staffed, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL half")
    with staffed.session() as session:
        login = session.scalar(text("SELECT current_user"))
    set_login(staffed, "王书记", login)  # the test's connection is 王书记's login now
    before = digest(db_url)
    line = refused(as_(pledges, "管理员", "user", "add", "李四"))
    assert line == (f"错误：本连接的数据库登录名 {login} 属于 王书记：不能以 管理员 的身份操作（去掉 --as，或用 管理员 的登录名连接）")
    assert digest(db_url) == before
    # Without --as (nor PLEDGES_USER) the login acts, and is recorded as 王书记.
    ok(pledges("member", "add", "M9", "某", "--org", "DX-V1", env={"PLEDGES_USER": None}))
    with staffed.session() as session:
        actor = session.scalar(select(AuditEvent.actor).order_by(AuditEvent.id.desc()).limit(1))
    assert actor == "王书记"
    # 王书记 is a branch secretary: the login gets 王书记's rights, not the operator's.
    assert "只有管理员可以" in refused(pledges("user", "add", "李四", env={"PLEDGES_USER": "王书记"}))


@pytest.mark.postgresql
def test_a_connection_whose_login_is_nobodys_acts_as_on_sqlite(pledges, staffed, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL half")
    set_login(staffed, "王书记", "wangsj")  # someone else's login: this connection is the operator's
    assert refused(as_(pledges, "路人", "member", "add", "M9", "某", "--org", "DX-V1")).startswith("错误：--as 路人 不是")
    ok(as_(pledges, "陈部长", "member", "add", "M9", "某", "--org", "DX-V1"))


@pytest.mark.postgresql
@pytest.mark.skipif(HAS_PGSECURITY, reason="pledges.pgsecurity is here: --login creates the role instead")
def test_login_on_postgresql_is_refused_without_pgsecurity(pledges, staffed, db_url):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL half")
    before = digest(db_url)
    assert refused(as_(pledges, "管理员", "user", "add", "李四", "--login", "lisi")) == (
        "错误：本程序尚不能建立 PostgreSQL 登录角色（缺少 pledges.pgsecurity）：请不带 --login 添加用户")
    assert digest(db_url) == before


@pytest.mark.postgresql
@pytest.mark.skipif(not HAS_PGSECURITY, reason="needs pledges.pgsecurity (branch i-pgsec): the lead enables it at merge")
def test_login_on_postgresql_creates_the_role(pledges, staffed, db_url, pg_admin):
    if not db_url.startswith("postgresql"):
        pytest.skip("the PostgreSQL half")
    import uuid

    login = f"p_{uuid.uuid4().hex[:12]}"
    try:
        assert ok(as_(pledges, "管理员", "user", "add", "李四", "--login", login)).stdout == (
            f"已添加用户 李四，登录名 {login}\n")
        with pg_admin.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": login}) == 1
    finally:
        with pg_admin.connect() as conn:
            conn.execute(text(f'DROP OWNED BY "{login}"')) if conn.scalar(
                text("SELECT count(*) FROM pg_roles WHERE rolname = :r"), {"r": login}) else None
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))


def test_people_and_grants_through_the_library_are_audited(ledger, org):
    add_person(ledger, "王书记", actor="管理员")
    grant_role(ledger, "王书记", "secretary", org, actor="管理员")
    with ledger.session() as session:
        events = session.execute(select(AuditEvent.entity, AuditEvent.trigger, AuditEvent.actor)
                                 .where(AuditEvent.entity == "person")).all()
    assert [tuple(e) for e in events] == [("person", "create", "管理员"), ("person", "grant", "管理员")]
