/** A username: 3–32 characters of a–z, 0–9, `_` and `-`. Lower case only, so names cannot impersonate by case. */
export const USERNAME_PATTERN = /^[a-z0-9_-]{3,32}$/;

export const isValidUsername = (name: string): boolean => USERNAME_PATTERN.test(name);
