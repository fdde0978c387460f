import type { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ReferenceObject, type SchemaObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE } from '../auth/auth.decorators';
import { addTransportErrors } from './api-responses';
import { OpenApiDocumentStore } from './openapi-document.store';
import { API_KEY_SCHEME, REFERENCE_PATH, REFERENCE_TAG } from './openapi.constants';

const DESCRIPTION = `Schedules of JIM (Junctional Identity Manager): a trigger (a cron pattern, or manual) and ordered steps
(run profiles, PowerShell scripts, executables, SQL scripts), fired on time by the workers.

Every operation needs an Administrator API key in the \`X-API-Key\` header, except the health probes, the metrics
and this reference.
Enums travel as their names (\`"Cron"\`, \`"ParallelWithPrevious"\`), times as ISO-8601 UTC; date-times sent to
the API are RFC 3339 with an offset (\`Z\` or \`±hh:mm\`).
Requests are checked strictly: an unknown body field, an unknown query parameter (on every operation that lists),
or null for a field that is not nullable is a 400 naming it.
Every failure returns the same error body: \`{ code, message, details, validationErrors, timestamp }\`.`;

const TAGS: [string, string][] = [
  ['Schedules', 'Schedules: a trigger plus ordered steps. Steps with the same stepIndex run in parallel.'],
  ['Schedule executions', 'Runs of schedules, their steps and progress.'],
  ['Connected systems', 'Connected systems and their run profiles, which RunProfile steps refer to.'],
  ['API keys', 'Keys for this API. The key itself is shown once, when it is created.'],
  ['Operations', 'Health probes and metrics for orchestrators and monitoring; no API key.'],
];

/** `Controller_method`: unique, stable, and what tells public operations apart below. */
const operationId = (controllerKey: string, methodKey: string) => `${controllerKey}_${methodKey}`;

/** The OpenAPI 3 document of every route of the application, built from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('JIM Schedules API')
    .setVersion('1.0')
    .setDescription(DESCRIPTION)
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'An API key (`jim_ak_` followed by 64 hex digits) holding the Administrator role.' },
      API_KEY_SCHEME,
    )
    .addSecurityRequirements(API_KEY_SCHEME);
  for (const [name, description] of TAGS) builder.addTag(name, description);
  builder.addTag(REFERENCE_TAG, 'This reference, and the OpenAPI document it is built from.');
  const document = SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: operationId });
  applySecurity(document, publicOperationIds(app));
  closeRequestBodies(document);
  addTransportErrors(document);
  return document;
}

/** Serves the document (through OpenApiController) and the interactive reference; both without a key. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  app.get(OpenApiDocumentStore).document = document;
  // Swagger UI's own assets come from the installed swagger-ui-dist package: nothing is fetched from elsewhere.
  SwaggerModule.setup(REFERENCE_PATH, app, document, {
    raw: false,
    customSiteTitle: 'JIM Schedules API reference',
    swaggerOptions: { validatorUrl: null, docExpansion: 'list', tagsSorter: 'alpha', operationsSorter: 'alpha' },
  });
  return document;
}

/** `GET /` (and HEAD) answers 302 to the interactive reference: where a person opening the service's URL wants to be. */
export function redirectRootToReference(app: INestApplication): void {
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.path === '/' && (req.method === 'GET' || req.method === 'HEAD')) return res.redirect(302, REFERENCE_PATH);
    next();
  });
}

/** Every operation states its security: the API key, or none for public routes. */
function applySecurity(document: OpenAPIObject, publicIds: Set<string>): void {
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      operation.security = operation.operationId && publicIds.has(operation.operationId) ? [] : [{ [API_KEY_SCHEME]: [] }];
    }
  }
}

/** The validation pipe refuses unknown fields (forbidNonWhitelisted): every request-body schema, nested ones too, says so. */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const closed = new Set<string>();
  const close = (schema: SchemaObject | ReferenceObject | undefined): void => {
    if (!schema) return;
    if ('$ref' in schema) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      const target = schemas[name] as SchemaObject | undefined;
      if (closed.has(name) || !target) return;
      closed.add(name);
      close(target);
      return;
    }
    if (schema.type === 'object' || schema.properties) schema.additionalProperties = false;
    for (const property of Object.values(schema.properties ?? {})) close(property);
    close(schema.items);
    for (const part of [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])]) close(part);
  };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      const body = operation && typeof operation === 'object' && 'responses' in operation ? (operation as OperationObject).requestBody : undefined;
      if (body && !('$ref' in body)) for (const media of Object.values(body.content)) close(media.schema);
    }
  }
}

/** Operation ids of the handlers the global guard lets through without a key (`@Public()` on the method or its class). */
function publicOperationIds(app: INestApplication): Set<string> {
  const reflector = new Reflector();
  const scanner = new MetadataScanner();
  const ids = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller?.prototype) continue;
      for (const name of scanner.getAllMethodNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name] as () => unknown;
        if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [handler, controller])) ids.add(operationId(controller.name, name));
      }
    }
  }
  return ids;
}
