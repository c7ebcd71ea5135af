import { getMetadataStorage, IsInt, IsOptional, IsString, Min, validate } from 'class-validator';
import { rememberValidationRules } from './remembered-validation-rules';

class Page {
  @IsOptional() @IsInt() @Min(1) limit?: number;
}

class DatasetPage extends Page {
  @IsString() organizationId!: string;
}

describe('remembered validation rules', () => {
  const storage = getMetadataStorage();
  const lookUpAfresh = storage.getTargetValidationMetadatas.bind(storage);

  beforeAll(() => rememberValidationRules(storage));

  it('given a DTO with an ancestor, when its rules are looked up twice, then both answers are the same rules as a fresh lookup, ancestors included', () => {
    const fresh = lookUpAfresh(DatasetPage, '', false, false);
    const first = storage.getTargetValidationMetadatas(DatasetPage, '', false, false);
    const second = storage.getTargetValidationMetadatas(DatasetPage, '', false, false);

    expect(second).toBe(first);
    expect(first.map((rule) => [rule.propertyName, rule.type, rule.name])).toEqual(
      fresh.map((rule) => [rule.propertyName, rule.type, rule.name]),
    );
    expect(new Set(first.map((rule) => rule.propertyName))).toEqual(new Set(['limit', 'organizationId']));
  });

  it('given other options, when the rules are looked up, then they are looked up for those options', () => {
    const ungrouped = storage.getTargetValidationMetadatas(Page, '', false, false);
    const strictlyGrouped = storage.getTargetValidationMetadatas(Page, '', false, true, ['admin']);

    expect(strictlyGrouped).not.toBe(ungrouped);
  });

  it('given remembered rules, when objects are validated, then the verdicts are as before: good passes, bad fails on its field', async () => {
    const good = Object.assign(new DatasetPage(), { organizationId: 'org-1', limit: 5 });
    const bad = Object.assign(new DatasetPage(), { organizationId: 7, limit: 0 });

    expect(await validate(good)).toEqual([]);
    expect((await validate(bad)).map((error) => error.property).sort()).toEqual(['limit', 'organizationId']);
  });

  it('given a class defined after the first lookups, when it is validated, then its own rules apply', async () => {
    class LaterPage extends Page {
      @IsString() name!: string;
    }

    expect((await validate(Object.assign(new LaterPage(), { name: 3 }))).map((e) => e.property)).toEqual([
      'name',
    ]);
  });
});
