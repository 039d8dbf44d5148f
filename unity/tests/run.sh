#!/usr/bin/env bash
# Compiles the pusm C# runtime and its tests with Mono's mcs and runs them with mono.
# Exit code: 0 if every test passed.
#   unity/tests/run.sh            # both backends (Linux native + portable MemoryMappedFile)
#   unity/tests/run.sh Resize     # only tests whose name contains "Resize"
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
runtime="$here/../com.pusm.runtime/Runtime"

for tool in mcs mono; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' not found (apt-get install mono-mcs mono-runtime)" >&2; exit 2; }
done

build="$(mktemp -d "${TMPDIR:-/tmp}/pusm-cs-build.XXXXXX")"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/pusm-cs-tmp.XXXXXX")"
trap 'rm -rf "$build" "$tmp"' EXIT

# C# 7.2 is the newest mcs accepts: value tuples, no records/init/file-scoped namespaces.
MCS=(mcs -langversion:7.2 -unsafe -debug -warnaserror+)
"${MCS[@]}" -target:exe -out:"$build/Peer.exe" "$runtime"/*.cs "$here/Peer.cs"
"${MCS[@]}" -target:exe -out:"$build/RuntimeTests.exe" -r:System.Core.dll "$runtime"/*.cs "$here/RuntimeTests.cs"

status=0
for backend in native managed; do
    flag=""
    [ "$backend" = managed ] && flag="--managed"
    echo "== backend: $backend"
    # a fresh private temp dir: the shared memory directory is $TMPDIR/python_unity_shared_memory
    mkdir -p "$tmp/$backend"
    TMPDIR="$tmp/$backend" mono --debug "$build/RuntimeTests.exe" "$build/Peer.exe" $flag "$@" || status=1
done
exit $status
