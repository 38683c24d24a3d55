/**
 * Jest runs each test file in its own VM realm, where Node 22's `Symbol.dispose` / `Symbol.asyncDispose` (which Node
 * defines on its main realm only) are missing. undici — jsforce's HTTP client — reads `[Symbol.dispose]` on objects
 * Node creates, so without the main realm's symbols every jsforce request fails inside Jest with
 * "removeAbortListener is not a function". This borrows the symbols from an object Node made.
 */
import { addAbortListener } from 'node:events';

const symbols = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol };
if (symbols.dispose === undefined) {
  const probe = addAbortListener(new AbortController().signal, () => undefined);
  const nodeDispose = Object.getOwnPropertySymbols(probe).find((symbol) => symbol.description === 'nodejs.dispose');
  if (nodeDispose) Object.defineProperty(Symbol, 'dispose', { value: nodeDispose });
  probe[Symbol.dispose]();
}
if (symbols.asyncDispose === undefined) {
  Object.defineProperty(Symbol, 'asyncDispose', { value: Symbol.for('nodejs.asyncDispose') });
}
