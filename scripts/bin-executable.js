#!/usr/bin/env node
// tsc writes files without execute bits; `npx agent-trust` (the package's own
// bin, run from a checkout) needs build/bin/agent-trust.js to be executable.
'use strict';
const fs = require('fs');
const path = require('path');

const cli = path.join(__dirname, '..', 'build', 'bin', 'agent-trust.js');
if (fs.existsSync(cli)) {
  fs.chmodSync(cli, 0o755);
}
