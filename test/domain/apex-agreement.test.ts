// The Push to Sage 300 preview (SageOrderController) and the Account panel (SageAccountController) decide some things
// before, or without, calling the connector: why an opportunity cannot be pushed, and what the credit check says.
// Their words and rules must be the connector's. These tests read the Apex source with the Apex parser and compare it
// with the TypeScript rules: a sentence changed on one side only, or a rule added on one side only, fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FieldDeclarationContext, MethodDeclarationContext } from '@apexdevtools/apex-parser';
import {
  ApexErrorListener,
  ApexParserFactory,
  ApexParseTreeWalker,
  ApexParserBaseListener,
  Arth2ExpressionContext,
  CondExpressionContext,
  DotExpressionContext,
  EqualityExpressionContext,
  LiteralPrimaryContext,
  MethodCallExpressionContext,
  PrimaryExpressionContext,
  ReturnStatementContext,
  SubExpressionContext,
  type ApexParseTree,
  type CompilationUnitContext,
  type ExpressionContext,
} from '@apexdevtools/apex-parser';
import {
  checkCredit,
  creditPolicySchema,
  creditReasonSchema,
  creditSentences,
  creditStandingSchema,
} from '../../middleware/src/domain/credit.js';
import { describeOrderProblem, type OrderProblem } from '../../middleware/src/domain/orders.js';
import { defaultSettings } from '../../middleware/src/domain/settings.js';

/** What stands in for a value computed at run time (a stage, a product list, an amount) in a sentence template. */
const VALUE = '{}';

const classes = fileURLToPath(new URL('../../force-app/main/default/classes', import.meta.url));

class FailOnSyntaxError extends ApexErrorListener {
  apexSyntaxError(line: number, column: number, message: string): void {
    throw new Error(`Apex syntax error at ${line}:${column}: ${message}`);
  }
}

/** One Apex class: its methods by name and its string constants, read from the parse tree. */
class ApexClass {
  readonly methods = new Map<string, MethodDeclarationContext>();
  readonly constants = new Map<string, ExpressionContext>();

  constructor(readonly name: string) {
    const source = readFileSync(join(classes, `${name}.cls`), 'utf8');
    const { parser } = ApexParserFactory.createLexerAndParser(source, new FailOnSyntaxError());
    const unit: CompilationUnitContext = parser.compilationUnit();
    const collector = new (class extends ApexParserBaseListener {
      constructor(private readonly target: ApexClass) {
        super();
      }
      enterMethodDeclaration = (ctx: MethodDeclarationContext) => {
        this.target.methods.set(ctx.id().getText().toLowerCase(), ctx);
      };
      enterFieldDeclaration = (ctx: FieldDeclarationContext) => {
        for (const declarator of ctx.variableDeclarators().variableDeclarator_list()) {
          const value = declarator.expression();
          if (value) this.target.constants.set(declarator.id().getText().toLowerCase(), value);
        }
      };
    })(this);
    ApexParseTreeWalker.DEFAULT.walk(collector, unit);
  }

  method(name: string): MethodDeclarationContext {
    const found = this.methods.get(name.toLowerCase());
    if (!found) throw new Error(`${this.name} has no method ${name}`);
    return found;
  }

  /** The arguments of every `receiver.method(argument)` call inside a method. */
  callArguments(inMethod: string, receiver: string, method: string): ExpressionContext[] {
    return descendants(this.method(inMethod), DotExpressionContext)
      .filter((call) => call.expression().getText() === receiver)
      .filter((call) => call.dotMethodCall()?.anyId().getText().toLowerCase() === method.toLowerCase())
      .flatMap((call) => call.dotMethodCall().expressionList()?.expression_list() ?? []);
  }

  /**
   * The strings an Apex expression can produce, with every run-time value as VALUE: literals as written, `+` joins,
   * both branches of `?:`, string constants of the class and calls of its one-line methods followed.
   */
  templates(expression: ExpressionContext): string[] {
    if (expression instanceof SubExpressionContext) return this.templates(expression.expression());
    if (expression instanceof Arth2ExpressionContext && expression.ADD()) {
      const [left = [], right = []] = expression.expression_list().map((part) => this.templates(part));
      return left.flatMap((start) => right.map((end) => collapse(start + end)));
    }
    if (expression instanceof CondExpressionContext) {
      return expression
        .expression_list()
        .slice(1)
        .flatMap((branch) => this.templates(branch));
    }
    const text = stringLiteral(expression);
    if (text !== undefined) return [text];
    const constant = this.constants.get(expression.getText().toLowerCase());
    if (constant) return this.templates(constant);
    if (expression instanceof MethodCallExpressionContext) {
      const called = this.methods.get(expression.methodCall().id().getText().toLowerCase());
      const statements = called?.block()?.statement_list() ?? [];
      const value = statements.length === 1 ? statements[0]?.returnStatement()?.expression() : undefined;
      if (value) return this.templates(value);
    }
    return [VALUE];
  }
}

/** Every node of a type below a node, in source order. */
function descendants<T>(node: ApexParseTree, type: new (...args: never[]) => T): T[] {
  const found: T[] = [];
  const visit = (tree: ApexParseTree) => {
    if (tree instanceof type) found.push(tree);
    for (const child of (tree as { children?: ApexParseTree[] | null }).children ?? []) visit(child);
  };
  visit(node);
  return found;
}

/** The text of a string literal expression, unescaped; undefined for anything else. */
function stringLiteral(expression: ExpressionContext): string | undefined {
  if (!(expression instanceof PrimaryExpressionContext)) return undefined;
  const primary = expression.primary();
  if (!(primary instanceof LiteralPrimaryContext)) return undefined;
  const token = primary.literal().StringLiteral();
  if (!token) return undefined;
  return token
    .getText()
    .slice(1, -1)
    .replace(/\\(.)/g, (_escape, char: string) => ({ n: '\n', t: '\t', r: '\r' })[char] ?? char);
}

/** Adjacent run-time values read as one (`a + ', ' + b` is one list). */
function collapse(template: string): string {
  return template.replace(/\{\}(?:, \{\})+/g, VALUE);
}

/** `x == 'A' ? 'a' : x == 'B' ? 'b' : 'c'` as { A: 'a', B: 'b' } and the fallback 'c'. */
function literalSwitch(
  apex: ApexClass,
  expression: ExpressionContext,
): { cases: Map<string, string>; otherwise: string } {
  const cases = new Map<string, string>();
  let rest = expression;
  while (rest instanceof CondExpressionContext) {
    const [condition, then, otherwise] = rest.expression_list();
    if (!(condition instanceof EqualityExpressionContext) || !then || !otherwise) break;
    const [, compared] = condition.expression_list();
    const key = compared ? stringLiteral(compared) : undefined;
    if (key === undefined) break;
    cases.set(key, apex.templates(then).join('|'));
    rest = otherwise;
  }
  return { cases, otherwise: apex.templates(rest).join('|') };
}

const orderController = new ApexClass('SageOrderController');
const accountController = new ApexClass('SageAccountController');

describe('the Push to Sage 300 preview and the connector', () => {
  it('name the same reasons an opportunity cannot be pushed, word for word', () => {
    const connector: OrderProblem[] = [
      { code: 'NOT_CLOSED_WON', stage: VALUE },
      { code: 'NO_ACCOUNT' },
      { code: 'NO_LINES' },
      { code: 'PRODUCTS_WITHOUT_SAGE_ITEM', products: [VALUE] },
      { code: 'INVALID_QUANTITY', products: [VALUE] },
    ];
    const preview = orderController
      .callArguments('blockers', 'blockers', 'add')
      .flatMap((argument) => orderController.templates(argument));
    expect(preview.sort()).toEqual(connector.map(describeOrderProblem).sort());
  });

  it('give the same credit reasons and outcomes under each policy', () => {
    const reasons = orderController
      .callArguments('indicativeCreditCheck', 'check.reasons', 'add')
      .flatMap((argument) => orderController.templates(argument));
    expect(reasons.sort()).toEqual([...creditReasonSchema.options].sort());

    const assignment = descendants(orderController.method('indicativeCreditCheck'), CondExpressionContext).find(
      (candidate) => candidate.parentCtx?.getText().startsWith('check.outcome='),
    );
    if (!assignment) throw new Error('indicativeCreditCheck no longer sets check.outcome by policy');
    const { cases, otherwise } = literalSwitch(orderController, assignment);
    for (const policy of creditPolicySchema.options) {
      const connector = checkCredit({ policy, balance: 0, creditLimit: 0, orderTotal: 1, onHold: true }).outcome;
      expect([policy, cases.get(policy) ?? otherwise]).toEqual([policy, connector]);
    }
  });

  it('word the credit check alike, with the amounts where the connector has them', () => {
    const preview = orderController
      .callArguments('indicativeCreditCheck', 'sentences', 'add')
      .flatMap((argument) => orderController.templates(argument));
    const connector = [
      creditSentences.overLimit(VALUE, VALUE, VALUE),
      creditSentences.onHold(),
      creditSentences.withinLimit(VALUE, VALUE),
      creditSentences.noLimit(),
    ];
    // The preview works on the figures last synced; only it needs to say that the live balance may differ.
    const previewOnly = ['The credit policy blocks such orders unless the live balance in Sage 300 is lower.'];
    expect(preview.sort()).toEqual([...connector, ...previewOnly].sort());
  });

  it('start from the same credit policy when none is configured', () => {
    expect(orderController.templates(orderController.constants.get('default_policy') as ExpressionContext)).toEqual([
      defaultSettings.creditPolicy,
    ]);
  });
});

describe('the Account panel and the connector', () => {
  it('name the same credit standings and warn from the same default threshold', () => {
    const standings = descendants(accountController.method('standing'), ReturnStatementContext).flatMap((statement) =>
      accountController.templates(statement.expression()),
    );
    expect(standings.sort()).toEqual([...creditStandingSchema.options].sort());
    expect(accountController.constants.get('default_warning_threshold')?.getText()).toBe(
      String(defaultSettings.creditWarningThreshold),
    );
  });
});
