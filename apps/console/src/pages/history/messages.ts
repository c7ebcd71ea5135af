import { defineMessages } from '../../i18n/define-messages';

export const historyMessages = defineMessages({
  zh: {
    'history.title': '数据集历史',
  },
  en: {
    'history.title': 'Dataset history',
  },
});
