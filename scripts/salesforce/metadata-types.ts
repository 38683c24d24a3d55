/**
 * Salesforce's Metadata API types as data, read from `@salesforce/types` (`lib/metadata.d.ts`, generated from the
 * Metadata WSDL): for each type its elements, whether each repeats, whether it is required, and its value type.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import ts from 'typescript';

/** What an element holds: text of a primitive, one of an enum's values, or child elements of a complex type. */
export type ValueType =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' | 'any' }
  | { kind: 'enum'; name: string; values: string[] }
  | { kind: 'complex'; name: string };

export interface Element {
  name: string;
  type: ValueType;
  /** The WSDL's maxOccurs="unbounded": the element may appear any number of times, including none. */
  repeated: boolean;
  /** The WSDL's minOccurs="1" on a single element. */
  required: boolean;
}

export interface MetadataTypes {
  /** The elements of a complex type, in the order the WSDL lists them; undefined when the type is not complex. */
  elementsOf(typeName: string): Element[] | undefined;
}

type Declaration =
  | { kind: 'object'; bases: string[]; members: ts.PropertySignature[] }
  | { kind: 'alias'; target: string }
  | { kind: 'enum'; values: string[] }
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' | 'any' };

const PRIMITIVES: Partial<Record<ts.SyntaxKind, 'string' | 'number' | 'boolean' | 'any'>> = {
  [ts.SyntaxKind.StringKeyword]: 'string',
  [ts.SyntaxKind.NumberKeyword]: 'number',
  [ts.SyntaxKind.BooleanKeyword]: 'boolean',
  [ts.SyntaxKind.AnyKeyword]: 'any',
  [ts.SyntaxKind.UnknownKeyword]: 'any',
};

/** The path of metadata.d.ts in the installed @salesforce/types. */
export function metadataTypesFile(): string {
  // The package exports only the compiled modules; the declarations sit beside them.
  return createRequire(import.meta.url)
    .resolve('@salesforce/types/metadata')
    .replace(/\.js$/, '.d.ts');
}

function declarationOf(node: ts.TypeNode, file: ts.SourceFile): Declaration {
  const primitive = PRIMITIVES[node.kind];
  if (primitive) return { kind: 'primitive', name: primitive };
  if (ts.isTypeLiteralNode(node)) {
    return { kind: 'object', bases: [], members: node.members.filter(ts.isPropertySignature) };
  }
  if (ts.isIntersectionTypeNode(node)) {
    const bases: string[] = [];
    const members: ts.PropertySignature[] = [];
    for (const part of node.types) {
      if (ts.isTypeReferenceNode(part)) bases.push(part.typeName.getText(file));
      else if (ts.isTypeLiteralNode(part)) members.push(...part.members.filter(ts.isPropertySignature));
    }
    return { kind: 'object', bases, members };
  }
  if (ts.isUnionTypeNode(node) && node.types.every((part) => ts.isLiteralTypeNode(part))) {
    return {
      kind: 'enum',
      values: node.types.map((part) => ((part as ts.LiteralTypeNode).literal as ts.StringLiteral).text),
    };
  }
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal))
    return { kind: 'enum', values: [node.literal.text] };
  if (ts.isTypeReferenceNode(node)) return { kind: 'alias', target: node.typeName.getText(file) };
  throw new Error(`metadata.d.ts: unsupported type ${node.getText(file)}`);
}

/** Reads metadata.d.ts (by default the installed one) into a lookup of types and their elements. */
export function loadMetadataTypes(path = metadataTypesFile()): MetadataTypes {
  const file = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const declarations = new Map<string, Declaration>();
  for (const statement of file.statements) {
    if (ts.isTypeAliasDeclaration(statement)) {
      declarations.set(statement.name.text, declarationOf(statement.type, file));
    }
  }

  const resolve = (name: string, seen = new Set<string>()): Declaration | undefined => {
    const declaration = declarations.get(name);
    if (declaration?.kind !== 'alias' || seen.has(name)) return declaration;
    seen.add(name);
    return resolve(declaration.target, seen);
  };

  const valueType = (name: string): ValueType => {
    const declaration = resolve(name);
    if (!declaration) throw new Error(`metadata.d.ts: unknown type ${name}`);
    if (declaration.kind === 'primitive') return { kind: 'primitive', name: declaration.name };
    if (declaration.kind === 'enum') return { kind: 'enum', name, values: declaration.values };
    return { kind: 'complex', name };
  };

  const elementOf = (member: ts.PropertySignature): Element => {
    const typeNode = member.type;
    if (!typeNode) throw new Error(`metadata.d.ts: ${member.name.getText(file)} has no type`);
    const repeated = ts.isArrayTypeNode(typeNode);
    const item = repeated ? (typeNode as ts.ArrayTypeNode).elementType : typeNode;
    const primitive = PRIMITIVES[item.kind];
    return {
      name: member.name.getText(file),
      type: primitive ? { kind: 'primitive', name: primitive } : valueType(item.getText(file)),
      repeated,
      required: !repeated && member.questionToken === undefined,
    };
  };

  const cache = new Map<string, Element[]>();
  const elementsOf = (typeName: string): Element[] | undefined => {
    const cached = cache.get(typeName);
    if (cached) return cached;
    const declaration = resolve(typeName);
    if (declaration?.kind !== 'object') return undefined;
    const elements = [
      ...declaration.bases.flatMap((base) => elementsOf(base) ?? []),
      ...declaration.members.map(elementOf),
    ];
    cache.set(typeName, elements);
    return elements;
  };

  return { elementsOf };
}
