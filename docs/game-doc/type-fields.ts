import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** A field of a TypeScript type as docs/GAME.md lists it: `today.calories`, `number`. */
export interface Field {
  path: string;
  type: string;
  optional: boolean;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Reads types out of the project's own sources with the TypeScript checker, so that the event and
 * snap tables of docs/GAME.md are the code's types, not a copy of them.
 *
 * @example
 * const types = new SourceTypes(['actors/user/events.ts']);
 * types.union('actors/user/events.ts', 'UserEvent') // [{ type: 'user.registered', data: [{ path: 'userId', … }] }, …]
 */
export class SourceTypes {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;

  constructor(files: readonly string[]) {
    this.program = ts.createProgram(files.map((file) => root + file), {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      noEmit: true,
    });
    this.checker = this.program.getTypeChecker();
  }

  /** The members of a union of `{type, data}` types (an actor's events), in declaration order. */
  union(file: string, name: string): { type: string; data: Field[] }[] {
    const { type, at } = this.declared(file, name);
    const members = type.isUnion() ? type.types : [type];
    return members.map((member) => {
      const literal = this.checker.getTypeOfSymbolAtLocation(member.getProperty('type')!, at);
      const data = this.checker.getTypeOfSymbolAtLocation(member.getProperty('data')!, at);
      return { type: String((literal as ts.StringLiteralType).value), data: this.fields(data, at, '') };
    });
  }

  /** The fields of a declared type (an interface, or an alias such as `ReturnType<typeof view>`). */
  object(file: string, name: string): Field[] {
    const { type, at } = this.declared(file, name);
    return this.fields(type, at, '');
  }

  private declared(file: string, name: string): { type: ts.Type; at: ts.Node } {
    const source = this.program.getSourceFile(root + file);
    if (!source) throw new Error(`${file} is not in the program`);
    const declaration = source.statements.find(
      (statement): statement is ts.TypeAliasDeclaration | ts.InterfaceDeclaration =>
        (ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) && statement.name.text === name,
    );
    if (!declaration) throw new Error(`${file} declares no type ${name}`);
    return { type: this.checker.getTypeAtLocation(declaration.name), at: declaration };
  }

  /** A type as TypeScript writes it, with unions of string literals spelled out and no `import(…)` paths. */
  private typeText(type: ts.Type, at: ts.Node): string {
    const element = arrayElement(this.checker, type);
    if (element && isLiteralUnion(element)) return `(${this.typeText(element, at)})[]`;
    if (isLiteralUnion(type)) return (type as ts.UnionType).types.map((member) => `'${(member as ts.StringLiteralType).value}'`).join(' | ');
    const text = this.checker.typeToString(type, at, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope);
    return text.replace(/import\([^)]*\)\./g, '').replaceAll('"', "'");
  }

  /** Properties, with an anonymous object's own fields listed under `parent.field` (named types keep their name). */
  private fields(type: ts.Type, at: ts.Node, prefix: string): Field[] {
    const fields: Field[] = [];
    for (const property of this.checker.getPropertiesOfType(type)) {
      const path = prefix + property.name;
      const optional = (property.flags & ts.SymbolFlags.Optional) !== 0;
      const propertyType = this.checker.getNonNullableType(this.checker.getTypeOfSymbolAtLocation(property, at));
      const inner = isAnonymousObject(propertyType) ? propertyType : arrayElement(this.checker, propertyType);
      const declared = this.typeText(this.checker.getTypeOfSymbolAtLocation(property, at), at);
      const text = optional ? declared.replace(/ \| undefined$/, '') : declared;
      if (inner && isAnonymousObject(inner)) {
        const isArray = inner !== propertyType;
        fields.push({ path, type: isArray ? 'array' : 'object', optional });
        fields.push(...this.fields(inner, at, `${path}${isArray ? '[]' : ''}.`));
      } else {
        fields.push({ path, type: text, optional });
      }
    }
    return fields;
  }
}

function isLiteralUnion(type: ts.Type): boolean {
  return type.isUnion() && type.types.every((member) => member.isStringLiteral());
}

function isAnonymousObject(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Object) !== 0 && ((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Anonymous) !== 0 && !type.getCallSignatures().length;
}

function arrayElement(checker: ts.TypeChecker, type: ts.Type): ts.Type | undefined {
  return checker.isArrayType(type) ? checker.getTypeArguments(type as ts.TypeReference)[0] : undefined;
}
