#!/usr/bin/env bash
# `npm run demo`: installs what is missing (npm packages, Debian's influxdb), then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tools/test/install-prerequisites.sh influxdb
exec node_modules/.bin/tsx tools/demo/demo.ts "$@"
