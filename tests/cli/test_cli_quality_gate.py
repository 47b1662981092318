"""The quality rules at ``add`` and ``submit`` (docs/evaluation.md "At add and submit"): warnings
on stderr and exit 0 by default; refusals (one line, exit 1, nothing written) once the campaign
is set to refuse them, for the rules that make a pledge not checkable and vague words."""

from sqlalchemy import func, select

from cli_support import add, ok, refused, walk
from pledges.models import Campaign, Pledge

VAGUE = ("--qualitative", "--criterion", "认真做好各项工作")


def pledge_count(ledger) -> int:
    with ledger.session() as session:
        return session.scalar(select(func.count()).select_from(Pledge))


def test_add_and_submit_warn_and_go_on(pledges, tree):
    result = ok(pledges("add", "--org", "DX-V1", "--title", "积极参加活动", *VAGUE, "--due", "2026-09-30"))
    pledge_id = int(result.stdout)
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"已创建承诺 {pledge_id}：积极参加活动（草拟）",
        f"提醒：承诺 {pledge_id} L001 标题用了「积极」等空泛用语，却没有数量。建议：写明做什么、做多少，如：走访困难群众 12 户",
        f"提醒：承诺 {pledge_id} L003 定性承诺的完成标准只有空泛用语：「认真做好各项工作」。"
        "建议：写明看得见、查得到的标准，如：全年无安全生产责任事故；通过镇党委验收",
    ]
    result = ok(pledges("--lang", "en", "submit", pledge_id))
    assert result.stdout == f"pledge {pledge_id}: draft → submitted\n"
    assert result.stderr.splitlines()[0].startswith(f"warning: pledge {pledge_id} L001 the title says")


def test_a_checkable_pledge_gets_no_warning(pledges, tree):
    result = ok(pledges("add", "--org", "DX-V1", "--title", "走访困难群众", "--target", "12", "--unit", "户",
                        "--due", "2026-09-30"))
    assert result.stderr == f"已创建承诺 {result.stdout.strip()}：走访困难群众（草拟）\n"


def test_a_campaign_set_to_refuse_refuses_at_add_and_submit(pledges, tree):
    earlier = add(pledges, *VAGUE, title="积极参加活动", target=None, unit=None)  # added while it only warned
    ok(pledges("campaign", "set", "--campaign", "2026", "--lint-refuses"))
    with tree.session() as session:
        assert session.scalar(select(Campaign.lint_refuses).where(Campaign.year == 2026)) is True
    before = pledge_count(tree)
    line = refused(pledges("add", "--org", "DX-V1", "--title", "加强学习教育", *VAGUE, "--due", "2026-09-30"))
    assert line.startswith("错误：承诺「加强学习教育」未通过质量检查 L001：")
    assert line.endswith("（本活动设置为不通过即拒绝）")
    assert pledge_count(tree) == before
    assert refused(pledges("submit", earlier)).startswith(f"错误：承诺 {earlier} 未通过质量检查 L001")
    with tree.session() as session:
        assert session.get(Pledge, earlier).state == "draft"
    # a default due date (L005) stays a warning even now
    result = ok(pledges("add", "--org", "DX-V1", "--title", "走访困难群众", "--target", "12", "--unit", "户",
                        "--due", "2026-12-31"))
    assert "L005" in result.stderr
    walk(pledges, int(result.stdout), "submitted")
    ok(pledges("campaign", "set", "--lint-warns"))
    ok(pledges("submit", earlier))
