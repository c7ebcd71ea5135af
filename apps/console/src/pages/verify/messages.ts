import { defineMessages } from '../../i18n/define-messages';

export const verifyMessages = defineMessages({
  zh: {
    'verify.title': '在浏览器中验证',
  },
  en: {
    'verify.title': 'Verified in your browser',
  },
});
