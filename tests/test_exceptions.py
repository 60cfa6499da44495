"""One error root: every error the package raises on purpose is a ``LivepeerError`` defined in ``exceptions.py``."""

import ast
import inspect
from pathlib import Path

from ape.exceptions import ApeException

import ape_livepeer_migration
from ape_livepeer_migration import exceptions

PACKAGE = Path(ape_livepeer_migration.__file__).parent
#: Builtins a module may still raise: they report a caller's programming error (a wrong argument type or
#: combination), not a refusal of the inputs or of the chains' state.
PROGRAMMING_ERRORS = {"TypeError", "IndexError", "NotImplementedError", "AssertionError"}
#: Ape's own errors, raised where the package stands in for Ape's contract calls (a batched read).
APE_ERRORS = {"ApeAttributeError", "ContractLogicError", "ContractNotFoundError"}


def _modules():
    return sorted(path for path in PACKAGE.rglob("*.py") if path.name != "exceptions.py")


def test_every_error_class_is_a_livepeer_error_and_an_ape_exception():
    classes = [
        cls for _, cls in inspect.getmembers(exceptions, inspect.isclass) if cls.__module__ == exceptions.__name__
    ]
    assert len(classes) > 20
    for cls in classes:
        assert issubclass(cls, exceptions.LivepeerError) and issubclass(cls, ApeException), cls


def test_no_module_defines_an_exception_class_of_its_own():
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                assert not bases & {"Exception", "RuntimeError", "ValueError", "KeyError", "LookupError"}, (
                    f"{path.relative_to(PACKAGE)}: {node.name} belongs in exceptions.py under LivepeerError"
                )


def test_the_package_raises_no_bare_builtin_for_a_refusal():
    allowed = PROGRAMMING_ERRORS | APE_ERRORS | {name for name in dir(exceptions) if not name.startswith("_")}
    for path in _modules():
        if path.parent.name == "_cli":
            continue  # click parameter types raise ValueError to click, which renders it
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and isinstance(node.exc.func, ast.Name):
                name = node.exc.func.id
                if name[0].isupper() and name.endswith(("Error", "Exception")):
                    assert name in allowed, f"{path.relative_to(PACKAGE)}:{node.lineno} raises {name}"
