import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type RulesLookup = MetadataStorage['getTargetValidationMetadatas'];
type Rules = ReturnType<RulesLookup>;

let remembering = false;

/**
 * class-validator looks a DTO's rules up anew on every validation, and the lookup walks every class
 * that has rules (an `instanceof` each) to find the DTO's ancestors: with the ledger's few hundred DTOs
 * that walk was a quarter of the validation pipe's time, 6% of a busy proof server's. The rules are
 * declared by decorators when a class is defined, before any object of it is validated, so each
 * lookup's answer is remembered per DTO and options; a class defined later is a new key.
 */
export function rememberValidationRules(storage: MetadataStorage = getMetadataStorage()): void {
  if (remembering) return;
  remembering = true;
  const lookUp: RulesLookup = storage.getTargetValidationMetadatas.bind(storage);
  const remembered = new WeakMap<object, Map<string, Rules>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const options = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byOptions = remembered.get(target);
    if (!byOptions) remembered.set(target, (byOptions = new Map()));
    let rules = byOptions.get(options);
    if (!rules) byOptions.set(options, (rules = lookUp(target, schema, always, strictGroups, groups)));
    return rules;
  };
}
