import type { TSchema } from '@sinclair/typebox';

/** A field of a command's payload as its TypeBox schema declares it, with its limits in words. */
export interface SchemaField {
  path: string;
  required: boolean;
  type: string;
  limits: string;
}

/** The largest epoch ms a JavaScript date can hold: a schema with this maximum is a time. */
const MAX_EPOCH_MS = 8_640_000_000_000_000;
const number = (value: number) => value.toLocaleString('en-US');

/**
 * The fields of an object schema, nested objects and arrays of objects listed under `field[].sub`.
 *
 * @example
 * schemaFields(clientCommandPayloads['water.log'])
 * // [{ path: 'ml', required: true, type: 'number', limits: '0 – 5,000' }, { path: 'drankAt', … }]
 */
export function schemaFields(schema: TSchema, prefix = ''): SchemaField[] {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  const required = new Set<string>((schema.required as string[] | undefined) ?? []);
  return Object.entries(properties).flatMap(([name, field]) => {
    const path = prefix + name;
    const own: SchemaField = { path, required: required.has(name), type: typeOf(field), limits: limitsOf(field) };
    if (field.type === 'array' && (field.items as TSchema).type === 'object') return [own, ...schemaFields(field.items as TSchema, `${path}[].`)];
    if (field.type === 'object') return [own, ...schemaFields(field, `${path}.`)];
    return [own];
  });
}

function typeOf(schema: TSchema): string {
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).map((member) => `\`${String(member.const)}\``).join(' | ');
  if (schema.type === 'integer' && schema.maximum === MAX_EPOCH_MS) return 'integer (epoch ms)';
  if (schema.type === 'array') return `array of ${(schema.items as TSchema).type === 'object' ? 'objects' : typeOf(schema.items as TSchema)}`;
  if (schema.type === 'string') return 'text';
  if (typeof schema.type === 'string') return schema.type;
  throw new Error(`no way to document the schema ${JSON.stringify(schema)}`);
}

function limitsOf(schema: TSchema): string {
  const limits: string[] = [];
  if (schema.type === 'string') {
    const min = (schema.minLength as number | undefined) ?? 0;
    limits.push(`${min}–${schema.maxLength as number} characters`);
    if (typeof schema.pattern === 'string') limits.push(`matching \`${schema.pattern}\``);
  }
  if ((schema.type === 'number' || schema.type === 'integer') && schema.maximum !== MAX_EPOCH_MS) {
    limits.push(`${number(schema.minimum as number)} – ${number(schema.maximum as number)}`);
  }
  if (schema.type === 'array' && schema.maxItems !== undefined) limits.push(`at most ${number(schema.maxItems as number)} items`);
  return limits.join(', ');
}
