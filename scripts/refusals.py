"""Which messages of ``pledges.i18n.MESSAGES`` are refusals: found in the source with ``ast``, so
that a new refusal cannot be left out of 常见问题 (docs/zh/faq.md).

A key is a refusal when the code hands it to something that refuses or reports a problem:

- an error class (``PledgeError`` and every class below it, click's usage errors, the sheets'
  ``CellProblem`` and ``Problem``), as a literal argument or as the class's own ``key = "…"``;
- a function that forwards one of its parameters to such a call as the first argument or as one
  named ``key`` (``_refuse(key, …)``, ``ingest.problem(…, key, …)``, ``say_problems(key, …)``),
  found the same way, to a fixpoint;
- a local name passed as that argument: every key literal in the statements that give the name
  its value (``key = "a" if … else "b"``, a loop over a list of problems, a module-level table);
- anything said in ``cli/failures.py``, the module that words usage errors.

The scan over-collects rather than under-collects: a key it finds needs advice in
``pledges.advice``; advice for a key nobody uses is refused by the tests too."""

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = ("pledges", "workflows", "board", "demo", "cli")
ERROR_ROOTS = {"PledgeError", "CellProblem", "Problem", "UsageError", "BadParameter", "ClickException"}
SAID_IN_FULL = ("cli/failures.py",)  # every message of these modules is part of an error


def _name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _key_args(call: ast.Call) -> list[ast.AST]:
    return [*call.args, *(k.value for k in call.keywords if k.arg in ("key", "key_"))]


def _is_key_param(name: str) -> bool:
    return name == "key" or name.startswith("key_") or name.endswith("_key")


@cache
def program_trees() -> dict[str, ast.Module]:
    return parsed({str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
                   for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))})


def strings_in_code() -> set[str]:
    """Every string literal of the program (a message key nobody names is not said)."""
    return {s for tree in program_trees().values() for s in _strings(tree)}


def _functions(tree: ast.Module):
    return [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def parsed(sources: dict[str, str]) -> dict[str, ast.Module]:
    """``{path: source}`` as the scan reads it (for a test's own snippets)."""
    return {path: ast.parse(source, path) for path, source in sources.items()}


def refusers(trees: dict[str, ast.Module]) -> set[str]:
    """Names of the error classes and of the functions that forward a key to one."""
    found = set(ERROR_ROOTS)
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if node_name := _refuser(node, found):
                    found.add(node_name)
                    grown = True
    return found


def _refuser(node: ast.AST, found: set[str]) -> str | None:
    if isinstance(node, ast.ClassDef) and node.name not in found:
        return node.name if any(_name(base) in found for base in node.bases) else None
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name not in found:
        params = {a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)}
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and _name(call.func) in found and any(
                    isinstance(arg, ast.Name) and arg.id in params and (i == 0 or _is_key_param(arg.id))
                    for i, arg in enumerate(_key_args(call))):
                return node.name
    return None


def _writes(statement: ast.AST) -> tuple[set[str], ast.AST | None]:
    """The names a statement gives a value, and the expression it reads them from."""
    if isinstance(statement, ast.Assign):
        return {n.id for t in statement.targets for n in ast.walk(t) if isinstance(n, ast.Name)}, statement.value
    if isinstance(statement, (ast.AugAssign, ast.AnnAssign)) and statement.value is not None:
        return {n.id for n in ast.walk(statement.target) if isinstance(n, ast.Name)}, statement.value
    if isinstance(statement, (ast.For, ast.comprehension)):
        return {n.id for n in ast.walk(statement.target) if isinstance(n, ast.Name)}, statement.iter
    if (isinstance(statement, ast.Call) and isinstance(statement.func, ast.Attribute)
            and statement.func.attr in ("append", "extend", "add") and isinstance(statement.func.value, ast.Name)):
        return {statement.func.value.id}, statement
    return set(), None


def _traced(names: set[str], function: ast.AST | None, module: ast.Module) -> set[str]:
    """Every string in the expressions that give ``names`` (and, in turn, what those read) a value,
    inside ``function`` or at the top level of its module."""
    statements = [*(ast.walk(function) if function is not None else ()), *module.body]
    strings: set[str] = set()
    seen = set(names)
    todo = set(names)
    while todo:
        todo = set()
        for node in statements:
            written, source = _writes(node)
            if source is not None and written & seen:
                strings |= _strings(source)
                read = {n.id for n in ast.walk(source) if isinstance(n, ast.Name)} - seen
                seen |= read
                todo |= read
    return strings


def refusal_keys(messages, trees: dict[str, ast.Module] | None = None) -> dict[str, str]:
    """Every refusal's message key, with where it was first found (``path:line``): in the
    program's source, or in ``trees``."""
    trees = program_trees() if trees is None else trees
    makers = refusers(trees)
    found: dict[str, str] = {}

    def add(strings, path: str, line: int) -> None:
        for key in sorted(strings):
            if key in messages:
                found.setdefault(key, f"{path}:{line}")

    for path, tree in trees.items():
        if path in SAID_IN_FULL:
            add(_strings(tree), path, 1)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in makers:
                for statement in node.body:
                    if isinstance(statement, ast.Assign) and any(_name(t) == "key" for t in statement.targets):
                        add(_strings(statement.value), path, statement.lineno)
        for function in [None, *_functions(tree)]:
            for call in ast.walk(function or tree):
                if not (isinstance(call, ast.Call) and _name(call.func) in makers):
                    continue
                for arg in _key_args(call):
                    if isinstance(arg, ast.Name):
                        add(_traced({arg.id}, function, tree), path, call.lineno)
                    else:
                        add(_strings(arg) if isinstance(arg, (ast.Constant, ast.IfExp, ast.BoolOp)) else (),
                            path, call.lineno)
    return dict(sorted(found.items()))
