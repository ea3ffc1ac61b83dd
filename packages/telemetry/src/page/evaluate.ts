// REPL code in the page: compiled once as an expression (`return (code)`), else as statements, and
// run once, so side effects never happen twice. Compiled with the AsyncFunction constructor, or,
// where the page's CSP forbids eval, through a script element carrying the injected script's nonce.
import type { Guard } from './guard.js';

type Compiled = () => Promise<unknown>;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (body: string) => Compiled;

/** Compiles `code`; throws a SyntaxError (or the CSP's refusal) when it cannot. */
export function compile(code: string, nonce: string, guard: Guard): Compiled {
  const bodies = [`return (${code}\n)`, code];
  let syntaxError: unknown;
  for (const body of bodies) {
    try {
      return new AsyncFunction(body);
    } catch (error) {
      // EvalError: the page's Content-Security-Policy has no 'unsafe-eval'.
      if (!(error instanceof SyntaxError)) return viaScript(bodies, nonce, guard, error);
      syntaxError = error;
    }
  }
  // Both failed: the statements' error says more than the expression's.
  throw syntaxError;
}

function viaScript(bodies: string[], nonce: string, guard: Guard, refusal: unknown): Compiled {
  const parent = document.head ?? document.documentElement;
  for (const body of bodies) {
    const script = document.createElement('script') as HTMLScriptElement & { __webstream?: Compiled };
    if (nonce) script.nonce = nonce;
    script.textContent = `document.currentScript.__webstream = async function () {${body}\n};`;
    guard.suppressErrors++;
    try {
      parent.appendChild(script);
    } finally {
      guard.suppressErrors--;
      script.remove();
    }
    if (typeof script.__webstream === 'function') return script.__webstream;
  }
  const reason = refusal instanceof Error ? refusal.message : String(refusal);
  throw new SyntaxError(
    `the code could not be compiled: a syntax error, or the page's Content-Security-Policy refused it (${reason})`,
  );
}
