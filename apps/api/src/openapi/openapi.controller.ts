import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags, type OpenAPIObject } from '@nestjs/swagger';
import { NotFoundError } from '@jim/common';
import { Public } from '../auth/auth.decorators';
import { OpenApiDocumentStore } from './openapi-document.store';
import { OPENAPI_JSON_PATH, REFERENCE_TAG } from './openapi.constants';

@ApiTags(REFERENCE_TAG)
@Controller()
export class OpenApiController {
  constructor(private readonly store: OpenApiDocumentStore) {}

  @Public()
  @Get(OPENAPI_JSON_PATH)
  @ApiOperation({
    summary: 'Get the OpenAPI document',
    description: 'This API described in OpenAPI 3: every operation, request and response schema. No API key is needed.',
  })
  @ApiOkResponse({ description: 'The OpenAPI document.', schema: { type: 'object', additionalProperties: true } })
  document(): OpenAPIObject {
    if (!this.store.document) throw new NotFoundError('The OpenAPI document has not been built');
    return this.store.document;
  }
}
