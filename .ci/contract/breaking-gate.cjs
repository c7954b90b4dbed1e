// graphql-inspector's `--onComplete` handler for check-breaking.sh: the diff has been printed;
// breaking changes pass only when CHANGELOG.md's newest release (CONTRACT_NEWEST) has a higher
// major version than the released SDL (CONTRACT_RELEASED). Dangerous changes (a new enum
// value, a new default) pass; they belong in the CHANGELOG all the same.
const major = (version) => Number(version.split('.')[0]);

module.exports = function gate({ breakingChanges, dangerousChanges }) {
  const released = process.env.CONTRACT_RELEASED;
  const newest = process.env.CONTRACT_NEWEST;
  if (!released || !newest) {
    console.error('contract: run the diff through check-breaking.sh (CONTRACT_RELEASED/NEWEST unset)');
    process.exit(1);
  }
  const breaking = breakingChanges.length;
  if (dangerousChanges.length) {
    console.log(`\ncontract: ${dangerousChanges.length} dangerous change(s): allowed, list them in CHANGELOG.md`);
  }
  if (breaking === 0) {
    console.log('contract: no breaking changes');
  } else if (major(newest) > major(released)) {
    console.log(`\ncontract: ${breaking} breaking change(s), announced by the new major version ${newest} (released: ${released})`);
  } else {
    console.error(
      `\ncontract: ${breaking} breaking change(s) against the released ${released}, but CHANGELOG.md's ` +
        `newest release is ${newest}. Make the change compatible (add, deprecate; docs/conventions.md), ` +
        `or announce a new major version: a heading \`## [${major(released) + 1}.0.0]\` with every ` +
        'breaking change listed.',
    );
    process.exit(1);
  }
};
