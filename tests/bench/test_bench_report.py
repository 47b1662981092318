"""The results table: ratios, the verdicts on the targets, and counting a command's rows."""

from bench import report
from bench.report import Timing
from bench.run import json_rows, line_rows


def results(dashboard=0.3, overdue=0.5, help=0.05, task_overdue_rows=10, table=0.35, paired=None,
            first=0.2) -> dict[str, Timing]:
    given = {"dashboard_table": (table, 30), "dashboard": (dashboard, 17), "task_summary": (2.0, 20),
             "sql_dashboard": (0.2, 17), "overdue_table": (0.45, 14), "overdue": (overdue, 10),
             "task_overdue": (2.5, task_overdue_rows), "sql_overdue": (0.25, 10), "list_limit": (first, 52),
             "sql_list": (0.02, 50), "help": (help, None), "python_pass": (0.02, None)}
    return {k: Timing(k, k.replace("_", " "), f"run {k}", s, n if s is not None else None,
                      paired if k.endswith("_table") else None)
            for k, (s, n) in given.items()}


def verdicts(found):
    return {t.name: (t.measured, t.verdict) for t in found}


def test_targets_pass_when_fast_enough():
    assert verdicts(report.targets(results())) == {
        "dashboard table (whole tree) vs `task summary`": ("5.7× faster", "pass"),
        "`pledges overdue` table vs `task +OVERDUE list`": ("5.6× faster", "pass"),
        "dashboard JSON vs `task summary`": ("6.7× faster", "pass"),
        "dashboard JSON vs SQL floor": ("1.50×", "pass"),
        "`pledges list --limit 50`": ("0.200 s", "pass"),
        "`pledges --help` start-up": ("0.050 s", "pass"),
    }


def test_paired_runs_decide_the_speedup_of_the_tables():
    found = verdicts(report.targets(results(paired=4.2)))
    assert found["dashboard table (whole tree) vs `task summary`"] == ("4.2× faster", "miss")
    assert report.rows(results(paired=4.0))[0][5] == "0.25×"


def test_targets_miss_and_pend():
    found = verdicts(report.targets(results(dashboard=0.7, help=0.31, first=0.6)))
    assert found["dashboard JSON vs `task summary`"] == ("2.9× faster", "miss")
    assert found["dashboard JSON vs SQL floor"] == ("3.50×", "miss")
    assert found["`pledges --help` start-up"] == ("0.310 s", "miss")
    assert found["`pledges list --limit 50`"] == ("0.600 s", "miss")
    pending = verdicts(report.targets(results(dashboard=None, table=None)))
    assert pending["dashboard JSON vs `task summary`"] == ("—", "pending")
    assert pending["dashboard table (whole tree) vs `task summary`"] == ("—", "pending")
    assert pending["dashboard JSON vs SQL floor"] == ("—", "pending")


def test_rows_give_ratios_for_the_ledgers_commands_only_and_each_command_once():
    table = report.rows(results(overdue=None))
    assert table[0] == ["whole-city dashboard, table of the whole tree", "dashboard table", "0.350 s", "", "30",
                        "0.17×", "1.75×"]
    assert table[1] == ["", "task summary", "2.000 s", "", "20", "", ""]
    assert table[3] == ["whole-city dashboard, JSON", "dashboard", "0.300 s", "", "17", "0.15×", "1.50×"]
    assert table[5] == ["", "task overdue", "2.500 s", "", "10", "", ""]
    assert table[7] == ["overdue list, JSON", "overdue", "not yet", "", "", "—", "—"]
    assert table[8] == ["first 50 pledges, table", "list limit", "0.200 s", "", "52", "", "10.00×"]
    assert table[10] == ["start-up", "help", "0.050 s", "", "", "", "2.50×"]
    assert len(table) == 12


def test_markdown_has_the_context_the_tables_and_the_commands():
    text = report.as_markdown(results(), {"machine": "2 cores"})
    assert text.startswith("- machine: 2 cores\n")
    assert "| whole-city dashboard, JSON | dashboard | 0.300 s |  | 17 | 0.15× | 1.50× |" in text
    assert "| dashboard JSON vs SQL floor | ≤ 3× the floor | 1.50× | **pass** |" in text
    assert text.count("- task overdue: `run task_overdue`") == 1


def test_overdue_lists_of_different_lengths_are_reported():
    assert report.disagreements(results()) == []
    assert report.disagreements(results(overdue=None)) == []
    assert report.disagreements(results(task_overdue_rows=11)) == [
        "overdue lists differ: overdue 10, task overdue 11, sql overdue 10"]


def test_rows_are_counted_from_json_lists_objects_and_lines():
    assert json_rows('[[1], [2]]') == 2
    assert json_rows('{"as_of": "2026-06-15", "rows": [{}, {}, {}]}') == 3
    assert json_rows('{"total": 3}') is None
    assert line_rows("a\n\n b\n") == 2


def test_splice_replaces_only_the_marked_part():
    doc = f"# Title\n\nwords\n\n{report.BEGIN}\nold\n{report.END}\n\nmore words\n"
    assert report.splice(doc, "new\n") == f"# Title\n\nwords\n\n{report.BEGIN}\nnew\n{report.END}\n\nmore words\n"
    assert report.splice(None, "new") == f"{report.BEGIN}\nnew\n{report.END}\n"
    assert report.splice("# no markers\n", "new") == f"# no markers\n\n{report.BEGIN}\nnew\n{report.END}\n"
