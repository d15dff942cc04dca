import { Parser, DiagnosticSeverity } from '@asyncapi/parser';
import { Validator as OpenApiValidator } from '@seriousme/openapi-schema-validator';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import WebSocket from 'ws';
import { createCodec, Subprotocol } from '../../protocol/codecs.js';
import { TEXT_FORMAT, isText } from '../../protocol/text.js';

/**
 * Helpers of the contract tests (server/tests/contracts.e2e.test.ts): the spec validators of
 * OpenAPI and AsyncAPI, JSON Schema validators of what the documents promise, and a recording
 * WebSocket for the SDK.
 */
export async function openApiProblems(document: unknown): Promise<unknown[]> {
  const result = await new OpenApiValidator().validate(document as never);
  return result.valid ? [] : ([] as unknown[]).concat(result.errors ?? 'invalid');
}

export async function asyncApiProblems(document: unknown): Promise<unknown[]> {
  const diagnostics = await new Parser().validate(document as never);
  return diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('/')}: ${d.message}`);
}

type Check = (value: unknown) => string | undefined;

/** JSON Schema validators: 2020-12 for OpenAPI 3.1, draft-07 for AsyncAPI's default schema format. */
export function schemaChecker(dialect: '2020-12' | 'draft-07'): (schema: unknown) => Check {
  const ajv = dialect === '2020-12' ? new Ajv2020.default({ strict: false, allErrors: true }) : new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addFormat(TEXT_FORMAT, isText);
  const compiled = new Map<unknown, ReturnType<typeof ajv.compile>>();
  return (schema) => {
    if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema as object));
    const validate = compiled.get(schema)!;
    return (value) => (validate(value) ? undefined : ajv.errorsText(validate.errors));
  };
}

/** A frame seen on the wire: sent by the client (`out`) or received from the server (`in`). */
export interface RecordedFrame {
  direction: 'in' | 'out';
  frame: { t: string } & Record<string, unknown>;
}

/** A `ws` WebSocket class for the SDK that records every frame, decoded by its subprotocol's codec. */
export function recordingWebSocket(frames: RecordedFrame[]): typeof WebSocket {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string, protocols: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => this.record('in', event.data));
    }
    override send(data: never, ...rest: never[]): void {
      this.record('out', data);
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
    private record(direction: 'in' | 'out', data: unknown): void {
      const codec = createCodec(this.protocol as Subprotocol, { maxBytes: 16 * 1024 * 1024, maxDepth: 64 });
      const bytes = typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data as Buffer);
      const decoded = codec.decode(bytes);
      if (!decoded.ok) throw new Error(`undecodable ${direction} frame: ${decoded.message}`);
      frames.push({ direction, frame: decoded.value as RecordedFrame['frame'] });
    }
  } as unknown as typeof WebSocket;
}
