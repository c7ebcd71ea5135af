import { exportMessages } from '../pages/exports/messages';
import { historyMessages } from '../pages/history/messages';
import { publicMessages } from '../pages/public/messages';
import { queueMessages } from '../pages/queues/messages';
import { statisticsMessages } from '../pages/statistics/messages';
import { verifyMessages } from '../pages/verify/messages';
import { commonMessages } from './common-messages';

/** Every page's messages, one table per language. Each page keeps its own in pages/<page>/messages.ts. */
export const MESSAGES = {
  zh: {
    ...commonMessages.zh,
    ...historyMessages.zh,
    ...verifyMessages.zh,
    ...queueMessages.zh,
    ...statisticsMessages.zh,
    ...exportMessages.zh,
    ...publicMessages.zh,
  },
  en: {
    ...commonMessages.en,
    ...historyMessages.en,
    ...verifyMessages.en,
    ...queueMessages.en,
    ...statisticsMessages.en,
    ...exportMessages.en,
    ...publicMessages.en,
  },
};

export type MessageKey = keyof typeof MESSAGES.zh;
