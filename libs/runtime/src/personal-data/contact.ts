/**
 * How a contact is normalised before it is looked up (keyed), so that the same person filing twice,
 * or an erasure naming the contact "as it was filed", finds the same key despite cosmetic
 * differences:
 * - every contact: Unicode NFKC (full-width "１３８" and "＠" become "138" and "@"), trimmed, runs of
 *   white space collapsed to one space;
 * - phone-like (only digits, spaces and `+ - ( ) .`, with at least 5 digits): the digits alone, so
 *   "138 0013 8000", "138-0013-8000" and "(138) 00138000" are one contact. No country code is
 *   inferred: "+86 138 0013 8000" is "8613800138000", another contact than "13800138000";
 * - anything else (e-mail addresses, messenger ids, postal addresses): lower-cased, so
 *   "Zhang.San@Example.CN" and "zhang.san@example.cn" are one contact.
 * The kind is part of the result (`tel:` / `text:`), so a phone number and a text never collide.
 */
export function normaliseContact(contact: string): string {
  const text = contact.normalize('NFKC').trim().replace(/\s+/gu, ' ');
  if (text === '') throw new RangeError('a contact must not be empty');
  if (isPhoneLike(text)) return `tel:${text.replace(/\D/g, '')}`;
  return `text:${text.toLowerCase()}`;
}

function isPhoneLike(text: string): boolean {
  return /^[0-9+\-(). ]+$/.test(text) && text.replace(/\D/g, '').length >= 5;
}

/**
 * Whether free text (an erasure's reason) mentions a contact: as filed, ignoring case and width, or
 * for a phone-like contact its digits in a row whatever separates them. The reason is recorded in
 * the journal for good, so it must not carry the contact being erased.
 */
export function mentionsContact(text: string, contact: string): boolean {
  const haystack = text.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ');
  const needle = contact.normalize('NFKC').trim().toLowerCase().replace(/\s+/gu, ' ');
  if (needle !== '' && haystack.includes(needle)) return true;
  if (!isPhoneLike(needle)) return false;
  return haystack.replace(/\D/g, '').includes(needle.replace(/\D/g, ''));
}
