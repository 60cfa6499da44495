#!/usr/bin/env node
// A solc command line for py-solc-x and ape-solidity, backed by the official
// WebAssembly build of the compiler from npm (`solc`).
//
// It answers exactly the two forms py-solc-x uses:
//   solc --version
//   solc --standard-json [--base-path DIR] [--allow-paths A,B] [--include-path DIR]  (input on stdin)
// Imports that are not in the input are read from disk, resolved against the
// base path and the include paths, and refused outside the allowed paths just
// as the native compiler does. One addition: an import under `node_modules/`
// (ape-config.yaml remaps `@openzeppelin/contracts` there) is read from the
// toolchain's node_modules, which the shim passes as NODE_PATH. Ape compiles in
// a temporary copy of the contracts folder, where no node_modules exists.
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

const NODE_MODULES_PREFIX = 'node_modules/';

function makeImportReader(opts) {
  const roots = [opts.basePath, ...opts.include];
  const allowed = [...roots, ...opts.allow];
  const inside = (file, dirs) => dirs.some((dir) => file === dir || file.startsWith(dir + path.sep));
  const candidates = (importPath) => {
    const files = roots.map((root) => [path.resolve(root, importPath), allowed]);
    const toolchainModules = process.env.NODE_PATH && path.resolve(process.env.NODE_PATH);
    if (toolchainModules && importPath.startsWith(NODE_MODULES_PREFIX)) {
      const file = path.resolve(toolchainModules, importPath.slice(NODE_MODULES_PREFIX.length));
      files.push([file, [toolchainModules]]);
    }
    return files;
  };
  return (importPath) => {
    for (const [file, dirs] of candidates(importPath)) {
      if (inside(file, dirs) && fs.existsSync(file)) return { contents: fs.readFileSync(file, 'utf8') };
    }
    return { error: `File not found inside the base path, any include path or the toolchain's node_modules: ${importPath}` };
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
