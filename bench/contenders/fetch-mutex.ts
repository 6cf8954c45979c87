import { readOutcome, type ContenderFactory } from './contender.ts';
import { createMutexRecipe } from './mutex-recipe.ts';

/**
 * fetch + async-mutex, the Redux Toolkit docs' recipe (see mutex-recipe.ts), on the real fetch.
 *
 * @example
 * const contender = fetchMutex.create({ origin, tokens, auth });
 */
export const fetchMutex: ContenderFactory = {
  name: 'fetch + async-mutex',
  create({ origin, tokens, auth }) {
    const recipe = createMutexRecipe({ getToken: tokens.get, setToken: tokens.set, reauthenticate: () => auth.reauthenticate() });
    return {
      name: 'fetch + async-mutex',
      get: (path) => recipe(origin + path).then(readOutcome),
      post: (path, body) =>
        recipe(origin + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(readOutcome),
      stop: () => {},
    };
  },
};
