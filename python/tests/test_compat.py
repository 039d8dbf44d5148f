"""The package stays within Python 3.8's grammar (its oldest supported version).

Only 3.11 is installed where the tests run: ``ast.parse`` with ``feature_version``
rejects syntax newer than 3.8 (``match``, ``except*``, parenthesized context
managers). Library calls newer than 3.8 are not caught here.
"""

from __future__ import annotations

import ast
import glob
import os
import unittest

PACKAGE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pusm")


class GrammarTest(unittest.TestCase):
    def test_every_module_parses_as_python_3_8(self) -> None:
        modules = sorted(glob.glob(os.path.join(PACKAGE, "*.py")))
        self.assertGreater(len(modules), 3)
        for path in modules:
            with open(path, encoding="utf-8") as source:
                text = source.read()
            with self.subTest(module=os.path.basename(path)):
                ast.parse(text, path, feature_version=(3, 8))

    def test_newer_syntax_is_rejected(self) -> None:
        # The check itself works: a `match` statement is 3.10 syntax.
        with self.assertRaises(SyntaxError):
            ast.parse("match x:\n    case 1:\n        pass\n", feature_version=(3, 8))


if __name__ == "__main__":
    unittest.main()
