"""The error classes: pusm base, the builtin a user of the original would catch."""

from __future__ import annotations

import unittest

import pusm
from pusm import errors


class ErrorTest(unittest.TestCase):
    def test_hierarchy(self) -> None:
        expected = {
            "InvalidPrefixError": ValueError,
            "AlreadyExistsError": FileExistsError,
            "NotFoundError": FileNotFoundError,
            "VersionMismatchError": RuntimeError,
            "CorruptHookError": RuntimeError,
            "CorruptDataError": RuntimeError,
            "OutOfBoundsError": IndexError,
            "InvalidLengthError": ValueError,
            "InvalidUtf8Error": ValueError,
            "PusmTimeoutError": TimeoutError,
            "PeerClosedError": ConnectionError,
            "PeerDiedError": ConnectionError,
            "RoleTakenError": RuntimeError,
            "InvalidResizeError": ValueError,
            "UnsafeFileError": PermissionError,
            "SchemaMismatchError": ValueError,
            "ClosedError": ValueError,
            "InvalidArgumentError": ValueError,
            "InvalidTypeError": TypeError,
            "ValueOutOfRangeError": ValueError,
        }
        for name, builtin in expected.items():
            cls = getattr(pusm, name)
            self.assertIs(cls, getattr(errors, name))
            self.assertTrue(issubclass(cls, pusm.PusmError), name)
            self.assertTrue(issubclass(cls, builtin), name)
        self.assertTrue(issubclass(pusm.PusmError, Exception))
        self.assertEqual(set(expected) | {"PusmError"}, set(errors.__all__))

    def test_attributes(self) -> None:
        err = pusm.VersionMismatchError("v", found=2, expected=1)
        self.assertEqual((err.found, err.expected), (2, 1))
        oob = pusm.OutOfBoundsError("o", offset=5, length=4, capacity=8)
        self.assertEqual((oob.offset, oob.length, oob.capacity), (5, 4, 8))

    def test_schema_mismatch_message(self) -> None:
        err = pusm.SchemaMismatchError(expected=0x811C9DC5, found=-1)
        self.assertEqual(
            str(err), "schema mismatch: expected fingerprint 0x811c9dc5, found 0xffffffff"
        )
        self.assertEqual((err.expected, err.found), (0x811C9DC5, -1))

    def test_exports(self) -> None:
        self.assertEqual((pusm.ROLE_PYTHON, pusm.ROLE_UNITY), ("python", "unity"))
        self.assertTrue(callable(pusm.delete_files))
        self.assertIsInstance(pusm.__version__, str)
        for name in pusm.__all__:
            self.assertTrue(hasattr(pusm, name), name)
