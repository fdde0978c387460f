import { Injectable } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';

/** Holds the document built once at start-up (configureApp), for the controller that serves it. */
@Injectable()
export class OpenApiDocumentStore {
  document: OpenAPIObject | null = null;
}
