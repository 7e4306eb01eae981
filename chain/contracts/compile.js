#!/usr/bin/env node
// Compiles a contract with the pinned solc (package.json) through the
// standard-JSON interface, reproducibly: the same source gives the same
// bytes, and comments and paths do not reach the bytecode (no metadata).
//
// Usage: node compile.js FILE.sol CONTRACT OUTDIR
// Writes OUTDIR/CONTRACT.abi and OUTDIR/CONTRACT.bin (hex, no newline:
// abigen copies the file into the binding as is).
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const PINNED = '0.8.37+commit.f401782d';
const [src, name, outDir] = process.argv.slice(2);
if (!src || !name || !outDir) {
  console.error('usage: node compile.js FILE.sol CONTRACT OUTDIR');
  process.exit(2);
}
if (!solc.version().startsWith(PINNED)) {
  console.error(`solc ${solc.version()} is not the pinned ${PINNED}; run npm ci in ${__dirname}`);
  process.exit(1);
}
// The base name only, so no checkout path reaches the output.
const unit = path.basename(src);
const input = {
  language: 'Solidity',
  sources: { [unit]: { content: fs.readFileSync(src, 'utf8') } },
  settings: {
    optimizer: { enabled: true, runs: 200 },
    // Cancun, not solc's default Osaka: what EVM chains run today.
    evmVersion: 'cancun',
    viaIR: false,
    metadata: { bytecodeHash: 'none', appendCBOR: false },
    outputSelection: { [unit]: { [name]: ['abi', 'evm.bytecode.object'] } },
  },
};
const out = JSON.parse(solc.compile(JSON.stringify(input)));
for (const e of out.errors || []) console.error(e.formattedMessage);
if ((out.errors || []).some((e) => e.severity === 'error')) process.exit(1);
const c = out.contracts[unit][name];
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(c.abi, null, 2) + '\n');
fs.writeFileSync(path.join(outDir, name + '.bin'), c.evm.bytecode.object);
