import { defineMessages } from '../../i18n/define-messages';

export const exportMessages = defineMessages({
  zh: {
    'exports.title': '审计导出',
  },
  en: {
    'exports.title': 'Audit export',
  },
});
