/**
 * A JWT carrying `claims`, signed by no one: the session reads a token's claims and never checks its signature.
 *
 * @example
 * unsignedJwt({ sub: 'ada', exp: 1_700_000_000 }); // 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEiLCJleHAiOjE3MDAwMDAwMDB9.sig'
 */
export function unsignedJwt(claims: unknown): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS256' })}.${part(claims)}.sig`;
}
