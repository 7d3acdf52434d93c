#!/usr/bin/env bash
# TypeScript strict type check of every project and of the tools.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
for cfg in apps/*/tsconfig.app.json apps/*/tsconfig.spec.json apps/api/bench/express/tsconfig.json libs/*/tsconfig.lib.json libs/*/tsconfig.spec.json tools/tsconfig.json tools/tsconfig.spec.json; do
  [ -f "$cfg" ] || continue
  # Angular 21 packages resolve only through package exports, which the CommonJS jest config of the
  # web specs cannot express; the web app is type-checked here and by its strict-template build.
  [ "$cfg" = apps/web/tsconfig.spec.json ] && continue
  echo "tsc -p $cfg"
  npx tsc -p "$cfg" --noEmit || status=1
done
exit $status
