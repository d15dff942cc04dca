import type { TSchema, Static } from '@sinclair/typebox';
import { clientCommandPayloads, CommandRequest, type ClientCommandType } from './commands.js';
import { ErrorCode, type ErrorCode as Code } from './errors.js';
import { schemaCheck, type SchemaCheck } from './schema-check.js';
import { TEXT_FORMAT, textFault } from './text.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; code: Code; message: string };

/** A validator compiled once: a check plus a message naming the first offending path. */
export class Validator<S extends TSchema> {
  private readonly check: SchemaCheck;

  constructor(schema: S, private readonly code: Code) {
    this.check = schemaCheck(schema);
  }

  validate(value: unknown): Checked<Static<S>> {
    if (this.check.Check(value)) return { ok: true, value };
    const first = this.check.Errors(value).First();
    const where = first?.path ? first.path : '(root)';
    const fault = first?.schema.format === TEXT_FORMAT && typeof first.value === 'string' ? textFault(first.value) : undefined;
    return { ok: false, code: this.code, message: `${where}: ${fault ?? first?.message ?? 'invalid'}` };
  }
}

const commandRequest = new Validator(CommandRequest, ErrorCode.COMMAND_INVALID);
const payloads = new Map(
  Object.entries(clientCommandPayloads).map(([type, schema]) => [type, new Validator(schema as TSchema, ErrorCode.COMMAND_INVALID)]),
);

export interface ValidCommand {
  id: string;
  to: string;
  type: ClientCommandType;
  payload: Record<string, unknown>;
}

/**
 * Validates a client's command: its envelope, that the type is a client command, and its payload.
 * `checkCommandTarget` (frames.ts) then checks it against its target before it is sent.
 */
export function validateClientCommand(value: unknown): Checked<ValidCommand> {
  const envelope = commandRequest.validate(value);
  if (!envelope.ok) return envelope;
  const { id, to, type } = envelope.value;
  const payloadValidator = payloads.get(type);
  if (!payloadValidator) return { ok: false, code: ErrorCode.COMMAND_UNKNOWN, message: `no client command ${type}` };
  const payload = payloadValidator.validate(envelope.value.payload ?? {});
  if (!payload.ok) return { ok: false, code: payload.code, message: `payload${payload.message.startsWith('/') ? '' : ' '}${payload.message}` };
  return { ok: true, value: { id, to, type: type as ClientCommandType, payload: payload.value as Record<string, unknown> } };
}
