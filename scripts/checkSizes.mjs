// Small rooms: no source file in apps/ or packages/ over 400 lines, no function over 80.
// Parses every non-test source file with the TypeScript compiler and measures each function-like
// node (declarations, methods, arrows, function expressions) from its first to its last line.
// Prints the offenders and exits 1 if there are any; `--report` prints the ten longest as well.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 80;

const files = execFileSync(
  'git',
  ['ls-files', 'apps/*/src/*.ts', 'apps/*/src/**/*.ts', 'packages/*/src/*.ts', 'packages/*/src/**/*.ts'],
  {
    encoding: 'utf8',
  },
)
  .split('\n')
  .filter((f) => f && !/\.test\.ts$|\.d\.ts$/.test(f));

const problems = [];
const functions = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > MAX_FILE_LINES) problems.push(`${file}: ${lines} lines (limit ${MAX_FILE_LINES})`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name?.getText(source) ?? describe(node, source);
      functions.push({ where: `${file}:${start + 1}`, name, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}

/** A name for an anonymous function: the variable, property or call it belongs to. */
function describe(node, source) {
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)))
    return parent.name.getText(source);
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText(source).slice(0, 40)})`;
  return '(anonymous)';
}

for (const f of functions) {
  if (f.lines > MAX_FUNCTION_LINES)
    problems.push(`${f.where}: function ${f.name} is ${f.lines} lines (limit ${MAX_FUNCTION_LINES})`);
}
if (process.argv.includes('--report')) {
  console.log(`${files.length} files, ${functions.length} functions; longest:`);
  for (const f of [...functions].sort((a, b) => b.lines - a.lines).slice(0, 10))
    console.log(`  ${f.lines}\t${f.name}\t${f.where}`);
}
if (problems.length > 0) {
  console.error(`Rooms too big (files over ${MAX_FILE_LINES} lines, functions over ${MAX_FUNCTION_LINES}):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(
  `sizes ok: ${files.length} files within ${MAX_FILE_LINES} lines, ${functions.length} functions within ${MAX_FUNCTION_LINES}`,
);
