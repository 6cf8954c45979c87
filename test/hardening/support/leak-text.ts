// test/fuzz still imports leakText from here; it moves to test/support/leak-text.ts with the fuzz's rewrite.
export { leakText } from '../../support/leak-text.ts';
