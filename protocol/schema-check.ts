import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueErrorIterator } from '@sinclair/typebox/errors';

/** A schema's check and its errors: what `Validator` (validate.ts) needs of TypeBox. */
export interface SchemaCheck {
  Check(value: unknown): boolean;
  Errors(value: unknown): ValueErrorIterator;
}

/**
 * Compiles the check to JavaScript once (`new Function`): the fast way, on the server and in Node.
 * Pages served under a Content-Security-Policy without 'unsafe-eval' get schema-check.interpreted.ts
 * instead — web/build.ts puts it in place of this file.
 */
export const schemaCheck = (schema: TSchema): SchemaCheck => TypeCompiler.Compile(schema);
