// Reads the package's Apex classes with apex-parser: the instance fields of every class, nested ones included, so a
// test can compare the wrapper classes Apex deserialises the middleware's JSON into with the middleware's contract.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApexParseTreeWalker,
  ApexParserBaseListener,
  ApexParserFactory,
  type ClassBodyDeclarationContext,
  type ClassDeclarationContext,
  type FieldDeclarationContext,
} from '@apexdevtools/apex-parser';
import { DEFAULT_DIR } from './metadata.js';

export interface ApexField {
  name: string;
  /** The declared type as written, without spaces: `String`, `List<Invoice>`, `Map<String,Object>`. */
  type: string;
}

/** Classes by qualified name (`SageAccountController.AccountFinancials`), with their instance fields. */
export type ApexClasses = Map<string, ApexField[]>;

class FieldCollector extends ApexParserBaseListener {
  readonly classes: ApexClasses = new Map();
  private readonly nesting: string[] = [];

  enterClassDeclaration = (ctx: ClassDeclarationContext): void => {
    this.nesting.push(ctx.id().getText());
    this.classes.set(this.nesting.join('.'), []);
  };

  exitClassDeclaration = (): void => {
    this.nesting.pop();
  };

  enterFieldDeclaration = (ctx: FieldDeclarationContext): void => {
    const declaration = ctx.parentCtx?.parentCtx as ClassBodyDeclarationContext | undefined;
    const modifiers = (declaration?.modifier_list?.() ?? []).map((modifier) => modifier.getText().toLowerCase());
    if (modifiers.includes('static')) return;
    const fields = this.classes.get(this.nesting.join('.'));
    for (const declarator of ctx.variableDeclarators().variableDeclarator_list()) {
      fields?.push({ name: declarator.id().getText(), type: ctx.typeRef().getText() });
    }
  };
}

/** Parses every non-test Apex class of the package. */
export function readApexClasses(dir = join(DEFAULT_DIR, 'classes')): ApexClasses {
  const classes: ApexClasses = new Map();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cls') && !name.endsWith('_Test.cls'))) {
    const source = readFileSync(join(dir, file), 'utf8');
    const parser = ApexParserFactory.createParser(source, true);
    const collector = new FieldCollector();
    ApexParseTreeWalker.DEFAULT.walk(collector, parser.compilationUnit());
    for (const [name, fields] of collector.classes) classes.set(name, fields);
  }
  return classes;
}

/** The classes each non-test Apex class passes to SageMiddlewareClient to read an answer into (`X.class`). */
export function resultTypesPassedToTheClient(dir = join(DEFAULT_DIR, 'classes')): string[] {
  const found = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.cls') && !name.endsWith('_Test.cls'))) {
    const owner = file.replace(/\.cls$/, '');
    const source = readFileSync(join(dir, file), 'utf8');
    for (const match of source.matchAll(/\.(?:get|post)\([^;]*?,\s*([A-Za-z_][\w.]*)\.class\s*\)/g)) {
      const name = match[1] ?? '';
      found.add(name.includes('.') ? name : `${owner}.${name}`);
    }
  }
  return [...found].sort();
}
