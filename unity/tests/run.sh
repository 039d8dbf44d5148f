#!/usr/bin/env bash
# Compiles the pusm C# runtime and its tests with Mono's mcs and runs them with mono.
# Exit code: 0 if every test passed.
#   unity/tests/run.sh            # both backends (Linux native + portable MemoryMappedFile)
#   unity/tests/run.sh Resize     # only tests whose name contains "Resize"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
package="$here/../com.pusm.runtime"
runtime="$package/Runtime"

for tool in mcs mono; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' not found (apt-get install mono-mcs mono-runtime)" >&2; exit 2; }
done

build="$(mktemp -d "${TMPDIR:-/tmp}/pusm-cs-build.XXXXXX")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/pusm-cs-tmp.XXXXXX")"
trap 'rm -rf "$build" "$tmp"' EXIT

# C# 7.2 is the newest mcs accepts: value tuples, no records/init/file-scoped namespaces.
MCS=(mcs -langversion:7.2 -unsafe -debug -warnaserror+)
"${MCS[@]}" -target:exe -out:"$build/Peer.exe" "$runtime"/*.cs "$here/Peer.cs"
# The package's Tests/Editor classes run here too, against a minimal NUnit API (NUnitShim.cs).
"${MCS[@]}" -target:exe -out:"$build/RuntimeTests.exe" -r:System.Core.dll "$runtime"/*.cs \
    "$here"/RuntimeTests.cs "$here"/TwoProcessTests.cs "$here"/RaceTests.cs "$here"/NUnitShim.cs "$here"/NUnitRunner.cs "$package"/Tests/Editor/*.cs

# The Editor scripts (importer, menu), against stand-in UnityEngine/UnityEditor assemblies.
"${MCS[@]}" -target:library -out:"$build/UnityEngine.dll" "$here"/standin/UnityEngine.cs
"${MCS[@]}" -target:library -out:"$build/UnityEditor.dll" -r:"$build/UnityEngine.dll" "$here"/standin/UnityEditor.cs
"${MCS[@]}" -target:library -out:"$build/Pusm.Editor.dll" -r:"$build/UnityEngine.dll" -r:"$build/UnityEditor.dll" "$package"/Editor/*.cs
"${MCS[@]}" -target:exe -out:"$build/EditorTests.exe" -r:System.Core.dll -r:"$build/UnityEngine.dll" -r:"$build/UnityEditor.dll" \
    -r:"$build/Pusm.Editor.dll" "$here"/NUnitShim.cs "$here"/NUnitRunner.cs "$here"/EditorToolTests.cs

# The samples compile against the runtime and the generated classes of the repository's schemas
# (the Robot sample ships the schemas themselves; its C# is generated when imported into a project).
for schema in robot common; do
    cmp -s "$package/Samples~/Robot/$schema.pusm" "$here/../../schemas/$schema.pusm" ||
        { echo "run.sh: Samples~/Robot/$schema.pusm differs from schemas/$schema.pusm: copy it again" >&2; exit 1; }
done
"${MCS[@]}" -target:library -out:"$build/Samples.dll" -r:"$build/UnityEngine.dll" "$runtime"/*.cs \
    "$here"/../../examples/csharp/Generated/*.cs "$package"/Samples~/*/*.cs

status=0
echo "== Editor scripts"
(cd "$build" && TMPDIR="$tmp" mono --debug "$build/EditorTests.exe" "$@") || status=1
for backend in native managed; do
    flag=""
    [ "$backend" = managed ] && flag="--managed"
    echo "== backend: $backend"
    # a fresh private temp dir: the shared memory directory is $TMPDIR/python_unity_shared_memory
    mkdir -p "$tmp/$backend"
    TMPDIR="$tmp/$backend" mono --debug "$build/RuntimeTests.exe" "$build/Peer.exe" $flag "$@" || status=1
done
exit $status
