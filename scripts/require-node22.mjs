// The project runs on Node 22+; `npm ci` brings it (the `node` dev dependency) when the machine has less.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  console.error(
    `Sinetti needs Node 22 or newer, but ${process.execPath} is ${process.version}. Run \`npm ci\` first: it installs Node 22 into node_modules/.bin.`,
  );
  process.exit(1);
}
