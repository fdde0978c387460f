import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../auth/auth.decorators';
import { ApiAuthErrors, ApiErrors } from '../openapi/api-responses';
import { CatalogueMirror, type CatalogueRefreshResult } from './catalogue-mirror.service';

@ApiTags('Connected systems')
@ApiAuthErrors()
@Controller('api/v1/synchronisation')
@RequireRole('Administrator')
export class SynchronisationController {
  constructor(private readonly mirror: CatalogueMirror) {}

  @ApiOperation({
    summary: 'Refresh the catalogue from JIM',
    description: 'Reads connected systems and run profiles from the linked JIM instance now. Run profiles JIM no longer has are marked, not deleted.',
  })
  @ApiOkResponse({
    description: 'Counts of what JIM has, and of run profiles it no longer has.',
    schema: {
      type: 'object',
      properties: {
        connectedSystems: { type: 'integer' },
        runProfiles: { type: 'integer' },
        removedRunProfiles: { type: 'integer' },
        refreshedAt: { type: 'string', format: 'date-time' },
      },
    },
  })
  @ApiErrors({ 409: 'CONFLICT: no JIM instance is linked (JIM_SYNC_URL is not set).' })
  @ApiServiceUnavailableResponse({ description: 'SERVICE_UNAVAILABLE: JIM could not be read.' })
  @Post('refresh')
  @HttpCode(200)
  refresh(): Promise<CatalogueRefreshResult> {
    return this.mirror.refresh();
  }
}
