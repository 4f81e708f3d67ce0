"""The tests' own house rules: a test module imports no other test module and no conftest.py
(what tests share lives in tests/support/, fixtures in conftest.py files), and the helpers of
tests/support/ hold no fixtures and no tests."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_tests_import_only_the_support_package_from_tests():
    wrong = []
    for path in sorted(TESTS.rglob("*.py")):
        for module in imported_modules(path):
            parts = module.split(".")
            if parts[0] != "tests" or module == "tests" or parts[1] == "support":
                continue
            wrong.append(f"{path.relative_to(TESTS.parent)} imports {module}")
    assert wrong == []


def test_the_support_package_holds_no_fixtures_and_no_tests():
    wrong = []
    for path in sorted((TESTS / "support").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                if node.name.startswith("test_"):
                    wrong.append(f"{path.name}: {node.name} is a test")
                if any("fixture" in ast.unparse(d) for d in node.decorator_list):
                    wrong.append(f"{path.name}: {node.name} is a fixture")
    assert wrong == []
