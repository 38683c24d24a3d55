/**
 * Validates source-format metadata files (`*-meta.xml`) against the Metadata API types: the root type from the file's
 * suffix (source-deploy-retrieve's registry), then at every level the element names, how often each appears, the
 * required elements, and the values of enums, numbers and booleans. Salesforce rejects a deploy for any of these.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { RegistryAccess, type MetadataType } from '@salesforce/source-deploy-retrieve';
import { SaxesParser } from 'saxes';
import { loadMetadataTypes, type Element, type MetadataTypes, type ValueType } from './metadata-types.js';

export interface SchemaProblem {
  file: string;
  line: number;
  message: string;
}

/**
 * Elements whose content the Metadata API carries as an opaque string but that source format writes as XML of its
 * own schema: a Lightning web component's targetConfigs is the bundle's configuration file, not Metadata API types.
 */
const OPAQUE_ELEMENTS = new Set(['LightningComponentBundle.targetConfigs']);

/** Attributes any metadata element may carry: namespaces and the XML Schema instance type and nil markers. */
const isStandardAttribute = (name: string): boolean => name === 'xmlns' || /^xmlns:|^xsi:/.test(name);

interface Node {
  name: string;
  line: number;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

/** Parses XML into a tree whose elements know the line they start on. */
function parseTree(xml: string): Node {
  const parser = new SaxesParser({ position: true });
  const stack: Node[] = [];
  let root: Node | undefined;
  parser.on('opentag', (tag) => {
    // Without namespace processing, saxes gives attributes as plain strings.
    const attributes = tag.attributes as Record<string, string>;
    const node: Node = { name: tag.name, line: parser.line, attributes, children: [], text: '' };
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('cdata', (text) => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  });
  parser.on('closetag', () => stack.pop());
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

/** The metadata type of a source file, from its suffix (`Name.layout-meta.xml`) or its bundle folder (`lwc/`). */
export function metadataTypeOf(registry: RegistryAccess, path: string): MetadataType | undefined {
  const suffix = /\.([^./]+)-meta\.xml$/.exec(basename(path))?.[1];
  if (!suffix) return undefined;
  const topLevel = registry.getTypeBySuffix(suffix);
  if (topLevel) return topLevel;
  for (const type of Object.values(registry.getRegistry().types)) {
    const childId = type.children?.suffixes[suffix];
    if (childId) return type.children?.types[childId];
  }
  const types = Object.values(registry.getRegistry().types);
  // Types whose content files vary (static resources) are left out of the registry's suffix index.
  const bySuffix = types.find((type) => type.suffix === suffix);
  if (bySuffix) return bySuffix;
  const bundleFolder = basename(dirname(dirname(path)));
  return types.find((type) => type.strategies?.adapter === 'bundle' && type.directoryName === bundleFolder);
}

/** Where an element sits, e.g. `Layout.layoutSections (LayoutSection)`, or just the type at the root. */
function where(path: string, typeName: string): string {
  return path === typeName ? typeName : `${path} (${typeName})`;
}

function describeValues(type: ValueType): string {
  return type.kind === 'enum' ? type.values.join(', ') : type.name;
}

class FileChecker {
  readonly problems: SchemaProblem[] = [];

  constructor(
    private readonly types: MetadataTypes,
    private readonly file: string,
  ) {}

  private report(line: number, message: string): void {
    this.problems.push({ file: this.file, line, message });
  }

  checkComplex(node: Node, typeName: string, path: string): void {
    const elements = this.types.elementsOf(typeName) ?? [];
    const byName = new Map(elements.map((element) => [element.name, element]));
    for (const [attribute] of Object.entries(node.attributes)) {
      if (!isStandardAttribute(attribute)) {
        this.report(node.line, `<${node.name}> (${typeName}) has no attribute ${attribute}`);
      }
    }
    if (node.text.trim() !== '') {
      this.report(node.line, `<${node.name}> (${typeName}) holds elements, not text: "${node.text.trim()}"`);
    }
    const counts = new Map<string, Node[]>();
    for (const child of node.children) {
      const element = byName.get(child.name);
      if (!element) {
        const allowed = elements.map((candidate) => candidate.name).join(', ');
        this.report(child.line, `unknown element <${child.name}> in ${where(path, typeName)}; allowed: ${allowed}`);
        continue;
      }
      counts.set(child.name, [...(counts.get(child.name) ?? []), child]);
      this.checkElement(child, element, `${path}.${child.name}`, typeName);
    }
    for (const element of elements) {
      const found = counts.get(element.name) ?? [];
      if (!element.repeated && found.length > 1) {
        this.report(
          found[1]?.line ?? node.line,
          `<${element.name}> may appear once in ${where(path, typeName)}, found ${found.length}`,
        );
      }
      if (element.required && found.length === 0 && element.name !== 'fullName') {
        this.report(
          node.line,
          `missing required element <${element.name}> (${describeValues(element.type)}) in ${where(path, typeName)}`,
        );
      }
    }
  }

  private checkElement(node: Node, element: Element, path: string, ownerType: string): void {
    if (OPAQUE_ELEMENTS.has(`${ownerType}.${element.name}`)) return;
    const type = element.type;
    if (type.kind === 'complex') {
      this.checkComplex(node, type.name, path);
      return;
    }
    if (type.kind === 'primitive' && type.name === 'any') return;
    if (node.children.length > 0) {
      this.report(node.children[0]?.line ?? node.line, `<${path}> holds a ${type.name} value, not elements`);
      return;
    }
    const value = node.text.trim();
    if (node.attributes['xsi:nil'] === 'true') return;
    if (type.kind === 'enum' && !type.values.includes(value)) {
      this.report(
        node.line,
        `bad value "${value}" in <${path}>: not a ${type.name}; allowed: ${type.values.join(', ')}`,
      );
    } else if (type.kind === 'primitive' && type.name === 'boolean' && value !== 'true' && value !== 'false') {
      this.report(node.line, `bad value "${value}" in <${path}>: not a boolean; allowed: true, false`);
    } else if (
      type.kind === 'primitive' &&
      type.name === 'number' &&
      (value === '' || !Number.isFinite(Number(value)))
    ) {
      this.report(node.line, `bad value "${value}" in <${path}>: not a number`);
    }
  }
}

/** Checks every `*-meta.xml` of the given files against the Metadata API types; paths in problems are relative. */
export function checkMetadataSchema(projectDir: string, files: string[], types = loadMetadataTypes()): SchemaProblem[] {
  const registry = new RegistryAccess();
  const problems: SchemaProblem[] = [];
  for (const path of files.filter((file) => file.endsWith('-meta.xml'))) {
    const file = relative(projectDir, path);
    const type = metadataTypeOf(registry, path);
    if (!type) {
      problems.push({ file, line: 1, message: 'no Salesforce metadata type has this file suffix' });
      continue;
    }
    const root = parseTree(readFileSync(path, 'utf8'));
    if (root.name !== type.name) {
      problems.push({
        file,
        line: root.line,
        message: `the root element of a ${type.name} file is <${type.name}>, not <${root.name}>`,
      });
      continue;
    }
    if (!types.elementsOf(type.name)) {
      problems.push({ file, line: root.line, message: `${type.name} is not in the Metadata API types` });
      continue;
    }
    const checker = new FileChecker(types, file);
    checker.checkComplex(root, type.name, type.name);
    problems.push(...checker.problems);
  }
  return problems;
}
