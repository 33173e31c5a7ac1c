// The oldest Node.js nsatlas runs on (package.json engines.node): it calls process.getBuiltinModule (20.16).
// Plain JavaScript with no imports, so that it runs, and says so in one line, on a Node too old for the rest.
const NEEDED = [20, 16];
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < NEEDED[0] || (major === NEEDED[0] && minor < NEEDED[1])) {
  process.stderr.write(`nsatlas: needs Node.js ${NEEDED.join(".")} or newer; this is ${process.version}\n`);
  process.exit(1);
}
