// OpenAPI 3.0 / 3.1 → the internal model.

import { appendPointer } from './json-pointer';
import type {
  HttpMethod,
  MediaTypeModel,
  OperationModel,
  ParameterLocation,
  ParameterModel,
  RequestBodyModel,
  ResponseModel,
  SecuritySchemeModel,
  ServerModel,
  SpecModel,
} from './model';
import type { NormalizeContext } from './normalize-context';
import { entryText, operationBasics, parseServer, readPaths, readSecurity, readSecurityScheme } from './normalize-context';
import { isRecord } from './refs';

export function normalizeV3(ctx: NormalizeContext, root: Record<string, unknown>, versionString: string): SpecModel {
  const uri = ctx.rootUri;
  const servers = readServers(ctx, uri, '', root.servers) ?? [parseServer('/', undefined, ctx.node(uri, ''))];
  const security = readSecurity(root.security) ?? [];
  const securitySchemes = new Map<string, SecuritySchemeModel>();
  const components = isRecord(root.components) ? root.components : {};
  if (isRecord(components.securitySchemes)) {
    for (const name of Object.keys(components.securitySchemes)) {
      const r = ctx.follow(uri, appendPointer('/components/securitySchemes', name), components.securitySchemes[name]);
      if (r && isRecord(r.value)) securitySchemes.set(name, readSecurityScheme(name, r.value, ctx.node(r.uri, r.pointer)));
    }
  }
  const walk = readPaths(ctx, root.paths, (path, item) => {
    const itemServers = readServers(ctx, item.uri, item.pointer, item.value.servers) ?? servers;
    const shared = readParameters(ctx, item.uri, item.pointer, item.value.parameters);
    return (method, op, opUri, opPointer) => {
      const model = readOperation(ctx, opUri, opPointer, op, method, path);
      model.servers = readServers(ctx, opUri, opPointer, op.servers) ?? itemServers;
      model.parameters = mergeParameters(shared, model.parameters);
      model.security = readSecurity(op.security) ?? security;
      return model;
    };
  });
  const version = versionString.startsWith('3.1') ? '3.1' : '3.0';
  return { rootUri: uri, version, versionString, servers, ...walk, securitySchemes, security, pathsRef: ctx.node(uri, '/paths'), schemasPointer: '/components/schemas' };
}

function readOperation(
  ctx: NormalizeContext,
  uri: string,
  pointer: string,
  op: Record<string, unknown>,
  method: HttpMethod,
  path: string,
): OperationModel {
  const responses = new Map<string, ResponseModel>();
  const rawResponses = isRecord(op.responses) ? op.responses : {};
  for (const status of Object.keys(rawResponses)) {
    const rp = appendPointer(pointer, 'responses', status);
    const r = ctx.follow(uri, rp, rawResponses[status]);
    if (!r || !isRecord(r.value)) continue;
    responses.set(status.toUpperCase() === 'DEFAULT' ? 'default' : status.toUpperCase(), {
      status,
      content: readContent(ctx, r.uri, r.pointer, r.value.content),
      headers: isRecord(r.value.headers) ? Object.keys(r.value.headers) : [],
      ref: ctx.node(r.uri, r.pointer),
    });
  }
  let requestBody: RequestBodyModel | undefined;
  if (op.requestBody !== undefined) {
    const rb = ctx.follow(uri, appendPointer(pointer, 'requestBody'), op.requestBody);
    if (rb && isRecord(rb.value)) {
      requestBody = {
        required: rb.value.required === true,
        content: readContent(ctx, rb.uri, rb.pointer, rb.value.content),
        ref: ctx.node(rb.uri, rb.pointer),
      };
    }
  }
  return {
    ...operationBasics(method, path, op),
    servers: [],
    parameters: readParameters(ctx, uri, pointer, op.parameters),
    requestBody,
    responses,
    security: [],
    ref: ctx.node(uri, pointer),
  };
}

function readContent(ctx: NormalizeContext, uri: string, pointer: string, content: unknown): Map<string, MediaTypeModel> {
  const out = new Map<string, MediaTypeModel>();
  if (!isRecord(content)) return out;
  for (const [mediaType, media] of Object.entries(content)) {
    const mp = appendPointer(pointer, 'content', mediaType);
    const schemaPointer = appendPointer(mp, 'schema');
    const hasSchema = isRecord(media) && media.schema !== undefined;
    out.set(mediaType.toLowerCase(), {
      mediaType,
      ref: ctx.node(uri, mp),
      schema: hasSchema ? { ref: ctx.node(uri, schemaPointer), value: media.schema, dialect: ctx.version } : undefined,
    });
  }
  return out;
}

function readParameters(ctx: NormalizeContext, uri: string, pointer: string, params: unknown): ParameterModel[] {
  if (!Array.isArray(params)) return [];
  const out: ParameterModel[] = [];
  params.forEach((param, i) => {
    const r = ctx.follow(uri, appendPointer(pointer, 'parameters', i), param);
    if (!r || !isRecord(r.value)) return;
    const p = r.value;
    const where = p.in;
    if (where !== 'query' && where !== 'header' && where !== 'path' && where !== 'cookie') return;
    let schemaPointer = appendPointer(r.pointer, 'schema');
    let schema: unknown = p.schema;
    if (schema === undefined && isRecord(p.content)) {
      const first = Object.keys(p.content)[0];
      const media = first === undefined ? undefined : p.content[first];
      if (first !== undefined && isRecord(media)) {
        schema = media.schema;
        schemaPointer = appendPointer(r.pointer, 'content', first, 'schema');
      }
    }
    out.push({
      name: entryText(p.name ?? ''),
      in: where as ParameterLocation,
      required: where === 'path' || p.required === true,
      deprecated: p.deprecated === true,
      schema: schema === undefined ? undefined : { ref: ctx.node(r.uri, schemaPointer), value: schema, dialect: ctx.version },
      ref: ctx.node(r.uri, r.pointer),
    });
  });
  return out;
}

/** Operation-level parameters override path-level ones with the same name and location. */
export function mergeParameters(shared: ParameterModel[], own: ParameterModel[]): ParameterModel[] {
  const key = (p: ParameterModel): string => `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
  const ownKeys = new Set(own.map(key));
  return [...shared.filter((p) => !ownKeys.has(key(p))), ...own];
}

function readServers(ctx: NormalizeContext, uri: string, pointer: string, value: unknown): ServerModel[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: ServerModel[] = [];
  value.forEach((s, i) => {
    if (isRecord(s) && typeof s.url === 'string') out.push(parseServer(s.url, s.variables, ctx.node(uri, appendPointer(pointer, 'servers', i))));
  });
  return out.length > 0 ? out : undefined;
}
