/**
 * The import graph of a source tree, read with the TypeScript compiler's parser (not a regex, so
 * comments and strings cannot fool it): every import and re-export declaration, type-only ones
 * included, `import('./x.js')` calls and `import('./x.js').T` types.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export interface ModuleImports {
  /** Files of the tree this one imports, relative to the root ('engine/clock.ts'). */
  files: string[];
  /** Packages it imports ('express', '@apidevtools/swagger-parser', 'node:fs'). */
  packages: string[];
}

/** Every `.ts` file below `root` (relative, with '/'), and what it imports. */
export function readImportGraph(root: string): Map<string, ModuleImports> {
  const graph = new Map<string, ModuleImports>();
  for (const file of sourceFiles(root)) {
    const specifiers = moduleSpecifiers(file, readFileSync(path.join(root, file), 'utf8'));
    graph.set(file, {
      files: specifiers.filter(isRelative).map((specifier) => resolve(root, file, specifier)),
      packages: specifiers.filter((s) => !isRelative(s)).map(packageName),
    });
  }
  return graph;
}

export function moduleSpecifiers(fileName: string, source: string): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(fileName, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS));
  return found;
}

/** Sets of files that import each other, directly or around a loop (Tarjan's strongly connected components). */
export function cyclesOf(graph: ReadonlyMap<string, { files: readonly string[] }>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file)?.files ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)!.files.includes(file)) cycles.push(component.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return cycles;
}

function sourceFiles(root: string, dir = ''): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true })
    .flatMap((entry) => {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) return sourceFiles(root, relative);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [relative] : [];
    })
    .sort();
}

const isRelative = (specifier: string): boolean => specifier.startsWith('.');

/** NodeNext specifiers name the emitted `.js`; the source is the `.ts` beside it. */
function resolve(root: string, from: string, specifier: string): string {
  const target = path.posix.join(path.posix.dirname(from), specifier);
  const source = target.replace(/\.js$/, '.ts');
  if (existsSync(path.join(root, source))) return source;
  if (existsSync(path.join(root, target))) return target;
  throw new Error(`${from}: cannot resolve '${specifier}'`);
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
