/** The parts of an OpenAPI 3 schema the fuzzer reads. */
export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  example?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  additionalProperties?: boolean | Schema;
  $ref?: string;
  allOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

/** One operation of the OpenAPI document: what the fuzzer aims at. */
export interface Operation {
  /** `POST /v1/datasets/{id}/releases` */
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  queryParams: Parameter[];
  /** The media types its request body is documented with; empty when it takes none. */
  consumes: string[];
  /** The body's schema, $refs resolved, when the document gives one. */
  bodySchema?: Schema;
  /** Writes may change the journal, so every refused one is checked for having written nothing. */
  writes: boolean;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, Schema> };
}

interface RawOperation {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation the document lists, in its order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = (raw.parameters ?? []).map((parameter) => ({
        name: parameter.name,
        in: parameter.in as Parameter['in'],
        required: parameter.required ?? false,
        schema: resolve(document, parameter.schema ?? {}),
      }));
      const content = raw.requestBody?.content ?? {};
      const bodySchema = Object.values(content).find((media) => media.schema?.$ref)?.schema;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]),
        queryParams: parameters.filter((parameter) => parameter.in === 'query'),
        consumes: Object.keys(content),
        bodySchema: bodySchema && resolve(document, bodySchema),
        writes: method !== 'get',
      });
    }
  }
  return operations;
}

/** The schema with every $ref (and single-member allOf, Nest's way to describe a referenced member) inlined. */
export function resolve(document: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 10) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolve(document, document.components?.schemas?.[name] ?? {}, depth + 1);
  }
  if (schema.allOf?.length === 1) {
    const { allOf, ...rest } = schema;
    return { ...rest, ...resolve(document, allOf[0], depth + 1) };
  }
  const resolved: Schema = { ...schema };
  if (schema.properties) {
    resolved.properties = Object.fromEntries(
      Object.entries(schema.properties).map(([name, member]) => [name, resolve(document, member, depth + 1)]),
    );
  }
  if (schema.items) resolved.items = resolve(document, schema.items, depth + 1);
  return resolved;
}
