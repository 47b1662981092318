"""``pledges board moderate`` through the real command (SQLite and PostgreSQL): the list, all or
none, the refusals; and what the rating workflow refuses before anything is written."""

import csv
import io
import json

import pytest
from sqlalchemy import select

from pledges.errors import RatingRefused
from pledges.models import Rating
from pledges.workflows.public_ratings import rate


def statuses(ledger) -> list[str]:
    with ledger.session() as session:
        return list(session.scalars(select(Rating.status).order_by(Rating.id)))


def test_moderate_lists_then_decides_all_or_none(pledges, ledger, make_pledge):
    assert pledges("board", "moderate").stdout.strip() == "没有待审核的群众评价"
    shown = make_pledge("displayed")
    first = rate(ledger, shown, "satisfied", "好", "a" * 32)
    second = rate(ledger, shown, "unsatisfied", None, "b" * 32)
    listed = json.loads(pledges("board", "moderate", "--format", "json").stdout)
    assert [(row["id"], row["grade"], row["comment"]) for row in listed] == [(first, "satisfied", "好"),
                                                                              (second, "unsatisfied", None)]
    for lang, answers in (("zh", ["满意", "不满意"]), ("en", ["satisfied", "unsatisfied"])):  # as the table shows them
        sheet = pledges("--lang", lang, "board", "moderate", "--format", "csv").stdout
        assert [(int(row["id"]), row["grade"]) for row in csv.DictReader(io.StringIO(sheet))] == [
            (first, answers[0]), (second, answers[1])]
    unknown = pledges("board", "moderate", "--approve", first, "--approve", 999)
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "错误：没有编号为 999 的群众评价"
    assert statuses(ledger) == ["pending", "pending"]  # all or none
    both = pledges("board", "moderate", "--approve", first, "--reject", first)
    assert both.exit_code == 2 and statuses(ledger) == ["pending", "pending"]
    done = pledges("--lang", "en", "board", "moderate", "--approve", first, "--reject", second)
    assert done.exit_code == 0 and done.stdout.splitlines() == [f"approved 1 public ratings: {first}",
                                                                f"rejected 1 public ratings: {second}"]
    assert statuses(ledger) == ["approved", "rejected"]
    assert pledges("board", "moderate", "--approve", first, env={"PLEDGES_USER": ""}).exit_code == 1


@pytest.mark.parametrize("state,grade,comment,key", [
    ("approved", "satisfied", None, "rating_not_on_board"),
    ("displayed", "great", None, "rating_bad_grade"),
    ("displayed", "fair", "长" * 501, "rating_too_long"),
])
def test_a_refused_rating_writes_nothing(ledger, make_pledge, state, grade, comment, key):
    pledge_id = make_pledge(state)
    with pytest.raises(RatingRefused) as refused:
        rate(ledger, pledge_id, grade, comment, "c" * 32)
    assert refused.value.key == key and statuses(ledger) == []


def test_the_board_shows_the_organisations_grade_of_an_evaluated_pledge(ledger, make_pledge):
    """The organisation's rating lives in ``rating`` since schema 5: the board reads it there."""
    from pledges.public import read_scope

    evaluated, shown = make_pledge("evaluated"), make_pledge("displayed")
    with ledger.session() as session:
        grade = session.scalar(select(Rating.grade).where(Rating.pledge_id == evaluated,
                                                          Rating.rater_group == "organisation"))
    scope = read_scope(ledger)
    assert grade is not None and scope.pledges[evaluated].grade == grade
    assert scope.pledges[shown].grade is None
