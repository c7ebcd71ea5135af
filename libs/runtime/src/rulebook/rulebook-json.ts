/**
 * Rulebook files are edited by hand and then recorded in the journal: a member written twice (two
 * `"2026"` years, say) would silently lose one to JSON.parse. Counting member names in the text and in
 * the parsed value finds it. Only meaningful for text JSON.parse accepted.
 */
export function hasDuplicateMemberNames(text: string, parsed: unknown): boolean {
  return countMembersInText(text) !== countMembersInValue(parsed);
}

function countMembersInText(text: string): number {
  let members = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (inString) {
      if (character === '\\') i++;
      else if (character === '"') inString = false;
    } else if (character === '"') {
      inString = true;
    } else if (character === ':') {
      members++;
    }
  }
  return members;
}

function countMembersInValue(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countMembersInValue(item), 0);
  if (value !== null && typeof value === 'object') {
    return Object.values(value).reduce((sum: number, item) => sum + 1 + countMembersInValue(item), 0);
  }
  return 0;
}
