export type Language = 'zh' | 'en';
export const LANGUAGES: readonly Language[] = ['zh', 'en'];

/**
 * A page's messages in both languages. The English table must have exactly the keys of the Chinese
 * one (Chinese is the default language): a missing or extra translation does not compile.
 * `{name}` in a message is replaced by the parameter of that name.
 */
export function defineMessages<K extends string>(messages: {
  zh: Record<K, string>;
  en: Record<NoInfer<K>, string>;
}): { zh: Record<K, string>; en: Record<K, string> } {
  return messages;
}
