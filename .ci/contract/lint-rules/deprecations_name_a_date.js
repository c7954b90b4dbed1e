// graphql-schema-linter rule `deprecations-name-a-date` (docs/conventions.md, "Deprecation"):
// every `@deprecated` reason says from when, as `vanaf YYYY-MM-DD`, so clients and the
// CHANGELOG can tell when the stated period ends.
const { ValidationError } = require('graphql-schema-linter/lib/validation_error');

const DATED = /\bvanaf \d{4}-\d{2}-\d{2}\b/i;

function DeprecationsNameADate(context) {
  const check = (node, ancestors) => {
    const directive = (node.directives || []).find((d) => d.name.value === 'deprecated');
    if (!directive) return;
    const reason = directive.arguments.find((a) => a.name.value === 'reason');
    if (reason && reason.value.kind === 'StringValue' && DATED.test(reason.value.value)) return;
    const owner = [...ancestors].reverse().find((a) => a && a.name && a.kind !== 'FieldDefinition');
    const name = owner ? `${owner.name.value}.${node.name.value}` : node.name.value;
    context.reportError(
      new ValidationError(
        'deprecations-name-a-date',
        `The deprecation of \`${name}\` does not say from when: give "vanaf YYYY-MM-DD" in its reason.`,
        [directive],
      ),
    );
  };
  return {
    FieldDefinition: (node, key, parent, path, ancestors) => check(node, ancestors),
    InputValueDefinition: (node, key, parent, path, ancestors) => check(node, ancestors),
    EnumValueDefinition: (node, key, parent, path, ancestors) => check(node, ancestors),
  };
}

module.exports = { DeprecationsNameADate };
