import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { SchemaCheck } from './schema-check.js';

/**
 * The same check as schema-check.ts, interpreted: no code is generated, so it runs under a
 * Content-Security-Policy without 'unsafe-eval' (the web client's bundle uses it; web/build.ts).
 */
export const schemaCheck = (schema: TSchema): SchemaCheck => ({
  Check: (value) => Value.Check(schema, value),
  Errors: (value) => Value.Errors(schema, value),
});
