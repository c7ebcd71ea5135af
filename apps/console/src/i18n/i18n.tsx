import { createContext, ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Language } from './define-messages';
import { MessageKey, MESSAGES } from './messages';

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** A time as people read it in this language (the ledger's times are UTC; this shows local time). */
  formatTime(iso: string): string;
  formatNumber(value: number): string;
}

const STORAGE_KEY = 'odl.language';
const LOCALES: Record<Language, string> = { zh: 'zh-CN', en: 'en-GB' };

const I18nContext = createContext<I18n | undefined>(undefined);

/** Chinese by default (the Measures are Shanghai's); the choice of English is remembered in this browser. */
export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() =>
    localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh',
  );
  useEffect(() => {
    document.documentElement.lang = LOCALES[language];
  }, [language]);
  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(STORAGE_KEY, next);
    setLanguageState(next);
  }, []);
  const value = useMemo<I18n>(() => {
    const table: Record<string, string> = MESSAGES[language];
    const dateTime = new Intl.DateTimeFormat(LOCALES[language], {
      dateStyle: 'medium',
      timeStyle: 'medium',
    });
    const number = new Intl.NumberFormat(LOCALES[language]);
    return {
      language,
      setLanguage,
      t: (key, params) => interpolate(table[key] ?? key, params),
      formatTime: (iso) => {
        const date = new Date(iso);
        return Number.isNaN(date.getTime()) ? iso : dateTime.format(date);
      },
      formatNumber: (value) => number.format(value),
    };
  }, [language, setLanguage]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const i18n = useContext(I18nContext);
  if (!i18n) throw new Error('useI18n outside I18nProvider');
  return i18n;
}

function interpolate(message: string, params: Params = {}): string {
  return message.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined ? whole : String(params[name]),
  );
}
