import type { Plugin } from 'vite';

/** `description: '…'` (string literals, possibly split with `+`) in a machine config. */
const description =
  /\bdescription:\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")(?:\s*\+\s*(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))*\s*,?/g;

/**
 * Removes the states' `description`s from machine files in production
 * builds. They are for people: Stately's editor, `stately.json` and the
 * inspector, all of which read the source or a development build. Shipping
 * them would spend a third of the session layer's size budget on prose no
 * user sees.
 *
 * @example
 * export default defineConfig({ plugins: [stripMachineDescriptions()] });
 */
export function stripMachineDescriptions(): Plugin {
  let production = false;
  return {
    name: 'quiet-session:strip-machine-descriptions',
    enforce: 'pre',
    configResolved(config) {
      production = config.isProduction;
    },
    transform(code, id) {
      if (!production || !/\/machines\/[^/]+\.machine\.ts$/.test(id)) return null;
      return { code: stripDescriptions(code), map: null };
    },
  };
}

/**
 * @example
 * stripDescriptions("{ description: 'Waits.', on: {} }"); // "{ on: {} }"
 */
export function stripDescriptions(code: string): string {
  return code.replace(description, '');
}
