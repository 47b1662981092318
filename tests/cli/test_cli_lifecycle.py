"""The lifecycle commands through the real command: a pledge's whole life, every other trigger,
the bulk display, several ids at once, and ``pledges lifecycle``."""

import re
from datetime import date, datetime

from sqlalchemy import func, select

from cli_support import (HISTORY_FIELDS, TRIGGERS, add, as_json, counts, listing, ok, pledge_in, refused, show,
                         steps_of, usage_error)
from pledges.models import AuditEvent, DisplayRecord, PledgeVersion
from support import ACTOR, NOW, TODAY, events_of, pledge_row, snapshot

WIDE = {"COLUMNS": "200"}

LIFE = [
    (("submit",), ("submit", "draft", "submitted")),
    (("approve",), ("approve", "submitted", "approved")),
    (("display", "--channel", "board", "--place", "村务公开栏"), ("display", "approved", "displayed")),
    (("progress", "--amount", "5", "--note", "走访5户"), ("record_progress", "displayed", "in_progress")),
    (("progress", "--amount", "7", "--evidence", "IMG_0412"), ("record_progress", "in_progress", "in_progress")),
    (("complete",), ("complete", "in_progress", "fulfilled")),
    (("evaluate", "--grade", "good", "--comment", "群众满意"), ("evaluate", "fulfilled", "evaluated")),
]


def last_step(pledges, pledge_id: int) -> dict:
    return show(pledges, pledge_id)["history"][-1]


def events_by_trigger(ledger, trigger: str) -> list[int]:
    with ledger.session() as session:
        return list(session.scalars(select(AuditEvent.entity_id).where(AuditEvent.trigger == trigger)
                                    .order_by(AuditEvent.entity_id)))


# --- a whole life ---------------------------------------------------------------------------


def test_a_pledge_through_its_whole_life(pledges, tree):
    pledge_id = add(pledges)
    for args, (_, _, dest) in LIFE:
        out = ok(pledges(args[0], pledge_id, *args[1:])).stdout
        assert f"承诺 {pledge_id}" in out, (args, out)
        assert pledge_row(tree, pledge_id).state == dest
    view = show(pledges, pledge_id)
    assert all(set(event) == HISTORY_FIELDS for event in view["history"]), view["history"]
    assert steps_of(view["history"]) == [("create", None, "draft")] + [step for _, step in LIFE]
    assert {event["actor"] for event in view["history"]} == {ACTOR}
    assert {datetime.fromisoformat(event["at"]) for event in view["history"]} == {NOW}
    assert (view["state"], view["outcome"], view["done"]) == ("evaluated", "fulfilled", 12)
    assert [(p["amount"], p["note"], p["evidence"]) for p in view["progress"]] == [
        (5, "走访5户", None), (7, None, "IMG_0412")]
    assert [(d["channel"], d["place"], d["day"]) for d in view["displays"]] == [("board", "村务公开栏", "2026-06-15")]
    assert [(e["rater_group"], e["grade"], e["comment"]) for e in view["evaluations"]] == [
        ("organisation", "good", "群众满意")]
    row = pledge_row(tree, pledge_id)
    assert (row.state, row.outcome, row.done, row.finished_on) == ("evaluated", "fulfilled", 12, TODAY)
    assert [(e.trigger, e.from_state, e.to_state, e.actor) for e in events_of(tree, pledge_id)] == [
        (t, s, d, ACTOR) for t, s, d in steps_of(view["history"])]


def test_show_table_uses_labels_of_the_language(pledges, tree):
    pledge_id = add(pledges)
    for args, _ in LIFE:
        ok(pledges(args[0], pledge_id, *args[1:]))
    zh = ok(pledges("show", pledge_id, env=WIDE)).stdout
    for text in (f"#{pledge_id} 走访困难群众", "已评诺", "已兑现", "记实", "评诺", "公示栏", "良好", "测试书记",
                 "2026-06-15 10:00", "12/12 户"):
        assert text in zh, text
    en = ok(pledges("--lang", "en", "show", pledge_id, env=WIDE)).stdout
    for text in ("evaluated", "fulfilled", "History", "notice board", "good", "record progress", "12/12 户"):
        assert text in en, text
    assert "已评诺" not in en


def test_the_actor_is_as_or_pledges_user(pledges, tree):
    pledge_id = add(pledges)
    ok(pledges("--as", "王书记", "submit", pledge_id))
    ok(pledges("approve", pledge_id, env={"PLEDGES_USER": "李组织员"}))
    assert [e["actor"] for e in show(pledges, pledge_id)["history"]] == [ACTOR, "王书记", "李组织员"]


# --- the other triggers -----------------------------------------------------------------------


def test_return_with_reason_goes_back_to_draft_and_edit_changes_the_draft(pledges, tree):
    pledge_id = pledge_in(pledges, "submitted")
    assert "草拟" in ok(pledges("return", pledge_id, "--reason", "目标不够具体")).stdout
    assert last_step(pledges, pledge_id) | {"at": None} == {
        "trigger": "return", "from": "submitted", "to": "draft", "actor": ACTOR, "at": None, "reason": "目标不够具体"}
    ok(pledges("edit", pledge_id, "--target", "15", "--title", "走访困难群众和老党员"))
    row = pledge_row(tree, pledge_id)
    assert (row.state, row.target, row.unit, row.title) == ("draft", 15, "户", "走访困难群众和老党员")
    assert steps_of([last_step(pledges, pledge_id)]) == [("edit", "draft", "draft")]
    ok(pledges("submit", pledge_id))
    assert pledge_row(tree, pledge_id).state == "submitted"


def test_edit_is_refused_once_submitted(pledges, tree):
    pledge_id = pledge_in(pledges, "submitted")
    before = snapshot(tree, pledge_id)
    line = refused(pledges("edit", pledge_id, "--target", "20"))
    assert "待审核" in line and "amend" in line
    assert snapshot(tree, pledge_id) == before


def test_withdraw_with_reason_ends_the_pledge(pledges, tree):
    pledge_id = pledge_in(pledges, "approved")
    ok(pledges("withdraw", pledge_id, "--reason", "与支部承诺重复"))
    assert pledge_row(tree, pledge_id).state == "withdrawn"
    assert last_step(pledges, pledge_id)["reason"] == "与支部承诺重复"
    before = snapshot(tree, pledge_id)
    line = refused(pledges("submit", pledge_id))
    assert "已撤回" in line
    assert snapshot(tree, pledge_id) == before


def test_fail_with_reason_marks_it_unfulfilled(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")
    ok(pledges("fail", pledge_id, "--reason", "资金未到位"))
    row = pledge_row(tree, pledge_id)
    assert (row.state, row.outcome, row.finished_on) == ("unfulfilled", "unfulfilled", TODAY)
    step = last_step(pledges, pledge_id)
    assert (step["trigger"], step["from"], step["to"], step["reason"]) == (
        "fail", "in_progress", "unfulfilled", "资金未到位")
    ok(pledges("evaluate", pledge_id, "--grade", "fail"))
    assert listing(pledges)[0]["outcome"] == "unfulfilled"  # the outcome stays after evaluation


def test_extend_moves_the_due_date_and_keeps_the_original(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    said = ok(pledges("extend", pledge_id, "--due", "2026-11-30", "--reason", "汛期停工")).stdout
    assert said == f"承诺 {pledge_id}：完成时限延至 2026-11-30（已亮诺）\n"  # the new date, not 已亮诺 → 已亮诺
    record = listing(pledges)[0]
    assert (record["state"], record["due"], record["original_due"]) == ("displayed", "2026-11-30", "2026-09-30")
    row = pledge_row(tree, pledge_id)
    assert (row.due, row.original_due) == (date(2026, 11, 30), date(2026, 9, 30))
    step = last_step(pledges, pledge_id)
    assert (step["trigger"], step["from"], step["to"], step["reason"]) == (
        "extend", "displayed", "displayed", "汛期停工")


def test_extend_to_an_earlier_or_outside_date_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "approved")
    before = snapshot(tree, pledge_id)
    assert "2026-08-01" in refused(pledges("extend", pledge_id, "--due", "2026-08-01", "--reason", "x"))
    assert "2027-02-01" in refused(pledges("extend", pledge_id, "--due", "2027-02-01", "--reason", "x"))
    assert snapshot(tree, pledge_id) == before


def test_amend_goes_back_to_submitted_and_keeps_the_old_content(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")
    ok(pledges("amend", pledge_id, "--title", "走访困难群众20户", "--target", "20", "--reason", "扩大走访范围"))
    view = show(pledges, pledge_id)
    assert (view["state"], view["title"], view["target"]) == ("submitted", "走访困难群众20户", 20)
    assert [(v["number"], v["title"], v["target"], v["reason"]) for v in view["versions"]] == [
        (1, "走访困难群众", 12, "扩大走访范围")]
    assert steps_of(view["history"][-1:]) == [("amend", "in_progress", "submitted")]
    with tree.session() as session:
        assert session.scalar(select(func.count()).select_from(PledgeVersion)) == 1
    assert "走访困难群众" in ok(pledges("show", pledge_id, env=WIDE)).stdout.split("历史版本")[1]


def test_amend_without_changes_is_refused(pledges, tree):
    pledge_id = pledge_in(pledges, "displayed")
    before = snapshot(tree, pledge_id)
    assert "--title" in refused(pledges("amend", pledge_id, "--reason", "没有改动"))
    assert snapshot(tree, pledge_id) == before


def test_complete_below_target_needs_a_note(pledges, tree):
    pledge_id = pledge_in(pledges, "in_progress")  # 3 of 12 done
    before = snapshot(tree, pledge_id)
    assert "3" in refused(pledges("complete", pledge_id))
    assert snapshot(tree, pledge_id) == before
    ok(pledges("complete", pledge_id, "--note", "组织确认已完成"))
    assert pledge_row(tree, pledge_id).outcome == "fulfilled"


def test_a_qualitative_pledge_records_notes_and_completes_with_a_confirmation(pledges, tree):
    pledge_id = add(pledges, "--qualitative", "--criterion", "全年无违规", target=None, unit=None)
    for command, *args in (("submit",), ("approve",), ("display", "--channel", "household")):
        ok(pledges(command, pledge_id, *args))
    before = snapshot(tree, pledge_id)
    assert "--note" in refused(pledges("progress", pledge_id))
    assert "--note" in refused(pledges("progress", pledge_id, "--amount", "2", "--note", "x"))
    assert snapshot(tree, pledge_id) == before
    ok(pledges("progress", pledge_id, "--note", "分类检查合格"))
    assert "--note" in refused(pledges("complete", pledge_id))
    ok(pledges("complete", pledge_id, "--note", "全年检查无违规"))
    view = show(pledges, pledge_id)
    assert (view["state"], view["outcome"], view["done"]) == ("fulfilled", "fulfilled", 0)
    assert [p["note"] for p in view["progress"]] == ["分类检查合格"]
    assert view["history"][-1]["reason"] == "全年检查无违规"


# --- bulk display -----------------------------------------------------------------------------


def test_bulk_display_moves_only_approved_pledges_of_the_subtree(pledges, tree):
    v1 = pledge_in(pledges, "approved")
    v2 = pledge_in(pledges, "approved", org="DX-V2", member="M002")
    submitted = pledge_in(pledges, "submitted")
    outside = pledge_in(pledges, "approved", org="SX-V1")
    before = counts(tree)
    out = ok(pledges("display", "--org", "DX", "--all-approved", "--channel", "board")).stdout
    assert "2" in out and "DX" in out and "公示栏" in out
    states = {r["id"]: r["state"] for r in listing(pledges)}
    assert states == {v1: "displayed", v2: "displayed", submitted: "submitted", outside: "approved"}
    assert events_by_trigger(tree, "display") == [v1, v2]
    after = counts(tree)
    assert after["AuditEvent"] - before["AuditEvent"] == 2
    assert after["DisplayRecord"] - before["DisplayRecord"] == 2
    assert steps_of(show(pledges, v2)["history"][-1:]) == [("display", "approved", "displayed")]
    assert show(pledges, v1)["history"][-1]["actor"] == ACTOR
    again = ok(pledges("display", "--org", "DX", "--all-approved", "--channel", "board")).stdout
    assert "无需操作" in again and counts(tree) == after


def test_bulk_display_needs_a_channel_and_no_ids(pledges, tree):
    pledge_id = pledge_in(pledges, "approved")
    before = snapshot(tree, pledge_id)
    assert "--channel" in refused(pledges("display", "--org", "DX", "--all-approved"))
    usage_error(pledges("display", pledge_id, "--org", "DX", "--all-approved", "--channel", "board"))
    usage_error(pledges("display", "--all-approved", "--channel", "board"))
    assert "NOPE" in refused(pledges("display", "--org", "NOPE", "--all-approved", "--channel", "board"))
    assert snapshot(tree, pledge_id) == before


# --- several ids --------------------------------------------------------------------------------


def test_several_ids_move_together(pledges, tree):
    first, second = add(pledges), add(pledges, org="DX-V2")
    out = ok(pledges("submit", first, second)).stdout
    assert f"承诺 {first}" in out and f"承诺 {second}" in out
    ok(pledges("approve", first, second))
    ok(pledges("display", first, second, "--channel", "website"))
    assert [r["state"] for r in listing(pledges)] == ["displayed", "displayed"]
    with tree.session() as session:
        assert session.scalar(select(func.count()).select_from(DisplayRecord)) == 2


def test_one_refused_id_moves_none(pledges, tree):
    good, bad = pledge_in(pledges, "submitted"), add(pledges)
    before = {good: snapshot(tree, good), bad: snapshot(tree, bad)}
    line = refused(pledges("approve", good, bad))
    assert str(bad) in line and "草拟" in line
    assert {good: snapshot(tree, good), bad: snapshot(tree, bad)} == before
    assert "2" in refused(pledges("--lang", "en", "approve", good, bad))


# --- pledges lifecycle ------------------------------------------------------------------------

EXPECTED = {
    "submit": (["draft"], "submitted"), "approve": (["submitted"], "approved"), "return": (["submitted"], "draft"),
    "display": (["approved"], "displayed"), "record_progress": (["displayed", "in_progress"], "in_progress"),
    "complete": (["in_progress"], "fulfilled"), "fail": (["displayed", "in_progress"], "unfulfilled"),
    "evaluate": (["fulfilled", "unfulfilled"], "evaluated"), "amend": (["displayed", "in_progress"], "submitted"),
    "withdraw": (["draft", "submitted", "approved"], "withdrawn"),
}


def test_lifecycle_mermaid_names_every_trigger(pledges, tree):
    out = ok(pledges("lifecycle", "--format", "mermaid")).stdout
    assert "stateDiagram" in out
    missing = [t for t in TRIGGERS if not re.search(rf"\b{t}\b", out)]
    assert missing == []
    assert "draft --> submitted" in out


def test_lifecycle_json_lists_all_eleven_triggers_as_the_spec_says(pledges, tree):
    rows = [row for row in as_json(pledges("lifecycle", "--format", "json")) if row["trigger"] != "correct_progress"]
    assert sorted(row["trigger"] for row in rows) == sorted(TRIGGERS) and len(rows) == 11
    by_trigger = {row["trigger"]: row for row in rows}
    for trigger, (sources, dest) in EXPECTED.items():
        assert (sorted(by_trigger[trigger]["from"]), by_trigger[trigger]["to"]) == (sorted(sources), dest)
    assert sorted(by_trigger["extend"]["from"]) == ["approved", "displayed", "in_progress"]
    assert by_trigger["extend"]["to"] in (None, "same")


def test_lifecycle_table_has_chinese_labels(pledges, tree):
    out = ok(pledges("lifecycle", env=WIDE)).stdout
    for text in ("承诺生命周期", "提交", "审核通过", "延期", "草拟", "已评诺", "reason_given"):
        assert text in out
    assert "Pledge lifecycle" in ok(pledges("--lang", "en", "lifecycle", env=WIDE)).stdout


# --- issue 8: lifecycle guards through the real command ----------------------------------------

EN = {"PLEDGES_LANG": "en"}


def test_progress_far_past_the_target_needs_confirm_over(pledges, tree):
    """Defect 8: 2147483647 on a target of 12 was accepted, and the next entry said "maximum is 0"."""
    pledge_id = pledge_in(pledges, "in_progress")  # 3 of 12 户 done
    before = counts(tree)
    line = refused(pledges("progress", pledge_id, "--amount", "2147483647", env=EN))
    assert line.endswith(f"pledge {pledge_id} has a target of 12 户, 3 done, 9 left; 2147483647 more would make "
                    f"2147483650, over twice the target (24), so the largest amount accepted is 21: check the "
                    f"amount, or add --confirm-over if it really is so")
    assert "--confirm-over" in refused(pledges("progress", pledge_id, "--amount", "22"))  # Chinese too
    assert counts(tree) == before and pledge_row(tree, pledge_id).done == 3
    ok(pledges("progress", pledge_id, "--amount", "21"))
    ok(pledges("progress", pledge_id, "--amount", "100", "--note", "全镇推广", "--confirm-over"))
    line = refused(pledges("progress", pledge_id, "--amount", "2147483647", "--confirm-over", env=EN))
    assert line.endswith(f"pledge {pledge_id}: 124 done, and 2147483647 more would pass 2147483647, the largest "
                    f"number the ledger stores: at most 2147483523 more can be recorded")
    assert pledge_row(tree, pledge_id).done == 124
    assert [p["amount"] for p in show(pledges, pledge_id)["progress"]] == [3, 21, 100]
    assert "--confirm-over" in ok(pledges("progress", "--help")).stdout


def test_display_before_the_approval_day_is_refused(pledges, tree):
    """Defect 9: `display --date` earlier than the approval was accepted."""
    pledge_id = pledge_in(pledges, "approved")  # approved today, 2026-06-15
    before = counts(tree)
    line = refused(pledges("display", pledge_id, "--channel", "board", "--date", "2026-06-14", env=EN))
    assert line.endswith("date 2026-06-14 is before the pledge was approved (2026-06-15): it cannot be displayed before that")
    assert counts(tree) == before
    other = pledge_in(pledges, "approved")
    line = refused(pledges("display", "--org", "DX", "--all-approved", "--channel", "board", "--date", "2026-06-01"))
    assert "2026-06-15" in line and counts(tree)["DisplayRecord"] == 0  # the bulk display checks it too
    assert {pledge_row(tree, i).state for i in (pledge_id, other)} == {"approved"}
    ok(pledges("display", pledge_id, "--channel", "board", "--date", "2026-06-15"))
    assert show(pledges, pledge_id)["displays"][0]["day"] == "2026-06-15"


def test_a_pledge_of_an_ended_campaign_moves_with_a_warning(pledges, tree):
    """Defect 9: a pledge of last year's campaign moved through its life without a word.  Each step
    taken today warns on stderr (one line); steps dated inside the campaign (--date) do not."""
    pledge_id = add(pledges, due="2025-09-30", campaign="2025")
    result = ok(pledges("submit", pledge_id, env=EN))
    assert result.stderr.strip().splitlines() == [
        f"note: pledge {pledge_id} belongs to the 2025 campaign (2025-01-01 to 2025-12-31) and 2026-06-15 is "
        f"outside it; recorded all the same (to enter a past record late, give its day with --date)"]
    for args in (("approve", "--date", "2025-03-02"), ("display", "--channel", "board", "--date", "2025-03-05"),
                 ("progress", "--amount", "12", "--date", "2025-09-01")):
        result = ok(pledges(args[0], pledge_id, *args[1:]))
        assert result.stderr == "", args  # a late entry, dated inside its campaign
    result = ok(pledges("complete", pledge_id))
    assert len(result.stderr.strip().splitlines()) == 1 and "2025" in result.stderr
    row = pledge_row(tree, pledge_id)
    assert (row.state, row.approved_on, row.last_progress_on) == ("fulfilled", date(2025, 3, 2), date(2025, 9, 1))


def test_a_future_campaign_warns_too(pledges, tree):
    pledge_id = add(pledges, due="2027-03-31", campaign="2027")
    assert "2027" in ok(pledges("submit", pledge_id)).stderr
    assert pledge_row(tree, pledge_id).state == "submitted"


def test_campaign_zero_and_years_out_of_range_are_refused(pledges, tree):
    """Defect 9: `--campaign 0` meant this year."""
    before = counts(tree)
    for year in ("0", "-1", "1999", "2101"):
        line = refused(pledges("add", "--org", "DX-V1", "--title", "t", "--target", "1", "--unit", "户",
                               "--due", "2026-09-30", "--campaign", year, env=EN))
        assert line.endswith(f"campaign year {year} is not valid: give a year from 2000 to 2100"), year
        assert refused(pledges("list", "--campaign", year, env=EN)) == line
        assert refused(pledges("dashboard", "--campaign", year, env=EN)) == line
    assert counts(tree) == before


def test_dashboard_as_of_outside_the_campaign_warns(pledges, tree):
    """Defect 9: `dashboard --as-of` outside the campaign answered empty figures without a word."""
    add(pledges)
    result = ok(pledges("dashboard", "--as-of", "2025-06-01", "--format", "json", env=EN))
    assert result.stderr.strip() == ("note: there is no 2025 campaign for 2025-06-01, so the figures are empty "
                                     "(campaigns in the ledger: 2026); pass --campaign YEAR")
    assert as_json(result)["totals"]["declared"] == 0
    result = ok(pledges("dashboard", "--as-of", "2025-12-31", "--campaign", "2026", "--format", "json", env=EN))
    assert result.stderr.strip() == ("note: 2025-12-31 is before the 2026 campaign starts (2026-01-01), so the "
                                     "figures are empty")
    assert ok(pledges("dashboard", "--as-of", "2026-06-15", "--format", "json")).stderr == ""


def test_evaluate_without_grade_or_organisation_rating_is_refused_and_writes_nothing(pledges, tree):
    """Defect 10: the has_org_rating guard ran after the rating it asks for had been written."""
    pledge_id = pledge_in(pledges, "in_progress")
    ok(pledges("complete", pledge_id, "--note", "已确认"))
    before = counts(tree)
    line = refused(pledges("evaluate", pledge_id, "--comment", "好", env=EN))
    assert line.endswith(f"pledge {pledge_id} has no organisation rating yet: use `pledges evaluate {pledge_id} --grade GRADE`")
    assert counts(tree) == before and pledge_row(tree, pledge_id).state == "fulfilled"
    ok(pledges("evaluate", pledge_id, "--grade", "pass"))
    assert [(e["rater_group"], e["grade"]) for e in show(pledges, pledge_id)["evaluations"]] == [
        ("organisation", "pass")]
