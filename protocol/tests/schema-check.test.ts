import type { TSchema } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clientCommandPayloads, CommandRequest } from '../commands.js';
import { schemaCheck } from '../schema-check.js';
import { schemaCheck as interpretedCheck } from '../schema-check.interpreted.js';
import '../validate.js'; // registers the text format both checks use
import { clientFrame, jsonData } from './arbitraries.js';

// The web pages validate with the interpreted check (no eval under their CSP), the server with the
// compiled one: a command the page lets through must be one the server accepts, and the reverse.
const schemas: Array<[string, TSchema]> = [['CommandRequest', CommandRequest], ...Object.entries(clientCommandPayloads)];
const commandPayloads = clientFrame.filter((frame) => frame.t === 'cmd').map((frame) => (frame as { payload: unknown }).payload);

describe('the interpreted schema check (web pages) and the compiled one (server)', () => {
  it.each(schemas)('agree on %s: the same verdict and the same first error, whatever the value', (_name, schema) => {
    const compiled = schemaCheck(schema);
    const interpreted = interpretedCheck(schema);
    fc.assert(
      fc.property(fc.oneof(jsonData, commandPayloads), (value) => {
        expect(interpreted.Check(value)).toBe(compiled.Check(value));
        expect(interpreted.Errors(value).First()?.path).toBe(compiled.Errors(value).First()?.path);
      }),
      { numRuns: 300 },
    );
  });

  it('both accept a valid meal and refuse it with a name of control characters', () => {
    const mealLog = clientCommandPayloads['meal.log'] as TSchema;
    const meal = { mealId: 'm1', mealType: 'lunch', eatenAt: 1_700_000_000_000, foods: [{ name: 'oats', quantity: 100, unit: 'g', calories: 380, proteinG: 13, carbsG: 67, fatG: 7 }] };
    const bad = { ...meal, foods: [{ ...meal.foods[0], name: 'oats\u0000' }] };
    for (const check of [schemaCheck(mealLog), interpretedCheck(mealLog)]) {
      expect(check.Check(meal)).toBe(true);
      expect(check.Check(bad)).toBe(false);
    }
  });
});
