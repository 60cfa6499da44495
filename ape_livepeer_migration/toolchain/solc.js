#!/usr/bin/env node
// A solc command line for py-solc-x and ape-solidity, backed by the official
// WebAssembly build of the compiler from npm (`solc`).
//
// It answers exactly the two forms py-solc-x uses:
//   solc --version
//   solc --standard-json [--base-path DIR] [--allow-paths A,B] [--include-path DIR]  (input on stdin)
// Imports that are not in the input are read from disk, resolved against the
// base path and the include paths, and refused outside the allowed paths just
// as the native compiler does.
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

function parseArgs(argv) {
  const opts = { standardJson: false, version: false, basePath: process.cwd(), allow: [], include: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--version': opts.version = true; break;
      case '--standard-json': opts.standardJson = true; break;
      case '--base-path': opts.basePath = path.resolve(value()); break;
      case '--allow-paths': opts.allow.push(...value().split(',').filter(Boolean).map((p) => path.resolve(p))); break;
      case '--include-path': opts.include.push(path.resolve(value())); break;
      case '-': break;
      default: fail(`unsupported argument: ${arg} (this solc supports --version and --standard-json)`);
    }
  }
  return opts;
}

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

function makeImportReader(opts) {
  const roots = [opts.basePath, ...opts.include];
  const allowed = [...roots, ...opts.allow];
  const inside = (file) => allowed.some((dir) => file === dir || file.startsWith(dir + path.sep));
  return (importPath) => {
    for (const root of roots) {
      const file = path.resolve(root, importPath);
      if (!inside(file)) continue;
      if (fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
    }
    return { error: `File not found inside the base path or any include path: ${importPath}` };
  };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) fail('only --standard-json compilation is supported');
  const input = fs.readFileSync(0, 'utf8');
  const output = solc.compile(input, { import: makeImportReader(opts) });
  process.stdout.write(output);
}

main();
