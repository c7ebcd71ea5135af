import { defineMessages } from '../../i18n/define-messages';

export const statisticsMessages = defineMessages({
  zh: {
    'statistics.title': '统计',
  },
  en: {
    'statistics.title': 'Statistics',
  },
});
