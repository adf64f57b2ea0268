// Swagger 2.0 → the internal model: host/basePath/schemes become servers, body and formData
// parameters become a request body per `consumes` type, response schemas a content entry per
// `produces` type, securityDefinitions the security schemes.

import { appendPointer } from './json-pointer';
import type {
  MediaTypeModel,
  OperationModel,
  ParameterModel,
  RequestBodyModel,
  ResponseModel,
  SecuritySchemeModel,
  SpecModel,
} from './model';
import type { NormalizeContext } from './normalize-context';
import { entryText, operationBasics, parseServer, readPaths, readSecurity, readSecurityScheme } from './normalize-context';
import { mergeParameters } from './normalize-v3';
import { isRecord } from './refs';

interface RawParam {
  value: Record<string, unknown>;
  uri: string;
  pointer: string;
}

const PARAM_ONLY_KEYS = new Set(['name', 'in', 'required', 'description', 'allowEmptyValue', 'collectionFormat']);

export function normalizeV2(ctx: NormalizeContext, root: Record<string, unknown>, versionString: string): SpecModel {
  const uri = ctx.rootUri;
  const basePath = typeof root.basePath === 'string' ? root.basePath : '';
  const host = typeof root.host === 'string' ? root.host : undefined;
  const schemes = Array.isArray(root.schemes) && root.schemes.length > 0 ? root.schemes.map(entryText) : ['https'];
  const serverRef = ctx.node(uri, root.host !== undefined ? '/host' : root.basePath !== undefined ? '/basePath' : '');
  const servers = host
    ? schemes.map((s) => parseServer(`${s}://${host}${basePath}`, undefined, serverRef))
    : [parseServer(basePath || '/', undefined, serverRef)];
  const consumes = strings(root.consumes) ?? ['application/json'];
  const produces = strings(root.produces) ?? ['application/json'];
  const security = readSecurity(root.security) ?? [];
  const securitySchemes = new Map<string, SecuritySchemeModel>();
  if (isRecord(root.securityDefinitions)) {
    for (const [name, def] of Object.entries(root.securityDefinitions)) {
      if (isRecord(def)) securitySchemes.set(name, readSecurityScheme(name, def, ctx.node(uri, appendPointer('/securityDefinitions', name))));
    }
  }
  const walk = readPaths(ctx, root.paths, (path, item) => {
    const shared = rawParams(ctx, item.uri, item.pointer, item.value.parameters);
    return (method, op, opUri, opPointer): OperationModel => {
      const all = mergeRaw(shared, rawParams(ctx, opUri, opPointer, op.parameters));
      return {
        ...operationBasics(method, path, op),
        servers,
        parameters: mergeParameters([], all.flatMap((p) => toParameter(ctx, p))),
        requestBody: toRequestBody(ctx, all, strings(op.consumes) ?? consumes),
        responses: readResponses(ctx, opUri, opPointer, op.responses, strings(op.produces) ?? produces),
        security: readSecurity(op.security) ?? security,
        ref: ctx.node(opUri, opPointer),
      };
    };
  });
  return { rootUri: uri, version: '2.0', versionString, servers, ...walk, securitySchemes, security, pathsRef: ctx.node(uri, '/paths'), schemasPointer: '/definitions' };
}

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length > 0 ? v.map(entryText) : undefined;
}

function rawParams(ctx: NormalizeContext, uri: string, pointer: string, params: unknown): RawParam[] {
  if (!Array.isArray(params)) return [];
  const out: RawParam[] = [];
  params.forEach((param, i) => {
    const r = ctx.follow(uri, appendPointer(pointer, 'parameters', i), param);
    if (r && isRecord(r.value)) out.push({ value: r.value, uri: r.uri, pointer: r.pointer });
  });
  return out;
}

function mergeRaw(shared: RawParam[], own: RawParam[]): RawParam[] {
  const key = (p: RawParam): string => `${entryText(p.value.in)}:${entryText(p.value.name)}`;
  const ownKeys = new Set(own.map(key));
  return [...shared.filter((p) => !ownKeys.has(key(p))), ...own];
}

/** A non-body 2.0 parameter is its own schema (type, format, items, enum, …). */
function paramSchema(p: Record<string, unknown>): Record<string, unknown> {
  const schema: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p)) if (!PARAM_ONLY_KEYS.has(k)) schema[k] = v;
  return schema;
}

function toParameter(ctx: NormalizeContext, p: RawParam): ParameterModel[] {
  const where = p.value.in;
  if (where !== 'query' && where !== 'header' && where !== 'path') return [];
  return [
    {
      name: entryText(p.value.name ?? ''),
      in: where,
      required: where === 'path' || p.value.required === true,
      deprecated: false,
      schema: { ref: ctx.node(p.uri, p.pointer), value: paramSchema(p.value), dialect: '2.0' },
      ref: ctx.node(p.uri, p.pointer),
    },
  ];
}

function toRequestBody(ctx: NormalizeContext, params: RawParam[], consumes: string[]): RequestBodyModel | undefined {
  const body = params.find((p) => p.value.in === 'body');
  const content = new Map<string, MediaTypeModel>();
  if (body) {
    const ref = ctx.node(body.uri, body.pointer);
    const schemaRef = ctx.node(body.uri, appendPointer(body.pointer, 'schema'));
    for (const mt of consumes) content.set(mt.toLowerCase(), { mediaType: mt, ref, schema: { ref: schemaRef, value: body.value.schema, dialect: '2.0' } });
    return { required: body.value.required === true, content, ref };
  }
  const form = params.filter((p) => p.value.in === 'formData');
  const first = form[0];
  if (!first) return undefined;
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const p of form) {
    const name = entryText(p.value.name ?? '');
    properties[name] = paramSchema(p.value);
    if (p.value.required === true) required.push(name);
  }
  const schema = { type: 'object', properties, ...(required.length > 0 ? { required } : {}) };
  const ref = ctx.node(first.uri, first.pointer);
  const formTypes = consumes.filter((c) => /form/i.test(c));
  for (const mt of formTypes.length > 0 ? formTypes : ['application/x-www-form-urlencoded']) {
    content.set(mt.toLowerCase(), { mediaType: mt, ref, schema: { ref, value: schema, dialect: '2.0' } });
  }
  return { required: required.length > 0, content, ref };
}

function readResponses(ctx: NormalizeContext, uri: string, pointer: string, raw: unknown, produces: string[]): Map<string, ResponseModel> {
  const out = new Map<string, ResponseModel>();
  if (!isRecord(raw)) return out;
  for (const status of Object.keys(raw)) {
    const r = ctx.follow(uri, appendPointer(pointer, 'responses', status), raw[status]);
    if (!r || !isRecord(r.value)) continue;
    const ref = ctx.node(r.uri, r.pointer);
    const content = new Map<string, MediaTypeModel>();
    if (r.value.schema !== undefined) {
      const schemaRef = ctx.node(r.uri, appendPointer(r.pointer, 'schema'));
      for (const mt of produces) content.set(mt.toLowerCase(), { mediaType: mt, ref, schema: { ref: schemaRef, value: r.value.schema, dialect: '2.0' } });
    }
    const key = status.toUpperCase() === 'DEFAULT' ? 'default' : status.toUpperCase();
    out.set(key, { status, content, headers: isRecord(r.value.headers) ? Object.keys(r.value.headers) : [], ref });
  }
  return out;
}
