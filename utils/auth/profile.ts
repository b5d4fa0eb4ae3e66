/**
 * Profile helpers shared by the background (which builds the popup's state)
 * and the components (which draw initials tiles). Framework-free and tiny, so
 * the popup bundle does not pull in the OIDC client.
 */

/** Up to two initials for an avatar or app tile, from a display name or an email. */
export function initialsOf(name: string): string {
  const words = name
    .replace(/@.*/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words.slice(0, 1);
  // Array.from splits by code point, so an emoji or astral letter is not cut in half.
  const initials = letters.map((word) => Array.from(word ?? '')[0] ?? '').join('');
  return initials.toUpperCase().slice(0, 4) || '?';
}
