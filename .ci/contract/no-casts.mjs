// Refuses what would let portal.ts compile whatever the generated types say: type assertions
// (`x as T`, `<T>x`), non-null assertions (`x!`), `any`, and `@ts-ignore`-style comments.
// Usage: node no-casts.mjs FILE.ts ...
import { readFileSync } from 'node:fs';
import ts from 'typescript';

let found = 0;
for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const report = (pos, what) => {
    const { line, character } = source.getLineAndCharacterOfPosition(pos);
    console.error(`${file}:${line + 1}:${character + 1}: ${what}`);
    found += 1;
  };
  const visit = (node) => {
    if (ts.isAsExpression(node) && node.type.getText(source) !== 'const') report(node.getStart(source), 'a cast (`as`)');
    if (ts.isTypeAssertionExpression(node)) report(node.getStart(source), 'a cast (`<T>x`)');
    if (ts.isNonNullExpression(node)) report(node.getStart(source), 'a non-null assertion (`!`)');
    if (node.kind === ts.SyntaxKind.AnyKeyword) report(node.getStart(source), '`any`');
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const match of text.matchAll(/@ts-(ignore|expect-error|nocheck)/g)) report(match.index, `\`@ts-${match[1]}\``);
}
if (found > 0) {
  console.error(`no-casts: ${found} cast(s) or escape(s); read the generated types as they are`);
  process.exit(1);
}
