import { defineMessages } from '../../i18n/define-messages';

export const queueMessages = defineMessages({
  zh: {
    'queues.title': '工作队列',
  },
  en: {
    'queues.title': 'Work queues',
  },
});
