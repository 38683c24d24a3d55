/** What an Apex controller declares, read from its `.cls` with the Apex parser: inner classes' fields and methods. */
import { ApexParserFactory, type ClassBodyDeclarationContext } from '@apexdevtools/apex-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const classesDir = 'force-app/main/default/classes';

export interface DeclaredField {
  type: string;
  auraEnabled: boolean;
}

export interface ControllerDeclarations {
  /** Inner classes by name, with their instance fields. */
  classes: Record<string, Record<string, DeclaredField>>;
  /** `@AuraEnabled` static methods by name: their return type and parameter names. */
  methods: Record<string, { returnType: string; parameters: string[] }>;
}

const isAuraEnabled = (declaration: ClassBodyDeclarationContext) =>
  declaration.modifier_list().some((modifier) => /^@AuraEnabled\b/i.test(modifier.getText()));

/** Reads one controller class. */
export function readController(name: string): ControllerDeclarations {
  const source = readFileSync(join(classesDir, `${name}.cls`), 'utf8');
  const unit = ApexParserFactory.createParser(source, true).compilationUnit();
  const body = unit.typeDeclaration().classDeclaration().classBody();
  const result: ControllerDeclarations = { classes: {}, methods: {} };
  for (const declaration of body.classBodyDeclaration_list()) {
    const member = declaration.memberDeclaration();
    const inner = member?.classDeclaration();
    const method = member?.methodDeclaration();
    if (inner) {
      const fields: Record<string, DeclaredField> = {};
      for (const innerDeclaration of inner.classBody().classBodyDeclaration_list()) {
        const field = innerDeclaration.memberDeclaration()?.fieldDeclaration();
        const isStatic = innerDeclaration.modifier_list().some((modifier) => modifier.STATIC() !== null);
        if (!field || isStatic) continue;
        for (const variable of field.variableDeclarators().variableDeclarator_list()) {
          fields[variable.id().getText()] = {
            type: field.typeRef().getText(),
            auraEnabled: isAuraEnabled(innerDeclaration),
          };
        }
      }
      result.classes[inner.id().getText()] = fields;
    } else if (method && isAuraEnabled(declaration)) {
      const parameters = method.formalParameters().formalParameterList()?.formalParameter_list() ?? [];
      result.methods[method.id().getText()] = {
        returnType: method.typeRef()?.getText() ?? 'void',
        parameters: parameters.map((parameter) => parameter.id().getText()),
      };
    }
  }
  return result;
}
