#!/usr/bin/env bash
# Compiles the C# example programs with Mono's mcs, with the same flags as unity/tests/run.sh:
#   Echo.exe      the echo peer of examples/ECHO.md (used by the cross-language tests)
#   RobotSim.exe  the robot simulator (Unity role) that drives examples/python/agent.py
# Each is the program's source, pusm's C# runtime (unity/com.pusm.runtime/Runtime/*.cs) and the
# classes generated from schemas/ (examples/csharp/Generated/*.cs, made by
#   cargo run -p pusm-codegen -- --csharp examples/csharp/Generated \
#       schemas/common.pusm schemas/robot.pusm schemas/edge_cases.pusm).
#
#   examples/csharp/build.sh [OUT_DIR]    # OUT_DIR defaults to <repository>/target/csharp
#
# Exit status: 0 when both programs compiled; mcs's diagnostics on stderr otherwise.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runtime="$repo/unity/com.pusm.runtime/Runtime"
generated="$here/Generated"
out="${1:-$repo/target/csharp}"

command -v mcs >/dev/null || { echo "build.sh: 'mcs' not found (apt-get install mono-mcs)" >&2; exit 2; }
ls "$generated"/*.cs >/dev/null 2>&1 || { echo "build.sh: no generated C# in $generated (run pusm-codegen first)" >&2; exit 2; }
mkdir -p "$out"

# C# 7.2 is the newest mcs accepts: value tuples, no records/init/file-scoped namespaces.
MCS=(mcs -langversion:7.2 -unsafe -debug -warnaserror+)
"${MCS[@]}" -target:exe -out:"$out/Echo.exe" "$runtime"/*.cs "$generated"/*.cs "$here/Echo.cs"
"${MCS[@]}" -target:exe -out:"$out/RobotSim.exe" "$runtime"/*.cs "$generated"/*.cs "$here/RobotSim.cs"
echo "build.sh: built $out/Echo.exe and $out/RobotSim.exe"
