import { mentionsContact, normaliseContact } from './contact';

describe('normalising a contact', () => {
  it.each([
    ['Zhang.San@Example.CN', 'zhang.san@example.cn'],
    ['  zhang.san@example.cn\t', 'zhang.san@example.cn'],
    ['ｚｈａｎｇ．ｓａｎ＠ｅｘａｍｐｌｅ．ｃｎ', 'zhang.san@example.cn'],
  ])('takes e-mail address %j as %j', (filed, same) => {
    expect(normaliseContact(filed)).toBe(normaliseContact(same));
    expect(normaliseContact(filed)).toBe(`text:${same}`);
  });

  it.each(['138 0013 8000', '138-0013-8000', '(138) 0013.8000', ' 13800138000 ', '１３８００１３８０００'])(
    'takes phone number %j as its digits',
    (filed) => {
      expect(normaliseContact(filed)).toBe('tel:13800138000');
    },
  );

  it('infers no country code: +86 138… is another contact than 138…', () => {
    expect(normaliseContact('+86 138 0013 8000')).toBe('tel:8613800138000');
    expect(normaliseContact('+86 138 0013 8000')).not.toBe(normaliseContact('13800138000'));
  });

  it('keeps other text, lower-cased, with its inner spaces collapsed', () => {
    expect(normaliseContact('  WeChat:  ZhangSan_1990 ')).toBe('text:wechat: zhangsan_1990');
  });

  it('never takes a phone number and a text for one contact', () => {
    expect(normaliseContact('12345')).toBe('tel:12345');
    expect(normaliseContact('1234')).toBe('text:1234');
  });

  it('keeps different addresses apart', () => {
    expect(normaliseContact('zhang.san@example.cn')).not.toBe(normaliseContact('zhang.san@example.com'));
  });

  it.each(['', '   ', '\u3000'])('refuses the empty contact %j', (filed) => {
    expect(() => normaliseContact(filed)).toThrow(RangeError);
  });
});

describe('whether a text mentions a contact', () => {
  it('finds an e-mail address whatever its case', () => {
    expect(mentionsContact('asked by Zhang.San@Example.cn by phone', 'zhang.san@example.cn')).toBe(true);
  });

  it('finds a phone number whatever separates its digits', () => {
    expect(mentionsContact('caller 138-0013-8000 asked', '138 0013 8000')).toBe(true);
  });

  it('finds nothing in a reason that does not name the contact', () => {
    expect(mentionsContact('request of the data subject, ticket 2026-118', 'zhang.san@example.cn')).toBe(
      false,
    );
    expect(mentionsContact('request of the data subject, ticket 2026-118', '138 0013 8000')).toBe(false);
  });
});
