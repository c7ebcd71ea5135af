import { defineMessages } from '../../i18n/define-messages';

export const publicMessages = defineMessages({
  zh: {
    'public.title': '公开信息',
  },
  en: {
    'public.title': 'Public information',
  },
});
