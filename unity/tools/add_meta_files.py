#!/usr/bin/env python3
"""Adds the Unity `.meta` file every asset of the pusm package needs.

Unity ignores files without a `.meta` in packages installed from a git URL
(they are read-only), so every file and folder of `com.pusm.runtime` (except
the `Samples~` folder, which Unity does not import) has one, committed.
Run this after adding a file; it never changes an existing `.meta`. The GUID
is derived from the asset's path, so a rerun gives the same answer.

    python3 unity/tools/add_meta_files.py
"""

import hashlib
import os
import sys

PACKAGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "com.pusm.runtime")

FOOTER = "  externalObjects: {}\n  userData: \n  assetBundleName: \n  assetBundleVariant: \n"

IMPORTERS = {
    ".cs": (
        "MonoImporter:\n  externalObjects: {}\n  serializedVersion: 2\n  defaultReferences: []\n"
        "  executionOrder: 0\n  icon: {instanceID: 0}\n  userData: \n  assetBundleName: \n"
        "  assetBundleVariant: \n"
    ),
    ".asmdef": "AssemblyDefinitionImporter:\n" + FOOTER,
    ".json": "PackageManifestImporter:\n" + FOOTER,
    ".md": "TextScriptImporter:\n" + FOOTER,
}


def guid(relative_path: str) -> str:
    return hashlib.md5(("com.pusm.runtime/" + relative_path).encode("utf-8")).hexdigest()


def meta_text(relative_path: str, is_dir: bool) -> str:
    head = "fileFormatVersion: 2\nguid: %s\n" % guid(relative_path)
    if is_dir:
        return head + "folderAsset: yes\nDefaultImporter:\n" + FOOTER
    importer = IMPORTERS.get(os.path.splitext(relative_path)[1], "DefaultImporter:\n" + FOOTER)
    return head + importer


def assets(root: str):
    """Every file and folder Unity imports, as paths relative to the package."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.endswith("~") and not d.startswith("."))
        rel_folder = os.path.relpath(folder, root)
        for name in dirs:
            yield os.path.normpath(os.path.join(rel_folder, name)), True
        for name in sorted(files):
            if not name.endswith(".meta") and not name.startswith("."):
                yield os.path.normpath(os.path.join(rel_folder, name)), False


def main() -> int:
    root = os.path.normpath(PACKAGE)
    added = 0
    for relative, is_dir in assets(root):
        meta = os.path.join(root, relative + ".meta")
        if not os.path.exists(meta):
            with open(meta, "w", encoding="utf-8", newline="\n") as out:
                out.write(meta_text(relative.replace(os.sep, "/"), is_dir))
            added += 1
    print("added %d .meta file(s)" % added)
    return 0


if __name__ == "__main__":
    sys.exit(main())
