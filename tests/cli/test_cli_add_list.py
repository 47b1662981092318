"""``pledges add`` and ``pledges list`` through the real command."""

import csv
import io
from datetime import date, timedelta

from cli_support import LIST_FIELDS, add, as_json, counts, ids_of, listing, ok, pledge_in, refused, usage_error
from pledges.entries import create_pledge
from pledges.models import Campaign
from pledges.workflows.engine import run
from support import ACTOR, NOW, TODAY, events_of, pledge_row


WIDE = {"COLUMNS": "200"}  # rich wraps long English labels at its default 80 columns


def add_result(pledges, *args):
    return pledges("add", "--org", "DX-V1", "--title", "修路", "--due", "2026-09-30", *args)


def spec_fields(record: dict) -> dict:
    assert LIST_FIELDS <= set(record), sorted(LIST_FIELDS - set(record))
    return {key: record[key] for key in LIST_FIELDS}


# --- add --------------------------------------------------------------------------------------


def test_add_prints_just_the_id_and_writes_a_draft_with_the_given_fields(pledges, tree):
    result = ok(pledges("add", "--org", "DX-V1", "--title", "走访困难群众", "--content", "每月走访",
                        "--target", "12", "--unit", "户", "--due", "2026-09-30", "--category", "为民服务"))
    assert result.stdout.strip().isdigit() and result.stdout == result.stdout.strip() + "\n"
    pledge_id = int(result.stdout)
    assert "走访困难群众" in result.stderr
    row = pledge_row(tree, pledge_id)
    assert (row.title, row.content, row.category, row.target, row.unit, row.qualitative, row.criterion) == (
        "走访困难群众", "每月走访", "为民服务", 12, "户", False, None)
    assert (row.state, row.due, row.original_due, row.done, row.outcome, row.member_id) == (
        "draft", date(2026, 9, 30), date(2026, 9, 30), 0, None, None)
    assert [(e.trigger, e.to_state, e.actor) for e in events_of(tree, pledge_id)] == [("create", "draft", ACTOR)]
    with tree.session() as session:
        assert session.get(Campaign, row.campaign_id).year == 2026


def test_add_format_json_gives_the_new_pledge(pledges, tree):
    record = as_json(pledges("add", "--org", "DX-V1", "--title", "修路", "--target", "3", "--unit", "公里",
                             "--due", "2026-10-01", "--format", "json"))
    assert spec_fields(record) == {
        "id": record["id"], "org": "DX-V1", "member": None, "title": "修路", "state": "draft", "outcome": None,
        "due": "2026-10-01", "original_due": "2026-10-01", "target": 3, "unit": "公里", "done": 0}
    assert pledge_row(tree, record["id"]).title == "修路"


def test_member_pledge_belongs_to_the_member(pledges, tree):
    pledge_id = add(pledges, member="M001")
    record = spec_fields(listing(pledges, "--org", "DX-V1")[0])
    assert (record["id"], record["member"], record["org"]) == (pledge_id, "M001", "DX-V1")
    assert pledge_row(tree, pledge_id).member_id is not None


def test_a_member_lists_their_own_pledges(pledges, tree):
    """``list --member`` shows that member's own pledges only; an unknown number is refused."""
    own = [add(pledges, member="M001", title=f"走访{n}") for n in (1, 2)]
    add(pledges, member="M002", org="DX-V2")
    add(pledges)  # the branch's own
    assert [r["id"] for r in listing(pledges, "--member", "M001")] == own
    assert {r["member"] for r in listing(pledges, "--member", "M001")} == {"M001"}
    table = ok(pledges("list", "--member", "M001")).stdout
    assert "走访1" in table and "走访2" in table and "张三" in table
    assert "没有编号为 M999 的党员" in refused(pledges("list", "--member", "M999"))


def test_member_of_another_org_is_refused_and_nothing_written(pledges, tree):
    before = counts(tree)
    line = refused(pledges("add", "--org", "DX-V1", "--member", "M003", "--title", "x", "--target", "1",
                           "--unit", "次", "--due", "2026-09-30"))
    assert "M003" in line and "SX-V1" in line
    assert counts(tree) == before


def test_unknown_member_is_refused(pledges, tree):
    before = counts(tree)
    assert "M999" in refused(add_result(pledges, "--member", "M999", "--target", "1", "--unit", "次"))
    assert counts(tree) == before


def test_due_outside_the_campaign_is_refused_and_nothing_written(pledges, tree):
    before = counts(tree)
    line = refused(pledges("add", "--org", "DX-V1", "--title", "x", "--target", "1", "--unit", "次",
                           "--due", "2027-01-15"))
    assert "2027-01-15" in line and "2026" in line
    assert counts(tree) == before  # not even the campaign


def test_neither_target_nor_qualitative_is_a_usage_error(pledges, tree):
    before = counts(tree)
    assert "--target" in usage_error(add_result(pledges))
    assert counts(tree) == before


def test_qualitative_with_a_criterion_is_a_draft_without_target(pledges, tree):
    pledge_id = int(ok(add_result(pledges, "--qualitative", "--criterion", "全年无违规")).stdout)
    row = pledge_row(tree, pledge_id)
    assert (row.qualitative, row.criterion, row.target, row.unit, row.state) == (True, "全年无违规", None, None, "draft")


def test_qualitative_without_criterion_is_refused(pledges, tree):
    before = counts(tree)
    assert "--criterion" in refused(add_result(pledges, "--qualitative"))
    assert counts(tree) == before


def test_target_with_qualitative_is_refused(pledges, tree):
    before = counts(tree)
    line = refused(add_result(pledges, "--target", "3", "--unit", "户", "--qualitative", "--criterion", "x"))
    assert "--qualitative" in line
    assert counts(tree) == before


def test_target_without_unit_and_non_positive_target_are_refused(pledges, tree):
    before = counts(tree)
    assert "--unit" in refused(add_result(pledges, "--target", "3"))
    assert "0" in refused(add_result(pledges, "--target", "0", "--unit", "户"))
    assert counts(tree) == before


def test_add_to_unknown_org_is_refused(pledges, tree):
    before = counts(tree)
    assert "NOPE" in refused(pledges("add", "--org", "NOPE", "--title", "x", "--target", "1", "--unit", "次",
                                     "--due", "2026-09-30"))
    assert counts(tree) == before


def test_bad_due_date_is_a_usage_error(pledges, tree):
    before = counts(tree)
    assert "YYYY-MM-DD" in usage_error(pledges("add", "--org", "DX-V1", "--title", "x", "--target", "1",
                                               "--unit", "次", "--due", "2026/09/30"))
    assert counts(tree) == before


# --- list ---------------------------------------------------------------------------------------


def test_list_json_has_the_spec_fields_with_their_values(pledges, tree):
    first = pledge_in(pledges, "in_progress")
    second = add(pledges, "--qualitative", "--criterion", "全年无违规", org="SX-V1", member="M003",
                 title="带头垃圾分类", target=None, unit=None, due="2026-12-31")
    records = listing(pledges)
    assert [spec_fields(r) for r in records] == [
        {"id": first, "org": "DX-V1", "member": None, "title": "走访困难群众", "state": "in_progress",
         "outcome": None, "due": "2026-09-30", "original_due": "2026-09-30", "target": 12, "unit": "户", "done": 3},
        {"id": second, "org": "SX-V1", "member": "M003", "title": "带头垃圾分类", "state": "draft",
         "outcome": None, "due": "2026-12-31", "original_due": "2026-12-31", "target": None, "unit": None,
         "done": 0},
    ]


def test_list_org_gives_the_subtree(pledges, tree):
    v1, v2, sx = (add(pledges, org=code) for code in ("DX-V1", "DX-V2", "SX-V1"))
    assert ids_of(listing(pledges, "--org", "DX")) == [v1, v2]
    assert ids_of(listing(pledges, "--org", "DX-V2")) == [v2]
    assert ids_of(listing(pledges, "--org", "WL")) == [v1, v2, sx]
    assert ids_of(listing(pledges)) == [v1, v2, sx]


def test_list_state_filters_on_the_current_state(pledges, tree):
    draft = add(pledges)
    approved = pledge_in(pledges, "approved")
    displayed = pledge_in(pledges, "displayed", org="SX-V1")
    assert ids_of(listing(pledges, "--state", "approved")) == [approved]
    assert ids_of(listing(pledges, "--state", "draft")) == [draft]
    assert ids_of(listing(pledges, "--state", "displayed", "--org", "DX")) == []
    assert ids_of(listing(pledges, "--state", "displayed")) == [displayed]
    assert "in_progress" in usage_error(pledges("list", "--state", "late"))


def test_list_overdue_gives_active_pledges_past_their_due_date(pledges, tree):
    late = pledge_in(pledges, "approved", due="2026-03-01")
    late_displayed = pledge_in(pledges, "displayed", due="2026-06-14", org="DX-V2")
    pledge_in(pledges, "draft", due="2026-03-01")  # not declared: never overdue
    pledge_in(pledges, "approved", due="2026-06-15")  # due today: not yet overdue
    pledge_in(pledges, "approved", due="2026-09-30")
    records = listing(pledges, "--overdue")
    assert ids_of(records) == [late, late_displayed]
    assert [(r["overdue"], r["days_late"]) for r in records] == [
        (True, (TODAY - date(2026, 3, 1)).days), (True, 1)]
    assert ids_of(listing(pledges, "--overdue", "--org", "DX-V2")) == [late_displayed]
    table = ok(pledges("list", "--overdue")).stdout
    assert str((TODAY - date(2026, 3, 1)).days) in table


def test_list_as_of_a_day_before_anything_existed_is_empty(pledges, tree):
    pledge_in(pledges, "approved")
    assert listing(pledges, "--as-of", "2026-06-14") == []
    assert ok(pledges("list", "--as-of", "2026-06-14", "--format", "csv")).stdout == ""
    assert "（无）" in ok(pledges("list", "--as-of", "2026-06-14")).stdout
    assert len(listing(pledges, "--as-of", "2026-06-15")) == 1


def test_list_as_of_replays_the_state_of_that_day(pledges, tree, clock):
    clock.now = NOW - timedelta(days=10)  # 2026-06-05: created
    pledge_id = create_pledge(tree, org="DX-V1", title="修桥", target=1, unit="座", due=date(2026, 9, 30),
                              actor=ACTOR).id
    clock.now = NOW - timedelta(days=5)  # 2026-06-10: submitted
    run(tree, [pledge_id], "submit", ACTOR)
    ok(pledges("approve", pledge_id))  # today
    assert [r["state"] for r in listing(pledges, "--as-of", "2026-06-04")] == []
    assert [r["state"] for r in listing(pledges, "--as-of", "2026-06-07")] == ["draft"]
    assert [r["state"] for r in listing(pledges, "--as-of", "2026-06-10")] == ["submitted"]
    assert [r["state"] for r in listing(pledges)] == ["approved"]
    assert ids_of(listing(pledges, "--as-of", "2026-06-12", "--state", "submitted")) == [pledge_id]
    assert ids_of(listing(pledges, "--as-of", "2026-06-12", "--state", "approved")) == []


def test_list_as_of_replays_due_done_and_overdue_of_that_day(pledges, tree, clock):
    clock.now = NOW - timedelta(days=10)  # 2026-06-05: declared and displayed, due 2026-06-08
    pledge_id = create_pledge(tree, org="DX-V1", title="修桥", target=2, unit="座", due=date(2026, 6, 8),
                              actor=ACTOR).id
    for trigger, args in (("submit", {}), ("approve", {}), ("display", {"channel": "board"})):
        run(tree, [pledge_id], trigger, ACTOR, **args)
    clock.now = NOW - timedelta(days=6)  # 2026-06-09: first progress
    run(tree, [pledge_id], "record_progress", ACTOR, amount=1)
    ok(pledges("extend", pledge_id, "--due", "2026-09-30", "--reason", "汛期停工"))  # today
    ok(pledges("progress", pledge_id, "--amount", "1"))

    def as_of(day, *args):
        return [(r["state"], r["due"], r["done"], r["days_late"]) for r in listing(pledges, "--as-of", day, *args)]

    assert as_of("2026-06-07") == [("displayed", "2026-06-08", 0, None)]
    assert as_of("2026-06-10") == [("in_progress", "2026-06-08", 1, 2)]
    assert as_of("2026-06-10", "--overdue") == [("in_progress", "2026-06-08", 1, 2)]
    assert as_of("2026-06-07", "--overdue") == []
    assert as_of("2026-06-15") == [("in_progress", "2026-09-30", 2, None)]
    assert listing(pledges, "--overdue") == []
    assert listing(pledges)[0]["original_due"] == "2026-06-08"


def test_list_csv_has_the_spec_fields(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    rows = list(csv.DictReader(io.StringIO(ok(pledges("--lang", "en", "list", "--format", "csv")).stdout)))
    assert len(rows) == 1 and LIST_FIELDS <= set(rows[0])
    row = rows[0]
    assert (row["id"], row["org"], row["member"], row["state"], row["due"], row["target"], row["unit"],
            row["done"]) == (str(pledge_id), "DX-V1", "", "displayed", "2026-09-30", "12", "户", "0")


def test_list_table_has_labels_of_the_language(pledges, tree):
    pledge_in(pledges, "in_progress")
    add(pledges, member="M001", title="带头垃圾分类")
    zh = ok(pledges("list")).stdout
    for text in ("编号", "承诺事项", "践诺中", "草拟", "3/12 户", "张三", "组织承诺"):
        assert text in zh
    en = ok(pledges("--lang", "en", "list", env=WIDE)).stdout
    for text in ("Pledge", "in progress", "draft", "organisation pledge"):
        assert text in en


def test_list_of_a_year_without_campaign_is_refused(pledges, tree):
    add(pledges)
    assert "2025" in refused(pledges("list", "--campaign", "2025"))
    assert counts(tree)["Pledge"] == 1
