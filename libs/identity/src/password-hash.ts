import { argon2id, hash, verify } from 'argon2';

/** argon2id with the library's defaults (19 MiB, two passes): the OWASP recommendation. */
export const hashPassword = (password: string): Promise<string> => hash(password, { type: argon2id });

export const verifyPassword = (passwordHash: string, password: string): Promise<boolean> =>
  verify(passwordHash, password);

// A hash to verify against when there is no account (or it is locked), so that every case takes as long.
let dummy: Promise<string> | undefined;

/** Spends the time of one password check and answers false. */
export async function verifyNothing(password: string): Promise<false> {
  dummy ??= hashPassword('not a password');
  await verify(await dummy, password);
  return false;
}
